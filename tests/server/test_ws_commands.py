"""WebSocket commands: what trace and set_probe_rate accept, and a runner that survives."""

from __future__ import annotations

from tests.server.helpers import of_type, receive_until

# docs/protocol.md, "Binary frames": every kind a trace sends
DOCUMENTED_KINDS = {"input", "output", "pre_activation", "grad_output", "W", "b", "grad_W",
                    "grad_b", "update_W", "update_b", "W_after", "b_after"}
SAMPLE = {"split": "val", "index": 0}


def _connect(client, sid):
    ws = client.websocket_connect(f"/api/sessions/{sid}/ws")
    return ws


def test_trace_kinds_are_the_kinds_a_trace_sends(client, session):
    with _connect(client, session["id"]) as ws:
        ws.receive_json()
        ws.send_json({"seq": 1, "cmd": "trace", "sample": SAMPLE})
        _, frames = receive_until(ws, 1)
        assert {h["kind"] for h, _ in frames} == DOCUMENTED_KINDS
        ws.send_json({"seq": 2, "cmd": "trace", "sample": SAMPLE, "kinds": ["W_after"]})
        messages, frames = receive_until(ws, 2)
        assert of_type(messages, "done") and not of_type(messages, "error"), messages
        assert sorted(h["name"] for h, _ in frames) == ["conv1.W_after", "dense1.W_after"]
        assert frames[0][1].shape == (8, 1, 3, 3)
        ws.send_json({"seq": 3, "cmd": "trace", "sample": SAMPLE, "kinds": ["b_after"]})
        _, frames = receive_until(ws, 3)
        assert sorted(h["name"] for h, _ in frames) == ["conv1.b_after", "dense1.b_after"]
        for kind in sorted(DOCUMENTED_KINDS):
            ws.send_json({"seq": 4, "cmd": "trace", "sample": SAMPLE, "kinds": [kind]})
            messages, frames = receive_until(ws, 4)
            assert not of_type(messages, "error"), messages
            assert frames and {h["kind"] for h, _ in frames} == {kind}
        # accepted by neither: not documented, never sent
        for command in ({"cmd": "trace", "sample": SAMPLE}, {"cmd": "set_probe_rate",
                                                           "per_second": 1}):
            ws.send_json({"seq": 5, **command, "kinds": ["grad_input"]})
            messages, _ = receive_until(ws, 5)
            error = of_type(messages, "error")[0]
            assert error["field"].startswith("kinds"), error
            assert not of_type(messages, "ack")
