// Helpers for the explore tests: a small session config (the built-in model, 32 px tiles,
// a few iterations, two style layers), an HTTP client with the token, and waiting for
// tiles to reach a state.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "engine/explore/explore_server.h"
#include "engine/http/request_guard.h"
#include "tests/engine/render_test_support.h"

namespace nsrg::testing {

inline ExploreOptions small_explore_options(const std::filesystem::path& dir, int siblings) {
  const std::filesystem::path config =
      write_config(dir, 48, 4,
                   "[randomize]\nmode = \"scale_eigenvectors\"\n"
                   "[explore]\npreview_size = 32\npreview_iterations = 4\npreview_every = 2\n"
                   "siblings = " +
                       std::to_string(siblings) + "\n");
  ExploreOptions options;
  options.config_path = config.string();
  options.overrides = {"style.layers=[\"relu1_1\", \"relu2_1\"]", "output.print_iter=0"};
  options.engine_path = "/usr/local/bin/nsrg-engine";
  options.page_timeout = std::chrono::milliseconds(600000);
  return options;
}

// A client of a running ExploreServer.
class ExploreClient {
 public:
  explicit ExploreClient(ExploreServer& server)
      : token_(server.token()), client_("127.0.0.1", server.port()) {
    client_.set_read_timeout(10, 0);
  }
  nlohmann::json state() {
    const httplib::Result result = client_.Get(("/api/state?token=" + token_).c_str());
    EXPECT_TRUE(result && result->status == 200);
    return result ? nlohmann::json::parse(result->body) : nlohmann::json();
  }
  // Status and body of a POST with the token header.
  std::pair<int, std::string> post(const std::string& path, const nlohmann::json& body) {
    const httplib::Result result =
        client_.Post(path.c_str(), {{kTokenHeader, token_}}, body.dump(), "application/json");
    return result ? std::make_pair(result->status, result->body)
                  : std::make_pair(-1, std::string());
  }
  int get_status(const std::string& path) {
    const httplib::Result result = client_.Get(path.c_str());
    return result ? result->status : -1;
  }
  const std::string& token() const { return token_; }

  // Polls the state until every tile in `ids` is done (fails on failed tiles or after
  // `seconds`); returns the last state.
  nlohmann::json wait_done(const std::vector<std::string>& ids, double seconds = 300) {
    const auto start = std::chrono::steady_clock::now();
    for (;;) {
      const nlohmann::json now = state();
      size_t done = 0;
      for (const nlohmann::json& tile : now["tiles"]) {
        for (const std::string& id : ids) {
          if (tile["id"] != id) continue;
          EXPECT_NE(tile["state"], "failed") << id << ": " << tile["error"];
          if (tile["state"] == "failed") return now;
          if (tile["state"] == "done") ++done;
        }
      }
      if (done == ids.size()) return now;
      if (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() >
          seconds) {
        ADD_FAILURE() << "tiles not done after " << seconds << " s: " << now.dump();
        return now;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

 private:
  std::string token_;
  httplib::Client client_;
};

// Calls `done()` every 20 ms until it is true or 60 s have passed; returns its last value.
template <class Done>
bool wait_until(Done done) {
  const auto start = std::chrono::steady_clock::now();
  while (!done()) {
    if (std::chrono::steady_clock::now() - start > std::chrono::seconds(60)) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

inline const nlohmann::json& tile_in(const nlohmann::json& state, const std::string& id) {
  for (const nlohmann::json& tile : state["tiles"])
    if (tile["id"] == id) return tile;
  throw std::runtime_error("no tile " + id);
}

}  // namespace nsrg::testing
