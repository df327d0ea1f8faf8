"""Benchmark for activities.planner: travel saved, optimality gap, feasibility, run time.

Run from the repository root:  python bench/planner_bench.py [--smoke] [--runs N]

Instances are reproducible (fixed seeds): activities in 3-5 clusters around a city centre
(within ~10 km), varied durations and opening hours (some closed days, a few stops without
coordinates), a hotel near the centre, a moderate pace and one pinned dinner every third day.
Targets are reported as "met"/"missed"; the script always exits 0.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import time as clock
from dataclasses import dataclass, replace
from datetime import date, time, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from activities.planner import (
    DayContext,
    PlannerOptions,
    Schedule,
    Stop,
    TravelSettings,
    build_days,
    optimise_day,
    plan_days,
    resolve_duration,
    travel_minutes,
)

CENTRE = (48.8566, 2.3522)
KM_LAT = 1 / 110.574
KM_LON = 1 / (111.320 * math.cos(math.radians(CENTRE[0])))
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
TYPES = ("attraction", "restaurant", "activity", "other", "attraction")
TRIP_START = date(2024, 6, 3)  # a Monday
TRAVEL = TravelSettings()
OPTIONS = PlannerOptions()


def offset(point: tuple[float, float], dx_km: float, dy_km: float) -> tuple[float, float]:
    return (point[0] + dy_km * KM_LAT, point[1] + dx_km * KM_LON)


def random_hours(rng: random.Random) -> dict[str, dict[str, str]] | None:
    kind = rng.random()
    if kind < 0.35:
        return None
    opens = rng.choice(["08:00", "09:00", "09:30", "10:00", "11:00"])
    closes = rng.choice(["16:00", "17:00", "18:00", "19:00", "20:00", "22:00"])
    closed = set(rng.sample(WEEKDAYS, rng.choice([0, 0, 1, 1, 2])))
    return {d: {"open": opens, "close": closes} for d in WEEKDAYS if d not in closed}


def make_stops(n: int, rng: random.Random, first_id: int = 1) -> list[Stop]:
    clusters = [
        offset(CENTRE, rng.uniform(-7, 7), rng.uniform(-7, 7)) for _ in range(rng.randint(3, 5))
    ]
    stops = []
    for k in range(n):
        centre = rng.choice(clusters)
        lat, lon = offset(centre, rng.gauss(0, 0.9), rng.gauss(0, 0.9))
        if rng.random() < 0.04:
            lat = lon = None  # placed by time only
        kind = rng.choice(TYPES)
        duration = None if rng.random() < 0.3 else rng.choice([30, 45, 60, 75, 90, 120, 150])
        stops.append(Stop(first_id + k, duration, lat, lon, random_hours(rng), None, kind))
    return stops


@dataclass
class Trip:
    stops: list[Stop]
    days: tuple[DayContext, ...]
    fixed: dict[date, list[Stop]]


def make_trip(n: int, seed: int) -> Trip:
    rng = random.Random(seed)
    stops = make_stops(n, rng)
    rng.shuffle(stops)  # the "input order" is arbitrary, like a wish list
    n_days = max(2, math.ceil(n / 4))
    hotel = offset(CENTRE, rng.uniform(-1, 1), rng.uniform(-1, 1))
    last = TRIP_START + timedelta(days=n_days - 1)
    nights = {TRIP_START + timedelta(days=i): hotel for i in range(n_days - 1)}
    days = build_days(TRIP_START, last, pace="moderate", accommodation=nights)
    fixed: dict[date, list[Stop]] = {}
    for i in range(0, n_days, 3):
        where = offset(hotel, rng.uniform(-2, 2), rng.uniform(-2, 2))
        dinner = Stop(1000 + i, 90, where[0], where[1], None, time(19, 30), "restaurant")
        fixed[TRIP_START + timedelta(days=i)] = [dinner]
    return Trip(stops, days, fixed)


def minutes(value: time) -> int:
    return value.hour * 60 + value.minute


def hours_on(stop: Stop, day: date) -> tuple[int, int] | None:
    """Independent reading of the opening-hours JSON (not the planner's parser)."""
    if not stop.opening_hours:
        return (0, 48 * 60)
    entry = stop.opening_hours.get(WEEKDAYS[day.weekday()])
    if not entry:
        return None
    opens, closes = (int(x[:2]) * 60 + int(x[3:5]) for x in (entry["open"], entry["close"]))
    return (opens, closes if closes > opens else closes + 24 * 60)


def violations(trip: Trip, schedule: Schedule) -> list[str]:
    """Check a schedule against every hard rule, recomputing times independently."""
    problems: list[str] = []
    by_id = {s.id: s for s in trip.stops}
    for day_stops in trip.fixed.values():
        by_id.update({s.id: s for s in day_stops})
    seen: dict[int, date] = {}
    unplaced = {i for i, _ in schedule.unplaced}
    for ctx, plan in zip(trip.days, schedule.days, strict=True):
        ws, we = minutes(ctx.window_start), minutes(ctx.window_end)
        prev_point, prev_end, prev_pinned, busy = ctx.start_point, ws, True, 0
        first = True
        travel = 0
        for visit in plan.visits:
            stop = by_id[visit.stop_id]
            if visit.stop_id in seen:
                problems.append(f"{visit.stop_id} placed twice")
            seen[visit.stop_id] = plan.date
            point = stop.point
            leg = (
                0
                if first and ctx.start_point is None
                else travel_minutes(prev_point, point, TRAVEL)
            )
            travel += leg
            duration = resolve_duration(stop)
            busy += duration
            if visit.end_minute - visit.start_minute != duration:
                problems.append(f"{stop.id} wrong duration")
            if stop.pinned_start is not None:
                if visit.start_minute != minutes(stop.pinned_start) or not visit.pinned:
                    problems.append(f"{stop.id} pinned stop moved")
                if not prev_pinned and visit.start_minute < prev_end + leg:
                    problems.append(f"{stop.id} pinned stop unreachable")
            else:
                if visit.start_minute < prev_end + leg:
                    problems.append(f"{stop.id} starts before the traveller can arrive")
                if visit.start_minute < ws or visit.end_minute > we:
                    problems.append(f"{stop.id} outside the day window")
                interval = hours_on(stop, plan.date)
                if interval is None:
                    problems.append(f"{stop.id} scheduled on a closed day")
                elif visit.start_minute < interval[0] or visit.end_minute > interval[1]:
                    problems.append(f"{stop.id} outside opening hours")
            prev_point, prev_end = point, max(prev_end, visit.end_minute)
            prev_pinned, first = stop.pinned_start is not None, False
        if plan.visits:
            back = 0 if ctx.end_point is None else travel_minutes(prev_point, ctx.end_point, TRAVEL)
            travel += back
            if not prev_pinned and ctx.end_point is not None and prev_end + back > we:
                problems.append(f"{plan.date} back after the window end")
        if travel != plan.travel_minutes:
            problems.append(f"{plan.date} travel {plan.travel_minutes} != recomputed {travel}")
        if ctx.max_activities is not None and len(plan.visits) > ctx.max_activities:
            problems.append(f"{plan.date} over the activity cap")
        if ctx.max_busy_minutes is not None and busy > ctx.max_busy_minutes:
            problems.append(f"{plan.date} over the busy-hours cap")
    for stop in trip.stops:
        if (stop.id in seen) == (stop.id in unplaced):
            problems.append(f"{stop.id} neither placed nor reported (or both)")
        if stop.id in seen and schedule.assignments.get(stop.id, (None,))[0] != seen[stop.id]:
            problems.append(f"{stop.id} assignment does not match its day plan")
    for when, day_stops in trip.fixed.items():
        for stop in day_stops:
            if seen.get(stop.id) != when:
                problems.append(f"fixed {stop.id} not kept on {when}")
    return problems


def pct(before: int, after: int) -> float:
    return 0.0 if before == 0 else 100.0 * (before - after) / before


def day_gaps(trip: Trip, schedule: Schedule) -> tuple[float, int, int]:
    """Heuristic vs exact on every planned day with <= 9 stops: (max gap %, days, count drops)."""
    by_id = {s.id: s for s in trip.stops}
    for day_stops in trip.fixed.values():
        by_id.update({s.id: s for s in day_stops})
    worst, compared, fewer = 0.0, 0, 0
    for ctx, plan in zip(trip.days, schedule.days, strict=True):
        members = [by_id[v.stop_id] for v in plan.visits]
        if not 2 <= len(members) <= 9:
            continue
        # Re-optimise the day with the chosen stops; pinned ones keep their times.
        exact = optimise_day(members, ctx, TRAVEL, options=OPTIONS, method="exact")
        heur = optimise_day(members, ctx, TRAVEL, options=OPTIONS, method="heuristic")
        compared += 1
        if len(heur.visits) < len(exact.visits):
            fewer += 1
            continue
        if exact.travel_minutes:
            worst = max(
                worst, 100.0 * (heur.travel_minutes - exact.travel_minutes) / exact.travel_minutes
            )
    return worst, compared, fewer


def single_day_gaps(sizes: list[int], seeds: int) -> list[tuple[int, float, float, int, int]]:
    """Per size: (n, max gap %, mean % saved vs input, violations, fewer placed)."""
    rows = []
    for n in sizes:
        worst, saved, bad, fewer = 0.0, [], 0, 0
        for seed in range(seeds):
            rng = random.Random(10_000 * n + seed)
            # A day's worth of activities: 30-90 min each, so most (not all) days fit.
            stops = [
                replace(s, duration_minutes=15 * rng.randint(2, 6)) for s in make_stops(n, rng)
            ]
            rng.shuffle(stops)
            hotel = offset(CENTRE, rng.uniform(-1, 1), rng.uniform(-1, 1))
            ctx = DayContext(
                TRIP_START + timedelta(days=seed % 7), start_point=hotel, end_point=hotel
            )
            exact = optimise_day(stops, ctx, TRAVEL, options=OPTIONS, method="exact")
            heur = optimise_day(stops, ctx, TRAVEL, options=OPTIONS, method="heuristic")
            trip = Trip(stops, (ctx,), {})
            for plan in (exact, heur):
                schedule = Schedule(
                    {v.stop_id: (ctx.date, v.start) for v in plan.visits},
                    (plan,),
                    plan.unplaced,
                    plan.warnings,
                    plan.travel_minutes,
                    plan.input_order_travel_minutes,
                )
                bad += len(violations(trip, schedule))
            if len(heur.visits) < len(exact.visits):
                fewer += 1
            elif exact.travel_minutes:
                gap = 100.0 * (heur.travel_minutes - exact.travel_minutes) / exact.travel_minutes
                worst = max(worst, gap)
            if not exact.unplaced:
                saved.append(pct(exact.input_order_travel_minutes, exact.travel_minutes))
        rows.append((n, worst, statistics.mean(saved) if saved else float("nan"), bad, fewer))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny quick run")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per instance")
    args = parser.parse_args()
    sizes = [5, 20] if args.smoke else [5, 10, 20, 30, 40, 60]
    seeds = 2 if args.smoke else 8
    runs = 1 if args.smoke else args.runs
    day_sizes = [4, 7] if args.smoke else [3, 4, 5, 6, 7, 8, 9]
    day_seeds = 3 if args.smoke else 30

    print("plan_days: moderate pace, ~4 activities/day, 3-5 clusters, input order = list order")
    header = (
        f"{'n':>3} {'days':>4} {'placed':>7} {'input min':>9} {'planned':>8} {'saved %':>8} "
        f"{'gap max %':>9} {'viol':>4} {'median ms':>9} {'max ms':>7}"
    )
    print(header)
    print("-" * len(header))
    all_saved, all_gap, all_viol, fewer_total = [], 0.0, 0, 0
    time_60 = None
    for n in sizes:
        before = after = placed = viol = 0
        gap, saved, times = 0.0, [], []
        n_days = 0
        for seed in range(seeds):
            trip = make_trip(n, 1000 * n + seed)
            n_days = len(trip.days)
            elapsed = []
            for _ in range(runs):
                t0 = clock.perf_counter()
                schedule = plan_days(
                    trip.stops, trip.days, TRAVEL, fixed=trip.fixed, options=OPTIONS
                )
                elapsed.append((clock.perf_counter() - t0) * 1000)
            times.append(statistics.median(elapsed))
            before += schedule.input_order_travel_minutes
            after += schedule.travel_minutes
            saved.append(pct(schedule.input_order_travel_minutes, schedule.travel_minutes))
            placed += len([i for i in schedule.assignments if i < 1000])
            viol += len(violations(trip, schedule))
            worst, _, fewer = day_gaps(trip, schedule)
            gap = max(gap, worst)
            fewer_total += fewer
        all_saved.extend(saved)
        all_gap = max(all_gap, gap)
        all_viol += viol
        median_ms = statistics.median(times)
        if n == 60:
            time_60 = median_ms
        print(
            f"{n:>3} {n_days:>4} {placed:>3}/{n * seeds:<3} {before:>9} {after:>8} "
            f"{statistics.mean(saved):>8.1f} {gap:>9.2f} {viol:>4} "
            f"{median_ms:>9.1f} {max(times):>7.1f}"
        )

    print()
    print("optimise_day: one random day (30-90 min stops), exact DP vs heuristic, same rules;")
    print("saved % = input order vs exact plan, on days where every stop fits")
    header2 = f"{'n':>3} {'instances':>9} {'gap max %':>9} {'saved %':>8} {'viol':>4} {'fewer':>5}"
    print(header2)
    print("-" * len(header2))
    day_rows = single_day_gaps(day_sizes, day_seeds)
    for n, worst, saved_mean, bad, fewer in day_rows:
        all_gap = max(all_gap, worst)
        all_viol += bad
        fewer_total += fewer
        print(f"{n:>3} {day_seeds:>9} {worst:>9.2f} {saved_mean:>8.1f} {bad:>4} {fewer:>5}")

    mean_saved = statistics.mean(all_saved)
    print()
    print("targets")

    def report(name: str, ok: bool, detail: str) -> None:
        print(f"  {'target met   ' if ok else 'target MISSED'}  {name}: {detail}")

    report(
        "heuristic within 3% of exact (<= 9 stops/day)",
        all_gap <= 3.0 and fewer_total == 0,
        f"max gap {all_gap:.2f}%, days where the heuristic placed fewer stops: {fewer_total}",
    )
    report(">= 25% less travel than input order", mean_saved >= 25.0, f"mean {mean_saved:.1f}%")
    if time_60 is None:
        report("< 200 ms for 60 activities", True, "not measured in --smoke")
    else:
        report("< 200 ms for 60 activities", time_60 < 200.0, f"median {time_60:.1f} ms")
    report("no violations", all_viol == 0, f"{all_viol} violations")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
