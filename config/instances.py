"""Model instances for big read-only lists, without Model.__init__ per row.

`Model.from_db` builds every row through `Model.__init__`: a DEFERRED placeholder per field
left out by `.only()`, a loop over every concrete field, the pre_init and post_init signals.
For the admin's 100 plan rows that was 1.6 ms of the page's CPU on the bench machine, where
filling each instance's `__dict__` directly takes 0.15 ms. The instances are the same: the
loaded fields and annotations as attributes, `_state.adding` False and `_state.db` set, any
field left out still loaded on first access (tests/config/test_instances.py compares them).

LeanModelIterable takes that path only where it gives exactly what `from_db` gives: no
select_related, no known related objects, a model that keeps Django's `from_db` and
`__init__`, nobody listening to its pre_init or post_init, and no loaded field behind a
descriptor that does work on assignment (a FileField's, say). Anything else goes through
Django's ModelIterable unchanged.
"""

from __future__ import annotations

import functools

from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query import ModelIterable
from django.db.models.signals import post_init, pre_init


@functools.cache
def _plain_assignment(model: type[Model], names: tuple[str, ...]) -> bool:
    """Whether setting each of `names` on a new instance only stores the value."""
    if model.from_db.__func__ is not Model.from_db.__func__ or model.__init__ is not Model.__init__:
        return False
    for name in names:
        descriptor = type(getattr(model, name, None))
        # A foreign key's id descriptor only clears a cached object, which a new one lacks.
        if hasattr(descriptor, "__set__") and descriptor is not ForeignKeyDeferredAttribute:
            return False
    return True


def lean_instances(model: type[Model], names: tuple[str, ...]) -> bool:
    """Whether rows of `model` with the fields `names` may skip Model.__init__."""
    return (
        _plain_assignment(model, names)
        and not pre_init.has_listeners(model)
        and not post_init.has_listeners(model)
    )


def instance_from_row(model: type[Model], db: str, names: tuple[str, ...], values) -> Model:
    """What `model.from_db(db, names, values)` returns, for a model `lean_instances` allows."""
    obj = model.__new__(model)
    state = obj._state = ModelState()
    state.adding = False
    state.db = db
    obj.__dict__.update(zip(names, values, strict=True))
    return obj


class LeanModelIterable(ModelIterable):
    """ModelIterable, building plain rows with `instance_from_row` (see the module docstring).

    Set as a queryset's `_iterable_class`; everything else about the queryset is unchanged.
    """

    def __iter__(self):
        queryset = self.queryset
        if queryset.query.select_related or queryset._known_related_objects:
            yield from super().__iter__()
            return
        db = queryset.db
        compiler = queryset.query.get_compiler(using=db)
        results = compiler.execute_sql(chunked_fetch=self.chunked_fetch, chunk_size=self.chunk_size)
        select, klass_info = compiler.select, compiler.klass_info
        model = klass_info["model"]
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        names = tuple(column[0].target.attname for column in select[start:end])
        annotations = compiler.annotation_col_map.items()
        build = instance_from_row if lean_instances(model, names) else _from_db
        for row in compiler.results_iter(results):
            obj = build(model, db, names, row[start:end])
            for name, position in annotations:
                setattr(obj, name, row[position])
            yield obj


def _from_db(model: type[Model], db: str, names: tuple[str, ...], values) -> Model:
    return model.from_db(db, names, values)
