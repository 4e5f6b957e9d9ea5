"""The Italian catalogue (Fluent, `locales/it/*.ftl`) and Italian money and dates (Babel).

Every sentence a customer or support member reads comes from the catalogue by message id;
Python code holds ids, never sentences. Fluent gives us Italian plurals and variables;
amounts and dates are formatted here with Babel before they reach a message.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache
from importlib.resources import files
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal
from fluent.runtime import FluentBundle, FluentResource

LOCALE = "it_IT"


class MissingMessage(KeyError):
    """A message id used in code that the catalogue lacks (a test guards against it)."""


@lru_cache(maxsize=1)
def bundle() -> FluentBundle:
    result = FluentBundle(["it"], use_isolating=False)
    for entry in sorted(files("locales").joinpath("it").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".ftl"):
            result.add_resource(FluentResource(entry.read_text("utf-8")))
    return result


def message_ids() -> set[str]:
    return set(bundle()._messages)


def t(key: str, **values: Any) -> str:
    """The sentence for message id `key`, with `values` filled in.

    Decimals become `€ 1.234,56` and dates `21 novembre 2026`; ints stay numbers so that
    Fluent can choose the Italian plural.
    """
    found = bundle()
    if not found.has_message(key):
        raise MissingMessage(key)
    text, errors = found.format_pattern(found.get_message(key).value,
                                        {k: _fmt(v) for k, v in values.items()})
    if errors:
        raise MissingMessage(f"{key}: {errors[0]}")
    return text


def euro(amount: Decimal) -> str:
    """`€ 1.234,56`, as Italians write amounts."""
    sign = "-" if amount < 0 else ""
    return f"{sign}€ {format_decimal(abs(amount), format='#,##0.00', locale=LOCALE)}"


def day(value: date) -> str:
    """`21 novembre 2026`."""
    return format_date(value, format="d MMMM y", locale=LOCALE)


def _fmt(value: Any) -> Any:
    if isinstance(value, Decimal):
        return euro(value)
    if isinstance(value, date):
        return day(value)
    if value is None:
        return ""
    return value
