"""Print, as one JSON line, the nodes of the Ray cluster at ADDRESS and its live actors per node.

    python -m bench.ray_observer 127.0.0.1:6379

Run by ``bench/cluster.py`` in a subprocess of its own (it joins the cluster as a driver for a
moment): ``{"nodes": [{"id", "alive", "resources"}], "actors": {node_id: {class: count}},
"pids": {node_id: [actor process ids]}}``,
from the GCS's node and actor tables (alive actors only; restarting ones under "RESTARTING").
"""

from __future__ import annotations

import json
import logging
import sys
from collections import Counter, defaultdict


def snapshot(address: str) -> dict[str, object]:
    import ray
    from ray._private import state

    ray.init(address=address, logging_level=logging.ERROR, log_to_driver=False)
    try:
        nodes = [{"id": n["NodeID"], "alive": bool(n["Alive"]),
                  "resources": n.get("Resources", {})} for n in ray.nodes()]
        actors: dict[str, Counter[str]] = defaultdict(Counter)
        pids: dict[str, list[int]] = defaultdict(list)
        for info in state.actors().values():
            if info["State"] == "ALIVE":
                actors[info["Address"]["NodeID"]][info["ActorClassName"]] += 1
                pids[info["Address"]["NodeID"]].append(int(info["Pid"]))
            elif info["State"] == "RESTARTING":
                actors["RESTARTING"][info["ActorClassName"]] += 1
        return {"nodes": nodes, "actors": {k: dict(v) for k, v in actors.items()},
                "pids": pids}
    finally:
        ray.shutdown()


if __name__ == "__main__":
    print(json.dumps(snapshot(sys.argv[1])))
