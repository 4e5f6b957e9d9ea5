"""What the command line says when something is not found, and how `sportello intent` reads
a message: Italian, with the customer's code and name where known, never an internal id."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.cli import INTENT_NAMES, _not_found_line
from core.errors import NotFound
from tests.cli_run import sportello
from tests.test_import_and_cli import cli_db, run  # noqa: F401 - fixture reused

ENGLISH = re.compile(r"\b(entity|code|customer|service|order|quote|id|not found|Intento|"
                     r"renew|unknown|operator)\b")


@pytest.mark.parametrize(("facts", "line"), [
    ({"entity": "customer", "code": "C999"}, "Cliente C999 non trovato."),
    ({"entity": "customer", "id": 41}, "Cliente non trovato."),
    ({"entity": "customers"}, "Nessun cliente nel database: importali con «sportello import "
                              "FILE»."),
    ({"entity": "service", "id": 12}, "Servizio non trovato (forse è stato eliminato)."),
    ({"entity": "service", "code": "x.it", "customer": "C001", "customer_name": "Mario Rossi"},
     "Servizio x.it non trovato tra quelli del cliente C001 · Mario Rossi."),
    ({"entity": "quote", "id": 5}, "Preventivo non trovato o non più valido: calcolane uno "
                                   "nuovo."),
    ({"entity": "order", "id": 7}, "Ordine SPT-000007 non trovato."),
    ({"entity": "order", "id": [7, 8]}, "Ordine SPT-000007, SPT-000008 non trovato."),
    ({"entity": "order", "ref": "spt42"}, "Ordine spt42 non trovato."),
    ({"entity": "ticket", "id": 9}, "Ticket n. 9 non trovato."),
    ({"entity": "plan", "code": "NOPE"}, "Piano NOPE non trovato."),
    ({"entity": "invoice", "number": "2026/000009"}, "Fattura 2026/000009 non trovata."),
    ({"entity": "unapplied", "id": 3}, "Pagamento non applicato n. 3 non trovato."),
    ({"entity": "gadget", "id": 3}, "Non trovato: nulla è stato modificato."),
])
def test_not_found_lines(facts: dict[str, object], line: str) -> None:
    assert _not_found_line(NotFound(**facts)) == line


def test_through_the_commands(cli_db: str) -> None:  # noqa: F811
    assert run("demo", "--today", "2026-11-21", db=cli_db).returncode == 0
    cases = [
        (["customers", "show", "C999"], "Cliente C999 non trovato.\n"),
        (["link", "C999"], "Cliente C999 non trovato.\n"),
        (["staff", "renew", "--customer", "C001", "--service", "nessuno.it", "--by", "anna"],
         "Servizio nessuno.it non trovato tra quelli del cliente C001 · Mario Rossi.\n"),
        (["payments", "register", "--customer", "C001", "--service", "nessuno.it",
          "--amount", "10", "--by", "anna"],
         "Servizio nessuno.it non trovato tra quelli del cliente C001 · Mario Rossi.\n"),
        (["staff", "quote", "--customer", "C001", "--service", "mariorossi.it",
          "--plan", "NOPE", "--by", "anna"], "Piano NOPE non trovato.\n"),
    ]
    for args, line in cases:
        result = sportello([*args, "--db", cli_db, "--today", "2026-11-21"])
        assert (result.returncode, result.stderr) == (1, line), args
        assert ENGLISH.search(result.stderr) is None


def test_intent_reads_in_italian(cli_db: str) -> None:  # noqa: F811
    assert run("demo", "--today", "2026-11-21", db=cli_db).returncode == 0
    result = sportello(["intent", "vorrei rinnovare mariorossi.it", "--customer", "C001",
                        "--db", cli_db])
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Richiesta riconosciuta: rinnovare un servizio (probabilità ")
    assert lines[1].startswith("Seconda ipotesi: ")
    assert lines[2] == "Servizio nominato: mariorossi.it"
    assert ENGLISH.search(result.stdout) is None, result.stdout
    nothing = sportello(["intent", "qwertyuiop"])
    assert nothing.stdout.splitlines()[0] == ("Richiesta riconosciuta: nessuna, il messaggio "
                                              "non è stato capito")


def test_every_intent_has_an_italian_name() -> None:
    intents = yaml.safe_load((Path(__file__).parent.parent / "locales" / "it" / "intents.yaml")
                             .read_text("utf-8"))["intents"]
    assert set(intents) | {"unknown"} <= set(INTENT_NAMES)
