"""Card numbers in free text: found, and masked before anything stores or logs them.

A card-like number is 13 to 19 decimal digits passing the Luhn check, in any script
(ASCII, Arabic-Indic, fullwidth…: every Unicode decimal digit), its digits possibly
separated by spaces, dashes, dots, slashes or colons (up to three of them between two
digits). Payment cards never start with 0 (ISO/IEC 7812), so a run starting with 0 is not
one.

A run of digits may carry more than a card ("4242 4242 4242 4242 12 27 123": the expiry
and the security code after it), so every stretch of whole digit groups of 13 to 19
digits is checked, not only the whole run. Left alone, though Luhn may pass by chance:

- a valid IBAN (mod-97 check), spaced or not;
- a run made only of dates (and times): "01.12.2026 - 31.12.2026";
- an international phone number: after "+" or "00", the country code cannot start a card;
- digits glued to a letter, as in identifiers ("order-3f9a1234567890123b"): a card cannot
  start or end there (a card typed glued to a word, "carta4242…", is the price of this).

Masking keeps the last four digits: `•••• •••• •••• 4242`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

SPACES = " \t\u00a0\u2007\u2009\u202f\u3000"
DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d"
DOTS = ".\u00b7\u2024\uff0e"
SLASHES = "/\u2044\u2215\uff0f"
COLONS = ":\uff1a"
SEPARATORS = SPACES + DASHES + DOTS + SLASHES + COLONS
MIN_DIGITS, MAX_DIGITS = 13, 19
MASK = "•••• •••• •••• "
_DOUBLED = {str(d): d * 2 - 9 if d > 4 else d * 2 for d in range(10)}

_SEP = "[" + re.escape(SEPARATORS) + "]"
_RUN = re.compile(rf"\d+(?:{_SEP}{{1,3}}\d+)*")  # \d: any Unicode decimal digit
_GROUP = re.compile(r"\d+")
_PHONE_PREFIX = re.compile(r"\+[ \u00a0]?$")
_WORD = re.compile(r"[A-Za-z_]")
_IBAN = re.compile(r"\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,32}", re.IGNORECASE | re.ASCII)


@dataclass(frozen=True)
class Card:
    """Where a card-like number is in a text, and its last four digits (ASCII)."""

    start: int
    end: int
    last4: str


def luhn_ok(digits: str) -> bool:
    """The Luhn check on a string of decimal digits (any script)."""
    return _luhn(_ascii(digits))


def find_cards(text: str) -> list[Card]:
    """Every card-like number in `text`, in order; overlapping candidates are merged."""
    found: list[Card] = []
    exempt: list[tuple[int, int]] | None = None
    for run in _RUN.finditer(text):
        groups = [(run.start() + g.start(), run.start() + g.end(), _ascii(g.group()))
                  for g in _GROUP.finditer(run.group())]
        if sum(len(g[2]) for g in groups) < MIN_DIGITS or reads_as_dates(
                [g[2] for g in groups]):
            continue
        if exempt is None:
            exempt = _iban_spans(text)
        glued_end = _WORD.match(text, run.end()) is not None
        skip = 1 if run.start() and _WORD.match(text, run.start() - 1) else 0
        for card in _windows(groups, max(skip, _country_code(text, run.start(), groups)),
                             len(groups) - 1 if glued_end else len(groups)):
            if not any(card.start < end and start < card.end for start, end in exempt):
                found.append(card)
    return _merge(found)


def find_card(text: str) -> Card | None:
    """The first card-like number in `text`, if any."""
    cards = find_cards(text)
    return cards[0] if cards else None


def has_card(text: str) -> bool:
    return find_card(text) is not None


def mask_cards(text: str) -> str:
    """`text` with every card-like number replaced by `•••• •••• •••• 1234`."""
    cards = find_cards(text)
    if not cards:
        return text
    parts, at = [], 0
    for card in cards:
        parts += [text[at:card.start], MASK + card.last4]
        at = card.end
    parts.append(text[at:])
    return "".join(parts)


def mask_within(value: Any) -> Any:
    """`value` (JSON-like: dicts, lists, strings…) with card numbers masked in every string,
    keys included."""
    if isinstance(value, str):
        return mask_cards(value)
    if isinstance(value, dict):
        return {mask_within(k): mask_within(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_within(v) for v in value]
    return value


def reads_as_dates(groups: list[str]) -> bool:
    """The digit groups of a run are only dates, each maybe with a time: d m yyyy or
    yyyy m d, then hh mm [ss]."""
    ends = {0}  # where a date (with its time) may end: group indexes reachable so far
    for i in range(len(groups)):
        three = groups[i:i + 3]
        if i not in ends or len(three) < 3 or not (_dmy(*three) or _dmy(*reversed(three))):
            continue
        ends.add(i + 3)
        ends.update(i + 3 + size for size in (2, 3) if _time(groups[i + 3:i + 3 + size]))
    return bool(groups) and len(groups) in ends


def _dmy(day: str, month: str, year: str) -> bool:
    return (len(day) <= 2 and len(month) <= 2 and len(year) == 4 and 1 <= int(day) <= 31
            and 1 <= int(month) <= 12 and 1900 <= int(year) <= 2099)


def _time(parts: list[str]) -> bool:
    limits = (23, 59, 59)
    return len(parts) in (2, 3) and all(
        len(p) == 2 and int(p) <= limit for p, limit in zip(parts, limits, strict=False))


def _country_code(text: str, start: int, groups: list[tuple[int, int, str]]) -> int:
    """How many leading groups are an international prefix and country code (0 if the
    run is not written as an international phone number)."""
    if _PHONE_PREFIX.search(text, max(start - 2, 0), start) is not None:
        return 1  # +39 …
    return 2 if groups[0][2] == "00" else 0  # 00 39 … (0039 … starts with 0 anyway)


def _windows(groups: list[tuple[int, int, str]], first: int, stop: int) -> list[Card]:
    """Card-like stretches of whole groups from `groups[first:stop]`: 13 to 19 digits,
    Luhn-valid, not from 0."""
    cards = []
    for i in range(first, stop):
        start, _, digits = groups[i]
        if digits[0] == "0":
            continue
        for j in range(i, stop):
            if j > i:
                digits += groups[j][2]
            if len(digits) > MAX_DIGITS:
                break
            if len(digits) >= MIN_DIGITS and _luhn(digits):
                cards.append(Card(start, groups[j][1], digits[-4:]))
    return cards


def _luhn(digits: str) -> bool:
    """Luhn on ASCII digits."""
    odd = sum(map(int, digits[-1::-2]))
    return (odd + sum(map(_DOUBLED.__getitem__, digits[-2::-2]))) % 10 == 0


def _merge(cards: list[Card]) -> list[Card]:
    """Overlapping candidates become one span, keeping the last four digits of the one
    that ends last: nothing of either is left in clear."""
    merged: list[Card] = []
    for card in sorted(cards, key=lambda c: (c.start, c.end)):
        if merged and card.start < merged[-1].end:
            last = merged[-1]
            merged[-1] = (Card(last.start, card.end, card.last4) if card.end >= last.end
                          else last)
        else:
            merged.append(card)
    return merged


def _iban_spans(text: str) -> list[tuple[int, int]]:
    """Where valid IBANs are: the longest prefix of each candidate passing mod 97."""
    spans: list[tuple[int, int]] = []
    candidate = _IBAN.search(text)
    while candidate is not None:
        raw, at = candidate.group(), candidate.start() + 1
        for end in range(len(raw), 14, -1):
            compact = raw[:end].replace(" ", "").upper()
            if 15 <= len(compact) <= 34 and raw[end - 1] != " " and _iban_ok(compact):
                spans.append((candidate.start(), candidate.start() + end))
                at = candidate.start() + end  # the next IBAN may start right after
                break
        candidate = _IBAN.search(text, at)
    return spans


def _iban_ok(compact: str) -> bool:
    moved = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def _ascii(digits: str) -> str:
    return digits if digits.isascii() else "".join(str(int(c)) for c in digits)
