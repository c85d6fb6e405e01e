// A strict reader for the subset of Python's pickle protocol that torch.save uses for a
// state_dict: the opcodes that build scalars, strings, tuples, lists and dicts, memo
// get/put, persistent ids for storages, and REDUCE/BUILD only on a fixed list of globals
// (collections.OrderedDict, torch._utils._rebuild_tensor_v2 / _rebuild_tensor /
// _rebuild_parameter, torch.<Type>Storage). Nothing is executed; any other opcode or
// global is a UserError naming the file and the byte offset. The values form a tree (shared
// subtrees allowed, no value inside itself) at most 32 levels deep, owned by one Pickle.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "tools/convert_torch/pickle_value.h"

namespace nsrg {

// Reads one pickle (up to and including its STOP opcode) from bytes [data, data + size).
// `origin` names it in messages ("model.pth: archive/data.pkl"). Returns its values and sets
// `*used` to the number of bytes the pickle took (later pickles may follow in a legacy file).
Pickle read_pickle(const uint8_t* data, size_t size, const std::string& origin,
                   size_t* used = nullptr);

}  // namespace nsrg
