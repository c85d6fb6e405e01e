"""What the VGG-16 render benchmarks share: their command-line options (the engine, the VGG-16
ImageNet weights of ../shared/weights, the size, the steps, the results file) and the CPU's
model name for their results' first line."""
import argparse
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def render_bench_parser(description, iterations, results_name):
    """--engine, --model, --size (128), --iterations and --out (bench/results/NAME, no suffix)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--engine", default=os.path.join(ROOT, "build", "nsrg-engine"))
    parser.add_argument("--model", default=os.path.join(
        os.path.dirname(ROOT), "shared", "weights", "vgg16_imagenet_conv.safetensors"))
    parser.add_argument("--size", type=int, default=128)
    parser.add_argument("--iterations", type=int, default=iterations)
    parser.add_argument("--out", default=os.path.join(ROOT, "bench", "results", results_name))
    return parser


def cpu_model_name():
    """The first "model name" of /proc/cpuinfo."""
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        return next((line.split(":", 1)[1].strip() for line in info
                     if line.startswith("model name")), "unknown CPU")
