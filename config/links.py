"""Links to the site as the public reaches it: settings.PUBLIC_URL, never a request's host.

An email is read away from the request that sent it, which may have come in on an internal
name, a proxy's address or a developer's `127.0.0.1:8000`; its links and the name it signs
with come from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def public_url(path: str) -> str:
    """The absolute address of `path` (an absolute path, such as a `reverse()`) on the site."""
    if not path.startswith("/"):
        raise ValueError(f"expected an absolute path, got {path!r}")
    return settings.PUBLIC_URL + path


@dataclass(frozen=True)
class PublicSite:
    """What allauth's email templates read as `current_site`: the product's name and host."""

    name: str
    domain: str


def public_site() -> PublicSite:
    return PublicSite(name=settings.PRODUCT_NAME, domain=urlsplit(settings.PUBLIC_URL).netloc)


def next_path(request: HttpRequest) -> str:
    """The `next` path a page carried (posted or in the query), only if it leads back into this
    site; else "". A path with its leading slash: redirect() would take anything else for a URL
    name (`next=itinerary` was a 500)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""
