"""A WebSocket text frame as a command of ``schemas/commands.py``, or the error answering it
(the same ``field`` and ``message`` an HTTP 422 would carry)."""

from __future__ import annotations

import json
import logging
from typing import Any

from pydantic import ValidationError

from server.http.error_handlers import validation_body, ws_error
from server.http.schemas.commands import COMMAND, COMMAND_NAMES

log = logging.getLogger(__name__)


def parse_command(text: str, session_id: str) -> tuple[Any, dict[str, Any] | None]:
    """(the command, None), or (None, the error message to send)."""
    try:
        raw = json.loads(text)
    except ValueError:
        return None, ws_error(None, "message", "not valid JSON")
    except RecursionError:
        log.warning("session %s: refused a command frame nested too deeply (%d characters)",
                    session_id, len(text))
        return None, ws_error(None, "message", "message: nested too deeply to be a command")
    seq = raw.get("seq") if isinstance(raw, dict) else None
    seq = seq if isinstance(seq, int) and not isinstance(seq, bool) else None
    try:
        return COMMAND.validate_python(raw), None
    except ValidationError as exc:
        errors = list(exc.errors())
        if errors and errors[0]["type"] in ("union_tag_invalid", "union_tag_not_found"):
            return None, ws_error(seq, "cmd", f"cmd: must be one of {', '.join(COMMAND_NAMES)}")
        detail = validation_body(errors)["detail"]
        field = detail["field"]
        if field and "." in field and field.split(".")[0] in COMMAND_NAMES:
            field = field.split(".", 1)[1]  # drop the union tag pydantic puts first
            detail["message"] = f"{field}: {detail['message'].split(': ', 1)[-1]}"
        return None, ws_error(seq, field, detail["message"])
