// The explore page's request parsers: good bodies read back, every bound and type refused
// with a UserError (HTTP 400), and tile ids are never paths.
#include <gtest/gtest.h>

#include "engine/core/error.h"
#include "engine/explore/explore_requests.h"

namespace nsrg {
namespace {

TEST(ExploreRequests, TileIdsAreTAndDigitsOnly) {
  EXPECT_TRUE(is_tile_id("t1"));
  EXPECT_TRUE(is_tile_id("t123456789"));
  for (const std::string bad :
       {"", "t", "1", "t1a", "../t1", "/etc/passwd", "t1/../x", "T1", "t1234567890", "t-1", "t 1"})
    EXPECT_FALSE(is_tile_id(bad)) << bad;
}

TEST(ExploreRequests, ABreedRequestReadsBack) {
  const BreedRequest r = parse_breed_request(
      R"({"tile": "t3", "count": 5, "strength": 0.25, "mode": "scale_eigenvalues", "mix": 0.5})");
  EXPECT_EQ(r.tile, "t3");
  EXPECT_EQ(r.count, 5);
  EXPECT_FLOAT_EQ(r.strength, 0.25f);
  EXPECT_EQ(r.mode, "scale_eigenvalues");
  EXPECT_FLOAT_EQ(r.mix, 0.5f);
  const BreedRequest defaults = parse_breed_request(R"({"tile": "t1"})");
  EXPECT_EQ(defaults.count, 4);
}

TEST(ExploreRequests, BadBodiesAreUserErrors) {
  for (const std::string body :
       {"", "[]", "null", "{", R"({"tile": "../../etc/passwd"})", R"({"tile": "/tmp/x"})",
        R"({"tile": 3})", R"({"count": 2})", R"({"tile": "t1", "count": 17})",
        R"({"tile": "t1", "count": 0})", R"({"tile": "t1", "count": 2.5})",
        R"({"tile": "t1", "count": 99999999999999999999})", R"({"tile": "t1", "strength": 0})",
        R"({"tile": "t1", "strength": 1.5})", R"({"tile": "t1", "strength": "x"})",
        R"({"tile": "t1", "mode": "explode"})", R"({"tile": "t1", "mix": -0.1})"})
    EXPECT_THROW(parse_breed_request(body), UserError) << body;
}

TEST(ExploreRequests, SiblingRequestsCheckRangeLayerAndSeed) {
  const SiblingRequest r = parse_sibling_request(
      R"({"count": 3, "mode": "replace_eigenvectors", "range": [0.5, 1.5], "layer": "relu3_1",
          "seed": 42})");
  EXPECT_EQ(r.count, 3);
  EXPECT_FLOAT_EQ(r.range_low, 0.5f);
  EXPECT_EQ(r.layer, "relu3_1");
  ASSERT_TRUE(r.seed);
  EXPECT_EQ(*r.seed, 42u);
  EXPECT_FALSE(parse_sibling_request("{}").seed);
  for (const std::string body :
       {R"({"range": [1.5, 0.5]})", R"({"range": [0.5]})", R"({"range": [0, 11]})",
        R"({"layer": "../x"})", R"({"layer": "relu3_1; rm"})", R"({"seed": -1})",
        R"({"seed": 1e300})", R"({"seed": 18446744073709551615})"})
    EXPECT_THROW(parse_sibling_request(body), UserError) << body;
}

TEST(ExploreRequests, PairsArTwoDifferentTilesAndPromotesAreBounded) {
  const PairRequest pair = parse_pair_request(R"({"a": "t1", "b": "t2", "weight": 0.3})");
  EXPECT_EQ(pair.b, "t2");
  EXPECT_FLOAT_EQ(pair.weight, 0.3f);
  EXPECT_THROW(parse_pair_request(R"({"a": "t1", "b": "t1"})"), UserError);
  EXPECT_THROW(parse_pair_request(R"({"a": "t1", "b": "t2", "frames": 13})"), UserError);
  EXPECT_THROW(parse_pair_request(R"({"a": "t1", "b": "t2", "weight": 2})"), UserError);
  EXPECT_EQ(parse_promote_request(R"({"tile": "t9", "size": 1024})").size, 1024);
  EXPECT_THROW(parse_promote_request(R"({"tile": "t9", "size": 100000})"), UserError);
  EXPECT_EQ(parse_tile_request(R"({"tile": "t9"})").tile, "t9");
}

}  // namespace
}  // namespace nsrg
