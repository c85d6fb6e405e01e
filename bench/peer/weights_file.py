"""Reads an nsrg-engine weights file (.safetensors) into numpy arrays and parses its
nsrg.architecture and nsrg.preprocess metadata.

Uses the `safetensors` package when it is importable; otherwise parses the format itself:
8-byte little-endian header length, a JSON header (tensor entries with dtype, shape and
data_offsets, plus a __metadata__ table of strings), then the raw little-endian data.
Every length, offset and shape is checked against the file before it is used.
"""
import json
import os
import struct

import numpy as np

_MAX_HEADER_BYTES = 100 * 1024 * 1024
_DTYPE_BYTES = {"F32": 4, "F16": 2, "BF16": 2}


class WeightsError(ValueError):
    """A weights file that is missing, malformed or not an nsrg-engine model."""


def _bf16_to_f32(raw):
    bits = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16
    return bits.view(np.float32)


def _decode_tensor(path, name, entry, data, data_start):
    if not isinstance(entry, dict):
        raise WeightsError(f"{path}: tensor {name}: header entry is not an object")
    dtype = entry.get("dtype")
    if dtype not in _DTYPE_BYTES:
        raise WeightsError(f"{path}: tensor {name}: unsupported dtype {dtype!r}")
    shape = entry.get("shape")
    if not isinstance(shape, list) or not all(isinstance(d, int) and d >= 0 for d in shape):
        raise WeightsError(f"{path}: tensor {name}: bad shape {shape!r}")
    offsets = entry.get("data_offsets")
    if (not isinstance(offsets, list) or len(offsets) != 2
            or not all(isinstance(o, int) for o in offsets)):
        raise WeightsError(f"{path}: tensor {name}: bad data_offsets {offsets!r}")
    begin, end = offsets
    available = len(data) - data_start
    if not 0 <= begin <= end <= available:
        raise WeightsError(f"{path}: tensor {name}: data_offsets {offsets} outside the "
                           f"{available} data bytes")
    count = int(np.prod(shape, dtype=np.int64)) if shape else 1
    if end - begin != count * _DTYPE_BYTES[dtype]:
        raise WeightsError(f"{path}: tensor {name}: {end - begin} bytes for shape {shape} "
                           f"of {dtype}")
    raw = data[data_start + begin:data_start + end]
    if dtype == "F32":
        values = np.frombuffer(raw, dtype="<f4").astype(np.float32)
    elif dtype == "F16":
        values = np.frombuffer(raw, dtype="<f2").astype(np.float32)
    else:
        values = _bf16_to_f32(raw)
    return values.reshape(shape)


def read_safetensors_numpy(path):
    """Our own reader: returns (metadata dict of strings, {name: float32 ndarray})."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise WeightsError(f"{path}: cannot read: {e.strerror}") from e
    if len(data) < 8:
        raise WeightsError(f"{path}: too short for a safetensors file ({len(data)} bytes)")
    (header_len,) = struct.unpack("<Q", data[:8])
    if header_len > min(_MAX_HEADER_BYTES, len(data) - 8):
        raise WeightsError(f"{path}: header length {header_len} does not fit the file")
    try:
        header = json.loads(data[8:8 + header_len].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise WeightsError(f"{path}: header is not valid JSON: {e}") from e
    if not isinstance(header, dict):
        raise WeightsError(f"{path}: header is not a JSON object")
    metadata = header.pop("__metadata__", {}) or {}
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise WeightsError(f"{path}: __metadata__ must map names to strings")
    tensors = {name: _decode_tensor(path, name, entry, data, 8 + header_len)
               for name, entry in header.items()}
    return metadata, tensors


def read_safetensors_package(path):
    """The same through the `safetensors` package (raises ImportError when it is absent)."""
    from safetensors import safe_open  # pylint: disable=import-outside-toplevel
    try:
        with safe_open(path, framework="numpy") as f:
            metadata = dict(f.metadata() or {})
            tensors = {name: np.asarray(f.get_tensor(name), dtype=np.float32)
                       for name in f.keys()}
    except Exception as e:  # the package raises its own SafetensorError types
        raise WeightsError(f"{path}: {e}") from e
    return metadata, tensors


def read_safetensors(path):
    """(metadata, tensors, reader name): through the package if importable, else our own."""
    if not os.path.isfile(path):
        raise WeightsError(f"{path}: weights file not found (make one with "
                           "nsrg-bench --export-weights OUT.safetensors)")
    try:
        metadata, tensors = read_safetensors_package(path)
        return metadata, tensors, "safetensors package"
    except ImportError:
        metadata, tensors = read_safetensors_numpy(path)
        return metadata, tensors, "own numpy reader"


def _pair(path, layer, key, value):
    if (isinstance(value, list) and len(value) == 2
            and all(isinstance(v, int) and v >= 0 for v in value)):
        return tuple(value)
    raise WeightsError(f"{path}: layer {layer}: {key} must be two whole numbers, got {value!r}")


def parse_architecture(path, text):
    """nsrg.architecture JSON -> list of layer dicts with name, type and (for conv and
    pools) out, kernel, stride, pad, ceil."""
    try:
        entries = json.loads(text)
    except json.JSONDecodeError as e:
        raise WeightsError(f"{path}: nsrg.architecture is not valid JSON: {e}") from e
    if not isinstance(entries, list) or not entries:
        raise WeightsError(f"{path}: nsrg.architecture must be a non-empty JSON list")
    layers, seen = [], set()
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise WeightsError(f"{path}: nsrg.architecture entry without a name: {entry!r}")
        name, kind = entry["name"], entry.get("type")
        if name in seen:
            raise WeightsError(f"{path}: layer {name} appears twice")
        seen.add(name)
        layer = {"name": name, "type": kind}
        if kind == "conv":
            out = entry.get("out")
            if not isinstance(out, int) or out <= 0:
                raise WeightsError(f"{path}: layer {name}: out must be a positive number")
            layer["out"] = out
        if kind in ("conv", "maxpool", "avgpool"):
            layer["kernel"] = _pair(path, name, "kernel", entry.get("kernel"))
            layer["stride"] = _pair(path, name, "stride", entry.get("stride", [1, 1]))
            layer["pad"] = _pair(path, name, "pad", entry.get("pad", [0, 0]))
            layer["ceil"] = bool(entry.get("ceil", False))
        elif kind != "relu":
            raise WeightsError(f"{path}: layer {name}: unknown type {kind!r}")
        layers.append(layer)
    return layers


def parse_preprocess(path, text):
    """nsrg.preprocess JSON -> {"bgr": bool, "scale": float, "mean": [3 floats],
    "std": [3 floats]} (std is optional in the file: 1 for every channel)."""
    try:
        p = json.loads(text)
    except json.JSONDecodeError as e:
        raise WeightsError(f"{path}: nsrg.preprocess is not valid JSON: {e}") from e
    order = p.get("order") if isinstance(p, dict) else None
    mean = p.get("mean") if isinstance(p, dict) else None
    if order not in ("bgr", "rgb") or not isinstance(mean, list) or len(mean) != 3:
        raise WeightsError(f"{path}: nsrg.preprocess needs order bgr|rgb and three means")
    std = p.get("std", [1.0, 1.0, 1.0])
    if not isinstance(std, list) or len(std) != 3 or not all(float(s) > 0 for s in std):
        raise WeightsError(f"{path}: nsrg.preprocess 'std' must be three positive numbers")
    return {"bgr": order == "bgr", "scale": float(p.get("scale", 255.0)),
            "mean": [float(m) for m in mean], "std": [float(s) for s in std]}


def load_model(path):
    """The model in a weights file: (layers, preprocess, tensors, source, reader name).
    Checks that every conv layer has weight [out, in, kh, kw] and bias [out] tensors."""
    metadata, tensors, reader = read_safetensors(path)
    if "nsrg.architecture" not in metadata:
        raise WeightsError(f"{path}: no nsrg.architecture metadata: not an nsrg-engine "
                           "weights file")
    layers = parse_architecture(path, metadata["nsrg.architecture"])
    preprocess = parse_preprocess(path, metadata.get(
        "nsrg.preprocess", '{"order":"bgr","scale":255,"mean":[103.939,116.779,123.68]}'))
    channels = 3
    for layer in layers:
        if layer["type"] != "conv":
            continue
        name = layer["name"]
        expected = {f"{name}.weight": (layer["out"], channels) + layer["kernel"],
                    f"{name}.bias": (layer["out"],)}
        for key, shape in expected.items():
            if key not in tensors:
                raise WeightsError(f"{path}: tensor {key} is missing")
            if tuple(tensors[key].shape) != shape:
                raise WeightsError(f"{path}: tensor {key} has shape "
                                   f"{list(tensors[key].shape)}, expected {list(shape)}")
        channels = layer["out"]
    return layers, preprocess, tensors, metadata.get("nsrg.source", ""), reader


def truncate_after(path, layers, wanted_names):
    """The layers up to the last one named in wanted_names; error if a name is missing."""
    names = [layer["name"] for layer in layers]
    for wanted in wanted_names:
        if wanted not in names:
            raise WeightsError(f"{path}: no layer {wanted!r} in the network")
    last = max(names.index(w) for w in wanted_names)
    return layers[:last + 1]
