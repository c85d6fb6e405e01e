#!/usr/bin/env bash
# Checks scripts/check_layers.sh on small made-up trees that carry the repository's own
# docs/design.md, so they are checked against the real Layers table: a clean tree (includes
# down the order, a relative one, CUDA where its rows allow it, a comment naming __device__,
# CMake links down the order) passes, and each case below, the clean tree with one fault
# added, fails with the line named. Prints ok/FAIL per case and exits 1 if any case failed.
#   test_check_layers.sh CHECK_LAYERS_SCRIPT [DESIGN_MD]   (default: the script's ../docs/design.md)
# shellcheck disable=SC2016 # the CMake files written below spell ${VAR} literally
set -euo pipefail
script=${1:?usage: test_check_layers.sh CHECK_LAYERS_SCRIPT [DESIGN_MD]}
design=${2:-$(dirname "$script")/../docs/design.md}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tree=$work/tree
failed=0
cases=0

# The clean tree, in $tree.
make_tree() {
  rm -rf "$tree"
  mkdir -p "$tree"/docs "$tree"/engine/{core,image,net,render,cuda} "$tree"/kernels "$tree"/weights \
    "$tree"/tools/convert_common "$tree"/bench "$tree"/tests/cuda
  cp "$design" "$tree/docs/design.md"
  cd "$tree"
  printf '#include <vector>\n' >engine/core/tensor.h
  printf '#if defined(__CUDACC__)\n#define NSRG_HOST_DEVICE __host__ __device__ __forceinline__\n#endif\n' \
    >engine/core/host_device.h
  printf '#include "engine/core/host_device.h"\nNSRG_HOST_DEVICE int draw();\n' >engine/core/philox.h
  printf '#include "engine/core/tensor.h"\n' >engine/image/image.h
  printf '#include <vector>\n#include "engine/core/tensor.h"\n' >engine/net/network.h
  printf '#include "weights/model.h"\n#include "toml++/toml.h"\n#include "../core/tensor.h"\n' \
    >engine/net/network.cpp
  printf '// a __device__ pointer is never read here\n/* nor in a __global__\n function */\n' \
    >>engine/net/network.cpp
  printf '#include "engine/net/network.h"\n' >engine/render/session.h
  printf '#include "engine/render/session.h"\n' >engine/main.cpp
  printf '#include <cudnn.h>\n#include "kernels/k.cuh"\n' >engine/cuda/conv.cpp
  printf '#include <cuda_runtime.h>\n__global__ void k();\n' >kernels/k.cuh
  printf '#include "engine/core/tensor.h"\n' >weights/model.h
  printf '#include "weights/model.h"\n' >tools/convert_common/reader.cpp
  printf '#include "engine/net/network.h"\n' >bench/bench.cpp
  printf '#include "engine/render/session.h"\n#include <cuda_runtime.h>\n' >tests/cuda/test.cpp
  cat >engine/CMakeLists.txt <<'CMAKE'
set(engine ${CMAKE_CURRENT_SOURCE_DIR})  # comment
nsrg_library(nsrg_core ${engine}/core LINK Threads::Threads)
nsrg_library(nsrg_net ${engine}/net LINK nsrg_core
             nsrg_weights)
nsrg_library(nsrg_render ${engine}/render LINK nsrg_core nsrg_net)
add_library(nsrg_engine INTERFACE)
target_link_libraries(nsrg_engine INTERFACE nsrg_render)
add_subdirectory(cuda)
add_executable(nsrg-engine ${engine}/main.cpp)
target_link_libraries(nsrg-engine PRIVATE nsrg_render nsrg_core)
CMAKE
  printf 'nsrg_library(nsrg_cuda ${CMAKE_CURRENT_SOURCE_DIR} LINK nsrg_core CUDA::cudart)\n' \
    >engine/cuda/CMakeLists.txt
  printf 'nsrg_library(nsrg_weights ${CMAKE_CURRENT_SOURCE_DIR} LINK nsrg_core)\n' >weights/CMakeLists.txt
  cat >tools/CMakeLists.txt <<'CMAKE'
function(nsrg_converter name)
  add_library(nsrg_${name} STATIC x.cpp)
  target_link_libraries(nsrg_${name} PUBLIC nsrg_render)
endfunction()
add_subdirectory(convert_common)
CMAKE
  printf 'nsrg_library(nsrg_convert_common ${CMAKE_CURRENT_SOURCE_DIR} LINK nsrg_core nsrg_weights)\n' \
    >tools/convert_common/CMakeLists.txt
  printf 'add_executable(nsrg-bench bench.cpp)\ntarget_link_libraries(nsrg-bench PRIVATE nsrg_net)\n' \
    >bench/CMakeLists.txt
  printf 'target_link_libraries(test_cuda nsrg_engine CUDA::cudart)\n' >tests/CMakeLists.txt
  cd - >/dev/null
}

# expect_failure NAME EXPECTED SETUP: the clean tree with SETUP (shell commands run in it)
# fails, and the output has a line containing EXPECTED.
expect_failure() {
  local name=$1 expected=$2 setup=$3 out
  cases=$((cases + 1))
  make_tree
  (cd "$tree" && eval "$setup")
  if out=$(bash "$script" "$tree" 2>&1); then
    printf 'FAIL %s: accepted:\n%s\n' "$name" "$out"
    failed=$((failed + 1))
  elif [[ $out != *"$expected"* ]]; then
    printf 'FAIL %s: expected a line with\n  %s\nin:\n%s\n' "$name" "$expected" "$out"
    failed=$((failed + 1))
  else
    echo "ok   $name"
  fi
}

cases=$((cases + 1))
make_tree
if out=$(bash "$script" "$tree" 2>&1); then
  echo "ok   a clean tree passes"
else
  printf 'FAIL a clean tree was rejected:\n%s\n' "$out"
  failed=$((failed + 1))
fi

# The two cases the check always had.
expect_failure "an upward include" \
  'includes "engine/render/session.h": engine/core may not use engine/render' \
  'printf "#include \"engine/render/session.h\"\n" >>engine/core/tensor.h'
expect_failure "an include of a folder without a row" \
  'includes "engine/nowhere/x.h"' \
  'printf "#include \"engine/nowhere/x.h\"\n" >>kernels/k.cuh'

# Hole 1: folders without a row were skipped.
expect_failure "a new tools/convert_x without a row" \
  'folder tools/convert_x has no place in the layer order' \
  'mkdir tools/convert_x && printf "#include \"weights/model.h\"\n" >tools/convert_x/convert.cpp'
expect_failure "a new bench subfolder without a row" \
  'folder bench/extra has no place in the layer order' \
  'mkdir bench/extra && printf "int x;\n" >bench/extra/x.cpp'
# Hole 2: an unknown engine folder (or file) had main.cpp's rights.
expect_failure "an unknown engine folder using main.cpp's rights" \
  'folder engine/x has no place in the layer order' \
  'mkdir engine/x && printf "#include \"engine/render/session.h\"\n" >engine/x/a.cpp'
expect_failure "another file beside engine/main.cpp" \
  'folder engine has no place in the layer order' \
  'printf "#include \"engine/render/session.h\"\n" >engine/helper.cpp'
# Hole 3: relative includes that climb, and angle-bracket includes of project headers.
expect_failure "a relative include that climbs upward" \
  'engine/core/tensor.h:2: includes "../render/session.h": engine/core may not use engine/render' \
  'printf "#include \"../render/session.h\"\n" >>engine/core/tensor.h'
expect_failure "a relative include out of the layered folders" \
  'includes "../../third_party/x.h": third_party/x.h is outside the layered folders' \
  'printf "#include \"../../third_party/x.h\"\n" >>engine/net/network.h'
expect_failure "an angle-bracket include of a project header" \
  'engine/core/tensor.h:2: includes <engine/render/session.h>: a project header in angle brackets' \
  'printf "#include <engine/render/session.h>\n" >>engine/core/tensor.h'
# Hole 4: the CUDA-headers rule.
expect_failure "a CUDA header outside engine/cuda and kernels" \
  'engine/net/network.h:3: includes <cuda_runtime.h>: engine/net may not use the CUDA headers' \
  'printf "#include <cuda_runtime.h>\n" >>engine/net/network.h'
expect_failure "a quoted cuBLAS header in weights" \
  'weights/model.h:2: includes "cublas_v2.h": weights may not use the CUDA headers' \
  'printf "#include \"cublas_v2.h\"\n" >>weights/model.h'
expect_failure "__global__ outside engine/cuda and kernels" \
  'engine/image/image.h:2: __global__ in engine/image' \
  'printf "__global__ void brighten(float* x);\n" >>engine/image/image.h'
expect_failure "__host__ __device__ in a core header without NSRG_HOST_DEVICE" \
  'engine/core/tensor.h:2: __device__ in engine/core' \
  'printf "__host__ __device__ inline int twice(int x) { return 2 * x; }\n" >>engine/core/tensor.h'
expect_failure "a .cu file outside engine/cuda and kernels" \
  'engine/net/fast.cu: a CUDA source in engine/net' \
  'printf "int x;\n" >engine/net/fast.cu'
# Hole 5: the table could drift from the doc; now the doc is the table, and a bad one fails.
expect_failure "a row that uses a higher layer" \
  'engine/image (layer 1) may use engine/render (layer 8), which is not lower' \
  'sed -i "s/^\(| 1 | \`engine\/image\` .*\)| core |$/\1| core, render |/" docs/design.md'
expect_failure "a row that names no row" \
  "engine/net may use 'nowhere', which is no row's name" \
  'sed -i "s/^\(| 3 | \`engine\/net\` .*\)| core, weights |$/\1| core, nowhere |/" docs/design.md'
expect_failure "a design.md without the Layers table" \
  "docs/design.md: Layers table: no table under '## Layers'" \
  'sed -i "s/^## Layers$/## Layering/" docs/design.md'
# Hole 6: CMake links were not checked.
expect_failure "a CMake library linking upward" \
  'weights/CMakeLists.txt: nsrg_weights links nsrg_net: weights may not use engine/net' \
  'printf "nsrg_library(nsrg_weights \${CMAKE_CURRENT_SOURCE_DIR} LINK nsrg_core nsrg_net)\n" >weights/CMakeLists.txt'
expect_failure "a link through an interface library (nsrg_engine)" \
  'bench/CMakeLists.txt: nsrg-bench links nsrg_render: bench may not use engine/render' \
  'printf "target_link_libraries(nsrg-bench PRIVATE nsrg_engine)\n" >>bench/CMakeLists.txt'
expect_failure "a link to a library the check cannot see defined" \
  'nsrg_convert_common links nsrg_mystery, which no CMakeLists.txt of the layered folders defines' \
  'printf "target_link_libraries(nsrg_convert_common PUBLIC nsrg_mystery)\n" >>tools/convert_common/CMakeLists.txt'
expect_failure "a CUDA library linked outside engine/cuda and kernels" \
  'nsrg_net links CUDA::cublas: engine/net may not use the CUDA headers' \
  'printf "target_link_libraries(nsrg_net PUBLIC CUDA::cublas)\n" >>engine/CMakeLists.txt'

echo "test_check_layers: $((cases - failed)) of $cases cases ok"
[ "$failed" -eq 0 ]
