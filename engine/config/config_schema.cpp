// The set of keys a config file may hold, collected from config_fields.h by KeyCollector,
// and the unknown-key check.
#include "engine/config/config_schema.h"

#include <set>
#include <string>

#include "engine/config/config_fields.h"

namespace nsrg::config_detail {
namespace {

// Stands for any name of a named table (randomize.layers.<name>) and any index of an array
// of tables (stages[i]) in a collected key.
constexpr char kAnyName[] = "*";
constexpr char kAnyIndex[] = "[]";

std::string join_key(const std::string& prefix, const std::string& key) {
  return prefix.empty() ? key : prefix + "." + key;
}

// The dotted names of every key, and of the keys that are tables (or arrays of tables)
// whose own keys are checked in turn.
struct KnownKeys {
  std::set<std::string> keys, tables;
};

// The config_fields.h visitor that records every key's dotted name.
class KeyCollector {
 public:
  KeyCollector(KnownKeys& known, std::string prefix) : known_(known), prefix_(std::move(prefix)) {}

  template <typename... Ignored>
  void choice(const std::string& key, Ignored&&...) {
    add(key);
  }
  template <typename... Ignored>
  void integer(const std::string& key, Ignored&&...) {
    add(key);
  }
  template <typename... Ignored>
  void required_integer(const std::string& key, Ignored&&...) {
    add(key);
  }
  template <typename... Ignored>
  void integer_or_auto(const std::string& key, Ignored&&...) {
    add(key);
  }
  template <typename... Ignored>
  void number(const std::string& key, Ignored&&...) {
    add(key);
  }
  template <typename... Ignored>
  void boolean(const std::string& key, Ignored&&...) {
    add(key);
  }
  template <typename... Ignored>
  void kept_style_flag(const std::string& key, Ignored&&...) {
    add(key);
  }
  template <typename... Ignored>
  void layers(const std::string& key, Ignored&&...) {
    add(key);
  }
  template <typename... Ignored>
  void range(const std::string& key, Ignored&&...) {
    add(key);
  }
  template <typename... Ignored>
  void input_file(const std::string& key, Ignored&&...) {
    add(key);
  }
  template <typename... Ignored>
  void input_files(const std::string& key, Ignored&&...) {
    add(key);
  }
  template <typename... Ignored>
  void input_file_list(const std::string& key, Ignored&&...) {
    add(key);
  }
  template <typename... Ignored>
  void blend_weights(const std::string& key, Ignored&&...) {
    add(key);
  }
  template <typename... Ignored>
  void model(const std::string& key, Ignored&&...) {
    add(key);
  }
  template <typename... Ignored>
  void output_image(const std::string& key, Ignored&&...) {
    add(key);
  }
  template <typename... Ignored>
  void output_folder(const std::string& key, Ignored&&...) {
    add(key);
  }

  template <typename Visit>
  void section(const std::string& key, Visit visit) {
    KeyCollector inner(known_, add_table(key));
    visit(inner);
  }
  template <typename Visit>
  void command_section(const std::string& key, Visit visit) {
    section(key, visit);
  }
  template <typename Visit>
  void optional_section(const std::string& key, bool, Visit visit) {
    section(key, visit);
  }
  template <typename Settings, typename Visit>
  void named_tables(const std::string& key, std::map<std::string, Settings>&, const Settings& base,
                    Visit visit) {
    const std::string any_entry = join_key(add_table(key), kAnyName);
    known_.keys.insert(any_entry);
    known_.tables.insert(any_entry);
    KeyCollector entry(known_, any_entry);
    Settings settings = base;
    visit(entry, settings);
  }
  template <typename Settings, typename Visit>
  void optional_named_tables(const std::string& key, std::map<std::string, Settings>& tables,
                             const Settings& base, Visit visit) {
    named_tables(key, tables, base, visit);
  }
  template <typename Visit>
  void stages(const std::string& key, std::vector<Stage>&, bool, const Stage& top_level,
              Visit visit) {
    KeyCollector entry(known_, add_table(key) + kAnyIndex);
    Stage stage = top_level;
    visit(entry, stage);
  }
  template <typename Entry, typename Visit>
  void table_array(const std::string& key, std::vector<Entry>&, size_t, Visit visit) {
    KeyCollector entry_keys(known_, add_table(key) + kAnyIndex);
    Entry entry;
    visit(entry_keys, entry);
  }

 private:
  std::string add(const std::string& key) {
    const std::string dotted = join_key(prefix_, key);
    known_.keys.insert(dotted);
    return dotted;
  }
  std::string add_table(const std::string& key) {
    const std::string dotted = add(key);
    known_.tables.insert(dotted);
    return dotted;
  }

  KnownKeys& known_;
  std::string prefix_;
};

const KnownKeys& known_keys() {
  static const KnownKeys known = [] {
    KnownKeys collected;
    KeyCollector collector(collected, "");
    RenderConfig config;
    visit_config(collector, config);
    return collected;
  }();
  return known;
}

// Walks `table` (at dotted `prefix`, spelled as the collector spells it in `pattern`).
void check_table(const toml::table& table, const std::string& prefix, const std::string& pattern,
                 const ConfigErrors& errors) {
  for (auto&& [key_view, node] : table) {
    const std::string key(key_view.str());
    const std::string dotted = join_key(prefix, key);
    const KnownKeys& schema = known_keys();
    std::string known = join_key(pattern, key);
    if (!schema.keys.count(known)) {
      known = join_key(pattern, kAnyName);
      if (!schema.keys.count(known)) errors.fail_unknown_key(dotted);
    }
    if (!schema.tables.count(known)) continue;  // a value: its type is checked when read
    if (const toml::table* inner = node.as_table()) {
      check_table(*inner, dotted, known, errors);
    } else if (const toml::array* array = node.as_array()) {
      for (size_t i = 0; i < array->size(); ++i)
        if (const toml::table* entry = (*array)[i].as_table())
          check_table(*entry, msg(dotted, "[", i, "]"), known + kAnyIndex, errors);
    }
  }
}

}  // namespace

void check_known_keys(const toml::table& root, const ConfigErrors& errors) {
  check_table(root, "", "", errors);
}

}  // namespace nsrg::config_detail
