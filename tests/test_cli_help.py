"""`sportello --help` and every subcommand's `--help` speak Italian: argparse's own words are
replaced, and every help text and value placeholder comes from locales/it/cli_help.ftl."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator

import pytest

from benchmarks.__main__ import main as bench_main
from bot.cli import build_parser
from bot.cli_help import METAVARS, SECTIONS
from handlers.i18n import has
from tests.cli_run import sportello

# argparse's English (its section titles, the -h line, usage, choices, errors) and words the
# old help texts used.
ENGLISH = re.compile(r"usage:|positional arguments|optional arguments|\boptions:|show this|"
                     r"help message|\bexit\b|\bdefault\b|\bthe\b|\bof\b|\bwith\b|\bfor\b|"
                     r"\bcustomer\b|\bamount\b|\breference\b|\bonly\b|\berror\b|"
                     r"\b[A-Z]{2,}_[A-Z]+\b(?<!SPORTELLO_TICKET_IDLE_DAYS)")


def prose(out: str) -> str:
    """The help screen without the command's own names: options, commands and choices."""
    commands = {name for path, _ in ALL for name in path}
    out = re.sub(r"--?[a-z][a-z-]*|\{[^}]*\}|sportello( [a-z-]+)*", " ", out)
    return " ".join(w for w in out.split() if w not in commands)


def parsers(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
            ) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every parser of the command tree, with the words that reach it."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from parsers(child, (*path, name))


ALL = list(parsers(build_parser()))


def test_the_tree_is_walked_whole() -> None:
    names = {" ".join(path) for path, _ in ALL}
    assert {"", "demo", "tickets reply", "payments refund", "invoices export", "staff renew",
            "customers show", "mail send", "bench"} <= names
    assert len(names) >= 35


@pytest.mark.parametrize("path", [p for p, _ in ALL], ids=lambda p: " ".join(p) or "sportello")
def test_every_help_screen_is_italian(path: tuple[str, ...]) -> None:
    result = sportello([*path, "--help"])  # bench: its own parser (benchmarks/__main__.py)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("uso: sportello"), out
    assert "mostra questo aiuto ed esce" in out
    assert "opzioni:" in out
    words = prose(out)
    assert ENGLISH.search(words) is None, (ENGLISH.search(words), out)
    assert result.stderr == ""


@pytest.mark.parametrize("path", [p for p, _ in ALL], ids=lambda p: " ".join(p) or "sportello")
def test_every_help_text_and_placeholder_comes_from_the_catalogue(path: tuple[str, ...]
                                                                   ) -> None:
    parser = dict(ALL)[path]
    assert parser.description is None or has(parser.description), parser.description
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        if isinstance(action, argparse._SubParsersAction):  # its commands' lines
            for choice in action._choices_actions:
                assert has(choice.help), (path, choice.dest)
            continue
        assert action.help and has(action.help), (path, action.dest, action.help)
        shows_value = action.nargs != 0 and action.choices is None and action.metavar is None
        if shows_value:  # `--by CHI`: the placeholder is the catalogue's
            assert action.dest in METAVARS, (path, action.dest)
            assert has(METAVARS[action.dest])
    assert all(has(key) for key in SECTIONS.values())


def test_the_benchmarks_parser_is_italian_too(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        bench_main(["--help"])
    out = capsys.readouterr().out
    assert out.startswith("uso: sportello bench") and ENGLISH.search(prose(out)) is None, out


@pytest.mark.parametrize(("args", "line"), [
    (["tickets", "show"], "Manca un argomento obbligatorio: TICKET.\n"),
    (["intent"], "Manca un argomento obbligatorio: TESTO.\n"),
    (["staff", "autorenew", "--by", "anna"], "Manca una delle opzioni: --on --off.\n"),
    (["staff", "autorenew", "--by", "anna", "--on", "--off"],
     "--off non si usa insieme a --on.\n"),
    (["link"], "Manca un argomento obbligatorio: CLIENTE.\n"),
])
def test_argparse_errors_name_arguments_in_italian(args: list[str], line: str) -> None:
    result = sportello(args)
    assert (result.returncode, result.stderr, result.stdout) == (2, line, "")


def test_an_ambiguous_option_is_one_italian_line() -> None:
    result = sportello(["staff", "renew", "--customer", "C001", "--b", "x"])
    assert result.returncode == 2
    assert result.stderr.startswith("Opzione ambigua: --b (può essere "), result.stderr
    assert "could match" not in result.stderr
