"""Form messages in the traveller's words, and the error summary at the top of every form.

Django's default messages talk about the value's format ("Ensure that there are no more than
2 digits before the decimal point"); `traveller_messages` replaces them on any form with
messages that name the field and say what to write instead. It also drops the `maxlength`
attribute Django puts on text inputs: browsers cut pasted text at that length without a word,
so the server refuses it instead and says by how much it is too long.

`error_entries` lists every error of one or more forms and formsets, each with a link to its
field, for `templates/_error_summary.html` (`{% error_summary form %}`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.forms.formsets import BaseFormSet


def _label(field: forms.Field, name: str) -> str:
    return str(field.label or name.replace("_", " ").capitalize())


def _largest(field: forms.DecimalField) -> str:
    whole = (field.max_digits or 0) - (field.decimal_places or 0)
    places = field.decimal_places or 0
    return f"{Decimal('9' * whole + ('.' + '9' * places if places else '')):,}"


def _default_messages(field: forms.Field) -> dict:
    """Django's own messages for this kind of field, as `Field.__init__` gathers them."""
    messages = {}
    for klass in reversed(type(field).__mro__):
        messages.update(getattr(klass, "default_error_messages", {}))
    return messages


def field_messages(field: forms.Field, name: str) -> dict[str, str]:
    """The messages for one field, by Django's error code."""
    label = _label(field, name)
    lower = label[0].lower() + label[1:]
    messages = {"required": f"Fill in “{label}”."}
    if isinstance(field, forms.ChoiceField):
        messages["required"] = f"Choose “{label}”."
        messages["invalid_choice"] = f"Choose one of the options for “{label}”."
    if isinstance(field, forms.CharField):
        messages["max_length"] = (
            f"Keep the {lower} to %(limit_value)d characters (you wrote %(show_value)d)."
        )
        messages["min_length"] = (
            f"Write at least %(limit_value)d characters for the {lower} (you wrote %(show_value)d)."
        )
    if isinstance(field, forms.EmailField):
        messages["invalid"] = f"Enter the {lower} in the form sam@example.com."
    elif isinstance(field, forms.URLField):
        messages["invalid"] = f"Enter the {lower} as a web address, such as https://example.com."
    elif isinstance(field, forms.DecimalField):
        messages["invalid"] = f"Enter the {lower} as a number, such as 12.50."
        messages["max_digits"] = f"The {lower} can be at most {_largest(field)}."
        messages["max_whole_digits"] = messages["max_digits"]
        messages["max_decimal_places"] = (
            f"Give the {lower} with at most {field.decimal_places} digits after the point."
        )
        messages["min_value"] = (
            f"The {lower} cannot be negative."
            if field.min_value == 0
            else f"The {lower} must be at least %(limit_value)s."
        )
        messages["max_value"] = f"The {lower} can be at most %(limit_value)s."
    elif isinstance(field, forms.IntegerField):
        messages["invalid"] = f"Enter the {lower} as a whole number, such as 3."
        low, high = field.min_value, field.max_value
        if low is not None and high is not None:
            messages["min_value"] = messages["max_value"] = (
                f"The {lower} must be between {low} and {high}."
            )
        else:
            messages["min_value"] = f"The {lower} must be at least %(limit_value)s."
            messages["max_value"] = f"The {lower} can be at most %(limit_value)s."
    elif isinstance(field, forms.DateField):
        messages["invalid"] = f"Enter the {lower} as a date, such as 2026-05-10."
    elif isinstance(field, forms.TimeField):
        messages["invalid"] = f"Enter the {lower} as a time, such as 14:30."
    return messages


def traveller_messages(form: forms.BaseForm) -> None:
    """Give every field of `form` the messages above, keeping messages the form set itself.

    A message counts as the form's own when it differs from Django's default for its code.
    """
    for name, field in form.fields.items():
        defaults = _default_messages(field)
        for code, message in field_messages(field, name).items():
            current = field.error_messages.get(code)
            if current is None or current == defaults.get(code):
                field.error_messages[code] = message
        field.widget.attrs.pop("maxlength", None)


class TravellerMessagesMixin:
    """Mixed into a form: its fields speak the traveller's words (see `traveller_messages`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        traveller_messages(self)


class CoordinateField(forms.DecimalField):
    """A latitude or longitude: out of range is said as such, extra decimals are rounded.

    Eight decimal places are about a millimetre, finer than any map; a pasted coordinate with
    more is rounded to them rather than refused.
    """

    def __init__(self, *, limit: int, **kwargs):
        self.limit = limit
        kwargs.update(max_digits=(3 if limit > 90 else 2) + 8, decimal_places=8)
        kwargs.pop("min_value", None)
        kwargs.pop("max_value", None)
        super().__init__(**kwargs)

    def clean(self, value):
        value = self.to_python(value)
        self.validate(value)
        if value is None:
            return None
        if not -self.limit <= value <= self.limit:
            label = _label(self, "")
            raise ValidationError(
                f"{label} must be between -{self.limit} and {self.limit}.", code="out_of_range"
            )
        try:
            value = value.quantize(Decimal("1e-8"))
        except InvalidOperation:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        self.run_validators(value)
        return value


@dataclass(frozen=True)
class ErrorEntry:
    message: str
    href: str


def _form_entries(form: forms.BaseForm, prefix: str = "") -> list[ErrorEntry]:
    if not form.is_bound:
        return []
    # Forms that show some fields first (`FIRST`) list their errors in that order too.
    first = [name for name in getattr(form, "FIRST", ()) if name in form.fields]
    fields = [form[name] for name in [*first, *(n for n in form.fields if n not in first)]]
    visible = next((field for field in fields if not field.is_hidden), None)
    top = f"#{visible.id_for_label}" if visible is not None and visible.id_for_label else ""
    entries = [ErrorEntry(prefix + str(message), top) for message in form.non_field_errors()]
    for field in fields:
        href = f"#{field.id_for_label}" if field.id_for_label else top
        entries += [ErrorEntry(prefix + str(message), href) for message in field.errors]
    return entries


def error_entries(*sources) -> list[ErrorEntry]:
    """Every error of the given forms and formsets, in page order, each linked to its field.

    A formset's rows are named by its `row_label` attribute ("Flight 2: ..."), if it has one.
    """
    entries: list[ErrorEntry] = []
    for source in sources:
        if source is None:
            continue
        if isinstance(source, list | tuple):
            entries += error_entries(*source)
        elif isinstance(source, BaseFormSet):
            if not source.is_bound:
                continue
            row_label = getattr(source, "row_label", "Row")
            for message in source.non_form_errors():
                entries.append(ErrorEntry(str(message), ""))
            for index, form in enumerate(source.forms, start=1):
                entries += _form_entries(form, prefix=f"{row_label} {index}: ")
        else:
            entries += _form_entries(source)
    return entries
