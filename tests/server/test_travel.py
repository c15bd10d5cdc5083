"""The check that jobs can travel (conftest's ``jobs_travel``) catches one that cannot."""

from __future__ import annotations

import threading

import pytest

from server.sessions.strict_model import SampleRef
from tests.server.travel import travelled


def test_a_job_over_parsed_values_travels_and_runs_on_the_copy() -> None:
    ref = SampleRef(split="val", index=3)

    def job(session: object) -> tuple[str, int]:
        return ref.split, ref.index

    assert travelled(job)(None) == ("val", 3)


def test_a_job_closing_over_a_lock_does_not_travel() -> None:
    lock = threading.RLock()

    def job(session: object) -> None:
        with lock:
            return None

    with pytest.raises(TypeError):
        travelled(job)
