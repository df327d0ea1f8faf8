"""Driving `wrk` (Debian package `wrk`): make sure it is there, run it, read its figures.

wrk prints requests/s and the 50/75/90/99th latency percentiles with --latency; p95 and the
error counts come from a Lua `done()` hook that prints one machine-readable line.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path


class WrkError(Exception):
    """wrk is missing and cannot be installed, or a run produced no usable figures."""


def ensure_wrk(*, install: bool = True) -> str:
    """The path of wrk, installing the Debian package when missing and this process can."""
    found = shutil.which("wrk")
    if found:
        return found
    apt = shutil.which("apt-get")
    if not install or apt is None or os.geteuid() != 0:
        raise WrkError(
            "wrk is not installed and cannot be installed here (needs root and apt-get); "
            "install the Debian package: sudo apt-get install wrk"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in ([apt, "update", "-qq"], [apt, "install", "-y", "-qq", "wrk"]):
        result = subprocess.run(  # noqa: S603 - fixed arguments
            command, env=env, capture_output=True, text=True, timeout=300, check=False
        )
        if result.returncode != 0 and command[1] == "install":
            raise WrkError(
                "wrk is not installed and `apt-get install wrk` failed: "
                + (result.stderr.strip().splitlines() or ["no output"])[-1]
            )
    found = shutil.which("wrk")
    if not found:
        raise WrkError("apt-get installed wrk but it is not on PATH.")
    return found


def lua_script(headers: dict[str, str]) -> str:
    """Request headers, and a done() hook printing p95 and errors on one parseable line."""
    lines = [f"wrk.headers[{_lua_string(k)}] = {_lua_string(v)}" for k, v in headers.items()]
    lines.append(
        """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WAYFARER_BENCH p95_us=%.0f requests=%d duration_us=%d connect=%d read=%d write=%d "
    .. "status=%d timeout=%d\\n",
    latency:percentile(95), summary.requests, summary.duration,
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""
    )
    return "\n".join(lines)


def _lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "") + '"'


@dataclass(frozen=True)
class WrkResult:
    requests_per_second: float
    requests: int
    p50_ms: float
    p75_ms: float
    p90_ms: float
    p95_ms: float
    p99_ms: float
    errors: dict[str, int]  # connect, read, write, status (>= 400), timeout

    @property
    def failed(self) -> int:
        return sum(self.errors.values())


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_PERCENTILE = re.compile(r"^\s*(50|75|90|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$", re.MULTILINE)
_RPS = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
_HOOK = re.compile(r"^WAYFARER_BENCH (.*)$", re.MULTILINE)


def parse(output: str) -> WrkResult:
    """Figures from wrk's text output plus our done() line; WrkError if any is missing."""
    rps = _RPS.search(output)
    hook = _HOOK.search(output)
    percentiles = {int(p): float(v) * _UNITS_MS[unit] for p, v, unit in _PERCENTILE.findall(output)}
    if rps is None or hook is None or set(percentiles) != {50, 75, 90, 99}:
        raise WrkError("wrk printed no usable figures:\n" + output.strip()[-2000:])
    fields = dict(item.split("=", 1) for item in hook.group(1).split())
    return WrkResult(
        requests_per_second=float(rps.group(1)),
        requests=int(fields["requests"]),
        p50_ms=percentiles[50],
        p75_ms=percentiles[75],
        p90_ms=percentiles[90],
        p95_ms=int(fields["p95_us"]) / 1000,
        p99_ms=percentiles[99],
        errors={k: int(fields[k]) for k in ("connect", "read", "write", "status", "timeout")},
    )


def run(
    wrk: str,
    url: str,
    *,
    script: Path,
    duration_s: int,
    connections: int,
    threads: int,
) -> WrkResult:
    """One fixed-duration run against one URL (bounded by a timeout well above the duration)."""
    command = [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration_s}s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        str(script),
        url,
    ]
    result = subprocess.run(  # noqa: S603 - our own arguments
        command, capture_output=True, text=True, timeout=duration_s + 60, check=False
    )
    if result.returncode != 0:
        raise WrkError(f"wrk exited with {result.returncode}: {result.stderr.strip()[-500:]}")
    return parse(result.stdout)
