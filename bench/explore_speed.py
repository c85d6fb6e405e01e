#!/usr/bin/env python3
"""The explore page's speed, measured through its own HTTP interface (what the page's
"more like this" button sends): the time from the click to the first intermediate image
of a child, and children per minute.

Starts `nsrg-engine explore` on examples/default.toml (the content image, the coffee style,
Adam from the content image) with the VGG-16 ImageNet weights of ../shared/weights (or
--model), waits for the first siblings to finish so the queue is idle, then clicks
"more like this" --clicks times on a finished tile, each time with the queue idle: the
click-to-first-intermediate latency is the time from sending the POST to the state showing
a child's first intermediate image (written after the child's first optimizer step;
the state is polled every 20 ms, so add up to 20 ms of resolution). Children per minute
come from the time all children of one click take to finish.

    python3 bench/explore_speed.py [--engine build/nsrg-engine] [--model FILE] [--size 128]
        [--iterations 40] [--children 4] [--clicks 3] [--backend cpu] [--json FILE]
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
    def __init__(self, engine, config, sets):
        command = [engine, "explore", config] + [a for s in sets for a in ("--set", s)]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, text=True)
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
    parser.add_argument("--json")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="nsrg_explore_speed_")
    model = os.path.abspath(args.model)
    sets = [f'model="{model}"', f"backend=\"{args.backend}\"", f'explore.dir="{folder}"',
            f"explore.preview_size={args.size}", f"explore.preview_iterations={args.iterations}",
            "explore.siblings=1", "output.print_iter=0"]
    explore = Explore(args.engine, os.path.join(ROOT, "examples", "default.toml"), sets)
    latencies, per_minute = [], []
    try:
        explore.wait(lambda s: all(t["state"] == "done" for t in s["tiles"]))
        for _ in range(args.clicks):
            clicked = time.monotonic()
            made = explore.post("/api/breed", {"tile": "t1", "count": args.children,
                                               "strength": 0.3})["tiles"]
            explore.wait(lambda s: any(t["version"] > 0 for t in tiles(s, made)), poll=0.02)
            latencies.append(time.monotonic() - clicked)
            explore.wait(lambda s: all(t["state"] == "done" for t in tiles(s, made)), poll=0.05)
            per_minute.append(60 * len(made) / (time.monotonic() - clicked))
    finally:
        explore.stop()
    result = {
        "backend": args.backend, "model": os.path.basename(model), "size": args.size,
        "iterations": args.iterations, "children_per_click": args.children,
        "click_to_first_intermediate_s": latencies,
        "click_to_first_intermediate_median_s": statistics.median(latencies),
        "children_per_minute": per_minute,
        "children_per_minute_median": statistics.median(per_minute),
        "load_average": os.getloadavg(),
    }
    print(json.dumps(result, indent=1))
    if args.json:
        with open(args.json, "w") as out:
            json.dump(result, out, indent=1)


if __name__ == "__main__":
    sys.exit(main())
