"""Which locale dates, times and money are formatted in: the traveller's, one per request.

A locale here is a BCP 47 tag ("en-GB", "pt-PT") that Babel has CLDR data for. It only
changes how values look (date order, month names, decimal marks, currency placement); the
interface text stays English. Signed-in travellers choose theirs on the profile page (it
starts from their browser's Accept-Language at sign-up); everyone else gets the best match
for their browser's Accept-Language, else DEFAULT_LOCALE.

The active locale lives in a context variable, set for each request by
`accounts.middleware.UserLocaleMiddleware`, so the formatting functions and template filters
(`accounts.formatting`) need no request passed to them, as Django's own time zone does.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import re
from collections.abc import Iterator

from babel import Locale, localedata

DEFAULT_LOCALE = "en"
# Accept-Language is client input: read a bounded number of well-formed language ranges.
_MAX_RANGES = 20
_RANGE = re.compile(r"^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$")

_active: contextvars.ContextVar[str] = contextvars.ContextVar("format_locale")


@functools.cache
def supported_locales() -> dict[str, str]:
    """Every locale Babel knows for a language, or a language in a region, by lower-case tag.

    Values are the tags as written ("pt-PT"). Locales with a script or a variant
    ("sr_Latn_RS") are left out: the language-and-region ones cover how people write dates
    and amounts, and keep the choice list readable.
    """
    tags = {}
    for identifier in localedata.locale_identifiers():
        parts = identifier.split("_")
        if identifier == "root" or len(parts) > 2 or (len(parts) == 2 and len(parts[1]) == 4):
            continue
        tag = "-".join(parts)
        tags[tag.lower()] = tag
    return tags


def canonical(tag: str) -> str | None:
    """The supported tag for `tag` in any case or separator ("pt_pt" -> "pt-PT"), else None."""
    return supported_locales().get(str(tag).replace("_", "-").lower())


@functools.cache
def babel_locale(tag: str) -> Locale:
    """Babel's Locale for a supported tag, DEFAULT_LOCALE's for anything else."""
    return Locale.parse(canonical(tag) or DEFAULT_LOCALE, sep="-")


@functools.cache
def locale_choices() -> list[tuple[str, str]]:
    """(tag, label) for a select, by English name: "Portuguese (Portugal) · português (Portugal)".

    The English name first, as the interface is English; the locale's own name after it, so
    travellers recognise theirs.
    """
    choices = []
    for tag in supported_locales().values():
        locale = babel_locale(tag)
        english = locale.get_display_name("en") or tag
        native = locale.get_display_name(locale) or ""
        label = english if native.casefold() == english.casefold() else f"{english} · {native}"
        choices.append((english.casefold(), tag, label))
    return [(tag, label) for _, tag, label in sorted(choices)]


def _ranges(header: str) -> list[str]:
    """The language ranges of an Accept-Language header, most preferred first."""
    ranges = []
    for position, item in enumerate(header.split(",")[:_MAX_RANGES]):
        name, _, params = item.strip().partition(";")
        name = name.strip()
        weight = 1.0
        _, has_weight, value = params.partition("q=")
        if has_weight:
            try:
                weight = float(value.strip()[:5])
            except ValueError:
                continue
        if weight > 0 and _RANGE.match(name):
            ranges.append((-weight, position, name))
    return [name for _, _, name in sorted(ranges)]


def negotiate(accept_language: str | None) -> str:
    """The best supported locale for an Accept-Language header, else DEFAULT_LOCALE.

    Each range in order of preference: the exact locale ("pt-PT"), else its language alone
    ("de-XX" -> "de").
    """
    for name in _ranges(accept_language or ""):
        found = canonical(name) or canonical(name.split("-")[0])
        if found:
            return found
    return DEFAULT_LOCALE


def request_locale(request) -> str:
    """The signed-in traveller's chosen locale, else the best one for the browser.

    Reads the user the authentication middleware already loaded: no query of its own.
    """
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        chosen = canonical(getattr(user, "locale", "") or "")
        if chosen:
            return chosen
    return negotiate(request.headers.get("Accept-Language"))


def get_active() -> str:
    """The locale values are formatted in now: the request's, else DEFAULT_LOCALE."""
    return _active.get(DEFAULT_LOCALE)


@contextlib.contextmanager
def override(tag: str) -> Iterator[str]:
    """Format in `tag` (a supported locale, else DEFAULT_LOCALE) inside the block."""
    token = _active.set(canonical(tag) or DEFAULT_LOCALE)
    try:
        yield _active.get()
    finally:
        _active.reset(token)
