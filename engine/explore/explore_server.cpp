// ExploreServer and run_explore.
#include "engine/explore/explore_server.h"

#include <chrono>
#include <ostream>
#include <thread>

#include "engine/core/error.h"
#include "engine/explore/explore_routes.h"
#include "engine/http/access_token.h"
#include "engine/render/interrupt.h"

namespace nsrg {

bool is_loopback_host(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

ExploreServer::ExploreServer(ExploreOptions session, ExploreServerOptions server, std::ostream& log)
    : options_(std::move(server)), token_(make_access_token()) {
  const bool loopback = is_loopback_host(options_.host);
  NSRG_REQUIRE(loopback || options_.allow_remote, "--host ", options_.host,
               ": the explore page would be reachable from the network; add --allow-remote "
               "if that is what you want");
  session_ = std::make_unique<ExploreSession>(std::move(session), log);
  ServerOptions http;
  http.host = options_.host;
  http.port = options_.port;
  http.token = token_;
  http.any_host = !loopback;
  server_ = std::make_unique<LocalServer>(http);
  add_explore_routes(*server_, *session_);
}

ExploreServer::~ExploreServer() {
  stop();
}

std::string ExploreServer::start() {
  const int port = server_->start();
  session_->start();
  const std::string host = is_loopback_host(options_.host) ? "127.0.0.1" : options_.host;
  return "http://" + host + ":" + std::to_string(port) + "/?token=" + token_;
}

void ExploreServer::stop() {
  server_->stop();
  session_->stop();
}

int run_explore(ExploreOptions session, const ExploreServerOptions& server, std::ostream& out,
                std::ostream& err) {
  install_interrupt_handler();
  if (!is_loopback_host(server.host) && server.allow_remote)
    err << "warning: --host " << server.host
        << " serves the explore page to the network; anyone with the token can render and "
           "write into the session folder (the Host header is not checked)"
        << std::endl;
  ExploreServer explore(std::move(session), server, err);
  const std::string address = explore.start();
  out << "open " << address << std::endl;
  err << "session folder: " << explore.session().files().dir() << " (Ctrl-C to stop)" << std::endl;
  while (!interrupt_requested()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  explore.stop();
  err << "explore: stopped; the session is in " << explore.session().files().dir() << std::endl;
  return 130;
}

}  // namespace nsrg
