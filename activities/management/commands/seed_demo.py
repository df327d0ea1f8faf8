"""Load realistic demo data at scale (benchmarks, staging, trying the site with real volume).

    python manage.py seed_demo --users 10000 --plans 1000000 --activities-per-plan 5 --seed 1

Idempotent per seed: travellers are `seed{S}-u{i}`; a run creates only the travellers and plans
that are missing, so repeating it is a no-op and a larger size tops up (new plans are spread over
all the seed's travellers and get --activities-per-plan activities; existing rows are never
changed or deleted). Every seeded traveller signs in with their email and the password
`wayfarer-demo`: demo data, never for production. The work itself is in activities/seeding.py.
"""

from __future__ import annotations

import os
import time

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from activities import seeding


class Progress:
    """A plain-text progress bar on stderr: redrawn in place on a terminal, a line per 10% else."""

    WIDTH = 30

    def __init__(self, stream):
        self.stream = stream  # a command's OutputWrapper
        self.interactive = stream.isatty()
        self.started: dict[str, float] = {}
        self.last_tenth: dict[str, int] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if total <= 0:
            return
        start = self.started.setdefault(stage, time.monotonic())
        elapsed = time.monotonic() - start
        fraction = done / total
        rate = done / elapsed if elapsed > 0 else 0.0
        eta = (total - done) / rate if rate else 0.0
        filled = int(self.WIDTH * fraction)
        speed = f"{rate:,.0f}/s  " if rate >= 1 else ""
        line = (
            f"{stage:>7} [{'#' * filled}{'.' * (self.WIDTH - filled)}] {fraction:4.0%} "
            f"{done:,}/{total:,}  {speed}{_clock(elapsed)} elapsed, {_clock(eta)} left"
        )
        if self.interactive:
            self.stream.write("\r" + line, style_func=str, ending="\n" if done >= total else "")
            self.stream.flush()
            return
        tenth = int(fraction * 10)
        if done == 0 or done >= total or tenth > self.last_tenth.get(stage, 0):
            self.last_tenth[stage] = tenth
            self.stream.write(line, style_func=str)


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes}m{seconds:02d}s"


class Command(BaseCommand):
    help = (
        "Create demo travellers, plans and activities with PostgreSQL COPY; reproducible from "
        "--seed and idempotent per seed (only what is missing is created)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=100, help="travellers (default 100)")
        parser.add_argument("--plans", type=int, default=1000, help="plans (default 1000)")
        parser.add_argument(
            "--activities-per-plan", type=int, default=5, help="activities per new plan (5)"
        )
        parser.add_argument("--seed", type=int, default=1, help="which data set (default 1)")
        parser.add_argument(
            "--public-ratio",
            type=float,
            default=0.15,
            help="fraction of plans that are published in the public gallery (0.15)",
        )
        parser.add_argument(
            "--shared-ratio", type=float, default=0.10, help="fraction with a share link (0.10)"
        )
        parser.add_argument(
            "--member-ratio",
            type=float,
            default=0.10,
            help="fraction shared with other seeded travellers as editors/viewers (0.10)",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=max((os.cpu_count() or 2) - 1, 1),
            help="worker processes that generate rows while this one streams them "
            "(default: one less than the CPU count; 0 generates in this process)",
        )
        parser.add_argument(
            "--rebuild-indexes",
            choices=["auto", "yes", "no"],
            default="auto",
            help="drop the plain plan and activity indexes during the load and rebuild them "
            "before the commit (auto: when the run at least doubles the activity table)",
        )
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args, **options):
        shape = seeding.SeedShape(
            seed=options["seed"],
            users=options["users"],
            plans=options["plans"],
            activities_per_plan=options["activities_per_plan"],
            public_ratio=options["public_ratio"],
            shared_ratio=options["shared_ratio"],
            member_ratio=options["member_ratio"],
        )
        progress = None if options["quiet"] else Progress(self.stderr)
        started = time.monotonic()
        try:
            result = seeding.seed_demo(
                shape,
                password_hash=make_password(seeding.SEED_PASSWORD),
                on_progress=progress,
                jobs=options["jobs"],
                rebuild_indexes={"auto": None, "yes": True, "no": False}[
                    options["rebuild_indexes"]
                ],
            )
        except seeding.SeedError as error:
            raise CommandError(str(error)) from error
        elapsed = time.monotonic() - started

        if not (result.users_created or result.plans_created):
            self.stdout.write(
                f"Seed {shape.seed} already has {result.users_existing:,} travellers and "
                f"{result.plans_existing:,} plans; nothing to add (seed_demo never deletes)."
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Seed {shape.seed}: created {result.users_created:,} travellers, "
                f"{result.plans_created:,} plans, {result.activities_created:,} activities and "
                f"{result.members_created:,} plan members in {elapsed:.1f}s "
                f"(already there: {result.users_existing:,} travellers, "
                f"{result.plans_existing:,} plans)."
            )
        )
        if result.indexes_rebuilt:
            self.stdout.write(
                f"Rebuilt {len(result.indexes_rebuilt)} indexes after the load: "
                + ", ".join(result.indexes_rebuilt)
            )
        example = (
            User.objects.filter(username=seeding.seed_username(shape.seed, 0))
            .values_list("email", flat=True)
            .first()
        )
        if example:
            self.stdout.write(
                f"Seeded travellers sign in with their email and the password "
                f"{seeding.SEED_PASSWORD!r}, e.g. {example}."
            )
