"""`{% fragment %}`: Django's `{% cache %}` for parts of a page that hold forms.

    {% load fragments %}
    {% fragment "plan-summary" plan.pk plan.updated_at role %} ... {% endfragment %}

The body is rendered once per set of values and kept in the per-process `fragments` cache, as
`{% cache %}` does. Two things differ, both so that a key cannot miss something the body shows:

- `{% csrf_token %}` inside is rendered as a placeholder and swapped for the request's own token
  on every use (`{% cache %}` would give every visitor the first one's token, and their forms
  would fail);
- the active language and time zone are always part of the key (dates, "days to go", money).

The values after the name must name everything else the body shows: a template edit that adds
something to a fragment adds it to the key too. A settings change empties the cache.
"""

from __future__ import annotations

from collections.abc import Callable

from django import template
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

# Rendered in place of the request's CSRF token, and swapped for it on every use.
CSRF_PLACEHOLDER = "cached-fragment-csrf-token"


def _has_csrf_token(context) -> bool:
    token = context.get("csrf_token")
    return bool(token) and token != "NOTPROVIDED"  # noqa: S105 (Django's "no token" marker)


def render_kept(
    context,
    name: str,
    vary_on: list,
    render: Callable,
    *,
    cache: str = "fragments",
    max_bytes: int | None = None,
) -> SafeString:
    """`render(context)`, kept in `cache` under `name`, `vary_on`, the language and the time zone.

    The body is rendered with CSRF_PLACEHOLDER where `{% csrf_token %}` writes the token, and
    each use puts the request's own token back in. Outside a request (no token to swap) and
    over `max_bytes` the body is rendered every time.
    """
    if not _has_csrf_token(context):
        return render(context)
    vary_on = [*vary_on, get_language(), timezone.get_current_timezone_name()]
    key = make_template_fragment_key(name, vary_on)
    kept = caches[cache]
    html = kept.get(key)
    if html is None:
        with context.push(csrf_token=CSRF_PLACEHOLDER):
            html = render(context)
        if max_bytes is None or len(html) <= max_bytes:
            kept.set(key, html)
    token = conditional_escape(str(context["csrf_token"]))
    return mark_safe(html.replace(CSRF_PLACEHOLDER, token))  # noqa: S308 (rendered escaped)


class FragmentNode(template.Node):
    def __init__(self, nodelist, name: str, vary_on):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on

    def render(self, context):
        vary_on = [var.resolve(context) for var in self.vary_on]
        return render_kept(context, self.name, vary_on, self.nodelist.render)


@register.tag
def fragment(parser, token):
    """`{% fragment "name" value ... %}...{% endfragment %}`; see the module docstring."""
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError(
            f"{bits[0]} needs a quoted name and the values the fragment shows"
        )
    name = bits[1]
    if not (name[0] == name[-1] and name[0] in "\"'"):
        raise template.TemplateSyntaxError(f"{bits[0]}'s name must be a quoted string")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, name[1:-1], [parser.compile_filter(bit) for bit in bits[2:]])


@receiver(setting_changed)
def _forget_fragments(**kwargs) -> None:
    """Fragments depend on settings (formats, URLs): drop them when one changes."""
    caches["fragments"].clear()
