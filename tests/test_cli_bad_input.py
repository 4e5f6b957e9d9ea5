"""Every bad input on the command line: exactly one Italian line on standard error, exit
code 2, no traceback, and the database exactly as it was.

The cases run through `main(argv)` in this process, each with its own environment and
standard streams (tests/cli_run.py), against a database holding real work (the demo, a
paid renewal with its fattura, a ticket, the sweep's notices). A closed standard output and
Ctrl-C in the chat need a real process and have their own tests.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from core.app import Sportello
from core.db import create_engine
from tests.cli_run import sportello
from tests.helpers import ACCEPTED

ROOT = Path(__file__).parent.parent
TABLES = ("plans", "customers", "services", "orders", "order_lines", "invoices", "payments",
          "tickets", "ticket_messages", "audit_log", "notices", "unapplied_payments")
# argparse's English, or a Python error, must never reach the person at the terminal.
ENGLISH = re.compile(r"usage: |error: |\b(invalid|argument|required|expected|the following|"
                     r"Exception|Error)\b")


async def checksum(engine: AsyncEngine) -> dict[str, tuple[int, str]]:
    """Rows and a hash of their content, per business table."""
    result = {}
    async with engine.connect() as conn:
        for table in TABLES:
            rows = (await conn.execute(text(f"SELECT * FROM {table} ORDER BY id"))).all()
            digest = hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()
            result[table] = (len(rows), digest)
    return result


@pytest.fixture
async def busy(demo: Sportello) -> AsyncIterator[Sportello]:
    """The demo with work done on it: a renewal paid by transfer (order, payment, fattura),
    a ticket with a reply, and the day's sweep (notices, audit entries)."""
    mario = await demo.customer_by_code("C001")
    service = next(s for s in await demo.list_services(mario.id) if s.name == "mariorossi.it")
    quote = await demo.quote_renewal(mario.id, [service.id])
    order = (await demo.checkout(mario.id, quote.id, "bonifico", terms=ACCEPTED)).order
    await demo.register_payment(order.reference, order.total, "anna")
    ticket = await demo.open_ticket(mario.id, "altro", "Una domanda sulla fattura")
    from core.context import Actor

    await demo.add_ticket_message(ticket.id, "Risposta del supporto", Actor.support("anna"))
    await demo.run_lifecycle()
    yield demo


# Read once, at import: the in-process CLI runs set and restore SPORTELLO_* variables in
# worker threads, and iterating os.environ while another thread changes it raises KeyError.
BASE_ENV = {k: v for k, v in os.environ.items()
            if not k.startswith("SPORTELLO_") or k == "SPORTELLO_TEST_DATABASE_URL"}


def environment(db: str, **extra: str) -> dict[str, str]:
    env = dict(BASE_ENV)
    return {**env, "SPORTELLO_DATABASE_URL": db, **extra}


@dataclass
class Case:
    name: str
    args: list[str]
    env: dict[str, str] = field(default_factory=dict)
    file: str | bytes | None = None  # written to {file} before the run


def alias_bomb() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for name, previous in zip("bcdefghi", "abcdefgh", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


PLAN = "plans:\n  - {code: P1, name: Piano Uno, category: hosting, price: '10.00'}\n"
CUSTOMER = "customers:\n  - {code: C900, name: Anna Verdi}\n"


def service(**fields: str) -> str:
    values = {"customer": "C900", "plan": "P1", "name": "annaverdi.it",
              "expires_on": "2027-03-01", **fields}
    return PLAN + CUSTOMER + "services:\n  - {" + ", ".join(
        f"{k}: {v}" for k, v in values.items()) + "}\n"


PAY = ["payments", "register", "SPT-000001", "--by", "anna", "--amount"]
NOTE = ["invoices", "credit-note", "2026/000001", "--by", "anna", "--reason", "rimborso",
        "--amount"]
REPLY = ["tickets", "reply", "1", "Grazie"]

CASES = [
    # argparse itself
    Case("no command", []),
    Case("unknown command", ["frobnicate"]),
    Case("tickets without action", ["tickets"]),
    Case("unknown option", ["demo", "--colore", "blu"]),
    Case("option without value", ["demo", "--today"]),
    Case("flag with a value", ["tickets", "list", "--all=si"]),
    Case("unknown policy", ["demo", "--policy", "a-caso"]),
    Case("unknown framework", ["run", "--framework", "flask"]),
    Case("missing ticket id", ["tickets", "show"]),
    Case("missing --by", ["tickets", "close", "1"]),
    Case("extra argument", ["lifecycle", "oggi"]),
    Case("benchmark part unknown", ["bench", "--only", "nulla"]),
    # dates
    Case("date not ISO", ["demo", "--today", "21/11/2026"]),
    Case("date in year 9999", ["demo", "--today", "9999-12-31"]),
    Case("date before 2000", ["lifecycle", "--today", "1999-12-31"]),
    Case("date that does not exist", ["lifecycle", "--today", "2026-02-30"]),
    # ids
    Case("ticket id not a number", ["tickets", "show", "abc"]),
    Case("ticket id overflows", ["tickets", "show", "99999999999999999999"]),
    Case("ticket id negative", ["tickets", "show", "-1"]),
    Case("ticket id zero", ["tickets", "close", "0", "--by", "anna"]),
    Case("order reference overflows", ["payments", "register", "SPT-99999999999",
                                       "--amount", "1", "--by", "anna"]),
    Case("order reference garbage", ["payments", "register", "ordine-42",
                                     "--amount", "1", "--by", "anna"]),
    Case("invoice number overflows", ["invoices", "credit-note", "2026/99999999999",
                                      "--amount", "1", "--by", "anna", "--reason", "x y"]),
    Case("invoice number garbage", ["invoices", "credit-note", "fattura-1",
                                    "--amount", "1", "--by", "anna", "--reason", "x y"]),
    # money kept as unapplied
    Case("unapplied number garbage", ["payments", "apply", "uno", "--order", "SPT-000001",
                                      "--by", "anna"]),
    Case("unapplied number overflows", ["payments", "refund", "99999999999999999999",
                                        "--by", "anna", "--note", "CRO 1"]),
    Case("apply without --order", ["payments", "apply", "1", "--by", "anna"]),
    Case("apply to an order reference garbage", ["payments", "apply", "1", "--order",
                                                 "ordine-1", "--by", "anna"]),
    Case("refund with an empty note", ["payments", "refund", "1", "--by", "anna",
                                       "--note", "  "]),
    Case("refund with an empty --by", ["payments", "refund", "1", "--by", "", "--note",
                                       "CRO 1"]),
    Case("list with a value", ["payments", "list", "--unapplied=si"]),
    Case("bank reference with a line break", [*PAY[:-1], "--bank-ref", "CRO\n1",
                                              "--amount", "12,08"]),
    # amounts
    Case("amount NaN", [*PAY, "NaN"]),
    Case("amount Infinity", [*PAY, "Infinity"]),
    Case("amount negative", [*PAY, "-12,08"]),
    Case("amount zero", [*PAY, "0"]),
    Case("amount with three decimals", [*PAY, "12,085"]),
    Case("amount overflows", [*PAY, "99999999999999999999"]),
    Case("amount in exponent form", [*PAY, "1e30"]),
    Case("amount not a number", [*PAY, "dodici"]),
    Case("credit note of zero", [*NOTE, "0,00"]),
    Case("credit note of NaN", [*NOTE, "nan"]),
    # who and why
    Case("empty --by", [*REPLY, "--by", ""]),
    Case("blank --by", [*REPLY, "--by", "   "]),
    Case("--by with a line break", [*REPLY, "--by", "anna\n[1] Paga ora"]),
    Case("--by of punctuation only", ["tickets", "close", "1", "--by", "---"]),
    Case("empty credit-note reason", ["invoices", "credit-note", "2026/000001", "--amount",
                                      "1", "--by", "anna", "--reason", ""]),
    Case("blank credit-note reason", ["invoices", "credit-note", "2026/000001", "--amount",
                                      "1", "--by", "anna", "--reason", "  "]),
    Case("empty ticket reply", ["tickets", "reply", "1", " ", "--by", "anna"]),
    Case("customer code with a line break", ["link", "C001\nC002"]),
    Case("webhook URL not https", ["run", "--webhook-url", "ftp://example.it/x"]),
    # the database URL
    Case("database scheme unknown", ["demo", "--db", "foo://bar"]),
    Case("database of another kind", ["demo", "--db", "mysql+aiomysql://u@localhost/db"]),
    Case("database driver synchronous", ["demo", "--db", "postgresql://u@localhost/db"]),
    Case("database URL empty", ["demo", "--db", ""]),
    Case("database URL not a URL", ["demo", "--db", "non è un indirizzo"]),
    Case("database folder missing", ["demo", "--db", "sqlite+aiosqlite:///{tmp}/nope/x.db"]),
    Case("database is a text file", ["demo", "--db", "sqlite+aiosqlite:///{file}"],
         file="non sono un database\n"),
    Case("database is a folder", ["demo", "--db", "sqlite+aiosqlite:///{tmp}"]),
    # settings
    Case("VAT negative", ["lifecycle"], env={"SPORTELLO_VAT_RATE": "-0.22"}),
    Case("VAT over 50%", ["lifecycle"], env={"SPORTELLO_VAT_RATE": "1.5"}),
    Case("VAT NaN", ["lifecycle"], env={"SPORTELLO_VAT_RATE": "NaN"}),
    Case("VAT five decimals", ["lifecycle"], env={"SPORTELLO_VAT_RATE": "0.22001"}),
    Case("recovery days negative", ["lifecycle"], env={"SPORTELLO_RECOVERY_DAYS": "-5"}),
    Case("reminder days garbage", ["lifecycle"], env={"SPORTELLO_REMINDER_DAYS": "trenta"}),
    Case("reminder days negative", ["lifecycle"], env={"SPORTELLO_REMINDER_DAYS": "30,-7"}),
    Case("reminder days broken JSON", ["lifecycle"], env={"SPORTELLO_REMINDER_DAYS": "[30,"}),
    Case("policy unknown", ["lifecycle"], env={"SPORTELLO_POLICY": "a-caso"}),
    Case("sweep hour 25", ["lifecycle"], env={"SPORTELLO_SWEEP_HOUR": "25"}),
    Case("tacit renewal not a boolean", ["lifecycle"], env={"SPORTELLO_TACIT_RENEWAL": "forse"}),
    Case("database URL from the environment", ["lifecycle"],
         env={"SPORTELLO_DATABASE_URL": "sqlite:///x.db"}),
    # import files
    Case("import: file missing", ["import", "{tmp}/nessuno.yaml"]),
    Case("import: a folder", ["import", "{tmp}"]),
    Case("import: not UTF-8", ["import", "{file}"], file=b"plans: [\xff\xfe]\n"),
    Case("import: over 5 MB", ["import", "{file}"], file="# riempitivo\n" * 500_000),
    Case("import: YAML alias bomb", ["import", "{file}"], file=alias_bomb()),
    Case("import: nested too deep", ["import", "{file}"], file="[" * 5000 + "]" * 5000),
    Case("import: expiry in 9999", ["import", "{file}"], file=service(expires_on="9999-12-31")),
    Case("import: expiry in year 1", ["import", "{file}"],
         file=service(expires_on="0001-06-01")),
    Case("import: service name with a line break", ["import", "{file}"],
         file=service(name='"riga1\\n[1] Paga ora"')),
    Case("import: holder named ---", ["import", "{file}"],
         file=PLAN + "customers:\n  - {code: C900, name: '---'}\n"),
    Case("import: negative limit", ["import", "{file}"],
         file="plans:\n  - {code: P1, name: Uno, category: vps, price: 1, "
              "limits: {mailboxes: -1}}\n"),
    Case("import: negative usage", ["import", "{file}"], file=service(usage="{mailboxes: -3}")),
    Case("import: key written twice", ["import", "{file}"],
         file="plans:\n  - {code: P1, name: Uno, category: vps, price: 1, price: 2}\n"),
    Case("import: unknown plan", ["import", "{file}"], file=service(plan="P-NESSUNO")),
    Case("import: YAML syntax", ["import", "{file}"], file="plans: [\n  {code: P1\n"),
    Case("import: status unknown", ["import", "{file}"], file=service(status="pagato")),
    Case("import: price NaN", ["import", "{file}"],
         file="plans:\n  - {code: P1, name: Uno, category: vps, price: .nan}\n"),
]


def materialise(case: Case, index: int, tmp: Path) -> list[str]:
    path = tmp / f"case-{index}.txt"
    if isinstance(case.file, bytes):
        path.write_bytes(case.file)
    elif case.file is not None:
        path.write_text(case.file, encoding="utf-8")
    return [a.replace("{tmp}", str(tmp)).replace("{file}", str(path)) for a in case.args]


async def run_cli(args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    done = await asyncio.to_thread(sportello, args, env)
    return done.returncode, done.stdout, done.stderr


def test_the_table_has_at_least_fifty_cases() -> None:
    assert len(CASES) >= 50
    assert len({c.name for c in CASES}) == len(CASES)


async def test_every_bad_input_is_one_italian_line_exit_2_and_changes_nothing(
        busy: Sportello, database_url: str, tmp_path: Path) -> None:
    engine = create_engine(database_url)
    try:
        before = await checksum(engine)
        assert before["invoices"][0] >= 1 and before["notices"][0] >= 1
        async def one(index: int, case: Case) -> str | None:
            args = materialise(case, index, tmp_path)
            code, out, err = await run_cli(args, environment(database_url, **case.env))
            lines = err.splitlines()
            problems = []
            if code != 2:
                problems.append(f"exit {code}")
            if len(lines) != 1 or not lines[0].strip():
                problems.append(f"{len(lines)} lines on stderr")
            if "Traceback" in err or ENGLISH.search(err):
                problems.append("English or a traceback")
            if out:
                problems.append("output on stdout")
            return f"{case.name}: {', '.join(problems)}\n{err}" if problems else None

        failures = [f for f in await asyncio.gather(
            *(one(i, c) for i, c in enumerate(CASES))) if f]
        assert failures == []
        assert await checksum(engine) == before
        assert not (tmp_path / "nope").exists()  # a missing folder is refused, never made
    finally:
        await engine.dispose()


async def test_settings_in_their_range_are_accepted(busy: Sportello, database_url: str) -> None:
    """The forms the README documents work: `30,7,1` and JSON for the reminder days."""
    for extra in ({"SPORTELLO_REMINDER_DAYS": "30,7,1"},
                  {"SPORTELLO_REMINDER_DAYS": "[30, 7, 1]"},
                  {"SPORTELLO_VAT_RATE": "0.1", "SPORTELLO_RECOVERY_DAYS": "0"}):
        code, out, err = await run_cli(["lifecycle", "--today", "2026-11-21"],
                                       environment(database_url, **extra))
        assert code == 0, err
        assert out.startswith("Ciclo di vita del 21 novembre 2026")


def test_a_closed_standard_output_ends_quietly(database_url: str) -> None:
    """`sportello demo | head -1`: the reader went away, the command ends without a word."""
    read, write = os.pipe()
    os.close(read)  # nobody will ever read: every write fails with EPIPE
    try:
        result = subprocess.run([sys.executable, "-m", "bot", "demo", "--today", "2026-11-21"],
                                stdout=write, stderr=subprocess.PIPE, text=True,
                                env=environment(database_url), cwd=ROOT, timeout=120)
    finally:
        os.close(write)
    assert result.returncode == 0
    assert result.stderr == ""


def _ctrl_c_delivered() -> None:
    """In the child: Ctrl-C acts, as on a person's terminal. A test run started in the
    background (`cmd &`, nohup) ignores SIGINT, and ignored signals are inherited: the chat
    would then rightly ignore it too (seen as a hang on CI machines)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_in_the_chat_says_goodbye_and_ends(database_url: str) -> None:
    """Ctrl-C while the chat waits for a line: one goodbye, exit 0, no traceback, no Enter
    needed. The chat runs on a pseudo-terminal, as when a person types into it."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "chat", "--today", "2026-11-21"], stdin=follower,
        stdout=follower, stderr=follower, env=environment(database_url), cwd=ROOT,
        preexec_fn=_ctrl_c_delivered)
    os.close(follower)
    seen = b""

    def wait_for(marker: bytes, timeout: float = 120) -> bool:
        nonlocal seen
        deadline = time.monotonic() + timeout
        while marker not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 1)
            if ready:
                try:
                    chunk = os.read(leader, 4096)
                except OSError:  # the process ended and closed the terminal
                    break
                if not chunk:
                    break
                seen += chunk
        return marker in seen

    try:
        assert wait_for(b"[7] Assistenza") and wait_for(b"> "), seen.decode(errors="replace")
        process.send_signal(signal.SIGINT)
        assert wait_for(b"Chat chiusa. Arrivederci!"), seen.decode(errors="replace")
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(leader)
    assert b"Traceback" not in seen
