// The local server against hostile requests, over real loopback sockets with httplib's
// client: no token, a wrong token, a foreign Host, a POST whose token is only in the query,
// another method, an oversized body, paths with .. or an absolute path, and a flood of
// requests (bounded: 400 requests, a few seconds). Each is refused with its status, no
// handler runs for it (nothing is written), and the server keeps serving afterwards.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "engine/http/local_server.h"

namespace nsrg {
namespace {

namespace fs = std::filesystem;
const std::string kToken = "00112233445566778899aabbccddeeff";

// A server with one GET route (/item/<id>) and one POST route that writes a file into
// `dir`, counting the calls that reach them.
class ServerFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("nsrg_http_test_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    ServerOptions options;
    options.token = kToken;
    options.max_body_bytes = 1024;
    server_ = std::make_unique<LocalServer>(options);
    server_->get(R"(/item/([a-z0-9]{1,8}))", [this](const HttpRequest& request) {
      ++gets_;
      return HttpResponse{200, "text/plain", "item " + request.captures.at(0)};
    });
    server_->post("/write", [this](const HttpRequest& request) {
      ++posts_;
      std::ofstream(dir_ / "written.txt") << request.body;
      return HttpResponse{200, "application/json", "{}"};
    });
    port_ = server_->start();
    host_ = "127.0.0.1:" + std::to_string(port_);
  }
  void TearDown() override {
    server_->stop();
    fs::remove_all(dir_);
  }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_connection_timeout(5, 0);
    c.set_read_timeout(5, 0);
    return c;
  }
  int get(const std::string& path, const httplib::Headers& headers = {}) const {
    httplib::Client c = client();
    const httplib::Result result = c.Get(path.c_str(), headers);
    return result ? result->status : -1;
  }
  int post(const std::string& path, const std::string& body,
           const httplib::Headers& headers) const {
    httplib::Client c = client();
    const httplib::Result result = c.Post(path.c_str(), headers, body, "application/json");
    return result ? result->status : -1;
  }
  // The server still answers a good request after whatever came before.
  void expect_still_serving() const { EXPECT_EQ(get("/item/abc?token=" + kToken), 200); }

  fs::path dir_;
  std::unique_ptr<LocalServer> server_;
  int port_ = 0;
  std::string host_;
  std::atomic<int> gets_{0}, posts_{0};
};

TEST_F(ServerFixture, AGoodRequestIsServedAndTheAnswerCarriesTheSafetyHeaders) {
  httplib::Client c = client();
  const httplib::Result result = c.Get(("/item/abc?token=" + kToken).c_str());
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->body, "item abc");
  EXPECT_EQ(result->get_header_value("Cache-Control"), "no-store");
  EXPECT_EQ(result->get_header_value("Referrer-Policy"), "no-referrer");
  EXPECT_EQ(result->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_NE(result->get_header_value("Content-Security-Policy").find("default-src 'none'"),
            std::string::npos);
  EXPECT_EQ(post("/write", "{}", {{kTokenHeader, kToken}}), 200);
  EXPECT_EQ(posts_, 1);
}

TEST_F(ServerFixture, NoTokenOrAWrongTokenIsRefused) {
  EXPECT_EQ(get("/item/abc"), 401);
  EXPECT_EQ(get("/item/abc?token=ffffffffffffffffffffffffffffffff"), 403);
  EXPECT_EQ(get("/item/abc", {{kTokenHeader, "nope"}}), 403);
  EXPECT_EQ(post("/write", "{}", {}), 401);
  EXPECT_EQ(post("/write", "{}", {{kTokenHeader, "nope"}}), 403);
  // A POST's token must come in the header: a query token is what a form could send.
  EXPECT_EQ(post("/write?token=" + kToken, "{}", {}), 401);
  EXPECT_EQ(gets_ + posts_, 0);
  EXPECT_FALSE(fs::exists(dir_ / "written.txt"));
  expect_still_serving();
}

TEST_F(ServerFixture, AForeignHostIsRefused) {
  // What a DNS-rebinding page would send: the right port, its own name.
  EXPECT_EQ(get("/item/abc?token=" + kToken, {{"Host", "evil.example:" + std::to_string(port_)}}),
            421);
  EXPECT_EQ(post("/write", "{}", {{kTokenHeader, kToken}, {"Host", "evil.example"}}), 421);
  EXPECT_EQ(get("/item/abc?token=" + kToken, {{"Host", "localhost:" + std::to_string(port_)}}),
            200);
  EXPECT_EQ(posts_, 0);
  expect_still_serving();
}

TEST_F(ServerFixture, OtherMethodsAreRefused) {
  httplib::Client c = client();
  const httplib::Result put = c.Put("/write", {{kTokenHeader, kToken}}, "{}", "application/json");
  ASSERT_TRUE(put);
  EXPECT_EQ(put->status, 405);
  const httplib::Result del = c.Delete("/write", {{kTokenHeader, kToken}});
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 405);
  EXPECT_EQ(posts_, 0);
}

TEST_F(ServerFixture, AnOversizedBodyIsRefusedUnread) {
  EXPECT_EQ(post("/write", std::string(4096, 'x'), {{kTokenHeader, kToken}}), 413);
  EXPECT_EQ(posts_, 0);
  EXPECT_FALSE(fs::exists(dir_ / "written.txt"));
  expect_still_serving();
}

TEST_F(ServerFixture, PathsWithDotsOrAbsolutePathsMatchNoRoute) {
  const std::string token = "token=" + kToken;
  for (const std::string path :
       {"/item/../../etc/passwd", "/item/..%2F..%2Fetc%2Fpasswd", "/item/%2Fetc%2Fpasswd",
        "//etc/passwd", "/item//etc/passwd", "/item/abc/../../x", "/../../etc/passwd"}) {
    const int status = get(path + "?" + token);
    EXPECT_TRUE(status == 404 || status == 400) << path << ": " << status;
  }
  EXPECT_EQ(gets_, 0);
  expect_still_serving();
}

TEST_F(ServerFixture, AFloodOfRequestsIsAnsweredAndTheServerKeepsServing) {
  // 8 threads x 50 requests, half without a token; bounded by the clients' timeouts.
  const auto start = std::chrono::steady_clock::now();
  std::atomic<int> answered{0}, refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      httplib::Client c = client();
      for (int i = 0; i < 50; ++i) {
        const bool good = (i + t) % 2 == 0;
        const httplib::Result result =
            c.Get(good ? ("/item/abc?token=" + kToken).c_str() : "/item/abc");
        if (!result) continue;
        ++answered;
        if (result->status == 401) ++refused;
      }
    });
  for (std::thread& thread : threads) thread.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(answered, 400);
  EXPECT_EQ(refused, 200);
  EXPECT_LT(seconds, 30.0);
  expect_still_serving();
}

}  // namespace
}  // namespace nsrg
