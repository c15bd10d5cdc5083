"""Fixtures of the cluster tests: one real local Ray cluster per module, in a loopback-only
network namespace (``tests/cluster/in_netns.sh``), and a real PostgreSQL (tests/pg.py,
through ``pg_database`` of tests/conftest.py) that every node reaches."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.cluster.local_ray import LocalCluster, ray_environment, start_cluster

pytestmark = pytest.mark.cluster


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    """A head and three worker nodes of 2 CPUs each, this test process joined as a driver."""
    import ray

    ray_environment()
    local = start_cluster(workers=3, cpus=2)
    try:
        from server.runtime.ray_runtime import connect

        connect(local.address)
        print(f"ray cluster of 3 workers started in {local.started_s:.1f} s")
        yield local
    finally:
        ray.shutdown()
        local.stop()


@pytest.fixture
def store_target(pg_database: str) -> str:
    """A new database of its own on the real PostgreSQL server every node reaches."""
    return pg_database
