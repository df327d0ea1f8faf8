"""Finding a place by name for quick-add: a hook that activities own and another app fills.

activities may not import the places app (dependencies point one way), yet quick-add should
turn "Tile museum, Lisbon" into an activity at that place. So activities states here what it
needs (`PlaceFinder`: what and where in, a `FoundPlace` or None out) and the places app
registers its search in its `AppConfig.ready()`. Without a registered finder, quick-add adds
the line as it was typed.

The rule (docs/places.md): the text after the first comma names the place, the text before it
is the activity's title. Only a line with text on both sides of a comma asks for a place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FoundPlace:
    """The best match for a place named in a quick-add line."""

    name: str
    address: str
    latitude: float
    longitude: float
    timezone: str  # IANA name, "" when unknown


@dataclass(frozen=True, slots=True)
class PlaceAnswer:
    """A finder's answer: the place, or None; `notice` says what could not be searched."""

    place: FoundPlace | None
    notice: str | None = None


PlaceFinder = Callable[..., PlaceAnswer]  # finder(*, what: str, where: str) -> PlaceAnswer

_finders: list[PlaceFinder] = []


def register_place_finder(finder: PlaceFinder) -> None:
    """Called once by the app that can search places (places.apps.PlacesConfig.ready)."""
    if finder not in _finders:
        _finders.append(finder)


def unregister_place_finder(finder: PlaceFinder) -> None:
    """Undo `register_place_finder` (tests)."""
    if finder in _finders:
        _finders.remove(finder)


def split_title(line: str) -> tuple[str, str]:
    """("Tile museum", "Lisbon") for "Tile museum, Lisbon"; (line, "") when no place is named."""
    what, comma, where = line.partition(",")
    what, where = what.strip(), where.strip()
    if not comma or not what or not where:
        return line.strip(), ""
    return what, where


def find_place(*, what: str, where: str) -> PlaceAnswer:
    """The first registered finder's answer that has a place, else the last notice."""
    notice = None
    for finder in _finders:
        answer = finder(what=what, where=where)
        if answer.place is not None:
            return answer
        notice = answer.notice or notice
    return PlaceAnswer(place=None, notice=notice)
