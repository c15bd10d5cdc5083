"""``nnplay --ray``: refused, with a message saying why, without a PostgreSQL store."""

from __future__ import annotations

from server.http.cli import main
from tests.live_server import free_port


def test_ray_without_a_postgresql_store_is_refused(tmp_path, capsys):
    assert main(["--ray", "auto", "--port", str(free_port()), "--data-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("nnplay: --ray needs --store postgresql://")
    assert "Traceback" not in err
    assert not (tmp_path / "nnplay.lock").exists()  # refused before anything was opened


def test_ray_options_must_be_positive(tmp_path, capsys):
    store = "postgresql://nnplay@127.0.0.1:1/nnplay"
    for flag in ("--session-idle-s", "--session-cpus"):
        assert main(["--ray", "auto", "--store", store, flag, "0",
                     "--port", str(free_port()), "--data-dir", str(tmp_path)]) == 2
        assert f"{flag} must be more than 0" in capsys.readouterr().err
