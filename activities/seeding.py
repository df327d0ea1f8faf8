"""Demo data at scale for `manage.py seed_demo`: pure row generators and a PostgreSQL COPY loader.

Every seeded row is a function of (seed, kind, index) alone: each traveller and each plan (with
its activities and members) draws from its own `random.Random`, so a run is reproducible, a
second run can top up exactly where the first stopped, and no global random state is touched.

Seeded travellers are recognised by their username, `seed{S}-u{i}`; their plans are the seed's
plans. A run makes sure travellers 0..N-1 exist and that the seed's travellers own at least M
plans, creating only what is missing (it never deletes or changes existing rows). New plans get
`activities_per_plan` activities; plans that already exist keep theirs.

Rows go in with COPY (psycopg 3) inside one transaction that holds a SHARE ROW EXCLUSIVE lock on
the tables it writes, so ids can be reserved from each sequence up front and activities can name
their plan without a round trip. COPY bypasses Django, so the loader writes every NOT NULL column
itself (including created_at/updated_at) and fills columns it does not know with the field's
default, failing clearly for a new NOT NULL column without one. Share tokens come from `secrets`,
so even demo share links cannot be derived from the seed; they are the one
part of a plan that is not reproducible. Dates are relative to the day of the run (trips from
two years back to two years ahead), so the same seed on another day shifts them.

Speed (1 M plans, 5 M activities in under 5 minutes on 2 cores): worker processes generate and
encode COPY text themselves (faster here than psycopg's write_row) while the main process only
streams bytes; for a load that at least doubles the activity table, the plain (non-unique,
non-constraint) indexes of plans and activities are dropped inside the transaction and rebuilt
before the commit, so an error rolls the drop back too. Unique indexes, foreign keys and CHECK
constraints stay in force for every row. VACUUM (ANALYZE) runs after the commit, so that
index-only scans (the gallery's count) skip the heap at once, as they would once autovacuum
had passed; inside a caller's transaction (tests), where VACUUM cannot run, ANALYZE does.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import random
import secrets
from bisect import bisect
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, islice

from django.db import connection, models, transaction
from django.db.models.fields import AutoFieldMixin

from activities.models import ActivityType, PlanActivity
from activities.seed_cities import CITIES, City
from plans.models import Plan, PlanMember, Role

SEED_PASSWORD = "wayfarer-demo"  # noqa: S105 - published demo login, same as load_demo
PLANS_PER_CHUNK = 5_000
MAX_MONEY = 99_999_990


class SeedError(Exception):
    """The seed cannot run as asked (bad sizes, or a model the loader cannot fill)."""


# --- choosing things ---------------------------------------------------------------------------


class Weighted:
    """A weighted choice that always consumes exactly one `random()` draw."""

    def __init__(self, pairs: Iterable[tuple[object, float]]):
        values, weights = zip(*pairs, strict=True)
        self.values = values
        self.cumulative = list(accumulate(weights))
        self.total = self.cumulative[-1]

    def __call__(self, rng: random.Random):
        return self.values[bisect(self.cumulative, rng.random() * self.total)]


def _one(rng: random.Random, items: Sequence):
    return items[int(rng.random() * len(items))]


def _money(amount: float) -> str:
    """Decimal text for a NUMERIC(10, 2) column (COPY parses it; no Decimal objects needed)."""
    return f"{max(amount, 0.0):.2f}"


# One encoder for every document: json.dumps with options builds a new one per call.
_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode


# Rough units of each currency per US dollar: only to make budgets look plausible.
PER_USD = {
    "USD": 1, "EUR": 0.92, "GBP": 0.79, "CHF": 0.88, "CZK": 23, "HUF": 360, "PLN": 4,
    "DKK": 6.9, "SEK": 10.5, "NOK": 10.7, "ISK": 138, "TRY": 32, "MAD": 10, "EGP": 48,
    "ZAR": 18.5, "KES": 130, "TZS": 2600, "GHS": 15, "XOF": 600, "ETB": 57, "AED": 3.67,
    "QAR": 3.64, "ILS": 3.7, "JOD": 0.71, "INR": 83, "NPR": 133, "LKR": 300, "THB": 36,
    "VND": 25000, "KHR": 4100, "MYR": 4.7, "SGD": 1.35, "IDR": 16000, "PHP": 57, "HKD": 7.8,
    "CNY": 7.2, "TWD": 32, "KRW": 1350, "JPY": 150, "AUD": 1.5, "NZD": 1.65, "FJD": 2.25,
    "CAD": 1.36, "MXN": 17, "CUP": 24, "COP": 3900, "PEN": 3.7, "CLP": 930, "ARS": 900,
    "BRL": 5.0,
}  # fmt: skip
HOME_CURRENCIES = ("USD", "EUR", "GBP", "AUD", "CAD")

FIRST_NAMES = (
    "Ada", "Amara", "Ana", "Arjun", "Bea", "Carlos", "Chloe", "Dmitri", "Elena", "Emeka",
    "Fatima", "Finn", "Grace", "Hana", "Hugo", "Ines", "Isla", "Jonas", "Kai", "Kenji", "Lara",
    "Leo", "Lina", "Lucas", "Maya", "Mateo", "Mei", "Nadia", "Noah", "Olga", "Omar", "Priya",
    "Rafael", "Rosa", "Sami", "Sofia", "Tariq", "Yara", "Yusuf", "Zoe",
)  # fmt: skip
LAST_NAMES = (
    "Almeida", "Andersen", "Bakker", "Chen", "Costa", "Dubois", "Eriksson", "Fischer", "Garcia",
    "Haddad", "Ivanova", "Jensen", "Kim", "Kowalski", "Lopez", "Mensah", "Moreau", "Murphy",
    "Nakamura", "Novak", "Okafor", "Olsen", "Patel", "Rossi", "Santos", "Schmidt", "Silva",
    "Singh", "Smith", "Tanaka", "Nguyen", "Wang", "Weber", "Williams", "Yilmaz", "Zhang",
)  # fmt: skip

# --- plan documents ------------------------------------------------------------------------------

TRAVEL_STYLE = Weighted(
    [("cultural", 22), ("adventure", 15), ("relaxation", 15), ("food", 12), ("family", 12),
     ("nature", 10), ("romantic", 8), ("business", 6)]
)  # fmt: skip
BUDGET_TYPE = Weighted([("budget", 35), ("moderate", 45), ("luxury", 20)])
PER_PERSON_PER_DAY_USD = {"budget": 60, "moderate": 150, "luxury": 420}
PACE = Weighted([("relaxed", 30), ("moderate", 50), ("fast", 20)])
GROUP_SIZE = Weighted([(1, 28), (2, 40), (3, 8), (4, 14), (5, 4), (6, 4), (8, 1), (12, 1)])
ACCESSIBILITY = (
    "wheelchair", "mobility_limited", "visual_impairment", "hearing_impairment",
    "stroller_friendly",
)  # fmt: skip
TRIP_DAYS = Weighted(
    [(1, 4), (2, 10), (3, 14), (4, 14), (5, 12), (6, 8), (7, 12), (8, 4), (10, 6), (12, 3),
     (14, 7), (18, 2), (21, 4)]
)  # fmt: skip
ACCOMMODATION_TYPE = Weighted(
    [("hotel", 45), ("apartment", 22), ("hostel", 10), ("guesthouse", 10), ("camping", 4),
     ("friends", 5), ("other", 4)]
)  # fmt: skip
ACCOMMODATION_NAMES = {
    "hotel": ("Grand Hotel {city}", "Hotel Central", "{city} Riverside Hotel", "Park Inn"),
    "apartment": ("Old Town apartment", "Loft near the station", "{city} city flat"),
    "hostel": ("Backpackers {city}", "The Wandering Owl hostel", "Generator {city}"),
    "guesthouse": ("Casa Serena", "Garden guesthouse", "Pension am Markt"),
    "camping": ("{city} lakeside campsite", "Forest camp"),
    "friends": ("Staying with friends",),
    "other": ("Houseboat", "Farm stay"),
}
ACCOMMODATION_WISHES = (
    "central location", "free wifi", "breakfast included", "quiet room", "air conditioning",
    "kitchen", "family room", "step-free access", "pool", "late check-out", "parking",
)  # fmt: skip
ARRIVAL = Weighted([("flight", 60), ("train", 20), ("bus", 6), ("car", 10), ("ferry", 3),
                    ("other", 1)])  # fmt: skip
ARRIVAL_DETAILS = {
    "flight": ("Morning flight, arriving around noon", "Red-eye, landing early"),
    "train": ("High-speed train from the capital", "Night train, sleeper cabin"),
    "bus": ("Coach from the airport",),
    "car": ("Driving down, about five hours", "Rental car from the airport"),
    "ferry": ("Evening ferry",),
    "other": ("Friends are picking us up",),
}
LOCAL_METHODS = (
    "walking", "public_transport", "taxi", "rideshare", "rental_car", "bicycle", "scooter",
)  # fmt: skip
TITLES = {
    "cultural": ("{days} days of museums in {city}", "{city}: art, history and old streets",
                 "Culture trip to {city}"),
    "adventure": ("Adventure in {country}", "Hiking and more around {city}",
                  "{city} off the beaten path"),
    "relaxation": ("Slow days in {city}", "A quiet week in {city}", "Unwinding in {city}"),
    "food": ("Eating my way through {city}", "{city} food trip", "Markets and tastings in {city}"),
    "family": ("{city} with the kids", "Family holiday in {city}", "{city} with grandparents"),
    "nature": ("Parks and coast near {city}", "{country} outdoors", "Green {city}"),
    "romantic": ("Anniversary in {city}", "Honeymoon in {city}", "A long weekend for two"),
    "business": ("Conference in {city}", "Client visit to {city}", "Work trip: {city}"),
}  # fmt: skip
DESCRIPTIONS = (
    "First time in {city}; keeping the plan loose.",
    "Back in {city} after a few years. Want to see the new places.",
    "Collecting ideas for {city}, {country}. Bookings still to do.",
    "A {days}-day trip; mornings for sights, afternoons free.",
    "",
)
NOTES = (
    "Check visa and passport validity.",
    "Buy a local SIM or eSIM at the airport.",
    "Museums are cheaper on the first Sunday of the month.",
    "Pack layers: evenings get cold.",
    "Ask the host about late check-in.",
)
PRIVATE_NOTES = ("Door code for the flat: {code}", "Travel insurance policy {code}")

# --- activities ----------------------------------------------------------------------------------

ACTIVITY_TYPE = Weighted(
    [(ActivityType.ATTRACTION.value, 35), (ActivityType.RESTAURANT.value, 25),
     (ActivityType.ACTIVITY.value, 20), (ActivityType.TRANSPORT.value, 8),
     (ActivityType.ACCOMMODATION.value, 5), (ActivityType.OTHER.value, 7)]
)  # fmt: skip
# (titles, minutes choices, cost in USD, tags)
ACTIVITY_KINDS = {
    "attraction": (
        ("{city} old town walk", "Cathedral of {city}", "{city} history museum",
         "Viewpoint over {city}", "Botanical garden", "Castle tour", "Modern art gallery",
         "Royal palace", "Street art tour"),
        (60, 90, 120, 150, 180), 18,
        ("history", "architecture", "museum", "views", "art", "photography", "free"),
    ),
    "restaurant": (
        ("Lunch at the central market", "Dinner at a local tavern", "Breakfast café",
         "Street food crawl", "Tasting menu", "Rooftop drinks", "Seafood by the harbour"),
        (45, 60, 90, 120), 35,
        ("local food", "vegetarian options", "seafood", "street food", "booking needed",
         "cheap eats", "fine dining"),
    ),
    "activity": (
        ("Cooking class", "Bike tour of {city}", "Kayaking", "Day hike", "Spa afternoon",
         "Live music night", "Boat trip", "Guided food tour", "Beach afternoon"),
        (90, 120, 180, 240), 55,
        ("outdoors", "guided", "family friendly", "active", "evening", "small group"),
    ),
    "transport": (
        ("Airport transfer", "Train to the coast", "Ferry crossing", "Pick up rental car",
         "Bus to the old town"),
        (30, 45, 60, 120), 25,
        ("transfer", "booking needed", "luggage"),
    ),
    "accommodation": (
        ("Check in", "Check out", "Move to the second hotel"),
        (30, 45), 0,
        ("check-in", "check-out"),
    ),
    "other": (
        ("Free time", "Souvenir shopping", "Laundry", "Pick up museum pass", "Meet friends"),
        (30, 60, 90), 10,
        ("shopping", "errand", "free time"),
    ),
}  # fmt: skip
STREETS = (
    "Main Street", "Market Square", "Station Road", "Harbour Walk", "Church Lane",
    "Park Avenue", "River Road", "Castle Hill", "Old Town Square", "University Street",
)  # fmt: skip
PROVIDERS = ("GetYourGuide", "Viator", "Booking.com", "Airbnb", "Local operator", "Trainline")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
OPENING = ("08:00", "09:00", "10:00", "11:00", "12:00")
CLOSING = ("17:00", "18:00", "19:00", "22:00", "23:00")
LAST_START = 22 * 60  # no timed activity starts after 22:00; later ones get no times
DAY_END = 23 * 60 + 59


# --- rows ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeedShape:
    """What one run asks for; ratios are fractions of the plans it creates."""

    seed: int
    users: int
    plans: int
    activities_per_plan: int
    public_ratio: float = 0.15
    shared_ratio: float = 0.10
    member_ratio: float = 0.10


@dataclass
class PlanRows:
    plan: dict
    activities: list[dict]
    members: list[dict] = field(default_factory=list)


def seed_username(seed: int, index: int) -> str:
    return f"seed{seed}-u{index}"


def seed_username_prefix(seed: int) -> str:
    return f"seed{seed}-u"


def _rng(seed: int, kind: str, index: int) -> random.Random:
    return random.Random(f"{seed}:{kind}:{index}")  # noqa: S311 - demo data, not secrets


def user_row(seed: int, index: int, *, now: dt.datetime, password_hash: str) -> dict:
    """One seeded traveller (profile fields valid for the accounts validators)."""
    rng = _rng(seed, "user", index)
    first, last = _one(rng, FIRST_NAMES), _one(rng, LAST_NAMES)
    home = _one(rng, CITIES)
    joined = now - dt.timedelta(seconds=int(rng.random() * 3 * 365 * 86400))
    preferences: dict = {"budget_type": BUDGET_TYPE(rng)}
    if rng.random() < 0.7:
        preferences["travel_style"] = _one(
            rng, ("relaxed", "balanced", "packed", "adventure", "cultural", "luxury")
        )
    if rng.random() < 0.2:
        preferences["dietary_restrictions"] = [_one(rng, ("vegetarian", "vegan", "gluten_free"))]
    if rng.random() < 0.3:
        preferences["avoid_crowds"] = rng.random() < 0.5
    return {
        "password": password_hash,
        "last_login": joined + (now - joined) * rng.random() if rng.random() < 0.6 else None,
        "is_superuser": False,
        "username": seed_username(seed, index),
        "first_name": first,
        "last_name": last,
        "email": f"{first}.{last}.{index}@seed{seed}.example.com".lower(),
        "is_staff": False,
        "is_active": True,
        "date_joined": joined,
        "display_name": f"{first} {last}" if rng.random() < 0.9 else "",
        "timezone": home.timezone,
        "preferred_currency": home.currency if rng.random() < 0.6 else "USD",
        "home_city": f"{home.name}, {home.country}",
        "travel_preferences": _json(preferences),
    }


def email_address_row(user: dict) -> dict:
    """A verified primary address, so seeded travellers can sign in and publish."""
    return {"user_id": user["id"], "email": user["email"], "verified": True, "primary": True}


def plan_data(
    rng: random.Random, city: City, style: str, start: dt.date | None, days: int
) -> tuple[dict, str, int]:
    """A plan document following plans/schemas/plan_data.schema.json; also its budget type."""
    budget_type, group_size = BUDGET_TYPE(rng), GROUP_SIZE(rng)
    needs = []
    if rng.random() < 0.12:
        needs = sorted({_one(rng, ACCESSIBILITY) for _ in range(1 + int(rng.random() * 2))})
    if style == "family" and group_size < 3:
        group_size = 3 + int(rng.random() * 3)
    document: dict = {
        "preferences": {
            "budget_type": budget_type,
            "travel_style": style,
            "group_size": group_size,
            "accessibility_needs": needs,
            "pace": PACE(rng),
        }
    }
    if rng.random() < 0.8:
        kind = ACCOMMODATION_TYPE(rng)
        booking: dict = {"name": _one(rng, ACCOMMODATION_NAMES[kind]).format(city=city.name)}
        booking["address"] = f"{1 + int(rng.random() * 200)} {_one(rng, STREETS)}, {city.name}"
        if start is not None:
            booking["check_in"] = start.isoformat()
            booking["check_out"] = (start + dt.timedelta(days=days - 1)).isoformat()
        if rng.random() < 0.5:
            booking["confirmation_number"] = f"{kind[:3].upper()}-{int(rng.random() * 99999):05d}"
        wishes = sorted({_one(rng, ACCOMMODATION_WISHES) for _ in range(int(rng.random() * 4))})
        document["accommodation"] = {
            "type": kind,
            "booking_details": booking,
            "preferences": wishes,
        }
    if rng.random() < 0.75:
        method = ARRIVAL(rng)
        local = sorted({_one(rng, LOCAL_METHODS) for _ in range(1 + int(rng.random() * 3))})
        document["transportation"] = {
            "arrival": {
                "method": method,
                "details": {"description": _one(rng, ARRIVAL_DETAILS[method])},
            },
            "local": {"methods": local},
        }
    notes_draw = rng.random()
    if notes_draw < 0.35:
        document["notes"] = _one(rng, NOTES)
    elif notes_draw < 0.55:
        document["notes"] = [
            {"text": _one(rng, NOTES), "private": False},
            {
                "text": _one(rng, PRIVATE_NOTES).format(code=int(rng.random() * 9999)),
                "private": True,
            },
        ]
    return document, budget_type, group_size


def plan_rows(
    shape: SeedShape,
    index: int,
    *,
    owner_ids: Sequence[int],
    today: dt.date,
    now: dt.datetime,
) -> PlanRows:
    """Plan number `index` of the seed with its activities; ids are filled in by the loader.

    Activities carry `plan_index` (their place in the chunk is the loader's business) and are
    spread over the trip's days: per day, order_index runs 0, 1, 2... and times never overlap.
    """
    rng = _rng(shape.seed, "plan", index)
    city = _one(rng, CITIES)
    style = TRAVEL_STYLE(rng)
    days = TRIP_DAYS(rng)
    dated = rng.random() < 0.94
    start = today + dt.timedelta(days=int(rng.random() * 1461) - 730) if dated else None
    end = start + dt.timedelta(days=days - 1) if start else None
    document, budget_type, group_size = plan_data(rng, city, style, start, days)

    if rng.random() < shape.public_ratio:
        status, is_public = Plan.Status.PUBLISHED.value, True
    else:
        status, is_public = _PRIVATE_STATUS(rng), False
        if end is not None and end < today and status == "draft" and rng.random() < 0.5:
            status = "archived"
    share_token = secrets.token_urlsafe(32) if rng.random() < shape.shared_ratio else None

    currency = city.currency if rng.random() < 0.55 else _one(rng, HOME_CURRENCIES)
    rate = PER_USD.get(currency, 1)
    budget = None
    if rng.random() < 0.9:
        per_day = PER_PERSON_PER_DAY_USD[budget_type] * (0.7 + rng.random() * 0.7)
        amount = round(per_day * days * group_size * rate, -1 if rate < 100 else -3)
        # NUMERIC(10, 2) stops below 10^8: a long group trip in dong or rupiah would not fit.
        budget = _money(min(amount, MAX_MONEY))

    if start is not None:
        lead = dt.timedelta(days=3 + int(rng.random() * 180), seconds=int(rng.random() * 86400))
        created = min(dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC) - lead, now)
    else:
        created = now - dt.timedelta(seconds=int(rng.random() * 730 * 86400))
    updated = created + (now - created) * rng.random() ** 3

    title = _one(rng, TITLES[style]).format(city=city.name, country=city.country, days=days)
    plan = {
        "user_id": owner_ids[int(rng.random() * len(owner_ids))],
        "title": title,
        "description": _one(rng, DESCRIPTIONS).format(
            city=city.name, country=city.country, days=days
        ),
        "destination": f"{city.name}, {city.country}",
        "start_date": start,
        "end_date": end,
        "budget": budget,
        "currency": currency,
        "status": status,
        "plan_data": _json(document),
        "is_public": is_public,
        "share_token": share_token,
        "version": 1,
        "created_at": created,
        "updated_at": updated,
    }
    rows = PlanRows(plan, _activities(rng, shape, city, start, days, rate, today, created, now))
    if len(owner_ids) > 1 and rng.random() < shape.member_ratio:
        chosen = {
            owner_ids[int(rng.random() * len(owner_ids))] for _ in range(1 + int(rng.random() * 3))
        }
        for user_id in sorted(chosen - {plan["user_id"]}):
            rows.members.append(
                {
                    "user_id": user_id,
                    "role": Role.EDITOR.value if rng.random() < 0.3 else Role.VIEWER.value,
                    "invited_by_id": plan["user_id"],
                    "created_at": created + (now - created) * rng.random(),
                }
            )
    return rows


_PRIVATE_STATUS = Weighted([("draft", 60), ("published", 25), ("archived", 15)])


def _activities(
    rng: random.Random,
    shape: SeedShape,
    city: City,
    start: dt.date | None,
    days: int,
    rate: float,
    today: dt.date,
    created: dt.datetime,
    now: dt.datetime,
) -> list[dict]:
    count = shape.activities_per_plan
    if start is None:
        day_offsets = [None] * count
    else:
        day_offsets = sorted(int(rng.random() * days) for _ in range(count))
    rows = []
    previous_day, order, clock = -1, 0, 0
    for day in day_offsets:
        if day != previous_day:
            previous_day, order = day, 0
            clock = 8 * 60 + 15 * int(rng.random() * 9)  # the day starts 08:00 to 10:00
        kind = ACTIVITY_TYPE(rng)
        titles, minutes_choices, cost_usd, tags = ACTIVITY_KINDS[kind]
        minutes = _one(rng, minutes_choices)
        start_time = end_time = duration = None
        if day is not None and clock <= LAST_START:
            end_clock = min(clock + minutes, DAY_END)
            start_time = dt.time(clock // 60, clock % 60)
            end_time = dt.time(end_clock // 60, end_clock % 60)
            duration = end_clock - clock
            clock = end_clock + 15 * (1 + int(rng.random() * 6))
        scheduled = start + dt.timedelta(days=day) if day is not None else None
        title = _one(rng, titles).format(city=city.name)
        completed = scheduled is not None and scheduled < today and rng.random() < 0.75
        estimated = actual = None
        if cost_usd and rng.random() < 0.85:
            value = cost_usd * (0.4 + rng.random() * 1.6) * rate
            estimated = _money(value)
            if completed:
                actual = _money(value * (0.8 + rng.random() * 0.45))
        latitude = longitude = None
        if rng.random() < 0.95:
            latitude = f"{min(max(city.latitude + (rng.random() - 0.5) * 0.12, -90), 90):.6f}"
            longitude = f"{min(max(city.longitude + (rng.random() - 0.5) * 0.16, -180), 180):.6f}"
        touched = created + (now - created) * rng.random()
        rows.append(
            {
                "title": title,
                "description": "" if rng.random() < 0.6 else f"{title} in {city.name}.",
                "activity_type": kind,
                "location_name": title[:200],
                "latitude": latitude,
                "longitude": longitude,
                "address": f"{1 + int(rng.random() * 200)} {_one(rng, STREETS)}, {city.name}",
                "scheduled_date": scheduled,
                "start_time": start_time,
                "end_time": end_time,
                "duration_minutes": duration,
                "estimated_cost": estimated,
                "actual_cost": actual,
                "order_index": order,
                "is_completed": completed,
                "metadata": _json(_metadata(rng, kind, tags)),
                "version": 1,
                "created_at": created,
                "updated_at": max(touched, created),
            }
        )
        order += 1
    return rows


def _metadata(rng: random.Random, kind: str, tags: Sequence[str]) -> dict:
    """Activity metadata following activities/schemas/metadata.schema.json."""
    metadata: dict = {"tags": sorted({_one(rng, tags) for _ in range(1 + int(rng.random() * 3))})}
    if kind in ("attraction", "restaurant", "activity") and rng.random() < 0.6:
        opens, closes = _one(rng, OPENING), _one(rng, CLOSING)
        closed = _one(rng, WEEKDAYS) if rng.random() < 0.4 else None
        metadata["opening_hours"] = {
            day: {"open": opens, "close": closes} for day in WEEKDAYS if day != closed
        }
    if kind in ("attraction", "restaurant") and rng.random() < 0.5:
        metadata["reviews"] = {
            "rating": round(3 + rng.random() * 2, 1),
            "review_count": int(rng.random() * 5000),
            "source": "Google",
        }
    if kind in ("accommodation", "transport", "activity") and rng.random() < 0.4:
        metadata["booking_info"] = {
            "provider": _one(rng, PROVIDERS),
            "status": "confirmed" if rng.random() < 0.8 else "pending",
            "confirmation_number": f"WF{int(rng.random() * 1_000_000):06d}",
        }
    return metadata


USER_KEYS = (
    "id", "password", "last_login", "is_superuser", "username", "first_name", "last_name",
    "email", "is_staff", "is_active", "date_joined", "display_name", "timezone",
    "preferred_currency", "home_city", "travel_preferences",
)  # fmt: skip
EMAIL_KEYS = ("user_id", "email", "verified", "primary")
PLAN_KEYS = (
    "id", "user_id", "title", "description", "destination", "start_date", "end_date", "budget",
    "currency", "status", "plan_data", "is_public", "share_token", "version", "created_at",
    "updated_at",
)  # fmt: skip
ACTIVITY_KEYS = (
    "id", "plan_id", "title", "description", "activity_type", "location_name", "latitude",
    "longitude", "address", "scheduled_date", "start_time", "end_time", "duration_minutes",
    "estimated_cost", "actual_cost", "order_index", "is_completed", "metadata", "version",
    "created_at", "updated_at",
)  # fmt: skip
MEMBER_KEYS = ("plan_id", "user_id", "role", "invited_by_id", "created_at")


# --- the COPY writer -----------------------------------------------------------------------------

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
NULL = "\\N"


def _text(value) -> str:
    """One value in COPY's text format (psycopg's write_row does the same, but slower here)."""
    if value is None:
        return NULL
    kind = type(value)
    if kind is str:
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return value.translate(_ESCAPES)
        return value
    if kind is bool:
        return "t" if value else "f"
    if kind is int:
        return str(value)
    if kind in (dict, list):
        return _text(_json(value))
    if kind in (dt.date, dt.time, dt.datetime):
        return value.isoformat()
    return str(value).translate(_ESCAPES)


class CopyTable:
    """COPY rows (dicts keyed by field attname) into a model's table, every column accounted for.

    The column list comes from the model's concrete fields at run time, so a column added later
    keeps working: it gets its Django default (or NULL), an auto-incrementing primary key that
    is not provided comes from its sequence, and a NOT NULL column without a default that the
    generator does not provide stops the run before anything is written.
    """

    def __init__(self, model: type[models.Model], provided: Iterable[str]):
        provided = set(provided)
        columns, keys, defaults, missing = [], [], [], []
        known = set()
        for model_field in model._meta.concrete_fields:
            known.add(model_field.attname)
            if getattr(model_field, "generated", False):
                continue
            if model_field.attname in provided:
                keys.append(model_field.attname)
                columns.append(model_field.column)
            elif model_field.db_default is not models.NOT_PROVIDED:
                continue  # the database fills it
            elif model_field.primary_key and isinstance(model_field, AutoFieldMixin):
                continue  # the sequence fills it
            elif (
                model_field.has_default()
                or model_field.null
                # A blank-able text field's default is "" (Field.get_default gives it).
                or (model_field.blank and model_field.empty_strings_allowed)
            ):
                value = model_field.get_prep_value(model_field.get_default())
                defaults.append((model_field.column, _text(value)))
            else:
                missing.append(model_field.name)
        if missing:
            raise SeedError(
                f"seed_demo cannot fill {model._meta.label}.{', '.join(missing)}: "
                "the column is NOT NULL without a default. Give it a default, or generate a "
                "value for it in activities/seeding.py."
            )
        unknown = provided - known
        if unknown:
            raise SeedError(
                f"seed_demo generates {', '.join(sorted(unknown))} for {model._meta.label}, "
                "which has no such field any more; update activities/seeding.py."
            )
        self.table = model._meta.db_table
        self.keys = keys
        self.tail = "".join("\t" + value for _, value in defaults) + "\n"
        quote = connection.ops.quote_name
        all_columns = columns + [column for column, _ in defaults]
        self.sql = f"COPY {quote(self.table)} ({', '.join(map(quote, all_columns))}) FROM STDIN"

    def encode(self, rows: Iterable[dict]) -> bytes:
        """Rows as COPY text-format data; pure, so worker processes can do it."""
        keys, tail, text = self.keys, self.tail, _text
        return "".join("\t".join([text(row[key]) for key in keys]) + tail for row in rows).encode()

    def write(self, cursor, data: bytes) -> None:
        """Send encoded rows through one COPY on a raw psycopg cursor."""
        if data:
            with cursor.copy(self.sql) as copy:
                copy.write(data)


# --- the loader ----------------------------------------------------------------------------------


@dataclass
class SeedResult:
    users_created: int = 0
    plans_created: int = 0
    activities_created: int = 0
    members_created: int = 0
    users_existing: int = 0
    plans_existing: int = 0
    indexes_rebuilt: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Chunk:
    first: int  # plan index
    end: int
    plan_id: int  # id of plan `first`
    activity_id: int  # id of its first activity


@dataclass(frozen=True)
class _Context:
    shape: SeedShape
    owner_ids: list[int]
    today: dt.date
    now: dt.datetime
    tables: tuple[CopyTable, CopyTable, CopyTable]  # plans, activities, members


_worker_context: _Context | None = None


def _set_worker_context(context: _Context) -> None:
    global _worker_context  # per-process state of a pool worker
    _worker_context = context


def _encode_chunk(
    chunk: _Chunk, context: _Context | None = None
) -> tuple[bytes, bytes, bytes, int, int]:
    """Generate plans first..end-1 with their activities and members, as COPY data."""
    context = context or _worker_context
    plan_table, activity_table, member_table = context.tables
    plans, activities, members = [], [], []
    activity_id = chunk.activity_id
    for offset, index in enumerate(range(chunk.first, chunk.end)):
        rows = plan_rows(
            context.shape, index, owner_ids=context.owner_ids, today=context.today, now=context.now
        )
        plan_id = chunk.plan_id + offset
        rows.plan["id"] = plan_id
        plans.append(rows.plan)
        for activity in rows.activities:
            activity["id"] = activity_id
            activity["plan_id"] = plan_id
            activity_id += 1
            activities.append(activity)
        for member in rows.members:
            member["plan_id"] = plan_id
            members.append(member)
    return (
        plan_table.encode(plans),
        activity_table.encode(activities),
        member_table.encode(members),
        len(activities),
        len(members),
    )


def reserve_ids(cursor, table: str, count: int) -> int:
    """First of `count` consecutive fresh ids for `table`, with its sequence moved past them.

    The caller holds a lock that keeps other writers out, so max(id) and the sequence agree with
    what is reserved; rows are then COPYed with explicit ids and later inserts continue after.
    """
    if count <= 0:
        return 0
    quoted = connection.ops.quote_name(table)
    cursor.execute(
        f"""
        SELECT setval(seq, first + %s - 1), first
        FROM (
            SELECT seq, GREATEST(nextval(seq), (SELECT COALESCE(max(id), 0) + 1 FROM {quoted}))
                AS first
            FROM pg_get_serial_sequence(%s, 'id') AS seq
        ) AS reserved
        """,  # noqa: S608 - the table name comes from model metadata
        [count, table],
    )
    return cursor.fetchone()[1]


def _existing_users(cursor, seed: int) -> dict[int, int]:
    """{index: id} of this seed's travellers."""
    prefix = seed_username_prefix(seed)
    cursor.execute("SELECT id, username FROM accounts_user WHERE username LIKE %s", [prefix + "%"])
    found = {}
    for user_id, username in cursor.fetchall():
        suffix = username[len(prefix) :]
        if suffix.isdigit():
            found[int(suffix)] = user_id
    return found


def _existing_plan_count(cursor, user_ids: list[int]) -> int:
    if not user_ids:
        return 0
    cursor.execute("SELECT count(*) FROM plans_plan WHERE user_id = ANY(%s)", [user_ids])
    return cursor.fetchone()[0]


def _droppable_indexes(cursor, tables: Iterable[str]) -> list[tuple[str, str]]:
    """(name, definition) of the plain, non-unique indexes on `tables`: safe to rebuild.

    Unique indexes and those behind constraints stay, so no invariant is ever unchecked.
    """
    cursor.execute(
        """
        SELECT i.relname, pg_get_indexdef(x.indexrelid)
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_class t ON t.oid = x.indrelid
        WHERE t.relname = ANY(%s) AND NOT x.indisunique AND NOT x.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
        ORDER BY t.relname, i.relname
        """,
        [list(tables)],
    )
    return cursor.fetchall()


def seed_demo(
    shape: SeedShape,
    *,
    password_hash: str,
    on_progress: Callable[[str, int, int], None] | None = None,
    now: dt.datetime | None = None,
    jobs: int = 1,
    chunk_size: int = PLANS_PER_CHUNK,
    rebuild_indexes: bool | None = None,
) -> SeedResult:
    """Create what is missing of `shape` in one transaction (see the module docstring).

    `jobs` worker processes generate and encode rows while this process streams them to
    PostgreSQL (0: generate here). `rebuild_indexes` drops the plain indexes of the plan and
    activity tables for the load and recreates them before the commit (None: only when the run
    at least doubles the activity table, where one sorted build beats row-by-row upkeep). The
    drop is inside the transaction, so any error rolls it back with everything else.
    """
    from allauth.account.models import EmailAddress

    from accounts.models import User

    if min(shape.users, shape.plans, shape.activities_per_plan) < 0:
        raise SeedError("Sizes cannot be negative.")
    if shape.seed < 0:
        raise SeedError("The seed must be zero or a positive number.")
    for name in ("public_ratio", "shared_ratio", "member_ratio"):
        if not 0 <= getattr(shape, name) <= 1:
            raise SeedError(f"--{name.replace('_', '-')} must be between 0 and 1.")
    now = now or dt.datetime.now(dt.UTC).replace(microsecond=0)
    report = on_progress or (lambda stage, done, total: None)
    result = SeedResult()

    user_table = CopyTable(User, USER_KEYS)
    email_table = CopyTable(EmailAddress, EMAIL_KEYS)
    plan_table = CopyTable(Plan, PLAN_KEYS)
    activity_table = CopyTable(PlanActivity, ACTIVITY_KEYS)
    member_table = CopyTable(PlanMember, MEMBER_KEYS)

    written = [User, EmailAddress, Plan, PlanMember, PlanActivity]
    names = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in written)
    with transaction.atomic(), connection.cursor() as wrapper:
        cursor = wrapper.cursor  # the raw psycopg cursor, inside Django's transaction
        # Blocks other writers (and a second seeder), not readers, until the commit.
        cursor.execute(f"LOCK TABLE {names} IN SHARE ROW EXCLUSIVE MODE")
        # Django's foreign keys are INITIALLY DEFERRED: check them row by row instead of queueing
        # millions of checks for the commit (and CREATE INDEX refuses to run with a queue).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

        existing = _existing_users(cursor, shape.seed)
        result.users_existing = len(existing)
        missing = [index for index in range(shape.users) if index not in existing]
        if missing:
            report("users", 0, len(missing))
            first_user = reserve_ids(cursor, User._meta.db_table, len(missing))
            users = []
            for offset, index in enumerate(missing):
                row = user_row(shape.seed, index, now=now, password_hash=password_hash)
                row["id"] = existing[index] = first_user + offset
                users.append(row)
            user_table.write(cursor, user_table.encode(users))
            email_table.write(cursor, email_table.encode(map(email_address_row, users)))
            result.users_created = len(users)
            report("users", len(users), len(users))

        owner_ids = [existing[index] for index in sorted(existing)]
        result.plans_existing = _existing_plan_count(cursor, owner_ids)
        to_create = max(shape.plans - result.plans_existing, 0)
        if to_create and not owner_ids:
            raise SeedError("Plans need travellers: ask for at least one user (--users 1).")
        if to_create:
            per_plan = shape.activities_per_plan
            first_plan = reserve_ids(cursor, Plan._meta.db_table, to_create)
            first_activity = reserve_ids(cursor, PlanActivity._meta.db_table, to_create * per_plan)
            chunks = [
                _Chunk(
                    first=start,
                    end=min(start + chunk_size, shape.plans),
                    plan_id=first_plan + start - result.plans_existing,
                    activity_id=first_activity + (start - result.plans_existing) * per_plan,
                )
                for start in range(result.plans_existing, shape.plans, chunk_size)
            ]
            if rebuild_indexes is None:
                cursor.execute("SELECT count(*) FROM plan_activities")
                rebuild_indexes = to_create * per_plan >= max(cursor.fetchone()[0], 100_000)
            indexes = []
            if rebuild_indexes:
                indexes = _droppable_indexes(
                    cursor, [Plan._meta.db_table, PlanActivity._meta.db_table]
                )
                for name, _ in indexes:
                    cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
            context = _Context(
                shape, owner_ids, now.date(), now, (plan_table, activity_table, member_table)
            )
            report("plans", 0, to_create)
            for chunk, encoded in zip(chunks, _generate(chunks, context, jobs), strict=True):
                plans, activities, members, activity_count, member_count = encoded
                plan_table.write(cursor, plans)
                activity_table.write(cursor, activities)
                member_table.write(cursor, members)
                result.plans_created += chunk.end - chunk.first
                result.activities_created += activity_count
                result.members_created += member_count
                report("plans", result.plans_created, to_create)
            if indexes:
                report("indexes", 0, len(indexes))
                for done, (_name, definition) in enumerate(indexes, 1):
                    cursor.execute(definition)
                    report("indexes", done, len(indexes))
                result.indexes_rebuilt = [name for name, _ in indexes]

        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # back to how Django declares them
    if result.users_created or result.plans_created:
        maintenance = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            cursor.execute(f"{maintenance} {names}")
    return result


def _generate(chunks: list[_Chunk], context: _Context, jobs: int):
    """Encoded chunks in order; with jobs > 0, worker processes stay at most two chunks ahead."""
    if jobs <= 0 or len(chunks) == 1:
        for chunk in chunks:
            yield _encode_chunk(chunk, context)
        return
    # fork: workers inherit the context (no pickling of the owner list) and never touch the
    # database connection; they only build bytes.
    pool = multiprocessing.get_context("fork").Pool(
        jobs, initializer=_set_worker_context, initargs=(context,)
    )
    try:
        pending = deque()
        upcoming = iter(chunks)
        for chunk in islice(upcoming, 2 * jobs):
            pending.append(pool.apply_async(_encode_chunk, (chunk,)))
        while pending:
            encoded = pending.popleft().get()
            next_chunk = next(upcoming, None)
            if next_chunk is not None:
                pending.append(pool.apply_async(_encode_chunk, (next_chunk,)))
            yield encoded
        pool.close()
    finally:
        pool.terminate()
        pool.join()
