"""Card numbers in any text are found and masked; numbers that are not cards are left alone
(`core/cards.py`)."""

from __future__ import annotations

import string
import sys
import unicodedata
import uuid
from datetime import date
from decimal import Decimal

from babel.numbers import format_currency
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from core.cards import MASK, SEPARATORS, find_card, find_cards, luhn_ok, mask_cards

# Every Unicode decimal digit, by value: a card may be typed in any script.
DIGITS: dict[int, list[str]] = {}
for code in range(sys.maxunicode + 1):
    if unicodedata.category(chr(code)) == "Nd":
        DIGITS.setdefault(unicodedata.decimal(chr(code)), []).append(chr(code))


def only_digits(text: str) -> str:
    return "".join(str(int(c)) for c in text if c.isdecimal())


def check_digit(body: str) -> str:
    for last in "0123456789":
        if luhn_ok(body + last):
            return last
    raise AssertionError("unreachable")


@st.composite
def luhn_numbers(draw, valid: bool = True) -> str:  # type: ignore[no-untyped-def]
    """13 to 19 ASCII digits, not starting with 0, Luhn-valid (or not, with valid=False)."""
    size = draw(st.integers(13, 19))
    body = draw(st.sampled_from("123456789")) + "".join(
        draw(st.lists(st.sampled_from("0123456789"), min_size=size - 2, max_size=size - 2)))
    last = check_digit(body)
    if not valid:
        last = draw(st.sampled_from([d for d in "0123456789" if d != last]))
    return body + last


@st.composite
def written(draw, digits: str) -> str:  # type: ignore[no-untyped-def]
    """`digits` as someone may type them: any script per digit, any separators between."""
    scripts = draw(st.sampled_from(["ascii", "one", "mixed"]))
    one = draw(st.integers(0, len(DIGITS[0]) - 1))
    out = []
    for i, digit in enumerate(digits):
        choices = DIGITS[int(digit)]
        if scripts == "ascii":
            out.append(digit)
        elif scripts == "one":
            out.append(choices[one % len(choices)])
        else:
            out.append(draw(st.sampled_from(choices)))
        if i < len(digits) - 1 and draw(st.integers(0, 3)) == 0:
            out.append(draw(st.text(st.sampled_from(SEPARATORS), min_size=1, max_size=3)))
    return "".join(out)


@st.composite
def cards_in_text(draw) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    number = draw(luhn_numbers())
    typed = draw(written(number))
    before, after = draw(st.text(max_size=30)), draw(st.text(max_size=30))
    # The card stands as its own number: no digit, separator, "+" or letter of an
    # identifier glued to it.
    glued = SEPARATORS + string.ascii_letters + "_"
    assume(not before or not (before[-1].isdecimal() or before[-1] in glued + "+"))
    assume(not after or not (after[0].isdecimal() or after[0] in glued))
    return number, before + typed + after


@settings(max_examples=600, deadline=None)
@given(cards_in_text())
@example(("4242424242424242", "carta 4242 4242 4242 4242 grazie"))
@example(("4242424242424242", "٤٢٤٢ ٤٢٤٢ ٤٢٤٢ ٤٢٤٢"))
@example(("4242424242424242", "４２４２－４２４２－４２４２－４２４２"))
@example(("4000000000000002", "la 4000.0000.0000.0002, scade il 12/27"))
def test_any_card_number_in_any_text_is_masked(case: tuple[str, str]) -> None:
    number, text = case
    masked = mask_cards(text)
    assert number not in only_digits(masked)
    assert MASK + number[-4:] in masked
    assert find_card(masked) is None  # nothing card-like is left
    assert mask_cards(masked) == masked


@settings(max_examples=200, deadline=None)
@given(luhn_numbers(), st.sampled_from([" 12/27 123", " 12 27 123", " scad. 12-27 cvv 123",
                                        "-12-27-123", " 1227"]),
       st.sampled_from(["", "ordine 12 ", "n. 3 ", "1 "]))
def test_a_card_with_its_expiry_and_code_or_a_number_before_is_masked(
        number: str, tail: str, head: str) -> None:
    spaced = " ".join(number[i:i + 4] for i in range(0, len(number), 4))
    masked = mask_cards(f"{head}{spaced}{tail}")
    # Masked whole; the four digits shown may end in the expiry when card and expiry
    # together happen to pass Luhn too (one time in ten): nothing of the card is lost.
    assert number not in only_digits(masked) and MASK in masked


@settings(max_examples=300, deadline=None)
@given(luhn_numbers(valid=False), st.booleans())
def test_numbers_failing_luhn_are_left_alone(number: str, grouped: bool) -> None:
    if grouped:  # in groups of four, at most 16 digits: no shorter stretch of 13 to check
        number = " ".join(number[:16][i:i + 4] for i in range(0, 16, 4))
        assume(not luhn_ok(number.replace(" ", "")))
    text = f"il numero è {number}, grazie"
    assert mask_cards(text) == text and find_cards(text) == []


@st.composite
def phone_numbers(draw) -> str:  # type: ignore[no-untyped-def]
    country = str(draw(st.integers(1, 999)))
    national = str(draw(st.integers(10 ** 5, 10 ** 12 - 1)))
    sep = draw(st.sampled_from([" ", "-", ".", ""]))
    cut = draw(st.integers(1, len(national) - 1))
    grouped = f"{national[:cut]}{sep}{national[cut:]}"
    prefix = draw(st.sampled_from(["+", "+ ", "00", "00 "]))
    return draw(st.sampled_from([f"{prefix}{country} {grouped}", f"{prefix}{country}{national}",
                                 f"0{national[:10]}", f"3{national[:9]}"]))


@settings(max_examples=400, deadline=None)
@given(phone_numbers(), st.sampled_from(["chiamatemi al {}", "{}", "tel. {} (ore 9-18)"]))
def test_phone_numbers_are_left_alone(phone: str, sentence: str) -> None:
    text = sentence.format(phone)
    assert mask_cards(text) == text


IBAN_LENGTHS = {"IT": 27, "SM": 27, "FR": 27, "DE": 22, "GB": 22, "ES": 24, "NL": 18,
                "BE": 16, "CH": 21, "AT": 20, "PL": 28, "PT": 25}


def iban(country: str, bban: str) -> str:
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    return f"{country}{98 - int(numeric) % 97:02d}{bban}"


@st.composite
def ibans(draw) -> str:  # type: ignore[no-untyped-def]
    country = draw(st.sampled_from(sorted(IBAN_LENGTHS)))
    size = IBAN_LENGTHS[country] - 4
    letters = draw(st.booleans())
    head = draw(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) if letters else ""
    tail = draw(st.text(st.sampled_from("0123456789"), min_size=size - len(head),
                        max_size=size - len(head)))
    compact = iban(country, head + tail)
    style = draw(st.sampled_from(["compact", "groups", "lower"]))
    if style == "groups":
        return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))
    return compact.lower() if style == "lower" else compact


@settings(max_examples=400, deadline=None)
@given(ibans(), st.sampled_from(["IBAN {}", "ho pagato dal conto {}.", "{}"]))
@example("IT60X0542811101000000123456", "IBAN {}")
@example("IT60 X054 2811 1010 0000 0123 456", "IBAN {}")
@example("DE89 3704 0044 0532 0130 00", "{}")
def test_ibans_are_left_alone(account: str, sentence: str) -> None:
    text = sentence.format(account)
    assert mask_cards(text) == text


def test_a_card_next_to_an_iban_is_masked_and_the_iban_kept() -> None:
    text = "IBAN IT60 X054 2811 1010 0000 0123 456 e carta 4242 4242 4242 4242"
    assert mask_cards(text) == ("IBAN IT60 X054 2811 1010 0000 0123 456 e carta "
                                "•••• •••• •••• 4242")
    glued = "IT60X0542811101000000123456 4242 4242 4242 4242"
    assert mask_cards(glued) == "IT60X0542811101000000123456 •••• •••• •••• 4242"


@st.composite
def dates_written(draw) -> str:  # type: ignore[no-untyped-def]
    day = draw(st.dates(date(1950, 1, 1), date(2099, 12, 31)))
    sep = draw(st.sampled_from(["/", "-", ".", " "]))
    style = draw(st.sampled_from(["dmy", "ymd", "dmy0"]))
    if style == "ymd":
        text = f"{day.year}{sep}{day.month:02d}{sep}{day.day:02d}"
    elif style == "dmy0":
        text = f"{day.day:02d}{sep}{day.month:02d}{sep}{day.year}"
    else:
        text = f"{day.day}{sep}{day.month}{sep}{day.year}"
    if draw(st.booleans()):
        hour, minute = draw(st.integers(0, 23)), draw(st.integers(0, 59))
        text += draw(st.sampled_from([f" {hour:02d}.{minute:02d}", f" {hour:02d}:{minute:02d}",
                                      f" {hour:02d}.{minute:02d}.{minute:02d}"]))
    return text


@settings(max_examples=400, deadline=None)
@given(st.lists(dates_written(), min_size=1, max_size=3),
       st.sampled_from([" - ", " – ", ", ", " al ", " ", "-"]))
def test_dates_and_date_ranges_are_left_alone(days: list[str], joiner: str) -> None:
    text = f"dal {joiner.join(days)}"
    assert mask_cards(text) == text


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 999_999), st.decimals(min_value=0, max_value=Decimal("999999999.99"),
                                            places=2))
def test_order_references_and_amounts_are_left_alone(order: int, amount: Decimal) -> None:
    price = format_currency(amount, "EUR", locale="it_IT")
    plain = f"{amount:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    text = f"Ordine SPT-{order:06d}, importo {price} ({plain} €), fattura 2026/{order:06d}"
    assert mask_cards(text) == text


def test_the_mask_keeps_only_the_last_four_digits() -> None:
    assert mask_cards("4242 4242 4242 4242") == "•••• •••• •••• 4242"
    assert mask_cards("a 378282246310005 b") == "a •••• •••• •••• 0005 b"  # 15 digits (Amex)
    assert mask_cards("6011111111111117 e 5555555555554444") == (
        "•••• •••• •••• 1117 e •••• •••• •••• 4444")
    card = find_card("carta: 4111-1111-1111-1111.")
    assert card is not None and (card.start, card.end, card.last4) == (7, 26, "1111")
    assert mask_cards("") == "" and find_card("nessun numero") is None


@settings(max_examples=300, deadline=None)
@given(st.text(string.ascii_letters + string.digits + "_", min_size=13, max_size=40))
@example("3f9a42424242424242424242b")
@example(uuid.UUID("4242e242-4242-4242-8242-424242424242").hex)
def test_identifiers_of_letters_and_digits_are_left_alone(identifier: str) -> None:
    """Hex ids (a quote's, in the audit log), codes: every digit run touches a letter."""
    assume(any(c.isalpha() or c == "_" for c in identifier))
    text = f"quote_id={identifier}"
    assert mask_cards(text) == text
