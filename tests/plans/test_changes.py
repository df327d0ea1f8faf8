"""Recent changes read as sentences: each kind of history row, and rows one action wrote told
as one change. Pure functions: no database."""

from __future__ import annotations

import datetime as dt

import pytest

from plans.changes import HistoryRow, describe

T0 = dt.datetime(2030, 5, 1, 12, 0, tzinfo=dt.UTC)
FRIDAY = dt.date(2030, 5, 10)
THURSDAY = dt.date(2030, 5, 9)
BATCH = "c94ef145-3c1e-4a8e-9d61-0d1d1b6f7a10"


def row(n: int = 0, *, activity: bool = True, author: str = "Alex", **fields) -> HistoryRow:
    """A history row `n` seconds before T0 (rows are given newest first)."""
    defaults = {"kind": "~", "reason": "", "title": "Tram 28", "day": FRIDAY}
    return HistoryRow(
        when=T0 - dt.timedelta(seconds=n),
        activity=activity,
        author_id={"Alex": 1, "Sam": 2, "Someone": None}[author],
        author=author,
        **{**defaults, **fields},
    )


def sentences(rows, limit: int = 10, **kwargs) -> list[str]:
    return [change.sentence for change in describe(rows, limit=limit, **kwargs)]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"kind": "+"}, "Alex added “Tram 28”"),
        ({"kind": "~"}, "Alex changed “Tram 28”"),
        ({"kind": "~", "reason": "activity updated"}, "Alex changed “Tram 28”"),
        ({"kind": "-"}, "Alex removed “Tram 28”"),
        ({"reason": "activity marked done"}, "Alex marked “Tram 28” done"),
        ({"reason": "activity marked not done"}, "Alex marked “Tram 28” not done"),
        (
            {"reason": "activity moved here from another plan"},
            "Alex moved “Tram 28” here from another plan",
        ),
        ({"reason": "copied from another plan"}, "Alex copied “Tram 28” from another plan"),
        ({"reason": "a reason added later:with-an-id"}, "Alex changed “Tram 28”"),
    ],
)
def test_each_kind_of_activity_change(fields, expected):
    assert sentences([row(**fields)]) == [expected]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"kind": "+"}, "Alex created the plan"),
        ({"kind": "~"}, "Alex changed the plan"),
        ({"reason": "plan updated"}, "Alex changed the plan's details"),
        ({"reason": "plan published"}, "Alex published the plan"),
        ({"reason": "plan back to draft"}, "Alex made the plan a draft again"),
        ({"reason": "plan archived"}, "Alex archived the plan"),
        ({"reason": "plan restored from archive"}, "Alex brought the plan back from the archive"),
        ({"reason": "plan made private"}, "Alex took the plan out of the public gallery"),
        ({"reason": "share link changed"}, "Alex made a new share link"),
        ({"reason": "share link turned off"}, "Alex turned off the share link"),
        ({"reason": "co-traveller added"}, "Alex added a co-traveller"),
        ({"reason": "co-traveller's role changed"}, "Alex changed a co-traveller's role"),
        ({"reason": "co-traveller removed"}, "Alex removed a co-traveller"),
        ({"reason": "hidden by moderators"}, "Wayfarer moderators hid the plan from the public"),
        (
            {"reason": "shown again by moderators"},
            "Wayfarer moderators showed the plan to the public again",
        ),
        ({"reason": "renamed by a future feature"}, "Alex changed the plan"),
    ],
)
def test_each_kind_of_plan_change(fields, expected):
    assert sentences([row(activity=False, title="", day=None, **fields)]) == [expected]


def test_a_planner_run_is_one_change_counting_its_activities_never_its_id():
    rows = [
        row(n, reason=f"planner:apply:{BATCH}", title=title)
        for n, title in enumerate(["Tram 28", "Belém Tower", "Fado", "Alfama walk"])
    ] + [row(9, reason=f"planner:before:{BATCH}", title=t) for t in ("Tram 28", "Fado")]
    assert sentences(rows) == ["Alex re-planned 4 activities"]
    assert not any("planner" in s or BATCH in s for s in sentences(rows))


def test_undoing_the_planner_is_one_change():
    rows = [row(n, reason=f"planner:undo:{BATCH}") for n in range(3)]
    assert sentences(rows) == ["Alex undid the planner's changes to 3 activities"]


def test_two_planner_runs_are_two_changes():
    other = "0b1e-other-batch"
    rows = [row(0, reason=f"planner:apply:{other}"), row(1, reason=f"planner:apply:{BATCH}")]
    assert sentences(rows) == ["Alex re-planned 1 activity", "Alex re-planned 1 activity"]


def test_a_move_to_another_day_names_the_activity_and_the_day():
    """Moving Tram 28 to Friday also shifts Friday's other activities: one change."""
    rows = [
        row(0, reason="activity moved", title="Belém Tower"),
        row(1, reason="activity moved", title="Tram 28", day_changed=True),
        row(2, reason="activity moved", title="Fado", day=THURSDAY),
    ]
    assert sentences(rows) == ["Alex moved “Tram 28” to Friday 10 May"]


def test_a_move_within_a_day_reads_as_reordering_that_day():
    rows = [row(0, reason="activity moved", title="Fado"), row(1, reason="activity moved")]
    assert sentences(rows) == ["Alex reordered Friday 10 May"]


def test_a_delay_and_a_move_off_the_schedule():
    assert sentences([row(reason="activity delayed", day_changed=True)]) == [
        "Alex delayed “Tram 28” to Friday 10 May"
    ]
    assert sentences([row(reason="activities reordered", day=None, day_changed=True)]) == [
        "Alex moved “Tram 28” to no particular day"
    ]


def test_a_drag_and_drop_across_days_counts_what_moved():
    rows = [
        row(0, reason="activities reordered", title="A", day_changed=True),
        row(1, reason="activities reordered", title="B", day=THURSDAY, day_changed=True),
        row(2, reason="activities reordered", title="C", day=THURSDAY),
    ]
    assert sentences(rows) == ["Alex moved 2 activities"]


def test_copies_imports_and_samples_count_their_activities():
    for reason, expected in [
        ("copied from another plan", "Alex copied 2 activities from another plan"),
        ("copied from a sample plan", "Alex added 2 activities from a sample trip"),
        (
            "imported from the plan's itinerary",
            "Alex imported 2 activities from the plan's itinerary",
        ),
    ]:
        assert sentences([row(0, reason=reason, kind="+"), row(1, reason=reason, kind="+")]) == [
            expected
        ]


def test_the_day_closing_up_after_a_removal_is_not_a_change_of_its_own():
    rows = [
        row(0, reason="day closed up after a removal", title="Fado"),
        row(1, kind="-", title="Belém Tower"),
    ]
    assert sentences(rows) == ["Alex removed “Belém Tower”"]


def test_separate_actions_stay_separate():
    """Two edits, or the same kind of move by two people, are never merged."""
    rows = [
        row(0, reason="activity updated"),
        row(1, reason="activity updated"),
        row(2, reason="activity moved", author="Sam", day_changed=True),
        row(3, reason="activity moved", day_changed=True, title="Fado"),
        row(4, kind="+", author="Someone"),
    ]
    assert sentences(rows) == [
        "Alex changed “Tram 28”",
        "Alex changed “Tram 28”",
        "Sam moved “Tram 28” to Friday 10 May",
        "Alex moved “Fado” to Friday 10 May",
        "Someone added “Tram 28”",
    ]


def test_the_limit_counts_changes_not_rows():
    rows = [row(n, reason=f"planner:apply:{BATCH}") for n in range(8)] + [row(9, kind="+")]
    changes = describe(rows, limit=2)
    assert [c.sentence for c in changes] == ["Alex re-planned 8 activities", "Alex added “Tram 28”"]
    assert changes[0].when == T0


def test_a_group_cut_by_the_window_is_left_out_rather_than_miscounted():
    rows = [row(0, kind="+"), *(row(n, reason=f"planner:apply:{BATCH}") for n in range(1, 5))]
    assert sentences(rows, complete=False) == ["Alex added “Tram 28”"]
    assert sentences(rows[1:], complete=False) == ["Alex re-planned 4 activities"]
