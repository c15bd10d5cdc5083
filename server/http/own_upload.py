"""Adding a zip of class folders to a session's own samples (decoded by the engine)."""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np

from engine.datasets.archive import (
    ArchiveError,
    ArchiveLimits,
    PixelBudget,
    PixelBudgetExceeded,
    load_zip,
)
from engine.datasets.dataset import Dataset
from server.config import Settings
from server.errors import ApiError
from server.http.client_limits import Allowance
from server.http.offload import in_thread
from server.labels import label_problem, shown
from server.runtime.session_runtime import SessionRuntime
from server.sessions.session import Session


def _problems(items: list[Any]) -> list[dict[str, str]]:
    return [{"file": p.file, "message": p.reason} for p in items]


def _named_classes(dataset: Dataset) -> tuple[np.ndarray, list[str], list[dict[str, str]]]:
    """(images, their labels, problems): the images of class folders whose names pass the
    label rule (server.labels), and one problem per folder whose name does not."""
    refused: dict[int, str] = {}
    for index, name in enumerate(dataset.class_names):
        problem = label_problem(name)
        if problem:
            refused[index] = problem
    keep = [i for i, label in enumerate(dataset.labels) if int(label) not in refused]
    problems = [{"file": f"{shown(dataset.class_names[i])}/",
                 "message": f"the folder name {why}; as a class name it is refused with its "
                            f"{int(np.sum(dataset.labels == i))} images"}
                for i, why in refused.items()]
    labels = [dataset.class_names[int(dataset.labels[i])] for i in keep]
    return dataset.images[keep], labels, problems


def _budget(limits: Settings, allowance: Allowance, client: str) -> PixelBudget:
    """What this upload may decode: max_zip_pixels, or what is left of the client's minute
    when that is less (the message names whichever it is)."""
    per_upload = limits.max_zip_pixels
    left = allowance.remaining(client)
    if left < per_upload:
        return PixelBudget(left, "max_decode_pixels_per_minute for this client; try again "
                           "in a minute")
    return PixelBudget(per_upload, "max_zip_pixels")


def _input_shape(session: Session) -> tuple[int, ...]:
    return tuple(session.model.input_shape)


def _decode(data: bytes, shape: tuple[int, ...], limits: Settings, mode: str,
            budget: PixelBudget) -> tuple[Dataset, list[Any]]:
    """The zip's images as ``shape[1]``-square inputs, and the files left out."""
    if len(shape) != 3 or shape[0] != 1 or shape[1] != shape[2]:
        raise ApiError(422, "file: images are added as square grayscale inputs, but this "
                       f"network takes {'x'.join(map(str, shape))}", "file")
    archive = ArchiveLimits(max_files=limits.max_zip_files, max_pixels=limits.max_image_pixels,
                            max_archive_bytes=limits.max_upload_bytes)
    try:  # decoding happens outside the session lock: forwards and training go on meanwhile
        return load_zip(data, size=shape[1], limits=archive,
                        mode="drawing" if mode == "drawing" else "resize", budget=budget)
    except PixelBudgetExceeded as exc:
        raise ApiError(413, f"file: {exc}", "file") from exc
    except ArchiveError as exc:
        raise ApiError(422, f"file: {exc}", "file", problems=_problems(exc.problems)) from exc
    except ValueError as exc:  # the engine cannot make inputs of this size in this mode
        raise ApiError(422, f"query.mode: {mode} mode cannot make {shape[1]}x{shape[2]} "
                       f"inputs ({exc})", "query.mode") from exc


def _add(session: Session, images: np.ndarray, labels: list[str],
         problems: list[dict[str, str]], max_size: int) -> dict[str, Any]:
    """The job that adds the decoded images to the session's own samples."""
    session.check_idle()
    room = max_size - len(session.own)
    if len(labels) > room:
        raise ApiError(422, f"file: {len(labels)} images would take this session past its "
                       f"limit of {max_size} samples", "file")
    session.add_own_images(images, labels)
    return {"added": len(labels), "problems": problems, "samples": session.own.summary()}


async def add_zip(runtime: SessionRuntime, limits: Settings, session_id: str, data: bytes,
                  mode: str, allowance: Allowance, client: str) -> dict[str, Any]:
    """Decode the zip (charged to ``client``'s pixel ``allowance``) and add its images."""
    shape = await runtime.call(session_id, _input_shape)
    budget = _budget(limits, allowance, client)
    try:
        dataset, problems = await in_thread(
            lambda: _decode(data, shape, limits, mode, budget))
    finally:
        allowance.spend(client, budget.spent)  # what was decoded counts, refused or not
    images, labels, refused = _named_classes(dataset)
    if not labels:
        raise ApiError(422, "file: no usable images (every class folder's name is refused)",
                       "file", problems=refused + _problems(problems))
    return await runtime.call(session_id, partial(
        _add, images=images, labels=labels, problems=refused + _problems(problems),
        max_size=limits.max_dataset_size), save=True)
