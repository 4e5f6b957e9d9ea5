"""Typed errors raised by core; the conversation layer turns each into an Italian answer.

Every error carries a stable `code` (the key of its Italian sentence) and the facts needed to
explain it. Raising one inside an operation rolls the whole transaction back: nothing changes.
"""

from __future__ import annotations

from typing import Any


class SportelloError(Exception):
    code = "error"

    def __init__(self, **facts: Any) -> None:
        self.facts = facts
        super().__init__(f"{self.code}: {facts}" if facts else self.code)


class NotFound(SportelloError):
    """Unknown id, or an id that belongs to someone else (never tell which)."""

    code = "not_found"


class NotAllowed(SportelloError):
    """The operation makes no sense for the object's current state."""

    code = "not_allowed"


class NameMismatch(SportelloError):
    code = "name_mismatch"


class QuoteExpired(SportelloError):
    """The quote was computed for another day or the service changed since: `quote` is fresh."""

    code = "quote_expired"


class RenewalAlreadyOrdered(SportelloError):
    code = "renewal_already_ordered"


class PendingOrderExists(SportelloError):
    code = "pending_order_exists"


class ChangeNotAllowed(SportelloError):
    """A plan change the policy forbids (e.g. downgrade of a dedicated server)."""

    code = "change_not_allowed"


class SalesOnly(SportelloError):
    """Custom solutions change only through sales: open a ticket."""

    code = "sales_only"


class RecoveryWindowOver(SportelloError):
    code = "recovery_window_over"


class AmountMismatch(SportelloError):
    code = "amount_mismatch"


class TicketClosed(SportelloError):
    code = "ticket_closed"


class ImportFailed(SportelloError):
    """Bad import file: `problems` lists (where, what) pairs; nothing was imported."""

    code = "import_failed"


class BadDatabaseUrl(SportelloError):
    """The configured database cannot be used: `reason` says why, nothing was touched."""

    code = "bad_database_url"
