"""What a place search returns: the same shape for the offline index and the geocoder."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["city", "poi", "address"]
Source = Literal["offline", "geocoder"]


@dataclass(frozen=True, slots=True)
class Place:
    """One search result, enough to fill a destination or an activity's place."""

    name: str
    label: str  # what a list of results shows: "Lisbon, Portugal"
    address: str
    latitude: float
    longitude: float
    country_code: str
    kind: Kind
    source: Source
    timezone: str


@dataclass(frozen=True, slots=True)
class PlaceResults:
    """Results, plus a sentence for the traveller when part of the search could not run."""

    results: list[Place] = field(default_factory=list)
    notice: str | None = None
