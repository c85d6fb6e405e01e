// The [explore] section: read and checked with the rest of the config (defaults, every key,
// the folder resolved against the config's folder, --set), bounds refused with the key,
// and left out of the summary's config so no render's hash changes.
#include <gtest/gtest.h>

#include "tests/config/config_test_folder.h"

namespace nsrg {
namespace {

using testing::ConfigFolder;

TEST(ExploreKeys, DefaultsWhenAbsent) {
  ConfigFolder folder;
  const ExploreSettings e = load_config(folder.write_config("")).explore;
  EXPECT_EQ(e.dir, "");
  EXPECT_EQ(e.preview_size, 128);
  EXPECT_EQ(e.preview_iterations, 40);
  EXPECT_EQ(e.preview_every, 5);
  EXPECT_EQ(e.siblings, 6);
  EXPECT_EQ(e.children, 4);
  EXPECT_EQ(e.promote_size, 512);
  EXPECT_EQ(e.queue_limit, 64);
  EXPECT_EQ(e.cache_mib, 512);
}

TEST(ExploreKeys, EveryKeyIsReadAndTheFolderResolvedAgainstTheConfig) {
  ConfigFolder folder;
  const ExploreSettings e =
      load_config(folder.write_config("[explore]\ndir = \"sessions/a\"\npreview_size = 96\n"
                                      "preview_iterations = 12\npreview_every = 3\n"
                                      "siblings = 9\nchildren = 2\npromote_size = 1024\n"
                                      "queue_limit = 10\ncache_mib = 0\n"))
          .explore;
  EXPECT_EQ(e.dir, folder.path("sessions/a"));
  EXPECT_EQ(e.preview_size, 96);
  EXPECT_EQ(e.preview_iterations, 12);
  EXPECT_EQ(e.preview_every, 3);
  EXPECT_EQ(e.siblings, 9);
  EXPECT_EQ(e.children, 2);
  EXPECT_EQ(e.promote_size, 1024);
  EXPECT_EQ(e.queue_limit, 10);
  EXPECT_EQ(e.cache_mib, 0);
  const RenderConfig set = load_config(folder.write_config(""), {"explore.dir=\"elsewhere\""});
  EXPECT_EQ(set.explore.dir, folder.path("elsewhere"));
}

TEST(ExploreKeys, OutOfBoundsAndUnknownKeysNameTheKey) {
  ConfigFolder folder;
  for (const std::string section :
       {"[explore]\npreview_size = 8\n", "[explore]\nsiblings = 0\n",
        "[explore]\nqueue_limit = 5000\n", "[explore]\ndir = 3\n", "[explore]\nport = 80\n"}) {
    try {
      load_config(folder.write_config(section));
      ADD_FAILURE() << "accepted: " << section;
    } catch (const UserError& e) {
      EXPECT_NE(std::string(e.what()).find("explore."), std::string::npos) << e.what();
    }
  }
}

TEST(ExploreKeys, AreNotPartOfTheRendersConfigJson) {
  ConfigFolder folder;
  const nlohmann::json plain = config_to_json(load_config(folder.write_config("")));
  const nlohmann::json with =
      config_to_json(load_config(folder.write_config("[explore]\npreview_size = 64\n")));
  EXPECT_FALSE(with.contains("explore"));
  EXPECT_EQ(plain.dump(), with.dump());
}

}  // namespace
}  // namespace nsrg
