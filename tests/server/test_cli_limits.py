from server.cli import main, parse_args


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

    import server.cli

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    seen: list[list[int]] = []

    def run_instead(app, **kwargs):  # what uvicorn would serve with: the BLAS threads now
        np.ones((64, 64)) @ np.ones((64, 64))
        seen.append([p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"])

    monkeypatch.setattr(server.cli.uvicorn, "run", run_instead)
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
