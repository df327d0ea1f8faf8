"""Sample trips: the plan a new traveller can copy from an empty "My plans", and the public
demo plans `load_demo` lists in the gallery.

Built into the code rather than read from the database, so "Copy a sample" works on a fresh
install with no demo data and nobody can change or delete the sample from under it. Days are
offsets from the trip's first day; dates are set when a copy is made.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class SampleActivity:
    day: int  # 0 is the trip's first day
    title: str
    activity_type: str
    location_name: str
    latitude: str
    longitude: str
    start: dt.time | None = None
    end: dt.time | None = None
    cost: str | None = None
    description: str = ""


@dataclass(frozen=True)
class SampleTrip:
    title: str
    destination: str
    timezone: str
    currency: str
    budget: str
    description: str
    days: int
    activities: tuple[SampleActivity, ...] = field(default_factory=tuple)
    notes: str = ""

    def activity_rows(self, start: dt.date) -> list[dict]:
        """Field values for each activity, dated from `start`, in day order."""
        rows, positions = [], {}
        for activity in self.activities:
            index = positions.get(activity.day, 0)
            positions[activity.day] = index + 1
            rows.append(
                {
                    "title": activity.title,
                    "description": activity.description,
                    "activity_type": activity.activity_type,
                    "location_name": activity.location_name,
                    "latitude": Decimal(activity.latitude),
                    "longitude": Decimal(activity.longitude),
                    "scheduled_date": start + dt.timedelta(days=activity.day),
                    "start_time": activity.start,
                    "end_time": activity.end,
                    "estimated_cost": Decimal(activity.cost) if activity.cost else None,
                    "order_index": index,
                    "metadata": {},
                }
            )
        return rows


LISBON = SampleTrip(
    title="Three days in Lisbon",
    destination="Lisbon, Portugal",
    timezone="Europe/Lisbon",
    currency="EUR",
    budget="900.00",
    description="Tiles, trams and custard tarts: a first visit at an easy pace.",
    days=3,
    notes="Tram 28 is busiest mid-morning; ride it early or late.",
    activities=(
        SampleActivity(
            0,
            "Castelo de São Jorge",
            "attraction",
            "Castelo de São Jorge",
            "38.71390000",
            "-9.13350000",
            dt.time(10, 0),
            dt.time(12, 0),
            "15.00",
        ),
        SampleActivity(
            0,
            "Lunch at Time Out Market",
            "restaurant",
            "Time Out Market",
            "38.70700000",
            "-9.14590000",
            dt.time(13, 0),
            dt.time(14, 0),
            "25.00",
        ),
        SampleActivity(
            0,
            "Tram 28",
            "transport",
            "Martim Moniz",
            "38.71620000",
            "-9.13590000",
            dt.time(16, 0),
            dt.time(17, 0),
            "3.10",
        ),
        SampleActivity(
            1,
            "Belém Tower",
            "attraction",
            "Torre de Belém",
            "38.69160000",
            "-9.21600000",
            dt.time(10, 0),
            dt.time(11, 30),
            "10.00",
        ),
        SampleActivity(
            1,
            "Pastéis de Belém",
            "restaurant",
            "Pastéis de Belém",
            "38.69750000",
            "-9.20320000",
            dt.time(11, 45),
            dt.time(12, 30),
            "8.00",
        ),
        SampleActivity(
            1,
            "Jerónimos Monastery",
            "attraction",
            "Mosteiro dos Jerónimos",
            "38.69790000",
            "-9.20670000",
            dt.time(13, 0),
            dt.time(15, 0),
            "12.00",
        ),
        SampleActivity(
            2,
            "Fado in Alfama",
            "nightlife",
            "Alfama",
            "38.71180000",
            "-9.12970000",
            dt.time(20, 30),
            dt.time(22, 30),
            "40.00",
        ),
    ),
)

KYOTO = SampleTrip(
    title="Kyoto temples and tea",
    destination="Kyoto, Japan",
    timezone="Asia/Tokyo",
    currency="JPY",
    budget="120000.00",
    description="Shrines at dawn, gardens by day, Gion by lantern light.",
    days=3,
    activities=(
        SampleActivity(
            0,
            "Fushimi Inari Taisha",
            "attraction",
            "Fushimi Inari Taisha",
            "34.96710000",
            "135.77270000",
            dt.time(7, 0),
            dt.time(9, 30),
        ),
        SampleActivity(
            0,
            "Nishiki Market",
            "restaurant",
            "Nishiki Market",
            "35.00500000",
            "135.76480000",
            dt.time(12, 0),
            dt.time(13, 30),
            "3000.00",
        ),
        SampleActivity(
            1,
            "Kinkaku-ji",
            "attraction",
            "Kinkaku-ji",
            "35.03940000",
            "135.72920000",
            dt.time(9, 0),
            dt.time(10, 30),
            "500.00",
        ),
        SampleActivity(
            1,
            "Arashiyama Bamboo Grove",
            "attraction",
            "Arashiyama",
            "35.01700000",
            "135.67130000",
            dt.time(13, 0),
            dt.time(15, 0),
        ),
        SampleActivity(
            2,
            "Tea ceremony in Gion",
            "activity",
            "Gion",
            "35.00370000",
            "135.77500000",
            dt.time(15, 0),
            dt.time(16, 0),
            "4000.00",
        ),
    ),
)

NEW_YORK = SampleTrip(
    title="New York long weekend",
    destination="New York, United States",
    timezone="America/New_York",
    currency="USD",
    budget="1500.00",
    description="Museums, bridges and bagels, mostly on foot.",
    days=3,
    activities=(
        SampleActivity(
            0,
            "The Met",
            "attraction",
            "The Metropolitan Museum of Art",
            "40.77940000",
            "-73.96320000",
            dt.time(10, 0),
            dt.time(13, 0),
            "30.00",
        ),
        SampleActivity(
            0,
            "Central Park walk",
            "activity",
            "Central Park",
            "40.78290000",
            "-73.96540000",
            dt.time(14, 0),
            dt.time(16, 0),
        ),
        SampleActivity(
            1,
            "Brooklyn Bridge",
            "attraction",
            "Brooklyn Bridge",
            "40.70610000",
            "-73.99690000",
            dt.time(9, 0),
            dt.time(10, 0),
        ),
        SampleActivity(
            1,
            "Lunch at Chelsea Market",
            "restaurant",
            "Chelsea Market",
            "40.74240000",
            "-74.00600000",
            dt.time(12, 30),
            dt.time(13, 30),
            "25.00",
        ),
        SampleActivity(
            2,
            "The High Line",
            "activity",
            "The High Line",
            "40.74800000",
            "-74.00480000",
            dt.time(10, 0),
            dt.time(11, 30),
        ),
    ),
)

# The one a new traveller is offered; the demo publishes all of them.
SAMPLE_TRIP = LISBON
DEMO_TRIPS = (LISBON, KYOTO, NEW_YORK)
