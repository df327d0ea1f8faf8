"""Querysets whose SQL Django builds once per process; each call only binds new values.

For a lookup by one key, building the SQL (resolving lookups and joins, the select list, the
ordering) costs more CPU than PostgreSQL spends answering it: 0.6 ms of the 1.1 ms a token
lookup took in-process, 0.6 of 1.2 ms for a plan by id. The lookups on every API request and
plan page (token by hash, plan by id, a plan's activities) compile once and then run as
plain SQL with bound parameters, returning what the queryset would: model instances with
their select_related objects and annotations. tests/config/test_prepared.py holds them to
that, field by field.

This reads two of Django's internals, the compiler's `klass_info` and
`get_related_populators`, exactly as `ModelIterable` does; the tests fail if an upgrade
changes them.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Generic, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

M = TypeVar("M", bound=Model)

# PostgreSQL's bigint: a larger number finds no row (as the ORM decides, without a query),
# and sent as a numeric literal it would turn an index lookup into a scan.
_BIGINT = range(-(2**63), 2**63)
_numbers = itertools.count(1)


def _placeholder(kind: type):
    """A value no caller passes, to find where an argument lands among the SQL parameters."""
    number = next(_numbers)
    if kind is int:
        return 2_147_000_000 + number  # within int4's range too, not only bigint's
    if kind is str:
        return f"\x00prepared-{number}\x00"
    if kind is dt.datetime:
        return dt.datetime(1, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=number)
    raise TypeError(f"PreparedQuery arguments are int, str or datetime, not {kind.__name__}")


def _convert(kind: type, value):
    """The value as the SQL receives it: `int("7")` as the ORM would; a datetime as it is."""
    if kind is not dt.datetime:
        return kind(value)
    if not isinstance(value, dt.datetime) or value.utcoffset() is None:
        raise ValueError("PreparedQuery: a datetime argument must be timezone-aware")
    return value


class _Compiled:
    """The SQL, where each argument goes, and how a row becomes instances (as ModelIterable)."""

    def __init__(self, queryset: QuerySet, placeholders: tuple):
        compiler = queryset.query.get_compiler(using=queryset.db)
        try:
            self.sql, params = compiler.as_sql()
        except EmptyResultSet as exc:  # e.g. a limit of 0: there would be no SQL to run
            raise ValueError("PreparedQuery: this queryset never reads a row") from exc
        self.params = list(params)
        self.slots = []
        for placeholder in placeholders:
            slots = [i for i, value in enumerate(self.params) if value == placeholder]
            if not slots:
                raise ValueError("PreparedQuery: an argument does not reach the SQL parameters")
            self.slots.append(slots)
        self.alias = queryset.db
        # What results_iter() works out on every call (a fifth of a short query's CPU).
        columns = [column[0] for column in compiler.select[: compiler.col_count]]
        if compiler.has_composite_fields(columns):
            raise TypeError("PreparedQuery does not read composite primary keys")
        self.converters = list(compiler.get_converters(columns).items())
        klass_info = compiler.klass_info
        self.model = klass_info["model"]
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [f[0].target.attname for f in compiler.select[self.start : self.end]]
        self.related = get_related_populators(klass_info, compiler.select, queryset.db)
        self.annotations = compiler.annotation_col_map

    def run(self, values: list) -> list:
        params = list(self.params)
        for slots, value in zip(self.slots, values, strict=True):
            for slot in slots:
                params[slot] = value
        connection = connections[self.alias]  # this thread's, as the converters expect too
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            fetched = cursor.fetchall()
        found = []
        for row in map(list, fetched):
            for position, (converters, expression) in self.converters:
                value = row[position]
                for converter in converters:
                    value = converter(value, expression, connection)
                row[position] = value
            obj = self.model.from_db(self.alias, self.init_list, row[self.start : self.end])
            for populator in self.related:
                populator.populate(row, obj)
            for name, position in self.annotations.items():
                setattr(obj, name, row[position])
            found.append(obj)
        return found


class PreparedQuery(Generic[M]):
    """`build(*arguments)`, compiled on first use; calling it runs the SQL with new values.

    `build` must depend on its arguments only (no `timezone.now()` inside: pass it in), and
    each argument must reach the SQL as a parameter, of the type given for it (int, str, or
    datetime for an aware moment such as `timezone.now()`). Values are converted as the ORM
    would (`int("7")`); an int beyond bigint finds nothing.
    """

    def __init__(self, build: Callable[..., QuerySet[M]], *kinds: type):
        for kind in kinds:
            _placeholder(kind)  # an unsupported type fails at import, not on a request
        self.build = build
        self.kinds = kinds
        self._compiled: _Compiled | None = None

    def __call__(self, *values) -> list[M]:
        converted = [_convert(kind, value) for kind, value in zip(self.kinds, values, strict=True)]
        if any(isinstance(value, int) and value not in _BIGINT for value in converted):
            return []
        if self._compiled is None:
            placeholders = tuple(_placeholder(kind) for kind in self.kinds)
            self._compiled = _Compiled(self.build(*placeholders), placeholders)
        return self._compiled.run(converted)

    def one(self, *values) -> M | None:
        """The row a lookup by a unique key finds, or None."""
        found = self(*values)
        return found[0] if found else None
