#!/usr/bin/env python3
"""peer_style.py: a PyTorch implementation of nsrg-engine's objective, to time against it.

Runs the neural-style optimization (Gatys et al.; jcjohnson/neural-style semantics) with
VGG-19 up to the last loss layer built from an nsrg-engine weights file: content relu4_2
(weight 5), style relu1_1..relu5_1 (weight 100), TV 1e-3, random init N(0,1) * 0.001, and
torch.optim.LBFGS(lr=1, max_iter=1, history_size=100, no line search, tolerances -1)
stepped once per iteration, i.e. one evaluation per iteration, as nsrg-engine does.

Measures seconds per iteration over --iterations iterations after --warmup iterations
(torch.cuda.synchronize around the timed loop) and torch.cuda.max_memory_allocated, and
prints and writes them as JSON. Several --size and --precision values run one after the
other in one process (one torch start-up), each with fresh state and peak-memory counters.

The weights file: nsrg-engine's built-in model is made in C++, so write it to a file first:
    nsrg-bench --export-weights vgg19_builtin.safetensors
(any .safetensors file written by the engine's tools, e.g. a converted Caffe VGG-19, works).

Example:
    peer_style.py --weights vgg19_builtin.safetensors --size 512 --iterations 50 \\
        --warmup 10 --precision fp32 --device cuda --json peer.json
"""
import argparse
import datetime
import gc
import json
import os
import sys
import time
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# pylint: disable=wrong-import-position
from png_io import ImageError, read_image  # noqa: E402
from random_images import content_and_style  # noqa: E402
from weights_file import WeightsError, load_model, truncate_after  # noqa: E402

DEFAULT_STYLE_LAYERS = ["relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1"]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="peer_style.py", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weights", required=True,
                        help="nsrg-engine .safetensors weights file (nsrg-bench "
                             "--export-weights OUT.safetensors writes the built-in model)")
    parser.add_argument("--size", type=int, nargs="+", default=[256],
                        help="image size(s) in pixels, longest side (default 256)")
    parser.add_argument("--iterations", type=int, default=50,
                        help="timed iterations (default 50)")
    parser.add_argument("--warmup", type=int, default=10,
                        help="untimed iterations before them (default 10)")
    parser.add_argument("--precision", nargs="+", choices=["fp32", "tf32"], default=["fp32"],
                        help="fp32: TF32 off for cuDNN and cuBLAS; tf32: on for both")
    parser.add_argument("--device", choices=["cuda", "cpu"], default="cuda")
    parser.add_argument("--content", help="content image (default: seeded random noise)")
    parser.add_argument("--style", help="style image (default: seeded random noise)")
    parser.add_argument("--seed", type=int, default=1,
                        help="seed of the random images and the initial image")
    parser.add_argument("--content-layers", default="relu4_2")
    parser.add_argument("--style-layers", default=",".join(DEFAULT_STYLE_LAYERS))
    parser.add_argument("--content-weight", type=float, default=5.0)
    parser.add_argument("--style-weight", type=float, default=100.0)
    parser.add_argument("--tv-weight", type=float, default=1e-3)
    parser.add_argument("--history", type=int, default=100, help="L-BFGS history size")
    parser.add_argument("--no-cudnn-benchmark", action="store_true",
                        help="leave torch.backends.cudnn.benchmark off (default: on, its "
                             "algorithm search happens during the warm-up)")
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args(argv)
    for size in args.size:
        if size < 16:
            parser.error(f"--size: {size} is too small (at least 16)")
    if args.iterations < 1 or args.warmup < 0 or args.history < 1:
        parser.error("--iterations and --history must be >= 1, --warmup >= 0")
    args.content_layers = [n for n in args.content_layers.split(",") if n]
    args.style_layers = [n for n in args.style_layers.split(",") if n]
    if not args.content_layers and not args.style_layers:
        parser.error("no content or style layer")
    return args


def set_precision(torch, precision):
    """Sets cuDNN's and cuBLAS's TF32 permission; returns what is in force."""
    allow = precision == "tf32"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the allow_tf32 flags are deprecated after 2.9
        try:
            torch.backends.cudnn.allow_tf32 = allow
            torch.backends.cuda.matmul.allow_tf32 = allow
            return {"cudnn.allow_tf32": bool(torch.backends.cudnn.allow_tf32),
                    "cuda.matmul.allow_tf32": bool(torch.backends.cuda.matmul.allow_tf32)}
        except (AttributeError, RuntimeError):
            mode = "tf32" if allow else "ieee"
            torch.backends.cudnn.conv.fp32_precision = mode
            torch.backends.cuda.matmul.fp32_precision = mode
            return {"cudnn.conv.fp32_precision": torch.backends.cudnn.conv.fp32_precision,
                    "cuda.matmul.fp32_precision": torch.backends.cuda.matmul.fp32_precision}


def load_inputs(args, size):
    """Content and style uint8 images: the files given, else seeded random noise."""
    random_content, random_style = content_and_style(size, args.seed)
    content = read_image(args.content) if args.content else random_content
    style = read_image(args.style) if args.style else random_style
    return content, style


def terms_to_floats(terms):
    return {key: float(value) for key, value in terms.items()}


def run_one(torch, args, model, size, precision, device):
    """One optimization at one size and precision; returns its result dict."""
    from peer_objective import (FeatureNet, StyleObjective,  # pylint: disable=import-outside-toplevel
                                preprocess_image, resize_longest_side)
    layers, preprocess, tensors = model
    cuda = device.type == "cuda"
    gc.collect()  # the previous run's tensors, before the peak counter restarts
    if cuda:
        torch.cuda.synchronize()
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()
    flags = set_precision(torch, precision) if cuda else {}
    setup_start = time.perf_counter()
    content_rgb, style_rgb = load_inputs(args, size)
    content = resize_longest_side(preprocess_image(content_rgb, preprocess, device), size)
    style = resize_longest_side(preprocess_image(style_rgb, preprocess, device), size)
    net = FeatureNet(layers, tensors, device, args.content_layers + args.style_layers)
    weights = {"content": args.content_weight, "style": args.style_weight, "tv": args.tv_weight}
    objective = StyleObjective(net, content, style, args.content_layers, args.style_layers,
                               weights)
    generator = torch.Generator().manual_seed(args.seed)
    x = (torch.randn(content.shape, generator=generator) * 0.001).to(device)
    x.requires_grad_(True)
    optimizer = torch.optim.LBFGS([x], lr=1, max_iter=1, history_size=args.history,
                                  line_search_fn=None, tolerance_grad=-1, tolerance_change=-1)
    last_terms = {}

    def closure():
        optimizer.zero_grad()
        total, terms = objective(x)
        total.backward()
        last_terms.update({k: v.detach() if torch.is_tensor(v) else v for k, v in terms.items()})
        return total

    def synchronize():
        if cuda:
            torch.cuda.synchronize()

    synchronize()
    setup_seconds = time.perf_counter() - setup_start
    first_losses = None
    warmup_start = time.perf_counter()
    for _ in range(args.warmup):
        optimizer.step(closure)
        if first_losses is None:
            first_losses = terms_to_floats(last_terms)
    synchronize()
    timed_start = time.perf_counter()
    warmup_seconds = timed_start - warmup_start
    for _ in range(args.iterations):
        optimizer.step(closure)
        if first_losses is None:
            first_losses = terms_to_floats(last_terms)  # LBFGS reads the loss anyway
    synchronize()
    timed_seconds = time.perf_counter() - timed_start
    result = {
        "image_size": size,
        "shape": list(x.shape),
        "precision": precision,
        "tf32_flags": flags,
        "cudnn_benchmark": bool(torch.backends.cudnn.benchmark),
        "evaluations": args.warmup + args.iterations,
        "warmup_iterations": args.warmup,
        "timed_iterations": args.iterations,
        "setup_seconds": setup_seconds,
        "warmup_seconds": warmup_seconds,
        "timed_seconds": timed_seconds,
        "seconds_per_iteration": timed_seconds / args.iterations,
        "first_losses": first_losses,
        "final_losses": terms_to_floats(last_terms),
        "parameter_bytes": net.parameter_bytes(),
        "peak_memory_bytes": torch.cuda.max_memory_allocated() if cuda else None,
        "peak_reserved_bytes": torch.cuda.max_memory_reserved() if cuda else None,
    }
    return result


def describe(torch, device):
    info = {"torch_version": torch.__version__, "device_type": device.type}
    if device.type == "cuda":
        info["device"] = torch.cuda.get_device_name(device)
        info["cuda_runtime"] = torch.version.cuda
        info["cudnn_version"] = torch.backends.cudnn.version()
    else:
        info["device"] = "cpu"
        info["threads"] = torch.get_num_threads()
    return info


def format_run(run):
    peak = run["peak_memory_bytes"]
    memory = f"{peak / 2**20:.0f} MiB" if peak is not None else "n/a"
    return (f"{run['image_size']:>5} px {run['precision']}: {run['seconds_per_iteration']:.4f} "
            f"s/it ({run['timed_iterations']} timed after {run['warmup_iterations']} warm-up), "
            f"peak {memory}, first loss {run['first_losses']['total']:.4e}, final "
            f"{run['final_losses']['total']:.4e}")


def write_json(path, results):
    """Writes through a temporary file and a rename, so a reader never sees half a file."""
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        json.dump(results, f, indent=2)
        f.write("\n")
    os.replace(path + ".tmp", path)


def main(argv=None):
    args = parse_args(argv)
    try:
        layers, preprocess, tensors, source, reader = load_model(args.weights)
        layers = truncate_after(args.weights, layers, args.content_layers + args.style_layers)
        try:
            import torch  # pylint: disable=import-outside-toplevel
        except ImportError:
            print("error: PyTorch is not installed for this python (import torch failed)",
                  file=sys.stderr)
            return 2
        if args.device == "cuda" and not torch.cuda.is_available():
            print("error: --device cuda: PyTorch sees no CUDA device", file=sys.stderr)
            return 2
        device = torch.device(args.device)
        torch.backends.cudnn.benchmark = not args.no_cudnn_benchmark
        results = {
            "peer": "pytorch",
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d"),
            "weights": os.path.abspath(args.weights),
            "weights_reader": reader,
            "model_source": source,
            "content": args.content or "random",
            "style": args.style or "random",
            "content_layers": args.content_layers,
            "style_layers": args.style_layers,
            **describe(torch, device),
            "runs": [],
        }
        print(f"peer: torch {results['torch_version']} on {results['device']}, weights "
              f"{args.weights} ({reader})", flush=True)
        for size in args.size:
            for precision in args.precision:
                run = run_one(torch, args, (layers, preprocess, tensors), size, precision,
                              device)
                results["runs"].append(run)
                print(format_run(run), flush=True)
                if args.json:  # after every run, so a later hang loses nothing
                    write_json(args.json, results)
    except (WeightsError, ImageError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
