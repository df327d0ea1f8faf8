"""Website forms: the plan's columns plus one small form or formset per `plan_data` section.

Travellers never see JSON: `PlanEditor` builds the document from real fields, keeps the
parts the website does not edit (itinerary, extra) and the sections the traveller left as
they were, and puts the service's JSON-path errors back on the field they belong to.
"""

from __future__ import annotations

import copy
import re

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from config.forms import TravellerMessagesMixin
from plans.documents import plan_data_canonical, plan_notes
from plans.models import END_BEFORE_START, PlanMember, PlanReport, Visibility
from plans.timezones import timezone_choices


def _choices(*values: str) -> list[tuple[str, str]]:
    return [(value, value.replace("_", " ").capitalize()) for value in values]


BLANK = [("", "Not set")]
BUDGET_TYPES = _choices("budget", "moderate", "luxury")
TRAVEL_STYLES = _choices(
    "adventure", "cultural", "relaxation", "family", "romantic", "business", "nature", "food"
)
ACCESSIBILITY_NEEDS = [
    ("wheelchair", "Wheelchair access"),
    ("mobility_limited", "Limited mobility"),
    ("visual_impairment", "Visual impairment"),
    ("hearing_impairment", "Hearing impairment"),
    ("stroller_friendly", "Stroller friendly"),
]
PACES = [
    ("relaxed", "Relaxed: a few things a day"),
    ("moderate", "Moderate"),
    ("fast", "Fast: see as much as possible"),
]
ACCOMMODATION_TYPES = _choices(
    "hotel", "hostel", "apartment", "guesthouse", "camping", "friends", "other"
)
ARRIVAL_METHODS = _choices("flight", "train", "bus", "car", "ferry", "other")
LOCAL_METHODS = [
    ("walking", "Walking"),
    ("public_transport", "Public transport"),
    ("taxi", "Taxi"),
    ("rideshare", "Ride sharing"),
    ("rental_car", "Rental car"),
    ("bicycle", "Bicycle"),
    ("scooter", "Scooter"),
    ("other", "Other"),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class PlanForm(TravellerMessagesMixin, forms.Form):
    """The plan's own columns. The first five are what a new plan asks for; the rest are
    under "More details"."""

    FIRST = ("destination", "start_date", "end_date", "budget", "currency", "title")

    title = forms.CharField(
        max_length=200,
        required=False,
        help_text="Optional: left empty, it is “Trip to” and the destination.",
    )
    destination = forms.CharField(max_length=100, required=False)
    start_date = forms.DateField(required=False, widget=DateInput)
    end_date = forms.DateField(required=False, widget=DateInput)
    budget = forms.DecimalField(
        max_digits=10,
        decimal_places=2,
        required=False,
        min_value=0,
        help_text="Optional: the total for the whole trip.",
    )
    currency = forms.CharField(
        max_length=3,
        min_length=3,
        help_text="Three letters, such as USD, EUR or JPY.",
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "size": 4}),
    )
    timezone = forms.ChoiceField(
        label="Time zone",
        choices=timezone_choices,
        help_text="The destination's: activity times are local times there.",
    )
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def clean_currency(self):
        currency = self.cleaned_data["currency"].strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", currency):
            raise ValidationError("Use a three-letter currency code, such as USD or EUR.")
        return currency

    def first_fields(self) -> list:
        return [self[name] for name in self.FIRST]

    def more_fields(self) -> list:
        return [self[name] for name in self.fields if name not in self.FIRST]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", END_BEFORE_START)
        if "title" in cleaned and not cleaned["title"].strip():
            destination = (cleaned.get("destination") or "").strip()
            if destination:
                cleaned["title"] = f"Trip to {destination}"
            elif "destination" in cleaned:
                self.add_error(
                    "destination", "Give a destination or a name for the plan, so you can find it."
                )
        return cleaned


class PreferencesForm(TravellerMessagesMixin, forms.Form):
    budget_type = forms.ChoiceField(choices=BLANK + BUDGET_TYPES, required=False)
    travel_style = forms.ChoiceField(choices=BLANK + TRAVEL_STYLES, required=False)
    group_size = forms.IntegerField(
        min_value=1, max_value=100, required=False, label="Number of travellers"
    )
    pace = forms.ChoiceField(choices=BLANK + PACES, required=False)
    accessibility_needs = forms.MultipleChoiceField(
        choices=ACCESSIBILITY_NEEDS, required=False, widget=forms.CheckboxSelectMultiple
    )


class AccommodationForm(TravellerMessagesMixin, forms.Form):
    type = forms.ChoiceField(choices=BLANK + ACCOMMODATION_TYPES, required=False)
    name = forms.CharField(max_length=200, required=False, label="Place name")
    address = forms.CharField(max_length=2000, required=False)
    check_in = forms.DateField(required=False, widget=DateInput)
    check_out = forms.DateField(required=False, widget=DateInput)
    confirmation_number = forms.CharField(
        max_length=100,
        required=False,
        help_text="Only you and your co-travellers see this.",
    )
    contact = forms.CharField(max_length=200, required=False)
    preferences = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What you look for in a place",
        help_text="One per line, for example: central location.",
    )

    def clean_preferences(self):
        lines = [line.strip() for line in self.cleaned_data["preferences"].splitlines()]
        lines = [line for line in lines if line]
        if len(lines) > 20:
            raise ValidationError("Keep it to 20 lines or fewer.")
        if any(len(line) > 200 for line in lines):
            raise ValidationError("Keep each line to 200 characters or fewer.")
        return lines

    def clean(self):
        cleaned = super().clean()
        check_in, check_out = cleaned.get("check_in"), cleaned.get("check_out")
        if check_in and check_out and check_out < check_in:
            self.add_error("check_out", "Check-out must be on or after check-in.")
        return cleaned


class TransportationForm(TravellerMessagesMixin, forms.Form):
    arrival_method = forms.ChoiceField(
        choices=BLANK + ARRIVAL_METHODS, required=False, label="Getting there"
    )
    arrival_details = forms.CharField(
        max_length=2000,
        required=False,
        label="Arrival details",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    local_methods = forms.MultipleChoiceField(
        choices=LOCAL_METHODS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Getting around",
    )


class NoteForm(TravellerMessagesMixin, forms.Form):
    text = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Note"
    )
    private = forms.BooleanField(
        required=False,
        label="Private",
        help_text="Hidden on the share link and the public gallery.",
    )


class FlightForm(TravellerMessagesMixin, forms.Form):
    airline = forms.CharField(max_length=200, required=False)
    flight_number = forms.CharField(max_length=20, required=False)
    origin = forms.CharField(max_length=200, required=False, label="From")
    destination = forms.CharField(max_length=200, required=False, label="To")
    date = forms.DateField(required=False, widget=DateInput)
    departure_time = forms.TimeField(required=False, widget=TimeInput)
    booking_reference = forms.CharField(max_length=100, required=False)
    cost = forms.DecimalField(min_value=0, max_digits=10, decimal_places=2, required=False)


class HotelForm(TravellerMessagesMixin, forms.Form):
    name = forms.CharField(max_length=200, required=False)
    check_in = forms.DateField(required=False, widget=DateInput)
    check_out = forms.DateField(required=False, widget=DateInput)
    booking_reference = forms.CharField(max_length=100, required=False)
    cost = forms.DecimalField(min_value=0, max_digits=10, decimal_places=2, required=False)


class BookedActivityForm(TravellerMessagesMixin, forms.Form):
    name = forms.CharField(max_length=200, required=False)
    provider = forms.CharField(max_length=200, required=False)
    date = forms.DateField(required=False, widget=DateInput)
    booking_reference = forms.CharField(max_length=100, required=False)
    cost = forms.DecimalField(min_value=0, max_digits=10, decimal_places=2, required=False)


NoteFormSet = forms.formset_factory(NoteForm, extra=2, max_num=50, validate_max=True)
FlightFormSet = forms.formset_factory(FlightForm, extra=1, max_num=50, validate_max=True)
HotelFormSet = forms.formset_factory(HotelForm, extra=1, max_num=50, validate_max=True)
BookedActivityFormSet = forms.formset_factory(
    BookedActivityForm, extra=1, max_num=100, validate_max=True
)

# Form field name -> document key, where they differ ("from" is a Python keyword).
FLIGHT_KEYS = {"origin": "from", "destination": "to"}


def _compact(values: dict) -> dict:
    """Leave out what the traveller left empty, so the document holds only real answers."""
    return {key: value for key, value in values.items() if value not in ("", None, [], {})}


def _without_empties(value):
    """`value` with empty answers left out at every depth, as `_compact` leaves them out."""
    if isinstance(value, dict):
        kept = {key: _without_empties(item) for key, item in value.items()}
        return {key: item for key, item in kept.items() if item not in ("", None, [], {})}
    if isinstance(value, list):
        return [_without_empties(item) for item in value]
    return value


def _json_value(value):
    if hasattr(value, "isoformat"):
        return value.isoformat(timespec="minutes") if hasattr(value, "hour") else value.isoformat()
    if hasattr(value, "as_tuple"):  # Decimal: the schema stores numbers.
        return float(value) if value != int(value) else int(value)
    return value


class PlanEditor:
    """All the forms of the create/edit page, validated and turned into service arguments."""

    SECTIONS = ("preferences", "accommodation", "transportation")

    def __init__(self, data=None, *, initial: dict | None = None, plan_data: dict | None = None):
        # Read in the canonical form, as the service will store it.
        self.base_plan_data = copy.deepcopy(plan_data_canonical(plan_data or {}))
        doc = self.base_plan_data
        accommodation = doc.get("accommodation") or {}
        details = accommodation.get("booking_details") or {}
        transport = doc.get("transportation") or {}
        arrival = transport.get("arrival") or {}
        bookings = doc.get("external_bookings") or {}
        self.main = PlanForm(data, initial=initial)
        self.preferences = PreferencesForm(
            data, prefix="preferences", initial=doc.get("preferences") or {}
        )
        self.accommodation = AccommodationForm(
            data,
            prefix="accommodation",
            initial={
                "type": accommodation.get("type", ""),
                **details,
                "preferences": "\n".join(accommodation.get("preferences") or []),
            },
        )
        self.transportation = TransportationForm(
            data,
            prefix="transportation",
            initial={
                "arrival_method": arrival.get("method", ""),
                "arrival_details": (arrival.get("details") or {}).get("description", ""),
                "local_methods": (transport.get("local") or {}).get("methods", []),
            },
        )
        self.notes = NoteFormSet(data, prefix="notes", initial=plan_notes(doc))
        self.flights = FlightFormSet(
            data,
            prefix="flights",
            initial=[
                {
                    ("origin" if k == "from" else "destination" if k == "to" else k): v
                    for k, v in flight.items()
                }
                for flight in bookings.get("flights") or []
            ],
        )
        self.hotels = HotelFormSet(data, prefix="hotels", initial=bookings.get("hotels") or [])
        self.booked_activities = BookedActivityFormSet(
            data, prefix="booked_activities", initial=bookings.get("activities") or []
        )
        # Position in the saved list -> form index, to put list errors on the right row.
        self._rows: dict[str, list[int]] = {}
        for formset, row_label in (
            (self.notes, "Note"),
            (self.flights, "Flight"),
            (self.hotels, "Hotel"),
            (self.booked_activities, "Booked activity"),
        ):
            formset.row_label = row_label  # names the row in the error summary

    @property
    def all_forms(self) -> list:
        return [
            self.main,
            self.preferences,
            self.accommodation,
            self.transportation,
            self.notes,
            self.flights,
            self.hotels,
            self.booked_activities,
        ]

    def is_valid(self) -> bool:
        return all([form.is_valid() for form in self.all_forms])

    @property
    def has_errors(self) -> bool:
        return any(self._has_errors(form) for form in self.all_forms)

    @property
    def more_has_errors(self) -> bool:
        """Whether "More details" holds an error, so the page shows it open."""
        main_errors = (
            set(self.main.errors) - {*PlanForm.FIRST, NON_FIELD_ERRORS}
            if self.main.is_bound
            else ()
        )
        return bool(main_errors) or any(self._has_errors(form) for form in self.all_forms[1:])

    @staticmethod
    def _has_errors(form) -> bool:
        if not form.is_bound:
            return False
        return bool(form.errors) if isinstance(form, forms.Form) else form.total_error_count() > 0

    def _rows_of(self, key: str, formset, *, rename: dict | None = None) -> list[dict]:
        rows, indexes = [], []
        for index, form in enumerate(formset.forms):
            values = {
                (rename or {}).get(name, name): _json_value(value)
                for name, value in form.cleaned_data.items()
            }
            values = _compact(values)
            if key == "notes":
                if not values.get("text"):
                    continue
                values = {"text": values["text"], "private": bool(values.get("private"))}
            if not values:
                continue
            rows.append(values)
            indexes.append(index)
        self._rows[key] = indexes
        return rows

    def plan_data(self) -> dict:
        """The new document: edited sections replaced, other keys (itinerary, extra) kept."""
        doc = copy.deepcopy(self.base_plan_data)
        prefs = self.preferences.cleaned_data
        sections = {
            "preferences": _compact(dict(prefs)),
            "accommodation": _compact(
                {
                    "type": self.accommodation.cleaned_data["type"],
                    "booking_details": _compact(
                        {
                            name: _json_value(self.accommodation.cleaned_data[name])
                            for name in (
                                "name",
                                "address",
                                "check_in",
                                "check_out",
                                "confirmation_number",
                                "contact",
                            )
                        }
                    ),
                    "preferences": self.accommodation.cleaned_data["preferences"],
                }
            ),
            "transportation": _compact(
                {
                    "arrival": _compact(
                        {
                            "method": self.transportation.cleaned_data["arrival_method"],
                            "details": _compact(
                                {"description": self.transportation.cleaned_data["arrival_details"]}
                            ),
                        }
                    ),
                    "local": _compact(
                        {"methods": self.transportation.cleaned_data["local_methods"]}
                    ),
                }
            ),
            "notes": self._rows_of("notes", self.notes),
            "external_bookings": _compact(
                {
                    "flights": self._rows_of("flights", self.flights, rename=FLIGHT_KEYS),
                    "hotels": self._rows_of("hotels", self.hotels),
                    "activities": self._rows_of("activities", self.booked_activities),
                }
            ),
        }
        for key, value in sections.items():
            if self._unchanged(key, value):
                continue
            if value:
                doc[key] = value
            else:
                doc.pop(key, None)
        return doc

    def _unchanged(self, key: str, value) -> bool:
        """Whether the form's version of a section says what the stored one says.

        Then the stored section is kept as it is, with its empty objects and lists and its
        notes as text, so saving the form without touching a section does not rewrite it.
        """
        if key not in self.base_plan_data:
            return False
        if key == "notes":
            return value == plan_notes(self.base_plan_data)
        return value == _without_empties(self.base_plan_data[key])

    def service_arguments(self) -> dict:
        return {**self.main.cleaned_data, "plan_data": self.plan_data()}

    # --- errors from the service, back onto fields -----------------------------------------

    def _target(self, path: str):
        """(form, field name or None) for a `plan_data...` JSON path."""
        parts = re.findall(r"[A-Za-z_]+|\[\d+\]", path.removeprefix("plan_data"))
        if not parts:
            return self.main, None
        head, rest = parts[0], parts[1:]
        names = [part for part in rest if not part.startswith("[")]
        index = next((int(part[1:-1]) for part in rest if part.startswith("[")), None)
        if head == "preferences" and names and names[0] in self.preferences.fields:
            return self.preferences, names[0]
        if head == "accommodation":
            field = names[-1] if names and names[0] == "booking_details" else (names or [None])[0]
            if field in self.accommodation.fields:
                return self.accommodation, field
        if head == "transportation" and names:
            arrival_field = "arrival_details" if "details" in names else f"arrival_{names[-1]}"
            field = {"arrival": arrival_field, "local": "local_methods"}.get(names[0])
            if field in self.transportation.fields:
                return self.transportation, field
        if head == "notes" and index is not None:
            return self._row_form("notes", self.notes, index), "text"
        if head == "external_bookings" and names:
            kind = names[0]
            formset = {
                "flights": self.flights,
                "hotels": self.hotels,
                "activities": self.booked_activities,
            }.get(kind)
            if formset is not None and index is not None and len(names) > 1:
                field = {v: k for k, v in FLIGHT_KEYS.items()}.get(names[1], names[1])
                form = self._row_form(kind, formset, index)
                if form is not None and field in form.fields:
                    return form, field
        return self.main, None

    def _row_form(self, key: str, formset, index: int):
        indexes = self._rows.get(key) or []
        return formset.forms[indexes[index]] if index < len(indexes) else None

    def add_service_errors(self, error: ValidationError) -> None:
        """Show a service's ValidationError on the matching fields (or at the top)."""
        if not hasattr(error, "error_dict"):
            self.main.add_error(None, error)
            return
        for key, messages in error.message_dict.items():
            if key in self.main.fields:
                for message in messages:
                    self.main.add_error(key, message)
            elif key == NON_FIELD_ERRORS:
                for message in messages:
                    self.main.add_error(None, message)
            else:
                form, field = self._target(key)
                if form is None:
                    form, field = self.main, None
                for message in messages:
                    text = message if field else f"{key}: {message}"
                    if field and field not in form.fields:
                        field, text = None, f"{key}: {message}"
                    form.add_error(field, text)


class PublishForm(forms.Form):
    public = forms.BooleanField(
        required=False,
        label="List this plan in the public gallery",
        help_text="Anyone can find and read it there. Private notes and booking references "
        "stay hidden.",
    )


class VisibilityForm(forms.Form):
    visibility = forms.ChoiceField(
        choices=Visibility.choices,
        widget=forms.RadioSelect,
        label="Who can see this plan",
        error_messages={"required": "Choose who can see this plan."},
    )


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(choices=PlanMember.MEMBER_ROLES)


class InvitationForm(TravellerMessagesMixin, forms.Form):
    email = forms.EmailField(label="Email address")
    role = forms.ChoiceField(
        choices=PlanMember.MEMBER_ROLES,
        initial="viewer",
        help_text="Editors can change the plan and its activities; viewers can only read it.",
    )


class ReportForm(TravellerMessagesMixin, forms.Form):
    reason = forms.ChoiceField(
        choices=PlanReport.Reason.choices,
        label="What is wrong with this plan?",
        widget=forms.RadioSelect,
    )
    details = forms.CharField(
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Anything our moderators should know",
        help_text="Optional, except for “Something else”. The owner is not told who reported.",
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("reason") == PlanReport.Reason.OTHER
            and not cleaned.get("details", "").strip()
        ):
            self.add_error("details", "Please tell us briefly what is wrong.")
        return cleaned
