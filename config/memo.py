"""Values worked out once per process: a dict that stays bounded and forgets on settings changes.

The admin's app lists (config.admin), action forms (plans.templatetags.admin_actions) and
static URLs (config.storage) are each kept under everything they depend on, so an entry is
never stale, only unused. Past `size` entries a memo starts over; a settings change (tests,
mostly) empties every memo, since what is kept was worked out under the old settings.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver

_memos: weakref.WeakSet[Memo] = weakref.WeakSet()


class Memo:
    def __init__(self, size: int | None = None):
        self.size = size
        self.entries: dict[Hashable, Any] = {}
        _memos.add(self)

    def get(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """The value kept under `key`, made (and kept) the first time it is asked for."""
        value = self.entries.get(key)
        if value is None:
            value = make()
            if self.size is not None and len(self.entries) >= self.size:
                self.entries.clear()
            self.entries[key] = value
        return value

    def clear(self) -> None:
        self.entries.clear()


@receiver(setting_changed)
def _forget(**kwargs) -> None:
    for memo in list(_memos):
        memo.clear()
