// `nsrg-engine explore`: an explore session (explore_session.h) behind its local server
// (engine/http) with a fresh token, and the command that runs one until Ctrl-C.
#pragma once

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "engine/explore/explore_session.h"
#include "engine/http/local_server.h"

namespace nsrg {

struct ExploreServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;               // 0: a free port
  bool allow_remote = false;  // --allow-remote: needed for a --host that is not loopback
};

// True for 127.0.0.1 (and 127.x.y.z), localhost and ::1.
bool is_loopback_host(const std::string& host);

class ExploreServer {
 public:
  // Loads the session (UserError for a bad config, a --host not on loopback without
  // allow_remote) and makes the token; serves nothing yet.
  ExploreServer(ExploreOptions session, ExploreServerOptions server, std::ostream& log);
  ~ExploreServer();
  // Starts the server and the renders; returns the address to open, with the token.
  std::string start();
  void stop();
  int port() const { return server_->port(); }
  const std::string& token() const { return token_; }
  ExploreSession& session() { return *session_; }

 private:
  ExploreServerOptions options_;
  std::string token_;
  std::unique_ptr<ExploreSession> session_;
  std::unique_ptr<LocalServer> server_;
};

// The command: prints "open http://127.0.0.1:PORT/?token=TOKEN", serves until Ctrl-C (or
// SIGTERM), then lets the running render save and returns 130. Everything else (the
// session folder, each render started) goes to `err`.
int run_explore(ExploreOptions session, const ExploreServerOptions& server, std::ostream& out,
                std::ostream& err);

}  // namespace nsrg
