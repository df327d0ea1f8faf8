"""What outsiders see of a plan: the one rule that every outsider format reads through.

The share-link page, the public plan page, the public and shared API, the calendar file of a
plan read by an outsider and copies made by non-members all render a `PublicPlan`, never the
`Plan` row: a template, serializer or export cannot show a private field, because the
projection does not have it.

Left out by default: private notes, booking references and confirmation numbers, the place's
contact, `extra` (the plan's and each activity's), each activity's booking, what was spent
(activities' actual costs, the cost of bookings made elsewhere), completion, and the plan's
members. Of the owner only the public name is kept.

`sections` widens or narrows that in this one place. On by default: "document" (`plan_data`,
redacted) and "activities". Off by default, for features that show more to chosen people:
"private_notes", "actual_costs", "completion". A lighter list (the API's gallery) leaves out
"activities" and costs no query.

Here rather than in `selectors.py`: it is not a queryset limited to a requester but the shape
outsiders get of one plan already read and allowed, with the types every format imports.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from activities.models import day_order
from plans.documents import plan_data_redacted, plan_notes
from plans.models import Plan
from plans.timezones import activity_end, activity_start

DEFAULT_SECTIONS: frozenset[str] = frozenset({"document", "activities"})
SECTIONS: frozenset[str] = DEFAULT_SECTIONS | {"private_notes", "actual_costs", "completion"}

# The activity columns an outsider may see, all of them copied into an outsider's copy.
PUBLIC_ACTIVITY_FIELDS = (
    "title",
    "description",
    "activity_type",
    "location_name",
    "latitude",
    "longitude",
    "address",
    "scheduled_date",
    "start_time",
    "end_time",
    "timezone",
    "duration_minutes",
    "estimated_cost",
    "metadata",
    "order_index",
)
# An activity's metadata keys that are its planners' business only.
PRIVATE_METADATA_KEYS = frozenset({"booking_info", "extra"})


@dataclass(frozen=True)
class PublicOwner:
    id: int
    public_name: str


@dataclass(frozen=True)
class PublicActivity:
    id: int
    title: str
    description: str
    activity_type: str
    activity_type_label: str
    location_name: str
    latitude: Decimal | None
    longitude: Decimal | None
    address: str
    scheduled_date: dt.date | None
    start_time: dt.time | None
    end_time: dt.time | None
    # Blank: the plan's zone.
    timezone: str
    duration_minutes: int | None
    estimated_cost: Decimal | None
    metadata: dict
    order_index: int
    # The day and times as instants on the activity's clock (plans.timezones).
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    # Calendar apps update an imported event in place by these (SEQUENCE, LAST-MODIFIED).
    version: int
    updated_at: dt.datetime
    # Only with the "actual_costs" and "completion" sections.
    actual_cost: Decimal | None = None
    is_completed: bool | None = None


@dataclass(frozen=True)
class PublicPlan:
    id: int
    title: str
    description: str
    destination: str
    start_date: dt.date | None
    end_date: dt.date | None
    duration_days: int | None
    days_to_go: int | None
    budget: Decimal | None
    currency: str
    status: str
    is_public: bool
    owner: PublicOwner
    # The clock the itinerary's times are on: the plan's time zone (plans.timezones).
    timezone: str
    plan_data: dict
    activities: tuple[PublicActivity, ...]
    created_at: dt.datetime
    updated_at: dt.datetime
    sections: frozenset[str]

    @property
    def notes(self) -> list[dict]:
        """The notes of `plan_data` as {text, private}: the public ones unless widened."""
        return plan_notes(self.plan_data)


def public_projection(plan: Plan, sections: frozenset[str] = DEFAULT_SECTIONS) -> PublicPlan:
    """`plan` as outsiders may see it; one query (the activities) when "activities" is in.

    `plan` must be one the outsider may read (a share link, a public plan): this decides what
    they see of it, not whether they may.
    """
    unknown = sections - SECTIONS
    if unknown:
        raise ValueError(f"Unknown sections of a public plan: {', '.join(sorted(unknown))}")
    owner = plan.user
    return PublicPlan(
        id=plan.pk,
        title=plan.title,
        description=plan.description,
        destination=plan.destination,
        start_date=plan.start_date,
        end_date=plan.end_date,
        duration_days=plan.duration_days,
        days_to_go=plan.days_to_go,
        budget=plan.budget,
        currency=plan.currency,
        status=plan.status,
        is_public=plan.is_public,
        owner=PublicOwner(id=owner.pk, public_name=owner.public_name),
        timezone=plan.timezone,
        plan_data=_document(plan.plan_data, sections) if "document" in sections else {},
        activities=_activities(plan, sections) if "activities" in sections else (),
        created_at=plan.created_at,
        updated_at=plan.updated_at,
        sections=sections,
    )


def _document(data: dict, sections: frozenset[str]) -> dict:
    """The redacted document (documents.plan_data_redacted), less what the page has always
    shown members only (the place's contact) and what was paid for bookings made elsewhere."""
    document = plan_data_redacted(data)
    accommodation = document.get("accommodation")
    details = accommodation.get("booking_details") if isinstance(accommodation, dict) else None
    if isinstance(details, dict):
        details.pop("contact", None)
    bookings = document.get("external_bookings")
    if "actual_costs" not in sections and isinstance(bookings, dict):
        for items in bookings.values():
            for item in items if isinstance(items, list) else ():
                if isinstance(item, dict):
                    item.pop("cost", None)
    if "private_notes" in sections and "notes" in document:
        document["notes"] = plan_notes(data)
    return document


def _activities(plan: Plan, sections: frozenset[str]) -> tuple[PublicActivity, ...]:
    """The plan's activities in the day order (`activities.models.day_order`), reading only
    the columns shown."""
    private = [
        name
        for section, name in (("actual_costs", "actual_cost"), ("completion", "is_completed"))
        if section in sections
    ]
    rows = plan.activities.only(
        "id", "plan", "version", "updated_at", *PUBLIC_ACTIVITY_FIELDS, *private
    ).order_by(*day_order())
    return tuple(
        PublicActivity(
            id=row.pk,
            **{name: getattr(row, name) for name in PUBLIC_ACTIVITY_FIELDS if name != "metadata"},
            activity_type_label=row.get_activity_type_display(),
            metadata=_metadata(row.metadata),
            starts_at=activity_start(row, plan.timezone),
            ends_at=activity_end(row, plan.timezone),
            version=row.version,
            updated_at=row.updated_at,
            **{name: getattr(row, name) for name in private},
        )
        for row in rows
    )


def _metadata(metadata) -> dict:
    if not isinstance(metadata, dict):
        return {}
    return {key: value for key, value in metadata.items() if key not in PRIVATE_METADATA_KEYS}
