"""One check that a name is a layer of the network, with the messages the API has always sent."""

from __future__ import annotations

import numpy as np
import pytest

from engine.model import build
from server.errors import ApiError
from server.sessions.layer_names import layer_named

SPEC = {"input": {"channels": 1, "height": 4, "width": 4},
        "layers": [{"type": "conv2d", "filters": 2}, {"type": "relu"}, {"type": "flatten"},
                   {"type": "dense", "units": 3}, {"type": "softmax"}]}


def test_a_layer_is_found_by_its_name() -> None:
    model = build(SPEC, np.random.default_rng(0))
    assert layer_named(model, "relu1", "layers").kind == "relu"
    assert layer_named(model, "dense1", "layer", with_params=True).kind == "dense"


@pytest.mark.parametrize(("name", "field", "kw", "status", "message"), [
    ("conv9", "layers", {}, 422,
     "layers: no layer 'conv9' (layers: conv1, relu1, flatten1, dense1, softmax1)"),
    ("conv9", "query.layer", {}, 422,
     "query.layer: no layer 'conv9' (layers: conv1, relu1, flatten1, dense1, softmax1)"),
    ("relu1", "layer", {"with_params": True, "status": 404}, 404,
     "layer: no conv2d or dense layer 'relu1' (layers with parameters: conv1, dense1)"),
])
def test_an_unknown_name_is_refused_naming_its_field(name, field, kw, status, message) -> None:
    model = build(SPEC, np.random.default_rng(0))
    with pytest.raises(ApiError) as info:
        layer_named(model, name, field, **kw)
    assert (info.value.status, info.value.field, info.value.message) == (status, field, message)
