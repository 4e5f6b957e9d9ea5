"""`sportello import` and the other commands, run as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.app import Sportello
from core.demo import demo_document, load_demo_if_empty
from core.errors import ImportFailed
from core.importer import apply, parse
from core.models import Customer, Plan, Service
from tests.conftest import PG_URL

GOOD_YAML = """\
plans:
  - code: HOST-START
    name: Hosting Start
    category: hosting
    price: 60.00
    changes_to: [HOST-PRO]
  - code: HOST-PRO
    name: Hosting Pro
    category: hosting
    price: "120.00"
customers:
  - code: C100
    name: Anna Verdi
    email: anna@example.it
services:
  - customer: C100
    plan: HOST-START
    name: annaverdi.it
    expires_on: 2027-03-01
    usage: {mailboxes: 3}
"""


async def counts(app: Sportello) -> tuple[int, int, int]:
    async with app.sessions() as session:
        return tuple([(await session.execute(select(func.count()).select_from(m))).scalar_one()
                      for m in (Plan, Customer, Service)])  # type: ignore[return-value]


async def test_import_yaml_and_reimport_updates(app: Sportello) -> None:
    async with app.sessions() as session, session.begin():
        summary = await apply(session, parse(GOOD_YAML, "catalogo.yaml"))
    assert (summary.plans, summary.customers, summary.services) == (2, 1, 1)
    async with app.sessions() as session, session.begin():
        await apply(session, parse(GOOD_YAML.replace("60.00", "65.50"), "catalogo.yaml"))
    assert await counts(app) == (2, 1, 1)
    cid = (await app.customer_by_code("C100")).id
    [view] = await app.list_services(cid)
    assert (view.price, view.expires_on, view.plan_code) == (
        __import__("decimal").Decimal("65.50"), date(2027, 3, 1), "HOST-START")
    assert [p.code for p in await app.change_options(cid, view.id)] == ["HOST-PRO"]


async def test_import_json(app: Sportello) -> None:
    import yaml

    document = json.dumps(yaml.safe_load(GOOD_YAML), default=str, indent=2)
    async with app.sessions() as session, session.begin():
        await apply(session, parse(document, "catalogo.json"))
    assert await counts(app) == (2, 1, 1)


@pytest.mark.parametrize(("broken", "where", "field"), [
    (GOOD_YAML.replace("category: hosting\n    price: 60.00", "category: hostin\n    price: 60.00"),
     "x.yaml:4", "plans.0.category"),
    (GOOD_YAML.replace("price: 60.00", "price: -1"), "x.yaml:5", "plans.0.price"),
    (GOOD_YAML.replace("price: 60.00", "price: 60.005"), "x.yaml:5", "plans.0.price"),
    (GOOD_YAML.replace("expires_on: 2027-03-01", "expires_on: 2027-02-30"), "x.yaml:19",
     "services.0.expires_on"),
    (GOOD_YAML.replace("email: anna@example.it", "email: non-una-email"), "x.yaml:14",
     "customers.0.email"),
    (GOOD_YAML.replace("changes_to: [HOST-PRO]", "changes_to: [HOST-MAX]"), "x.yaml:6",
     "plans.0.changes_to"),
    (GOOD_YAML.replace("    usage:", "    colore: blu\n    usage:"), "x.yaml:20",
     "services.0.colore"),
    (GOOD_YAML + "  - {customer: C100, plan: HOST-START, name: annaverdi.it, "
     "expires_on: 2027-01-01}\n", "x.yaml:21", "services.1.name"),
    ("plans: [\n", "x.yaml:2", "syntax"),
])
async def test_bad_import_names_line_and_field_and_imports_nothing(
    app: Sportello, broken: str, where: str, field: str
) -> None:
    with pytest.raises(ImportFailed) as err:
        async with app.sessions() as session, session.begin():
            await apply(session, parse(broken, "x.yaml"))
    problems = err.value.facts["problems"]
    assert (where, field) in [(w, f) for w, f, _ in problems], problems
    assert await counts(app) == (0, 0, 0)


async def test_unknown_plan_reference_rolls_back_everything(app: Sportello) -> None:
    broken = GOOD_YAML.replace("plan: HOST-START", "plan: HOST-NONE")
    with pytest.raises(ImportFailed) as err:
        async with app.sessions() as session, session.begin():
            await apply(session, parse(broken, "x.yaml"))
    assert err.value.facts["problems"][0][:2] == ("x.yaml:17", "services.0.plan")
    assert await counts(app) == (0, 0, 0)  # the valid plans and customer were not kept


async def test_demo_loads_once_and_only_into_an_empty_database(app: Sportello) -> None:
    today = date(2026, 11, 21)
    async with app.sessions() as session, session.begin():
        assert await load_demo_if_empty(session, today) is not None
    async with app.sessions() as session, session.begin():
        assert await load_demo_if_empty(session, today) is None
    states = {}
    for code in ("C001", "C002", "C003"):
        for view in await app.list_services((await app.customer_by_code(code)).id):
            states[view.name] = (view.category, view.state, view.days_left)
    categories = {category for category, _, _ in states.values()}
    assert {"dominio", "hosting", "pec", "vps", "dedicato"} <= categories
    assert states["rossipizzeria.it"][1:] == ("scaduto", -5)
    assert states["bianchi-vecchio.it"][1:] == ("scaduto", -20)
    assert states["www.bianchisrl.it"][1] == "disdetto"
    assert sum(1 for _, state, _ in states.values() if state == "in_scadenza") >= 2


def test_demo_document_dates_follow_today() -> None:
    services = demo_document(date(2030, 1, 1)).document.services
    assert min(s.expires_on for s in services) == date(2029, 12, 12)


# --- the command line, as a subprocess --------------------------------------------------


def run(*args: str, db: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SPORTELLO_DATABASE_URL": db}
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True,
                          text=True, env=env, timeout=120, cwd=Path(__file__).parent.parent)


@pytest.fixture
def cli_db(tmp_path: Path) -> str:
    if PG_URL:
        pytest.skip("the command line is exercised on the embedded SQLite")
    return f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"


def test_cli_demo_prints_services_in_italian(cli_db: str) -> None:
    result = run("demo", "--today", "2026-11-21", db=cli_db)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Dati dimostrativi caricati: 13 piani, 3 clienti, 10 servizi." in out
    assert ("mariorossi.it · Dominio .it · € 9,90/anno IVA esclusa · "
            "Scadenza 11 dicembre 2026") in out
    assert "€ 1.200,00" in out and "Prodotti scaduti o disdetti" in out
    again = run("demo", "--today", "2026-11-21", "--customer", "C002", db=cli_db)
    assert "Dati dimostrativi caricati" not in again.stdout
    assert "Mario Rossi" not in again.stdout and "Giulia Bianchi" in again.stdout


def test_cli_import_reports_problems_and_exit_code(cli_db: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD_YAML.replace("price: 60.00", "price: gratis"), encoding="utf-8")
    result = run("import", str(bad), db=cli_db)
    assert result.returncode == 2
    assert "Importazione non riuscita: nessun dato è stato importato." in result.stderr
    assert f"{bad}:5 · plans.0.price" in result.stderr
    assert "Traceback" not in result.stderr
    good = tmp_path / "good.yaml"
    good.write_text(GOOD_YAML, encoding="utf-8")
    result = run("import", str(good), db=cli_db)
    assert result.returncode == 0
    assert result.stdout.strip() == "Importati 2 piani, 1 clienti e 1 servizi."
    missing = run("import", str(tmp_path / "nope.yaml"), db=cli_db)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


def test_cli_lifecycle_and_register_payment(cli_db: str) -> None:
    assert run("demo", "--today", "2026-11-21", db=cli_db).returncode == 0
    first = run("lifecycle", "--today", "2026-11-21", db=cli_db)
    assert first.returncode == 0, first.stderr
    assert "promemoria 3" in first.stdout and "Eliminato" in first.stdout
    second = run("lifecycle", "--today", "2026-11-21", db=cli_db)
    assert "Nessun avviso da inviare." in second.stdout
    unknown = run("payments", "register", "SPT-000999", "--amount", "12,08", "--by", "anna",
                  db=cli_db)
    assert unknown.returncode == 1 and "Non trovato" in unknown.stderr


def test_cli_rejects_bad_options_without_traceback(cli_db: str) -> None:
    result = run("demo", "--today", "21/11/2026", db=cli_db)
    assert result.returncode == 2 and "Data non valida" in result.stderr
    result = run("demo", "--policy", "a-caso", db=cli_db)
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_cli_registers_a_transfer_and_issues_a_credit_note(cli_db: str, tmp_path: Path) -> None:
    import asyncio

    from core.app import Sportello
    from core.clock import FixedClock
    from core.config import Settings

    assert run("demo", "--today", "2026-11-21", db=cli_db).returncode == 0

    async def order_a_renewal() -> str:
        app = await Sportello.open(Settings(_env_file=None, database_url=cli_db),  # type: ignore[call-arg]
                                   FixedClock(date(2026, 11, 21)))
        try:
            mario = await app.customer_by_code("C001")
            service = next(s for s in await app.list_services(mario.id)
                           if s.name == "mariorossi.it")
            quote = await app.quote_renewal(mario.id, [service.id])
            return (await app.checkout(mario.id, quote.id, "bonifico")).order.reference
        finally:
            await app.close()

    reference = asyncio.run(order_a_renewal())
    wrong = run("payments", "register", reference, "--amount", "12", "--by", "anna", db=cli_db)
    assert wrong.returncode == 1 and "Importo non accettato: € 12,00" in wrong.stderr
    ok = run("payments", "register", reference, "--amount", "12,08", "--by", "anna",
             "--today", "2026-11-21", db=cli_db)
    assert ok.returncode == 0, ok.stderr
    assert f"Pagamento registrato per l'ordine {reference} (€ 12,08): stato Pagato." in ok.stdout
    note = run("invoices", "credit-note", "2026/000001", "--amount", "9,90", "--by", "anna",
               "--reason", "doppio addebito", "--today", "2026-11-21", db=cli_db)
    assert note.returncode == 0, note.stderr
    assert ("Emessa la nota di credito NC 2026/000001 sulla fattura 2026/000001: "
            "€ 9,90 + IVA € 2,18 = € 12,08.") in note.stdout
    again = run("invoices", "credit-note", "2026/000001", "--amount", "0,01", "--by", "anna",
                "--reason", "x", db=cli_db)
    assert again.returncode == 1 and "Importo non accettato" in again.stderr
