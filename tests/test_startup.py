"""Start-up: what each command imports, never how long it takes (figures come from
`benchmarks/startup.py`, not from tests). `sportello intent` imports no Telegram framework,
no aiohttp and no database layer; the database commands import no Telegram framework."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_run import sportello
from tests.test_import_and_cli import cli_db  # noqa: F401 - fixture reused

ROOT = Path(__file__).parent.parent
TELEGRAM = ("telegram", "aiogram", "aiohttp")
DATABASE = ("sqlalchemy", "alembic", "aiosqlite", "asyncpg", "pydantic", "pydantic_settings")


def imported_by(args: list[str], stdin: str = "", **env: str) -> tuple[set[str], str]:
    """The top-level packages a fresh interpreter holds after `main(args)`, and its output."""
    probe = ("import json, sys\n"
             "from bot.cli import main\n"
             f"code = main({args!r})\n"
             "sys.stdout.flush()\n"
             "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})),"
             " file=sys.stderr)\n"
             "raise SystemExit(code)\n")
    done = subprocess.run([sys.executable, "-c", probe], input=stdin, capture_output=True,
                          text=True, cwd=ROOT, timeout=180, env={**os.environ, **env})
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stderr.splitlines()[-1])), done.stdout


def test_intent_imports_neither_telegram_nor_the_database() -> None:
    modules, out = imported_by(["intent", "vorrei rinnovare mariorossi.it"])
    assert out.startswith("Richiesta riconosciuta: rinnovare un servizio (probabilità ")
    assert modules.isdisjoint(TELEGRAM + DATABASE), sorted(modules & {*TELEGRAM, *DATABASE})


def test_intent_from_standard_input_imports_neither() -> None:
    modules, out = imported_by(["intent", "-"], stdin="ciao\nvorrei disdire\n")
    rows = [line.split("\t") for line in out.splitlines()]
    assert [(intent, service) for intent, _, service in rows] == [("greeting", ""), ("cancel", "")]
    assert all(50.0 <= float(score) <= 100.0 for _, score, _ in rows)
    assert modules.isdisjoint(TELEGRAM + DATABASE)


def test_database_commands_import_no_telegram_framework(cli_db: str) -> None:  # noqa: F811
    assert sportello(["demo", "--today", "2026-11-21"],
                     {**os.environ, "SPORTELLO_DATABASE_URL": cli_db}).returncode == 0
    for args in (["tickets", "list"], ["intent", "rinnova", "--customer", "C001"]):
        modules, _ = imported_by(args, SPORTELLO_DATABASE_URL=cli_db)
        assert "sqlalchemy" in modules
        assert modules.isdisjoint(TELEGRAM), (args, sorted(modules & set(TELEGRAM)))


def test_intent_reads_one_message_a_line(cli_db: str) -> None:  # noqa: F811
    """`sportello intent -`: a line out for every line in, blank ones too, so the answers
    can be pasted next to the phrases."""
    env = {**os.environ, "SPORTELLO_DATABASE_URL": cli_db}
    assert sportello(["demo", "--today", "2026-11-21"], env).returncode == 0
    phrases = "vorrei rinovare mariorossi.it\n\nvoglio parlare con un operatore\r\nciao"
    done = sportello(["intent", "-", "--customer", "C001"], env, stdin=phrases)
    assert done.returncode == 0, done.stderr
    rows = [line.split("\t") for line in done.stdout.splitlines()]
    assert [len(row) for row in rows] == [3, 3, 3, 3]
    assert [row[0] for row in rows] == ["renew", "unknown", "operator", "greeting"]
    assert [row[2] for row in rows] == ["mariorossi.it", "", "", ""]
    assert all(0.0 <= float(row[1]) <= 100.0 for row in rows)
    unknown = sportello(["intent", "-", "--customer", "C999"], env, stdin="ciao\n")
    assert unknown.returncode == 1 and unknown.stderr == "Cliente C999 non trovato.\n"


@pytest.mark.parametrize("args", [["intent", ""], ["intent", "ciao", "--customer", "C0\n1"]])
def test_intent_bad_input_is_one_line(args: list[str]) -> None:
    done = sportello(args)
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1 and not done.stdout
