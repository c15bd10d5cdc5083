"""The errors every layer of the server raises: a refusal naming its field.

Sessions, the runtime and the HTTP layer raise :class:`ApiError`; ``server.http.error_handlers``
is the one place that turns it (and FastAPI's own validation errors) into the HTTP and
WebSocket error shape ``{"detail": {"message", "field", ...}}``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any


class ApiError(Exception):
    """A refused request: ``status`` (4xx), a message, and the field at fault."""

    def __init__(self, status: int, message: str, field: str | None = None, **extra: Any):
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {"detail": {"message": self.message, "field": self.field, **self.extra}}

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled whole (status, field, extra), subclasses too: a refusal raised where a
        session runs (a Ray actor) reaches the front end as the same ApiError."""
        return (_rebuilt, (type(self), self.status, self.message, self.field, self.extra))


def _rebuilt(cls: type[ApiError], status: int, message: str, field: str | None,
             extra: dict[str, Any]) -> ApiError:
    error = Exception.__new__(cls)
    ApiError.__init__(error, status, message, field, **extra)
    return error


class SessionUnloadable(ApiError):
    """A stored session that cannot be loaded (saved by a broken or other version): 409
    naming it; it can still be deleted."""

    def __init__(self, session_id: str, reason: str) -> None:
        super().__init__(409, f"id: the stored session {session_id} cannot be loaded "
                         f"({reason}); it can only be deleted", "id", session=session_id)


def not_found(what: str, field: str) -> ApiError:
    return ApiError(404, f"{field}: no such {what}", field)


@contextlib.contextmanager
def refused_as(field: str, status: int = 422) -> Iterator[None]:
    """Inside the block, an engine ``ValueError`` (the engine's way of refusing an input)
    becomes an ApiError naming ``field``; an ApiError passes through unchanged."""
    try:
        yield
    except ValueError as exc:
        message = str(exc)
        raise ApiError(status, message if message.startswith(f"{field}:")
                       else f"{field}: {message}", field) from exc


def busy() -> ApiError:
    return ApiError(409, "session: it is training; stop the training first", "session")
