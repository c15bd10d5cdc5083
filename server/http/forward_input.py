"""What to forward: JSON pixels, typed input values, a dataset sample, or an uploaded
PNG/JPEG."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request

from server.config import Settings
from server.http.bodies import is_multipart, json_model, upload_bytes
from server.http.images import gray_from_pixels, image_from_upload, tensor_from_typed
from server.http.schemas.images import ForwardBody
from server.sessions.forwarding import forward_gray, forward_input, forward_sample
from server.sessions.session import Session

Job = Callable[[Session], dict[str, Any]]


async def read_forward(request: Request, limits: Settings) -> Job:
    """Parse the request and return the job that forwards it through a session."""
    if is_multipart(request):
        _, data = await upload_bytes(request, "file")

        def from_upload(session: Session) -> dict[str, Any]:
            return forward_gray(session, image_from_upload(data, limits.max_image_pixels), "file")

        return from_upload
    body = await json_model(request, ForwardBody)
    if body.sample is not None:
        ref = body.sample
        return lambda session: forward_sample(session, ref)
    if body.input is not None:
        typed = body.input

        def from_typed(session: Session) -> dict[str, Any]:
            shape = tuple(session.model.input_shape)
            return forward_input(session, tensor_from_typed(typed, shape, limits.max_image_pixels))

        return from_typed

    def from_pixels(session: Session) -> dict[str, Any]:
        # in the job's worker thread: a long list of numbers takes a while to convert
        pixels = body.as_pixels()
        assert pixels is not None  # guaranteed by ForwardBody's validator
        return forward_gray(session, gray_from_pixels(pixels, limits.max_image_pixels), "pixels")

    return from_pixels
