"""Fixtures of the cluster tests: one real local Ray cluster per module, in a loopback-only
network namespace (``tests/cluster/in_netns.sh``), and a store every node reaches."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

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
def store_target(tmp_path: Path) -> str:
    return str(tmp_path / "sessions.sqlite3")
