"""The layer table (engine.layer_types): every type in it validates, builds, has its code (a
Layer class, an element-wise op against its reference) and passes the gradient check; the
facts it states (monotone, rectifier, pass-through) hold of the ops."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from engine import layer_types, spec
from engine.layers import make_layer
from engine.model import build
from engine.ops import activations
from tests.engine.gradcheck import check_model
from tests.engine.helpers import spec_of

NAMES = layer_types.NAMES


def in_context(kind: str) -> dict[str, Any]:
    """A small spec where a layer of ``kind`` (at its defaults) can work, ending with it: on a
    2x5x4 map, or after a flatten for a type that needs a vector."""
    on_map = spec_of(2, 5, 4, {"type": kind})
    try:
        spec.normalize(on_map)
        return on_map
    except spec.SpecError:
        return spec_of(2, 3, 3, {"type": "flatten"}, {"type": kind})


def test_the_table_is_the_spec_contract() -> None:
    assert spec.LAYER_TYPES == NAMES and len(set(NAMES)) == len(NAMES)
    assert set(spec.DEFAULTS) == set(NAMES) == set(spec.NAME_PREFIX)
    assert len(set(spec.NAME_PREFIX.values())) == len(NAMES)  # names never collide
    for t in layer_types.TYPES:
        assert all(f.kind in layer_types.KINDS for f in t.fields), t.name
        assert t.params == ("frozen" in t.defaults()), t.name
        assert bool(t.pytorch) != t.params, t.name  # weight-free types name their module
        assert t.rectifier <= (t.activation and t.monotone), t.name
        assert t.elementwise <= t.activation, t.name


@pytest.mark.parametrize("kind", NAMES)
def test_every_type_validates_with_its_defaults_and_builds(kind: str) -> None:
    norm = spec.normalize(in_context(kind))
    last = norm["layers"][-1]
    t = layer_types.get(kind)
    for f in t.fields:
        want = last[f.default_from] if f.default_from else f.default
        assert last[f.key] == want, (kind, f.key)
    assert last["name"] == f"{t.prefix}1"
    layer = make_layer(last, np.random.default_rng(0))
    assert layer.kind == kind
    model = build(norm, np.random.default_rng(0))
    assert (model.layers[-1].params != {}) == t.params


@pytest.mark.parametrize("kind", NAMES)
def test_every_int_key_is_refused_outside_its_limits(kind: str) -> None:
    for f in layer_types.get(kind).fields:
        if f.kind != "int":
            continue
        for bad in (int(f.min or 0) - 1, int(f.max or 0) + 1):
            raw = in_context(kind)
            raw["layers"][-1][f.key] = bad
            with pytest.raises(spec.SpecError, match=rf"{f.key} {bad} is outside"):
                spec.normalize(raw)


@pytest.mark.parametrize("kind", NAMES)
def test_every_type_passes_the_gradient_check(kind: str) -> None:
    check_model(in_context(kind))


@pytest.mark.parametrize("kind", layer_types.names_where(elementwise=True))
def test_every_elementwise_op_matches_its_reference_and_states_its_facts(kind: str) -> None:
    t = layer_types.get(kind)
    x = np.linspace(-4, 4, 81)
    args = {f.key: f.default for f in t.fields}
    out, _ = t.forward()(x.copy(), **args)
    np.testing.assert_allclose(out, activations.reference(kind, x, **args), rtol=1e-12, atol=0)
    if t.monotone:
        assert np.all(np.diff(out) >= 0), kind
    if t.rectifier:  # identity for x > 0: He initialisation's assumption
        np.testing.assert_array_equal(out[x > 0], x[x > 0])

