"""bench/ab.py: the pairing and the figure it reports (the runs themselves need gunicorn and
wrk under load, which `make bench` exercises)."""

from __future__ import annotations

import pytest

from bench import ab


def test_pairs_alternate_which_side_goes_first():
    assert [ab.order(pair) for pair in range(4)] == [
        ("A", "B"),
        ("B", "A"),
        ("A", "B"),
        ("B", "A"),
    ]


def test_the_figure_is_the_median_of_each_pairs_ratio():
    """A slow minute lowers both sides of its pair, not the median of the ratios."""
    comparison = ab.Comparison(
        a_rps=[100, 50, 100], b_rps=[120, 60, 150], a_p95_ms=[1, 2, 1], b_p95_ms=[1, 1, 1]
    )
    assert comparison.ratios == [1.2, 1.2, 1.5]
    assert comparison.median_ratio == 1.2


def test_an_unknown_endpoint_is_refused_before_anything_starts(capsys):
    with pytest.raises(SystemExit) as exit_info:
        ab.main(["HEAD", "--only", "no_such_endpoint"])
    assert exit_info.value.code == 2
    assert "no such endpoint: no_such_endpoint" in capsys.readouterr().err
