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
