#!/usr/bin/env python3
"""Writes the small .pth fixtures of tests/convert_torch with real PyTorch (torch.save), and
expected.json with every fixture's tensors (name, dtype, shape, values in row-major order),
which the C++ tests compare with what convert_torch's reader gathers.

Run once in a throwaway venv (pip install torch), outside the repository:
    python3 -m venv /tmp/torchvenv && /tmp/torchvenv/bin/pip install torch
    /tmp/torchvenv/bin/python tests/convert_torch/make_fixtures.py
The fixtures are committed; the tests do not need PyTorch.
"""
import collections
import json
import os
import sys

import torch

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")


def ramp(*shape, start=0.0, dtype=torch.float32):
    """Distinct, exactly representable values: start + 0.25 * index (fp16-exact here)."""
    count = 1
    for size in shape:
        count *= size
    return (start + 0.25 * torch.arange(count, dtype=torch.float32)).reshape(shape).to(dtype)


class TinyVgg(torch.nn.Module):
    """A VGG-shaped toy in torchvision's layout: features.{0,2} conv, classifier.0 linear."""

    def __init__(self):
        super().__init__()
        self.features = torch.nn.Sequential(
            torch.nn.Conv2d(3, 4, 3, padding=1), torch.nn.ReLU(inplace=True),
            torch.nn.Conv2d(4, 2, 3, padding=1), torch.nn.ReLU(inplace=True),
            torch.nn.MaxPool2d(2, 2))
        self.classifier = torch.nn.Sequential(torch.nn.Linear(2, 3))
        with torch.no_grad():
            for i, p in enumerate(self.parameters()):
                p.copy_(ramp(*p.shape, start=-8.0 + i))


class ForeignGlobal:
    """Pickles as a call of os.system: what a malicious checkpoint would hold."""

    def __reduce__(self):
        return (os.system, ("echo this must never run",))


def fixtures():
    tiny = TinyVgg().state_dict()  # an OrderedDict with _metadata (BUILD)
    yield "tiny_features.pth", tiny, {}

    caffe_names = collections.OrderedDict()
    caffe_names["conv1_1.weight"] = ramp(4, 3, 3, 3, start=-3.0)
    caffe_names["conv1_1.bias"] = ramp(4, start=1.0)
    caffe_names["fc6.weight"] = ramp(2, 4, start=0.5)
    yield "tiny_caffe_names.pth", caffe_names, {}

    half = collections.OrderedDict(
        (name, value.to(torch.float16)) for name, value in tiny.items())
    yield "tiny_float16.pth", half, {}

    base = ramp(4, 6, start=-2.0)
    weight = ramp(2, 3, 3, 3, start=1.0)
    strided = collections.OrderedDict()
    strided["transposed"] = base.t()                       # strides (1, 6)
    strided["sliced"] = base[1:3, 2:5]                     # offset 8, strides (6, 1)
    strided["every_other"] = base[:, ::2]                  # strides (6, 2)
    strided["channels_last"] = weight.contiguous(memory_format=torch.channels_last)
    strided["expanded"] = ramp(3, start=5.0).unsqueeze(0).expand(2, 3)  # stride 0
    strided["half_transposed"] = base.to(torch.float16).t()
    yield "tiny_strided.pth", strided, {}

    yield "tiny_legacy.pth", tiny, {"_use_new_zipfile_serialization": False}
    yield "tiny_legacy_strided.pth", strided, {"_use_new_zipfile_serialization": False}

    evil = collections.OrderedDict()
    evil["features.0.weight"] = ramp(1, 3, 1, 1)
    evil["payload"] = ForeignGlobal()
    yield "foreign_global.pth", evil, {}


def main():
    os.makedirs(HERE, exist_ok=True)
    expected = {"torch_version": torch.__version__, "fixtures": {}}
    for name, state, save_options in fixtures():
        torch.save(state, os.path.join(HERE, name), **save_options)
        tensors = []
        for key, value in state.items():
            if not isinstance(value, torch.Tensor):
                continue
            tensors.append({"name": key, "dtype": str(value.dtype).replace("torch.", ""),
                            "shape": list(value.shape),
                            "stride": list(value.stride()),
                            "values": [float(v) for v in value.float().flatten().tolist()]})
        expected["fixtures"][name] = tensors
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")
    print(f"wrote {len(expected['fixtures'])} fixtures with torch {torch.__version__}")


if __name__ == "__main__":
    sys.exit(main())
