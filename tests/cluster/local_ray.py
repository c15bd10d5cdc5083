"""A real local Ray cluster of several nodes, for the cluster tests (and benchmarks).

Ray advertises the host's own address and listens on every interface, so this refuses to
start outside a network namespace that has only loopback (run the tests through
``tests/cluster/in_netns.sh``). Everything Ray writes goes under a fresh ``RAY_TMPDIR``, so
another cluster on the machine is never touched; ``stop`` ends only the processes this
cluster started (``ray.cluster_utils.Cluster`` kills its own nodes' processes).

Node deaths are noticed within about 1.5 s (the health checks below) instead of Ray's
default of about 15 s, so a killed node's actors come back quickly.
"""

from __future__ import annotations

import os
import socket
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any

FAST_HEALTH_CHECKS = {
    "health_check_period_ms": 500,
    "health_check_timeout_ms": 500,
    "health_check_failure_threshold": 3,
}


def loopback_only() -> bool:
    """True when this process's network namespace has no interface but ``lo``."""
    return [name for _index, name in socket.if_nameindex()] == ["lo"]


def ray_environment(tmp_root: str | None = None) -> str:
    """Set the environment a throwaway cluster needs; the fresh RAY_TMPDIR it uses."""
    os.environ["RAY_AUTH_MODE"] = "disabled"  # a stray ~/.ray/auth_token must not apply
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    tmp = tempfile.mkdtemp(prefix="nnray", dir=tmp_root or "/tmp")  # short: unix socket paths
    os.environ["RAY_TMPDIR"] = tmp
    return tmp


@dataclass
class LocalCluster:
    """A head node without CPUs (it schedules nothing) and worker nodes with ``cpus`` each."""

    cluster: Any
    workers: list[Any] = field(default_factory=list)
    started_s: float = 0.0

    @property
    def address(self) -> str:
        return str(self.cluster.address)

    def add_worker(self, cpus: float) -> Any:
        node = self.cluster.add_node(num_cpus=cpus)
        self.workers.append(node)
        self.cluster.wait_for_nodes()
        return node

    def worker_of(self, node_id: str) -> Any:
        """The worker node whose Ray node id is ``node_id``."""
        for node in self.workers:
            if node.node_id == node_id:
                return node
        raise LookupError(f"no worker node {node_id}")

    def kill(self, node: Any) -> None:
        """Kill a worker node at once (its raylet and workers), as a machine dies."""
        self.cluster.remove_node(node, allow_graceful=False)
        self.workers.remove(node)

    def stop(self) -> None:
        self.cluster.shutdown()


def start_cluster(workers: int = 2, cpus: float = 2) -> LocalCluster:
    """A head and ``workers`` worker nodes on 127.0.0.1 (call ``ray_environment`` first)."""
    if not loopback_only():
        raise RuntimeError("a test Ray cluster listens on every interface: run it in a "
                           "loopback-only network namespace (tests/cluster/in_netns.sh)")
    from ray.cluster_utils import Cluster

    began = time.monotonic()
    cluster = Cluster(initialize_head=True, head_node_args={
        "num_cpus": 0, "_system_config": FAST_HEALTH_CHECKS})
    local = LocalCluster(cluster)
    try:
        for _ in range(workers):
            local.workers.append(cluster.add_node(num_cpus=cpus))
        cluster.wait_for_nodes()
    except BaseException:
        cluster.shutdown()
        raise
    local.started_s = time.monotonic() - began
    return local
