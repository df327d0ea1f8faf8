""" "Recent changes" as sentences: history rows grouped by the action that wrote them.

Pure functions over rows already read (plans.selectors reads them in one statement), so each
kind of change is tested without a database. A traveller reads "Alex re-planned 4 activities"
or "Sam moved “Tram 28” to Friday 7 May", never a change reason such as `planner:apply:<id>`:
reasons are the services' bookkeeping, and only the ones listed here become words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.dateformat import format as date_format

# The planner's reasons are "planner:<step>:<batch id>" (activities.scheduling).
PLANNER_PREFIX = "planner:"

# Rows that only record consequences of another change listed beside them (the day closing up
# after a removal or a move, the planner's snapshot before it writes): never a line of their own.
HIDDEN_PREFIXES = ("planner:before:", "day closed up")

# Reasons one action writes for many rows at once: consecutive rows with the same one (and the
# same author) are one change. Moves also reorder the day around the moved activity.
MOVES = frozenset({"activity moved", "activity delayed", "activities reordered"})
BATCHES = {
    "copied from another plan": "copied {n} from another plan",
    "copied from a sample plan": "added {n} from a sample trip",
    "imported from the plan's itinerary": "imported {n} from the plan's itinerary",
}

PLAN_SENTENCES = {
    "plan updated": "changed the plan's details",
    "plan archived": "archived the plan",
    "plan restored from archive": "brought the plan back from the archive",
    "plan published": "published the plan",
    "plan back to draft": "made the plan a draft again",
    "plan made private": "took the plan out of the public gallery",
    "share link changed": "made a new share link",
    "share link turned off": "turned off the share link",
    "co-traveller added": "added a co-traveller",
    "co-traveller's role changed": "changed a co-traveller's role",
    "co-traveller removed": "removed a co-traveller",
    "hidden by moderators": "hid the plan from the public",
    "shown again by moderators": "showed the plan to the public again",
}
PLAN_KINDS = {"+": "created the plan", "~": "changed the plan", "-": "deleted the plan"}
ACTIVITY_SENTENCES = {
    "activity updated": "changed {subject}",
    "activity marked done": "marked {subject} done",
    "activity marked not done": "marked {subject} not done",
    "activity moved here from another plan": "moved {subject} here from another plan",
}
ACTIVITY_KINDS = {"+": "added {subject}", "~": "changed {subject}", "-": "removed {subject}"}
MODERATION = frozenset({"hidden by moderators", "shown again by moderators"})


@dataclass(frozen=True)
class HistoryRow:
    """One history row of a plan (`activity` False) or of one of its activities."""

    when: dt.datetime
    activity: bool
    kind: str  # simple-history's "+", "~" or "-"
    reason: str
    title: str = ""  # the activity's title as written
    day: dt.date | None = None  # the activity's day as written
    day_changed: bool = False  # a move: whether this row put the activity on another day
    author_id: int | None = None
    author: str = "Someone"


@dataclass(frozen=True)
class PlanChange:
    """One line of a plan's "Recent changes": who did what, and when."""

    when: dt.datetime
    who: str
    what: str

    @property
    def sentence(self) -> str:
        return f"{self.who} {self.what}"


def _quoted(title: str) -> str:
    return f"“{title}”"


def _count(n: int) -> str:
    return f"{n} activit{'y' if n == 1 else 'ies'}"


def _day(day: dt.date | None) -> str:
    return date_format(day, "l j F") if day else "no particular day"


def _move(rows: Sequence[HistoryRow]) -> str:
    """A move, a delay or a reorder, told by the rows whose day changed."""
    moved = [row for row in rows if row.day_changed]
    verb = "delayed" if rows[0].reason == "activity delayed" else "moved"
    if len(moved) == 1:
        return f"{verb} {_quoted(moved[0].title)} to {_day(moved[0].day)}"
    if moved:
        return f"{verb} {_count(len(moved))}"
    days = {row.day for row in rows}
    if len(days) == 1:
        return f"reordered {_day(rows[0].day)}"
    return f"reordered {_count(len(rows))}"


def _what(rows: Sequence[HistoryRow]) -> str:
    first = rows[0]
    reason = first.reason
    if not first.activity:
        return PLAN_SENTENCES.get(reason) or PLAN_KINDS.get(first.kind, "changed the plan")
    subject = _quoted(first.title)
    if reason.startswith(PLANNER_PREFIX + "apply:"):
        return f"re-planned {_count(len(rows))}"
    if reason.startswith(PLANNER_PREFIX + "undo:"):
        return f"undid the planner's changes to {_count(len(rows))}"
    if reason in MOVES:
        return _move(rows)
    if reason in BATCHES:
        if len(rows) == 1:
            return BATCHES[reason].format(n=subject)
        return BATCHES[reason].format(n=_count(len(rows)))
    if reason in ACTIVITY_SENTENCES:
        return ACTIVITY_SENTENCES[reason].format(subject=subject)
    # No reason, or one this module does not know yet: say what happened, never the reason.
    return ACTIVITY_KINDS.get(first.kind, "changed {subject}").format(subject=subject)


def _groups_with(row: HistoryRow, group: list[HistoryRow]) -> bool:
    """Whether `row` was written by the same action as `group` (rows newest first)."""
    first = group[0]
    if (row.activity, row.reason, row.author_id) != (first.activity, first.reason, first.author_id):
        return False
    return row.activity and (
        row.reason.startswith(PLANNER_PREFIX) or row.reason in MOVES or row.reason in BATCHES
    )


def describe(rows: Iterable[HistoryRow], *, limit: int, complete: bool = True) -> list[PlanChange]:
    """The newest `limit` changes told as sentences, from history rows newest first.

    Rows one action wrote (the same batch reason and author, one after another) are one change.
    With `complete` False the rows were cut at a window, so the oldest group may be missing
    rows: it is left out rather than told with a wrong count.
    """
    groups: list[list[HistoryRow]] = []
    for row in rows:
        if row.reason.startswith(HIDDEN_PREFIXES):
            continue
        if groups and _groups_with(row, groups[-1]):
            groups[-1].append(row)
        else:
            groups.append([row])
    if not complete and len(groups) > 1:
        groups.pop()
    changes = []
    for group in groups[:limit]:
        first = group[0]
        who = "Wayfarer moderators" if first.reason in MODERATION else first.author
        changes.append(PlanChange(when=first.when, who=who, what=_what(group)))
    return changes
