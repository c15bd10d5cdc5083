"""Other sites and rebinding pages cannot drive a local nnplay, one client cannot fill the
server with sessions, and a shared token guards a server others can reach (issue 13, item 3).
"""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from server.http.app import create_app
from server.http.cli import exposure_warning, main
from server.http.client_limits import ClientLimits
from server.http.host_guard import HostPolicy, same_origin, split_host
from tests.server.conftest import SMALL, app_settings


def _field(reply, status: int, field: str) -> str:
    assert reply.status_code == status, reply.text
    detail = reply.json()["detail"]
    assert detail["field"] == field and detail["message"].startswith(f"{field}:"), detail
    return str(detail["message"])


# -- Content-Type ------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["text/plain", "application/x-www-form-urlencoded", None])
def test_a_json_body_without_the_json_content_type_is_415(client, kind):
    headers = {"content-type": kind} if kind else {}
    stored = client.app.state.runtime.manager.store.count()
    reply = client.post("/api/sessions", content=b'{"settings": {"dataset_size": 300}}',
                        headers=headers)
    assert "application/json" in _field(reply, 415, "body")
    assert client.app.state.runtime.manager.store.count() == stored  # nothing was created


def test_json_with_a_charset_and_an_empty_create_body_are_accepted(client, session):
    reply = client.put(f"/api/sessions/{session['id']}/settings",
                       content=b'{"settings": {"lr": 0.2}}',
                       headers={"content-type": "application/json; charset=utf-8"})
    assert reply.status_code == 200, reply.text
    assert client.post("/api/sessions").status_code == 201  # no body: the defaults


def test_a_forward_sent_as_text_is_415(client, session):
    reply = client.post(f"/api/sessions/{session['id']}/forward",
                        content=b'{"sample": {"split": "val", "index": 0}}',
                        headers={"content-type": "text/plain"})
    _field(reply, 415, "body")


# -- Host and Origin ---------------------------------------------------------------------

def test_host_names_follow_the_bound_address_and_the_allow_list():
    loopback = HostPolicy("127.0.0.1")
    for host in ("127.0.0.1:8000", "localhost:8000", "LOCALHOST", "[::1]:8000", "127.0.0.1"):
        assert loopback.allows(host), host
    for host in ("evil.example:8000", "127.0.0.1.evil.example", "", "10.0.0.5:8000"):
        assert not loopback.allows(host), host
    named = HostPolicy("192.168.1.20", ("class.local",))
    assert named.allows("192.168.1.20:8000") and named.allows("class.local:8000")
    assert not named.allows("localhost:8000") and not named.allows("evil.example")
    everywhere = HostPolicy("0.0.0.0")
    assert everywhere.allows("192.168.1.20:8000") and everywhere.allows("localhost")
    assert not everywhere.allows("rebind.evil.example:8000")
    assert split_host("[::1]:8000") == ("::1", 8000) and split_host("a.b.") == ("a.b", None)


def test_same_origin_compares_host_and_the_port_host_names():
    assert same_origin("http://127.0.0.1:8000", "127.0.0.1:8000")
    assert same_origin("https://class.example", "class.example")
    assert not same_origin("http://127.0.0.1:9999", "127.0.0.1:8000")
    assert not same_origin("http://evil.example", "127.0.0.1:8000")
    assert not same_origin("null", "127.0.0.1:8000")


def test_a_host_the_server_does_not_answer_to_is_refused(tmp_path):
    app = create_app(app_settings(data_dir=tmp_path, allow_hosts=()))  # 127.0.0.1 only
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        assert c.post("/api/sessions").status_code == 201
        assert c.get("/", headers={"host": "localhost:8000"}).status_code == 200
        reply = c.get("/api/health", headers={"host": "rebind.evil.example:8000"})
        assert "--allow-host" in _field(reply, 400, "host")
    with TestClient(app) as c, pytest.raises(WebSocketDisconnect):  # WS Host: "testserver"
        with c.websocket_connect("/api/sessions/x/ws"):
            pass


def test_requests_from_other_sites_are_refused(client, session):
    sid = session["id"]
    evil = {"origin": "http://evil.example"}
    reply = client.put(f"/api/sessions/{sid}/settings", json={"settings": {"lr": 0.3}},
                       headers=evil)
    _field(reply, 403, "origin")
    _field(client.post("/api/sessions/import", files={"file": ("m.npz", b"x")}, headers=evil),
           403, "origin")
    assert client.get(f"/api/sessions/{sid}").json()["settings"]["lr"] == SMALL.get("lr", 0.05)
    assert client.get(f"/api/sessions/{sid}", headers=evil).status_code == 200  # reads: CORS
    own = client.put(f"/api/sessions/{sid}/settings", json={"settings": {"lr": 0.3}},
                     headers={"origin": "http://testserver"})
    assert own.status_code == 200, own.text
    with pytest.raises(WebSocketDisconnect):
        with client.websocket_connect(f"/api/sessions/{sid}/ws", headers=evil):
            pass
    with client.websocket_connect(f"/api/sessions/{sid}/ws",
                                  headers={"origin": "http://testserver"}) as ws:
        assert ws.receive_json()["type"] == "state"


# -- sessions per client -----------------------------------------------------------------

def test_one_client_may_create_only_so_many_sessions_a_minute(tmp_path):
    app = create_app(app_settings(data_dir=tmp_path, max_sessions_per_minute=2))
    now = [1000.0]
    app.state.client_limits = ClientLimits(2, 10**9, clock=lambda: now[0])
    with TestClient(app) as c:
        first = c.post("/api/sessions", json={"settings": SMALL})
        assert first.status_code == 201
        exported = c.get(f"/api/sessions/{first.json()['id']}/export.npz").content
        assert c.post("/api/sessions/import",
                      files={"file": ("m.npz", io.BytesIO(exported))}).status_code == 201
        now[0] += 30
        refused = c.post("/api/sessions", json={"settings": SMALL})
        message = _field(refused, 429, "session")
        assert "max_sessions_per_minute" in message and "30 s" in message
        assert refused.headers["retry-after"] == "30"
        assert c.post("/api/sessions/import",
                      files={"file": ("m.npz", io.BytesIO(exported))}).status_code == 429
        assert c.app.state.runtime.manager.store.count() == 2
        now[0] += 30  # the first creation has left the window
        assert c.post("/api/sessions", json={"settings": SMALL}).status_code == 201


# -- the shared access token --------------------------------------------------------------

def test_a_token_guards_every_request_and_the_shared_link_sets_a_cookie(tmp_path):
    app = create_app(app_settings(data_dir=tmp_path, token="class-2026-word"))
    with TestClient(app) as c:
        assert c.get("/api/health").status_code == 200  # open: tells nothing
        _field(c.post("/api/sessions", json={"settings": SMALL}), 401, "token")
        _field(c.get("/", headers={"authorization": "Bearer wrong-word"}), 401, "token")
        with pytest.raises(WebSocketDisconnect):
            with c.websocket_connect("/api/sessions/x/ws"):
                pass
        bearer = c.post("/api/sessions", json={"settings": SMALL},
                        headers={"authorization": "Bearer class-2026-word"})
        assert bearer.status_code == 201
        page = c.get("/?token=class-2026-word")
        assert page.status_code == 200
        cookie = page.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        sid = c.post("/api/sessions", json={"settings": SMALL}).json()["id"]  # the cookie
        with c.websocket_connect(f"/api/sessions/{sid}/ws") as ws:
            assert ws.receive_json()["type"] == "state"


def test_a_server_others_can_reach_warns_loudly(capsys):
    assert exposure_warning("127.0.0.1", None) is None
    assert exposure_warning("localhost", None) is None
    open_warning = exposure_warning("0.0.0.0", None) or ""
    assert "WARNING" in open_warning and "--token" in open_warning
    assert "no access token" not in (exposure_warning("0.0.0.0", "class-2026-word") or "x")
    assert main(["--token", "short", "--no-open"]) == 2
    assert "--token must be 8 to 256" in capsys.readouterr().err
