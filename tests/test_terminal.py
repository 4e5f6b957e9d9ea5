"""`sportello chat` driven through standard input, as a script would."""

from __future__ import annotations

import io

from bot.terminal import chat, to_incoming
from core.app import Sportello
from handlers.engine import Engine
from handlers.ui import Button, Incoming
from tests.cli_run import sportello
from tests.test_import_and_cli import cli_db, run  # noqa: F401 - fixture reused


def test_scripted_renewal_through_the_real_command(cli_db: str) -> None:  # noqa: F811
    """The subprocess smoke test of the command line: `python -m bot chat` as a person
    runs it (the other CLI tests call main(argv) in process, tests/cli_run.py)."""
    # Rinnova ora's summary: Durata 1-5 anni [1-5], Rinnovo automatico [6], Accetto le
    # condizioni generali [7], Carta di credito [8]; then Accetto [1], Procedi [1].
    script = "\n".join(["1", "2", "1", "8", "1", "1", "4242 4242 4242 4242", "/esci"])
    result = run_process(["chat", "--today", "2026-11-21"], script, cli_db)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("Ciao Mario! Sono Sportello")
    assert "[1] I miei prodotti  [2] Rinnova" in out
    assert "> 4242 4242 4242 4242" in out
    assert "Pagamento riuscito: € 12,08. Fattura n. 2026/000001." in out
    assert "• mariorossi.it rinnovato fino all'11 dicembre 2027" in out


def test_chat_as_another_customer_and_unknown_customer(cli_db: str) -> None:  # noqa: F811
    result = run_with_input(["chat", "--today", "2026-11-21", "--customer", "C002"],
                            "1\n", cli_db)
    assert "Ciao Giulia!" in result.stdout and "srv-bianchi-db" in result.stdout
    missing = run_with_input(["chat", "--customer", "C999"], "", cli_db)
    assert missing.returncode == 1 and missing.stderr == "Cliente C999 non trovato.\n"


def test_intent_command_prints_the_reading(cli_db: str) -> None:  # noqa: F811
    assert run("demo", "--today", "2026-11-21", db=cli_db).returncode == 0
    result = run("intent", "vorrei rinovare mariorossi.it", "--customer", "C001", db=cli_db)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Richiesta riconosciuta: rinnovare un servizio (probabilità ")
    assert lines[1].startswith("Seconda ipotesi: ")
    assert lines[2] == "Servizio nominato: mariorossi.it"


def test_button_numbers_labels_and_commands() -> None:
    buttons = [Button("I miei prodotti", "tok1"), Button("Rinnova", "tok2")]
    assert to_incoming("c", "2", buttons) == Incoming("c", payload="tok2")
    assert to_incoming("c", "  rinnova ", buttons) == Incoming("c", payload="tok2")
    assert to_incoming("c", "/annulla", buttons) == Incoming("c", command="annulla")
    assert to_incoming("c", "/start ABC", buttons) == Incoming("c", command="start",
                                                              argument="ABC")
    assert to_incoming("c", "3", buttons) == Incoming("c", text="3")
    assert to_incoming("c", "rinnova mariorossi.it", buttons).text == "rinnova mariorossi.it"


async def test_chat_loop_reads_until_end_of_input(demo: Sportello) -> None:
    customer = await demo.customer_by_code("C001")
    out = io.StringIO()
    source = io.StringIO("1\nciao\n")
    assert await chat(Engine(demo), customer.id, "term:test", source, out) == 0
    text = out.getvalue()
    assert "I miei prodotti\n• mario.rossi@pec.it" in text
    assert text.count("Cosa vuoi fare?") >= 2


def run_with_input(args: list[str], stdin: str, db: str):  # type: ignore[no-untyped-def]
    import os

    return sportello(args, {**os.environ, "SPORTELLO_DATABASE_URL": db}, stdin=stdin)


def run_process(args: list[str], stdin: str, db: str):  # type: ignore[no-untyped-def]
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "SPORTELLO_DATABASE_URL": db}
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin,
                          capture_output=True, text=True, env=env, timeout=120,
                          cwd=Path(__file__).parent.parent)
