// The explore server's rules for every request, before any route sees it (docs/design.md,
// "The explore server"): the Host header names this server on loopback (against DNS
// rebinding), the token is the session's, and a request that changes anything is a POST
// carrying the token in a header (a page of another site can make a browser send a form or
// a GET with a cookie, but not a custom header without a preflight this server refuses).
#pragma once

#include <string>

namespace nsrg {

// The header that carries the token (every POST, optionally a GET).
constexpr const char* kTokenHeader = "X-Explore-Token";

struct GuardSettings {
  std::string token;
  int port = 0;
  bool any_host = false;  // --host other than loopback: the Host header is not checked
};

// What the guard reads of a request.
struct RequestFacts {
  std::string method;        // "GET", "POST", ...
  std::string host;          // the Host header, "" when absent
  std::string query_token;   // ?token=..., "" when absent
  std::string header_token;  // X-Explore-Token, "" when absent
};

// An HTTP status and the reason for it; status 0: the request may go on.
struct GuardVerdict {
  int status = 0;
  std::string reason;
};

// 421 a Host that is not 127.0.0.1:PORT or localhost:PORT; 405 a method other than GET,
// HEAD and POST; 401 no token (a POST: none in the header); 403 a wrong token.
GuardVerdict check_request(const GuardSettings& settings, const RequestFacts& request);

}  // namespace nsrg
