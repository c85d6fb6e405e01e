#!/usr/bin/env python3
"""Tests of the peer comparison's parts that need only numpy: the weights-file reader, the
PNG reader and writer, the random images, compare_report.py and peer_style.py's options.
Run: python3 bench/peer/test_peer_numpy.py  (the torch half: test_peer_torch.py)."""
import json
import os
import struct
import subprocess
import sys
import tempfile
import unittest
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD_DIR = os.environ.get("NSRG_BUILD_DIR", os.path.join(HERE, "..", "..", "build"))
sys.path.insert(0, HERE)
# pylint: disable=wrong-import-position
import compare_report  # noqa: E402
import png_io  # noqa: E402
import random_images  # noqa: E402
import weights_file  # noqa: E402

TINY_ARCHITECTURE = [
    {"name": "conv1_1", "type": "conv", "out": 4, "kernel": [3, 3], "stride": [1, 1],
     "pad": [1, 1]},
    {"name": "relu1_1", "type": "relu"},
    {"name": "pool1", "type": "maxpool", "kernel": [2, 2], "stride": [2, 2], "pad": [0, 0],
     "ceil": False},
    {"name": "conv2_1", "type": "conv", "out": 5, "kernel": [3, 3], "stride": [1, 1],
     "pad": [1, 1]},
    {"name": "relu2_1", "type": "relu"},
]
PREPROCESS = '{"order":"bgr","scale":255,"mean":[103.939,116.779,123.68]}'


def write_safetensors(path, tensors, metadata, dtypes=None):
    """An independent writer: tensors {name: float32 array}, dtypes {name: F32|F16|BF16}."""
    dtypes = dtypes or {}
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, array in tensors.items():
        dtype = dtypes.get(name, "F32")
        array = np.asarray(array, np.float32)
        if dtype == "F32":
            blob = array.astype("<f4").tobytes()
        elif dtype == "F16":
            blob = array.astype("<f2").tobytes()
        else:  # BF16: the top half of each float32 (values chosen to be exact)
            blob = (array.view(np.uint32) >> 16).astype("<u2").tobytes()
        header[name] = {"dtype": dtype, "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header).encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def tiny_tensors(seed=0):
    rng = np.random.default_rng(seed)
    return {"conv1_1.weight": rng.standard_normal((4, 3, 3, 3)).astype(np.float32),
            "conv1_1.bias": rng.standard_normal(4).astype(np.float32),
            "conv2_1.weight": rng.standard_normal((5, 4, 3, 3)).astype(np.float32),
            "conv2_1.bias": rng.standard_normal(5).astype(np.float32)}


def tiny_metadata():
    return {"nsrg.format": "1", "nsrg.architecture": json.dumps(TINY_ARCHITECTURE),
            "nsrg.preprocess": PREPROCESS, "nsrg.source": "test"}


class WeightsFileTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.dir.name, "tiny.safetensors")

    def tearDown(self):
        self.dir.cleanup()

    def test_own_reader_reads_every_dtype(self):
        tensors = tiny_tensors()
        tensors["conv1_1.bias"] = np.array([1.5, -2.0, 0.25, 3.0], np.float32)  # exact in bf16
        tensors["conv2_1.bias"] = np.array([0.5, 1.0, -1.5, 2.0, 4.0], np.float32)
        write_safetensors(self.path, tensors, tiny_metadata(),
                          {"conv1_1.bias": "BF16", "conv2_1.bias": "F16"})
        metadata, read = weights_file.read_safetensors_numpy(self.path)
        self.assertEqual(metadata["nsrg.source"], "test")
        for name, array in tensors.items():
            self.assertEqual(read[name].dtype, np.float32)
            np.testing.assert_array_equal(read[name], array, err_msg=name)

    def test_package_and_own_reader_agree(self):
        try:
            import safetensors  # noqa: F401  pylint: disable=import-outside-toplevel,unused-import
        except ImportError:
            self.skipTest("the safetensors package is not installed")
        write_safetensors(self.path, tiny_tensors(), tiny_metadata())
        own_meta, own = weights_file.read_safetensors_numpy(self.path)
        pkg_meta, pkg = weights_file.read_safetensors_package(self.path)
        self.assertEqual(own_meta, pkg_meta)
        self.assertEqual(sorted(own), sorted(pkg))
        for name in own:
            np.testing.assert_array_equal(own[name], pkg[name])

    def test_load_model_parses_architecture_and_preprocess(self):
        write_safetensors(self.path, tiny_tensors(), tiny_metadata())
        layers, preprocess, tensors, source, _ = weights_file.load_model(self.path)
        self.assertEqual([layer["name"] for layer in layers],
                         ["conv1_1", "relu1_1", "pool1", "conv2_1", "relu2_1"])
        self.assertEqual(layers[0]["kernel"], (3, 3))
        self.assertEqual(layers[2]["type"], "maxpool")
        self.assertFalse(layers[2]["ceil"])
        self.assertTrue(preprocess["bgr"])
        self.assertEqual(preprocess["mean"], [103.939, 116.779, 123.68])
        self.assertEqual(preprocess["std"], [1.0, 1.0, 1.0])
        self.assertEqual(source, "test")
        self.assertEqual(tensors["conv2_1.weight"].shape, (5, 4, 3, 3))
        kept = weights_file.truncate_after(self.path, layers, ["relu1_1"])
        self.assertEqual([layer["name"] for layer in kept], ["conv1_1", "relu1_1"])

    def test_rejects_bad_files(self):
        def expect_error(fragment):
            with self.assertRaises(weights_file.WeightsError) as caught:
                weights_file.load_model(self.path)
            self.assertIn(fragment, str(caught.exception))
            self.assertIn(self.path, str(caught.exception))

        tensors = tiny_tensors()
        tensors["conv2_1.weight"] = tensors["conv2_1.weight"][:, :3]
        write_safetensors(self.path, tensors, tiny_metadata())
        expect_error("conv2_1.weight has shape")
        del tensors["conv2_1.weight"]
        write_safetensors(self.path, tensors, tiny_metadata())
        expect_error("conv2_1.weight is missing")
        write_safetensors(self.path, tiny_tensors(), {"nsrg.format": "1"})
        expect_error("no nsrg.architecture")
        with open(self.path, "wb") as f:
            f.write(struct.pack("<Q", 1 << 40) + b"{}")
        with self.assertRaises(weights_file.WeightsError):
            weights_file.read_safetensors_numpy(self.path)
        header = json.dumps({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 64]}})
        with open(self.path, "wb") as f:
            f.write(struct.pack("<Q", len(header)) + header.encode() + bytes(16))
        with self.assertRaises(weights_file.WeightsError) as caught:
            weights_file.read_safetensors_numpy(self.path)
        self.assertIn("outside", str(caught.exception))
        with self.assertRaises(weights_file.WeightsError):
            weights_file.truncate_after(self.path, [{"name": "conv1_1"}], ["relu9_9"])
        with self.assertRaises(weights_file.WeightsError):
            weights_file.read_safetensors(os.path.join(self.dir.name, "missing.safetensors"))


def filtered_png(pixels, filters):
    """An independent PNG encoder that applies filter filters[y] to row y (RGB, 8-bit)."""
    height, width, _ = pixels.shape
    bpp, raw = 3, b""
    rows = pixels.reshape(height, width * 3).astype(np.int32)
    for y in range(height):
        row, prior = rows[y], rows[y - 1] if y > 0 else np.zeros(width * 3, np.int32)
        left = np.concatenate([np.zeros(bpp, np.int32), row[:-bpp]])
        up_left = np.concatenate([np.zeros(bpp, np.int32), prior[:-bpp]])
        kind = filters[y]
        if kind == 0:
            out = row
        elif kind == 1:
            out = row - left
        elif kind == 2:
            out = row - prior
        elif kind == 3:
            out = row - (left + prior) // 2
        else:
            p = left + prior - up_left
            pa, pb, pc = np.abs(p - left), np.abs(p - prior), np.abs(p - up_left)
            predictor = np.where((pa <= pb) & (pa <= pc), left, np.where(pb <= pc, prior, up_left))
            out = row - predictor
        raw += bytes([kind]) + (out & 0xFF).astype(np.uint8).tobytes()

    def chunk(kind, payload):
        return (struct.pack(">I", len(payload)) + kind + payload
                + struct.pack(">I", zlib.crc32(kind + payload)))

    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


class PngTest(unittest.TestCase):
    def test_write_then_decode_round_trips(self):
        pixels = random_images.random_image(37, 5)[:, :29]
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "x.png")
            png_io.write_png(path, pixels)
            with open(path, "rb") as f:
                decoded = png_io.decode_png(f.read())
            np.testing.assert_array_equal(decoded, pixels)
            np.testing.assert_array_equal(png_io.read_image(path), pixels)

    def test_decoder_undoes_every_filter(self):
        pixels = random_images.random_image(20, 9)
        filters = [y % 5 for y in range(20)]
        decoded = png_io.decode_png(filtered_png(pixels, filters))
        np.testing.assert_array_equal(decoded, pixels)

    def test_decoder_rejects_garbage(self):
        with self.assertRaises(png_io.ImageError):
            png_io.decode_png(b"GIF89a....")
        blob = bytearray(filtered_png(random_images.random_image(8, 1), [0] * 8))
        with self.assertRaises(png_io.ImageError):
            png_io.decode_png(bytes(blob[:40]))

    def test_decoder_matches_pillow_on_example_images(self):
        try:
            from PIL import Image  # pylint: disable=import-outside-toplevel
        except ImportError:
            self.skipTest("Pillow is not installed")
        folder = os.path.join(HERE, "..", "..", "examples", "images")
        for name in ("chelsea.png", "gravel.png"):
            path = os.path.join(folder, name)
            with open(path, "rb") as f:
                ours = png_io.decode_png(f.read(), path)
            with Image.open(path) as image:
                theirs = np.asarray(image.convert("RGB"))
            np.testing.assert_array_equal(ours, theirs, err_msg=name)


class ImageDiffTest(unittest.TestCase):
    """image_diff.py's thresholds decide its exit status (the GPU check's render verdict)."""

    def run_diff(self, shift, loss_b, extra=()):
        base = np.full((8, 8, 3), 100, np.uint8)
        with tempfile.TemporaryDirectory() as folder:
            paths = [os.path.join(folder, f"{n}.png") for n in "ab"]
            png_io.write_png(paths[0], base)
            png_io.write_png(paths[1], base + np.uint8(shift))
            summaries = []
            for name, loss in (("a", 100.0), ("b", loss_b)):
                summaries.append(os.path.join(folder, f"{name}.json"))
                with open(summaries[-1], "w", encoding="utf-8") as f:
                    json.dump({"images": [{"final_losses": {"total": loss}}]}, f)
            return subprocess.run(
                [sys.executable, os.path.join(HERE, "image_diff.py"), *paths, "--summaries",
                 *summaries, *extra], capture_output=True, text=True, check=False)

    def test_within_thresholds_passes(self):
        result = self.run_diff(9, 103.0)  # mean 9/255 and 2.9%: at or under the defaults
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("PASS", result.stdout)

    def test_over_either_threshold_fails(self):
        for shift, loss_b in ((10, 100.0), (0, 103.5)):
            result = self.run_diff(shift, loss_b)
            self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
            self.assertIn("FAIL", result.stdout)
        self.assertEqual(self.run_diff(10, 100.0, ["--max-mean-difference", "11"]).returncode, 0)


class RandomImagesTest(unittest.TestCase):
    def test_seeded_and_distinct(self):
        a, b = random_images.content_and_style(32, 1)
        again, _ = random_images.content_and_style(32, 1)
        np.testing.assert_array_equal(a, again)
        self.assertEqual(a.shape, (32, 32, 3))
        self.assertEqual(a.dtype, np.uint8)
        self.assertGreater(np.abs(a.astype(int) - b.astype(int)).mean(), 50)

    def test_files_match_the_in_memory_images(self):
        with tempfile.TemporaryDirectory() as folder:
            self.assertEqual(random_images.main([folder, "--sizes", "24", "--seed", "3"]), 0)
            content_path, style_path = random_images.image_paths(folder, 24)
            content, style = random_images.content_and_style(24, 3)
            np.testing.assert_array_equal(png_io.read_image(content_path), content)
            np.testing.assert_array_equal(png_io.read_image(style_path), style)


def progress_line(k, n, rate):
    return (f"iter {k}/{n}  total 1.2345e+06  content 1.000e+05  style 1.000e+06  "
            f"tv 1.000e+02  {rate:.2f} it/s  ETA 0s\n")


class CompareReportTest(unittest.TestCase):
    def test_rows_ratio_losses_and_memory(self):
        with tempfile.TemporaryDirectory() as work:
            summary = {"backend": "cuda: test", "images": [{
                "seconds_per_iteration": 0.05, "evaluations": 60,
                "history": [{"iteration": 1, "total": 100.0}, {"iteration": 60, "total": 10.0}],
                "final_losses": {"total": 10.0}}]}
            with open(os.path.join(work, "engine_256_fp32.json"), "w") as f:
                json.dump(summary, f)
            with open(os.path.join(work, "engine_256_fp32.log"), "w") as f:
                f.write(progress_line(1, 60, 0) + progress_line(60, 60, 25.0) + "saved x\n")
            peer = {"date": "2026-01-01", "device": "GPU", "runs": [{
                "image_size": 256, "precision": "fp32", "seconds_per_iteration": 0.08,
                "evaluations": 60, "peak_memory_bytes": 3 * 2**20,
                "first_losses": {"total": 101.0}, "final_losses": {"total": 11.0}}]}
            with open(os.path.join(work, "peer.json"), "w") as f:
                json.dump(peer, f)
            bench_path = os.path.join(work, "bench.json")
            with open(bench_path, "w") as f:
                json.dump({"sizes": [{"image_size": 256, "peak_memory_bytes": 2**21}]}, f)
            out = os.path.join(work, "report.json")
            self.assertEqual(compare_report.main(
                [work, "--out", out, "--sizes", "256", "512", "--precisions", "fp32",
                 "--bench-json", f"fp32={bench_path}"]), 0)
            with open(out) as f:
                report = json.load(f)
        first, missing = report["rows"]
        self.assertAlmostEqual(first["engine_steady_seconds_per_iteration"], 0.04)
        self.assertAlmostEqual(first["ratio_peer_over_engine"], 2.0)
        self.assertEqual(first["ratio_basis"], "engine steady rate")
        self.assertAlmostEqual(first["first_loss_relative_difference"], 1.0 / 101.0)
        self.assertAlmostEqual(first["final_loss_relative_difference"], 1.0 / 11.0)
        self.assertEqual(first["engine_peak_memory_bytes"], 2**21)
        self.assertEqual(first["engine_peak_memory_source"], "nsrg-bench")
        self.assertIsNone(missing["engine_seconds_per_iteration"])
        self.assertIsNone(missing["ratio_peer_over_engine"])
        self.assertEqual(report["device"], "GPU")
        self.assertEqual(len(report["table"]), 3)

    def test_steady_rate_ignores_other_lines(self):
        with tempfile.TemporaryDirectory() as work:
            log = os.path.join(work, "x.log")
            with open(log, "w") as f:
                f.write(progress_line(1, 10, 0) + progress_line(5, 10, 8.0))
            self.assertIsNone(compare_report.steady_seconds_per_iteration(log))
            self.assertIsNone(compare_report.steady_seconds_per_iteration(log + ".missing"))


def numpy_preprocess(rgb, preprocess):
    """uint8 [H, W, 3] RGB -> float64 [3, H, W] network input."""
    x = rgb.astype(np.float64) / 255
    if preprocess["bgr"]:
        x = x[:, :, ::-1]
    x = (x * preprocess["scale"] - np.array(preprocess["mean"])) / np.array(preprocess["std"])
    return x.transpose(2, 0, 1)


def numpy_features(layers, tensors, x, wanted):
    """An independent float64 forward pass (im2col + einsum) of a weights file's network."""
    features = {}
    for layer in layers:
        if layer["type"] == "conv":
            weight = tensors[layer["name"] + ".weight"].astype(np.float64)
            pad, (kh, kw) = layer["pad"][0], layer["kernel"]
            channels, height, width = x.shape
            padded = np.pad(x, ((0, 0), (pad, pad), (pad, pad)))
            columns = np.stack([padded[:, i:i + height, j:j + width]
                                for i in range(kh) for j in range(kw)], axis=1)
            x = (np.einsum("ckhw,dck->dhw", columns, weight.reshape(len(weight), channels, -1))
                 + tensors[layer["name"] + ".bias"][:, None, None])
        elif layer["type"] == "relu":
            x = np.maximum(x, 0)
        else:  # the 2x2 stride-2 max pooling of VGG
            channels, height, width = x.shape
            x = x[:, :height // 2 * 2, :width // 2 * 2].reshape(
                channels, height // 2, 2, width // 2, 2).max(axis=(2, 4))
        if layer["name"] in wanted:
            features[layer["name"]] = x
    return features


def numpy_gram(f):
    matrix = f.reshape(f.shape[0], -1)
    return matrix @ matrix.T / f.size


@unittest.skipUnless(os.path.exists(os.path.join(BUILD_DIR, "nsrg-engine"))
                     and os.path.exists(os.path.join(BUILD_DIR, "nsrg-bench")),
                     f"no nsrg-engine and nsrg-bench in {BUILD_DIR} (set NSRG_BUILD_DIR)")
class EngineObjectiveTest(unittest.TestCase):
    """The objective the peer implements equals the engine's: the engine's first loss (at
    its N(0,1) * 0.001 initial image) against a numpy evaluation at the zero image, on the
    weights file the engine exports and the random images compare.sh gives both."""

    def test_first_losses_match_an_independent_numpy_objective(self):
        with tempfile.TemporaryDirectory() as work:
            weights = os.path.join(work, "vgg.safetensors")
            subprocess.run([os.path.join(BUILD_DIR, "nsrg-bench"), "--export-weights", weights],
                           check=True, capture_output=True, timeout=120)
            random_images.main([work, "--sizes", "32"])
            content_path, style_path = random_images.image_paths(work, 32)
            config = os.path.join(work, "c.toml")
            with open(config, "w") as f:
                f.write(f'backend = "cpu"\nimage_size = 32\nmodel = "{weights}"\n'
                        f'[content]\nimage = "{content_path}"\n'
                        f'[style]\nimages = ["{style_path}"]\n'
                        '[optimizer]\niterations = 1\n'
                        f'[output]\npath = "{work}/out.png"\ncontact_sheet = false\n')
            subprocess.run([os.path.join(BUILD_DIR, "nsrg-engine"), config], check=True,
                           capture_output=True, timeout=120)
            with open(os.path.join(work, "out.json")) as f:
                engine = json.load(f)["images"][0]["history"][0]
            layers, preprocess, tensors, _, _ = weights_file.load_model(weights)
            style_layers = ["relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1"]
            layers = weights_file.truncate_after(weights, layers, style_layers + ["relu4_2"])
            content, style = (numpy_preprocess(image, preprocess)
                              for image in random_images.content_and_style(32, 1))
            fx = numpy_features(layers, tensors, np.zeros((3, 32, 32)),
                                style_layers + ["relu4_2"])
            fc = numpy_features(layers, tensors, content, ["relu4_2"])
            fs = numpy_features(layers, tensors, style, style_layers)
        content_loss = 5 * np.mean((fx["relu4_2"] - fc["relu4_2"]) ** 2)
        style_loss = sum(100 * np.mean((numpy_gram(fx[n]) - numpy_gram(fs[n])) ** 2)
                         for n in style_layers)
        self.assertAlmostEqual(engine["content"] / content_loss, 1.0, places=3)
        self.assertAlmostEqual(engine["style"] / style_loss, 1.0, places=3)
        self.assertLess(engine["tv"], 1e-3)


class PeerOptionsTest(unittest.TestCase):
    def run_peer(self, *args):
        return subprocess.run([sys.executable, os.path.join(HERE, "peer_style.py"), *args],
                              capture_output=True, text=True, timeout=60, check=False)

    def test_help_names_the_export_flag(self):
        result = self.run_peer("--help")
        self.assertEqual(result.returncode, 0)
        self.assertIn("--export-weights", result.stdout)

    def test_missing_weights_file_is_a_one_line_error(self):
        result = self.run_peer("--weights", "/nonexistent/w.safetensors", "--device", "cpu")
        self.assertEqual(result.returncode, 2)
        self.assertIn("/nonexistent/w.safetensors", result.stderr)
        self.assertEqual(len(result.stderr.strip().splitlines()), 1)

    def test_bad_size_is_rejected(self):
        result = self.run_peer("--weights", "w", "--size", "8")
        self.assertEqual(result.returncode, 2)
        self.assertIn("--size", result.stderr)


if __name__ == "__main__":
    unittest.main()
