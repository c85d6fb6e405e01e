// A small HTTP server for one local user (the explore page), on cpp-httplib (Debian's
// libcpp-httplib-dev; only local_server.cpp includes it). Every request passes
// check_request (request_guard.h) before its route; bodies over a bound are refused with 413
// before they are read; every answer says not to cache it, not to sniff its type, not to
// send a Referer (the token is in the page's address) and to run only this server's own
// content. Routes are patterns (std::regex, whole path) with their captures given to the
// handler.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/http/request_guard.h"

namespace nsrg {

struct HttpRequest {
  std::string method, path, body;
  std::map<std::string, std::string> query;  // the first value of each query parameter
  std::vector<std::string> captures;         // the route pattern's groups
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: a free port
  std::string token;
  bool any_host = false;             // do not check the Host header (a --host not on loopback)
  size_t max_body_bytes = 16 << 10;  // larger request bodies: 413
  int threads = 8;                   // requests served at once
};

class LocalServer {
 public:
  explicit LocalServer(ServerOptions options);
  ~LocalServer();  // stops and joins the listening thread
  LocalServer(const LocalServer&) = delete;
  LocalServer& operator=(const LocalServer&) = delete;

  void get(const std::string& pattern, HttpHandler handler);
  void post(const std::string& pattern, HttpHandler handler);
  // Binds (UserError naming the host and port when it cannot) and serves on a thread of
  // its own; returns the port.
  int start();
  void stop();
  int port() const { return port_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace nsrg
