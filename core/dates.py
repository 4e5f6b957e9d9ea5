"""Calendar arithmetic: months with month-end clamping, real day counts."""

from __future__ import annotations

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """Add calendar months, clamping to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def whole_months_between(start: date, end: date) -> int:
    """Whole calendar months from `start` that fit before or on `end` (0 if end <= start)."""
    if end <= start:
        return 0
    months = (end.year - start.year) * 12 + (end.month - start.month)
    while months > 0 and add_months(start, months) > end:
        months -= 1
    return months


def days_between(start: date, end: date) -> int:
    return (end - start).days


# Every date the system accepts from outside (import files, `--today`): far enough on both
# sides for any real service, near enough that adding periods or days never overflows.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)


def in_bounds(day: date) -> bool:
    return FIRST_DAY <= day <= LAST_DAY
