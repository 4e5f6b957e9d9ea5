"""What a customer sees of a service: its state and the actions that make sense in it."""

from __future__ import annotations

from datetime import date, timedelta

# Stored statuses
ATTIVO, DISDETTO, SCADUTO, SOSPESO, ELIMINATO = (
    "attivo", "disdetto", "scaduto", "sospeso", "eliminato",
)
# Shown states (the labels live in locales/it)
IN_SCADENZA = "in_scadenza"

RENEWAL_MODES = ("su_richiesta", "automatico")
PAYMENT_METHODS = ("carta", "paypal", "bonifico", "bollettino")
CATEGORIES = ("dominio", "hosting", "pec", "vps", "cloud", "dedicato", "colocation", "custom")


def shown_state(status: str, expires_on: date, today: date, reminder_window: int = 30) -> str:
    """The state the customer reads, from the stored status and the calendar.

    An active service past its expiry reads `scaduto` even before the daily sweep stored it.
    """
    if status == ATTIVO:
        if expires_on <= today:
            return SCADUTO
        if (expires_on - today).days <= reminder_window:
            return IN_SCADENZA
    return status


def recovery_deadline(expires_on: date, recovery_days: int = 10) -> date:
    """Last day a lapsed service can be recovered by paying just the renewal."""
    return expires_on + timedelta(days=recovery_days)


def actions_for(
    status: str, expires_on: date, today: date, recovery_days: int = 10
) -> tuple[str, ...]:
    """The operations that make sense now, in the order a menu should offer them."""
    state = shown_state(status, expires_on, today)
    within = today <= recovery_deadline(expires_on, recovery_days)
    if state in (ATTIVO, IN_SCADENZA):
        return ("renew", "set_renewal_mode", "change_plan", "cancel")
    if state == DISDETTO:
        return ("recover",) if expires_on > today or within else ("recover_ticket",)
    if state == SCADUTO:
        return ("recover",) if within else ("recover_ticket",)
    if state == SOSPESO:
        return ("orders", "ticket")
    if state == ELIMINATO:
        return ("recover_ticket",)
    return ()


def is_lapsed_list(state: str) -> bool:
    """Whether the service belongs under `Prodotti scaduti o disdetti`."""
    return state in (SCADUTO, DISDETTO, SOSPESO, ELIMINATO)
