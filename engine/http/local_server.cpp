// LocalServer on cpp-httplib: the one file that includes httplib.h. Debian's package splits
// the library into this header and libcpp-httplib.so, built with its OpenSSL, zlib and
// Brotli options; CMake defines the same three macros here so the classes match the
// library's (engine/CMakeLists.txt).
#include "engine/http/local_server.h"

#include <httplib.h>

#include <thread>

#include "engine/core/error.h"

namespace nsrg {

namespace {

// Headers on every answer: nothing cached or sniffed, no Referer carrying the page's token
// away, and only this server's own scripts, styles, images and connections.
httplib::Headers default_headers() {
  return {{"Cache-Control", "no-store"},
          {"X-Content-Type-Options", "nosniff"},
          {"Referrer-Policy", "no-referrer"},
          {"X-Frame-Options", "DENY"},
          {"Content-Security-Policy",
           "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
           "script-src 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'"}};
}

void answer(httplib::Response& response, const HttpResponse& with) {
  response.status = with.status;
  response.set_content(with.body, with.content_type.c_str());
}

}  // namespace

struct LocalServer::Impl {
  ServerOptions options;
  httplib::Server server;
  std::thread listener;
};

LocalServer::LocalServer(ServerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  httplib::Server& server = impl_->server;
  const int threads = impl_->options.threads;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(size_t(threads)); };
  server.set_payload_max_length(impl_->options.max_body_bytes);
  server.set_default_headers(default_headers());
  server.set_read_timeout(5, 0);
  server.set_write_timeout(5, 0);
  server.set_keep_alive_max_count(100);
  server.set_pre_routing_handler([this](const httplib::Request& request,
                                        httplib::Response& response) {
    GuardSettings settings{impl_->options.token, port_, impl_->options.any_host};
    RequestFacts facts{request.method, request.get_header_value("Host"),
                       request.get_param_value("token"), request.get_header_value(kTokenHeader)};
    const GuardVerdict verdict = check_request(settings, facts);
    if (verdict.status == 0) return httplib::Server::HandlerResponse::Unhandled;
    answer(response, {verdict.status, "text/plain; charset=utf-8", verdict.reason + "\n"});
    return httplib::Server::HandlerResponse::Handled;
  });
}

LocalServer::~LocalServer() {
  stop();
}

namespace {

httplib::Server::Handler adapt(HttpHandler handler) {
  return
      [handler = std::move(handler)](const httplib::Request& request, httplib::Response& response) {
        HttpRequest mine;
        mine.method = request.method;
        mine.path = request.path;
        mine.body = request.body;
        for (const auto& [name, value] : request.params) mine.query.emplace(name, value);
        for (size_t i = 1; i < request.matches.size(); ++i)
          mine.captures.push_back(request.matches[i]);
        answer(response, handler(mine));
      };
}

}  // namespace

void LocalServer::get(const std::string& pattern, HttpHandler handler) {
  impl_->server.Get(pattern, adapt(std::move(handler)));
}

void LocalServer::post(const std::string& pattern, HttpHandler handler) {
  impl_->server.Post(pattern, adapt(std::move(handler)));
}

int LocalServer::start() {
  httplib::Server& server = impl_->server;
  const ServerOptions& options = impl_->options;
  if (options.port == 0) {
    port_ = server.bind_to_any_port(options.host);
  } else {
    port_ = server.bind_to_port(options.host, options.port) ? options.port : -1;
  }
  NSRG_REQUIRE(port_ > 0, "cannot listen on ", options.host, ":",
               options.port == 0 ? std::string("a free port") : std::to_string(options.port),
               " (--host, --port)");
  impl_->listener = std::thread([&server] { server.listen_after_bind(); });
  return port_;
}

void LocalServer::stop() {
  if (!impl_->listener.joinable()) return;
  impl_->server.stop();
  impl_->listener.join();
}

}  // namespace nsrg
