"""Every traveller form: one error summary linking each error to its field, messages in the
traveller's words, input kept, nothing saved, over-long text refused rather than cut."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from activities.models import PlanActivity
from plans.models import Plan, PlanInvitation, PlanReport

pytestmark = pytest.mark.django_db


def summary_links(body: str) -> list[tuple[str, str]]:
    """(href, text) of each link in the error summary; fails when there is no summary."""
    [summary] = re.findall(r'<div class="error-summary".*?</div>', body, flags=re.S)
    assert "There is a problem" in summary
    assert 'tabindex="-1"' in summary
    return re.findall(r'<a href="(#[^"]+)">([^<]+)</a>', summary)


def test_latitude_out_of_range_says_so_and_keeps_the_input(client, plan, user):
    client.force_login(user)
    response = client.post(
        reverse("activities:add", kwargs={"plan_pk": plan.pk}),
        {"title": "Lookout", "activity_type": "other", "latitude": "138.7", "longitude": "9.1"},
    )
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors == {"latitude": ["Latitude must be between -90 and 90."]}
    body = response.content.decode()
    assert summary_links(body) == [("#id_latitude", "Latitude must be between -90 and 90.")]
    assert 'value="138.7"' in body
    assert 'value="Lookout"' in body
    assert not PlanActivity.objects.exists()


def test_longitude_out_of_range_and_extra_decimals_rounded(client, plan, user):
    client.force_login(user)
    url = reverse("activities:add", kwargs={"plan_pk": plan.pk})
    response = client.post(
        url, {"title": "Far", "activity_type": "other", "latitude": "1", "longitude": "-181"}
    )
    assert response.context["form"].errors == {
        "longitude": ["Longitude must be between -180 and 180."]
    }
    response = client.post(
        url,
        {
            "title": "Precise",
            "activity_type": "other",
            "latitude": "38.71390000123",
            "longitude": "-9.139",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    assert str(PlanActivity.objects.get().latitude) == "38.71390000"


def test_every_activity_error_at_once_with_more_details_opened(client, plan, user):
    client.force_login(user)
    response = client.post(
        reverse("activities:add", kwargs={"plan_pk": plan.pk}),
        {
            "title": "x" * 245,
            "activity_type": "other",
            "estimated_cost": "-3",
            "contact_email": "nope",
            "start_time": "25:99",
        },
    )
    body = response.content.decode()
    assert summary_links(body) == [
        ("#id_title", "Keep the title to 200 characters (you wrote 245)."),
        ("#id_start_time", "Enter the start time as a time, such as 14:30."),
        ("#id_estimated_cost", "The estimated cost cannot be negative."),
        ("#id_contact_email", "Enter the email in the form sam@example.com."),
    ]
    assert re.search(r'<details class="more-details" open>', body)
    assert "x" * 245 in body  # kept, not cut
    assert "maxlength" not in body
    assert not PlanActivity.objects.exists()


def test_activity_rules_are_listed_with_the_field_errors(client, plan, user):
    """An end before the start is said in the same summary as a bad latitude, not after."""
    client.force_login(user)
    response = client.post(
        reverse("activities:add", kwargs={"plan_pk": plan.pk}),
        {
            "title": "x" * 250,
            "activity_type": "other",
            "latitude": "138.7",
            "longitude": "9.1",
            "start_time": "15:00",
            "end_time": "14:00",
        },
    )
    assert summary_links(response.content.decode()) == [
        ("#id_title", "Keep the title to 200 characters (you wrote 250)."),
        ("#id_latitude", "Latitude must be between -90 and 90."),
        ("#id_end_time", "End time must be after the start time."),
    ]
    assert not PlanActivity.objects.exists()


def test_more_details_stay_folded_without_errors_there(client, plan, user):
    client.force_login(user)
    body = client.get(reverse("activities:add", kwargs={"plan_pk": plan.pk})).content.decode()
    assert '<details class="more-details">' in body
    assert "error-summary" not in body
    assert (
        body.index('id="id_title"') < body.index('id="id_start_time"') < body.index("more-details")
    )
    assert body.index("more-details") < body.index('id="id_hours_monday_open"')


def test_plan_with_only_destination_and_dates_lands_on_the_plan(client, user):
    client.force_login(user)
    body = client.get(reverse("plans:create")).content.decode()
    first = body[: body.index('<details class="more-details"')]
    for name in ("destination", "start_date", "end_date", "budget", "currency"):
        assert f'name="{name}"' in first
    assert 'name="description"' not in first
    assert 'name="preferences-pace"' not in first
    response = client.post(
        reverse("plans:create"),
        {
            "destination": "Kyoto",
            "start_date": "2030-04-01",
            "end_date": "2030-04-05",
            "currency": "JPY",
            "timezone": "Asia/Tokyo",
            **{
                f"{prefix}-{key}": value
                for prefix in ("notes", "flights", "hotels", "booked_activities")
                for key, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))
            },
        },
    )
    plan = Plan.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == plan.get_absolute_url()
    assert plan.title == "Trip to Kyoto"
    assert plan.budget is None


def test_plan_errors_in_one_summary(client, user):
    client.force_login(user)
    response = client.post(
        reverse("plans:create"),
        {
            "title": "t" * 201,
            "destination": "Kyoto",
            "start_date": "2030-04-05",
            "end_date": "2030-04-01",
            "currency": "JPY",
            "timezone": "Asia/Tokyo",
            "budget": "-1",
            "notes-TOTAL_FORMS": "1",
            "notes-INITIAL_FORMS": "0",
            "notes-0-text": "n" * 2001,
            **{
                f"{prefix}-{key}": value
                for prefix in ("flights", "hotels", "booked_activities")
                for key, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))
            },
        },
    )
    body = response.content.decode()
    assert summary_links(body) == [
        (
            "#id_end_date",
            "The trip ends before it starts: choose an end date on or after the start date.",
        ),
        ("#id_budget", "The budget cannot be negative."),
        ("#id_title", "Keep the title to 200 characters (you wrote 201)."),
        ("#id_notes-0-text", "Note 1: Keep the note to 2000 characters (you wrote 2001)."),
    ]
    assert '<details class="more-details" open>' in body
    assert not Plan.objects.exists()


def test_profile_and_name_step_show_the_summary(client, user):
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {
            "display_name": "d" * 101,
            "timezone": "Mars/Olympus",
            "locale": "en-GB",
            "preferred_currency": "EURO",
        },
    )
    links = summary_links(response.content.decode())
    assert ("#id_display_name", "Keep the display name to 100 characters (you wrote 101).") in links
    assert (
        "#id_preferred_currency",
        "Keep the preferred currency to 3 characters (you wrote 4).",
    ) in links
    assert any(href == "#id_timezone" for href, _ in links)
    response = client.post(reverse("accounts:choose_name"), {"display_name": "d" * 120})
    assert summary_links(response.content.decode()) == [
        ("#id_display_name", "Keep the display name to 100 characters (you wrote 120).")
    ]


def test_report_and_invite_forms_show_the_summary(client, plan, user, other_user):
    plan.is_public = True
    plan.status = "published"
    plan.save()
    client.force_login(other_user)
    response = client.post(reverse("plans:report", args=[plan.pk]), {"reason": "other"})
    assert summary_links(response.content.decode()) == [
        ("#id_details", "Please tell us briefly what is wrong.")
    ]
    assert not PlanReport.objects.exists()
    client.force_login(user)
    response = client.post(
        reverse("plans:members", args=[plan.pk]), {"email": "nope", "role": "editor"}
    )
    assert summary_links(response.content.decode()) == [
        ("#id_email", "Enter the email address in the form sam@example.com.")
    ]
    assert not PlanInvitation.objects.exists()


def test_sign_in_errors_show_the_summary(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})
    assert response.status_code == HTTPStatus.OK
    [(href, text)] = summary_links(response.content.decode())
    assert href == "#id_login"
    assert "not correct" in text
