// nsrg-engine: render a configuration, or one shard of it, or gather the shards.
//   nsrg-engine CONFIG.toml [--set section.key=VALUE ...] [--backend cpu|cuda|auto]
//                           [--variants N] [--seed S] [--shard I/N|none] [--shard-count N]
//   nsrg-engine CONFIG.toml --gather [--shard-count N] [the shards' --set, --seed, ...]
//   nsrg-engine explore CONFIG.toml [--port N] [--set ...] [--backend ...]
//                                   [--host H --allow-remote]
// Exit status: 0 done, 2 bad input (one line naming the file, key or layer), 1 internal or
// device failure, 130 interrupted (the current image was saved first).
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "engine/cluster/gather.h"
#include "engine/cluster/shard_choice.h"
#include "engine/config/config.h"
#include "engine/core/command_main.h"
#include "engine/core/error.h"
#include "engine/explore/explore_server.h"
#include "engine/render/render_session.h"

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

// The options a render and explore share: the config, --set and --backend.
struct ConfigOptions {
  std::string config_path;
  std::vector<std::string> overrides;
  std::string backend;
};

void add_config_options(CLI::App& app, ConfigOptions& options) {
  app.add_option("config", options.config_path, "TOML configuration file (see docs/config.md)")
      ->required();
  app.add_option("--set", options.overrides,
                 "Override a key: section.key=VALUE with a TOML value, e.g. "
                 "optimizer.iterations=50 or 'style.layers=[\"relu3_3\"]' (repeatable)")
      ->take_last()
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--backend", options.backend, "cpu, cuda or auto (overrides the config's backend)")
      ->check(CLI::IsMember(nsrg::names_in(nsrg::kBackendChoiceNames)));
}

// --set and --backend as the config loader takes them.
std::vector<std::string> config_overrides(const ConfigOptions& options) {
  std::vector<std::string> overrides = options.overrides;
  if (!options.backend.empty()) overrides.push_back("backend=\"" + options.backend + "\"");
  return overrides;
}

// Parses argv into `app`; a parse error's status (0 for --help, else 2) when it fails.
std::optional<int> parse_arguments(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  return std::nullopt;
}

// nsrg-engine explore CONFIG.toml ...: the explore page (docs/explore.md).
int run_explore_command(int argc, char** argv, const char* engine_path) {
  CLI::App app{"nsrg-engine explore: a local page to render, breed, cross and keep a family"};
  ConfigOptions config;
  add_config_options(app, config);
  nsrg::ExploreServerOptions server;
  app.add_option("--port", server.port, "Listen on this port (default: a free one)")
      ->check(CLI::Range(1, 65535));
  app.add_option("--host", server.host,
                 "Listen on this address (default 127.0.0.1; another needs --allow-remote)");
  app.add_flag("--allow-remote", server.allow_remote,
               "Allow a --host that is not loopback (the page is then reachable from the network)");
  if (const std::optional<int> status = parse_arguments(app, argc, argv)) return *status;
  nsrg::ExploreOptions session;
  session.config_path = config.config_path;
  session.overrides = config_overrides(config);
  session.engine_path = engine_path;
  return nsrg::run_explore(std::move(session), server, std::cout, std::cerr);
}

int run(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "explore") {
    std::error_code error;
    const std::string engine = std::filesystem::canonical("/proc/self/exe", error).string();
    return run_explore_command(argc - 1, argv + 1, engine.empty() ? argv[0] : engine.c_str());
  }
  CLI::App app{
      "nsrg-engine: neural style transfer with randomized styles (Gatys et al., "
      "neural-style parity); `nsrg-engine explore CONFIG.toml` opens the explore page"};
  app.set_version_flag("--version", std::string("nsrg-engine ") + NSRG_VERSION);
  ConfigOptions command_line;
  add_config_options(app, command_line);
  int variants = 0;
  long long seed = -1;
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
  if (const std::optional<int> status = parse_arguments(app, argc, argv)) return *status;
  std::vector<std::string> overrides = config_overrides(command_line);
  const std::string& config_path = command_line.config_path;
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
