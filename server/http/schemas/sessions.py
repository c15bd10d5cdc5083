"""Bodies of the session routes."""

from __future__ import annotations

from typing import Any

from server.sessions.settings import SettingsPatch, TrainSettings
from server.sessions.strict_model import StrictModel


class CreateSessionBody(StrictModel):
    """Both optional: the default spec is the tiny MNIST CNN, settings their defaults."""

    spec: dict[str, Any] | None = None
    settings: TrainSettings | None = None


class SettingsBody(StrictModel):
    settings: SettingsPatch
