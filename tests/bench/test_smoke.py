"""`make bench BENCH=smoke` end to end: tiny data, gunicorn, wrk, about 2 s per endpoint.

Needs wrk. The bench installs it when it can (root + apt-get); where it cannot, this test fails
in CI (CI=true), where the benchmark must run, and skips locally with the reason.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench import run, wrk

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def _wrk_or_skip() -> None:
    try:
        wrk.ensure_wrk()
    except wrk.WrkError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the benchmark smoke test: {error}")
        pytest.skip(str(error))


def test_smoke_run_prints_every_endpoint_with_real_figures():
    """Every floor and every endpoint on this branch gets a row with requests/s above zero,
    latencies, queries and budgets, in the printed table and in bench/results/."""
    _wrk_or_skip()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    make = shutil.which("make")
    command = (
        [make, "bench", "BENCH=smoke"] if make else [sys.executable, "bench/run.py", "--smoke"]
    )
    result = subprocess.run(  # noqa: S603 - our own command
        command, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=240, check=False
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]

    data = json.loads((run.RESULTS_DIR / "latest-smoke.json").read_text())
    rows = {row["name"]: row for row in data["rows"]}
    expected = {e.name for e in run.ENDPOINTS} - set(data["meta"]["skipped"])
    assert set(rows) == expected
    assert {"plain", "pk", "ratelimit", "web_dashboard", "web_plan", "web_gallery"} <= expected
    assert {"admin_plans"} <= expected  # the admin is on main
    for name, row in rows.items():
        assert row["rps"] > 0, name
        assert row["requests"] > 0, name
        assert row["errors"] == 0, name
        assert 0 < row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"] * 1.01 + 0.5, name
        assert row["queries"] >= 1 or name == "plain", name
        assert set(row["ratios"]) == {"plain", "pk", "ratelimit"}, name
    assert (rows["plain"]["queries"], rows["plain"]["transaction_statements"]) == (0, 0)
    # The upsert alone, in autocommit; one SELECT inside the request's BEGIN/COMMIT.
    assert (rows["ratelimit"]["queries"], rows["ratelimit"]["transaction_statements"]) == (1, 0)
    assert (rows["pk"]["queries"], rows["pk"]["transaction_statements"]) == (1, 2)
    # Endpoints with a latency budget also get a one-connection pass; the others do not.
    for endpoint in run.ENDPOINTS:
        if endpoint.name in rows:
            budget = endpoint.budget
            has_latency_budget = bool(budget and (budget.max_p95_ms or budget.max_p99_ms))
            assert (rows[endpoint.name]["idle_p95_ms"] is not None) == has_latency_budget
            if has_latency_budget:
                assert rows[endpoint.name]["idle_p95_ms"] > 0
    for endpoint in run.ENDPOINTS:
        if endpoint.name in rows:
            assert endpoint.label in output
    assert "x plain" in output
    assert "x ratelimit" in output
