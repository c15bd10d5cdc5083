"""``nnplay --store``: a PostgreSQL URL instead of the SQLite file, shared by several servers."""

from __future__ import annotations

import httpx

from server.http.cli import main
from tests.live_server import free_port, start_server
from tests.server.helpers import same_weights, weights


def test_a_store_that_is_not_a_postgresql_url_is_refused(tmp_path, capsys):
    assert main(["--store", "mysql://db/nnplay", "--port", str(free_port()),
                 "--data-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "--store mysql://db/nnplay: write a postgresql://" in err and "Traceback" not in err


def test_an_unreachable_database_is_named_with_store_and_no_password(tmp_path, capsys):
    url = "postgresql://nnplay:secret@127.0.0.1:1/nnplay?connect_timeout=5"
    assert main(["--store", url, "--port", str(free_port()), "--data-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("nnplay: --store postgresql://nnplay:***@127.0.0.1:1/nnplay")
    assert "cannot connect to PostgreSQL" in err
    assert "secret" not in err and "Traceback" not in err
    assert not (tmp_path / "nnplay.lock").exists()  # the data-dir lock is SQLite's


def test_two_servers_share_one_database(tmp_path, pg_database):
    """Both start on one data dir (no lock with --store), and a session made through one is
    there through the other, weights and all."""
    extra = ("--store", pg_database, "--limit", "max_sessions_per_minute=1000")
    first = start_server(tmp_path, extra_args=extra)
    try:
        second = start_server(tmp_path, extra_args=extra)
        try:
            with httpx.Client(base_url=first.url, timeout=60) as one, \
                    httpx.Client(base_url=second.url, timeout=60) as two:
                made = one.post("/api/sessions", json={
                    "settings": {"dataset_size": 200, "batch_size": 50}})
                assert made.status_code == 201, made.text
                sid = made.json()["id"]
                there = two.get(f"/api/sessions/{sid}")
                assert there.status_code == 200, there.text
                assert there.json()["spec"] == made.json()["spec"]
                assert same_weights(weights(one, sid), weights(two, sid))
        finally:
            second.stop()
    finally:
        first.stop()
