#!/usr/bin/env bash
# gpu_check.sh: every GPU check in one go, on the lent GPU machine (see shared/GPU.md and
# the "GPU checks" section of bench/README.md). Finishes inside the budget (default 420 s).
#
#   bench/gpu_check.sh OUTDIR [BUILD] [--archive FILE] [--cpu-render PNG] [--budget S]
#
# BUILD (default build-gpu) holds nsrg-engine, nsrg-bench, tests/test_* and lib/, or
# gpu-bundle.tar.xz from bench/gpu_build.sh, which is unpacked first. Steps in order of value,
# each under its own timeout (a failing step does not stop the others; one that would not fit
# the budget is skipped; every command, the probes included, has a time limit): the environment
# (GPU, driver, the CUDA/cuDNN/cuBLAS/cuSOLVER versions the engine loads, torch's); test_cuda
# (gtest JSON in OUTDIR/tests), and when it fails its op-level tests again under
# compute-sanitizer memcheck to name the first bad kernel; the default example at 64 px on the
# CPU and the GPU, compared (image_diff.py thresholds); the example at full size on the GPU,
# compared with the CPU reference render the bundle carries (BUILD/reference/default_cpu.png,
# made by gpu_build.sh; or --cpu-render PNG); nsrg-bench fp32, tf32, mixed and bf16 at
# 256/512/1024 (OUTDIR/bench_cuda_*.json); the peer's own tests and the PyTorch peer comparison
# (OUTDIR/peer_comparison.*); the explore page's latency; the largest square image whole and
# in tiles (bench/largest_square.py); with time left, the CPU test suites. A comparison that
# cannot run is recorded as "not run". Logs go to OUTDIR/logs; gpu_summary.py judges each step into
# OUTDIR/summary.txt, printed last (CPU-only steps apart from the GPU verdict); the exit
# status is 0 only if every GPU step passed. --archive writes OUTDIR as a .tar.gz (weights and
# noise images left out) for carrying back.
set -uo pipefail

usage() { sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

repo="$(cd "$(dirname "$0")/.." && pwd)"
[ $# -ge 1 ] || usage
case "$1" in -h | --help) usage ;; esac
outdir="$1"
shift
build="build-gpu" archive="" cpu_render="" budget="${NSRG_GPU_CHECK_BUDGET_S:-420}"
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then
  build="$1"
  shift
fi
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || usage
  case "$1" in
    --archive) archive="$2" ;;
    --cpu-render) cpu_render="$2" ;;
    --budget) budget="$2" ;;
    *) usage ;;
  esac
  shift 2
done
cd "$repo" || exit 1
case "$build" in /*) ;; *) build="$repo/$build" ;; esac
mkdir -p "$outdir"/logs "$outdir"/tests "$outdir"/render || exit 1
outdir="$(cd "$outdir" && pwd)"
python="${PYTHON:-python3}"
peer_iterations="${NSRG_PEER_ITERATIONS:-50}" peer_warmup="${NSRG_PEER_WARMUP:-10}"
started=$SECONDS
steps="$outdir/steps.tsv"
: >"$steps"

say() { printf '[gpu_check %3ds] %s\n' $((SECONDS - started)) "$*"; }

# record NAME STATUS SECONDS NOTE: one row of steps.tsv (gpu_summary.py judges each row).
record() { printf '%s\t%s\t%d\t%s\n' "$1" "$2" "$3" "$4" >>"$steps"; }

# step NAME WANTED_SECONDS COMMAND...: runs COMMAND under a timeout capped by what is left of the budget (keeping 25 s for the summary), output
# to logs/NAME.log, status to steps.tsv.
step() {
  local name="$1" wanted="$2"
  shift 2
  local left=$((budget - (SECONDS - started) - 25))
  if [ "$left" -lt 15 ]; then
    say "$name: skipped (out of time)"
    record "$name" skipped 0 "out of time"
    return 1
  fi
  local limit=$((wanted < left ? wanted : left)) begin=$SECONDS rc=0
  say "$name (limit ${limit}s)"
  timeout -k 10 "$limit" "$@" >"$outdir/logs/$name.log" 2>&1 || rc=$?
  local status=ok
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    status=timeout
  elif [ "$rc" -ne 0 ]; then
    status="failed($rc)"
  fi
  record "$name" "$status" $((SECONDS - begin)) "logs/$name.log"
  if [ "$status" != ok ]; then
    say "$name: $status after $((SECONDS - begin))s; last lines of logs/$name.log:"
    tail -n 4 "$outdir/logs/$name.log" | sed 's/^/    /'
  fi
  return "$rc"
}

# ---- the build ---------------------------------------------------------------------------------
# tar with xz where there is one, else Python's tarfile (lzma is in its standard library).
unpack() { # unpack ARCHIVE FOLDER
  if command -v xz >/dev/null; then
    timeout -k 5 120 tar -C "$2" -xJf "$1"
  else
    timeout -k 5 120 "$python" - "$1" "$2" <<'EOF'
import sys, tarfile
with tarfile.open(sys.argv[1], "r:xz") as bundle:
    try:
        bundle.extractall(sys.argv[2], filter="data")
    except TypeError:  # a Python without extraction filters
        bundle.extractall(sys.argv[2])
EOF
  fi
}
if [ -f "$build/gpu-bundle.tar.xz" ] &&
  { [ ! -x "$build/nsrg-engine" ] || [ "$build/gpu-bundle.tar.xz" -nt "$build/nsrg-engine" ]; }; then
  say "unpacking $build/gpu-bundle.tar.xz"
  unpack "$build/gpu-bundle.tar.xz" "$build" || say "unpacking failed"
fi
engine="$build/nsrg-engine" bench="$build/nsrg-bench"
[ -x "$engine" ] || say "warning: no $engine (run bench/gpu_build.sh on the development machine)"
# The test binaries hold the development machine's source path (NSRG_SOURCE_DIR, for their
# fixtures); where it does not exist here, make it a link to this checkout.
source_dir=$(sed -n 's/^source_dir: //p' "$build/build_info.txt" 2>/dev/null)
if [ -n "$source_dir" ] && [ ! -e "$source_dir" ] && [ "$source_dir" != "$repo" ]; then
  mkdir -p "$(dirname "$source_dir")" && ln -s "$repo" "$source_dir" &&
    say "linked $source_dir -> $repo (the tests' fixture path)"
fi

# ---- CUDA libraries first on the path ---------------------------------------------------------------
# Python's nvidia packages first (the cuDNN/cuBLAS torch uses, so both sides of the peer
# comparison run the same libraries), then the toolkit's, then the libraries gpu_build.sh
# copied. Never the toolkit's stubs folder (its libcuda.so would hide the driver).
cuda_dirs=()
while IFS= read -r dir; do cuda_dirs+=("$dir"); done < <(
  timeout -k 5 60 "$python" - <<'EOF' 2>/dev/null
import glob, os
try:
    import nvidia
    roots = list(nvidia.__path__)
except ImportError:
    roots = []
seen = []
for root in roots:
    for lib in sorted(glob.glob(os.path.join(root, "**", "lib*.so*"), recursive=True)):
        folder = os.path.dirname(lib)
        if folder not in seen:
            seen.append(folder)
print("\n".join(seen))
EOF
)
system_dirs=()
for dir in /usr/local/cuda/lib64 /usr/local/cuda/lib /usr/local/cuda/targets/x86_64-linux/lib; do
  if [ -d "$dir" ]; then system_dirs+=("$dir"); fi
done
# NSRG_CUDA_LIBS_FIRST=system puts the toolkit's libraries before python's.
if [ "${NSRG_CUDA_LIBS_FIRST:-python}" = system ]; then
  cuda_dirs=("${system_dirs[@]}" "${cuda_dirs[@]}")
else
  cuda_dirs+=("${system_dirs[@]}")
fi
library_path=""
for dir in "${cuda_dirs[@]}" "$build/lib"; do library_path="${library_path:+$library_path:}$dir"; done
export LD_LIBRARY_PATH="$library_path${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export CUDA_MODULE_LOADING="${CUDA_MODULE_LOADING:-LAZY}"

# ---- the environment -----------------------------------------------------------------------------
print_environment() {
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host: $(hostname), $(nproc) cores, kernel $(uname -r), $(ldd --version 2>/dev/null | head -n 1)"
  echo "cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
  if command -v nvidia-smi >/dev/null; then
    timeout -k 5 30 nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,power.limit \
      --format=csv,noheader 2>&1 | sed 's/^/gpu: /'
    timeout -k 5 30 nvidia-smi 2>&1 | grep -m1 'CUDA Version' | sed 's/^[| ]*/nvidia-smi: /'
  else
    echo "gpu: none (no nvidia-smi)"
  fi
  echo "nvcc: $(timeout -k 5 20 nvcc --version 2>/dev/null | grep -o 'release [0-9.]*' || echo 'not found')"
  [ -f "$build/build_info.txt" ] && sed 's/^/build: /' "$build/build_info.txt"
  echo "LD_LIBRARY_PATH: $LD_LIBRARY_PATH"
  echo "libraries nsrg-engine loads:"
  timeout -k 5 20 ldd "$engine" 2>&1 | grep -E 'cud|cublas|cusolver|nvJit|dnnl|blas|lapack|gomp|not found' |
    sed 's/^[[:space:]]*/  /'
  local resolved
  resolved=$(timeout -k 5 20 ldd "$engine" 2>/dev/null | awk '$3 ~ /^\// {print $3}' |
    grep -E 'libcudnn\.so|libcublas\.so|libcusolver\.so|libcudart\.so' || true)
  # Loading the libraries and importing torch (CUDA start-up) can hang on a sick driver.
  # shellcheck disable=SC2086  # a list of paths without spaces
  timeout -k 5 60 "$python" - $resolved <<'EOF'
import ctypes, sys
def prop(lib, function):
    values = []
    for kind in range(3):  # MAJOR_VERSION, MINOR_VERSION, PATCH_LEVEL
        value = ctypes.c_int()
        if getattr(lib, function)(kind, ctypes.byref(value)) != 0:
            return "?"
        values.append(str(value.value))
    return ".".join(values)
for path in sys.argv[1:]:
    try:
        lib = ctypes.CDLL(path)
        if "libcudnn" in path:
            lib.cudnnGetVersion.restype = ctypes.c_size_t
            v = lib.cudnnGetVersion()
            text = f"{v // 10000}.{v % 10000 // 100}.{v % 100}"
        elif "libcublas" in path:
            text = prop(lib, "cublasGetProperty")
        elif "libcusolver" in path:
            text = prop(lib, "cusolverGetProperty")
        else:
            v = ctypes.c_int()
            lib.cudaRuntimeGetVersion(ctypes.byref(v))
            text = f"{v.value // 1000}.{v.value % 1000 // 10}"
        print(f"loaded: {path}: version {text}")
    except (OSError, AttributeError) as e:
        print(f"loaded: {path}: version unknown ({e})")
EOF
  [ $? -ne 124 ] || echo "loaded: ?: the library probe timed out after 60 s"
  timeout -k 5 90 "$python" - <<'EOF'
try:
    import torch
    line = f"torch: {torch.__version__}, CUDA {torch.version.cuda}, cuDNN {torch.backends.cudnn.version()}"
    if torch.cuda.is_available():
        p = torch.cuda.get_device_properties(0)
        line += f", {p.name}, sm_{p.major}{p.minor}, {p.multi_processor_count} SMs, {p.total_memory / 2**30:.1f} GiB"
    print(line)
except Exception as e:  # report, never fail the check here
    print(f"torch: not usable ({e})")
EOF
  [ $? -ne 124 ] || echo "torch: not usable (the import timed out after 90 s)"
}
say "environment"
env_began=$SECONDS
print_environment 2>&1 | tee "$outdir/logs/env.log"
if grep -q '^gpu: none' "$outdir/logs/env.log" || ! timeout -k 5 30 nvidia-smi -L >/dev/null 2>&1; then
  record environment "failed(no GPU)" $((SECONDS - env_began)) "logs/env.log"
else
  record environment ok $((SECONDS - env_began)) "logs/env.log"
fi
built_cudnn=$(sed -n 's/^cudnn_headers: //p' "$build/build_info.txt" 2>/dev/null)
loaded_cudnn=$(sed -n 's/^loaded: .*libcudnn.*version \([0-9.]*\)$/\1/p' "$outdir/logs/env.log" | head -n 1)
if [ -n "$built_cudnn" ] && [ -n "$loaded_cudnn" ] &&
  [ "$(printf '%s\n%s\n' "$built_cudnn" "$loaded_cudnn" | sort -V | head -n 1)" != "$built_cudnn" ]; then
  say "WARNING: this machine's cuDNN $loaded_cudnn is older than the headers built against ($built_cudnn)"
fi

# ---- in order of value: what a short GPU loan must not miss comes first ------------------------
# 1. The CUDA parity tests (ops, whole L-BFGS/Adam runs and a randomized render against the CPU).
tests_json="$outdir/tests"
run_suite() { # run_suite SUITE WANTED_SECONDS: tests find fixtures relative to the repository root
  local binary="$build/tests/test_$1"
  if [ ! -x "$binary" ]; then
    record "test_$1" "missing" 0 "no $binary"
    return 1
  fi
  step "test_$1" "$2" "$binary" --gtest_output="json:$tests_json/test_$1.json"
}
run_suite cuda 150
cuda_suite_status=$(awk -F '\t' '$1 == "test_cuda" {print $2}' "$steps")

# 1b. When test_cuda failed: its op-level tests again under compute-sanitizer memcheck (the
# suites whose names end in Run or Render run whole optimizations: too slow there). An illegal
# address shows at the next synchronize, often in a later test, and then fails every test
# after it; memcheck names the kernel at the access. API errors are left out: the tests
# provoke some on purpose (an impossible allocation), and cuDNN's search meets others.
find_sanitizer() {
  local candidate
  for candidate in "$(command -v compute-sanitizer 2>/dev/null)" \
    /usr/local/cuda/bin/compute-sanitizer /usr/local/cuda/compute-sanitizer/compute-sanitizer; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then
      echo "$candidate"
      return 0
    fi
  done
  timeout -k 5 20 find /usr/local /opt -maxdepth 5 -name compute-sanitizer -type f -perm -u+x \
    2>/dev/null | head -n 1
}
if [ -n "$cuda_suite_status" ] && [ "$cuda_suite_status" != ok ] && [ "$cuda_suite_status" != missing ]; then
  sanitizer=$(find_sanitizer)
  if [ -n "$sanitizer" ]; then
    step memcheck_cuda 120 "$sanitizer" --tool memcheck --report-api-errors no \
      --error-exitcode 86 --print-limit 20 "$build/tests/test_cuda" '--gtest_filter=-*Run.*:*Render.*'
  else
    record memcheck_cuda "not run" 0 "no compute-sanitizer on this machine"
  fi
fi

# 2. The default example at 64 px on the CPU and on the GPU, and the two compared (the CLI end
# to end, with the example's own settings: 150 Adam steps from the content image).
render="$outdir/render"
for backend in cpu cuda; do
  wanted=45
  [ "$backend" = cpu ] && wanted=60
  step "render_64_$backend" "$wanted" "$engine" examples/default.toml --backend "$backend" \
    --set image_size=64 --set "output.path=\"$render/default64_$backend.png\""
done
# compare_renders NAME CUDA_PNG CPU_PNG RENDER_STEP...: image_diff.py on two renders and their
# summaries, or a "not run" row naming what is missing: a file, or a render step that did not
# finish (one cut by its time limit still saves the image it reached: no comparison for it).
compare_renders() {
  local name="$1" cuda_png="$2" cpu_png="$3" missing="" file render_step status
  shift 3
  for render_step in "$@"; do
    status=$(awk -F '\t' -v n="$render_step" '$1 == n {print $2}' "$steps")
    [ "$status" = ok ] || missing="${missing:+$missing, }$render_step ${status:-not run}"
  done
  for file in "$cuda_png" "${cuda_png%.png}.json" "$cpu_png" "${cpu_png%.png}.json"; do
    [ -f "$file" ] || missing="${missing:+$missing, }${file#"$outdir"/}"
  done
  if [ -n "$missing" ]; then
    say "$name: not run (missing: $missing)"
    record "$name" "not run" 0 "missing: $missing"
    return 1
  fi
  step "$name" 20 "$python" bench/peer/image_diff.py "$cuda_png" "$cpu_png" --summaries \
    "${cuda_png%.png}.json" "${cpu_png%.png}.json" --json "$render/${name#render_}.json"
}
compare_renders render_diff_64 "$render/default64_cuda.png" "$render/default64_cpu.png" \
  render_64_cpu render_64_cuda

# 3. The example at full size on the GPU, against the CPU reference render the bundle carries
# (gpu_build.sh renders it on the development machine; a copy goes into OUTDIR/render).
step render_cuda 60 "$engine" examples/default.toml --backend cuda \
  --set "output.path=\"$render/default_cuda.png\""
if [ -z "$cpu_render" ] && [ -f "$build/reference/default_cpu.png" ]; then
  cp "$build/reference/default_cpu.png" "$build/reference/default_cpu.json" "$render/" &&
    cpu_render="$render/default_cpu.png"
fi
compare_renders render_diff_full "$render/default_cuda.png" \
  "${cpu_render:-$build/reference/default_cpu.png}" render_cuda

# 4. nsrg-bench (it writes its JSON after each size, so a timeout keeps the finished sizes):
# fp32 and tf32, then mixed (bf16 backward-data) and bf16 (bf16 convolutions and activations),
# whose bf16 convolutions run on tensor cores and take less than tf32's time.
for precision in fp32 tf32 mixed bf16; do
  wanted=90
  case "$precision" in mixed | bf16) wanted=60 ;; esac
  step "bench_cuda_$precision" "$wanted" "$bench" --backend cuda --precision "$precision" \
    --sizes 256 512 1024 --json "$outdir/bench_cuda_$precision.json"
done

# 5. The PyTorch peer: its own tests (objective against numpy, torch's LBFGS against
# lbfgs.lua, a tiny run), then the comparison.
step peer_selftest 45 env NSRG_REQUIRE_TORCH=1 "$python" bench/peer/test_peer_torch.py
step peer_compare 200 "$repo/bench/peer/compare.sh" "$outdir" --engine "$engine" --bench "$bench" \
  --bench-json-dir "$outdir" --iterations "$peer_iterations" --warmup "$peer_warmup" \
  --timeout 60 --peer-timeout 120
if [ ! -f "$outdir/peer_comparison.json" ] && [ -d "$outdir/peer" ]; then
  timeout -k 5 60 "$python" "$repo/bench/peer/compare_report.py" "$outdir/peer" \
    --out "$outdir/peer_comparison.json" --bench-json "fp32=$outdir/bench_cuda_fp32.json" \
    --bench-json "tf32=$outdir/bench_cuda_tf32.json" >"$outdir/peer_comparison.txt" 2>&1
fi

# 5b. The explore page on the GPU (issue 23's goal there: a finished 512 px child in under a
# second): the built-in model (the bundle carries no weights), one click of two children.
step explore_cuda 60 "$python" bench/explore_latency.py --engine "$engine" --backend cuda \
  --precision fp32 --model builtin:vgg19-random --size 512 --children 2 --clicks 1 \
  --json "$outdir/explore_latency_cuda.json"

# 5c. The largest square image on this GPU, whole and in tiles of 2048 px (issue 25; 16384 px
# is the goal on an H200): the memory plan predicts from a few probes (each a process start
# that stops before capturing), one evaluation of each confirms (the tiled one at 16384 px at
# most, which bounds its time); OUTDIR/largest_square.json. The tiled parity tests
# (test_cuda_tiled_objective.cpp) ran in test_cuda above.
step largest_square 170 "$python" bench/largest_square.py "$outdir" "$engine" --backend cuda \
  --tile 2048 --confirm-cap 16384 --timeout 75

# 6. With time left: the CPU suites (the bundle works on this machine; CI runs them anyway).
for suite in optim randomize engine; do run_suite "$suite" 60; done

# ---- the summary, last: a verdict per step; its exit status is the script's ---------------------------
timeout -k 5 60 "$python" "$repo/bench/peer/gpu_summary.py" "$outdir" >"$outdir/summary.txt" 2>&1
verdict=$?
[ "$verdict" -le 1 ] || echo "(gpu_summary.py failed: exit $verdict)" >>"$outdir/summary.txt"
if [ -n "$archive" ]; then
  timeout -k 5 60 tar -C "$(dirname "$outdir")" -czf "$archive" --exclude='*.safetensors' \
    --exclude='peer/content_*.png' --exclude='peer/style_*.png' --exclude='peer/engine_*.png' \
    "$(basename "$outdir")" && say "archive: $archive ($(du -h "$archive" | cut -f1))"
fi
say "done in $((SECONDS - started))s; logs in $outdir/logs"
cat "$outdir/summary.txt"
exit $((verdict == 0 ? 0 : 1))
