"""What a staff member's browser would post back from an admin change form, unchanged."""

from __future__ import annotations


def change_form_data(client, url: str) -> dict:
    """The change form's current values, as the page renders them (empty fields left out)."""
    form = client.get(url).context["adminform"].form
    return {name: form[name].value() for name in form.fields if form[name].value() is not None}
