import pytest

from server.http.cli import LIMITS, main, parse_args, parse_limits


def test_limit_flags_parse():
    args = parse_args(["--training-threads", "2", "--session-ttl-days", "0.5"])
    assert args.training_threads == 2 and args.session_ttl_days == 0.5


def test_bad_limit_flags_are_refused_without_a_traceback(capsys):
    assert main(["--training-threads", "0", "--no-open"]) == 2
    assert main(["--session-ttl-days", "-1", "--no-open"]) == 2
    err = capsys.readouterr().err
    assert "--training-threads must be at least 1" in err
    assert "--session-ttl-days must be more than 0" in err
    assert "Traceback" not in err


def test_blas_threads_flag_limits_numpy_for_the_server_process(monkeypatch, tmp_path, capsys):
    import socket

    import numpy as np
    from threadpoolctl import threadpool_info, threadpool_limits

    import server.http.cli

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    seen: list[list[int]] = []

    def run_instead(app, **kwargs):  # what uvicorn would serve with: the BLAS threads now
        np.ones((64, 64)) @ np.ones((64, 64))
        seen.append([p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"])

    monkeypatch.setattr(server.http.cli.uvicorn, "run", run_instead)
    before = threadpool_info()
    threadpool_limits(limits=2, user_api="blas")  # so the flag has something to change
    try:
        assert main(["--blas-threads", "1", "--port", str(port), "--data-dir", str(tmp_path),
                     "--no-open"]) == 0
    finally:
        threadpool_limits(limits=before)
    assert seen and seen[0] and all(n == 1 for n in seen[0])
    assert main(["--blas-threads", "0", "--no-open"]) == 2
    assert "--blas-threads must be at least 1" in capsys.readouterr().err


def test_limit_flag_sets_any_ceiling_of_the_settings():
    assert "max_upload_bytes" in LIMITS and "max_sessions_on_disk" in LIMITS
    assert parse_limits(["max_layers=8", "max_upload_bytes=1000"]) == {
        "max_layers": 8, "max_upload_bytes": 1000}


@pytest.mark.parametrize(("pair", "says"), [
    ("max_layers", "write NAME=VALUE"),
    ("max_nonsense=3", "unknown limit 'max_nonsense'"),
    ("max_layers=lots", "'lots' is not a whole number"),
    ("max_layers=0", "must be at least 1"),
])
def test_bad_limit_is_refused_naming_it(pair, says, capsys):
    assert main(["--limit", pair, "--no-open"]) == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err


def test_limit_reaches_the_app(monkeypatch, tmp_path):
    import socket

    import server.http.cli

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    made = []
    monkeypatch.setattr(server.http.cli, "create_app", lambda settings: made.append(settings))
    monkeypatch.setattr(server.http.cli.uvicorn, "run", lambda app, **kwargs: None)
    assert main(["--limit", "max_layers=5", "--limit", "max_grid=11", "--port", str(port),
                 "--data-dir", str(tmp_path), "--no-open"]) == 0
    assert made[0].max_layers == 5 and made[0].max_grid == 11


def test_max_memory_flag_sets_the_byte_ceiling(monkeypatch, tmp_path, capsys):
    import socket

    import server.http.cli
    from server.config import MIB, default_max_memory
    from server.http.cli import parse_size

    assert parse_size("512M") == 512 * MIB and parse_size("2G") == 2048 * MIB
    assert parse_size("300000000") == 300_000_000 and parse_size("1.5g") == 1536 * MIB
    assert 256 * MIB <= LIMITS["max_memory_bytes"] == default_max_memory() <= 4096 * MIB
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    served = []
    monkeypatch.setattr(server.http.cli.uvicorn, "run",
                        lambda app, **kwargs: served.append(app.state.settings))
    assert main(["--port", str(port), "--data-dir", str(tmp_path / "d"),
                 "--max-memory", "300M"]) == 0
    assert served[0].max_memory_bytes == 300 * MIB
    for bad in ("lots", "5M", "-1G"):
        assert main(["--port", str(port), "--data-dir", str(tmp_path / "e"),
                     f"--max-memory={bad}"]) == 2
    err = capsys.readouterr().err
    assert "--max-memory lots: write a size such as 512M or 2G" in err
    assert "--max-memory 5M: must be at least 16M" in err
    assert "Traceback" not in err
