'''The exported PyTorch script: a short, runnable file rebuilding the network with its weights.

Each weight-free layer becomes the torch module its entry in engine.layer_types names
(``pytorch``); conv2d and dense are built here, with their weights copied.

The weights travel inside the script (a base64 zlib-compressed .npz, the same layouts as
docs/model-format.md), so the one file is all a user needs besides torch and numpy.
'''

from __future__ import annotations

import base64
import json
import zlib
from typing import Any

from engine import layer_types

TEMPLATE = '''\
"""nnplay model: {summary}.

Rebuilds the network in PyTorch with the exact weights it had in nnplay.
Run `python {filename}` (needs torch and numpy) to print the prediction for a blank image;
import it and call `build()` to get the torch.nn.Sequential.
Input: float32 tensors of shape (N, {c}, {h}, {w}) with values in [0, 1] (MNIST convention:
bright ink on a dark background).
"""

import base64
import io
import json
import zlib
from collections import OrderedDict

import numpy as np
import torch
from torch import nn

SPEC = json.loads({spec!r})
CLASS_NAMES = json.loads({class_names!r})
_WEIGHTS = (
{weights}
)


def load_weights():
    """name -> float32 array: conv W (F, C, k, k), dense W (in, out), biases (n,)."""
    data = zlib.decompress(base64.b64decode("".join(_WEIGHTS)))
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        return {{name: npz[name] for name in npz.files}}


class MinPool2d(nn.Module):
    def __init__(self, size, stride):
        super().__init__()
        self.pool = nn.MaxPool2d(size, stride)

    def forward(self, x):
        return -self.pool(-x)


class GlobalPool(nn.Module):
    def __init__(self, mode):
        super().__init__()
        self.mode = mode

    def forward(self, x):
        return x.amax(dim=(2, 3)) if self.mode == "max" else x.mean(dim=(2, 3))


# The torch module of each nnplay layer type without weights (nnplay's layer table).
MODULES = {{
{modules}
}}


def _padding(layer):
    if layer["padding"] == "same":
        return (layer["kernel"] - 1) // 2
    if layer["padding"] == "valid":
        return 0
    return int(layer["padding"])


def build(spec=SPEC, weights=None):
    """The network as torch.nn.Sequential (eval mode), layers named as in nnplay."""
    weights = load_weights() if weights is None else weights
    modules = OrderedDict()
    for layer in spec["layers"]:
        kind, name = layer["type"], layer["name"]
        if kind == "conv2d":
            w, b = weights[name + ".W"], weights[name + ".b"]
            module = nn.Conv2d(w.shape[1], w.shape[0], layer["kernel"], stride=layer["stride"],
                               padding=_padding(layer))
            module.weight.data = torch.from_numpy(w.copy())
            module.bias.data = torch.from_numpy(b.copy())
        elif kind == "dense":
            w, b = weights[name + ".W"], weights[name + ".b"]
            module = nn.Linear(w.shape[0], w.shape[1])
            module.weight.data = torch.from_numpy(w.T.copy())  # PyTorch keeps (out, in)
            module.bias.data = torch.from_numpy(b.copy())
        elif kind in MODULES:
            module = MODULES[kind](layer)
        else:
            raise ValueError("unknown layer type " + repr(kind))
        modules[name] = module
    return nn.Sequential(modules).eval()


if __name__ == "__main__":
    model = build()
    shape = SPEC["input"]
    x = torch.zeros(1, shape["channels"], shape["height"], shape["width"])
    with torch.no_grad():
        out = model(x)[0]
    best = int(out.argmax())
    label = CLASS_NAMES[best] if best < len(CLASS_NAMES) else str(best)
    print("output for a blank image:", [round(float(v), 4) for v in out])
    print("prediction:", label)
'''


def _modules() -> str:
    """``MODULES``'s entries: a lambda per weight-free type, from its ``pytorch`` expression."""
    return "\n".join(f"    {t.name!r}: lambda layer: {t.pytorch},"
                     for t in layer_types.TYPES if t.pytorch)


def render(spec: dict[str, Any], class_names: list[str], weights_npz: bytes,
           filename: str = "nnplay_model.py") -> str:
    """The script's text for a model whose weights are the npz bytes ``weights_npz`` (nothing
    of the session it came from: its id is a credential)."""
    packed = base64.b64encode(zlib.compress(weights_npz, 9)).decode("ascii")
    lines = [f'    "{packed[i:i + 96]}"' for i in range(0, len(packed), 96)] or ['    ""']
    kinds = " -> ".join(layer["type"] for layer in spec["layers"])
    inp = spec["input"]
    return TEMPLATE.format(
        summary=kinds, filename=filename, modules=_modules(), c=inp["channels"],
        h=inp["height"], w=inp["width"], spec=json.dumps(spec), class_names=json.dumps(
            class_names), weights="\n".join(lines))
