"""The benchmark's arithmetic: wrk's output read right, ratios, budgets, baseline comparison."""

from __future__ import annotations

import pytest

from bench import report, wrk

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8000/api/v1/plans/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    25.10ms    4.20ms  80.00ms   80.00%
    Req/Sec   320.00     30.00   400.00     70.00%
  Latency Distribution
     50%  750.00us
     75%   27.00ms
     90%   31.50ms
     99%    1.20s
  6400 requests in 10.00s, 12.00MB read
Requests/sec:    640.25
Transfer/sec:      1.20MB
WAYFARER_BENCH p95_us=35500 requests=6400 duration_us=10000000 connect=0 read=0 write=0 \
status=3 timeout=1
"""


def test_parse_reads_throughput_percentiles_in_any_unit_and_errors():
    result = wrk.parse(WRK_OUTPUT)
    assert result == wrk.WrkResult(
        requests_per_second=640.25,
        requests=6400,
        p50_ms=0.75,
        p75_ms=27.0,
        p90_ms=31.5,
        p95_ms=35.5,
        p99_ms=1200.0,
        errors={"connect": 0, "read": 0, "write": 0, "status": 3, "timeout": 1},
    )
    assert result.failed == 4


def test_parse_refuses_output_without_figures():
    with pytest.raises(wrk.WrkError, match="no usable figures"):
        wrk.parse("unable to connect to 127.0.0.1:8000 Connection refused")


def test_lua_script_sets_headers_safely_and_prints_p95():
    script = wrk.lua_script({"Authorization": 'Bearer a"b\\c'})
    assert 'wrk.headers["Authorization"] = "Bearer a\\"b\\\\c"' in script
    assert "latency:percentile(95)" in script


def _row(name: str, rps: float, *, floor: bool = False, **figures) -> report.Row:
    defaults = {"p50_ms": 2.0, "p90_ms": 3.0, "p95_ms": 4.0, "p99_ms": 5.0, "queries": 3}
    return report.Row(
        name=name,
        label=name,
        path="/",
        floor=floor,
        rps=rps,
        requests=100,
        errors=0,
        **{**defaults, **figures},
    )


def _rows(list_rps: float) -> list[report.Row]:
    rows = [
        _row("plain", 4000, floor=True),
        _row("pk", 2000, floor=True),
        _row("ratelimit", 1000, floor=True),
        _row("api_plan_list", list_rps),
    ]
    report.add_ratios(rows)
    return rows


def test_ratios_to_each_floor_and_to_their_geometric_mean():
    rows = _rows(500)
    assert rows[3].ratios == {"plain": 0.125, "pk": 0.25, "ratelimit": 0.5}
    assert rows[3].normalised == pytest.approx(0.25)  # geometric mean of the floors: 2000


def test_budget_reports_each_target_met_or_missed():
    budget = report.Budget(min_rps=500, max_p99_ms=40, max_queries=4)
    assert budget.check(_row("a", 520, p99_ms=39.0, queries=4)) == [
        (">=500/s", True),
        ("p99<40ms", True),
        ("<=4q", True),
    ]
    assert [ok for _, ok in budget.check(_row("b", 480, p99_ms=41.0, queries=5))] == [
        False,
        False,
        False,
    ]


def test_a_drop_of_more_than_20_percent_relative_to_the_floors_is_a_regression():
    baseline = report.baseline_from(_rows(500), {"mode": "full"})
    [same] = report.compare(_rows(500), baseline)
    [slower] = report.compare(_rows(410), baseline)
    [much_slower] = report.compare(_rows(390), baseline)
    assert (same.regressed, slower.regressed, much_slower.regressed) == (False, False, True)
    assert much_slower.change == pytest.approx(-0.22)


def test_a_slower_machine_is_not_a_regression():
    """Everything at half speed, floors included: the ratios hold, nothing regressed."""
    baseline = report.baseline_from(_rows(500), {"mode": "full"})
    rows = [_row(r.name, r.rps / 2, floor=r.floor) for r in _rows(500)]
    report.add_ratios(rows)
    [comparison] = report.compare(rows, baseline)
    assert comparison.change == pytest.approx(0)
    assert not comparison.regressed


def test_tables_have_a_row_per_endpoint():
    rows = _rows(500)
    text = report.text_table(rows)
    markdown = report.markdown_table(rows)
    assert len(text.splitlines()) == 2 + len(rows)
    assert len(markdown.splitlines()) == 2 + len(rows)
    assert "api_plan_list" in text
    assert "0.250" in markdown


def test_tables_show_transaction_statements_apart_and_the_idle_p95():
    """A budget counts queries; BEGIN/COMMIT are shown beside them, not in them."""
    rows = _rows(500)
    rows[3].queries, rows[3].transaction_statements, rows[3].idle_p95_ms = 4, 2, 12.345
    budget = report.Budget(max_queries=4)
    assert budget.check(rows[3]) == [("<=4q", True)]
    [line] = [line for line in report.markdown_table(rows).splitlines() if "api_plan_list" in line]
    cells = [cell.strip() for cell in line.strip("|").split("|")]
    assert cells[report.HEADERS.index("queries")] == "4+2tx"
    assert cells[report.HEADERS.index("p95 idle")] == "12.35"
    assert "| - |" in report.markdown_table(rows)  # floors have no idle pass
