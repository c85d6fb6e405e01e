// A randomized sweep's labelled contact sheet (header, column and row labels, a first
// column of un-randomized renders), its gallery page (every image, its labels and a command
// that renders it again alone) and the label-less fallback without a font.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "engine/image/image.h"
#include "engine/output/contact_sheet.h"
#include "engine/output/labelled_sheet.h"
#include "engine/output/output_plan.h"
#include "engine/output/rerender_command.h"
#include "engine/output/run_description.h"
#include "engine/stages/stages.h"
#include "tests/engine/render_test_support.h"

namespace nsrg {
namespace {

using namespace nsrg::testing;

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// True when some pixel of the rectangle is clearly darker than the white background.
bool has_ink(const Image& image, int left, int top, int right, int bottom) {
  for (int y = top; y < bottom; ++y)
    for (int x = left; x < right; ++x)
      if (image.at(x, y, 0) < 0.6f) return true;
  return false;
}

struct SweepRun {
  std::filesystem::path dir;
  std::vector<RenderedImage> images, references;
  std::string sheet, log;
};

SweepRun render_sweep(const std::string& name) {
  SweepRun run;
  run.dir = make_scratch_dir(name);
  const auto config = write_config(run.dir, 32, 3,
                                   "[randomize]\nmode = \"scale_eigenvectors\"\nvariants = 2\n"
                                   "[sweep]\nstyle_layers = [\"relu2_1\", \"relu3_1\"]\n");
  std::ostringstream log;
  RenderSession session(
      load_config(config.string(), {"output.path=\"out/s-{layer}{variant}.png\""}), log);
  session.run();
  run.images = session.images();
  run.references = session.references();
  run.sheet = session.contact_sheet_path();
  run.log = log.str();
  return run;
}

TEST(ContactSheet, LabelledWithAnUnrandomizedFirstColumn) {
  const SweepRun run = render_sweep("sheet");
  ASSERT_EQ(run.images.size(), 4u);
  ASSERT_EQ(run.references.size(), 2u);
  EXPECT_EQ(run.references[0].path, (run.dir / "out/s-r21-none.png").string());
  EXPECT_EQ(run.references[1].mode, "none");
  EXPECT_EQ(run.references[1].seed, 7u);
  // The reference is the render of mode none with the run's seed: un-randomized targets.
  EXPECT_NE(read_image(run.references[0].path).rgb, read_image(run.images[0].path).rgb);

  const Image sheet = read_image(run.sheet);
  // Three columns (original, a, b) of 160 px cells plus a row-label margin.
  const int cell = 160, gap = 4;
  EXPECT_GT(sheet.width, 3 * (cell + gap) + gap + 30);
  const int grid_left = sheet.width - 3 * (cell + gap);
  const int grid_top = sheet.height - 2 * (cell + gap);
  EXPECT_TRUE(has_ink(sheet, 0, 0, sheet.width, 20)) << "no header text";
  EXPECT_TRUE(has_ink(sheet, 0, grid_top, grid_left - gap, grid_top + cell)) << "no row label";
  EXPECT_TRUE(has_ink(sheet, grid_left, grid_top - 30, grid_left + cell, grid_top))
      << "no column label";

  const nlohmann::json summary = nlohmann::json::parse(read_text(run.dir / "out/s.json"));
  EXPECT_EQ(summary["references"].size(), 2u);
  EXPECT_EQ(summary["contact_sheet"]["rows"][1][0], "r21-none");
  EXPECT_EQ(summary["contact_sheet"]["rows"][1][2], "r21b");
  std::filesystem::remove_all(run.dir);
}

TEST(ContactSheet, WithoutAFontTheSheetHasNoLabelsAndTheLogSaysWhy) {
  setenv("NSRG_FONT", "/nonexistent/label-font.ttf", 1);
  const SweepRun run = render_sweep("sheet_nofont");
  unsetenv("NSRG_FONT");
  EXPECT_NE(run.log.find("warning: contact sheet without labels: /nonexistent/label-font.ttf: "
                         "font file not found"),
            std::string::npos)
      << run.log;
  const Image sheet = read_image(run.sheet);
  // The plain grid: inputs row + two rows, three columns, no margins for text.
  EXPECT_EQ(sheet.width, 3 * 160 + 4 * 4);
  EXPECT_EQ(sheet.height, 3 * 160 + 4 * 4);
  std::filesystem::remove_all(run.dir);
}

TEST(ContactSheet, AStyleImageListedTwiceIsShownOnce) {
  const SweepRun run = render_sweep("sheet_styles");
  RunRecord record;
  record.images = run.images;
  record.references = run.references;
  const RenderConfig config = load_config((run.dir / "config.toml").string(),
                                          {"output.path=\"out/s-{layer}{variant}.png\""});
  const Image content = read_image(run.images[0].path);
  const Image a = read_image(run.images[1].path), b = read_image(run.images[2].path);
  std::ostringstream log;
  const std::string twice = (run.dir / "twice.png").string(),
                    once = (run.dir / "once.png").string();
  write_contact_sheet(config, content, {a, a, b}, record, twice, log);
  write_contact_sheet(config, content, {a, b}, record, once, log);
  EXPECT_EQ(read_image(twice).rgb, read_image(once).rgb);
  EXPECT_EQ(read_image(twice).width, read_image(once).width);
  std::filesystem::remove_all(run.dir);
}

TEST(GalleryPage, ListsEveryImageWithItsLabelsAndACommandThatRendersItAlone) {
  const SweepRun run = render_sweep("gallery");
  const std::string html = read_text(run.dir / "out/index.html");
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http"), std::string::npos);  // nothing from the network
  EXPECT_NE(html.find("src=\"s_sheet.png\""), std::string::npos);
  for (const char* src :
       {"s-r21-none.png", "s-r21a.png", "s-r21b.png", "s-r31-none.png", "s-r31a.png", "s-r31b.png"})
    EXPECT_NE(html.find(std::string("<img src=\"") + src + "\""), std::string::npos) << src;
  EXPECT_NE(html.find("<dd class=\"layer\">relu3_1</dd>"), std::string::npos);
  EXPECT_NE(html.find("<dd class=\"mode\">scale_eigenvectors</dd>"), std::string::npos);
  EXPECT_NE(html.find("<dd class=\"range\">0.1..1.9</dd>"), std::string::npos);
  EXPECT_NE(html.find("<dd class=\"seed\">8</dd>"), std::string::npos);

  // The model by its short name in the page and in the progress output's first lines; its
  // full description (the random weights' recipe) only in the summary JSON, which the page
  // links.
  for (const std::string* text : {&html, &run.log}) {
    EXPECT_NE(text->find("model: built-in random-weight VGG-19"), std::string::npos) << *text;
    EXPECT_EQ(text->find("Philox"), std::string::npos) << *text;
  }
  EXPECT_NE(html.find("<a href=\"s.json\">s.json</a>"), std::string::npos);
  const nlohmann::json summary = nlohmann::json::parse(read_text(run.dir / "out/s.json"));
  EXPECT_NE(summary.at("model_source").get<std::string>().find("Philox4x32-10"), std::string::npos);

  // The command of relu3_1 variant b renders that image again, alone, bit for bit.
  const std::regex command_pattern("<code class=\"command\">([^<]*s-r31b_alone[^<]*)</code>");
  std::smatch match;
  ASSERT_TRUE(std::regex_search(html, match, command_pattern));
  std::string command = match[1];
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"&#39;", "'"}, {"&quot;", "\""}, {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}})
    for (size_t at = command.find(from); at != std::string::npos; at = command.find(from, at))
      command.replace(at, from.size(), to);
  EXPECT_NE(command.find("--seed 8 --variants 1"), std::string::npos) << command;
  EXPECT_NE(command.find("--set 'style.layers=[\"relu3_1\"]'"), std::string::npos) << command;
  ASSERT_EQ(command.rfind("nsrg-engine ", 0), 0u) << command;
  const std::string shell = "cd " + shell_quote(std::filesystem::current_path().string()) + " && " +
                            std::string(NSRG_BINARY_DIR) + "/" + command + " >/dev/null";
  ASSERT_EQ(std::system(shell.c_str()), 0) << shell;
  EXPECT_EQ(read_image((run.dir / "out/s-r31b_alone.png").string()).rgb,
            read_image(run.images[3].path).rgb);
  std::filesystem::remove_all(run.dir);
}

TEST(ReferencePaths, NoneTakesThePlaceOfTheVariant) {
  RenderConfig config;
  config.variants = 2;
  config.randomize.mode = RandomizeMode::ScaleEigenvectors;
  RenderOutputs outputs;
  outputs.contact_sheet = "x_sheet.png";
  EXPECT_TRUE(sheet_has_reference_column(config, outputs));
  outputs.path_template = "out/compos-{layer}{variant}.png";
  EXPECT_EQ(reference_image_path(config, outputs, {"relu3_3"}), "out/compos-r33-none.png");
  outputs.path_template = "out/x-{variant}.png";
  EXPECT_EQ(reference_image_path(config, outputs, {"relu3_3"}), "out/x-none.png");
  outputs.path_template = "out/x-{layer}.png";
  EXPECT_EQ(reference_image_path(config, outputs, {"relu3_3"}), "out/x-r33-none.png");
  config.randomize.mode = RandomizeMode::None;
  EXPECT_FALSE(sheet_has_reference_column(config, outputs));
}

TEST(ReferencePaths, TheSheetTakesTheImagesFormat) {
  RenderConfig config;
  config.variants = 3;
  config.output_path = "/o/compos-{layer}{variant}.jpg";
  config.sweep_style_layers = {"relu3_1", "relu3_3"};
  const RenderOutputs outputs = plan_outputs(config);
  EXPECT_EQ(outputs.contact_sheet, "/o/compos_sheet.jpg");
  EXPECT_EQ(outputs.gallery, "/o/index.html");
  config.output_path = "/o/x.png";
  EXPECT_EQ(plan_outputs(config).contact_sheet, "/o/x_sheet.png");
}

TEST(RunDescription, NamesTheModelBriefly) {
  RenderConfig config;
  config.stages = {config.top_level};  // as load_config leaves a config without [[stages]]
  config.model = "builtin:vgg19-random";
  EXPECT_EQ(run_description_lines(config).at(1), "model: built-in random-weight VGG-19");
  config.model = "/somewhere/weights/vgg19.safetensors";
  EXPECT_EQ(run_description_lines(config).at(1), "model: vgg19.safetensors");
}

// The header line of the sheet and the gallery names each region's mask and style, and each
// layer source's.
TEST(RunDescription, NamesTheRegionsAndTheLayerSources) {
  RenderConfig config;
  config.stages = {config.top_level};
  config.content_image = "/in/cat.png";
  StyleRegion face;
  face.mask = "/in/face.png";
  face.images = {"/in/a.png", "/in/b.png"};
  face.style_masks = {"/in/a_part.png", "/in/b_part.png"};
  StyleRegion rest;
  rest.mask = "/in/rest.png";
  rest.targets = "/in/v.style.safetensors";
  config.regions = {face, rest};
  EXPECT_EQ(run_description_lines(config).at(0),
            "content: cat.png    regions: face.png <- a.png, b.png (masked by a_part.png, "
            "b_part.png); rest.png <- v.style.safetensors");
  config.regions.clear();
  config.style_images = {"/in/coarse.png"};
  config.style_layer_sources["relu1_1"].images = {"/in/fine.png"};
  config.style_layer_sources["relu2_1"].targets = "/in/k.style.safetensors";
  EXPECT_EQ(run_description_lines(config).at(0),
            "content: cat.png    style: coarse.png; relu1_1 <- fine.png; relu2_1 <- "
            "k.style.safetensors");
}

// The sheet shows [style]'s images, then each region's, then each layer source's.
TEST(ContactSheet, ShowsTheRegionsAndTheLayerSourcesStyleImages) {
  auto image_of = [](float value) {
    Image image;
    image.width = image.height = 1;
    image.rgb = {value, value, value};
    return image;
  };
  StageInputs inputs;
  inputs.style_images = {image_of(0.1f)};
  inputs.regions.resize(2);
  inputs.regions[0].style_images = {image_of(0.2f), image_of(0.3f)};
  inputs.regions[1].style_images = {image_of(0.4f)};
  inputs.layer_source_images["relu1_1"] = {image_of(0.5f)};
  const std::vector<Image> shown = sheet_style_images(inputs);
  ASSERT_EQ(shown.size(), 5u);
  const float expected[5] = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f};
  for (size_t i = 0; i < shown.size(); ++i) EXPECT_EQ(shown[i].rgb[0], expected[i]) << i;
}

TEST(RerenderCommand, QuotesForTheShell) {
  EXPECT_EQ(shell_quote("seed=8"), "seed=8");
  EXPECT_EQ(shell_quote("style.layers=[\"relu3_1\"]"), "'style.layers=[\"relu3_1\"]'");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_quote(""), "''");
}

}  // namespace
}  // namespace nsrg
