"""Where a card number could hide in the database: every column of every table."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.app import Sportello
from core.models import Base

# Luhn-valid, paid by the sandbox gateway, and not the sandbox hint's 4242… (the card
# step's own words, which are the bot's and may be sent as they are).
CARD = "5555 5555 5555 4444"
CARD_DIGITS = "5555555555554444"


def digits_of(text: str) -> str:
    """The decimal digits of `text` in ASCII, whatever their script; the rest dropped."""
    return "".join(str(int(c)) for c in text if c.isdecimal())


def _leaves(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [leaf for k, v in value.items() for leaf in (*_leaves(k), *_leaves(v))]
    if isinstance(value, list | tuple):
        return [leaf for v in value for leaf in _leaves(v)]
    return [] if value is None else [str(value)]


async def stored_with(app: Sportello, number: str = CARD_DIGITS) -> list[str]:
    """Every stored value holding more of `number` than its last four digits (written with
    any separators, in any script): `table.column: value` for each, so a failure shows it."""
    kept_back = number[:-4]
    found = []
    async with app.sessions() as session:
        for table in Base.metadata.sorted_tables:
            for row in (await session.execute(select(table))).all():
                for column, value in zip(table.columns, row, strict=True):
                    found += [f"{table.name}.{column.name}: {leaf}" for leaf in _leaves(value)
                              if kept_back in digits_of(leaf)]
    return found
