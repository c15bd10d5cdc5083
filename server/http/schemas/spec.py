"""Bodies that carry an architecture spec (validated by the engine, not here)."""

from __future__ import annotations

from typing import Any

from server.sessions.settings import SettingsPatch
from server.sessions.strict_model import StrictModel

Nested = list[float] | list[list[float]] | list[list[list[float]]] | list[
    list[list[list[float]]]]


class ParamsBody(StrictModel):
    """Hand-set parameters of one conv2d or dense layer, as nested lists in the engine's
    layouts (conv W ``(F, C, k, k)``, dense W ``(in, out)``, b ``(F,)``/``(out,)``)."""

    W: Nested | None = None
    b: list[float] | None = None


class SpecBody(StrictModel):
    """``{"spec": {...}, "settings"?: {...partial...}}``; the spec's own rules live in
    engine.spec. Settings given here are applied together with the spec, or neither."""

    spec: dict[str, Any]
    settings: SettingsPatch | None = None
