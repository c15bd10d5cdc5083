"""The exported PyTorch script rebuilds the same network with the same weights.

Needs torch (the `bench` extra): skipped on a laptop without it, a failure when
NNPLAY_REQUIRE_TORCH=1 (set by .ci/run, which installs the extra).
"""

import importlib.util
import os
import types

import numpy as np
import pytest

from tests.server.helpers import tensor

if importlib.util.find_spec("torch") is None and os.environ.get("NNPLAY_REQUIRE_TORCH") == "1":
    pytest.fail("torch is required for the PyTorch export test but is not installed",
                pytrace=False)
torch = pytest.importorskip("torch")

SPEC = {
    "input": {"channels": 1, "height": 28, "width": 28},
    "layers": [
        {"type": "conv2d", "filters": 4, "kernel": 3, "padding": "same"}, {"type": "leaky_relu"},
        {"type": "pool", "mode": "min", "size": 2}, {"type": "conv2d", "filters": 5, "kernel": 5,
                                                     "stride": 2, "padding": 1},
        {"type": "tanh"}, {"type": "pool", "mode": "avg", "size": 2, "stride": 1},
        {"type": "flatten"}, {"type": "dense", "units": 12}, {"type": "sigmoid"},
        {"type": "dropout", "rate": 0.3}, {"type": "linear"}, {"type": "dense", "units": 10},
        {"type": "softmax"},
    ],
}


def test_script_outputs_match_the_server(client):
    reply = client.post("/api/sessions", json={"spec": SPEC, "settings": {"dataset_size": 100}})
    assert reply.status_code == 201, reply.text
    sid = reply.json()["id"]
    script = client.get(f"/api/sessions/{sid}/export.py")
    assert script.status_code == 200
    module = types.ModuleType("nnplay_export")
    exec(compile(script.text, "nnplay_model.py", "exec"), module.__dict__)  # noqa: S102
    net = module.build()
    forward = client.post(f"/api/sessions/{sid}/forward",
                          json={"sample": {"split": "val", "index": 4}}).json()
    x = torch.from_numpy(tensor(forward["preprocessed"])[None].copy())
    with torch.no_grad():
        outputs = {}
        h = x
        for name, module_ in net.named_children():
            h = module_(h)
            outputs[name] = h[0].numpy()
    for layer in forward["layers"]:
        ours = tensor(layer["output"])
        assert np.allclose(outputs[layer["name"]], ours, atol=1e-5), layer["name"]
