// The explore page: one HTML document with its CSS and script inline (written here; nothing
// is fetched from the network). It reads the token from its own address, polls
// /api/state, and sends every action as a POST with the token in a header. Its controls
// carry stable data-action attributes (siblings, breed, cross, morph, keep, promote,
// discard, select) and each tile a data-tile id, for the browser test.
#pragma once

namespace nsrg {

const char* explore_page_html();

}  // namespace nsrg
