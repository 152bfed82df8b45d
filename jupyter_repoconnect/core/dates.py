"""Dates as people read them: "5 March 2027" (day, month name, year), never 2027-03-05 or
3/5/2027, which half the world reads the other way round."""

from __future__ import annotations

import datetime as dt

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def human_date(value: str | dt.date | None) -> str:
    """``"5 March 2027"`` for a date or an ISO date/time text; other text as it is."""
    if value is None:
        return ""
    day = value
    if isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    assert isinstance(day, dt.date)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
