"""One token bucket, for what we send (the Telegram pacer) and what we accept (the flood
gate): `burst` at once, then `rate` a second.

It is kept as GCRA, the token bucket written as one number: `_full_at`, the moment the
bucket would be full again. A token is there at `_full_at - (burst - 1) / rate`, and
taking one moves `_full_at` on by `1 / rate`. A caller can therefore reserve a token
for a moment in the future (`reserve`) and sleep until then holding nothing, while the
next caller is queued behind it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

EPSILON = 1e-9  # float rounding must not leave a caller a hair short of its token


class TokenBucket:
    def __init__(self, rate: float, burst: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self.rate, self.burst = rate, burst
        self._clock = clock
        self._interval = 1.0 / rate
        self._tolerance = (burst - 1) * self._interval
        self._full_at = clock()

    def _earliest(self, not_before: float) -> float:
        ready = self._full_at - self._tolerance
        return not_before if ready <= not_before + EPSILON else ready

    def _take(self, at: float) -> None:
        self._full_at = max(self._full_at, at) + self._interval

    def reserve(self, not_before: float | None = None) -> float:
        """Take a token at the first moment it is there, not before `not_before` (on
        this bucket's clock; now by default); return the seconds from now until then."""
        now = self._clock()
        at = self._earliest(now if not_before is None else max(now, not_before))
        self._take(at)
        return at - now

    def try_take(self) -> bool:
        """Take a token if one is there now; never queue."""
        now = self._clock()
        if self._earliest(now) > now:
            return False
        self._take(now)
        return True

    def full(self) -> bool:
        """As if never used: a table of buckets may forget this one."""
        return self._full_at <= self._clock() + EPSILON
