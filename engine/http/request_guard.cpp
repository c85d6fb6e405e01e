// check_request: the Host, method and token rules of the explore server.
#include "engine/http/request_guard.h"

#include <algorithm>
#include <cctype>

#include "engine/http/access_token.h"

namespace nsrg {

namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  return text;
}

bool host_is_this_server(const std::string& host, int port) {
  const std::string wanted_port = ":" + std::to_string(port);
  const std::string name = lower(host);
  return name == "127.0.0.1" + wanted_port || name == "localhost" + wanted_port;
}

}  // namespace

GuardVerdict check_request(const GuardSettings& settings, const RequestFacts& request) {
  if (!settings.any_host && !host_is_this_server(request.host, settings.port))
    return {421, "the Host header must be 127.0.0.1:" + std::to_string(settings.port) +
                     " or localhost:" + std::to_string(settings.port)};
  const bool post = request.method == "POST";
  if (!post && request.method != "GET" && request.method != "HEAD")
    return {405, "only GET and POST are served"};
  // A POST's token must be in the header: a query token is what a link or a form can carry.
  const std::string& token =
      post || !request.header_token.empty() ? request.header_token : request.query_token;
  if (token.empty())
    return {401, post ? std::string("a POST needs the token in the ") + kTokenHeader + " header"
                      : "the token is missing"};
  if (!same_token(token, settings.token)) return {403, "wrong token"};
  return {};
}

}  // namespace nsrg
