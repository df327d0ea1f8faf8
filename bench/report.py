"""Budgets, the results table (text, Markdown, JSON) and the comparison with the baseline.

Throughput is compared as a ratio to the floors measured in the same run, never as raw
requests/s: a slower machine slows the floors as much as the endpoints, so the ratio holds.
The figure compared with the baseline is an endpoint's requests/s divided by the geometric mean
of the three floors' (one noisy floor moves it less than dividing by a single floor would).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

FLOORS = ("plain", "pk", "ratelimit")
REGRESSION_TOLERANCE = 0.20  # more than 20% below the baseline fails the run


@dataclass(frozen=True)
class Budget:
    """The issue's targets for one endpoint; None means no target for that figure."""

    min_rps: float | None = None
    max_p95_ms: float | None = None
    max_p99_ms: float | None = None
    max_queries: int | None = None
    max_sql_p95_ms: float | None = None  # the reads' time inside PostgreSQL (EXPLAIN ANALYZE)

    def check(self, row: Row) -> list[tuple[str, bool]]:
        checks = []
        if self.min_rps is not None:
            checks.append((f">={self.min_rps:g}/s", row.rps >= self.min_rps))
        if self.max_p95_ms is not None:
            checks.append((f"p95<{self.max_p95_ms:g}ms", row.p95_ms < self.max_p95_ms))
        if self.max_p99_ms is not None:
            checks.append((f"p99<{self.max_p99_ms:g}ms", row.p99_ms < self.max_p99_ms))
        if self.max_queries is not None:
            checks.append((f"<={self.max_queries}q", row.queries <= self.max_queries))
        if self.max_sql_p95_ms is not None:
            met = row.sql_p95_ms < self.max_sql_p95_ms
            checks.append((f"SQL p95<{self.max_sql_p95_ms:g}ms", met))
        return checks


@dataclass
class Row:
    name: str
    label: str
    path: str
    floor: bool
    rps: float
    p50_ms: float
    p90_ms: float
    p95_ms: float
    p99_ms: float
    queries: int
    requests: int
    errors: int
    transaction_statements: int = 0  # BEGIN/COMMIT/savepoints, counted apart from queries
    idle_p95_ms: float | None = None  # p95 at one connection, for endpoints with latency budgets
    sql_p95_ms: float = 0.0  # the reads' planning + execution in PostgreSQL, p95 of repeats
    indexes: tuple[str, ...] = ()  # the indexes the reads' plans use
    ratios: dict[str, float] = field(default_factory=dict)
    normalised: float = 0.0
    budget: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def budget_met(self) -> bool | None:
        return all(ok for _, ok in self.budget) if self.budget else None


def add_ratios(rows: list[Row]) -> None:
    """Each row's throughput as a fraction of each floor's, and of the floors' geometric mean."""
    floors = {row.name: row.rps for row in rows if row.floor}
    missing = [name for name in FLOORS if not floors.get(name)]
    if missing:
        raise ValueError(f"floor(s) not measured: {', '.join(missing)}")
    mean = math.exp(sum(math.log(floors[name]) for name in FLOORS) / len(FLOORS))
    for row in rows:
        row.ratios = {name: row.rps / floors[name] for name in FLOORS}
        row.normalised = row.rps / mean


def _budget_text(row: Row) -> str:
    if not row.budget:
        return "-"
    return " ".join(f"{text} {'met' if ok else 'MISSED'}" for text, ok in row.budget)


HEADERS = (
    "endpoint",
    "req/s",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "queries",
    "SQL p95",
    "p95 idle",
    "x plain",
    "x pk",
    "x ratelimit",
    "budget",
)


def _cells(row: Row) -> list[str]:
    return [
        row.label,
        f"{row.rps:,.0f}",
        f"{row.p50_ms:.2f}",
        f"{row.p95_ms:.2f}",
        f"{row.p99_ms:.2f}",
        f"{row.queries}+{row.transaction_statements}tx"
        if row.transaction_statements
        else str(row.queries),
        f"{row.sql_p95_ms:.2f}",
        "-" if row.idle_p95_ms is None else f"{row.idle_p95_ms:.2f}",
        *(f"{row.ratios[name]:.3f}" for name in FLOORS),
        "floor" if row.floor else _budget_text(row),
    ]


def text_table(rows: list[Row]) -> str:
    table = [list(HEADERS), *(_cells(row) for row in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADERS))]
    lines = []
    for n, line in enumerate(table):
        cells = [
            cell.ljust(width) if i in (0, len(HEADERS) - 1) else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(line, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def markdown_table(rows: list[Row]) -> str:
    lines = [
        "| " + " | ".join(HEADERS) + " |",
        "|" + "|".join(["---"] + ["---:"] * (len(HEADERS) - 2) + ["---"]) + "|",
    ]
    lines += ["| " + " | ".join(_cells(row)) + " |" for row in rows]
    return "\n".join(lines)


def as_json(rows: list[Row], meta: dict) -> dict:
    return {
        "meta": meta,
        "rows": [
            {**asdict(row), "budget": [{"target": t, "met": ok} for t, ok in row.budget]}
            for row in rows
        ],
    }


@dataclass(frozen=True)
class Comparison:
    name: str
    label: str
    baseline: float
    current: float

    @property
    def change(self) -> float:
        return self.current / self.baseline - 1

    @property
    def regressed(self) -> bool:
        return self.change < -REGRESSION_TOLERANCE


def compare(rows: list[Row], baseline: dict) -> list[Comparison]:
    """Endpoints measured now and in the baseline, by throughput relative to the floors."""
    before = {row["name"]: row for row in baseline.get("rows", []) if not row.get("floor")}
    return [
        Comparison(row.name, row.label, before[row.name]["normalised"], row.normalised)
        for row in rows
        if not row.floor and row.name in before and before[row.name].get("normalised")
    ]


def baseline_from(rows: list[Row], meta: dict) -> dict:
    """What the committed baseline keeps: per row the throughput relative to the floors."""
    return {
        "meta": meta,
        "rows": [
            {
                "name": row.name,
                "label": row.label,
                "floor": row.floor,
                "normalised": round(row.normalised, 4),
                "ratios": {k: round(v, 4) for k, v in row.ratios.items()},
                "rps": round(row.rps, 1),
                "p95_ms": round(row.p95_ms, 2),
                "queries": row.queries,
            }
            for row in rows
        ],
    }
