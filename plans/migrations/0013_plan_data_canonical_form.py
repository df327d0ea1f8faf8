"""Stored plan documents rewritten to the design's shapes (see plans.documents.plan_data_canonical).

`transportation.arrival.details` text becomes {"description": text}, `public_transit` becomes
`public_transport`, and an itinerary activity's `duration` text ("2 hours", "90 min", "1h30")
becomes minutes; text that is not a duration moves to `duration_text`.

The rules are copied here, not imported: a migration must keep doing what it did when it was
written, whatever the app's code becomes. Only plans whose document changes are written, with
the `updated_at` trigger switched off for the statement, because the traveller changed nothing:
the dashboard's "recently updated" order and `version` (ETags) stay as they were. History rows
are left alone; they record what was stored at the time.

The reverse writes the earlier spellings back (minutes as "N min", `duration_text` as the
`duration`, the details' description as text, `public_transit`), so code from before this
migration can edit every plan again after a rollback.
"""

import re

from django.db import migrations
from django.db.models import Q

DURATION_MAX_MINUTES = 24 * 60
DURATION = re.compile(
    r"(?:(?P<h>\d{1,4}(?:[.,]\d{1,4})?)\s*(?:hours|hour|hrs|hr|h)\.?)?"
    r"\s*(?:and\s+|,\s*)?"
    r"(?:(?P<m>\d{1,5})\s*(?:minutes|minute|mins|min|m)?\.?)?",
    re.ASCII | re.IGNORECASE,
)
CLOCK_DURATION = re.compile(r"(?P<h>\d{1,2}):(?P<m>[0-5]\d)", re.ASCII)
BATCH = 1000
DROP = object()  # the key is left out of the rewritten object


def duration_minutes(text):
    text = text.strip()
    match = CLOCK_DURATION.fullmatch(text) or DURATION.fullmatch(text)
    if not text or not match or not (match["h"] or match["m"]):
        return None
    minutes = round(float((match["h"] or "0").replace(",", ".")) * 60) + int(match["m"] or 0)
    return minutes if minutes <= DURATION_MAX_MINUTES else None


def unique(values):
    seen, kept = set(), []
    for value in values:
        if isinstance(value, str):
            if value in seen:
                continue
            seen.add(value)
        kept.append(value)
    return kept


def canonical_activity(item):
    duration = item.get("duration")
    if isinstance(duration, float) and duration.is_integer():
        return {**item, "duration": int(duration)}
    if not isinstance(duration, str):
        return item
    minutes = duration_minutes(duration)
    item = dict(item)
    if minutes is not None:
        item["duration"] = minutes
    elif not duration.strip():
        del item["duration"]
    elif "duration_text" not in item:
        item["duration_text"] = item.pop("duration")
    return item


def legacy_activity(item):
    item = dict(item)
    duration = item.get("duration")
    if isinstance(duration, int) and not isinstance(duration, bool):
        item["duration"] = f"{duration} min"
    if "duration_text" in item and "duration" not in item:
        item["duration"] = item.pop("duration_text")
    return item


def rewrite(data, *, activity, details, methods):
    """`data` with each itinerary activity, the arrival details and local methods rewritten."""
    if not isinstance(data, dict):
        return data
    data = dict(data)
    transport = data.get("transportation")
    if isinstance(transport, dict):
        transport = data["transportation"] = dict(transport)
        arrival = transport.get("arrival")
        if isinstance(arrival, dict) and "details" in arrival:
            arrival = transport["arrival"] = dict(arrival)
            new = details(arrival["details"])
            if new is DROP:
                del arrival["details"]
            else:
                arrival["details"] = new
        local = transport.get("local")
        if isinstance(local, dict) and isinstance(local.get("methods"), list):
            transport["local"] = {**local, "methods": methods(local["methods"])}
    itinerary = data.get("itinerary")
    if isinstance(itinerary, list):
        data["itinerary"] = [
            {
                **day,
                "activities": [
                    activity(item) if isinstance(item, dict) else item
                    for item in day["activities"]
                ],
            }
            if isinstance(day, dict) and isinstance(day.get("activities"), list)
            else day
            for day in itinerary
        ]
    return data


def canonical_details(value):
    if isinstance(value, str):
        return {"description": value} if value.strip() else {}
    return value


def legacy_details(value):
    if isinstance(value, dict):
        description = value.get("description")
        return description if isinstance(description, str) and description else DROP
    return value


def canonical(data):
    return rewrite(
        data,
        activity=canonical_activity,
        details=canonical_details,
        methods=lambda values: unique(
            ["public_transport" if value == "public_transit" else value for value in values]
        ),
    )


def legacy(data):
    return rewrite(
        data,
        activity=legacy_activity,
        details=legacy_details,
        methods=lambda values: unique(
            ["public_transit" if value == "public_transport" else value for value in values]
        ),
    )


def _rewrite_plans(apps, schema_editor, spelling):
    """Write `spelling(plan_data)` to every plan whose document it changes, a batch at a time.

    The trigger is switched off inside the migration's transaction: ALTER TABLE holds the
    table's lock until commit, so no other session writes while it is off. ALTER TABLE also
    refuses while deferred foreign-key checks are pending (each UPDATE queues some), so they
    are run first.
    """
    Plan = apps.get_model("plans", "Plan")
    table = schema_editor.quote_name(Plan._meta.db_table)
    # Only documents with a part that has spellings to rewrite.
    candidates = (
        Plan.objects.filter(Q(plan_data__has_key="transportation") | Q(plan_data__has_key="itinerary"))
        .order_by("pk")
        .values_list("pk", "plan_data")
    )
    schema_editor.connection.check_constraints()
    schema_editor.execute(f"ALTER TABLE {table} DISABLE TRIGGER plans_plan_updated_at")
    changed = []
    for pk, data in candidates.iterator(chunk_size=BATCH):
        new = spelling(data)
        if new != data:
            changed.append(Plan(pk=pk, plan_data=new))
        if len(changed) == BATCH:
            Plan.objects.bulk_update(changed, ["plan_data"])
            changed = []
    Plan.objects.bulk_update(changed, ["plan_data"])
    schema_editor.connection.check_constraints()
    schema_editor.execute(f"ALTER TABLE {table} ENABLE TRIGGER plans_plan_updated_at")


def forward(apps, schema_editor):
    _rewrite_plans(apps, schema_editor, canonical)


def backward(apps, schema_editor):
    _rewrite_plans(apps, schema_editor, legacy)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0012_stored_search_document"),
    ]

    operations = [migrations.RunPython(forward, backward)]
