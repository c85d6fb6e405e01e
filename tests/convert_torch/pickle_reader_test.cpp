// The strict pickle reader on hand-made pickles: what it builds, and every refusal (opcode,
// global, argument shape, memo, nesting, self-containment, truncation) as one line naming
// the origin and the byte.
#include <gtest/gtest.h>

#include "tests/convert_torch/pickle_test_util.h"

namespace nsrg {
namespace {

using namespace test;  // parse, error_of, kProto, kOrderedDict, contains
using namespace std::string_literals;

TEST(PickleReader, BuildsScalarsContainersAndOrderedDicts) {
  // OrderedDict {'a': (1, -2, 300, True, None), 'b': [0.5]} then BUILD with {}.
  const std::string bytes = kProto + kOrderedDict +
                            "(X\x01\x00\x00\x00"
                            "a"
                            "(K\x01J\xfe\xff\xff\xffM,\x01\x88Nt"s +
                            "X\x01\x00\x00\x00"
                            "b"
                            "]G\x3f\xe0\x00\x00\x00\x00\x00\x00"
                            "a"
                            "u}b."s;
  const Pickle pickle = parse(bytes);
  const PickleValue& root = pickle.root();
  ASSERT_EQ(root.kind, PickleValue::Kind::Dict);
  ASSERT_EQ(root.entries.size(), 2u);
  const PickleValue& tuple = *root.entries[0].second;
  ASSERT_EQ(tuple.items.size(), 5u);
  EXPECT_EQ(tuple.items[0]->integer, 1);
  EXPECT_EQ(tuple.items[1]->integer, -2);
  EXPECT_EQ(tuple.items[2]->integer, 300);
  EXPECT_TRUE(tuple.items[3]->boolean);
  EXPECT_EQ(tuple.items[4]->kind, PickleValue::Kind::None);
  EXPECT_EQ(root.entries[1].second->items[0]->real, 0.5);
}

TEST(PickleReader, MemoAndLong1) {
  const Pickle pickle = parse(kProto + "\x8a\x02\xff\x7fq\x00h\x00\x86."s);
  const PickleValue& root = pickle.root();
  ASSERT_EQ(root.items.size(), 2u);
  EXPECT_EQ(root.items[0]->integer, 0x7fff);
  EXPECT_EQ(root.items[0], root.items[1]);
  EXPECT_EQ(parse(kProto + "\x8a\x01\xff."s).root().integer, -1);
}

TEST(PickleReader, RefusesEachForeignThing) {
  const struct {
    std::string bytes, expected;
  } cases[] = {
      {kProto + "cos\nsystem\n."s, "the Python global 'os.system'"s},
      {kProto + "cbuiltins\neval\n."s, "the Python global 'builtins.eval'"s},
      {kProto + "ctorch.storage\n_load_from_bytes\n."s, "_load_from_bytes"s},
      {kProto + "\x8c\x02os\x8c\x06system\x93."s, "the Python global 'os.system'"s},
      {kProto + "I1\n."s, "pickle opcode 0x49 is outside the supported subset"s},
      {kProto + "ctorch\nFloatStorage\n)R."s, "REDUCE calls 'torch.FloatStorage'"s},
      {kProto + "ccollections\nOrderedDict\n(K\x01tR."s, "OrderedDict built with arguments"s},
      {kProto + "K\x01)b."s, "BUILD of an int"s},
      {kProto + "h\x05."s, "memo index 5 was never stored"s},
      {kProto + "X\xff\xff\xff\x7f"
                "abc"s,
       "runs past the end"s},
      {kProto + "K\x01"s, "the pickle ends early"s},
      {kProto + "K\x01K\x02."s, "STOP with a stack that is not one value"s},
      {kProto + "t."s, "no MARK"s},
      {kProto + "s."s, "pop from an empty stack"s},
      {"\x80\x09."s, "pickle protocol 9"s},
      {kProto + "(X\x07\x00\x00\x00storageK\x01tQ."s,
       "not ('storage', type, key, location, numel)"s},
      {kProto + "(X\x07\x00\x00\x00storageccollections\nOrderedDict\nX\x01\x00\x00\x00"
                "0X\x03\x00\x00\x00"
                "cpuK\x01tQ."s,
       "not a torch storage type"s},
      {kProto + "X\x02\x00\x00\x00\xc3\x28."s, "not valid UTF-8"s},
      // A dict put inside another cannot change any more, so no value can hold itself.
      {kProto + "}q\x00(h\x00t"
                "h\x00K\x01h\x00s."s,
       "already inside another value"s},
      {kProto + "ctorch._utils\n_rebuild_tensor_v2\n(K\x01K\x00)))\x89}tR."s,
       "not rebuilt from (storage"s},
  };
  for (const auto& bad : cases) {
    SCOPED_TRACE(bad.expected);
    const std::string error = error_of(bad.bytes);
    EXPECT_TRUE(contains(error, "t.pth: "s)) << error;
    EXPECT_TRUE(contains(error, bad.expected)) << error;
    EXPECT_TRUE(contains(error, "(pickle byte "s)) << error;
  }
}

TEST(PickleReader, DeepNestingIsRefused) {
  std::string bytes = kProto + "K\x01"s;
  for (int i = 0; i < 100; ++i) bytes += "\x85"s;  // TUPLE1
  EXPECT_TRUE(contains(error_of(bytes + "."s), "nest deeper than 32 levels"s));
  std::string shallow = kProto + "K\x01"s;
  for (int i = 0; i < 20; ++i) shallow += "\x85"s;
  EXPECT_EQ(parse(shallow + "."s).root().depth, 21);
}

TEST(PickleReader, RebuildsATensorRecord) {
  const std::string storage =
      "(X\x07\x00\x00\x00storagectorch\nHalfStorage\nX\x01\x00\x00\x00"s
      "7X\x06\x00\x00\x00"
      "cuda:0K\x0ctQ"s;
  const std::string bytes = kProto + "ctorch._utils\n_rebuild_tensor_v2\n("s + storage +
                            "K\x02(K\x02K\x03t(K\x01K\x02t\x89"s + kOrderedDict + "tR."s;
  const Pickle pickle = parse(bytes);
  const PickleValue& tensor = pickle.root();
  ASSERT_EQ(tensor.kind, PickleValue::Kind::Tensor);
  EXPECT_EQ(tensor.tensor->offset, 2);
  EXPECT_EQ(tensor.tensor->shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(tensor.tensor->stride, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(tensor.tensor->storage->type, "HalfStorage"s);
  EXPECT_EQ(tensor.tensor->storage->element_size, 2);
  EXPECT_EQ(tensor.tensor->storage->key, "7"s);
  EXPECT_EQ(tensor.tensor->storage->location, "cuda:0"s);
  EXPECT_EQ(tensor.tensor->storage->numel, 12);
}

}  // namespace
}  // namespace nsrg
