// add_explore_routes: GET /, /api/state, /tile/<id>.png, /input/content, /input/style/<n>;
// POST /api/<action>.
#include "engine/explore/explore_routes.h"

#include <fstream>
#include <iterator>

#include "engine/core/error.h"
#include "engine/explore/explore_page.h"

namespace nsrg {

namespace {

HttpResponse text_response(int status, const std::string& text) {
  return {status, "text/plain; charset=utf-8", text + "\n"};
}

HttpResponse json_response(const nlohmann::json& value) {
  return {200, "application/json", value.dump()};
}

// A picture the session named (never a path from the request), or 404.
HttpResponse picture(const std::optional<std::string>& path) {
  if (!path) return text_response(404, "no such picture (yet)");
  std::ifstream in(*path, std::ios::binary);
  if (!in) return text_response(404, "no such picture (yet)");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const bool png = path->size() >= 4 && path->compare(path->size() - 4, 4, ".png") == 0;
  return {200, png ? "image/png" : "image/jpeg", std::move(bytes)};
}

// An action: its answer, or its failure as a status and one line.
template <class Act>
HttpResponse action(Act act) {
  try {
    return json_response(act());
  } catch (const UserError& e) {
    return text_response(400, e.what());
  } catch (const QueueFull& e) {
    return text_response(429, e.what());
  }
}

nlohmann::json made(const std::vector<std::string>& ids) {
  return {{"tiles", ids}};
}

}  // namespace

void add_explore_routes(LocalServer& server, ExploreSession& session) {
  server.get("/", [](const HttpRequest&) {
    return HttpResponse{200, "text/html; charset=utf-8", explore_page_html()};
  });
  server.get("/api/state",
             [&session](const HttpRequest&) { return json_response(session.state()); });
  server.get(R"(/tile/(t[0-9]{1,9})\.png)", [&session](const HttpRequest& request) {
    return picture(session.tile_picture(request.captures.at(0)));
  });
  server.get("/input/content",
             [&session](const HttpRequest&) { return picture(session.input_picture(-1)); });
  server.get(R"(/input/style/([0-9]{1,2}))", [&session](const HttpRequest& request) {
    return picture(session.input_picture(std::stoi(request.captures.at(0))));
  });
  server.post("/api/siblings", [&session](const HttpRequest& request) {
    return action([&] { return made(session.add_siblings(parse_sibling_request(request.body))); });
  });
  server.post("/api/breed", [&session](const HttpRequest& request) {
    return action([&] { return made(session.breed(parse_breed_request(request.body))); });
  });
  server.post("/api/cross", [&session](const HttpRequest& request) {
    return action([&] { return made(session.cross(parse_pair_request(request.body))); });
  });
  server.post("/api/morph", [&session](const HttpRequest& request) {
    return action([&] { return made(session.morph(parse_pair_request(request.body))); });
  });
  server.post("/api/promote", [&session](const HttpRequest& request) {
    return action([&] { return made(session.promote(parse_promote_request(request.body))); });
  });
  server.post("/api/keep", [&session](const HttpRequest& request) {
    return action([&] { return session.keep(parse_tile_request(request.body).tile); });
  });
  server.post("/api/discard", [&session](const HttpRequest& request) {
    return action([&] {
      session.discard(parse_tile_request(request.body).tile);
      return nlohmann::json{{"discarded", true}};
    });
  });
}

}  // namespace nsrg
