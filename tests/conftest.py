"""Shared pytest configuration: a real PostgreSQL for the store tests (tests/pg.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import pg


def require_postgres() -> None:
    """Skip (loudly, with the reason) when PostgreSQL is not installed, or fail when
    NNPLAY_REQUIRE_POSTGRES=1 (CI) says it must be."""
    if pg.postgres_bin() is not None:
        return
    reason = ("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): "
              "apt-get install postgresql to run the PostgreSQL store tests")
    if os.environ.get("NNPLAY_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"NNPLAY_REQUIRE_POSTGRES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """URL of a real PostgreSQL server (started once for the test run, stopped after it)."""
    require_postgres()
    yield pg.shared_postgres()
    pg.stop_shared_postgres()


@pytest.fixture
def pg_database(pg_url: str) -> str:
    """URL of a new, empty database of its own for one test."""
    return pg.fresh_database()


CLUSTER_TESTS = Path(__file__).parent / "cluster"


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """tests/cluster is collected only when the cluster tests are asked for (``-m cluster``,
    their own step of .ci/run, after ``pip install -e '.[cluster]'``): a plain ``pytest`` on
    a machine without Ray collects everything else (they are deselected there anyway)."""
    if collection_path != CLUSTER_TESTS:
        return None
    wanted = config.getoption("markexpr").replace("not cluster", "")
    return "cluster" not in wanted
