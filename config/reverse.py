"""reverse() worked out once per process for each link, and the `{% url %}` tag that uses it.

Django's reverse() resolves the namespace, tries the pattern's candidates, checks the result
against the pattern's regex and quotes it: about 20 µs a link, each time. The plan page has 14
links and the admin changelist about 30, and a link's URL never changes while a process runs.

Only links whose arguments are all plain `int` or `str` are kept: `str()` of anything else
(a model instance's title, say) can change while its hash stays the same, so those go to
Django's reverse() every time. The key holds everything reverse() reads besides its arguments:
the urlconf, the script prefix and the language. A settings change empties the memo.

`TEMPLATES["OPTIONS"]["builtins"]` loads this module after Django's own tags, so its `url` tag
takes the place of Django's in every template, with the same syntax and output.
"""

from __future__ import annotations

import functools

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaulttags
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse
from django.utils.html import conditional_escape
from django.utils.translation import get_language

register = template.Library()


@functools.lru_cache(maxsize=8192)
def _reverse(viewname, args, kwargs, current_app, urlconf, prefix, language) -> str:
    # prefix and language are only part of the key: reverse() reads them itself.
    return django_reverse(
        viewname, urlconf=urlconf, args=args, kwargs=dict(kwargs), current_app=current_app
    )


def _key_part(value):
    """An argument as part of the memo's key, or _UNKEYED. Strings are keyed by their text:
    a template's literal view name arrives as a SafeString, which prints as itself."""
    kind = type(value)
    if kind is int or kind is str:
        return value
    if isinstance(value, str):
        return str(value)
    return _UNKEYED


_UNKEYED = object()


def reverse(viewname, *, args=(), kwargs=None, current_app=None) -> str:
    """django.urls.reverse() for a view name, memoised when every argument is an int or str."""
    kwargs = kwargs or {}
    name = _key_part(viewname)
    key_args = tuple([_key_part(arg) for arg in args])
    key_kwargs = tuple(sorted((key, _key_part(value)) for key, value in kwargs.items()))
    app = current_app if current_app is None else _key_part(current_app)
    if (
        name is _UNKEYED
        or app is _UNKEYED
        or _UNKEYED in key_args
        or any(value is _UNKEYED for _, value in key_kwargs)
    ):
        return django_reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)
    return _reverse(
        name,
        key_args,
        key_kwargs,
        app,
        get_urlconf() or settings.ROOT_URLCONF,
        get_script_prefix(),
        get_language(),
    )


@receiver(setting_changed)
def _forget(**kwargs):
    _reverse.cache_clear()


class URLNode(defaulttags.URLNode):
    """Django's URLNode.render, reversing through the memo."""

    def render(self, context):
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    """Django's `{% url %}`: the same syntax (Django parses it), reversed through the memo."""
    node = defaulttags.url(parser, token)
    return URLNode(node.view_name, node.args, node.kwargs, node.asvar)
