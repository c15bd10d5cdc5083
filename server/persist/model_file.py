"""The exported model file (docs/model-format.md): one .npz, readable without nnplay.

Members: ``format`` (the string "nnplay-model/1"), ``spec`` (the normalised architecture spec
as a JSON string), ``settings`` and ``class_names`` (JSON strings), and one float32 array per
parameter named ``<layer>.W`` / ``<layer>.b`` in the engine's layouts (conv W ``(F, C, k, k)``,
dense W ``(in, out)``). Reading refuses pickles, unknown formats, oversized members and
anything the engine would not build.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

import numpy as np

from server.errors import ApiError
from server.labels import label_problem, shown

FORMAT = "nnplay-model/1"
_TEXT_MEMBERS = ("format", "spec", "settings", "class_names")


def write(spec: dict[str, Any], settings: dict[str, Any], class_names: list[str],
          weights: dict[str, np.ndarray]) -> bytes:
    members: dict[str, Any] = {
        "format": np.array(FORMAT),
        "spec": np.array(json.dumps(spec)),
        "settings": np.array(json.dumps(settings)),
        "class_names": np.array(json.dumps(class_names)),
    }
    for name, value in weights.items():
        members[name] = np.ascontiguousarray(value, dtype="<f4")
    buffer = io.BytesIO()
    np.savez(buffer, **members)
    return buffer.getvalue()


def write_weights(weights: dict[str, np.ndarray]) -> bytes:
    """Only the parameters, as an .npz (what the PyTorch script embeds)."""
    buffer = io.BytesIO()
    members: dict[str, Any] = {k: np.ascontiguousarray(v, dtype="<f4")
                               for k, v in weights.items()}
    np.savez(buffer, **members)
    return buffer.getvalue()


@dataclass
class ModelFile:
    spec: Any
    settings: dict[str, Any] | None
    class_names: list[str] | None
    weights: dict[str, np.ndarray]


def _refuse(message: str) -> ApiError:
    return ApiError(422, f"file: {message}", "file")


def _check_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Refuse a member that is not a plain .npy array, or whose header declares more bytes
    than the member holds (a header can declare 10**12 elements in a few bytes: reading it
    would try to allocate them). Reads the header only."""
    name = info.filename
    if info.is_dir() or not name.endswith(".npy"):
        raise _refuse(f'member "{name}" is not a .npy array')
    with zf.open(info) as f:
        try:
            version = np.lib.format.read_magic(f)
            if version == (1, 0):
                shape, _fortran, dtype = np.lib.format.read_array_header_1_0(f)
            else:
                shape, _fortran, dtype = np.lib.format.read_array_header_2_0(f)
        except (ValueError, SyntaxError, EOFError) as exc:
            raise _refuse(f'member "{name}" has no readable .npy header ({exc})') from exc
    if dtype.hasobject:
        raise _refuse(f'member "{name}" holds Python objects; only numbers and text are read')
    declared = int(np.prod(shape, dtype=object)) * dtype.itemsize
    if declared > info.file_size:
        raise _refuse(f'member "{name}" declares {declared} bytes of data but holds '
                      f"{info.file_size}")


def read(data: bytes, max_bytes: int) -> ModelFile:
    """Parse an uploaded model file; 415/422 naming ``file`` when it is not one."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile as exc:
        raise ApiError(415, "file: not an .npz model file (not a zip archive)", "file") from exc
    if sum(i.file_size for i in infos) > max_bytes:
        raise _refuse(f"unpacks to more than {max_bytes} bytes")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for info in infos:
                _check_member(zf, info)
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
    except ApiError:
        raise
    except (ValueError, OSError, EOFError, RuntimeError, zipfile.BadZipFile) as exc:
        raise _refuse(f"not a readable .npz ({exc})") from exc
    if "format" not in arrays or str(arrays["format"]) != FORMAT:
        raise _refuse(f'missing or unknown "format" member (expected {FORMAT!r})')
    texts: dict[str, Any] = {}
    for name in _TEXT_MEMBERS[1:]:
        if name not in arrays:
            if name == "spec":
                raise _refuse('missing the "spec" member')
            texts[name] = None
            continue
        try:
            texts[name] = json.loads(str(arrays[name]))
        except ValueError as exc:
            raise _refuse(f'member "{name}" is not JSON ({exc})') from exc
        except RecursionError as exc:
            raise _refuse(f'member "{name}" is nested too deeply') from exc
    weights = {}
    for name, value in arrays.items():
        if name in _TEXT_MEMBERS:
            continue
        if value.dtype.kind != "f":
            raise _refuse(f'parameter "{name}" is {value.dtype}, not floating point')
        weights[name] = value.astype(np.float32)
    settings = texts["settings"] if isinstance(texts["settings"], dict) else None
    names = texts["class_names"]
    class_names = [str(n) for n in names] if isinstance(names, list) else None
    for i, name in enumerate(class_names or []):
        problem = label_problem(name)
        if problem:
            raise _refuse(f'class name {i + 1} ("{shown(name)}") {problem}')
    return ModelFile(texts["spec"], settings, class_names, weights)
