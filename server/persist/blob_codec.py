"""Packing a tree of dicts, lists, numbers, strings and ndarrays into npz bytes and back.

Used for everything the store keeps as a blob (weights, optimizer and trainer state,
snapshots, samples): the arrays go in as npz members, the rest as one JSON member with
placeholders, so nothing is pickled and loading never runs code.
"""

from __future__ import annotations

import io
import json
from typing import Any

import numpy as np

_TREE = "__tree__"
_REF = "__array__"


def _split(node: Any, arrays: dict[str, np.ndarray]) -> Any:
    if isinstance(node, np.ndarray):
        key = f"a{len(arrays)}"
        arrays[key] = node
        return {_REF: key}
    if isinstance(node, np.generic):
        return node.item()
    if isinstance(node, dict):
        return {str(k): _split(v, arrays) for k, v in node.items()}
    if isinstance(node, list | tuple):
        return [_split(v, arrays) for v in node]
    return node


def _join(node: Any, arrays: Any) -> Any:
    if isinstance(node, dict):
        if set(node) == {_REF}:
            return np.array(arrays[node[_REF]])
        return {k: _join(v, arrays) for k, v in node.items()}
    if isinstance(node, list):
        return [_join(v, arrays) for v in node]
    return node


def pack(tree: Any) -> bytes:
    """npz bytes holding ``tree`` (arrays by value; tuples come back as lists)."""
    arrays: dict[str, np.ndarray] = {}
    skeleton = _split(tree, arrays)
    text = json.dumps(skeleton, separators=(",", ":"))
    buffer = io.BytesIO()
    members: dict[str, Any] = {_TREE: np.frombuffer(text.encode("utf-8"), dtype=np.uint8)}
    members.update(arrays)
    np.savez(buffer, **members)
    return buffer.getvalue()


def unpack(data: bytes) -> Any:
    """The tree :func:`pack` stored (raises ValueError for anything else)."""
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        if _TREE not in npz.files:
            raise ValueError("not a packed tree")
        skeleton = json.loads(npz[_TREE].tobytes().decode("utf-8"))
        arrays = {name: npz[name] for name in npz.files if name != _TREE}
    return _join(skeleton, arrays)
