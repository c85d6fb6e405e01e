// convert_caffe: caffemodel -> nsrg-engine weights file. See cli.cpp (or --help).
#include <iostream>

#include "tools/convert_caffe/cli.h"

int main(int argc, char** argv) {
  return nsrg::run_convert_caffe_cli(argc, argv, std::cout, std::cerr);
}
