// The gallery page in a real browser: headless Chromium (Debian's `chromium`) loads
// index.html from disk; a copy of the page with a small inline checking script records, in
// the DOM, which images decoded (naturalWidth > 0) and the labels of every figure, and the
// dumped DOM is compared with what was rendered. A screenshot of the page is kept in the
// build folder (test_artifacts/gallery_screenshot.png). Skipped when Chromium is absent.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/image/image.h"
#include "engine/output/output_names.h"
#include "engine/output/rerender_command.h"
#include "tests/engine/render_test_support.h"

namespace nsrg {
namespace {

namespace fs = std::filesystem;
using namespace nsrg::testing;

// Records each <img>'s load state and each figure's labels as JSON in <pre id="check">.
const char kCheckScript[] = R"(<pre id="check"></pre>
<script>
window.addEventListener("load", () => {
  const text = (figure, name) => (figure.querySelector("dd." + name) || {}).textContent;
  const images = Array.from(document.images).map(img => ({
    src: img.getAttribute("src"), loaded: img.complete && img.naturalWidth > 0,
    width: img.naturalWidth }));
  const figures = Array.from(document.querySelectorAll("figure")).map(figure => ({
    src: figure.querySelector("img").getAttribute("src"), layer: text(figure, "layer"),
    variant: text(figure, "variant"), seed: text(figure, "seed"), mode: text(figure, "mode"),
    range: text(figure, "range"), losses: text(figure, "losses"),
    command: figure.querySelector("code.command").textContent }));
  document.getElementById("check").textContent = JSON.stringify({ images, figures });
});
</script>
)";

std::string find_chromium() {
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
    const std::string probe = std::string("command -v ") + name + " >/dev/null 2>&1";
    if (std::system(probe.c_str()) == 0) return name;
  }
  return "";
}

std::string run_capturing(const std::string& command) {
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return output;
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) output.append(buffer, n);
  pclose(pipe);
  return output;
}

std::string html_unescape(std::string text) {
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"&quot;", "\""}, {"&#39;", "'"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}})
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + 1))
      text.replace(at, from.size(), to);
  return text;
}

TEST(GalleryInChromium, EveryImageLoadsAndTheLabelsAreInTheDom) {
  const std::string chromium = find_chromium();
  if (chromium.empty())
    GTEST_SKIP() << "no chromium binary on PATH (Debian package chromium): the gallery page "
                    "was not checked in a browser";
  const fs::path artifacts = fs::path(NSRG_BINARY_DIR) / "test_artifacts";
  const fs::path dir = artifacts / "gallery";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const auto config = write_config(dir, 48, 3,
                                   "[randomize]\nmode = \"replace_eigenvectors\"\nvariants = 3\n"
                                   "[sweep]\nstyle_layers = [\"relu2_1\", \"relu3_1\"]\n");
  std::ostringstream log;
  RenderSession session(
      load_config(config.string(), {"output.path=\"run/g-{layer}{variant}.png\""}), log);
  session.run();

  const fs::path page = dir / "run/index.html";
  std::ifstream in(page);
  std::stringstream html;
  html << in.rdbuf();
  std::string checked = html.str();
  const size_t body_end = checked.rfind("</body>");
  ASSERT_NE(body_end, std::string::npos);
  checked.insert(body_end, kCheckScript);
  const fs::path check_page = dir / "run/index_check.html";
  std::ofstream(check_page) << checked;

  const std::string flags =
      " --headless --no-sandbox --disable-gpu --allow-file-access-from-files"
      " --virtual-time-budget=10000 ";
  const std::string dom = run_capturing("timeout 120 " + chromium + flags + "--dump-dom 'file://" +
                                        check_page.string() + "' 2>/dev/null");
  const size_t start = dom.find("<pre id=\"check\">");
  ASSERT_NE(start, std::string::npos) << "chromium printed no DOM:\n" << dom.substr(0, 500);
  const size_t text_start = start + std::string("<pre id=\"check\">").size();
  const std::string json_text =
      html_unescape(dom.substr(text_start, dom.find("</pre>", text_start) - text_start));
  ASSERT_FALSE(json_text.empty()) << "the load handler did not run";
  const nlohmann::json check = nlohmann::json::parse(json_text);

  // The sheet, two references and six variants: all decoded.
  ASSERT_EQ(check["images"].size(), 1u + 2u + 6u);
  for (const auto& image : check["images"])
    EXPECT_TRUE(image["loaded"].get<bool>()) << image["src"];
  EXPECT_EQ(check["images"][0]["src"], "g_sheet.png");

  ASSERT_EQ(check["figures"].size(), 8u);
  const std::vector<RenderedImage>& images = session.images();
  for (size_t i = 0; i < images.size(); ++i) {
    const size_t figure_index = (i / 3) * 4 + 1 + i % 3;  // each row starts with its reference
    const auto& figure = check["figures"][figure_index];
    EXPECT_EQ(figure["src"], fs::path(images[i].path).filename().string());
    EXPECT_EQ(figure["layer"], images[i].style_layers.front());
    EXPECT_EQ(figure["variant"], variant_letters(images[i].variant));
    EXPECT_EQ(figure["seed"], std::to_string(images[i].seed));
    EXPECT_EQ(figure["mode"], "replace_eigenvectors");
    EXPECT_NE(figure["losses"].get<std::string>().find("total "), std::string::npos);
    EXPECT_NE(figure["command"].get<std::string>().find("--seed " + std::to_string(images[i].seed)),
              std::string::npos);
  }
  EXPECT_EQ(check["figures"][0]["variant"], "none (un-randomized)");
  EXPECT_EQ(check["figures"][4]["layer"], "relu3_1");

  // A screenshot of the page itself (no checking script), kept as an artifact.
  const fs::path screenshot = artifacts / "gallery_screenshot.png";
  fs::remove(screenshot);
  const std::string shot = "timeout 120 " + chromium + flags + "--window-size=1280,1600 " +
                           "--screenshot=" + shell_quote(screenshot.string()) + " 'file://" +
                           page.string() + "' >/dev/null 2>&1";
  ASSERT_EQ(std::system(shot.c_str()), 0) << shot;
  const Image picture = read_image(screenshot.string());
  EXPECT_EQ(picture.width, 1280);
  EXPECT_EQ(picture.height, 1600);
  std::cout << "gallery screenshot: " << screenshot.string() << "\n";
}

}  // namespace
}  // namespace nsrg
