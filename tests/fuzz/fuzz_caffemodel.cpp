// Fuzz harness: caffemodel conversion short of writing the file: the binary reader, the
// sequential chain and the architecture it produces (which must parse back).
#include <cstdint>

#include "engine/core/error.h"
#include "tests/fuzz/fuzz_input_file.h"
#include "tools/convert_caffe/caffemodel_reader.h"
#include "tools/convert_caffe/sequential_network.h"
#include "weights/model.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = nsrg::fuzz::write_input("model.caffemodel", data, size);
  try {
    nsrg::CaffemodelReadOptions read_options;
    read_options.keep_inner_product_blobs = size % 2 == 1;
    const nsrg::CaffeNet net = nsrg::read_caffemodel(path, read_options);
    nsrg::ChainOptions chain;
    chain.keep_fully_connected = read_options.keep_inner_product_blobs;
    chain.truncate_at_unsupported = size % 3 == 0;
    const nsrg::SequentialNetwork network = nsrg::build_sequential_network(net, nullptr, chain);
    nsrg::parse_architecture(nsrg::architecture_to_json(network.layers), "converted");
  } catch (const nsrg::UserError&) {
  }
  return 0;
}
