"""Every POST form on the site, submitted in a real browser: none may end in 403 or 500.

A form that Chromium cannot post (a referrer policy that sends `Origin: null`, a missing CSRF
token) only shows up here. Two checks keep the list complete:

- `test_every_post_form_in_the_templates_is_listed`: each template's POST forms are listed in
  `FORMS` with the URL names they post to; a new one fails until it is listed and submitted.
- each journey checks that the POST forms on every page it opened are listed in `FORMS`, and
  that it submitted every URL name in its share of them (`JOURNEYS`).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.conf import settings as django_settings
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import Resolver404, resolve
from playwright.sync_api import expect

from accounts.locales import locale_choices
from accounts.models import ApiToken, User, UserSession
from plans import services as plan_services
from plans.models import Plan, PlanInvitation, PlanMember, PlanReport, Role
from plans.tokens import token_new
from tests.e2e.test_journeys import _link_in, field
from tests.factories import PlanActivityFactory, PlanFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]

# Each file's POST forms, in the order they appear, as the URL names each one posts to.
FORMS: dict[str, list[tuple[str, ...]]] = {
    "templates/base.html": [("account_logout",)],
    "templates/plans/plan_detail.html": [
        ("plans:visibility",),
        ("plans:share",),  # replace the link
        ("plans:duplicate",),
        ("plans:leave",),
        ("plans:unarchive",),
        ("plans:archive",),
    ],
    "templates/plans/plan_form.html": [("plans:create", "plans:edit")],
    "templates/plans/dashboard.html": [("plans:copy-sample",)],
    "templates/plans/plan_publish.html": [("plans:publish",)],
    "templates/plans/plan_confirm_delete.html": [("plans:delete",)],
    "templates/plans/members.html": [
        ("plans:member-role",),
        ("plans:member-remove",),
        ("plans:invitation-revoke",),
        ("plans:members",),
    ],
    "templates/plans/invitation.html": [("plans:invitation",), ("plans:invitation",)],
    "templates/plans/shared.html": [("plans:shared-duplicate",)],
    "templates/plans/public.html": [("plans:duplicate",)],
    "templates/plans/report.html": [("plans:report", "plans:shared-report")],
    "templates/activities/_plan_itinerary.html": [
        ("activities:import",),
        ("activities:schedule-undo",),
        ("activities:quick-add",),
        ("activities:quick-add",),  # "Add to this day", one per day
    ],
    "activities/templatetags/itinerary.py": [
        ("activities:complete", "activities:move-step", "activities:move-day", "activities:delay"),
        # Undo beside the row an action changed: the reverse move or done mark.
        ("activities:complete", "activities:move-step", "activities:move-day"),
    ],
    "templates/activities/activity_form.html": [("activities:add", "activities:edit")],
    "templates/activities/activity_confirm_delete.html": [("activities:delete",)],
    "templates/activities/schedule_preview.html": [
        ("activities:schedule", "activities:optimise-day")
    ],
    "templates/accounts/choose_name.html": [("accounts:choose_name",)],
    "templates/accounts/profile.html": [("accounts:profile",)],
    "templates/accounts/tokens.html": [("accounts:token_revoke",), ("accounts:tokens",)],
    "templates/accounts/sessions.html": [
        ("accounts:session_revoke",),
        ("accounts:session_revoke_others",),
    ],
    "templates/accounts/delete.html": [("google_login",), ("accounts:delete",)],
    "templates/socialaccount/connections.html": [("socialaccount_connections",)],
    "templates/allauth/elements/provider.html": [("google_login",)],
    # allauth's pages all render their form through this element.
    "templates/allauth/elements/form.html": [
        (
            "account_login",
            "account_signup",
            "account_email",
            "account_change_password",
            "account_confirm_email",
            "account_reset_password",
            "account_reset_password_from_key",
        )
    ],
    # Django's changelist action form posts to the same URL as this confirmation page.
    "templates/admin/plans/action_confirmation.html": [("admin:plans_planreport_changelist",)],
}

# POST forms of Django's own admin templates that the journeys open (the changelist's actions
# form posts where the confirmation above does).
ADMIN_FORMS = {"admin:plans_planreport_changelist", "admin:logout"}
LISTED = {name for forms in FORMS.values() for form in forms for name in form} | ADMIN_FORMS

# Which journey submits which URL names: together, every one in FORMS.
JOURNEYS: dict[str, set[str]] = {
    "owner": {
        "plans:create",
        "plans:edit",
        "plans:publish",
        "plans:visibility",
        "plans:archive",
        "plans:unarchive",
        "plans:duplicate",
        "plans:delete",
        "plans:share",
        "plans:members",
        "plans:member-role",
        "plans:member-remove",
        "plans:invitation-revoke",
        "activities:quick-add",
        "activities:add",
        "activities:edit",
        "activities:delete",
        "activities:complete",
        "activities:move-step",
        "activities:move-day",
        "activities:delay",
        "activities:import",
        "activities:schedule",
        "activities:schedule-undo",
        "activities:optimise-day",
    },
    "others": {
        "plans:invitation",
        "plans:leave",
        "plans:duplicate",  # a public plan, from its own page
        "plans:shared-duplicate",
        "plans:shared-report",
        "plans:report",
        "admin:plans_planreport_changelist",
        "admin:logout",
    },
    "account": {
        "account_signup",
        "account_logout",
        "account_confirm_email",
        "account_login",
        "account_email",
        "account_change_password",
        "account_reset_password",
        "account_reset_password_from_key",
        "accounts:choose_name",
        "plans:copy-sample",
        "accounts:profile",
        "accounts:tokens",
        "accounts:token_revoke",
        "accounts:session_revoke",
        "accounts:session_revoke_others",
        "accounts:delete",
        "socialaccount_connections",
        "google_login",
    },
}

_FORM_TAG = re.compile(r"<form\b[^>]*>", re.IGNORECASE)
_GET = re.compile(r"""\bmethod=["']?get\b""", re.IGNORECASE)

# The POST forms on the page, as the URLs they post to (their action and any formaction).
_PAGE_FORMS = """() => {
  // Attributes, not form.action: an input named "action" shadows that property.
  const url = (value) => new URL(value || "", document.baseURI).href;
  return [...document.querySelectorAll("form")]
    .filter((form) => (form.getAttribute("method") || "get").toLowerCase() === "post")
    .flatMap((form) => [url(form.getAttribute("action")), ...[...form.elements]
      .filter((control) => control.hasAttribute("formaction"))
      .map((control) => url(control.getAttribute("formaction")))]);
}"""


def _post_forms_in(path: Path) -> int:
    return sum(1 for tag in _FORM_TAG.findall(path.read_text()) if not _GET.search(tag))


def _url_name(url: str) -> str:
    try:
        return resolve(urlsplit(url).path).view_name
    except Resolver404:
        return f"(no route) {urlsplit(url).path}"


def test_every_post_form_in_the_templates_is_listed():
    """A template or template tag with a POST form not in FORMS fails here: list it, with the
    URL names it posts to, and submit it in one of the journeys below."""
    sources = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("*/templatetags/*.py")]
    found = {
        str(path.relative_to(ROOT)): count for path in sources if (count := _post_forms_in(path))
    }
    assert found == {name: len(forms) for name, forms in FORMS.items()}
    assert set().union(*JOURNEYS.values()) == LISTED


class Posts:
    """Every POST the browser makes to the live server, and the POST forms it was shown."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.answers: list[tuple[str, int, str]] = []
        self.shown: dict[str, str] = {}

    def listen(self, context) -> None:
        context.on("response", self._record)

    def _record(self, response) -> None:
        if response.request.method == "POST" and response.url.startswith(self.base_url):
            self.answers.append((_url_name(response.url), response.status, response.url))

    def look(self, page) -> None:
        """Note the POST forms on the page now showing."""
        for url in page.evaluate(_PAGE_FORMS):
            self.shown.setdefault(_url_name(url), page.url)

    def refused(self) -> list[tuple[str, int, str]]:
        """The POSTs answered with 403 (CSRF, say) or a server error."""
        return [
            answer
            for answer in self.answers
            if answer[1] == HTTPStatus.FORBIDDEN or answer[1] >= HTTPStatus.INTERNAL_SERVER_ERROR
        ]

    def check(self, journey: str) -> None:
        assert not self.refused()
        unlisted = {name: page for name, page in self.shown.items() if name not in LISTED}
        assert not unlisted, "POST forms not listed in FORMS (and so never submitted)"
        submitted = {name for name, _, _ in self.answers}
        assert JOURNEYS[journey] <= submitted, JOURNEYS[journey] - submitted


@pytest.fixture
def posts(live_server, context):
    recorder = Posts(live_server.url)
    recorder.listen(context)
    return recorder


def _click(page, posts, locator) -> None:
    """Submit through a button and wait for the page it leads to."""
    with page.expect_navigation():
        locator.click()
    assert not posts.refused()
    posts.look(page)


def _go(page, posts, url: str) -> None:
    page.goto(url)
    posts.look(page)


def _activity(page, title: str):
    return page.locator(".activity-title strong").filter(has_text=re.compile(f"^{title}$"))


def _message(page):
    return page.locator(".messages, [role=status]").first


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_owner_submits_every_plan_and_activity_form(
    live_server, page, context, log_in, traveller, posts
):
    """Create, edit, plan, share, publish, archive, copy, invite, and delete: each form works."""
    site = live_server.url
    start = dt.date.today() + dt.timedelta(days=30)
    trip = PlanFactory(
        user=traveller,
        title="Three days in Lisbon",
        start_date=start,
        end_date=start + dt.timedelta(days=2),
        budget=Decimal("600.00"),
        currency="EUR",
        plan_data={"itinerary": [{"day": 1, "activities": [{"activity": "Tram 28"}]}]},
    )
    # Day 2 zig-zags across town (the optimiser reorders it); two activities await a day.
    for index, (title, lng) in enumerate(
        [("Belém Tower", "-9.2160"), ("Alfama walk", "-9.1300"), ("Pastéis de Belém", "-9.2033")]
    ):
        PlanActivityFactory(
            plan=trip,
            title=title,
            scheduled_date=start + dt.timedelta(days=1),
            latitude=Decimal("38.70"),
            longitude=Decimal(lng),
            order_index=index,
        )
    for title in ("Fado night", "Gulbenkian Museum"):
        PlanActivityFactory(plan=trip, title=title, scheduled_date=None, start_time=None)
    editor = UserFactory(email="eve@example.com", display_name="Eve")
    viewer = UserFactory(email="vic@example.com", display_name="Vic")
    PlanMember.objects.create(plan=trip, user=editor, role=Role.EDITOR)
    PlanMember.objects.create(plan=trip, user=viewer, role=Role.VIEWER)

    log_in(context, traveller)

    # A new plan through the form, then its edit form.
    _go(page, posts, site + "/plans/new/")
    field(page, "Title").fill("Weekend in Porto")
    field(page, "Destination").fill("Porto, Portugal")
    _click(page, posts, page.get_by_role("button", name="Create plan"))
    expect(page.get_by_role("heading", level=1, name="Weekend in Porto")).to_be_visible()
    porto = Plan.objects.get(title="Weekend in Porto")
    _click(page, posts, page.get_by_role("link", name="Edit plan"))
    field(page, "Title").fill("Long weekend in Porto")
    _click(page, posts, page.get_by_role("button", name="Save changes"))
    expect(page.get_by_role("heading", level=1, name="Long weekend in Porto")).to_be_visible()

    # The old publish page (kept for bookmarks), then the one visibility control: back to
    # members only; archive, restore, duplicate, delete the copy.
    _go(page, posts, site + f"/plans/{porto.pk}/publish/")
    field(page, "List this plan in the public gallery").check()
    _click(page, posts, page.get_by_role("button", name="Publish"))
    expect(_message(page)).to_contain_text("Published and listed in the public gallery.")
    page.get_by_label("Only members").check()
    _click(page, posts, page.get_by_role("button", name="Save who can see it"))
    porto.refresh_from_db()
    assert porto.status == Plan.Status.DRAFT
    assert not porto.is_public
    _click(page, posts, page.get_by_role("button", name="Archive"))
    expect(page.get_by_role("button", name="Restore from archive")).to_be_visible()
    _click(page, posts, page.get_by_role("button", name="Restore from archive"))
    expect(page.get_by_role("button", name="Archive")).to_be_visible()
    _click(page, posts, page.get_by_role("button", name="Duplicate"))
    copy = Plan.objects.exclude(pk__in=[porto.pk, trip.pk]).get(user=traveller)
    _click(page, posts, page.get_by_role("link", name="Delete"))
    _click(page, posts, page.get_by_role("button", name="Yes, delete this plan"))
    assert not Plan.objects.filter(pk=copy.pk).exists()

    # The share link: anyone with the link, a new link, only members again.
    _go(page, posts, site + trip.get_absolute_url())
    page.get_by_label("Anyone with the link").check()
    _click(page, posts, page.get_by_role("button", name="Save who can see it"))
    first = Plan.objects.get(pk=trip.pk).share_token
    assert first
    _click(page, posts, page.get_by_role("button", name="Replace with a new link"))
    assert Plan.objects.get(pk=trip.pk).share_token not in (None, first)
    page.get_by_label("Only members").check()
    _click(page, posts, page.get_by_role("button", name="Save who can see it"))
    assert Plan.objects.get(pk=trip.pk).share_token is None

    # Activities: import, quick add, add, complete, move, delay, edit, delete.
    _click(page, posts, page.get_by_role("button", name="Import from the plan's itinerary"))
    expect(_activity(page, "Tram 28")).to_be_visible()
    page.get_by_role("textbox", name="Quick add").fill("Sunset at Miradouro")
    field(page, "Day").select_option(value=start.isoformat())
    _click(page, posts, page.get_by_role("button", name="Add", exact=True))
    expect(_activity(page, "Sunset at Miradouro")).to_be_visible()
    _click(page, posts, page.get_by_role("link", name="Add an activity"))
    field(page, "Title").fill("Oceanário")
    field(page, "Scheduled date").fill(start.isoformat())
    _click(page, posts, page.get_by_role("button", name="Add activity"))
    expect(_activity(page, "Oceanário")).to_be_visible()
    _click(page, posts, page.get_by_role("button", name="Mark “Tram 28” as done"))
    expect(page.get_by_role("button", name="Done: mark “Tram 28” as not done")).to_be_visible()
    _click(page, posts, page.get_by_role("button", name="Move “Oceanário” up"))
    page.get_by_text("Move or delay “Sunset at Miradouro”").click()
    row = page.locator(".activity").filter(has_text="Sunset at Miradouro")
    field(row, "Move to").select_option(value=(start + dt.timedelta(days=2)).isoformat())
    _click(page, posts, row.get_by_role("button", name="Move", exact=True))
    notice = page.locator(".activity-notice").filter(has_text="Moved “Sunset at Miradouro”")
    _click(page, posts, notice.get_by_role("button", name="Undo this change"))
    sunset = trip.activities.get(title="Sunset at Miradouro")
    assert sunset.scheduled_date != start + dt.timedelta(days=2)
    page.get_by_text("Move or delay “Oceanário”").click()
    row = page.locator(".activity").filter(has_text="Oceanário")
    field(row, "Move to").select_option(value=(start + dt.timedelta(days=2)).isoformat())
    _click(page, posts, row.get_by_role("button", name="Delay"))
    oceanario = trip.activities.get(title="Oceanário")
    assert oceanario.scheduled_date == start + dt.timedelta(days=2)
    assert oceanario.metadata.get("original_date") == start.isoformat()
    _click(page, posts, page.get_by_role("link", name="Edit “Oceanário”"))
    page.locator("summary", has_text="More details").click()
    field(page, "Estimated cost").fill("25")
    _click(page, posts, page.get_by_role("button", name="Save changes"))
    assert trip.activities.get(title="Oceanário").estimated_cost == Decimal("25")
    page.get_by_text("Move or delay “Oceanário”").click()
    _click(page, posts, page.get_by_role("link", name="Delete “Oceanário”"))
    _click(page, posts, page.get_by_role("button", name="Delete activity"))
    assert not trip.activities.filter(title="Oceanário").exists()

    # The day planner: plan the days, undo; optimise one day.
    _go(page, posts, site + trip.get_absolute_url())
    _click(page, posts, page.get_by_role("button", name="Plan my days"))
    _click(page, posts, page.get_by_role("button", name="Apply"))
    assert not trip.activities.filter(scheduled_date=None).exists()
    _click(page, posts, page.get_by_role("button", name="Undo"))
    assert trip.activities.filter(scheduled_date=None).count() == 2
    _go(page, posts, site + f"/plans/{trip.pk}/days/{start + dt.timedelta(days=1)}/optimise/")
    _click(page, posts, page.get_by_role("button", name="Apply"))
    day_two = trip.activities.filter(scheduled_date=start + dt.timedelta(days=1))
    assert list(day_two.order_by("order_index").values_list("title", flat=True)) != [
        "Belém Tower",
        "Alfama walk",
        "Pastéis de Belém",
    ]

    # Co-travellers: invite, change a role, remove a member, withdraw the invitation.
    _go(page, posts, site + f"/plans/{trip.pk}/members/")
    field(page, "Email address").fill("zoe@example.com")
    field(page, "Role").select_option(value="viewer")
    _click(page, posts, page.get_by_role("button", name="Send invitation"))
    assert PlanInvitation.objects.filter(plan=trip, email="zoe@example.com").exists()
    page.get_by_label("Role for Vic").select_option(value="editor")
    _click(page, posts, page.get_by_role("button", name="Change").last)
    assert PlanMember.objects.get(plan=trip, user=viewer).role == Role.EDITOR
    _click(page, posts, page.get_by_role("button", name="Remove Eve"))
    assert not PlanMember.objects.filter(plan=trip, user=editor).exists()
    _click(page, posts, page.get_by_role("button", name="Withdraw invitation to zoe@example.com"))
    assert PlanInvitation.objects.get(email="zoe@example.com").status == "revoked"

    posts.check("owner")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_invitees_visitors_and_moderators_submit_their_forms(
    live_server, page, context, new_context, log_in, trip, posts
):
    """Accept, decline, leave; copy and report a shared and a public plan; hide it as staff."""
    site = live_server.url
    trip.share_token = token_new()
    trip.save()
    public = PlanFactory(title="Ghent in spring", status="published", is_public=True)
    _, accept_token = plan_services.invitation_create(
        plan=trip, email="bea@example.com", role=Role.EDITOR, invited_by=trip.user
    )
    declined, decline_token = plan_services.invitation_create(
        plan=trip, email="carl@example.com", role=Role.VIEWER, invited_by=trip.user
    )
    bea = UserFactory(email="bea@example.com", display_name="Bea")
    dan = UserFactory(email="dan@example.com", display_name="Dan")

    # Bea accepts her invitation, then leaves the plan.
    log_in(context, bea)
    _go(page, posts, f"{site}/invitations/{accept_token}/")
    _click(page, posts, page.get_by_role("button", name="Accept and open the plan"))
    expect(page.get_by_text("Shared with you as editor.")).to_be_visible()
    _click(page, posts, page.get_by_role("button", name="Leave this plan"))
    expect(_message(page)).to_contain_text(f"You left “{trip.title}”.")
    assert not PlanMember.objects.filter(plan=trip, user=bea).exists()

    # Carl, signed out, declines his.
    carl = new_context()
    posts.listen(carl)
    carl_page = carl.new_page()
    _go(carl_page, posts, f"{site}/invitations/{decline_token}/")
    _click(carl_page, posts, carl_page.get_by_role("button", name="No thanks, decline"))
    declined.refresh_from_db()
    assert declined.status == PlanInvitation.Status.DECLINED

    # Dan copies the shared plan, reports it, and reports a public plan.
    visitor = new_context()
    posts.listen(visitor)
    log_in(visitor, dan)
    dan_page = visitor.new_page()
    _go(dan_page, posts, f"{site}/s/{trip.share_token}/")
    _click(dan_page, posts, dan_page.get_by_role("button", name="Copy to my plans"))
    assert Plan.objects.filter(user=dan, title__contains=trip.title).exists()
    for url in (f"{site}/s/{trip.share_token}/", site + public.get_absolute_url()):
        _go(dan_page, posts, url)
        _click(dan_page, posts, dan_page.get_by_role("link", name="Report this plan"))
        dan_page.get_by_role("radio").first.check()
        field(dan_page, "Anything our moderators should know").fill("Copied from a blog.")
        _click(dan_page, posts, dan_page.get_by_role("button", name="Send report"))
    assert PlanReport.objects.filter(reporter=dan, plan=trip).exists()
    assert PlanReport.objects.filter(reporter=dan, plan=public).exists()
    _go(dan_page, posts, site + public.get_absolute_url())
    _click(dan_page, posts, dan_page.get_by_role("button", name="Copy to my plans"))
    assert Plan.objects.filter(user=dan, title__contains=public.title).exists()

    # A moderator hides the public plan from the admin's reports queue.
    moderator = UserFactory(email="mo@example.com", is_staff=True)
    moderator.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="plans",
            codename__in=["view_plan", "change_plan", "view_planreport", "change_planreport"],
        )
    )
    staff = new_context()
    posts.listen(staff)
    log_in(staff, moderator)
    admin = staff.new_page()
    _go(admin, posts, f"{site}/{django_settings.ADMIN_URL}plans/planreport/")
    admin.get_by_role("row").filter(has_text=public.title).get_by_role("checkbox").check()
    admin.get_by_label(re.compile("^Action")).select_option(label="Hide the reported plans…")
    _click(admin, posts, admin.get_by_role("button", name="Go"))
    admin.get_by_label("Reason shown to the owner").fill("Copied without permission.")
    _click(admin, posts, admin.get_by_role("button", name="Yes, I'm sure"))
    public.refresh_from_db()
    assert public.moderation_status == Plan.Moderation.HIDDEN
    _click(admin, posts, admin.get_by_role("button", name="Log out"))
    nav = admin.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Sign in")).to_be_visible()

    posts.check("others")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_traveller_submits_every_account_form(live_server, page, posts, settings, mailoutbox):
    """Sign up, out and in; confirm, reset and change the password, change the email; profile,
    tokens, sessions, connected accounts; start a Google sign-in; delete the account."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        **settings.SOCIALACCOUNT_PROVIDERS,
        "google": {
            **settings.SOCIALACCOUNT_PROVIDERS["google"],
            "APPS": [{"client_id": "wayfarer-e2e", "secret": "e2e-only", "key": ""}],
        },
    }
    site = live_server.url
    email, password = "nia@example.com", "a-long-Passphrase-42"
    # The profile's locale list is built from Babel's data once per process (seconds on a
    # busy machine); the live server runs in this process, so build it before the browser waits.
    locale_choices()

    _go(page, posts, site + "/accounts/signup/")
    field(page, "Email").fill(email)
    field(page, "Password").fill(password)
    field(page, "Password (again)").fill(password)
    field(page, "Your home time zone").select_option("Africa/Nairobi")
    _click(page, posts, page.get_by_role("button", name="Sign Up"))
    nia = User.objects.get(email=email)
    assert nia.timezone == "Africa/Nairobi"
    # The step after sign-up: the name others see.
    field(page, "Display name").fill("Nia on the road")
    _click(page, posts, page.get_by_role("button", name="Save name"))
    nia.refresh_from_db()
    assert nia.public_name == "Nia on the road"
    # Then My plans, empty: copy the sample trip.
    expect(page).to_have_url(site + "/plans/")
    _click(page, posts, page.get_by_role("button", name="Copy a sample trip to Lisbon"))
    expect(page.get_by_role("heading", level=1, name="Three days in Lisbon")).to_be_visible()
    _go(page, posts, site + "/plans/")
    page.get_by_role("group", name=re.compile("Account menu")).click()
    _click(page, posts, page.get_by_role("button", name="Sign out"))
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in"))
    _go(page, posts, _link_in(mailoutbox[0], "/accounts/confirm-email/"))
    _click(page, posts, page.get_by_role("button", name="Confirm"))
    assert EmailAddress.objects.get(user=nia, email=email).verified

    # A forgotten password, while signed out.
    _go(page, posts, site + "/accounts/password/reset/")
    field(page, "Email").fill(email)
    _click(page, posts, page.get_by_role("button", name="Reset My Password"))
    _go(page, posts, _link_in(mailoutbox[-1], "/accounts/password/reset/key/"))
    password = "a-second-long-Passphrase-9"
    field(page, "New Password").fill(password)
    field(page, "New Password (again)").fill(password)
    _click(page, posts, page.get_by_role("button", name="Change Password"))
    nia.refresh_from_db()
    assert nia.check_password(password)

    # "Continue with Google" posts to the site, which sends the browser on to Google (not
    # reachable from the tests: the browser ends on its error page).
    _go(page, posts, site + "/accounts/login/")
    with page.expect_response(lambda response: response.request.method == "POST") as started:
        page.get_by_role("button", name="Continue with Google").click()
    assert started.value.status == HTTPStatus.FOUND
    assert started.value.headers["location"].startswith("https://accounts.google.com/o/oauth2/")
    page.wait_for_url("chrome-error://chromewebdata/")
    _go(page, posts, site + "/accounts/login/")
    field(page, "Email").fill(email)
    field(page, "Password").fill(password)
    _click(page, posts, page.get_by_role("button", name="Sign In"))
    expect(page.get_by_role("group", name=re.compile("Account menu"))).to_be_visible()

    _go(page, posts, site + "/account/profile/")
    field(page, "Home city").fill("Nairobi")
    _click(page, posts, page.get_by_role("button", name="Save profile"))
    nia.refresh_from_db()
    assert nia.home_city == "Nairobi"

    _go(page, posts, site + "/account/tokens/")
    field(page, "Name").fill("Calendar sync")
    _click(page, posts, page.get_by_role("button", name="Create token"))
    assert ApiToken.objects.filter(user=nia, name="Calendar sync").exists()
    _click(page, posts, page.get_by_role("button", name="Revoke Calendar sync"))
    assert ApiToken.objects.get(user=nia, name="Calendar sync").revoked_at is not None

    for _ in range(2):  # two more devices
        elsewhere = Client()
        assert elsewhere.post("/accounts/login/", {"login": email, "password": password})
    _go(page, posts, site + "/account/sessions/")
    _click(page, posts, page.get_by_role("button", name="Sign out", exact=True).first)
    assert UserSession.objects.filter(user=nia).count() == 2
    _click(page, posts, page.get_by_role("button", name="Sign out all other sessions"))
    assert UserSession.objects.filter(user=nia).count() == 1

    _go(page, posts, site + "/accounts/email/")
    page.locator("input[name=email]").fill("nia.work@example.com")
    _click(page, posts, page.get_by_role("button", name="Change Email"))
    assert EmailAddress.objects.filter(user=nia, email="nia.work@example.com").exists()

    password, old = "a-third-long-Passphrase-7", password
    _go(page, posts, site + "/accounts/password/change/")
    field(page, "Current Password").fill(old)
    field(page, "New Password").fill(password)
    field(page, "New Password (again)").fill(password)
    _click(page, posts, page.get_by_role("button", name="Change Password"))
    nia.refresh_from_db()
    assert nia.check_password(password)

    SocialAccount.objects.create(user=nia, provider="google", uid="108-nia")
    _go(page, posts, site + "/accounts/3rdparty/")
    page.get_by_role("radio").first.check()
    _click(page, posts, page.get_by_role("button", name="Disconnect"))
    assert not SocialAccount.objects.filter(user=nia).exists()

    _go(page, posts, site + "/account/delete/")
    field(page, "Your password").fill(password)
    page.get_by_role("checkbox").check()
    _click(page, posts, page.get_by_role("button", name="Delete my account"))
    expect(_message(page)).to_contain_text("Your account and everything in it have been deleted.")
    assert not User.objects.filter(email=email).exists()

    posts.check("account")
