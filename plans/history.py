"""One history mechanism for plans and activities (django-simple-history), written by services.

`save()` and `delete()` record themselves through simple-history's signals. Services that write
with conditional `UPDATE`s or bulk statements (for concurrency and speed) record what they
changed here, reading the rows back so each history row is the state that was written.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from simple_history.models import HistoricalRecords


class IndexedHistoricalRecords(HistoricalRecords):
    """simple-history's records with indexes of our own on the history table.

    "Recent changes" reads the newest rows of one plan (or of its activities) on every view
    of the plan page; with only simple-history's single-column indexes PostgreSQL reads and
    sorts every history row of the plan, which grows with each edit.
    """

    def __init__(self, *args, indexes: Iterable[models.Index] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.indexes = list(indexes)

    def get_meta_options(self, model):
        options = super().get_meta_options(model)
        options["indexes"] = [*options.get("indexes", ()), *self.indexes]
        return options


def _request_user():
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def history_record(
    model: type[models.Model],
    pks: Iterable[int],
    *,
    reason: str = "",
    user=None,
    created: bool = False,
) -> list:
    """Write a history row for each object in `pks` as it now is in the database.

    `user` defaults to the signed-in requester of the current web or API request.
    """
    objects = list(model._default_manager.filter(pk__in=list(pks)).order_by("pk"))
    if not objects:
        return []
    return model.history.bulk_history_create(
        objects,
        update=not created,
        default_user=user or _request_user(),
        default_change_reason=reason,
    )
