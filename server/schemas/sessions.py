"""Bodies of the session routes."""

from __future__ import annotations

from typing import Any

from server.schemas.common import StrictModel
from server.schemas.settings import SettingsPatch, TrainSettings


class CreateSessionBody(StrictModel):
    """Both optional: the default spec is the tiny MNIST CNN, settings their defaults."""

    spec: dict[str, Any] | None = None
    settings: TrainSettings | None = None


class SettingsBody(StrictModel):
    settings: SettingsPatch
