// The explore server's routes: the page, its state, the tiles' and inputs' pictures (by id),
// and one POST per action. Every route maps ids to files through the session; a failed
// action answers 400 with its one line, a full queue 429.
#pragma once

#include "engine/explore/explore_session.h"
#include "engine/http/local_server.h"

namespace nsrg {

void add_explore_routes(LocalServer& server, ExploreSession& session);

}  // namespace nsrg
