"""bench/failover.py: which failures it excuses and what it calls exact (the run itself needs
gunicorn and the smoke database; run it by hand, see its docstring)."""

from __future__ import annotations

import pytest

from bench import failover

KILLS = [failover.Kill(started=5.0, ended=5.01, terminated=10)]


def _report(outcomes, tmp_path, counted):
    log = tmp_path / "site.log"
    log.write_text("")
    return failover.report("test", outcomes, KILLS, log, counted)


def test_only_a_request_in_flight_at_the_kill_may_fail(tmp_path, capsys):
    in_flight = failover.Outcome("api", 4.99, 5.02, 500)
    after = failover.Outcome("page", 5.2, 5.3, 500)
    assert _report([in_flight], tmp_path, counted=1) == 0
    assert _report([in_flight, after], tmp_path, counted=1) == 1
    assert "failures not in flight at a kill: 1" in capsys.readouterr().out


@pytest.mark.parametrize(("counted", "status"), [(1, 1), (2, 0), (3, 0), (4, 1)])
def test_each_answered_api_request_is_counted_once_a_failed_one_at_most_once(
    tmp_path, counted, status
):
    outcomes = [
        failover.Outcome("api", 1.0, 1.1, 200),
        failover.Outcome("api", 2.0, 2.1, 200),
        failover.Outcome("api", 5.0, 5.05, 500),
    ]
    assert _report(outcomes, tmp_path, counted) == status


def test_bounds_are_checked_before_anything_starts(capsys):
    with pytest.raises(SystemExit) as exit_info:
        failover.parse_args(["--duration", "600"])
    assert exit_info.value.code == 2
    assert "--duration must be 1 to 120 s" in capsys.readouterr().err
