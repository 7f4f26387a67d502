"""ISO 8601 dates of the catalogue: a day, a month, a year, or a START/END range.

An incident's date is often known only to the month or year; each form stands for the span of
days it can mean, which the timeline filter and the checks both need.
"""

from __future__ import annotations

import datetime as dt
import re

EARLIEST_YEAR, LATEST_YEAR = 1850, 1950
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def parse_date(value: str) -> tuple[dt.date, dt.date]:
    """First and last day an ISO 8601 date, partial date or START/END range can mean.

    Raises ValueError with a message fit for the user.
    """
    parts = value.split("/")
    if len(parts) > 2:
        raise ValueError(f"{value!r} is not a date or a START/END range")
    start = _date_bounds(parts[0])[0]
    end = _date_bounds(parts[-1])[1]
    if end < start:
        raise ValueError(f"range {value!r} ends before it starts")
    return start, end


def _date_bounds(text: str) -> tuple[dt.date, dt.date]:
    m = _DATE.match(text)
    if not m:
        raise ValueError(f"{text!r} is not a valid ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = int(m[1]), m[2], m[3]
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise ValueError(f"{text!r} is outside {EARLIEST_YEAR}–{LATEST_YEAR}")
    try:
        if day:
            d = dt.date(year, int(month), int(day))
            return d, d
        if month:
            first = dt.date(year, int(month), 1)
            last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            return first, last - dt.timedelta(days=1)
    except ValueError:
        raise ValueError(f"{text!r} is not a valid ISO 8601 date") from None
    return dt.date(year, 1, 1), dt.date(year, 12, 31)
