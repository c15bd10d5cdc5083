"""Dataset samples for the strip, and a session's own samples (drawn, uploaded, zipped)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request

from server.http.bodies import UPLOAD_DOC, json_body, json_body_doc, upload_bytes
from server.http.client_limits import client_of
from server.http.images import gray_from_pixels
from server.http.offload import in_thread
from server.http.own_upload import add_zip
from server.http.routes.deps import client_limits, limits, runtime
from server.http.schemas.images import OwnSampleBody
from server.sessions.confusion_samples import confusion_samples
from server.sessions.data import builtin_split
from server.sessions.sample_strip import sample_strip

router = APIRouter()

Split = Literal["train", "val", "test"]


@router.get("/api/datasets/{name}/samples")
async def builtin_samples(
    name: Literal["mnist", "shapes"],
    split: Split = "val",
    count: int = Query(16, ge=1, le=64),
    offset: int = Query(0, ge=0, le=1_000_000),
    seed: int = Query(0, ge=0, le=2**32 - 1),
) -> dict[str, Any]:
    """Examples of a built-in dataset (default split fractions, the given seed)."""
    return await in_thread(lambda: sample_strip(builtin_split(name, seed), split, count, offset))


@router.get("/api/sessions/{session_id}/dataset/samples")
async def session_samples(
    session_id: str,
    request: Request,
    split: Split = "val",
    count: int = Query(16, ge=1, le=64),
    offset: int = Query(0, ge=0, le=1_000_000),
) -> dict[str, Any]:
    """Examples of the session's own split (indices as forward/cell/trace take them)."""
    return await runtime(request).call(
        session_id, lambda s: sample_strip(s.data_or_raise(), split, count, offset))


@router.get("/api/sessions/{session_id}/confusion/samples")
async def confusion_cell_samples(
    session_id: str,
    request: Request,
    true: int = Query(ge=0, le=100_000),
    predicted: int = Query(ge=0, le=100_000),
    split: Split = "val",
    count: int = Query(12, ge=1, le=64),
) -> dict[str, Any]:
    """Examples of class ``true`` that the current weights predict as ``predicted``."""
    return await runtime(request).call(
        session_id, lambda s: confusion_samples(s, split, true, predicted, count), heavy=True)


@router.get("/api/sessions/{session_id}/samples")
async def own_samples(session_id: str, request: Request) -> dict[str, Any]:
    """The session's own samples: ids, labels, images as the network sees them."""
    return await runtime(request).call(session_id, lambda s: s.own_listing())


@router.post("/api/sessions/{session_id}/samples", status_code=201,
             openapi_extra=json_body_doc(OwnSampleBody))
async def add_own_sample(session_id: str, request: Request,
                         body: Annotated[OwnSampleBody, json_body(OwnSampleBody)]
                         ) -> dict[str, Any]:
    """Add a drawn sample with the label the user named."""
    max_pixels = limits(request).max_image_pixels
    gray = await in_thread(lambda: gray_from_pixels(body, max_pixels))
    return await runtime(request).call(session_id,
                                       lambda s: s.add_own_sample(gray, body.label), save=True)


@router.delete("/api/sessions/{session_id}/samples/{sample_id}")
async def remove_own_sample(session_id: str, sample_id: str,
                            request: Request) -> dict[str, Any]:
    """Remove one own sample."""
    return await runtime(request).call(session_id,
                                       lambda s: s.remove_own_sample(sample_id), save=True)


@router.post("/api/sessions/{session_id}/dataset/zip", openapi_extra=UPLOAD_DOC)
async def upload_zip(session_id: str, request: Request,
                     mode: Literal["resize", "drawing"] = "resize") -> dict[str, Any]:
    """Add every image of a zip (one folder per class); report the files left out."""
    _, data = await upload_bytes(request, "file")
    return await add_zip(runtime(request), limits(request), session_id, data, mode,
                         client_limits(request).pixels, client_of(request))
