"""The PyTorch half of the peer: a VGG built from an nsrg-engine weights file (the layers
of its nsrg.architecture, the weights as stored) and the neural-style objective of
docs/design.md's numerical contract:

  content: w_c * mean((F - P)^2) per content layer
  style:   w_s * mean((G - A)^2) per style layer, G = F F^T / (C H W)
  tv:      (w_tv / 2) * sum over the top-left (H-1)x(W-1) block of the squared right and
           down differences (every channel)
"""
import numpy as np
import torch
import torch.nn.functional as F


def preprocess_image(rgb, preprocess, device):
    """uint8 [H, W, 3] RGB -> float32 [1, 3, H, W] in the network's input space."""
    x = torch.from_numpy(np.ascontiguousarray(rgb)).to(torch.float32) / 255.0
    if preprocess["bgr"]:
        x = x[:, :, [2, 1, 0]]
    x = x * preprocess["scale"] - torch.tensor(preprocess["mean"], dtype=torch.float32)
    x = x / torch.tensor(preprocess.get("std", [1.0, 1.0, 1.0]), dtype=torch.float32)
    return x.permute(2, 0, 1).unsqueeze(0).contiguous().to(device)


def resize_longest_side(x, size):
    """[1, 3, H, W] resized (bicubic, antialiased) so that its longest side is `size`."""
    height, width = x.shape[2], x.shape[3]
    if max(height, width) == size:
        return x
    scale = size / max(height, width)
    shape = (max(1, round(height * scale)), max(1, round(width * scale)))
    return F.interpolate(x, size=shape, mode="bicubic", antialias=True, align_corners=False)


class FeatureNet:
    """The network's layers in order; forward() returns the activations of `wanted`."""

    def __init__(self, layers, tensors, device, wanted):
        self.layers = layers
        self.wanted = set(wanted)
        self.params = {}
        for layer in layers:
            if layer["type"] == "conv":
                name = layer["name"]
                self.params[name] = (  # torch.tensor copies (the arrays may be read-only)
                    torch.tensor(tensors[name + ".weight"], dtype=torch.float32, device=device),
                    torch.tensor(tensors[name + ".bias"], dtype=torch.float32, device=device))

    def parameter_bytes(self):
        return sum(w.numel() * 4 + b.numel() * 4 for w, b in self.params.values())

    def forward(self, x):
        features = {}
        previous = None
        for layer in self.layers:
            kind, name = layer["type"], layer["name"]
            if kind == "conv":
                weight, bias = self.params[name]
                x = F.conv2d(x, weight, bias, stride=layer["stride"], padding=layer["pad"])
            elif kind == "relu":
                # In place on a conv output nobody else keeps (the usual PyTorch idiom).
                in_place = (previous is not None and previous["type"] == "conv"
                            and previous["name"] not in self.wanted)
                x = F.relu(x, inplace=in_place)
            elif kind == "maxpool":
                x = F.max_pool2d(x, layer["kernel"], layer["stride"], layer["pad"],
                                 ceil_mode=layer["ceil"])
            else:  # avgpool
                x = F.avg_pool2d(x, layer["kernel"], layer["stride"], layer["pad"],
                                 ceil_mode=layer["ceil"], count_include_pad=True)
            if name in self.wanted:
                features[name] = x
            previous = layer
        return features


def gram_matrix(features):
    """G = F F^T / (C H W) with F the [C, H*W] view of a [1, C, H, W] activation."""
    _, channels, height, width = features.shape
    matrix = features.reshape(channels, height * width)
    return (matrix @ matrix.t()) / float(channels * height * width)


def total_variation(x, weight):
    """(weight / 2) * sum over the top-left (H-1)x(W-1) block of right and down
    differences squared."""
    corner = x[:, :, :-1, :-1]
    right = corner - x[:, :, :-1, 1:]
    down = corner - x[:, :, 1:, :-1]
    return 0.5 * weight * ((right * right).sum() + (down * down).sum())


class StyleObjective:
    """Targets are captured once at construction; calling it gives (total, terms)."""

    def __init__(self, net, content, style, content_layers, style_layers, weights):
        self.net = net
        self.content_layers = list(content_layers)
        self.style_layers = list(style_layers)
        self.weights = weights
        with torch.no_grad():
            content_features = net.forward(content)
            self.content_targets = {name: content_features[name].detach().clone()
                                    for name in self.content_layers}
            del content_features
            style_features = net.forward(style)
            self.style_targets = {name: gram_matrix(style_features[name]).detach()
                                  for name in self.style_layers}

    def __call__(self, x):
        features = self.net.forward(x)
        content = sum(self.weights["content"] * F.mse_loss(features[name], target)
                      for name, target in self.content_targets.items())
        style = sum(self.weights["style"] * F.mse_loss(gram_matrix(features[name]), target)
                    for name, target in self.style_targets.items())
        tv = total_variation(x, self.weights["tv"])
        total = content + style + tv
        return total, {"total": total, "content": content, "style": style, "tv": tv}
