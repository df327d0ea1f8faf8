"""The rows of a big admin changelist, with Django's markup at a fraction of its per-cell cost.

Django's `items_for_result` works every column out again for every row: the field lookup, the
empty value, the cell's classes, a `reverse()` and the preserved filters for the link, and the
formatting of each value (choices, numbers through the locale, a `static()` lookup per boolean
icon). At 100 rows x 12 columns that was most of the plan changelist's time. Here each column is
worked out once per page, the link is reversed once, and a cell that depends only on its value
(choices, booleans, numbers, dates) is rendered once per distinct value, with Django's own
`display_for_field` / `display_for_value`.

Only plain changelists take this path: list_editable, popups, `to_field`, and columns that are
neither a model field nor a ModelAdmin method fall back to Django's `results()`.
tests/plans/test_admin.py checks the rows are byte for byte Django's.

A ModelAdmin whose columns show nothing but the row's loaded values (its fields and
annotations, no related objects) can set `list_rows_cacheable = True`: each row's HTML is then
kept per process under those values, the page's columns and link, the language and the time
zone (`_RowCache`), so a moderator paging back and forth, or a list that has not changed, costs a
dictionary lookup per row. Any change to a shown value (an edit bumps `updated_at` too) makes
a new key; a settings change empties the cache.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable

from django import template
from django.contrib.admin.templatetags.admin_list import (
    _coerce_field_name,
    result_headers,
    result_hidden_fields,
    results,
)
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.contrib.admin.utils import (
    FieldIsAForeignKeyColumnName,
    _get_non_gfk_field,
    display_for_field,
    display_for_value,
)
from django.core.exceptions import FieldDoesNotExist
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.urls import NoReverseMatch
from django.utils import formats, timezone
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

# Stands in for the primary key while the change link is reversed once per page.
_PK = "00000000"
_UNSET = object()


@functools.lru_cache(maxsize=8192)
def _localized_date(value: dt.date, language: str) -> str:
    """A date as display_for_field shows it; `language` is part of the key. A page of plans has
    as many start dates as rows, but a process sees the same few thousand dates again and again,
    and Django's date formatting costs about 0.1 ms each."""
    return formats.localize(value)


class _RowCache:
    """Rendered rows by (page layout, row values); past `size` rows the oldest go first."""

    def __init__(self, size: int):
        self.size = size
        self.rows: dict[tuple, str] = {}
        self.layouts: dict[tuple, int] = {}

    def layout(self, key: tuple) -> int:
        """A small number standing for a page's layout, so that each row's key hashes it
        cheaply. Layouts vary with the preserved filters: past `size` of them, start over."""
        number = self.layouts.get(key)
        if number is None:
            if len(self.layouts) >= self.size:
                self.clear()
            number = self.layouts[key] = len(self.layouts)
        return number

    def get(self, key: tuple) -> str | None:
        return self.rows.get(key)

    def put(self, key: tuple, row: str) -> None:
        self.rows[key] = row
        if len(self.rows) > self.size:
            del self.rows[next(iter(self.rows))]  # dicts keep insertion order

    def clear(self) -> None:
        self.rows.clear()
        self.layouts.clear()


# About 1 KB a row: a few MB per process at most.
_rows = _RowCache(size=5000)


@receiver(setting_changed)
def _forget_dates(**kwargs):
    _localized_date.cache_clear()
    _rows.clear()


def _row_fields(obj) -> tuple[str, ...]:
    """The names of what a row holds: its loaded fields and annotations (the same for every
    row of a page, as one query loaded them)."""
    return tuple([name for name in obj.__dict__ if name != "_state"])


def _memo_key(value):
    """A dictionary key for a cell's value, or None when the cell must be rendered each time.

    The type is part of the key, so a SafeString never shares a cell with the same str. Text
    that plain-text columns show reaches the fast path in `cell` first; the strings left here
    are mostly choice values, whose label costs a dict and a lazy translation each time.
    """
    key = (type(value), value)
    try:
        hash(key)
    except TypeError:
        return None
    return key


class _Column:
    """One list_display column, resolved once: how to get a row's value and render its cell."""

    def __init__(self, cl, field_name, index: int, *, link: bool, first_link: bool):
        model_admin = cl.model_admin
        self.name = field_name
        self.link = link
        self.tag = "th" if first_link else "td"
        self.empty = model_admin.get_empty_value_display()
        self.cache: dict = {}
        classes = [f"field-{_coerce_field_name(field_name, index)}"]
        self.field = None
        try:
            # What lookup_field() calls: reverse relations count as "not a field" there too.
            field = _get_non_gfk_field(cl.lookup_opts, field_name)
        except (FieldDoesNotExist, FieldIsAForeignKeyColumnName):
            field = None
        if field is not None and not field.auto_created and not field.is_relation:
            self.field = field
            self.method = None
            if isinstance(field, models.DateField | models.TimeField):
                classes.append("nowrap")
        elif (
            field is None
            and isinstance(field_name, str)
            and field_name != "__str__"
            and callable(getattr(model_admin, field_name, None))
        ):
            self.method = getattr(model_admin, field_name)
            self.boolean = getattr(self.method, "boolean", False)
            self.empty = getattr(self.method, "empty_value_display", self.empty)
            if field_name == "action_checkbox":
                classes = ["action-checkbox"]
        else:
            raise LookupError(field_name)  # left to Django
        self.classes = classes
        self.class_attr = f' class="{" ".join(classes)}"'
        # Columns whose non-blank text is shown as it is (escaped): display_for_field and
        # display_for_value both come down to str(value) for them.
        self.plain_text = (
            self.field is not None
            and isinstance(self.field, models.CharField | models.TextField)
            and not isinstance(self.field, models.URLField)
            and not self.field.flatchoices
        ) or (self.method is not None and not self.boolean)
        self.date_only = (
            self.field is not None
            and type(self.field) is models.DateField
            and not self.field.flatchoices  # display_for_field shows a choice's label first
        )
        self.language = get_language() if self.date_only else None

    def value(self, obj):
        if self.method is not None:
            return self.method(obj)
        return getattr(obj, self.field.attname)

    def display(self, value) -> tuple[object, str]:
        """(what the cell shows, its class attribute), as items_for_result computes them."""
        if isinstance(value, str) and value.strip() == "":
            value = ""
        class_attr = self.class_attr
        if self.method is not None:
            shown = display_for_value(value, self.empty, self.boolean)
            if isinstance(value, dt.date | dt.time):
                class_attr = f' class="{" ".join([*self.classes, "nowrap"])}"'
        elif self.date_only and value is not None:
            shown = _localized_date(value, self.language)
        else:
            shown = display_for_field(value, self.field, self.empty, avoid_link=self.link)
        return shown, class_attr

    def cell(self, obj, url: Callable[[object], str] | None) -> str:
        """The cell's HTML (safe, but a plain str: the row joins its cells before marking it)."""
        value = self.value(obj)
        if self.plain_text and isinstance(value, str) and value.strip():
            # A method's safe HTML is shown as it is; text is escaped, as format_html does.
            inner = value if isinstance(value, SafeString) else escape(value)
            if self.link and url is not None:
                inner = f'<a href="{conditional_escape(url(obj))}">{inner}</a>'
            return f"<{self.tag}{self.class_attr}>{inner}</{self.tag}>"
        key = None if self.link else _memo_key(value)
        if key is not None:
            cached = self.cache.get(key, _UNSET)
            if cached is not _UNSET:
                return cached
        shown, class_attr = self.display(value)
        inner = conditional_escape(shown)
        if self.link and url is not None:
            inner = f'<a href="{conditional_escape(url(obj))}">{inner}</a>'
        html = mark_safe(f"<{self.tag}{class_attr}>{inner}</{self.tag}>")  # noqa: S308
        if key is not None:
            self.cache[key] = html
        return html


def _change_link(cl) -> tuple[str, str, str] | None:
    """The change link of a row as (before, pk attribute, after): reversed (with the preserved
    filters) once per page, then filled in."""
    pk_field = cl.lookup_opts.pk
    if not isinstance(pk_field, models.AutoField | models.IntegerField):
        return None
    try:
        url = cl.url_for_result(cl.model(**{pk_field.attname: _PK}))
    except NoReverseMatch:
        return None
    url = add_preserved_filters({"preserved_filters": cl.preserved_filters, "opts": cl.opts}, url)
    before, found, after = url.partition(_PK)
    if not found or _PK in after:
        return None
    return before, pk_field.attname, after


def _columns(cl) -> list[_Column] | None:
    if cl.formset or cl.is_popup or cl.to_field or cl.list_display_links is None:
        return None
    links = cl.list_display_links
    columns, linked = [], False
    for index, field_name in enumerate(cl.list_display):
        link = (not links and not linked) or field_name in (links or ())
        try:
            columns.append(
                _Column(cl, field_name, index, link=link, first_link=link and not linked)
            )
        except LookupError:
            return None
        linked = linked or link
    return columns


def _lean_rows(cl) -> list[str] | None:
    """Each row's cells as one string (Django's `<td>`s of the row, as items_for_result writes
    them), or None where Django's own rows must be used."""
    columns = _columns(cl)
    link = _change_link(cl) if columns else None
    if columns is None or (link is None and any(column.link for column in columns)):
        return None
    url = None
    if link is not None:
        before, attname, after = link
        url = lambda obj: f"{before}{getattr(obj, attname)}{after}"  # noqa: E731

    def render(obj) -> str:
        return "".join([column.cell(obj, url) for column in columns])

    results = cl.result_list
    if not results or not getattr(cl.model_admin, "list_rows_cacheable", False):
        return [render(obj) for obj in results]
    fields = _row_fields(results[0])
    layout = _rows.layout(
        (
            type(cl.model_admin),
            tuple([(column.name, column.link) for column in columns]),
            link,
            get_language(),
            timezone.get_current_timezone_name(),
            fields,
        )
    )
    rows = []
    for obj in results:
        key = row = None
        # A row holding related objects (select_related) shows more than its own values.
        if not obj._state.fields_cache:
            state = obj.__dict__
            key = (layout, *[state[name] for name in fields])
            try:
                row = _rows.get(key)
            except TypeError:  # a value that cannot be a key (a JSON document): not kept
                key = None
        if row is None:
            row = render(obj)
            if key is not None:
                _rows.put(key, row)
        rows.append(row)
    return rows


def lean_result_list(cl):
    """Django's result_list context, with the rows from _lean_rows.

    On the lean path `rows` is the whole table body, written as Django's loop in
    change_list_results.html writes it: the template's 100 iterations (an `if`, a loop over
    the row and a variable each) cost as much as building the rows.
    """
    headers = list(result_headers(cl))
    context = {
        "cl": cl,
        "result_hidden_fields": list(result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
    }
    rows = _lean_rows(cl)
    if rows is None:
        context["results"] = list(results(cl))
    else:
        context["results"] = rows
        context["rows"] = mark_safe("".join([f"\n\n<tr>{row}</tr>\n" for row in rows]))  # noqa: S308
    return context


@register.tag(name="lean_result_list")
def lean_result_list_tag(parser, token):
    return InclusionAdminNode(
        parser,
        token,
        func=lean_result_list,
        template_name="change_list_results.html",
        takes_context=False,
    )
