// The strict pickle-subset machine: a stack, a mark stack and a memo over values that one
// Pickle owns; opcodes outside the subset, unknown globals, bad argument shapes, a value put
// inside itself and any read past the end are UserErrors.
#include "tools/convert_torch/pickle_reader.h"

#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "engine/core/error.h"
#include "engine/core/utf8.h"

namespace nsrg {
namespace {

constexpr int kMaxDepth = 32;                 // nesting of tuples/lists/dicts
constexpr size_t kMaxMemo = size_t(1) << 24;  // memo indices
constexpr size_t kMaxLineLength = 256;        // GLOBAL's "module\nname\n"
// Values one pickle may build, and memo entries (a VGG-19 state_dict's pickle has under a
// thousand, about 20 per tensor): every value lives until the Pickle is freed, so this
// bounds what they take (about 220 MB for 2^20 values, 168 bytes each, and memo entries).
constexpr size_t kMaxValues = size_t(1) << 20;

// Storage types torch.save writes, with their element sizes. Only Float and Half tensors
// convert; the others are known so that a file holding them (e.g. batch norm's
// num_batches_tracked, a LongStorage) parses and gets a precise message.
int storage_element_size(const std::string& name) {
  static const std::pair<const char*, int> kTypes[] = {
      {"FloatStorage", 4}, {"HalfStorage", 2}, {"DoubleStorage", 8}, {"BFloat16Storage", 2},
      {"LongStorage", 8},  {"IntStorage", 4},  {"ShortStorage", 2},  {"CharStorage", 1},
      {"ByteStorage", 1},  {"BoolStorage", 1}};
  for (const auto& [type, size] : kTypes)
    if (name == type) return size;
  return 0;
}

const char* const kAllowedGlobals[] = {"collections.OrderedDict", "torch._utils._rebuild_tensor_v2",
                                       "torch._utils._rebuild_tensor",
                                       "torch._utils._rebuild_parameter"};

std::string kind_name(PickleValue::Kind kind) {
  switch (kind) {
    case PickleValue::Kind::None:
      return "None";
    case PickleValue::Kind::Bool:
      return "a bool";
    case PickleValue::Kind::Int:
      return "an int";
    case PickleValue::Kind::BigInt:
      return "a long int";
    case PickleValue::Kind::Float:
      return "a float";
    case PickleValue::Kind::String:
      return "a string";
    case PickleValue::Kind::Tuple:
      return "a tuple";
    case PickleValue::Kind::List:
      return "a list";
    case PickleValue::Kind::Dict:
      return "a dict";
    case PickleValue::Kind::Global:
      return "a global";
    case PickleValue::Kind::Storage:
      return "a storage";
    case PickleValue::Kind::Tensor:
      return "a tensor";
  }
  return "a value";
}

class Machine {
 public:
  Machine(const uint8_t* data, size_t size, const std::string& origin)
      : data_(data), size_(size), origin_(origin) {}

  Pickle run(size_t* used) {
    for (;;) {
      opcode_at_ = pos_;
      const uint8_t op = byte();
      if (op == '.') break;
      step(op);
    }
    if (stack_.size() != 1 || !marks_.empty()) fail("STOP with a stack that is not one value");
    if (used) *used = pos_;
    const PickleValue& root = *stack_.back();
    const PickleShape shape = measure_shape(root, kMaxDepth);
    NSRG_CHECK(!shape.contains_itself && !shape.too_deep && shape.depth == root.depth, origin_,
               ": the pickle's values do not form a tree of at most ", kMaxDepth, " levels");
    pickle_.set_root(root);
    return std::move(pickle_);
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw UserError(msg(origin_, ": ", what, " (pickle byte ", opcode_at_,
                        "); only a "
                        "state_dict of tensors converts"));
  }

  uint8_t byte() {
    if (pos_ >= size_) fail("the pickle ends early");
    return data_[pos_++];
  }
  uint64_t little_endian(int bytes) {
    if (size_ - pos_ < size_t(bytes)) fail("the pickle ends early");
    uint64_t value = 0;
    for (int i = 0; i < bytes; ++i) value |= uint64_t(data_[pos_ + size_t(i)]) << (8 * i);
    pos_ += size_t(bytes);
    return value;
  }
  std::string bytes(uint64_t count) {
    if (count > size_ - pos_) fail(msg("a string of ", count, " bytes runs past the end"));
    std::string text(reinterpret_cast<const char*>(data_ + pos_), size_t(count));
    pos_ += size_t(count);
    return text;
  }
  std::string line() {
    std::string text;
    for (;;) {
      const char c = char(byte());
      if (c == '\n') return text;
      if (text.size() >= kMaxLineLength) fail("a GLOBAL name is too long");
      text += c;
    }
  }
  PickleValue& make(PickleValue::Kind kind) {
    if (pickle_.value_count() >= kMaxValues)
      fail(msg("the pickle builds more than ", kMaxValues, " values"));
    return pickle_.add(kind);
  }
  PickleValue* string_value(std::string text) {
    if (!is_valid_utf8(text)) fail("a string is not valid UTF-8");
    PickleValue& value = make(PickleValue::Kind::String);
    value.text = std::move(text);
    return &value;
  }
  PickleValue* int_value(int64_t integer) {
    PickleValue& value = make(PickleValue::Kind::Int);
    value.integer = integer;
    return &value;
  }

  void push(PickleValue* value) { stack_.push_back(value); }
  void push(PickleValue::Kind kind) { push(&make(kind)); }
  PickleValue* pop() {
    if (stack_.size() <= (marks_.empty() ? 0 : marks_.back())) fail("pop from an empty stack");
    PickleValue* value = stack_.back();
    stack_.pop_back();
    return value;
  }
  PickleValue& top() {
    if (stack_.size() <= (marks_.empty() ? 0 : marks_.back())) fail("the stack is empty");
    return *stack_.back();
  }
  std::vector<PickleValue*> pop_to_mark() {
    if (marks_.empty()) fail("no MARK to pop to");
    const size_t mark = marks_.back();
    marks_.pop_back();
    std::vector<PickleValue*> items(stack_.begin() + ptrdiff_t(mark), stack_.end());
    stack_.resize(mark);
    return items;
  }
  // `item` goes inside `container`: it is frozen and the container's depth follows. A
  // container that is frozen already cannot take it, so with the self-check below no value
  // ever contains itself, through any number of others.
  void nest(PickleValue& container, PickleValue& item) {
    if (&item == &container) fail(kind_name(container.kind) + " would contain itself");
    item.frozen = true;
    container.depth = std::max(container.depth, item.depth + 1);
    if (container.depth > kMaxDepth) fail(msg("values nest deeper than ", kMaxDepth, " levels"));
  }
  PickleValue* tuple(const std::vector<PickleValue*>& items) {
    PickleValue& value = make(PickleValue::Kind::Tuple);
    for (PickleValue* item : items) {
      nest(value, *item);
      value.items.push_back(item);
    }
    return &value;
  }
  void memo_put(uint64_t index) {
    if (index >= kMaxMemo) fail(msg("memo index ", index, " is too large"));
    if (memo_.size() >= kMaxValues && memo_.count(index) == 0)
      fail(msg("the pickle memoizes more than ", kMaxValues, " values"));
    memo_[index] = &top();
  }
  void memo_get(uint64_t index) {
    const auto found = memo_.find(index);
    if (found == memo_.end()) fail(msg("memo index ", index, " was never stored"));
    push(found->second);
  }
  void set_items(PickleValue& dict, const std::vector<PickleValue*>& items) {
    if (dict.kind != PickleValue::Kind::Dict) fail("SETITEM(S) on " + kind_name(dict.kind));
    if (dict.frozen) fail("SETITEM(S) on a dict that is already inside another value");
    if (items.size() % 2 != 0) fail("SETITEMS with an odd number of values");
    for (size_t i = 0; i < items.size(); i += 2) {
      const PickleValue::Kind key_kind = items[i]->kind;
      if (key_kind != PickleValue::Kind::String && key_kind != PickleValue::Kind::Int)
        fail("a dict key is " + kind_name(key_kind));
      nest(dict, *items[i]);
      nest(dict, *items[i + 1]);
      dict.entries.emplace_back(items[i], items[i + 1]);
    }
  }
  void append_items(PickleValue& list, const std::vector<PickleValue*>& items) {
    if (list.kind != PickleValue::Kind::List) fail("APPEND(S) on " + kind_name(list.kind));
    if (list.frozen) fail("APPEND(S) on a list that is already inside another value");
    for (PickleValue* item : items) {
      nest(list, *item);
      list.items.push_back(item);
    }
  }

  void global(const std::string& module, const std::string& name) {
    const std::string full = module + "." + name;
    const bool allowed =
        (module == "torch" && storage_element_size(name) != 0) ||
        std::any_of(std::begin(kAllowedGlobals), std::end(kAllowedGlobals),
                    [&](const char* allowed_name) { return full == allowed_name; });
    if (allowed) {
      PickleValue& value = make(PickleValue::Kind::Global);
      value.text = full;
      push(&value);
      return;
    }
    if (full == "torch.storage._load_from_bytes")
      fail(
          "the global torch.storage._load_from_bytes (a tensor pickled with pickle, not "
          "saved with torch.save) is not supported");
    fail("the pickle refers to the Python global '" + short_quote(full) + "'");
  }

  // BINPERSID: ('storage', torch.<Type>Storage, key, location, numel[, view_metadata]).
  PickleValue* persistent_load(const PickleValue& id) {
    const auto& items = id.items;
    if (id.kind != PickleValue::Kind::Tuple || items.size() < 5 || items.size() > 6 ||
        items[0]->kind != PickleValue::Kind::String || items[0]->text != "storage" ||
        items[1]->kind != PickleValue::Kind::Global ||
        items[2]->kind != PickleValue::Kind::String ||
        items[3]->kind != PickleValue::Kind::String || items[4]->kind != PickleValue::Kind::Int)
      fail("a persistent id is not ('storage', type, key, location, numel)");
    const std::string& type = items[1]->text;
    if (type.rfind("torch.", 0) != 0 || storage_element_size(type.substr(6)) == 0)
      fail("a persistent id names '" + short_quote(type) + "', not a torch storage type");
    auto storage = std::make_shared<StorageRef>();
    storage->type = type.substr(6);
    storage->element_size = storage_element_size(storage->type);
    storage->key = items[2]->text;
    storage->location = items[3]->text;
    storage->root_numel = storage->numel = items[4]->integer;
    if (storage->numel < 0) fail("a storage has a negative size");
    if (items.size() == 6 && items[5]->kind != PickleValue::Kind::None) {
      // Legacy view: (view_key, offset, view_size) into the root storage `key`.
      const PickleValue& view = *items[5];
      if (view.kind != PickleValue::Kind::Tuple || view.items.size() != 3 ||
          view.items[1]->kind != PickleValue::Kind::Int ||
          view.items[2]->kind != PickleValue::Kind::Int)
        fail("a storage view is not (key, offset, size)");
      const int64_t offset = view.items[1]->integer, view_size = view.items[2]->integer;
      if (offset < 0 || view_size < 0 || offset > storage->numel ||
          view_size > storage->numel - offset)
        fail("a storage view lies outside its storage");
      storage->view_offset = offset;
      storage->numel = view_size;
    }
    PickleValue& value = make(PickleValue::Kind::Storage);
    value.storage = std::move(storage);
    return &value;
  }

  std::vector<int64_t> int_tuple(const PickleValue& value, const char* what) {
    if (value.kind != PickleValue::Kind::Tuple) fail(msg("a tensor's ", what, " is not a tuple"));
    std::vector<int64_t> result;
    for (const PickleValue* item : value.items) {
      if (item->kind != PickleValue::Kind::Int) fail(msg("a tensor's ", what, " holds a non-int"));
      result.push_back(item->integer);
    }
    return result;
  }

  PickleValue* rebuild_tensor(const std::vector<const PickleValue*>& args, bool v2) {
    if (args.size() < 4 || args[0]->kind != PickleValue::Kind::Storage ||
        args[1]->kind != PickleValue::Kind::Int)
      fail("a tensor is not rebuilt from (storage, offset, size, stride, ...)");
    if (v2) {
      // (..., requires_grad, backward_hooks[, metadata]); the hooks must be empty.
      if (args.size() < 6 || args.size() > 7 || args[4]->kind != PickleValue::Kind::Bool ||
          args[5]->kind != PickleValue::Kind::Dict || !args[5]->entries.empty())
        fail("_rebuild_tensor_v2 has unexpected arguments (backward hooks?)");
    } else if (args.size() != 4) {
      fail("_rebuild_tensor has unexpected arguments");
    }
    auto record = std::make_shared<TensorRecord>();
    record->storage = args[0]->storage;
    record->offset = args[1]->integer;
    record->shape = int_tuple(*args[2], "size");
    record->stride = int_tuple(*args[3], "stride");
    if (record->shape.size() != record->stride.size())
      fail("a tensor's size and stride differ in length");
    PickleValue& value = make(PickleValue::Kind::Tensor);
    value.tensor = std::move(record);
    return &value;
  }

  void reduce() {
    const PickleValue* args = pop();
    const PickleValue* callable = pop();
    if (callable->kind != PickleValue::Kind::Global)
      fail("REDUCE calls " + kind_name(callable->kind));
    if (args->kind != PickleValue::Kind::Tuple) fail("REDUCE arguments are not a tuple");
    const std::string& name = callable->text;
    if (name == "collections.OrderedDict") {
      if (!args->items.empty()) fail("OrderedDict built with arguments");
      push(PickleValue::Kind::Dict);
    } else if (name == "torch._utils._rebuild_tensor_v2") {
      push(rebuild_tensor(args->items, true));
    } else if (name == "torch._utils._rebuild_tensor") {
      push(rebuild_tensor(args->items, false));
    } else if (name == "torch._utils._rebuild_parameter") {
      const auto& items = args->items;
      if (items.size() != 3 || items[0]->kind != PickleValue::Kind::Tensor ||
          items[1]->kind != PickleValue::Kind::Bool || items[2]->kind != PickleValue::Kind::Dict ||
          !items[2]->entries.empty())
        fail("_rebuild_parameter has unexpected arguments");
      PickleValue& parameter = make(PickleValue::Kind::Tensor);  // the tensor, shared
      parameter.tensor = items[0]->tensor;
      push(&parameter);
    } else {
      fail("REDUCE calls '" + short_quote(name) + "'");  // a storage type called directly
    }
  }

  void step(uint8_t op) {
    switch (op) {
      case 0x80: {  // PROTO
        const uint8_t protocol = byte();
        if (protocol < 2 || protocol > 5) fail(msg("pickle protocol ", int(protocol)));
        break;
      }
      case 0x95:
        little_endian(8);
        break;  // FRAME: a hint only
      case '(':
        marks_.push_back(stack_.size());
        break;
      case ')':
        push(tuple({}));
        break;
      case '}':
        push(PickleValue::Kind::Dict);
        break;
      case ']':
        push(PickleValue::Kind::List);
        break;
      case 't':
        push(tuple(pop_to_mark()));
        break;
      case 0x85:
      case 0x86:
      case 0x87: {  // TUPLE1..3
        std::vector<PickleValue*> items(size_t(op - 0x84));
        for (size_t i = items.size(); i-- > 0;) items[i] = pop();
        push(tuple(items));
        break;
      }
      case 's': {  // SETITEM
        std::vector<PickleValue*> items(2);
        items[1] = pop();
        items[0] = pop();
        set_items(top(), items);
        break;
      }
      case 'u': {  // SETITEMS
        const std::vector<PickleValue*> items = pop_to_mark();
        set_items(top(), items);
        break;
      }
      case 'a': {  // APPEND
        const std::vector<PickleValue*> items{pop()};
        append_items(top(), items);
        break;
      }
      case 'e': {  // APPENDS
        const std::vector<PickleValue*> items = pop_to_mark();
        append_items(top(), items);
        break;
      }
      case 'N':
        push(PickleValue::Kind::None);
        break;
      case 0x88:
      case 0x89: {  // NEWTRUE, NEWFALSE
        PickleValue& value = make(PickleValue::Kind::Bool);
        value.boolean = op == 0x88;
        push(&value);
        break;
      }
      case 'K':
        push(int_value(int64_t(little_endian(1))));
        break;
      case 'M':
        push(int_value(int64_t(little_endian(2))));
        break;
      case 'J':
        push(int_value(int64_t(int32_t(uint32_t(little_endian(4))))));
        break;
      case 0x8a: {  // LONG1: n-byte two's complement, little-endian
        const uint8_t n = byte();
        if (n <= 8) {
          uint64_t value = n ? little_endian(n) : 0;
          if (n && n < 8 && (value >> (8 * n - 1)) & 1) value |= ~uint64_t(0) << (8 * n);
          push(int_value(int64_t(value)));
        } else {
          std::string digits = bytes(n);
          PickleValue& value = make(PickleValue::Kind::BigInt);
          value.text = std::move(digits);
          push(&value);
        }
        break;
      }
      case 'G': {  // BINFLOAT, big-endian
        uint64_t bits = 0;
        for (int i = 0; i < 8; ++i) bits = (bits << 8) | byte();
        PickleValue& value = make(PickleValue::Kind::Float);
        std::memcpy(&value.real, &bits, sizeof bits);
        push(&value);
        break;
      }
      case 'X':
        push(string_value(bytes(little_endian(4))));
        break;  // BINUNICODE
      case 0x8c:
        push(string_value(bytes(byte())));
        break;  // SHORT_BINUNICODE
      case 'T':
        push(string_value(bytes(little_endian(4))));
        break;  // BINSTRING (Python 2 str)
      case 'U':
        push(string_value(bytes(byte())));
        break;  // SHORT_BINSTRING
      case 'q':
        memo_put(byte());
        break;
      case 'r':
        memo_put(little_endian(4));
        break;
      case 0x94:
        memo_put(memo_.size());
        break;  // MEMOIZE
      case 'h':
        memo_get(byte());
        break;
      case 'j':
        memo_get(little_endian(4));
        break;
      case 'c': {  // GLOBAL "module\nname\n"
        const std::string module = line();
        global(module, line());
        break;
      }
      case 0x93: {  // STACK_GLOBAL
        const PickleValue *name = pop(), *module = pop();
        if (name->kind != PickleValue::Kind::String || module->kind != PickleValue::Kind::String)
          fail("STACK_GLOBAL of non-strings");
        global(module->text, name->text);
        break;
      }
      case 'Q':
        push(persistent_load(*pop()));
        break;  // BINPERSID
      case 'R':
        reduce();
        break;
      case 'b': {  // BUILD: only an OrderedDict's state (the state_dict's _metadata)
        const PickleValue* state = pop();
        const PickleValue::Kind target = top().kind;
        if (target != PickleValue::Kind::Dict ||
            (state->kind != PickleValue::Kind::Dict && state->kind != PickleValue::Kind::None))
          fail("BUILD of " + kind_name(target) + " from " + kind_name(state->kind));
        break;
      }
      default:
        fail(msg("pickle opcode 0x", "0123456789abcdef"[op >> 4], "0123456789abcdef"[op & 15],
                 " is outside the supported subset"));
    }
  }

  const uint8_t* data_;
  size_t size_;
  const std::string& origin_;
  size_t pos_ = 0, opcode_at_ = 0;
  Pickle pickle_;  // owns every value below
  std::vector<PickleValue*> stack_;
  std::vector<size_t> marks_;
  std::unordered_map<uint64_t, PickleValue*> memo_;
};

}  // namespace

std::string describe(const PickleValue& value) {
  switch (value.kind) {
    case PickleValue::Kind::String:
      return "the string '" + short_quote(value.text) + "'";
    case PickleValue::Kind::Global:
      return "the global " + short_quote(value.text);
    case PickleValue::Kind::Tuple:
    case PickleValue::Kind::List:
      return msg(kind_name(value.kind), " of ", value.items.size());
    case PickleValue::Kind::Dict:
      return msg("a dict of ", value.entries.size());
    default:
      return kind_name(value.kind);
  }
}

Pickle read_pickle(const uint8_t* data, size_t size, const std::string& origin, size_t* used) {
  return Machine(data, size, origin).run(used);
}

}  // namespace nsrg
