"""What crosses a process boundary to where a session lives, as Ray ships it: cloudpickle."""

from __future__ import annotations

from typing import Any, TypeVar

from ray import cloudpickle

T = TypeVar("T")


def travelled(value: T) -> T:
    """``value`` pickled with cloudpickle and loaded back (a closure's captured values are
    copied, as in another process); raises when it cannot be pickled."""
    copy: Any = cloudpickle.loads(cloudpickle.dumps(value))
    return copy
