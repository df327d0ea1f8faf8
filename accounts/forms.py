"""Forms of the account settings pages; the services hold the rules."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts import services
from accounts.locales import locale_choices
from accounts.models import TokenScope, User
from accounts.validators import timezone_names, travel_preference_vocabulary
from config.forms import TravellerMessagesMixin

PREFERENCE_FIELDS = (
    "travel_style",
    "budget_type",
    "dietary_restrictions",
    "accessibility_needs",
    "preferred_activity_times",
    "avoid_crowds",
)
# The profile's plain fields, in form order; travel preferences have fields of their own.
PROFILE_TEXT_FIELDS = (
    "display_name",
    "first_name",
    "last_name",
    "home_city",
    "timezone",
    "locale",
    "preferred_currency",
)
_LABELS = {"gluten_free": "Gluten-free", "dairy_free": "Dairy-free"}


def _choices(key: str) -> list[tuple[str, str]]:
    return [
        (value, _LABELS.get(value, value.replace("_", " ").capitalize()))
        for value in travel_preference_vocabulary()[key]
    ]


def _timezone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in timezone_names()]


# The home zone of a new profile when the browser says nothing (no JavaScript): the model's default.
DEFAULT_HOME_TIMEZONE = User._meta.get_field("timezone").default
HOME_TIMEZONE_HELP = (
    "Wayfarer counts the days until a trip and splits your trips into upcoming and past by "
    "the date where you live, and will send reminders by it. Activity times stay in each "
    "plan's own time zone."
)


def _home_timezone_field(**kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=_timezone_choices,
        help_text=HOME_TIMEZONE_HELP,
        error_messages={
            "required": "Choose the time zone you live in, such as Europe/Paris.",
            "invalid_choice": "“%(value)s” is not a time zone we know; choose one from the list.",
        },
        **kwargs,
    )


def _offer_browser_timezone(field: forms.Field, mode: str) -> None:
    """Mark a zone select for static/js/timezone.js: "prefill" sets it to the browser's zone,
    "suggest" only offers a button that does."""
    field.widget.attrs["data-browser-timezone"] = mode


def _display_name_field() -> forms.CharField:
    return forms.CharField(max_length=100, required=False)


def _explain_display_name(form: forms.Form, user: User) -> None:
    """Say what others see, with the neutral name this traveller keeps if they choose none."""
    form.fields["display_name"].help_text = (
        "What other travellers see on plans you share or publish; your email is never shown. "
        f"Leave it empty to be shown as “{user.neutral_name}”."
    )


class PublicNameForm(TravellerMessagesMixin, forms.Form):
    """The step after sign-up: only the name others see."""

    display_name = _display_name_field()

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        _explain_display_name(self, user)
        self.fields["display_name"].widget.attrs["placeholder"] = user.neutral_name


class SignupForm(forms.Form):
    """What allauth's sign-up form asks beyond email and password (ACCOUNT_SIGNUP_FORM_CLASS):
    the traveller's home time zone, preset to UTC and set to the browser's zone by script."""

    timezone = _home_timezone_field(label="Your home time zone", initial=DEFAULT_HOME_TIMEZONE)

    # allauth orders its sign-up fields by this (Django's Form.field_order): the zone last.
    field_order = ("email", "password1", "password2", "timezone")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            # A form shown again with errors keeps what the traveller sent.
            _offer_browser_timezone(self.fields["timezone"], "prefill")

    def signup(self, request, user: User) -> None:
        """allauth calls this once the user row exists: the zone goes on the profile."""
        services.user_update_profile(user=user, timezone=self.cleaned_data["timezone"])


class ProfileForm(TravellerMessagesMixin, forms.Form):
    display_name = _display_name_field()
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    home_city = forms.CharField(max_length=100, required=False)
    timezone = _home_timezone_field(label="Home time zone")
    locale = forms.ChoiceField(
        label="Dates and money format",
        choices=locale_choices,
        help_text=(
            "The way dates, times and amounts are written for you, such as 5 Jun 2026 and "
            "€1,500.00 in English (United Kingdom). The site itself stays in English."
        ),
        error_messages={
            "invalid_choice": "Pick a language and region from the list, such as English "
            "(United Kingdom)."
        },
    )
    preferred_currency = forms.CharField(
        max_length=3,
        min_length=3,
        help_text="A three-letter code such as USD, EUR or JPY. New plans start in it.",
    )
    travel_style = forms.ChoiceField(
        required=False, choices=lambda: [("", "No preference"), *_choices("travel_style")]
    )
    budget_type = forms.ChoiceField(
        label="Budget",
        required=False,
        choices=lambda: [("", "No preference"), *_choices("budget_type")],
    )
    dietary_restrictions = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=lambda: _choices("dietary_restrictions"),
    )
    accessibility_needs = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=lambda: _choices("accessibility_needs"),
    )
    preferred_activity_times = forms.MultipleChoiceField(
        label="Preferred times for activities",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=lambda: _choices("preferred_activity_times"),
    )
    avoid_crowds = forms.BooleanField(required=False, label="Avoid crowded places")

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        _explain_display_name(self, user)
        if not self.is_bound and user.timezone == DEFAULT_HOME_TIMEZONE:
            # Never changed silently: the saved zone may be a real choice; a button offers it.
            _offer_browser_timezone(self.fields["timezone"], "suggest")

    @classmethod
    def initial_for(cls, user: User) -> dict:
        initial = {name: getattr(user, name) for name in PROFILE_TEXT_FIELDS}
        initial.update({key: user.travel_preferences.get(key) for key in PREFERENCE_FIELDS})
        return initial

    def clean_preferred_currency(self) -> str:
        return self.cleaned_data["preferred_currency"].strip().upper()

    def profile_changes(self) -> dict:
        """The cleaned data in the shape `services.user_update_profile` takes."""
        data = self.cleaned_data
        changes = {name: data[name] for name in PROFILE_TEXT_FIELDS}
        preferences = {}
        for key in PREFERENCE_FIELDS:
            value = data.get(key)
            if key == "avoid_crowds":
                if value:
                    preferences[key] = True
            elif value:
                preferences[key] = value
        changes["travel_preferences"] = preferences
        return changes

    def add_service_errors(self, exc: ValidationError) -> None:
        """Show errors keyed by JSON path (travel_preferences.budget_type[0]) at their field."""
        for path, messages in exc.message_dict.items():
            name = re.sub(r"\[\d+\]$", "", path.removeprefix("travel_preferences."))
            field = name if name in self.fields else None
            for message in messages:
                self.add_error(field, message)


class TokenCreateForm(TravellerMessagesMixin, forms.Form):
    EXPIRY_CHOICES = [
        ("7", "7 days"),
        ("30", "30 days"),
        ("90", "90 days"),
        ("365", "1 year"),
        ("never", "No expiry"),
    ]

    name = forms.CharField(
        max_length=100, help_text="Say where it is used, such as “Calendar sync on my laptop”."
    )
    scope = forms.ChoiceField(
        label="Access",
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
    )
    expires_in = forms.ChoiceField(label="Expires after", choices=EXPIRY_CHOICES, initial="90")

    def expires_at(self) -> dt.datetime | None:
        value = self.cleaned_data["expires_in"]
        if value == "never":
            return None
        return timezone.now() + dt.timedelta(days=int(value))


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label="I understand that my plans and everything in them will be deleted for good."
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.has_usable_password():
            # Social-only accounts confirm by signing in again with their provider instead.
            del self.fields["password"]

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError("That password is not right. Please try again.")
        return password
