"""Validated command-line values and an argument parser that speaks Italian in one line.

Every value a person types is checked here, before anything opens the database: a wrong
one ends the command with exactly one Italian line on standard error and exit code 2
(`BadInput`). argparse's own errors (a missing argument, an unknown option, a wrong
choice) are turned into one Italian line as well, never its usage text.
"""

from __future__ import annotations

import argparse
import re
from datetime import date
from decimal import Decimal
from typing import Any, NoReturn

from core.dates import FIRST_DAY, LAST_DAY, in_bounds
from core.names import has_control, typeable

MAX_ID = 2**31 - 1  # ids are 32-bit integers in the database
MAX_AMOUNT = Decimal("999999999.99")
MAX_BY, MAX_REASON, MAX_TEXT, MAX_CODE, MAX_REF = 64, 500, 4096, 32, 64


def t(key: str, **values: Any) -> str:
    """`handlers.i18n.t`, imported on first use: Fluent and Babel are a good part of the
    start-up of a command that prints no Italian sentence (`sportello intent -`)."""
    from handlers.i18n import t as translate

    return translate(key, **values)


def has(key: str) -> bool:
    """`handlers.i18n.has`, imported on first use (see `t`)."""
    from handlers.i18n import has as known

    return known(key)


class BadInput(Exception):
    """A wrong argument, setting or file: `line` is the one Italian line to print."""

    def __init__(self, line: str) -> None:
        super().__init__(line)
        self.line = line


def shown(value: object, limit: int = 60) -> str:
    """A value quoted in an error line: on one line, invisible characters made visible."""
    text = "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii")
                   for ch in str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _bad(key: str, value: str) -> argparse.ArgumentTypeError:
    return argparse.ArgumentTypeError(t(key, value=shown(value), **{"from": FIRST_DAY},
                                        to=LAST_DAY))


def day(value: str) -> date:
    """`YYYY-MM-DD`, from 2000 to 2099."""
    try:
        parsed = date.fromisoformat(value.strip())
    except ValueError:
        raise _bad("cli-error-bad_date", value) from None
    if not in_bounds(parsed):
        raise _bad("cli-error-bad_date", value)
    return parsed


_AMOUNT = re.compile(r"\d{1,9}(\.\d+)?")


def amount(value: str) -> Decimal:
    """Euro, more than zero, at most two decimals: `12,08`, `12.08`, `1.234,56`."""
    text = value.strip().removeprefix("€").strip()
    if "," in text:  # Italian: the comma is the decimal mark, dots group thousands
        text = text.replace(".", "").replace(",", ".")
    if not _AMOUNT.fullmatch(text):
        raise _bad("cli-args-amount", value)
    parsed = Decimal(text)
    if parsed <= 0 or parsed > MAX_AMOUNT or parsed != parsed.quantize(Decimal("0.01")):
        raise _bad("cli-args-amount", value)
    return parsed.quantize(Decimal("0.01"))


def ident(value: str) -> int:
    """A record number (ticket): a positive integer that fits the database."""
    text = value.strip()
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_ID:
        raise _bad("cli-args-id", value)
    return int(text)


MAX_WEEKS = 104


def weeks(value: str) -> int:
    """`sportello tickets stats --weeks N`: from 1 to 104 weeks."""
    text = value.strip()
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_WEEKS:
        raise argparse.ArgumentTypeError(t("cli-tickets-bad-weeks"))
    return int(text)


def _line(value: str, limit: int, key: str, need_letters: bool = False) -> str:
    text = value.strip()
    if not text or len(text) > limit or has_control(text) or (
            need_letters and not typeable(text)):
        raise _bad(key, value)
    return text


def person(value: str) -> str:
    """Who acts (`--by`): a name on one line, with letters."""
    return _line(value, MAX_BY, "cli-args-by", need_letters=True)


def reason(value: str) -> str:
    """A reason (`--reason`) on one line, with letters."""
    return _line(value, MAX_REASON, "cli-args-reason", need_letters=True)


def code(value: str) -> str:
    """A customer code."""
    return _line(value, MAX_CODE, "cli-args-code", need_letters=True)


def reference(value: str) -> str:
    """A bank reference (CRO/TRN) on one line."""
    return _line(value, MAX_REF, "cli-args-reference")


def message(value: str) -> str:
    """A message for a ticket: not empty, within Telegram's 4,096 characters; lines allowed."""
    text = value.strip()
    if not text or len(text) > MAX_TEXT or has_control(text.replace("\n", " ")):
        raise argparse.ArgumentTypeError(t("cli-args-text", limit=MAX_TEXT))
    return text


_ORDER = re.compile(r"(?:SPT)?-?\s*(\d{1,10})", re.IGNORECASE)
_INVOICE = re.compile(r"(\d{4})/(\d{1,10})")


def order_ref(value: str) -> str:
    """`SPT-000042`, `spt42` or `42`."""
    found = _ORDER.fullmatch(value.strip())
    if not found or not 1 <= int(found.group(1)) <= MAX_ID:
        raise _bad("cli-args-order", value)
    return value.strip()


def invoice_number(value: str) -> str:
    """`2026/000123`."""
    found = _INVOICE.fullmatch(value.strip())
    if (not found or not FIRST_DAY.year <= int(found.group(1)) <= LAST_DAY.year
            or not 1 <= int(found.group(2)) <= MAX_ID):
        raise _bad("cli-args-invoice", value)
    return value.strip()


def url(value: str) -> str:
    """An http(s) address on one line."""
    text = value.strip()
    if not re.fullmatch(r"https?://[^\s/]+\S*", text) or has_control(text):
        raise _bad("cli-args-url", value)
    return text


# argparse's own messages (Python 3.11 to 3.13), turned into one Italian line each.
_ARGUMENT = re.compile(r"argument (?P<name>[^:]+): (?P<rest>.*)", re.DOTALL)
_CHOICE = re.compile(r"invalid choice: '?(?P<value>.*?)'? \(choose from (?P<allowed>.*)\)")
_AMBIGUOUS = re.compile(r"ambiguous option: (?P<what>\S+) could match (?P<allowed>.*)")
_ONE_OF = re.compile(r"one of the arguments (?P<allowed>.*) is required")


def italian(message: str) -> str:
    """The Italian line for one of argparse's error messages."""
    from bot.cli_help import argument_name

    found = _ARGUMENT.fullmatch(message)
    if found is None:
        ambiguous = _AMBIGUOUS.fullmatch(message)
        if ambiguous is not None:
            return t("cli-args-ambiguous", what=shown(ambiguous.group("what")),
                     allowed=shown(ambiguous.group("allowed"), 120))
        one_of = _ONE_OF.fullmatch(message)
        if one_of is not None:
            return t("cli-args-one_of", allowed=shown(one_of.group("allowed"), 120))
        prefix = "the following arguments are required: "
        if message.startswith(prefix):
            names = message.removeprefix(prefix).split(", ")
            return t("cli-args-required", what=shown(", ".join(map(argument_name, names)), 120))
        prefix = "unrecognized arguments: "
        if message.startswith(prefix):
            return t("cli-args-unknown", what=shown(message.removeprefix(prefix), 120))
        return t("cli-args-other", detail=shown(message, 120))
    name, rest = argument_name(found.group("name")), found.group("rest")
    choice = _CHOICE.fullmatch(rest)
    if choice is not None:
        allowed = choice.group("allowed").replace("'", "")
        command = found.group("name") in ("command", "action")
        key = "cli-args-command" if command else "cli-args-choice"
        return t(key, what=name, value=shown(choice.group("value")), allowed=allowed)
    if rest.startswith("expected "):
        return t("cli-args-needs_value", what=name)
    if rest.startswith("ignored explicit argument"):
        return t("cli-args-no_value", what=name)
    if rest.startswith("not allowed with argument "):
        return t("cli-args-exclusive", what=name,
                 value=shown(rest.removeprefix("not allowed with argument ")))
    if rest.startswith("invalid ") and " value: " in rest:
        return t("cli-args-bad_value", what=name, value=shown(rest.split(" value: ")[-1]))
    return shown(rest, 300)  # our own types: already one Italian sentence


class Parser(argparse.ArgumentParser):
    """argparse, but an error is one Italian line (raised as `BadInput`), never usage, and
    its help screen is Italian (`bot.cli_help`): `help=` and `description=` take ids of
    `locales/it/cli_help.ftl`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from bot.cli_help import ItalianHelp, Subcommands

        kwargs.setdefault("formatter_class", ItalianHelp)
        super().__init__(*args, **kwargs)
        self.register("action", "parsers", Subcommands)

    def error(self, message: str) -> NoReturn:
        commands = next((list(action.choices) for action in self._actions
                         if isinstance(action, argparse._SubParsersAction)), None)
        missing = message.removeprefix("the following arguments are required: ")
        if commands and missing != message and missing.split(",")[0] in ("command", "action"):
            raise BadInput(t("cli-args-no_command", what=self.prog, allowed=", ".join(commands)))
        raise BadInput(italian(message))
