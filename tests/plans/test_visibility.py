"""Who can see a plan: one control with three states (only members, anyone with the link,
listed in the public gallery), read the same on the plan page and the dashboard cards."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from activities import services as activity_services
from plans import services
from plans.models import Plan, Visibility
from tests.factories import PlanActivityFactory, PlanFactory, PlanMemberFactory, UserFactory
from tests.plans.conftest import verify

pytestmark = pytest.mark.django_db

MEMBERS, LINK, PUBLIC = Visibility.MEMBERS, Visibility.LINK, Visibility.PUBLIC


@pytest.fixture
def owner(db):
    return verify(UserFactory())


def _fields(plan: Plan) -> tuple[str, bool, bool]:
    plan.refresh_from_db()
    return plan.status, plan.is_public, plan.share_token is not None


def _set(plan: Plan, visibility: str, user) -> Plan:
    services.plan_set_visibility(plan=plan, user=user, visibility=visibility)
    plan.refresh_from_db()
    return plan


@pytest.mark.parametrize(
    ("before", "after", "fields"),
    [
        (MEMBERS, LINK, ("draft", False, True)),
        (MEMBERS, PUBLIC, ("published", True, False)),
        (LINK, MEMBERS, ("draft", False, False)),
        (LINK, PUBLIC, ("published", True, True)),
        (PUBLIC, LINK, ("draft", False, True)),
        (PUBLIC, MEMBERS, ("draft", False, False)),
    ],
)
def test_every_transition_maps_onto_status_listing_and_link(owner, before, after, fields):
    """The gallery is published and listed; leaving it is a draft again; the link state has
    a share link and "only members" none."""
    plan = _set(PlanFactory(user=owner), before, owner)
    assert plan.visibility == before
    plan = _set(plan, after, owner)
    assert plan.visibility == after
    assert _fields(plan) == fields


def test_the_link_survives_a_stay_in_the_gallery(owner):
    """Travellers who were given the link keep it when the plan goes to the gallery and back."""
    plan = _set(PlanFactory(user=owner), LINK, owner)
    token = plan.share_token
    plan = _set(_set(plan, PUBLIC, owner), LINK, owner)
    assert plan.share_token == token


def test_choosing_the_current_state_writes_nothing(owner):
    plan = _set(PlanFactory(user=owner), LINK, owner)
    version = plan.version
    assert _set(plan, LINK, owner).version == version


def test_the_gallery_needs_a_verified_email_and_nothing_changes_without_one():
    unverified = UserFactory()
    plan = PlanFactory(user=unverified)
    with pytest.raises(ValidationError, match="verify your email"):
        services.plan_set_visibility(plan=plan, user=unverified, visibility=PUBLIC)
    assert _fields(plan) == ("draft", False, False)


def test_an_archived_plan_stays_archived_when_shared_by_link(owner):
    plan = PlanFactory(user=owner)
    services.plan_archive(plan=plan)
    plan = _set(plan, LINK, owner)
    assert _fields(plan) == ("archived", False, True)


def test_a_plan_hidden_by_moderators_can_only_be_made_members_only(owner):
    plan = _set(PlanFactory(user=owner), LINK, owner)
    services.plan_hide(plan=plan, moderator=UserFactory(is_staff=True), reason="Spam links")
    for visibility in (LINK, PUBLIC):
        with pytest.raises(ValidationError, match="hidden this plan"):
            services.plan_set_visibility(plan=plan, user=owner, visibility=visibility)
    assert _set(plan, MEMBERS, owner).share_token is None


def test_an_unknown_state_is_refused(owner):
    plan = PlanFactory(user=owner)
    with pytest.raises(ValidationError, match="Choose who can see this plan"):
        services.plan_set_visibility(plan=plan, user=owner, visibility="everyone")


# The plan page and the dashboard.

SENTENCES = {
    MEMBERS: "Only you and your co-travellers can see this plan.",
    LINK: "Anyone with this link can see the itinerary, map and estimated costs, not what you "
    "spent, private notes or booking codes.",
    PUBLIC: "Anyone can find this plan in the public gallery and read its itinerary, map and "
    "estimated costs, not what you spent, private notes or booking codes.",
}
BADGES = {
    MEMBERS: "Only members",
    LINK: "Anyone with the link",
    PUBLIC: "Listed in the public gallery",
}


@pytest.mark.parametrize("visibility", [LINK, PUBLIC, MEMBERS])
def test_the_page_and_the_card_say_the_same_after_each_change(client, owner, visibility):
    """Posting the control changes the state; the plan page says who sees what in one
    sentence, and the page and the dashboard card carry the same badge."""
    plan = PlanFactory(user=owner)
    if visibility == MEMBERS:
        _set(plan, LINK, owner)
    client.force_login(owner)
    response = client.post(
        reverse("plans:visibility", args=[plan.pk]), {"visibility": visibility}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"{plan.get_absolute_url()}#visibility"
    page = response.content.decode()
    assert SENTENCES[visibility] in page
    assert f">{BADGES[visibility]}</span>" in page
    assert re.search(
        f'<input type="radio" name="visibility" value="{visibility}"[^>]* checked', page
    )
    dashboard = client.get(reverse("plans:dashboard")).content.decode()
    assert f">{BADGES[visibility]}</span>" in dashboard
    plan.refresh_from_db()
    assert plan.visibility == visibility
    assert ("/s/" in page) == (visibility == LINK)


def test_an_unverified_owner_is_told_why_and_the_plan_stays_members_only(client):
    unverified = UserFactory()
    plan = PlanFactory(user=unverified)
    client.force_login(unverified)
    response = client.post(
        reverse("plans:visibility", args=[plan.pk]), {"visibility": PUBLIC}, follow=True
    )
    page = response.content.decode()
    assert "Visibility not changed: Please verify your email address" in page
    assert SENTENCES[MEMBERS] in page
    assert _fields(plan) == ("draft", False, False)


def test_a_hidden_plan_never_reads_as_public_or_shared(client, owner):
    """Hidden by moderators: the page and the card say so and why, never "In the public
    gallery" or that anyone with the link can read it, and the control is gone."""
    plan = _set(_set(PlanFactory(user=owner), LINK, owner), PUBLIC, owner)
    services.plan_hide(plan=plan, moderator=UserFactory(is_staff=True), reason="Spam links")
    client.force_login(owner)
    page = client.get(plan.get_absolute_url()).content.decode()
    dashboard = client.get(reverse("plans:dashboard")).content.decode()
    for html in (page, dashboard):
        assert ">Hidden by moderators</span>" in html
        assert "In the public gallery" not in html
        assert "Listed in the public gallery" not in html
        assert "Anyone with this link can" not in html
        assert "Anyone with the link" not in html
    assert "Hidden by our moderators: only you and your co-travellers can see it." in page
    assert "Spam links" in page
    assert reverse("plans:visibility", args=[plan.pk]) not in page
    assert plan.share_token not in page


@pytest.mark.parametrize("visibility", [MEMBERS, LINK])
def test_strangers_still_get_404_for_a_plan_outside_the_gallery(client, owner, visibility):
    plan = _set(PlanFactory(user=owner), visibility, owner)
    client.force_login(UserFactory())
    assert client.get(plan.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    response = client.post(reverse("plans:visibility", args=[plan.pk]), {"visibility": PUBLIC})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert _set(plan, visibility, owner).visibility == visibility


def test_a_bad_choice_changes_nothing(client, owner):
    plan = PlanFactory(user=owner)
    client.force_login(owner)
    response = client.post(
        reverse("plans:visibility", args=[plan.pk]), {"visibility": "everyone"}, follow=True
    )
    assert "Visibility not changed: choose who can see this plan." in response.content.decode()
    assert _fields(plan) == ("draft", False, False)


def test_the_header_shows_where_when_who_and_the_budget(client, owner):
    """Destination, dates with the trip's length, every traveller with initials, budget and
    what was spent."""
    owner.display_name = "Ana Lima"
    owner.save()
    plan = PlanFactory(
        user=owner,
        destination="Lisbon",
        start_date=dt.date(2031, 5, 1),
        end_date=dt.date(2031, 5, 4),
        budget=Decimal("500.00"),
        currency="EUR",
    )
    member = PlanMemberFactory(plan=plan, user=UserFactory(display_name="Sam Rivera"))
    PlanActivityFactory(plan=plan, actual_cost=Decimal("42.50"))
    PlanActivityFactory(plan=plan, actual_cost=None)
    client.force_login(owner)
    page = client.get(plan.get_absolute_url()).content.decode()
    header = page[page.index('<header class="plan-header">') :].split("</header>")[0]
    assert "<dt>Where</dt><dd>Lisbon</dd>" in header
    assert "4 days" in header
    assert '<span class="avatar" aria-hidden="true">AL</span> Ana Lima' in header
    assert member.user.public_name in header
    assert '<span class="avatar" aria-hidden="true">SR</span>' in header
    assert re.search(r"<dd>€500\.00\s*<span class=\"plan-facts-note\">€42\.50 spent</span>", header)
    assert "Edit plan" in header


def test_the_headers_spent_sum_follows_each_activity_write(client, owner):
    """The sum is kept between views and read again after an activity changes."""
    plan = PlanFactory(user=owner, budget=Decimal("50.00"), currency="EUR")
    lunch = PlanActivityFactory(plan=plan, actual_cost=Decimal("42.50"))
    client.force_login(owner)
    assert "€42.50 spent</span>" in client.get(plan.get_absolute_url()).content.decode()
    activity_services.activity_update(activity=lunch, data={"actual_cost": Decimal("52.50")})
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "€52.50 spent, over budget</span>" in page
