"""The WebSocket's dispatch table is the command schemas': one handler per command, no other."""

from __future__ import annotations

import inspect

from server.http.schemas.commands import COMMAND_NAMES, IMMEDIATE
from server.http.websocket import Connection


def test_every_command_has_its_handler_and_no_handler_is_left_over() -> None:
    handlers = {name[len("on_"):] for name, fn in inspect.getmembers(Connection)
                if name.startswith("on_") and inspect.iscoroutinefunction(fn)}
    assert handlers == set(COMMAND_NAMES)
    assert set(IMMEDIATE) <= set(COMMAND_NAMES)


def test_the_names_are_the_documented_commands() -> None:
    assert COMMAND_NAMES == ("train", "stop", "rewind", "trace", "set_probe_rate", "state",
                             "landscape", "grid")
