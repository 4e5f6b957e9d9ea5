"""The Italian catalogue (Fluent, `locales/it/*.ftl`) and Italian money and dates (Babel).

Every sentence a customer or support member reads comes from the catalogue by message id;
Python code holds ids, never sentences. Fluent gives us Italian plurals and variables;
amounts and dates are formatted here with Babel before they reach a message.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from functools import lru_cache
from importlib.resources import files
from typing import Any

from fluent.runtime import FluentBundle, FluentResource
from fluent.runtime.types import FluentType

LOCALE = "it_IT"


class MissingMessage(KeyError):
    """A message id used in code that the catalogue lacks (a test guards against it)."""


class ItalianDate(FluentType):
    """A date in a message: `21 novembre 2026`, `1° marzo 2028`; the functions below add
    the article."""

    def __init__(self, value: date) -> None:
        self.value = value

    def format(self, locale: Any) -> str:
        return day(self.value)


def _with_article(bare: str, elided: str) -> Any:
    """Fluent function giving "il 12", "l'11", "il 1°" (and al/dal/del forms)."""
    def function(value: Any) -> str:
        if not isinstance(value, ItalianDate):
            return str(value)
        when = value.value
        text = day(when)
        if when.day in (8, 11):
            return f"{elided}{text}"
        return f"{bare} {text}"
    return function


FUNCTIONS = {"IL": _with_article("il", "l'"), "AL": _with_article("al", "all'"),
             "DAL": _with_article("dal", "dall'"), "DEL": _with_article("del", "dell'")}


@lru_cache(maxsize=1)
def bundle() -> FluentBundle:
    result = FluentBundle(["it"], use_isolating=False, functions=FUNCTIONS)
    for entry in sorted(files("locales").joinpath("it").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".ftl"):
            result.add_resource(FluentResource(entry.read_text("utf-8")))
    return result


def message_ids() -> set[str]:
    return set(bundle()._messages)


def t(key: str, **values: Any) -> str:
    """The sentence for message id `key`, with `values` filled in.

    Decimals become `€ 1.234,56` and dates `21 novembre 2026` (with `IL()`, `AL()`, `DAL()`,
    `DEL()` in the catalogue for "l'11", "all'11", "dal 12"...); ints stay numbers so that
    Fluent can choose the Italian plural.
    """
    found = bundle()
    pattern = found.get_message(key).value if found.has_message(key) else None
    if pattern is None:
        raise MissingMessage(key)
    text, errors = found.format_pattern(pattern, {k: _fmt(v, k) for k, v in values.items()})
    if errors:
        raise MissingMessage(f"{key}: {errors[0]}")
    return str(text)


def has(key: str) -> bool:
    return bundle().has_message(key)


def euro(amount: Decimal) -> str:
    """`€ 1.234,56`, as Italians write amounts."""
    sign = "-" if amount < 0 else ""
    from babel.numbers import format_decimal  # Babel on first use: a third of this import

    return f"{sign}€ {format_decimal(abs(amount), format='#,##0.00', locale=LOCALE)}"


def days_list(days: Iterable[int]) -> str:
    """`30, 7 e 1 giorni`, `7 giorni`, `1 giorno`: day counts as one Italian list with one
    noun, plural as soon as the list holds more than one count (Babel joins the numbers)."""
    from babel.lists import format_list

    counts = [max(int(d), 0) for d in days]
    numbers = format_list([str(d) for d in counts], locale=LOCALE)
    return t("days-list", days=numbers, plural=counts[0] if len(counts) == 1 else len(counts))


def day(value: date) -> str:
    """`21 novembre 2026`; the first of the month is `1° marzo 2028`, as Italians write it
    with or without an article (one form everywhere a date is printed)."""
    from babel.dates import format_date

    text = format_date(value, format="d MMMM y", locale=LOCALE)
    return f"1°{text[1:]}" if value.day == 1 else text


# Variables that count something (days, months, items): a customer never reads a negative
# count («scade tra -1 giorni»); a negative one is shown as 0, which every message reads as
# «oggi», «nessuno» or just 0. The callers avoid it; this is the last guard.
COUNTS = frozenset({"days", "months", "years", "count", "left", "window", "plural", "plans",
                    "customers", "services", "days_since_expiry", "total_days", "limit"})


def _fmt(value: Any, name: str = "") -> Any:
    if name in COUNTS and isinstance(value, int) and not isinstance(value, bool) and value < 0:
        return 0
    if isinstance(value, Decimal):
        return euro(value)
    if isinstance(value, date):
        return ItalianDate(value)
    if value is None:
        return ""
    return value
