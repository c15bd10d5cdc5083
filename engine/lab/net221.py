"""A 2-2-1 sigmoid network by hand: forward, loss, the chain rule factor by factor, SGD.

The network and the names the texts give its numbers::

    h1 = f(z_h1), z_h1 = w1 x1 + w2 x2 + b1        f = sigmoid everywhere
    h2 = f(z_h2), z_h2 = w3 x1 + w4 x2 + b2
    ŷ  = o1 = f(z_o), z_o = w5 h1 + w6 h2 + b3      L = (y − ŷ)²  (MSE on one sample)

It runs as the engine's model ``[flatten, dense 2, sigmoid, dense 1, sigmoid]`` on a
``(2, 1, 1)`` input in float64 (dense1.W = [[w1, w3], [w2, w4]], dense1.b = [b1, b2],
dense2.W = [[w5], [w6]], dense2.b = [b3]); its ``run_forward`` gives every exact number, its
``backward`` the gradients, ``engine.optimizers`` SGD the step. The chain rule is written out
here, one factor per line (for w1: ``∂L/∂w1 = ∂L/∂ŷ · ∂ŷ/∂h1 · ∂h1/∂w1 = −2(y − ŷ) ·
w5 f′(z_o) · x1 f′(z_h1)``); tests hold every product to the engine's gradient and to finite
differences. The same chain is also computed with every intermediate rounded to ``digits``
significant digits, as a text worked by hand does (which is why such a text prints
∂L/∂w1 = 0.0214 where the exact value is 0.02147).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from engine.datasets import people
from engine.lab import activations
from engine.losses import loss_and_grad
from engine.model import Sequential, build
from engine.optimizers import make_optimizer

PARAMS = ("w1", "w2", "w3", "w4", "w5", "w6", "b1", "b2", "b3")
SPEC = {"input": {"channels": 2, "height": 1, "width": 1},
        "layers": [{"type": "flatten"}, {"type": "dense", "units": 2}, {"type": "sigmoid"},
                   {"type": "dense", "units": 1}, {"type": "sigmoid"}]}
# where each named number lives in the engine's model: (parameter, index)
WHERE = {"w1": ("dense1.W", (0, 0)), "w2": ("dense1.W", (1, 0)),
         "w3": ("dense1.W", (0, 1)), "w4": ("dense1.W", (1, 1)),
         "w5": ("dense2.W", (0, 0)), "w6": ("dense2.W", (1, 0)),
         "b1": ("dense1.b", (0,)), "b2": ("dense1.b", (1,)), "b3": ("dense2.b", (0,))}
FD_STEP = 1e-6

Rounding = Callable[[float], float]


def round_sig(value: float, digits: int) -> float:
    """``value`` rounded to ``digits`` significant digits (0 stays 0)."""
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))


def _exact(value: float) -> float:
    return value


# -- the engine's model -------------------------------------------------------------------
def check_params(params: Mapping[str, float]) -> dict[str, float]:
    """The nine numbers as floats, by name (ValueError naming what is missing or extra)."""
    missing = [k for k in PARAMS if k not in params]
    extra = sorted(set(params) - set(PARAMS))
    if missing or extra:
        raise ValueError(f"params must be exactly {', '.join(PARAMS)}: missing {missing}, "
                         f"unexpected {extra}")
    return {k: float(params[k]) for k in PARAMS}


def to_weights(params: Mapping[str, float]) -> dict[str, np.ndarray]:
    """The engine's named parameters (``dense1.W`` (2, 2), ...) for w1..w6, b1..b3."""
    p = check_params(params)
    weights = {"dense1.W": np.zeros((2, 2)), "dense1.b": np.zeros(2),
               "dense2.W": np.zeros((2, 1)), "dense2.b": np.zeros(1)}
    for name, (key, index) in WHERE.items():
        weights[key][index] = p[name]
    return weights


def from_weights(weights: Mapping[str, np.ndarray]) -> dict[str, float]:
    """w1..w6, b1..b3 from the engine's named parameters."""
    return {name: float(weights[key][index]) for name, (key, index) in WHERE.items()}


def make_model(params: Mapping[str, float]) -> Sequential:
    """The engine's float64 model with these weights."""
    model = build(SPEC, np.random.default_rng(0), dtype=np.float64)
    model.set_weights(to_weights(params))
    return model


def _column(x: Sequence[float]) -> np.ndarray:
    xs = np.asarray(x, dtype=np.float64)
    if xs.shape != (2,):
        raise ValueError(f"x must be two numbers, got shape {xs.shape}")
    return xs.reshape(1, 2, 1, 1)


def sample_loss(model: Sequential, x: Sequence[float], y: float) -> float:
    """L = (y − ŷ)², the engine's MSE on one sample."""
    out = model.forward(_column(x))
    return loss_and_grad("mse", out, np.array([[float(y)]]))[0]


def engine_gradients(model: Sequential, x: Sequence[float], y: float) -> dict[str, float]:
    """dL/dp for every named number by the engine's backprop (fills the model's grads)."""
    out = model.forward(_column(x), training=True)
    _, dout = loss_and_grad("mse", out, np.array([[float(y)]]))
    model.backward(dout)
    return from_weights(model.named_grads())


def numeric_gradients(params: Mapping[str, float], x: Sequence[float], y: float,
                      h: float = FD_STEP) -> dict[str, float]:
    """Central finite differences (L(p + h) − L(p − h)) / 2h of the engine's loss."""
    p = check_params(params)
    grads = {}
    for name in PARAMS:
        up = sample_loss(make_model({**p, name: p[name] + h}), x, y)
        down = sample_loss(make_model({**p, name: p[name] - h}), x, y)
        grads[name] = (up - down) / (2 * h)
    return grads


# -- forward ------------------------------------------------------------------------------
@dataclass
class Forward:
    """Pre-activations z and outputs of h1, h2, o1 (= ŷ) and f′ at each z."""

    z_h1: float
    h1: float
    z_h2: float
    h2: float
    z_o: float
    o1: float
    df_h1: float
    df_h2: float
    df_o: float


def forward_engine(params: Mapping[str, float], x: Sequence[float]) -> Forward:
    """Every number of the forward pass from the engine's ``run_forward``."""
    model = make_model(params)
    acts = model.run_forward(_column(x))  # input, flatten, dense1, sigmoid1, dense2, sigmoid2
    zh, h, zo, o = (a.reshape(-1) for a in acts[2:])
    df = activations.get("sigmoid").df
    dfh = df(zh)
    return Forward(float(zh[0]), float(h[0]), float(zh[1]), float(h[1]), float(zo[0]),
                   float(o[0]), float(dfh[0]), float(dfh[1]), float(df(zo)[0]))


def forward_by_hand(params: Mapping[str, float], x: Sequence[float],
                    r: Rounding = _exact) -> Forward:
    """The forward pass in plain arithmetic, each result passed through ``r`` (rounding)
    before it is used again."""
    p = check_params(params)
    x1, x2 = (float(v) for v in x)
    act = activations.get("sigmoid")

    def f(z: float) -> float:
        return r(float(act.f(np.array([z]))[0]))

    def df(z: float) -> float:
        return r(float(act.df(np.array([z]))[0]))

    z_h1 = r(p["w1"] * x1 + p["w2"] * x2 + p["b1"])
    z_h2 = r(p["w3"] * x1 + p["w4"] * x2 + p["b2"])
    h1, h2 = f(z_h1), f(z_h2)
    z_o = r(p["w5"] * h1 + p["w6"] * h2 + p["b3"])
    return Forward(z_h1, h1, z_h2, h2, z_o, f(z_o), df(z_h1), df(z_h2), df(z_o))


# -- backward: the chain rule -------------------------------------------------------------
@dataclass
class Factor:
    """One factor of a chain: its symbol (``∂h1/∂w1``), formula (``x1 · f′(z_h1)``), the
    values the formula uses, and its value."""

    symbol: str
    formula: str
    terms: list[tuple[str, float]]
    value: float


def chains(params: Mapping[str, float], x: Sequence[float], y: float, fw: Forward,
           r: Rounding = _exact) -> dict[str, list[Factor]]:
    """The factors of ∂L/∂p for every named number p, from the forward ``fw``, each factor
    passed through ``r``."""
    p = check_params(params)
    x1, x2 = (float(v) for v in x)
    y = float(y)
    dl = Factor("∂L/∂ŷ", "−2(y − ŷ)", [("y", y), ("ŷ", fw.o1)], r(-2 * (y - fw.o1)))

    def via(h: str, w: str) -> Factor:
        return Factor(f"∂ŷ/∂{h}", f"{w} · f′(z_o)", [(w, p[w]), ("f′(z_o)", fw.df_o)],
                      r(p[w] * fw.df_o))

    def local(h: str, name: str, label: str | None, value: float | None,
              df: float) -> Factor:
        if label is None or value is None:
            return Factor(f"∂{h}/∂{name}", f"f′(z_{h})", [(f"f′(z_{h})", df)], df)
        return Factor(f"∂{h}/∂{name}", f"{label} · f′(z_{h})",
                      [(label, value), (f"f′(z_{h})", df)], r(value * df))

    out = {}
    for h, df, names in (("h1", fw.df_h1, ("w1", "w2", "b1")),
                         ("h2", fw.df_h2, ("w3", "w4", "b2"))):
        wout = "w5" if h == "h1" else "w6"
        out[names[0]] = [dl, via(h, wout), local(h, names[0], "x1", x1, df)]
        out[names[1]] = [dl, via(h, wout), local(h, names[1], "x2", x2, df)]
        out[names[2]] = [dl, via(h, wout), local(h, names[2], None, None, df)]
    out["w5"] = [dl, local("o", "w5", "h1", fw.h1, fw.df_o)]
    out["w6"] = [dl, local("o", "w6", "h2", fw.h2, fw.df_o)]
    out["b3"] = [dl, local("o", "b3", None, None, fw.df_o)]
    for factors in (out["w5"], out["w6"], out["b3"]):  # ŷ is o1: write ∂ŷ/∂w5, not ∂o/∂w5
        factors[1].symbol = factors[1].symbol.replace("∂o/", "∂ŷ/")
    return {name: out[name] for name in PARAMS}


def product(factors: Sequence[Factor], r: Rounding = _exact) -> float:
    """The chain's product, passed through ``r``."""
    return r(math.prod(f.value for f in factors))


# -- the whole view -----------------------------------------------------------------------
@dataclass
class Node:
    """One neuron of the forward pass: ``z = formula`` (its terms), ``out = f(z)``, f′(z),
    and the same rounded to ``digits``."""

    name: str
    formula: str
    terms: list[tuple[str, float]]
    z: float
    out: float
    df: float
    z_rounded: float
    out_rounded: float
    df_rounded: float


@dataclass
class ParamGrad:
    """∂L/∂p as its chain (``factors``, each with ``rounded`` beside it), the product, the
    engine's backprop and finite differences, and the SGD step ``after = before − lr·grad``
    (the engine's optimizer)."""

    name: str
    factors: list[Factor]
    rounded: list[float]
    gradient: float
    gradient_rounded: float
    engine: float
    numeric: float
    before: float
    update: float
    after: float


@dataclass
class Person:
    name: str
    raw: list[float]
    x: list[float]
    label: int
    prediction: float


@dataclass
class Net221Result:
    params: dict[str, float]
    x: list[float]
    y: float
    lr: float
    digits: int
    nodes: list[Node]
    prediction: float
    loss: float
    loss_rounded: float
    grads: list[ParamGrad]
    loss_after: float
    table_loss: float
    people: list[Person]


def _nodes(p: dict[str, float], x: Sequence[float], fw: Forward, fr: Forward) -> list[Node]:
    x1, x2 = (float(v) for v in x)
    rows = (("h1", "w1·x1 + w2·x2 + b1", [("w1", p["w1"]), ("x1", x1), ("w2", p["w2"]),
                                          ("x2", x2), ("b1", p["b1"])], "h1", "z_h1", "df_h1"),
            ("h2", "w3·x1 + w4·x2 + b2", [("w3", p["w3"]), ("x1", x1), ("w4", p["w4"]),
                                          ("x2", x2), ("b2", p["b2"])], "h2", "z_h2", "df_h2"),
            ("o1", "w5·h1 + w6·h2 + b3", [("w5", p["w5"]), ("h1", fw.h1), ("w6", p["w6"]),
                                          ("h2", fw.h2), ("b3", p["b3"])], "o1", "z_o", "df_o"))
    return [Node(name, formula, terms, getattr(fw, z), getattr(fw, o), getattr(fw, d),
                 getattr(fr, z), getattr(fr, o), getattr(fr, d))
            for name, formula, terms, o, z, d in rows]


def analyse(params: Mapping[str, float], x: Sequence[float], y: float, lr: float,
            digits: int = 3) -> Net221Result:
    """Forward, loss, every chain (exact and rounded to ``digits`` significant digits at
    each step), the engine's and finite differences' gradients, and one SGD step of ``lr``."""
    p = check_params(params)
    y = float(y)
    xs = [float(v) for v in _column(x).reshape(-1)]

    def r(v: float) -> float:
        return round_sig(v, digits)

    fw = forward_engine(p, xs)
    fr = forward_by_hand(p, xs, r)
    exact = chains(p, xs, y, fw)
    rounded = chains(p, xs, y, fr, r)
    model = make_model(p)
    engine = engine_gradients(model, xs, y)
    numeric = numeric_gradients(p, xs, y)
    loss = sample_loss(model, xs, y)
    updates = make_optimizer("sgd", lr).step(model.trainable_params(), model.named_grads())
    step = from_weights(updates)
    after = from_weights(model.get_weights())
    grads = [ParamGrad(name, exact[name], [f.value for f in rounded[name]],
                       product(exact[name]), product(rounded[name], r), engine[name],
                       numeric[name], p[name], step[name], after[name]) for name in PARAMS]
    table, persons = people_table(make_model(p))
    return Net221Result(p, xs, y, float(lr), digits, _nodes(p, xs, fw, fr), fw.o1, loss,
                        r((y - fr.o1) ** 2), grads, sample_loss(model, xs, y), table, persons)


# -- training on the people table ---------------------------------------------------------
@dataclass
class TrainStep:
    """One SGD step on one person: the loss on that person before the step and the mean
    loss over the whole table after it."""

    index: int
    name: str
    sample_loss: float
    table_loss: float


@dataclass
class TrainResult:
    params: dict[str, float]
    lr: float
    shift: list[float]
    table_loss_before: float
    table_loss: float
    steps: list[TrainStep]
    next_index: int
    people: list[Person]


def table_loss(model: Sequential) -> tuple[float, np.ndarray]:
    """(MSE over the four people, the predictions (4,)) with the shifted units."""
    x, labels, _ = people.table(shifted=True)
    out = model.forward(x.reshape(4, 2, 1, 1))
    loss, _ = loss_and_grad("mse", out, labels.reshape(4, 1).astype(np.float64))
    return loss, out.reshape(-1)


def people_table(model: Sequential) -> tuple[float, list[Person]]:
    """(MSE over the table, each person with the model's prediction)."""
    x, labels, _ = people.table(shifted=True)
    loss, preds = table_loss(model)
    return loss, [Person(people.NAMES[i], people.RAW[i].tolist(), x[i].tolist(),
                         int(labels[i]), float(preds[i])) for i in range(len(people.NAMES))]


def train(params: Mapping[str, float], lr: float, count: int, start: int = 0) -> TrainResult:
    """``count`` SGD steps of ``lr``, one person at a time in table order from index
    ``start`` (Alice, Bob, Charlie, Diana, Alice, ...), each on L = (y − ŷ)²."""
    if not 0 <= start < len(people.NAMES):
        raise ValueError(f"start must lie in 0..{len(people.NAMES) - 1}, got {start}")
    x, labels, shift = people.table(shifted=True)
    model = make_model(params)
    opt = make_optimizer("sgd", lr)
    before, _ = table_loss(model)
    steps = []
    for k in range(count):
        i = (start + k) % len(people.NAMES)
        out = model.forward(x[i].reshape(1, 2, 1, 1), training=True)
        loss, dout = loss_and_grad("mse", out, np.array([[float(labels[i])]]))
        model.backward(dout)
        opt.step(model.trainable_params(), model.named_grads())
        steps.append(TrainStep(i, people.NAMES[i], loss, table_loss(model)[0]))
    after = from_weights(model.get_weights())
    if not all(math.isfinite(v) for v in after.values()):
        raise ValueError("lr: the weights became infinite; take a smaller learning rate")
    loss, persons = people_table(model)
    return TrainResult(after, float(lr), shift.tolist(), before, loss, steps,
                       (start + count) % len(people.NAMES), persons)


@dataclass
class Prediction:
    """A new person: raw units, shifted input x = raw − shift, h1, h2, ŷ and the class
    (1 = female when ŷ ≥ 0.5)."""

    raw: list[float]
    shift: list[float]
    x: list[float]
    h1: float
    h2: float
    prediction: float
    label: int
    class_name: str


def predict(params: Mapping[str, float], weight_lb: float, height_in: float) -> Prediction:
    """The network's answer for a person of ``weight_lb`` and ``height_in``."""
    raw = np.array([float(weight_lb), float(height_in)])
    xs = raw - people.SHIFT
    fw = forward_engine(params, xs)
    label = int(fw.o1 >= 0.5)
    return Prediction(raw.tolist(), people.SHIFT.tolist(), xs.tolist(), fw.h1, fw.h2, fw.o1,
                      label, people.CLASS_NAMES[label])
