// Values that would contain themselves: fuzzing found a legacy .pth whose system info dict
// held itself (a shared_ptr cycle, leaked). Each way to build such a value is refused with
// one line, the values of a read are owned and freed together, and the walk over values
// ends on any shape, a cycle made by hand included.
#include <gtest/gtest.h>

#include <chrono>

#include "tests/convert_torch/pickle_test_util.h"

namespace nsrg {
namespace {

using namespace test;  // parse, error_of, kProto, kOrderedDict, contains
using namespace std::string_literals;

// X: BINUNICODE of a one-letter string.
std::string key(char letter) {
  return "X\x01\x00\x00\x00"s + letter;
}

// The reproducer's system info pickle (its third, bytes 21-118 of
// fuzz_self_containing_dict.pth): a dict memoized as q0 whose SETITEMS puts h0, itself,
// under the mutated 10-byte key "typshortq\x05".
const std::string kFuzzedSystemInfo =
    "\x80\x02}q\x00(X\x10\x00\x00\x00protocol_versionq\x01M\xe9\x03"
    "X\x0d\x00\x00\x00little_endianq\x02\x88X\x0a\x00\x00\x00typshortq\x05h\x00"
    "X\x03\x00\x00\x00intq\x06K\x04X\x04\x00\x00\x00longq\x07K\x04uu."s;

TEST(PickleCycles, EveryWayIntoItselfIsRefused) {
  const struct {
    std::string what, bytes, expected;
  } cases[] = {
      {"the fuzzed system info", kFuzzedSystemInfo, "a dict would contain itself (pickle byte 95)"},
      {"a list appended to itself",
       kProto + "]q\x00h\x00"
                "a."s,
       "a list would contain itself"},
      {"a list extended by itself",
       kProto + "]q\x00(K\x01h\x00"
                "e."s,
       "a list would contain itself"},
      {"a dict that is its own value", kProto + "}q\x00"s + key('k') + "h\x00s."s,
       "a dict would contain itself"},
      {"an OrderedDict that is its own value",
       kProto + kOrderedDict + "q\x00"s + key('k') + "h\x00s."s, "a dict would contain itself"},
      // A list inside a dict, then the dict appended to the list: the list is frozen.
      {"a list and a dict holding each other",
       kProto + "]q\x00}q\x01"s + key('k') +
           "h\x00sh\x00h\x01"
           "a."s,
       "APPEND(S) on a list that is already inside another value"},
      // A dict inside a tuple, then the tuple set into the dict.
      {"a dict holding a tuple of itself",
       kProto + "}q\x00h\x00\x85q\x01h\x00"s + key('k') + "h\x01s."s,
       "SETITEM(S) on a dict that is already inside another value"},
      // BUILD takes a dict's state only as a dict or None; a tuple holding the target is not.
      {"a tuple through BUILD",
       kProto + "}q\x00h\x00h\x00\x85"
                "b."s,
       "BUILD of a dict from a tuple"},
  };
  for (const auto& bad : cases) {
    SCOPED_TRACE(bad.what);
    const std::string error = error_of(bad.bytes);
    EXPECT_TRUE(contains(error, "t.pth: "s + bad.expected)) << error;
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
  }
}

// BUILD with a dict state that holds the target (through a tuple) checks the state and drops
// it: the result is a tree, and the walk over it says so.
TEST(PickleCycles, BuildStateHoldingItsTargetLeavesATree) {
  const std::string bytes = kProto + "}q\x00h\x00\x85q\x01h\x00}"s + key('k') + "h\x01sb\x87."s;
  const Pickle pickle = parse(bytes);
  const PickleValue& root = pickle.root();
  ASSERT_EQ(root.kind, PickleValue::Kind::Tuple);
  ASSERT_EQ(root.items.size(), 3u);  // (D, (D,), D)
  EXPECT_EQ(root.items[0], root.items[2]);
  EXPECT_EQ(root.items[1]->items[0], root.items[0]);
  EXPECT_TRUE(root.items[0]->entries.empty());
  const PickleShape shape = measure_shape(root, 32);
  EXPECT_FALSE(shape.contains_itself);
  EXPECT_FALSE(shape.too_deep);
  EXPECT_EQ(shape.values, 3u);  // the tuple, (D,) and D, each once
  EXPECT_EQ(shape.depth, 3);
  EXPECT_EQ(shape.depth, root.depth);
}

TEST(PickleShape, EndsOnACycleMadeByHand) {
  Pickle pickle;
  PickleValue& list = pickle.add(PickleValue::Kind::List);
  PickleValue& dict = pickle.add(PickleValue::Kind::Dict);
  const PickleValue& name = pickle.add(PickleValue::Kind::String);
  list.items.push_back(&dict);
  dict.entries.emplace_back(&name, &list);  // list -> dict -> list
  const PickleShape shape = measure_shape(list, 32);
  EXPECT_TRUE(shape.contains_itself);
  EXPECT_EQ(shape.values, 3u);
  PickleValue& self = pickle.add(PickleValue::Kind::List);
  self.items.push_back(&self);
  EXPECT_TRUE(measure_shape(self, 32).contains_itself);
  // Freed with the Pickle at the end of the test: no leak for the sanitizer build to find.
}

TEST(PickleShape, StopsAtItsDepthLimit) {
  Pickle pickle;
  PickleValue* inner = &pickle.add(PickleValue::Kind::None);
  for (int level = 0; level < 100; ++level) {
    PickleValue& outer = pickle.add(PickleValue::Kind::Tuple);
    outer.items.push_back(inner);
    inner = &outer;
  }
  const PickleShape deep = measure_shape(*inner, 32);
  EXPECT_TRUE(deep.too_deep);
  EXPECT_FALSE(deep.contains_itself);
  EXPECT_EQ(deep.values, 32u);
  const PickleShape whole = measure_shape(*inner, 200);
  EXPECT_FALSE(whole.too_deep);
  EXPECT_EQ(whole.values, 101u);
  EXPECT_EQ(whole.depth, 101);
}

// Each level a tuple of the level below twice: 2^30 paths to the bottom, 31 values. A walk
// without its visited set would not end; this one visits each value once.
TEST(PickleShape, VisitsASharedValueOnce) {
  std::string bytes = kProto + "Nq\x00"s;  // N, then (N, N), then that twice, ...
  for (int level = 0; level < 30; ++level) bytes += "h\x00\x86q\x00"s;
  const auto start = std::chrono::steady_clock::now();
  const Pickle pickle = parse(bytes + "."s);
  const PickleShape shape = measure_shape(pickle.root(), 32);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(shape.values, 31u);
  EXPECT_EQ(shape.depth, 31);
  EXPECT_EQ(pickle.root().depth, 31);
  EXPECT_FALSE(shape.contains_itself);
}

// Every value lives until its Pickle is freed, so their number is bounded: each None below is
// dropped by BUILD at once and still counts.
TEST(PickleCycles, ValueCountIsBounded) {
  std::string bytes = kProto + "}"s;
  for (int i = 0; i < (1 << 20); ++i) bytes += "Nb"s;
  EXPECT_TRUE(contains(error_of(bytes + "."s), "the pickle builds more than 1048576 values"s));
  EXPECT_EQ(parse(kProto + "}"s + bytes.substr(3, 2 * 1000) + "."s).value_count(), 1001u);
  // So is the memo's size: one value under 2^20 + 1 indices (LONG_BINPUT, 4-byte index).
  std::string memo = kProto + "N"s;
  for (uint32_t index = 0; index <= (1u << 20); ++index) {
    memo += 'r';
    for (int byte = 0; byte < 4; ++byte) memo += char((index >> (8 * byte)) & 0xff);
  }
  EXPECT_TRUE(contains(error_of(memo + "."s), "the pickle memoizes more than 1048576 values"s));
}

}  // namespace
}  // namespace nsrg
