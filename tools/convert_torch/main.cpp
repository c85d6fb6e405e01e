// convert_torch: PyTorch VGG checkpoint -> nsrg-engine weights file. See cli.cpp (or --help).
#include "tools/convert_torch/cli.h"

int main(int argc, char** argv) {
  return nsrg::run_convert_torch_cli(argc, argv);
}
