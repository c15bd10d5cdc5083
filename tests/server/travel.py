"""What crosses a process boundary to where a session lives, as Ray ships it: cloudpickle
(Ray's copy, or the cloudpickle package). Without either, a check by reference: a function's
captured values, defaults and partial arguments must each pickle with the standard pickle."""

from __future__ import annotations

import functools
import pickle
import types
from typing import Any, TypeVar

try:
    from ray import cloudpickle as _cloudpickle
except ImportError:  # the embedded install has no ray
    try:
        import cloudpickle as _cloudpickle  # type: ignore[no-redef]
    except ImportError:
        _cloudpickle = None  # type: ignore[assignment]

T = TypeVar("T")


def travelled(value: T) -> T:
    """``value`` pickled with cloudpickle and loaded back (a closure's captured values are
    copied, as in another process); raises when it cannot be pickled."""
    if _cloudpickle is None:
        _check_by_reference(value)
        return value
    copy: Any = _cloudpickle.loads(_cloudpickle.dumps(value))
    return copy


def _check_by_reference(value: Any) -> None:
    if isinstance(value, functools.partial):
        for part in (value.func, *value.args, *value.keywords.values()):
            _check_by_reference(part)
    elif isinstance(value, types.FunctionType) and value.__name__ == "<lambda>" or \
            isinstance(value, types.FunctionType) and value.__closure__:
        for cell in value.__closure__ or ():
            _check_by_reference(cell.cell_contents)
        for default in value.__defaults__ or ():
            _check_by_reference(default)
    else:
        pickle.dumps(value)
