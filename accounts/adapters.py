"""allauth adapters: how sign-up, login and social accounts fit Wayfarer's rules."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from accounts.locales import negotiate
from config.links import public_site, public_url


class AccountAdapter(DefaultAccountAdapter):
    """Email is the login; usernames are generated from it and never shown to others."""

    def new_user(self, request):
        """A new traveller's dates and money start in their browser's locale (Accept-Language).

        Every sign-up makes its user here, with a form or through Google or Facebook, so each
        starts from the browser it signed up in; the profile page changes it.
        """
        user = super().new_user(request)
        if request is not None:
            user.locale = negotiate(request.headers.get("Accept-Language"))
        return user

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Every allauth email signs as the product, with links on the public address.

        allauth builds its links (verification, password reset, sign-up) on the host the
        request came in on, and names the site after that host: here both become the
        configured public URL, whichever email it is.
        """
        context = {**context, "current_site": public_site()}
        if self.request is not None:
            origin = self.request.build_absolute_uri("/")
            for key, value in context.items():
                if isinstance(value, str) and value.startswith(origin):
                    context[key] = public_url(value.removeprefix(origin[:-1]))
        super().send_mail(template_prefix, email, context)

    def post_login(self, request, user, *, signup: bool, **kwargs) -> HttpResponse:
        """Right after signing up, ask for the name others see, then go where they were going.

        A step after sign-up rather than a field on the sign-up form, so that sign-ups through
        Google or Facebook, which skip that form, get it too; it can be skipped, keeping the
        neutral generated name.
        """
        response = super().post_login(request, user, signup=signup, **kwargs)
        if signup and not user.display_name and isinstance(response, HttpResponseRedirect):
            query = urlencode({"next": response.url})
            return HttpResponseRedirect(f"{reverse('accounts:choose_name')}?{query}")
        return response


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Link a social login to an existing account only on a doubly verified email.

    allauth's email authentication (enabled per provider in settings: Google yes,
    Facebook no) matches on the provider's verified address but falls back to any user
    whose *unverified* address matches, then wipes that user's password. Here the local
    address must be verified too, so no account is taken over and none is locked out:
    without a match the usual sign-up runs, which (with enumeration prevention) sends the
    owner of the address an "account already exists" email instead of signing anyone in.
    """

    def authenticate_by_email(self, sociallogin):
        for address in sociallogin.email_addresses:
            if not address.verified:
                continue
            if not self.can_authenticate_by_email(sociallogin, address.email):
                continue
            local = (
                EmailAddress.objects.filter(email__iexact=address.email, verified=True)
                .select_related("user")
                .first()
            )
            if local is not None and local.user.is_active:
                return local.user, local.email
        return None
