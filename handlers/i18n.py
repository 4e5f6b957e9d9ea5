"""The Italian catalogue (`locales/it/*.yaml`) and Italian formatting of money and dates.

Every sentence a customer or support member reads comes from the catalogue, looked up by a
dotted key; Python code holds keys, never sentences.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache
from importlib.resources import files
from typing import Any

import yaml
from babel.dates import format_date
from babel.numbers import format_decimal

LOCALE = "it_IT"


@lru_cache(maxsize=1)
def catalogue() -> dict[str, str]:
    """All sentences of `locales/it`, flattened to dotted keys (`cli.import.ok`)."""
    flat: dict[str, str] = {}
    folder = files("locales").joinpath("it")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            _flatten(yaml.safe_load(entry.read_text("utf-8")) or {}, entry.name[:-5], flat)
    return flat


def _flatten(node: Any, prefix: str, into: dict[str, str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            _flatten(value, f"{prefix}.{key}", into)
    else:
        into[prefix] = str(node)


def t(key: str, **values: Any) -> str:
    """The sentence for `key` with `values` filled in (dates and money pre-formatted)."""
    template = catalogue()[key]
    return template.format(**{k: _fmt(v) for k, v in values.items()}) if values else template


def has(key: str) -> bool:
    return key in catalogue()


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
    return value
