"""The PyTorch CPU peer of nsrg-bench's full evaluation (bench/README.md, "bf16 on the CPU").

The same work as `nsrg-bench --backend cpu --sizes N`'s "full evaluation": VGG-19 up to
relu5_1 on a square N x N image, content loss at relu4_2, style losses (Gram matrices
F F^T / (C H W), mean squared difference to a target) at relu1_1..relu5_1, the total
variation term, and the backward pass to the image. Weights are random (He-normal, like the
engine's built-in model; the timing does not depend on their values), targets are zero.

Three ways PyTorch users run it on a CPU, timed in one process:
  fp32            NCHW float32
  fp32-cl         channels-last float32
  bf16-autocast   channels-last under torch.autocast("cpu", dtype=torch.bfloat16)

  python3 bench/peer/cpu_evaluation_peer.py --sizes 256 512 --threads 2 --runs 3
prints one line per (size, mode): median milliseconds of `runs` evaluations after one
warm-up, and a host line (CPU model and flags, torch version, load average), so that the
figures sit beside nsrg-bench's in bench/bf16_bench.sh's table.
"""
import argparse
import os
import statistics
import time

import torch
import torch.nn.functional as F

VGG19_BLOCKS = [(64, 2), (128, 2), (256, 4), (512, 4), (512, 4)]
STYLE_LAYERS = ["relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1"]
CONTENT_LAYER = "relu4_2"
DEEPEST = "relu5_1"


def cpu_host_line():
    model, flags = "unknown CPU", []
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name") and model == "unknown CPU":
                model = line.split(":", 1)[1].strip()
            if line.startswith("flags") and not flags:
                wanted = ("avx2", "avx512f", "avx512_bf16", "amx_bf16", "amx_tile")
                flags = [flag for flag in line.split(":", 1)[1].split() if flag in wanted]
    with open("/proc/loadavg") as loadavg:
        load = " ".join(loadavg.read().split()[:3])
    return f"host: {model}, flags: {' '.join(flags)}; torch {torch.__version__}; load {load}"


def make_vgg19_convs(generator):
    """[(name, weight, bias)] for VGG-19's convolutions up to conv5_1, He-normal weights."""
    convs, in_channels = [], 3
    for block, (channels, count) in enumerate(VGG19_BLOCKS, start=1):
        for index in range(1, count + 1):
            std = (2.0 / (in_channels * 9)) ** 0.5
            weight = torch.randn(channels, in_channels, 3, 3, generator=generator) * std
            convs.append((f"{block}_{index}", weight, torch.zeros(channels)))
            in_channels = channels
            if block == 5:
                return convs
    return convs


def features(image, convs, memory_format):
    """relu activations named in STYLE_LAYERS and CONTENT_LAYER, up to DEEPEST."""
    wanted, found, x = set(STYLE_LAYERS + [CONTENT_LAYER]), {}, image
    block_of_previous = 1
    for name, weight, bias in convs:
        block = int(name.split("_")[0])
        if block != block_of_previous:
            x = F.max_pool2d(x, 2, 2, ceil_mode=True)
            block_of_previous = block
        x = F.relu(F.conv2d(x, weight, bias, padding=1)).contiguous(memory_format=memory_format)
        if "relu" + name in wanted:
            found["relu" + name] = x
        if "relu" + name == DEEPEST:
            break
    return found


def objective(image, convs, memory_format):
    found = features(image, convs, memory_format)
    loss = found[CONTENT_LAYER].float().pow(2).mean()
    for layer in STYLE_LAYERS:
        f = found[layer].float()
        n, c, h, w = f.shape
        flat = f.reshape(c, h * w)
        gram = flat @ flat.t() / (c * h * w)
        loss = loss + gram.pow(2).mean()
    dx = image[:, :, :-1, 1:] - image[:, :, :-1, :-1]
    dy = image[:, :, 1:, :-1] - image[:, :, :-1, :-1]
    return loss + 1e-3 * 0.5 * (dx.pow(2).sum() + dy.pow(2).sum())


def time_mode(size, mode, convs, runs):
    memory_format = torch.contiguous_format if mode == "fp32" else torch.channels_last
    layer_convs = [(n, w.contiguous(memory_format=memory_format), b) for n, w, b in convs]
    generator = torch.Generator().manual_seed(size)
    image = torch.rand(1, 3, size, size, generator=generator) * 255 - 120
    image = image.contiguous(memory_format=memory_format).requires_grad_(True)

    def one_evaluation():
        image.grad = None
        if mode == "bf16-autocast":
            with torch.autocast("cpu", dtype=torch.bfloat16):
                loss = objective(image, layer_convs, memory_format)
        else:
            loss = objective(image, layer_convs, memory_format)
        loss.backward()
        assert torch.isfinite(image.grad).all()

    one_evaluation()  # warm-up (oneDNN primitive creation)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        one_evaluation()
        times.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(times), times


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[256, 512])
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--modes", nargs="+", default=["fp32", "fp32-cl", "bf16-autocast"])
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    convs = make_vgg19_convs(torch.Generator().manual_seed(0))
    print(cpu_host_line() + f"; {args.threads} threads")
    for size in args.sizes:
        for mode in args.modes:
            load = open("/proc/loadavg").read().split()[0]
            median, times = time_mode(size, mode, convs, args.runs)
            runs = " ".join(f"{t:.0f}" for t in times)
            print(f"{size:4d} px  {args.threads} thr  torch {mode:<13s}  full evaluation: "
                  f"{median:.1f} ms  (runs: {runs})  load before: {load}", flush=True)


if __name__ == "__main__":
    main()
