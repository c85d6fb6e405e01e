// The request guard's rules (engine/http/request_guard.h) and the access token, without a
// socket: every Host, method and token case names the status it must get.
#include <gtest/gtest.h>

#include <set>

#include "engine/http/access_token.h"
#include "engine/http/request_guard.h"

namespace nsrg {
namespace {

const GuardSettings kSettings{"0123456789abcdef0123456789abcdef", 8123, false};

GuardVerdict check(const std::string& method, const std::string& host, const std::string& query,
                   const std::string& header) {
  return check_request(kSettings, {method, host, query, header});
}

TEST(RequestGuard, TheRightTokenOnLoopbackPasses) {
  EXPECT_EQ(check("GET", "127.0.0.1:8123", kSettings.token, "").status, 0);
  EXPECT_EQ(check("GET", "localhost:8123", "", kSettings.token).status, 0);
  EXPECT_EQ(check("GET", "LOCALHOST:8123", kSettings.token, "").status, 0);
  EXPECT_EQ(check("POST", "127.0.0.1:8123", "", kSettings.token).status, 0);
}

TEST(RequestGuard, AForeignOrMissingHostIsRefusedFirst) {
  for (const std::string host : {"evil.example:8123", "127.0.0.1:8124", "127.0.0.1", "",
                                 "localhost.evil.example:8123", "127.0.0.1:8123.evil"})
    EXPECT_EQ(check("GET", host, kSettings.token, "").status, 421) << host;
}

TEST(RequestGuard, AnyHostIsAcceptedOnlyWhenAllowed) {
  GuardSettings settings = kSettings;
  settings.any_host = true;
  EXPECT_EQ(check_request(settings, {"GET", "192.168.1.5:8123", kSettings.token, ""}).status, 0);
  EXPECT_EQ(check_request(settings, {"GET", "192.168.1.5:8123", "", ""}).status, 401);
}

TEST(RequestGuard, NoTokenIs401AndAWrongOneIs403) {
  EXPECT_EQ(check("GET", "127.0.0.1:8123", "", "").status, 401);
  EXPECT_EQ(check("GET", "127.0.0.1:8123", "0123456789abcdef0123456789abcdee", "").status, 403);
  EXPECT_EQ(check("GET", "127.0.0.1:8123", kSettings.token + "0", "").status, 403);
  EXPECT_EQ(check("GET", "127.0.0.1:8123", kSettings.token.substr(1), "").status, 403);
  // A header token, when given, is the one checked.
  EXPECT_EQ(check("GET", "127.0.0.1:8123", kSettings.token, "wrong").status, 403);
}

TEST(RequestGuard, APostNeedsTheTokenInTheHeader) {
  EXPECT_EQ(check("POST", "127.0.0.1:8123", kSettings.token, "").status, 401);
  EXPECT_EQ(check("POST", "127.0.0.1:8123", "", "wrong").status, 403);
}

TEST(RequestGuard, OtherMethodsAre405) {
  for (const std::string method : {"PUT", "DELETE", "OPTIONS", "PATCH"})
    EXPECT_EQ(check(method, "127.0.0.1:8123", "", kSettings.token).status, 405) << method;
}

TEST(AccessToken, Is32HexDigitsAndNeverTheSameTwice) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string token = make_access_token();
    ASSERT_EQ(token.size(), 32u);
    EXPECT_EQ(token.find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_TRUE(seen.insert(token).second);
  }
}

TEST(AccessToken, SameTokenComparesEveryByte) {
  EXPECT_TRUE(same_token("abc", "abc"));
  EXPECT_FALSE(same_token("abd", "abc"));
  EXPECT_FALSE(same_token("ab", "abc"));
  EXPECT_FALSE(same_token("abcd", "abc"));
  EXPECT_FALSE(same_token("", ""));  // an empty expected token never matches
}

}  // namespace
}  // namespace nsrg
