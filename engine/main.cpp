// nsrg-engine: render a configuration.
//   nsrg-engine CONFIG.toml [--set section.key=VALUE ...] [--backend cpu|cuda|auto]
//                           [--variants N] [--seed S]
// Exit status: 0 done, 2 bad input (one line naming the file, key or layer), 1 internal or
// device failure, 130 interrupted (the current image was saved first).
#include <CLI/CLI.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "engine/config/config.h"
#include "engine/core/command_main.h"
#include "engine/core/error.h"
#include "engine/render/render_session.h"

namespace {

int run(int argc, char** argv) {
  CLI::App app{
      "nsrg-engine: neural style transfer with randomized styles (Gatys et al., "
      "neural-style parity)"};
  app.set_version_flag("--version", std::string("nsrg-engine ") + NSRG_VERSION);
  std::string config_path;
  std::vector<std::string> overrides;
  std::string backend;
  int variants = 0;
  long long seed = -1;
  app.add_option("config", config_path, "TOML configuration file (see docs/config.md)")->required();
  app.add_option("--set", overrides,
                 "Override a key: section.key=VALUE with a TOML value, e.g. "
                 "optimizer.iterations=50 or 'style.layers=[\"relu3_3\"]' (repeatable)")
      ->take_last()
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--backend", backend, "cpu, cuda or auto (overrides the config's backend)")
      ->check(CLI::IsMember(nsrg::names_in(nsrg::kBackendChoiceNames)));
  app.add_option("--variants", variants, "Render N variants (seeds seed, seed+1, ...)")
      ->check(CLI::Range(1, 1000));
  app.add_option("--seed", seed, "Render seed (overrides the config's seed)")
      ->check(CLI::NonNegativeNumber);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (!backend.empty()) overrides.push_back("backend=\"" + backend + "\"");
  if (variants > 0) overrides.push_back("randomize.variants=" + std::to_string(variants));
  if (seed >= 0) overrides.push_back("seed=" + std::to_string(seed));

  nsrg::RenderConfig config = nsrg::load_config(config_path, overrides);
  nsrg::RenderSession session(std::move(config), std::cout);
  session.run();
  std::cout << "summary: " << session.summary_path() << std::endl;
  if (!session.contact_sheet_path().empty())
    std::cout << "contact sheet: " << session.contact_sheet_path() << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return nsrg::run_command([&] { return run(argc, argv); });
}
