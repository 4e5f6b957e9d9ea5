"""Injectable time: every rule is computed for a `today` that tests can fix."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

ROME = ZoneInfo("Europe/Rome")


class Clock(Protocol):
    def today(self) -> date: ...

    def now(self) -> datetime: ...


class SystemClock:
    """The real calendar in Europe/Rome."""

    def today(self) -> date:
        return datetime.now(ROME).date()

    def now(self) -> datetime:
        return datetime.now(ROME)


class FixedClock:
    """A clock stuck on one day (tests, `--today`); `now` advances within that day."""

    def __init__(self, day: date) -> None:
        self.day = day

    def today(self) -> date:
        return self.day

    def now(self) -> datetime:
        real = datetime.now(ROME)
        return datetime.combine(self.day, real.timetz())

    def advance(self, days: int = 1) -> None:
        self.day = self.day + timedelta(days=days)


def end_of_day(day: date) -> datetime:
    """The last instant of `day` in Rome: a quote's validity."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=ROME)
