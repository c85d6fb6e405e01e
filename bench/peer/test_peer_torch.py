#!/usr/bin/env python3
"""Tests of the peer's PyTorch half against independent numpy references: the network's
forward pass (naive loops), the objective's value, torch.optim.LBFGS stepped once per
iteration against lbfgs.lua's algorithm, and peer_style.py end to end on the CPU with a
tiny weights file. Skipped where torch is not installed (the development machine); the GPU
check runs it. Run: python3 bench/peer/test_peer_torch.py"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
# pylint: disable=wrong-import-position
from test_peer_numpy import tiny_metadata, tiny_tensors  # noqa: E402
from test_peer_numpy import write_safetensors  # noqa: E402
import weights_file  # noqa: E402

try:
    import torch
except ImportError:
    if os.environ.get("NSRG_REQUIRE_TORCH"):  # set by gpu_check.sh: a skip would hide a problem
        raise
    torch = None


def naive_conv(x, weight, bias, pad):
    """x [C, H, W], weight [K, C, kh, kw], stride 1."""
    channels, height, width = x.shape
    k_out, _, kh, kw = weight.shape
    padded = np.zeros((channels, height + 2 * pad, width + 2 * pad))
    padded[:, pad:pad + height, pad:pad + width] = x
    out_h, out_w = height + 2 * pad - kh + 1, width + 2 * pad - kw + 1
    out = np.zeros((k_out, out_h, out_w))
    for k in range(k_out):
        for i in range(out_h):
            for j in range(out_w):
                out[k, i, j] = np.sum(padded[:, i:i + kh, j:j + kw] * weight[k]) + bias[k]
    return out


def naive_maxpool(x):
    channels, height, width = x.shape
    return x[:, :height // 2 * 2, :width // 2 * 2].reshape(
        channels, height // 2, 2, width // 2, 2).max(axis=(2, 4))


def naive_features(x, tensors):
    """The tiny architecture's relu1_1 and relu2_1 for x [3, H, W]."""
    relu1 = np.maximum(naive_conv(x, tensors["conv1_1.weight"], tensors["conv1_1.bias"], 1), 0)
    relu2 = np.maximum(naive_conv(naive_maxpool(relu1), tensors["conv2_1.weight"],
                                  tensors["conv2_1.bias"], 1), 0)
    return {"relu1_1": relu1, "relu2_1": relu2}


def naive_gram(f):
    channels = f.shape[0]
    matrix = f.reshape(channels, -1)
    return matrix @ matrix.T / f.size


def naive_objective(x, content, style, tensors, weights):
    fx, fc, fs = (naive_features(v, tensors) for v in (x, content, style))
    content_loss = weights["content"] * np.mean((fx["relu2_1"] - fc["relu2_1"]) ** 2)
    style_loss = sum(weights["style"] * np.mean((naive_gram(fx[n]) - naive_gram(fs[n])) ** 2)
                     for n in ("relu1_1", "relu2_1"))
    tv = 0.0
    for c in range(3):
        for i in range(x.shape[1] - 1):
            for j in range(x.shape[2] - 1):
                tv += (x[c, i, j] - x[c, i, j + 1]) ** 2 + (x[c, i, j] - x[c, i + 1, j]) ** 2
    return content_loss + style_loss + weights["tv"] / 2 * tv


def lbfgs_lua(f_and_grad, x, iterations, lr=1.0, history=100):
    """lbfgs.lua without line search, tolX -1: one evaluation and one step per iteration."""
    s_list, y_list, g_prev, d, t, h_diag, evaluations = [], [], None, None, None, 1.0, 0
    for k in range(1, iterations + 1):
        _, g = f_and_grad(x)
        evaluations += 1
        if k == 1:
            d = -g
        else:
            y, s = g - g_prev, d * t
            ys = y @ s
            if ys > 1e-10:
                if len(s_list) == history:
                    s_list.pop(0)
                    y_list.pop(0)
                s_list.append(s)
                y_list.append(y)
                h_diag = ys / (y @ y)
            q, alphas = -g, []
            for s_i, y_i in zip(reversed(s_list), reversed(y_list)):
                alpha = (s_i @ q) / (y_i @ s_i)
                alphas.append(alpha)
                q = q - alpha * y_i
            r = q * h_diag
            for (s_i, y_i), alpha in zip(zip(s_list, y_list), reversed(alphas)):
                beta = (y_i @ r) / (y_i @ s_i)
                r = r + s_i * (alpha - beta)
            d = r
        g_prev = g
        if g @ d > 1.0:  # g.d > -tolX
            break
        t = min(1.0, 1.0 / np.abs(g).sum()) * lr if k == 1 else lr
        x = x + t * d
    return x, evaluations


@unittest.skipIf(torch is None, "torch is not installed")
class PeerTorchTest(unittest.TestCase):
    def setUp(self):
        torch.manual_seed(0)
        self.dir = tempfile.TemporaryDirectory()
        self.weights = os.path.join(self.dir.name, "tiny.safetensors")
        self.tensors = tiny_tensors(3)
        write_safetensors(self.weights, self.tensors, tiny_metadata())

    def tearDown(self):
        self.dir.cleanup()

    def test_forward_and_objective_match_naive_loops(self):
        from peer_objective import FeatureNet, StyleObjective  # pylint: disable=import-outside-toplevel
        layers, _, tensors, _, _ = weights_file.load_model(self.weights)
        rng = np.random.default_rng(1)
        x, content, style = (rng.standard_normal((3, 10, 12)) for _ in range(3))
        as_torch = lambda a: torch.from_numpy(a.astype(np.float32))[None]  # noqa: E731
        net = FeatureNet(layers, tensors, torch.device("cpu"), ["relu1_1", "relu2_1"])
        features = net.forward(as_torch(x))
        reference = naive_features(x, self.tensors)
        for name in ("relu1_1", "relu2_1"):
            np.testing.assert_allclose(features[name][0].numpy(), reference[name],
                                       rtol=1e-4, atol=1e-4, err_msg=name)
        weights = {"content": 5.0, "style": 100.0, "tv": 1e-3}
        objective = StyleObjective(net, as_torch(content), as_torch(style), ["relu2_1"],
                                   ["relu1_1", "relu2_1"], weights)
        total, terms = objective(as_torch(x))
        expected = naive_objective(x, content, style, self.tensors, weights)
        self.assertAlmostEqual(float(total) / expected, 1.0, places=4)
        self.assertAlmostEqual(float(terms["total"]), float(total), places=3)

    def test_lbfgs_stepped_once_per_iteration_follows_lbfgs_lua(self):
        rng = np.random.default_rng(2)
        basis = rng.standard_normal((8, 8))
        a_matrix = basis @ basis.T + 8 * np.eye(8)
        b = rng.standard_normal(8) * 10
        x0 = rng.standard_normal(8) * 5

        def f_and_grad(v):
            return 0.5 * v @ a_matrix @ v - b @ v, a_matrix @ v - b

        expected, expected_evals = lbfgs_lua(f_and_grad, x0.copy(), 8, history=5)
        x = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
        a_t, b_t = torch.tensor(a_matrix), torch.tensor(b)
        optimizer = torch.optim.LBFGS([x], lr=1, max_iter=1, history_size=5,
                                      line_search_fn=None, tolerance_grad=-1,
                                      tolerance_change=-1)
        evaluations = [0]

        def closure():
            optimizer.zero_grad()
            loss = 0.5 * x @ a_t @ x - b_t @ x
            loss.backward()
            evaluations[0] += 1
            return loss

        for _ in range(8):
            optimizer.step(closure)
        self.assertEqual(evaluations[0], expected_evals)
        np.testing.assert_allclose(x.detach().numpy(), expected, rtol=1e-9, atol=1e-9)

    def test_peer_style_runs_end_to_end_on_the_cpu(self):
        out = os.path.join(self.dir.name, "peer.json")
        result = subprocess.run(
            [sys.executable, os.path.join(HERE, "peer_style.py"), "--weights", self.weights,
             "--size", "16", "20", "--iterations", "3", "--warmup", "1", "--device", "cpu",
             "--content-layers", "relu2_1", "--style-layers", "relu1_1,relu2_1",
             "--precision", "fp32", "--json", out],
            capture_output=True, text=True, timeout=300, check=False)
        self.assertEqual(result.returncode, 0, result.stderr)
        with open(out, encoding="utf-8") as f:
            report = json.load(f)
        self.assertEqual([r["image_size"] for r in report["runs"]], [16, 20])
        for run in report["runs"]:
            self.assertEqual(run["evaluations"], 4)
            self.assertGreater(run["seconds_per_iteration"], 0)
            self.assertLess(run["final_losses"]["total"], run["first_losses"]["total"])
            self.assertEqual(run["shape"], [1, 3, run["image_size"], run["image_size"]])


if __name__ == "__main__":
    unittest.main()
