"""`<day:day>` in URLs: a calendar date as YYYY-MM-DD; impossible dates (2030-02-30) are a 404."""

from __future__ import annotations

import datetime as dt


class DayConverter:
    regex = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"

    def to_python(self, value: str) -> dt.date:
        # A ValueError here means "no match": Django answers 404 without calling the view.
        return dt.date.fromisoformat(value)

    def to_url(self, value: dt.date | str) -> str:
        return value.isoformat() if isinstance(value, dt.date) else value
