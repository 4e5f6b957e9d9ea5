"""`sportello … --help` in Italian: every text of the help screen comes from the catalogue.

The parsers are built with catalogue ids where argparse takes texts (`help=`, `description=`)
and this formatter looks them up when a help screen is printed, so building the parser (every
command does) loads no catalogue. argparse's own words (the «usage:» prefix, the section
titles, the `-h` option) and the placeholders it derives from option names (`--by BY`) are
replaced here as well, from `locales/it/cli_help.ftl`.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from typing import Any

# argparse's section titles (Python 3.10+; «optional arguments» before), as it writes them.
SECTIONS = {"positional arguments": "cli-help-section-positional",
            "options": "cli-help-section-options",
            "optional arguments": "cli-help-section-options"}

# The placeholder shown for each value, by the argument's `dest`: `--by CHI`, `TESTO`.
METAVARS = {
    "db": "cli-metavar-db", "today": "cli-metavar-date", "first": "cli-metavar-date",
    "last": "cli-metavar-date", "customer": "cli-metavar-customer", "text": "cli-metavar-text",
    "webhook_url": "cli-metavar-url", "api_url": "cli-metavar-url",
    "ticket": "cli-metavar-ticket", "by": "cli-metavar-by", "weeks": "cli-metavar-weeks",
    "file": "cli-metavar-file", "order": "cli-metavar-order", "amount": "cli-metavar-amount",
    "fee": "cli-metavar-amount", "bank_ref": "cli-metavar-bank_ref",
    "unapplied": "cli-metavar-unapplied", "note": "cli-metavar-note",
    "invoice": "cli-metavar-invoice", "number": "cli-metavar-document",
    "reason": "cli-metavar-reason", "folder": "cli-metavar-folder",
    "service": "cli-metavar-service", "plan": "cli-metavar-plan",
    "older_than": "cli-metavar-days", "pg_url": "cli-metavar-db", "json": "cli-metavar-path",
    "command": "cli-metavar-command", "action": "cli-metavar-command",
}

# `sportello bench`'s texts (benchmarks/__main__.py builds its own parser).
BENCH = {"description": "cli-help-bench-description", "quick": "cli-help-bench-quick",
         "pg_url": "cli-help-bench-pg_url", "json": "cli-help-bench-json",
         "only": "cli-help-bench-only"}


def _t(key: str, **values: Any) -> str:
    from handlers.i18n import t

    return t(key, **values)


def text_of(key: str | None) -> str | None:
    """A help text: the catalogue's sentence for an id; anything else as it is."""
    from handlers.i18n import has

    return _t(key) if key and has(key) else key


def metavar(dest: str) -> str:
    """The Italian placeholder for an argument's value (`dest` in capitals if none)."""
    key = METAVARS.get(dest)
    return _t(key) if key else dest.upper()


def argument_name(name: str) -> str:
    """A positional argument as argparse names it in an error (`text`), in Italian."""
    return metavar(name) if name in METAVARS and not name.startswith("-") else name


class ItalianHelp(argparse.HelpFormatter):
    """argparse's help screen with the catalogue's words."""

    def add_usage(self, usage: str | None, actions: Iterable[argparse.Action],
                  groups: Iterable[Any], prefix: str | None = None) -> None:
        if prefix is None:
            prefix = _t("cli-help-usage") + " "
        super().add_usage(usage, actions, groups, prefix)

    def start_section(self, heading: str | None) -> None:
        key = SECTIONS.get(heading or "")
        super().start_section(_t(key) if key else text_of(heading))

    def add_text(self, text: str | None) -> None:
        super().add_text(text_of(text) if text != argparse.SUPPRESS else text)

    def _expand_help(self, action: argparse.Action) -> str:
        if isinstance(action, argparse._HelpAction):
            return _t("cli-help-help")
        return text_of(action.help) or ""

    def _metavar_formatter(self, action: argparse.Action,
                           default_metavar: str) -> Any:
        if isinstance(action, argparse._SubParsersAction) and action.metavar is None:
            name = metavar(action.dest)  # «COMANDO», the commands listed below it
            return lambda size: (name,) * size
        return super()._metavar_formatter(action, default_metavar)

    def _get_default_metavar_for_optional(self, action: argparse.Action) -> str:
        return metavar(action.dest)

    def _get_default_metavar_for_positional(self, action: argparse.Action) -> str:
        return metavar(action.dest)


class Subcommands(argparse._SubParsersAction):  # type: ignore[type-arg]
    """Subcommands whose own help screen opens with the line that lists them."""

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser:
        if kwargs.get("help"):
            kwargs.setdefault("description", kwargs["help"])
        return super().add_parser(name, **kwargs)
