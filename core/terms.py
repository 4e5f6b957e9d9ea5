"""The customer's acceptance of the general conditions of contract (seed 002: «accettare le
condizioni generali di contratto» before «CONFERMA ORDINE»): recorded on every order the
customer places, with the conditions' version and the time of the tick."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.errors import NotAllowed


@dataclass(frozen=True)
class TermsAcceptance:
    version: str
    accepted_at: datetime


def check_current(terms: TermsAcceptance, current_version: str) -> None:
    """Conditions accepted in another version (changed meanwhile) must be accepted again."""
    if terms.version != current_version:
        raise NotAllowed(reason="terms_outdated", version=terms.version,
                         current=current_version)
