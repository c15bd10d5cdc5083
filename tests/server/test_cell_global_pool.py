"""GET .../cell of a global_pool layer: the map it reads and its max or mean (issue 12,
item 7)."""

import numpy as np
import pytest

from tests.server.helpers import pixels_of_digit, tensor


def _spec(mode):  # type: ignore[no-untyped-def]
    return {"input": {"channels": 1, "height": 28, "width": 28},
            "layers": [{"type": "conv2d", "filters": 4, "kernel": 3, "padding": 1},
                       {"type": "relu"}, {"type": "global_pool", "mode": mode},
                       {"type": "dense", "units": 10}, {"type": "softmax"}]}


@pytest.mark.parametrize("mode", ["max", "avg"])
def test_global_pool_cell_is_the_max_or_mean_of_the_map_the_forward_sent(client, mode):
    sid = client.post("/api/sessions", json={"spec": _spec(mode),
                                             "settings": {"dataset_size": 100}}).json()["id"]
    reply = client.post(f"/api/sessions/{sid}/forward",
                        json={"pixels": pixels_of_digit(), "width": 56, "height": 56}).json()
    outputs = {layer["name"]: tensor(layer["output"]) for layer in reply["layers"]}
    for channel in range(4):
        cell = client.get(f"/api/sessions/{sid}/cell",
                          params={"layer": "gpool1", "channel": channel}).json()
        window = tensor(cell["window"])
        np.testing.assert_array_equal(window, outputs["relu1"][channel])
        assert cell["type"] == "global_pool" and cell["mode"] == mode
        assert cell["count"] == 28 * 28
        assert cell["feature_value"] == pytest.approx(float(outputs["gpool1"][channel]),
                                                      rel=1e-6, abs=1e-7)
        if mode == "max":
            r, c = cell["winner"]
            assert window[r, c] == window.max() == cell["result"]
            assert cell["sum"] is None
        else:
            assert cell["winner"] is None
            assert cell["sum"] == pytest.approx(float(window.sum()), rel=1e-6)
            assert cell["result"] == pytest.approx(cell["sum"] / cell["count"], rel=1e-6)
    bad = client.get(f"/api/sessions/{sid}/cell", params={"layer": "gpool1", "channel": 4})
    assert bad.status_code == 422 and bad.json()["detail"]["field"] == "query.channel"
