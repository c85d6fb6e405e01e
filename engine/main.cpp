// nsrg-engine: render a configuration, or one shard of it, or gather the shards.
//   nsrg-engine CONFIG.toml [--set section.key=VALUE ...] [--backend cpu|cuda|auto]
//                           [--variants N] [--seed S] [--shard I/N|none] [--shard-count N]
//   nsrg-engine CONFIG.toml --gather [--shard-count N] [the shards' --set, --seed, ...]
// Exit status: 0 done, 2 bad input (one line naming the file, key or layer), 1 internal or
// device failure, 130 interrupted (the current image was saved first).
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "engine/config/config.h"
#include "engine/core/command_main.h"
#include "engine/core/error.h"
#include "engine/cluster/gather.h"
#include "engine/render/render_session.h"
#include "engine/cluster/shard_choice.h"

namespace {

// --gather: the shards' partial summaries into the whole run's sheet, gallery and summary.
int run_gather(const std::string& config_path, const std::vector<std::string>& overrides,
               const std::string& shard, const std::string& shard_count) {
  NSRG_REQUIRE(shard.empty(), "--gather with --shard ", shard,
               ": gather once, after every shard has finished, without --shard");
  const int count = nsrg::parse_shard_count_flag(shard_count);
  const nsrg::RenderConfig config = nsrg::load_config(config_path, overrides);
  const nsrg::GatherResult result = nsrg::gather_shards(config, count, std::cout);
  std::cout << "summary: " << result.summary << std::endl;
  if (!result.contact_sheet.empty())
    std::cout << "contact sheet: " << result.contact_sheet << std::endl;
  return 0;
}

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
  std::string shard, shard_count;
  bool gather = false;
  app.add_option("--shard", shard,
                 "Render only shard I of N (0 <= I < N) and write its partial summary; "
                 "without it a Slurm array task (SLURM_ARRAY_TASK_ID) or a Kubernetes "
                 "Indexed Job (JOB_COMPLETION_INDEX) picks the shard; none: the whole run");
  app.add_option("--shard-count", shard_count,
                 "The number of shards N (with JOB_COMPLETION_INDEX; with --gather: which "
                 "partial summaries to gather)");
  app.add_flag("--gather", gather,
               "Check the shards' partial summaries and write the contact sheet, gallery "
               "page and summary of the whole run (give the shards' --set options too)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (!backend.empty()) overrides.push_back("backend=\"" + backend + "\"");
  if (variants > 0) overrides.push_back("randomize.variants=" + std::to_string(variants));
  if (seed >= 0) overrides.push_back("seed=" + std::to_string(seed));

  if (gather) return run_gather(config_path, overrides, shard, shard_count);
  const std::optional<nsrg::ShardChoice> choice =
      nsrg::choose_shard(shard, shard_count, [](const char* name) { return std::getenv(name); });
  nsrg::RenderConfig config = nsrg::load_config(config_path, overrides);
  if (choice)
    std::cout << "shard " << choice->shard.index << " of " << choice->shard.count << " ("
              << choice->source << ")" << std::endl;
  nsrg::RenderSession session(std::move(config), std::cout,
                              choice ? std::optional<nsrg::Shard>(choice->shard) : std::nullopt);
  session.run();
  if (choice) {
    std::cout << "partial summary: " << session.summary_path() << "\n"
              << "when every shard has finished: nsrg-engine " << config_path
              << " --gather (with the same --set options)" << std::endl;
    return 0;
  }
  std::cout << "summary: " << session.summary_path() << std::endl;
  if (!session.contact_sheet_path().empty())
    std::cout << "contact sheet: " << session.contact_sheet_path() << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return nsrg::run_command([&] { return run(argc, argv); });
}
