"""Two editors reordering and moving at once never leave gaps or duplicates in a day."""

from __future__ import annotations

import datetime as dt
import threading
from collections import defaultdict

import pytest
from django.db import connection

from activities import services
from activities.models import PlanActivity
from tests.activities.conftest import START
from tests.factories import PlanActivityFactory, PlanFactory, UserFactory

DAY2 = START + dt.timedelta(days=1)


def run_concurrently(*jobs):
    """Run each job in its own thread (own database connection), started together."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def runner(job):
        try:
            barrier.wait()
            job()
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors


def assert_dense(plan):
    by_day = defaultdict(list)
    for day, index in PlanActivity.objects.filter(plan=plan).values_list(
        "scheduled_date", "order_index"
    ):
        by_day[day].append(index)
    for day, indexes in by_day.items():
        assert sorted(indexes) == list(range(len(indexes))), (day, sorted(indexes))


@pytest.mark.django_db(transaction=True)
def test_concurrent_moves_and_reorders_keep_days_dense():
    plan = PlanFactory(user=UserFactory(), start_date=START, end_date=START + dt.timedelta(days=2))
    day1 = [PlanActivityFactory(plan=plan, scheduled_date=START, order_index=i) for i in range(8)]
    day2 = [PlanActivityFactory(plan=plan, scheduled_date=DAY2, order_index=i) for i in range(8)]

    def editor_one():
        for activity in day1[:6]:
            services.activity_move(
                activity=PlanActivity.objects.get(pk=activity.pk), day=DAY2, position=0
            )
            services.activity_move_step(activity=PlanActivity.objects.get(pk=day2[0].pk), offset=1)

    def editor_two():
        for activity in day2[:6]:
            services.activity_move(
                activity=PlanActivity.objects.get(pk=activity.pk), day=START, position=1
            )
            services.activity_move_step(
                activity=PlanActivity.objects.get(pk=day1[-1].pk), offset=-1
            )

    run_concurrently(editor_one, editor_two)

    assert PlanActivity.objects.filter(plan=plan).count() == 16
    assert_dense(plan)


@pytest.mark.django_db(transaction=True)
def test_concurrent_full_reorders_apply_one_after_the_other():
    """Two whole-day orders sent at once: one wins completely, the order stays a permutation."""
    plan = PlanFactory(user=UserFactory(), start_date=START, end_date=START)
    ids = [PlanActivityFactory(plan=plan, scheduled_date=START, order_index=i).pk for i in range(6)]
    forward, backward = list(ids), list(reversed(ids))

    def reorder(order):
        def job():
            for _ in range(10):
                services.activity_reorder(plan=plan, days={START: order})

        return job

    run_concurrently(reorder(forward), reorder(backward))
    final = list(
        PlanActivity.objects.filter(plan=plan).order_by("order_index").values_list("pk", flat=True)
    )
    assert final in (forward, backward)
    assert_dense(plan)
