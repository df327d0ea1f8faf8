"""Website forms for activities: they parse input; the services decide what is valid."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from accounts.formatting import format_date
from activities.models import PlanActivity
from activities.selectors import day_number, trip_days
from config.forms import CoordinateField, TravellerMessagesMixin
from plans.timezones import timezone_choices

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
UNSCHEDULED = "unscheduled"


def day_label(plan, day: dt.date | None) -> str:
    if day is None:
        return "Unscheduled"
    number = day_number(plan, day)
    when = format_date(day, "weekday")
    return f"Day {number} · {when}" if number else when


def day_choices(plan, *, include_unscheduled: bool = True) -> list[tuple[str, str]]:
    """The days a traveller can pick: every trip day, then "Unscheduled"."""
    choices = [(day.isoformat(), day_label(plan, day)) for day in trip_days(plan)]
    if include_unscheduled:
        choices.append((UNSCHEDULED, "Unscheduled"))
    return choices


class DayField(forms.CharField):
    """A trip day as an ISO date, or "unscheduled" (None)."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in ("", UNSCHEDULED):
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValidationError("Choose one of the trip's days.") from None


class QuickAddForm(TravellerMessagesMixin, forms.Form):
    title = forms.CharField(max_length=200, label="What do you want to do?")
    day = DayField(required=False, label="Day")


class DayChoiceForm(forms.Form):
    day = DayField(required=False, label="Day")


class MoveToDayForm(DayChoiceForm):
    """A day, and where in it (0 first; empty: by the activity's time), as Undo posts it."""

    position = forms.IntegerField(required=False, min_value=0, max_value=10_000)


class ActivityForm(TravellerMessagesMixin, forms.ModelForm):
    """All fields of an activity, with the common `metadata` parts as plain fields.

    Name, place, day and time come first; `more_fields` are under "More details".
    """

    FIRST = (
        "title",
        "location_name",
        "address",
        "latitude",
        "longitude",
        "scheduled_date",
        "start_time",
        "end_time",
    )

    estimated_cost = forms.DecimalField(
        min_value=0, max_digits=10, decimal_places=2, required=False, label="Estimated cost"
    )
    actual_cost = forms.DecimalField(
        min_value=0, max_digits=10, decimal_places=2, required=False, label="Actual cost"
    )
    latitude = CoordinateField(limit=90, required=False, label="Latitude")
    longitude = CoordinateField(limit=180, required=False, label="Longitude")

    tags = forms.CharField(
        required=False,
        max_length=1000,
        help_text="Separate tags with commas, e.g. museum, rainy day.",
    )
    pinned = forms.BooleanField(
        required=False,
        label="Keep this activity where it is",
        help_text="The day planner will not move it.",
    )
    booking_provider = forms.CharField(required=False, max_length=200, label="Booked with")
    booking_reference = forms.CharField(required=False, max_length=100, label="Booking reference")
    booking_url = forms.URLField(
        required=False, max_length=2000, assume_scheme="https", label="Booking link"
    )
    contact_phone = forms.CharField(required=False, max_length=50, label="Phone")
    contact_email = forms.EmailField(required=False, max_length=254, label="Email")
    contact_website = forms.URLField(
        required=False, max_length=2000, assume_scheme="https", label="Website"
    )

    class Meta:
        model = PlanActivity
        fields = [
            "title",
            "activity_type",
            "scheduled_date",
            "start_time",
            "end_time",
            "timezone",
            "duration_minutes",
            "location_name",
            "address",
            "latitude",
            "longitude",
            "estimated_cost",
            "actual_cost",
            "description",
        ]
        widgets = {
            "scheduled_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "description": forms.Textarea(attrs={"rows": 3}),
            "address": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"duration_minutes": "Duration (minutes)", "location_name": "Place"}

    # Which form field shows an error found at a metadata JSON path.
    METADATA_FIELDS = {
        "metadata.tags": "tags",
        "metadata.pinned": "pinned",
        "metadata.booking_info.provider": "booking_provider",
        "metadata.booking_info.confirmation_number": "booking_reference",
        "metadata.booking_info.url": "booking_url",
        "metadata.contact_info.phone": "contact_phone",
        "metadata.contact_info.email": "contact_email",
        "metadata.contact_info.website": "contact_website",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plan = self.instance.plan
        if plan.start_date:
            self.fields["scheduled_date"].widget.attrs["min"] = plan.start_date.isoformat()
        if plan.end_date:
            self.fields["scheduled_date"].widget.attrs["max"] = plan.end_date.isoformat()
        self.fields["scheduled_date"].help_text = "Leave empty to keep it unscheduled."
        self.fields["timezone"] = forms.ChoiceField(
            required=False,
            label="Time zone",
            choices=[("", f"The plan's ({plan.timezone})"), *timezone_choices()],
            help_text="Another zone for a stop in another city or a flight.",
        )
        for weekday in WEEKDAYS:
            for part in ("open", "close"):
                self.fields[f"hours_{weekday}_{part}"] = forms.TimeField(
                    required=False,
                    label=f"{weekday.capitalize()} {'opens' if part == 'open' else 'closes'}",
                    widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                )
        metadata = self.instance.metadata or {}
        if not self.is_bound:
            booking = metadata.get("booking_info") or {}
            contact = metadata.get("contact_info") or {}
            self.initial.update(
                tags=", ".join(metadata.get("tags") or []),
                pinned=bool(metadata.get("pinned")),
                booking_provider=booking.get("provider", ""),
                booking_reference=booking.get("confirmation_number", ""),
                booking_url=booking.get("url", ""),
                contact_phone=contact.get("phone", ""),
                contact_email=contact.get("email", ""),
                contact_website=contact.get("website", ""),
            )
            for weekday, hours in (metadata.get("opening_hours") or {}).items():
                self.initial[f"hours_{weekday}_open"] = hours.get("open")
                self.initial[f"hours_{weekday}_close"] = hours.get("close")

    @property
    def more_has_errors(self) -> bool:
        """Whether "More details" holds an error, so the page shows it open."""
        return bool(set(self.errors) - {*self.FIRST, "__all__"}) if self.is_bound else False

    def _post_clean(self):
        """Validation of the whole activity belongs to the service, which the view calls."""

    def hours_fields(self):
        return [
            (weekday.capitalize(), self[f"hours_{weekday}_open"], self[f"hours_{weekday}_close"])
            for weekday in WEEKDAYS
        ]

    def clean(self):
        data = super().clean()
        for weekday in WEEKDAYS:
            opens, closes = data.get(f"hours_{weekday}_open"), data.get(f"hours_{weekday}_close")
            if bool(opens) != bool(closes):
                self.add_error(
                    f"hours_{weekday}_close" if opens else f"hours_{weekday}_open",
                    "Give both the opening and the closing time, or neither.",
                )
        self._add_activity_rule_errors(data)
        return data

    def _add_activity_rule_errors(self, data: dict) -> None:
        """The activity's own rules (end after start, both coordinates or neither, a day in
        the trip), checked with the field errors so the summary lists every error at once
        instead of these after a second send. The service checks them again on save."""
        probe = PlanActivity(
            plan=self.instance.plan,
            **{
                name: data.get(name)
                for name in ("scheduled_date", "start_time", "end_time", "latitude", "longitude")
            },
        )
        try:
            probe.clean()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field not in self.errors:
                    self.add_error(field, messages)

    def activity_data(self) -> dict:
        """Cleaned values for the service, with `metadata` merged over what was there."""
        data = {name: self.cleaned_data.get(name) for name in self.Meta.fields}
        metadata = dict(self.instance.metadata or {})

        def put(key: str, value) -> None:
            if value in (None, "", [], {}, False):
                metadata.pop(key, None)
            else:
                metadata[key] = value

        tags = [tag.strip() for tag in self.cleaned_data.get("tags", "").split(",") if tag.strip()]
        put("tags", list(dict.fromkeys(tags)))
        put("pinned", self.cleaned_data.get("pinned"))
        booking = dict(metadata.get("booking_info") or {})
        for key, name in (
            ("provider", "booking_provider"),
            ("confirmation_number", "booking_reference"),
            ("url", "booking_url"),
        ):
            booking[key] = self.cleaned_data.get(name)
        put("booking_info", {k: v for k, v in booking.items() if v not in (None, "")})
        contact = dict(metadata.get("contact_info") or {})
        for key, name in (
            ("phone", "contact_phone"),
            ("email", "contact_email"),
            ("website", "contact_website"),
        ):
            contact[key] = self.cleaned_data.get(name)
        put("contact_info", {k: v for k, v in contact.items() if v not in (None, "")})
        hours = {}
        for weekday in WEEKDAYS:
            opens = self.cleaned_data.get(f"hours_{weekday}_open")
            closes = self.cleaned_data.get(f"hours_{weekday}_close")
            if opens and closes:
                hours[weekday] = {
                    "open": opens.strftime("%H:%M"),
                    "close": closes.strftime("%H:%M"),
                }
        put("opening_hours", hours)
        data["metadata"] = metadata
        return data

    def add_service_errors(self, error: ValidationError) -> None:
        """Show the service's errors next to the field they concern."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, messages in error.message_dict.items():
            target = key if key in self.fields else None
            if target is None:
                for prefix, name in self.METADATA_FIELDS.items():
                    if key.startswith(prefix):
                        target = name
                        break
            if target is None and key.startswith("metadata.opening_hours"):
                messages = [f"Opening hours: {message}" for message in messages]
            elif target is None and key != "__all__":
                messages = [f"{key}: {message}" for message in messages]
            for message in messages:
                self.add_error(target, message)
