"""Plan pages: who may do what, sharing, the gallery, invitations and forms."""

from __future__ import annotations

import datetime as dt
import re
from http import HTTPStatus
from urllib.parse import quote

import pytest
from django.urls import reverse

from accounts.models import User
from plans.models import Plan, PlanInvitation, PlanMember, Role
from tests.factories import (
    DEFAULT_PASSWORD,
    PlanActivityFactory,
    PlanFactory,
    PlanMemberFactory,
    UserFactory,
)
from tests.plans.conftest import verify

pytestmark = pytest.mark.django_db

ROLES = ["owner", "editor", "viewer", "stranger", "anonymous"]
LOGIN = "login"
# action -> (method, url name, {role: expected status})
MATRIX = {
    "view": ("get", "plans:detail", [200, 200, 200, 404, LOGIN]),
    "edit": ("get", "plans:edit", [200, 200, 403, 404, LOGIN]),
    "delete": ("get", "plans:delete", [200, 403, 403, 404, LOGIN]),
    "share": ("post", "plans:share", [302, 403, 403, 404, LOGIN]),
    "visibility": ("post", "plans:visibility", [302, 403, 403, 404, LOGIN]),
    "members": ("get", "plans:members", [200, 403, 403, 404, LOGIN]),
}
CASES = [
    pytest.param(action, role, expected, id=f"{action}-{role}")
    for action, (_, _, statuses) in MATRIX.items()
    for role, expected in zip(ROLES, statuses, strict=True)
]


def _client_for(client, person):
    if person is not None:
        client.force_login(person)
    return client


@pytest.mark.parametrize(("action", "role", "expected"), CASES)
def test_role_matrix(client, people, action, role, expected):
    """Owner: everything; editor: view and edit; viewer: view; strangers: the plan is a 404;
    signed-out visitors: sign in first."""
    method, name, _ = MATRIX[action]
    plan = people["plan"]
    url = reverse(name, args=[plan.pk])
    data = {"action": "enable", "visibility": "link"}
    response = getattr(_client_for(client, people[role]), method)(url, data)
    if expected == LOGIN:
        assert response.status_code == HTTPStatus.FOUND
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == expected
    shared = Plan.objects.get(pk=plan.pk).share_token is not None
    assert shared == (action in ("share", "visibility") and role == "owner")


@pytest.mark.parametrize("role", ["editor", "viewer", "stranger"])
def test_only_the_owner_can_delete(client, people, role):
    plan = people["plan"]
    client.force_login(people[role])
    client.post(reverse("plans:delete", args=[plan.pk]))
    assert Plan.objects.filter(pk=plan.pk).exists()


def test_owner_deletes_after_confirming(client, people):
    plan = people["plan"]
    client.force_login(people["owner"])
    response = client.get(reverse("plans:delete", args=[plan.pk]))
    assert "cannot be undone" in response.content.decode()
    response = client.post(reverse("plans:delete", args=[plan.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("plans:dashboard")
    assert "was deleted" in response.content.decode()
    assert not Plan.objects.filter(pk=plan.pk).exists()


def test_editor_sees_edit_controls_and_viewer_does_not(client, people):
    plan = people["plan"]
    edit_url = reverse("plans:edit", args=[plan.pk])
    client.force_login(people["editor"])
    assert edit_url in client.get(plan.get_absolute_url()).content.decode()
    client.force_login(people["viewer"])
    body = client.get(plan.get_absolute_url()).content.decode()
    assert edit_url not in body
    assert reverse("plans:members", args=[plan.pk]) not in body


def test_public_plan_is_readable_by_anyone_but_editable_by_no_stranger(client):
    plan = PlanFactory(is_public=True, status="published")
    assert client.get(plan.get_absolute_url()).status_code == HTTPStatus.OK
    client.force_login(UserFactory())
    assert client.get(reverse("plans:edit", args=[plan.pk])).status_code == HTTPStatus.FORBIDDEN


def _sign_in_url(path: str) -> str:
    return f"{reverse('account_login')}?next={quote(path)}"


def test_signed_out_visitors_are_sent_to_sign_in_whether_or_not_the_plan_exists(client, people):
    """Opening your own plan while signed out was a 404. The answer must not tell anyone
    which plan ids exist: a private plan and a missing one give the same response."""
    plan = people["plan"]
    missing = Plan.objects.order_by("-pk").first().pk + 1000
    responses = {}
    for pk in (plan.pk, missing):
        path = reverse("plans:detail", args=[pk])
        response = client.get(path)
        assert response.status_code == HTTPStatus.FOUND
        assert response.url == _sign_in_url(path)
        responses[pk] = (response.content, sorted(response.headers.keys()))
    assert responses[plan.pk] == responses[missing]


@pytest.mark.parametrize(("role", "expected"), [("owner", 200), ("stranger", 404)])
def test_sign_in_from_a_plan_link_comes_back_to_the_plan(client, people, role, expected):
    """The owner lands on their plan after signing in; a stranger still gets a 404."""
    path = reverse("plans:detail", args=[people["plan"].pk])
    to_sign_in = client.get(path)
    sign_in_page = client.get(to_sign_in.url)
    assert sign_in_page.status_code == HTTPStatus.OK
    signed_in = client.post(
        to_sign_in.url,
        {"login": people[role].email, "password": DEFAULT_PASSWORD, "next": path},
    )
    assert signed_in.status_code == HTTPStatus.FOUND
    assert signed_in.url == path
    response = client.get(path)
    assert response.status_code == expected
    if expected == HTTPStatus.OK:
        assert people["plan"].title in response.content.decode()


# --- share links ------------------------------------------------------------------------------


def test_share_link_rotate_and_revoke_through_the_page(client, people):
    plan = people["plan"]
    client.force_login(people["owner"])
    share = reverse("plans:share", args=[plan.pk])
    client.post(share, {"action": "enable"})
    first = Plan.objects.get(pk=plan.pk).share_token
    assert client.get(reverse("plans:shared", args=[first])).status_code == HTTPStatus.OK

    client.post(share, {"action": "rotate"})
    second = Plan.objects.get(pk=plan.pk).share_token
    assert second != first
    assert client.get(reverse("plans:shared", args=[first])).status_code == HTTPStatus.NOT_FOUND
    assert client.get(reverse("plans:shared", args=[second])).status_code == HTTPStatus.OK

    response = client.post(share, {"action": "revoke"}, follow=True)
    assert "The link no longer works" in response.content.decode()
    assert client.get(reverse("plans:shared", args=[second])).status_code == HTTPStatus.NOT_FOUND


def test_the_share_link_to_copy_is_on_the_public_address(client, people, settings):
    """The link the owner copies and sends is on PUBLIC_URL, whatever host the page came in on."""
    settings.PUBLIC_URL = "https://trips.example.org"
    plan = people["plan"]
    client.force_login(people["owner"])
    client.post(reverse("plans:share", args=[plan.pk]), {"action": "enable"})
    token = Plan.objects.get(pk=plan.pk).share_token

    page = client.get(plan.get_absolute_url(), HTTP_HOST="localhost:8001").content.decode()

    assert f'value="https://trips.example.org/s/{token}/"' in page
    assert "localhost:8001" not in page


def test_unknown_share_token_is_a_404(client):
    assert client.get(reverse("plans:shared", args=["n" * 43])).status_code == HTTPStatus.NOT_FOUND
    assert client.get("/s/nope/").status_code == HTTPStatus.NOT_FOUND
    assert client.get("/s/" + "x" * 200 + "/").status_code == HTTPStatus.NOT_FOUND


def _secretive_plan(design_example):
    owner = UserFactory(email="owner.secret@example.com", display_name="Ada")
    plan = PlanFactory(
        user=owner,
        plan_data=design_example,
        start_date=dt.date(2025, 6, 1),
        end_date=dt.date(2025, 6, 5),
        status="published",
        is_public=True,
        share_token="s" * 43,
    )
    PlanActivityFactory(plan=plan, title="Louvre Museum visit")
    return plan


SECRETS = ["owner.secret@example.com", "Door code for the flat", "HLM-48213", "BP-99120"]


@pytest.mark.parametrize("page", ["shared", "public-detail", "explore", "home"])
def test_no_private_details_on_shared_or_public_pages(client, design_example, page):
    """Share links and public pages never show the email, private notes or references."""
    plan = _secretive_plan(design_example)
    url = {
        "shared": reverse("plans:shared", args=[plan.share_token]),
        "public-detail": plan.get_absolute_url(),
        "explore": reverse("plans:explore"),
        "home": reverse("plans:home"),
    }[page]
    body = client.get(url).content.decode()
    assert plan.title in body
    for secret in SECRETS:
        assert secret not in body
    if page in ("shared", "public-detail"):
        assert "Book the Louvre tickets online" in body
        assert "Louvre Museum visit" in body
        assert "Hotel Le Marais" in body


def test_members_do_see_private_notes_and_references(client, design_example):
    plan = _secretive_plan(design_example)
    viewer = PlanMemberFactory(plan=plan, role=Role.VIEWER).user
    client.force_login(viewer)
    body = client.get(plan.get_absolute_url()).content.decode()
    assert "Door code for the flat" in body
    assert "HLM-48213" in body


def test_shared_page_is_not_indexed_and_keeps_its_address_on_this_site(client, design_example):
    """Same-origin referrers only: other sites never see the token; our own forms still post."""
    plan = _secretive_plan(design_example)
    body = client.get(reverse("plans:shared", args=[plan.share_token])).content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in body
    assert '<meta name="referrer" content="same-origin">' in body


@pytest.mark.parametrize("activities", [1, 60])
def test_shared_page_query_count(client, design_example, django_assert_max_num_queries, activities):
    """The shared page costs the same few queries however long the itinerary is."""
    plan = _secretive_plan(design_example)
    PlanActivityFactory.create_batch(activities, plan=plan)
    # The share-link rate-limit hit, the plan, then the itinerary include (days, budget),
    # inside the request's savepoint pair.
    with django_assert_max_num_queries(8):
        client.get(reverse("plans:shared", args=[plan.share_token]))


def test_a_shared_plan_can_be_copied_by_a_signed_in_visitor(client, design_example):
    plan = _secretive_plan(design_example)
    visitor = UserFactory()
    client.force_login(visitor)
    response = client.post(reverse("plans:shared-duplicate", args=[plan.share_token]))
    copy = Plan.objects.get(user=visitor)
    assert response.url == copy.get_absolute_url()
    assert copy.activities.count() == 1
    assert "Door code" not in str(copy.plan_data)


# --- gallery and dashboard ---------------------------------------------------------------------


def test_gallery_shows_only_public_published_plans(client):
    listed = PlanFactory(title="Listed Lisbon", is_public=True, status="published")
    PlanFactory(title="Public draft", is_public=True, status="draft")
    PlanFactory(title="Published private", is_public=False, status="published")
    PlanFactory(title="Archived public", is_public=True, status="archived")
    response = client.get(reverse("plans:explore"))
    assert [plan.pk for plan in response.context["plans"]] == [listed.pk]


def test_gallery_search_and_order(client):
    older = PlanFactory(
        title="Tapas tour", destination="Madrid", is_public=True, status="published"
    )
    newer = PlanFactory(title="Museums", destination="Madrid", is_public=True, status="published")
    PlanFactory(title="Fjords", destination="Bergen", is_public=True, status="published")
    Plan.objects.filter(pk=older.pk).update(title="Tapas tour again")
    response = client.get(reverse("plans:explore"), {"q": "madrid"})
    assert [p.pk for p in response.context["plans"]] == [newer.pk, older.pk]
    response = client.get(reverse("plans:explore"), {"q": "madrid", "sort": "updated"})
    assert [p.pk for p in response.context["plans"]] == [older.pk, newer.pk]
    response = client.get(reverse("plans:explore"), {"q": "tapas"})
    assert [p.pk for p in response.context["plans"]] == [older.pk]


def test_dashboard_lists_owned_and_shared_plans_only(client, user):
    mine = PlanFactory(user=user)
    shared = PlanMemberFactory(user=user, role=Role.EDITOR).plan
    PlanFactory()  # Someone else's.
    PlanFactory(is_public=True, status="published")  # Public, but not "mine".
    client.force_login(user)
    response = client.get(reverse("plans:dashboard"))
    plans = {plan.pk: plan for plan in response.context["plans"]}
    assert set(plans) == {mine.pk, shared.pk}
    assert plans[mine.pk].viewer_role == "owner"
    assert plans[shared.pk].viewer_role == "editor"


def test_dashboard_filters(client, user):
    today = dt.date.today()
    upcoming = PlanFactory(user=user, destination="Oslo", start_date=today + dt.timedelta(days=9))
    past = PlanFactory(
        user=user,
        destination="Rome",
        start_date=today - dt.timedelta(days=30),
        end_date=today - dt.timedelta(days=25),
    )
    archived = PlanFactory(user=user, destination="Oslo", status="archived")
    client.force_login(user)

    def pks(**params):
        response = client.get(reverse("plans:dashboard"), params)
        return [plan.pk for plan in response.context["plans"]]

    assert set(pks()) == {upcoming.pk, past.pk}  # Archived plans are hidden by default.
    assert pks(status="archived") == [archived.pk]
    assert pks(when="upcoming") == [upcoming.pk]
    assert pks(when="past") == [past.pk]
    assert pks(destination="osl") == [upcoming.pk]
    assert pks(q="rome") == [past.pk]
    assert pks(sort="start") == [past.pk, upcoming.pk]


def test_dashboard_empty_state(client, user):
    client.force_login(user)
    body = client.get(reverse("plans:dashboard")).content.decode()
    assert "No plans yet" in body


def test_dashboard_cards_show_dates_days_to_go_destination_and_budget(client, user):
    PlanFactory(
        user=user,
        destination="Porto",
        start_date=dt.date.today() + dt.timedelta(days=12),
        budget="1234.50",
        currency="EUR",
    )
    client.force_login(user)
    body = client.get(reverse("plans:dashboard")).content.decode()
    assert "Porto" in body
    assert "12 days to go" in body
    assert "€1,234.50" in body


@pytest.mark.parametrize("url", ["plans:dashboard", "plans:explore", "plans:home"])
def test_plan_lists_load_only_what_their_cards_show(client, user, url):
    """Not the plan document, description or moderation note, nor the owner's password hash."""
    PlanFactory(
        user=user, is_public=True, status="published", plan_data={"preferences": {"pace": "slow"}}
    )
    client.force_login(user)
    response = client.get(reverse(url))
    (plan,) = response.context["featured" if url == "plans:home" else "plans"]
    assert {"plan_data", "description", "moderation_reason"} <= plan.get_deferred_fields()
    assert {"password", "email", "travel_preferences"} <= plan.user.get_deferred_fields()
    assert plan.title in response.content.decode()


def test_home_page_featured_plans_cost_one_query(client, django_assert_num_queries):
    """The featured cards (dates, days, owner's public name) read nothing the list left out:
    one query, inside the request's savepoint pair."""
    for day in range(6):
        start = dt.date(2030, 6, 1) + dt.timedelta(days=day)
        PlanFactory(is_public=True, status="published", start_date=start, end_date=start)
    with django_assert_num_queries(3):
        body = client.get(reverse("plans:home")).content.decode()
    assert body.count("plan-card-title") == 6


@pytest.mark.parametrize("count", [1, 30])
def test_dashboard_query_count_does_not_grow(client, user, count, django_assert_max_num_queries):
    for index in range(count):
        plan = PlanFactory(user=user) if index % 2 else PlanMemberFactory(user=user).plan
        PlanActivityFactory(plan=plan)
        PlanMemberFactory(plan=plan) if index % 3 == 0 else None
    client.force_login(user)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("plans:dashboard"))
    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize("count", [1, 30])
def test_gallery_and_plan_page_query_counts(client, count, django_assert_max_num_queries):
    owner = UserFactory()
    for _ in range(count):
        plan = PlanFactory(user=owner, is_public=True, status="published")
        PlanMemberFactory(plan=plan)
        PlanActivityFactory(plan=plan)
    # Count and page, inside the request's savepoint pair.
    with django_assert_max_num_queries(4):
        client.get(reverse("plans:explore"))
    client.force_login(owner)
    # Two more than before for the owner's "Recent changes" (plan and activity history).
    with django_assert_max_num_queries(14):
        client.get(plan.get_absolute_url())


# --- create and edit -------------------------------------------------------------------------


def _form_data(**overrides):
    data = {
        "title": "Lisbon long weekend",
        "destination": "Lisbon",
        "start_date": "2030-04-10",
        "end_date": "2030-04-13",
        "budget": "900",
        "currency": "eur",
        "timezone": "Europe/Lisbon",
        "description": "Trams and tiles.",
        "preferences-group_size": "2",
        "preferences-pace": "relaxed",
        "preferences-accessibility_needs": ["stroller_friendly"],
        "accommodation-type": "apartment",
        "accommodation-name": "Casa Azul",
        "accommodation-check_in": "2030-04-10",
        "accommodation-confirmation_number": "CA-777",
        "accommodation-preferences": "balcony\n\nquiet street",
        "transportation-arrival_method": "flight",
        "transportation-local_methods": ["walking", "public_transport"],
    }
    for prefix, rows in (
        (
            "notes",
            [{"text": "Pastéis de nata at Manteigaria"}, {"text": "Key box 1234", "private": "on"}],
        ),
        (
            "flights",
            [
                {
                    "airline": "TAP",
                    "origin": "LHR",
                    "destination": "LIS",
                    "date": "2030-04-10",
                    "booking_reference": "TP-1",
                }
            ],
        ),
        ("hotels", []),
        ("booked_activities", []),
    ):
        data[f"{prefix}-TOTAL_FORMS"] = str(max(len(rows), 1) + 1)
        data[f"{prefix}-INITIAL_FORMS"] = "0"
        for index, row in enumerate(rows):
            for key, value in row.items():
                data[f"{prefix}-{index}-{key}"] = value
    data.update(overrides)
    return data


def test_create_builds_the_document_from_form_fields(client, user):
    client.force_login(user)
    response = client.post(reverse("plans:create"), _form_data())
    plan = Plan.objects.get(user=user)
    assert response.url == plan.get_absolute_url()
    assert (plan.currency, str(plan.budget)) == ("EUR", "900.00")
    assert plan.plan_data == {
        "preferences": {
            "group_size": 2,
            "pace": "relaxed",
            "accessibility_needs": ["stroller_friendly"],
        },
        "accommodation": {
            "type": "apartment",
            "booking_details": {
                "name": "Casa Azul",
                "check_in": "2030-04-10",
                "confirmation_number": "CA-777",
            },
            "preferences": ["balcony", "quiet street"],
        },
        "transportation": {
            "arrival": {"method": "flight"},
            "local": {"methods": ["walking", "public_transport"]},
        },
        "notes": [
            {"text": "Pastéis de nata at Manteigaria", "private": False},
            {"text": "Key box 1234", "private": True},
        ],
        "external_bookings": {
            "flights": [
                {
                    "airline": "TAP",
                    "from": "LHR",
                    "to": "LIS",
                    "date": "2030-04-10",
                    "booking_reference": "TP-1",
                }
            ]
        },
    }


def test_create_page_has_no_json_textarea_and_defaults_currency(client):
    user = UserFactory(preferred_currency="GBP")
    client.force_login(user)
    body = client.get(reverse("plans:create")).content.decode()
    assert 'name="plan_data"' not in body
    assert 'name="currency" value="GBP"' in body
    assert 'name="preferences-group_size"' in body


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"end_date": "2030-04-01"},
            "end_date",
            "The trip ends before it starts: choose an end date on or after the start date.",
        ),
        ({"budget": "-5"}, "budget", "The budget cannot be negative."),
        ({"budget": "123456789"}, "budget", "The budget can be at most 99,999,999.99."),
        ({"currency": "dollars"}, "currency", "Keep the currency to 3 characters (you wrote 7)."),
        (
            {"title": "", "destination": ""},
            "destination",
            "Give a destination or a name for the plan, so you can find it.",
        ),
        (
            {"title": "x" * 245},
            "title",
            "Keep the title to 200 characters (you wrote 245).",
        ),
        ({"start_date": "next Tuesday"}, "start_date", "Enter the start date as a date, such as"),
        (
            {"preferences-group_size": "0"},
            "preferences-group_size",
            "The number of travellers must be between 1 and 100.",
        ),
        (
            {"accommodation-check_in": "2030-05-01"},
            "accommodation-check_in",
            "must be on or before the plan&#x27;s end date (2030-04-13)",
        ),
        (
            {"flights-0-date": "2030-03-01"},
            "flights-0-date",
            "must be on or after the plan&#x27;s start date (2030-04-10)",
        ),
    ],
)
def test_bad_input_re_renders_with_errors_keeps_values_and_writes_nothing(
    client, user, overrides, field, message
):
    client.force_login(user)
    response = client.post(reverse("plans:create"), _form_data(**overrides))
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert message in body
    [tag] = re.findall(rf'<(?:input|select|textarea)[^>]*id="id_{field}"[^>]*>', body)
    assert 'aria-invalid="true"' in tag
    # Typed values survive the error.
    assert 'value="Casa Azul"' in body
    assert "Key box 1234" in body
    assert not Plan.objects.exists()


def test_edit_keeps_sections_the_form_does_not_show(client, people, design_example):
    plan = people["plan"]
    Plan.objects.filter(pk=plan.pk).update(
        plan_data=design_example, start_date=dt.date(2025, 6, 1), end_date=dt.date(2025, 6, 5)
    )
    client.force_login(people["editor"])
    page = client.get(reverse("plans:edit", args=[plan.pk]))
    assert page.context["editor"].notes.initial[1] == {
        "text": "Door code for the flat: 4821",
        "private": True,
    }
    data = _form_data(start_date="2025-06-01", end_date="2025-06-05", title="Paris in June")
    for key in [k for k in data if k.startswith(("accommodation-check", "flights-0-date"))]:
        data[key] = ""
    response = client.post(reverse("plans:edit", args=[plan.pk]), data)
    assert response.status_code == HTTPStatus.FOUND
    plan.refresh_from_db()
    assert plan.title == "Paris in June"
    assert plan.version == 2
    assert plan.plan_data["itinerary"] == design_example["itinerary"]
    assert plan.plan_data["extra"] == design_example["extra"]
    assert plan.plan_data["preferences"]["pace"] == "relaxed"


# --- publish, archive ------------------------------------------------------------------------


def test_unverified_owner_cannot_list_a_plan_publicly(client, people):
    plan = people["plan"]
    client.force_login(people["owner"])
    response = client.post(reverse("plans:publish", args=[plan.pk]), {"public": "on"})
    assert response.status_code == HTTPStatus.OK
    assert "verify your email address" in response.content.decode()
    assert Plan.objects.get(pk=plan.pk).status == "draft"
    verify(people["owner"])
    client.post(reverse("plans:publish", args=[plan.pk]), {"public": "on"})
    assert Plan.objects.public().filter(pk=plan.pk).exists()


def test_archive_and_unarchive(client, people):
    plan = people["plan"]
    client.force_login(people["owner"])
    client.post(reverse("plans:archive", args=[plan.pk]))
    assert Plan.objects.get(pk=plan.pk).status == "archived"
    client.post(reverse("plans:unarchive", args=[plan.pk]))
    assert Plan.objects.get(pk=plan.pk).status == "draft"


# --- members and invitations -------------------------------------------------------------------


def test_owner_changes_a_role_and_removes_a_member(client, people):
    plan = people["plan"]
    member = PlanMember.objects.get(plan=plan, user=people["viewer"])
    client.force_login(people["owner"])
    client.post(reverse("plans:member-role", args=[plan.pk, member.pk]), {"role": "editor"})
    member.refresh_from_db()
    assert member.role == "editor"
    client.post(reverse("plans:member-remove", args=[plan.pk, member.pk]))
    assert not PlanMember.objects.filter(pk=member.pk).exists()


def test_a_member_can_leave(client, people):
    plan = people["plan"]
    client.force_login(people["viewer"])
    client.post(reverse("plans:leave", args=[plan.pk]))
    assert not PlanMember.objects.filter(plan=plan, user=people["viewer"]).exists()


def test_invite_form_errors_are_inline(client, people):
    plan = people["plan"]
    client.force_login(people["owner"])
    response = client.post(
        reverse("plans:members", args=[plan.pk]),
        {"email": people["viewer"].email, "role": "editor"},
    )
    assert "already a member" in response.content.decode()
    response = client.post(
        reverse("plans:members", args=[plan.pk]), {"email": "nope", "role": "editor"}
    )
    body = response.content.decode()
    assert "Enter the email address in the form sam@example.com." in body
    assert 'value="nope"' in body
    assert not PlanInvitation.objects.exists()


def _invite(client, plan, owner, email, django_capture_on_commit_callbacks, role="editor"):
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("plans:members", args=[plan.pk]), {"email": email, "role": role}
        )
    assert response.status_code == HTTPStatus.FOUND
    client.logout()
    from django.core import mail

    link = next(line for line in mail.outbox[-1].body.splitlines() if "/invitations/" in line)
    return link[link.index("/invitations/") :]


def test_existing_user_accepts_an_invitation(client, people, django_capture_on_commit_callbacks):
    plan = people["plan"]
    friend = UserFactory(email="friend@example.com")
    path = _invite(
        client, plan, people["owner"], "friend@example.com", django_capture_on_commit_callbacks
    )
    client.force_login(friend)
    page = client.get(path)
    assert "invited you to" in page.content.decode()
    response = client.post(path, {"action": "accept"})
    assert response.url == plan.get_absolute_url()
    assert PlanMember.objects.get(plan=plan, user=friend).role == "editor"
    assert client.get(reverse("plans:edit", args=[plan.pk])).status_code == HTTPStatus.OK
    # The used link now simply leads back to the plan.
    assert client.get(path).url == plan.get_absolute_url()


def test_new_sign_up_joins_the_plan_they_were_invited_to(
    client, people, django_capture_on_commit_callbacks
):
    plan = people["plan"]
    path = _invite(
        client,
        plan,
        people["owner"],
        "newbie@example.com",
        django_capture_on_commit_callbacks,
        role="viewer",
    )
    page = client.get(path)
    assert "Create an account" in page.content.decode()
    response = client.post(
        reverse("account_signup"),
        {
            "email": "newbie@example.com",
            "password1": "a-long-Secret-42!",
            "password2": "a-long-Secret-42!",
            "timezone": "UTC",
        },
        follow=True,
    )
    assert response.status_code == HTTPStatus.OK
    newbie = User.objects.get(email="newbie@example.com")
    assert PlanMember.objects.get(plan=plan, user=newbie).role == "viewer"
    assert PlanInvitation.objects.get(plan=plan).status == "accepted"
    assert "You joined" in response.content.decode()


def test_declining_adds_nobody(client, people, django_capture_on_commit_callbacks):
    plan = people["plan"]
    path = _invite(
        client, plan, people["owner"], "maybe@example.com", django_capture_on_commit_callbacks
    )
    client.post(path, {"action": "decline"})
    assert PlanInvitation.objects.get(plan=plan).status == "declined"
    assert "can no longer be used" in client.get(path).content.decode()
    assert PlanMember.objects.filter(plan=plan).count() == 2


def test_revoked_invitation_link_stops_working(client, people, django_capture_on_commit_callbacks):
    plan = people["plan"]
    path = _invite(
        client, plan, people["owner"], "x@example.com", django_capture_on_commit_callbacks
    )
    invitation = PlanInvitation.objects.get(plan=plan)
    client.force_login(people["owner"])
    client.post(reverse("plans:invitation-revoke", args=[plan.pk, invitation.pk]))
    client.force_login(UserFactory())
    client.post(path, {"action": "accept"})
    assert PlanMember.objects.filter(plan=plan).count() == 2
    assert client.get("/invitations/not-a-token/").status_code == HTTPStatus.NOT_FOUND


def test_strangers_cannot_manage_someone_elses_members(client, people):
    plan = people["plan"]
    member = PlanMember.objects.get(plan=plan, user=people["viewer"])
    client.force_login(people["stranger"])
    response = client.post(reverse("plans:member-remove", args=[plan.pk, member.pk]))
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert PlanMember.objects.filter(pk=member.pk).exists()
