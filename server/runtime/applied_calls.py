"""Calls that change a session run once, however often their front end retries them.

A front end (``RayRuntime``) retries a call whose actor died; the actor may have died after
the call's save reached the store and before its reply left. So every call that changes a
session carries an id its front end chose once (the same on every retry), and the host records
it, with the reply, in the save that makes the change (``SessionStore.save(call=...)``: one
transaction, the newest ``CALLS_KEPT`` ids a session). A call whose id is recorded is not run
again: it answers what was recorded (:func:`replay`).

A reply is recorded as JSON text (:func:`record`):

- as it is, when it is plain JSON (what an HTTP reply or a WebSocket message is: dicts with
  string keys, lists, strings, numbers, booleans, None) of at most ``REPLY_BYTES``;
- else, for a dict, as its difference from the session's ``state()``: the keys whose values
  are the state's are named, not copied (a state-sized reply, a ``set_spec`` say, shrinks to
  a few flags); a retry fills them in from the state as it is then, read-only;
- else not at all: a retry is refused with a 409 naming ``session`` (no route replies so).
"""

from __future__ import annotations

import json
import secrets
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from server.errors import ApiError
from server.persist.session_store import CALLS_KEPT, REPLY_BYTES, AppliedCall, kept_reply
from server.sessions.session import Session


def new_call_id() -> str:
    """The id of one call that changes a session (its front end keeps it across retries)."""
    return secrets.token_hex(12)


def plain(value: Any) -> bool:
    """Whether ``value`` is plain JSON, so that it comes back from its text as it was."""
    if value is None or type(value) in (str, int, float, bool):
        return True
    if type(value) is list:
        return all(plain(v) for v in value)
    if type(value) is dict:
        return all(type(k) is str and plain(v) for k, v in value.items())
    return False


def _fits(kept: dict[str, Any]) -> str | None:
    text = json.dumps(kept, separators=(",", ":"))
    return text if len(text.encode()) <= REPLY_BYTES else None


def record(reply: Any, session: Session) -> str | None:
    """The reply as the store keeps it (see the module docstring), None when it is not."""
    if plain(reply):
        text = _fits({"reply": reply})
        if text is not None:
            return text
    if type(reply) is not dict or not all(type(k) is str for k in reply):
        return None
    state = session.state()
    shared = [k for k, v in reply.items() if k in state and plain(v) and state[k] == v]
    rest = {k: v for k, v in reply.items() if k not in shared}
    return _fits({"reply": rest, "state": shared}) if plain(rest) else None


def replay(text: str | None, session: Session) -> Any:
    """The reply of a call applied before, from what :func:`record` kept (read-only)."""
    if text is None:
        raise ApiError(409, "session: this change was made once already, and its reply was "
                       "too large to keep; reload the session to see it", "session")
    kept = json.loads(text)
    reply = kept["reply"]
    if "state" in kept:
        state = session.state()
        reply = {**{k: state[k] for k in kept["state"] if k in state}, **reply}
    return reply


class Applied:
    """The ids of the calls applied to one session, newest last, and their recorded replies
    (as the store holds them: loaded with the session, added to with each save)."""

    def __init__(self, calls: Iterable[AppliedCall] = ()) -> None:
        self._calls: OrderedDict[str, str | None] = OrderedDict(
            (c.id, c.reply) for c in calls)

    def __contains__(self, call_id: object) -> bool:
        return call_id in self._calls

    def reply(self, call_id: str) -> str | None:
        return self._calls[call_id]

    def add(self, call: AppliedCall) -> None:
        """``call`` has been saved with its change (the store kept what it keeps)."""
        self._calls[call.id] = kept_reply(call.reply)
        while len(self._calls) > CALLS_KEPT:
            self._calls.popitem(last=False)
