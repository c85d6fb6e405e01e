#!/usr/bin/env python3
"""The explore page's latency, measured through its own HTTP interface (what the page's
"more like this" button sends): the time from the click to the first intermediate image
of the first child, and children per minute.

For each --precision, starts `nsrg-engine explore` on examples/default.toml (the content
image, the coffee style, Adam from the content image, five style layers) with the VGG-16
ImageNet weights of ../shared/weights (or --model), waits for the first sibling to finish
so the queue is idle (that render loads the backend and the network, which the tiles after
it share), then clicks "more like this" --clicks times on the finished tile, each time with
the queue idle: the latency is the time from sending the POST to the state showing a
child's first intermediate image (written after the child's first optimizer step; the state
is polled every 20 ms, so add up to 20 ms of resolution). Children per minute come from the
time all children of one click take to finish. Each figure carries the output of `uptime`
taken just before its click, and each child's own summary gives its load and capture
seconds (a tile that reuses the session's network and targets loads in milliseconds).

    python3 bench/explore_latency.py [--engine build/nsrg-engine] [--model FILE] [--size 128]
        [--iterations 40] [--children 4] [--clicks 3] [--backend cpu]
        [--precision fp32 bf16] [--json FILE]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Explore:
    def __init__(self, engine, config, sets, log):
        command = [engine, "explore", config] + [a for s in sets for a in ("--set", s)]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True)
        line = self.process.stdout.readline().strip()
        if not line.startswith("open "):
            raise SystemExit(f"explore did not start: {line!r}")
        self.address = line[len("open "):]
        self.base = self.address.split("/?")[0]
        self.token = self.address.split("token=")[1]

    def state(self):
        with urllib.request.urlopen(f"{self.base}/api/state?token={self.token}") as response:
            return json.load(response)

    def post(self, path, body):
        request = urllib.request.Request(self.base + path, data=json.dumps(body).encode(),
                                         headers={"X-Explore-Token": self.token,
                                                  "Content-Type": "application/json"})
        with urllib.request.urlopen(request) as response:
            return json.load(response)

    def wait(self, condition, timeout=1800, poll=0.02):
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            state = self.state()
            if condition(state):
                return state
            time.sleep(poll)
        raise SystemExit("timed out")

    def stop(self):
        self.process.send_signal(2)
        self.process.wait(timeout=300)


def tiles(state, ids):
    return [t for t in state["tiles"] if t["id"] in ids]


def uptime():
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def tile_timings(folder, tile):
    with open(os.path.join(folder, "tiles", tile + ".json")) as summary:
        return json.load(summary)["timings"]


def measure(args, precision):
    folder = tempfile.mkdtemp(prefix="nsrg_explore_latency_")
    model = args.model if args.model.startswith("builtin:") else os.path.abspath(args.model)
    sets = [f'model="{model}"', f'backend="{args.backend}"', f'precision="{precision}"',
            f'explore.dir="{folder}"', f"explore.preview_size={args.size}",
            f"explore.preview_iterations={args.iterations}", "explore.siblings=1",
            "output.print_iter=0"]
    with open(os.path.join(folder, "engine.log"), "w") as log:
        explore = Explore(args.engine, os.path.join(ROOT, "examples", "default.toml"), sets, log)
        clicks = []
        try:
            explore.wait(lambda s: all(t["state"] == "done" for t in s["tiles"]))
            for _ in range(args.clicks):
                load = uptime()
                clicked = time.monotonic()
                made = explore.post("/api/breed", {"tile": "t1", "count": args.children,
                                                   "strength": 0.3})["tiles"]
                explore.wait(lambda s: any(t["version"] > 0 for t in tiles(s, made)), poll=0.02)
                latency = time.monotonic() - clicked
                explore.wait(lambda s: all(t["state"] == "done" for t in tiles(s, made)),
                             poll=0.05)
                per_minute = 60 * len(made) / (time.monotonic() - clicked)
                clicks.append({"click_to_first_intermediate_s": latency,
                               "children_per_minute": per_minute, "uptime": load,
                               "children_timings": {t: tile_timings(folder, t) for t in made}})
        finally:
            explore.stop()
    return {
        "precision": precision, "backend": args.backend, "model": os.path.basename(model) if "/" in model else model,
        "size": args.size, "iterations": args.iterations, "children_per_click": args.children,
        "clicks": clicks,
        "click_to_first_intermediate_median_s": statistics.median(
            c["click_to_first_intermediate_s"] for c in clicks),
        "children_per_minute_median": statistics.median(c["children_per_minute"] for c in clicks),
        "session_folder": folder,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", default=os.path.join(ROOT, "build", "nsrg-engine"))
    parser.add_argument("--model", default=os.path.join(
        ROOT, "..", "shared", "weights", "vgg16_imagenet_conv.safetensors"))
    parser.add_argument("--size", type=int, default=128)
    parser.add_argument("--iterations", type=int, default=40)
    parser.add_argument("--children", type=int, default=4)
    parser.add_argument("--clicks", type=int, default=3)
    parser.add_argument("--backend", default="cpu")
    parser.add_argument("--precision", nargs="+", default=["fp32", "bf16"])
    parser.add_argument("--json")
    args = parser.parse_args()

    results = [measure(args, precision) for precision in args.precision]
    print(json.dumps(results, indent=1))
    if args.json:
        with open(args.json, "w") as out:
            json.dump(results, out, indent=1)


if __name__ == "__main__":
    sys.exit(main())
