"""Every HTTP response carries the Content-Security-Policy and the other security headers
(server/http/security_headers.py): pages, the API (replies and refusals), static files, /docs."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient


def directives(csp: str) -> dict[str, list[str]]:
    """'a x y; b z' -> {'a': ['x', 'y'], 'b': ['z']}."""
    out: dict[str, list[str]] = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def assert_secured(reply: Any) -> None:
    h = reply.headers
    csp = directives(h["content-security-policy"])
    assert csp["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["default-src"] == ["'self'"]
    assert not any("unsafe" in v for values in csp.values() for v in values)
    assert h["x-content-type-options"] == "nosniff"
    assert h["referrer-policy"] == "no-referrer"
    assert h["x-frame-options"] == "DENY"
    # each header once, even where a route or Starlette set one of its own
    for name in ("content-security-policy", "x-content-type-options", "referrer-policy"):
        assert len(h.get_list(name)) == 1, name


@pytest.mark.parametrize("path", [
    "/", "/lab", "/docs", "/openapi.json", "/api/health",
    "/static/js/main.js", "/static/css/app.css", "/static/vendor/swagger-ui/swagger-ui-bundle.js",
])
def test_get_responses_carry_the_headers(client: TestClient, path: str) -> None:
    reply = client.get(path)
    assert reply.status_code == 200, reply.text
    assert_secured(reply)


def test_api_replies_and_refusals_carry_the_headers(client: TestClient) -> None:
    created = client.post("/api/sessions", json={"settings": {"dataset_size": 300}})
    assert created.status_code == 201, created.text
    assert_secured(created)
    sid = created.json()["id"]
    assert_secured(client.get(f"/api/sessions/{sid}"))
    missing = client.get("/api/sessions/no-such-session")
    assert missing.status_code == 404
    assert_secured(missing)
    bad = client.put(f"/api/sessions/{sid}/settings", json={"settings": {"lr": "fast"}})
    assert 400 <= bad.status_code < 500
    assert_secured(bad)
    assert_secured(client.get("/static/no-such-file.js"))


def test_a_refused_oversized_body_carries_the_headers(client: TestClient) -> None:
    """The body-limit middleware answers 413 itself; the headers wrap it too."""
    limit = client.app.state.settings.max_json_bytes  # type: ignore[attr-defined]
    reply = client.post("/api/sessions", content=b" " * (limit + 1),
                        headers={"content-type": "application/json"})
    assert reply.status_code == 413
    assert_secured(reply)
