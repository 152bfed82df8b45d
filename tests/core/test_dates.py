"""Dates are shown as people read them, the same on every surface."""

import datetime as dt

from jupyter_repoconnect.core.dates import human_date


def test_a_date_reads_day_month_year_never_iso_or_numeric() -> None:
    assert human_date("2027-03-05") == "5 March 2027"
    assert human_date("2027-03-05T12:30:00Z") == "5 March 2027"  # the day is what matters
    assert human_date(dt.date(2026, 12, 1)) == "1 December 2026"


def test_text_that_is_not_a_date_is_kept() -> None:
    assert human_date("soon") == "soon"
    assert human_date(None) == ""
