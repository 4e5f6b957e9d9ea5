"""Exact money: `Decimal` euro amounts, rounded half-up to the cent."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value: Decimal | int | str) -> Decimal:
    """Round an amount half-up to the cent (never through float)."""
    if isinstance(value, float):  # pragma: no cover - guarded against misuse
        raise TypeError("money amounts must not be floats")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def vat_of(amount: Decimal, rate: Decimal) -> Decimal:
    """IVA on an amount ex VAT, rounded half-up to the cent."""
    return money(amount * rate)


def to_cents(amount: Decimal) -> int:
    return int(money(amount) * 100)


def from_cents(cents: int) -> Decimal:
    return money(Decimal(cents) / 100)
