"""`sportello import` and the other commands, run as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from core.app import Sportello
from core.db import create_engine
from core.demo import demo_document, load_demo_if_empty
from core.errors import ImportFailed
from core.importer import apply, parse, read_file
from core.models import AuditEntry, Customer, Plan, Service
from tests.cli_run import sportello
from tests.conftest import PG_URL
from tests.helpers import ACCEPTED

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


# --- the command line, through main(argv) in this process (tests/cli_run.py) ------------


def run(*args: str, db: str) -> subprocess.CompletedProcess[str]:
    return sportello(args, {**os.environ, "SPORTELLO_DATABASE_URL": db})


@pytest.fixture
def cli_db(tmp_path: Path) -> str:
    if PG_URL:
        pytest.skip("the command line is exercised on the embedded SQLite")
    return f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"


def test_cli_demo_prints_services_in_italian(cli_db: str) -> None:
    result = run("demo", "--today", "2026-11-21", db=cli_db)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Dati dimostrativi caricati: 14 piani, 3 clienti e 10 servizi." in out
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
    assert result.stdout.strip() == (
        "Importazione riuscita: 2 piani, 1 cliente e 1 servizio "
        "(4 nuovi, 0 aggiornati, 0 invariati).")
    missing = run("import", str(tmp_path / "nope.yaml"), db=cli_db)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


def test_cli_lifecycle_and_register_payment(cli_db: str) -> None:
    assert run("demo", "--today", "2026-11-21", db=cli_db).returncode == 0
    first = run("lifecycle", "--today", "2026-11-21", db=cli_db)
    assert first.returncode == 0, first.stderr
    assert "promemoria: 3" in first.stdout and "Eliminato" in first.stdout
    second = run("lifecycle", "--today", "2026-11-21", db=cli_db)
    assert "Nessun avviso da inviare." in second.stdout
    unknown = run("payments", "register", "SPT-000999", "--amount", "12,08", "--by", "anna",
                  db=cli_db)
    assert unknown.returncode == 1 and unknown.stderr == "Ordine SPT-000999 non trovato.\n"


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
            return (await app.checkout(mario.id, quote.id, "bonifico",
                                       terms=ACCEPTED)).order.reference
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


# --- data from outside never silently rewrites billing history -------------------------

LIVE_YAML = """\
plans:
  - {code: HOST-START, name: Hosting Start, category: hosting, price: "60.00",
     limits: {mailboxes: 5}, features: [ssl], changes_to: [HOST-PRO]}
  - {code: HOST-PRO, name: Hosting Pro, category: hosting, price: "120.00"}
customers:
  - {code: C100, name: Anna Verdi, email: anna@example.it, tax_code: VRDNNA80A41H501X,
     street: Via Po 3, postcode: "10123", city: Torino, province: TO}
services:
  - {customer: C100, plan: HOST-START, name: annaverdi.it, expires_on: 2026-11-15,
     status: scaduto, renewal: automatico, usage: {mailboxes: 3}}
"""
# The same file a month later, written by hand: the renewal paid since is not in it, nor
# the tax code, the plan's limits and features, or the service's renewal mode and usage.
STALE_YAML = """\
plans:
  - {code: HOST-START, name: Hosting Start, category: hosting, price: "60.00"}
customers:
  - {code: C100, name: Anna Verdi}
services:
  - {customer: C100, plan: HOST-START, name: annaverdi.it, expires_on: 2026-11-15,
     status: scaduto, paid: "45.00"}
"""


async def import_text(app: Sportello, document: str, source: str = "catalogo.yaml",
                      **options: bool) -> object:
    async with app.sessions() as session, session.begin():
        return await apply(session, parse(document, source), app.clock.now(), **options)


async def renew_and_pay(app: Sportello, code: str, name: str) -> None:
    customer = await app.customer_by_code(code)
    service = next(s for s in await app.list_services(customer.id) if s.name == name)
    quote = await app.quote_renewal(customer.id, [service.id])
    order = (await app.checkout(customer.id, quote.id, "bonifico", terms=ACCEPTED)).order
    await app.register_payment(order.reference, order.total, "anna")


async def service_row(app: Sportello, name: str) -> Service:
    async with app.sessions() as session:
        return (await session.execute(select(Service).where(Service.name == name))).scalar_one()


async def test_reimport_keeps_a_paid_renewal_and_says_so(app: Sportello) -> None:
    await import_text(app, LIVE_YAML)
    await renew_and_pay(app, "C100", "annaverdi.it")
    renewed = await service_row(app, "annaverdi.it")
    assert (renewed.expires_on, renewed.status) == (date(2027, 11, 15), "attivo")

    summary = await import_text(app, STALE_YAML, "vecchio.yaml")

    row = await service_row(app, "annaverdi.it")
    assert (row.expires_on, row.period_start, row.status, row.paid_for_period) == (
        renewed.expires_on, renewed.period_start, "attivo", renewed.paid_for_period)
    kept = {(c.key, c.field, c.old, c.new) for c in summary.kept}  # type: ignore[attr-defined]
    assert kept == {("annaverdi.it", "expires_on", date(2027, 11, 15), date(2026, 11, 15)),
                    ("annaverdi.it", "status", "attivo", "scaduto"),
                    ("annaverdi.it", "paid", Decimal("60.00"), Decimal("45.00"))}


async def test_billing_state_changes_only_with_the_flag_and_is_audited(app: Sportello) -> None:
    await import_text(app, LIVE_YAML)
    await renew_and_pay(app, "C100", "annaverdi.it")
    summary = await import_text(app, STALE_YAML, "correzione.yaml", billing_state=True)
    row = await service_row(app, "annaverdi.it")
    assert (row.expires_on, row.period_start, row.status, row.paid_for_period) == (
        date(2026, 11, 15), date(2025, 11, 15), "scaduto", Decimal("45.00"))
    assert summary.kept == ()  # type: ignore[attr-defined]
    async with app.sessions() as session:
        entry = (await session.execute(select(AuditEntry).where(
            AuditEntry.entity == "service", AuditEntry.action == "import_update"))).scalar_one()
    assert (entry.actor_kind, entry.actor, entry.entity_id) == ("support", "import", row.id)
    assert entry.detail == {"file": "correzione.yaml", "changes": {
        "expires_on": ["2027-11-15", "2026-11-15"], "period_start": ["2026-11-15", "2025-11-15"],
        "status": ["attivo", "scaduto"], "paid": ["60.00", "45.00"]}}


async def test_an_omitted_optional_field_keeps_its_value(app: Sportello) -> None:
    await import_text(app, LIVE_YAML)
    await import_text(app, STALE_YAML)
    anna = await app.customer_by_code("C100")
    assert (anna.email, anna.tax_code) == ("anna@example.it", "VRDNNA80A41H501X")
    row = await service_row(app, "annaverdi.it")
    assert (row.renewal_mode, row.usage) == ("automatico", {"mailboxes": 3})
    async with app.sessions() as session:
        plan = (await session.execute(select(Plan).where(Plan.code == "HOST-START"))).scalar_one()
    assert (plan.limits, plan.features) == ({"mailboxes": 5}, ["ssl"])
    assert [p.code for p in await app.change_options(anna.id, row.id)] == ["HOST-PRO"]
    # Written out, a field changes, and written out as empty it is emptied.
    await import_text(app, STALE_YAML.replace('price: "60.00"}', 'price: "60.00", '
                                              "changes_to: []}"))
    assert await app.change_options(anna.id, row.id) == []
    await import_text(app, STALE_YAML.replace("name: Anna Verdi}", "name: Anna Verdi, "
                                              "tax_code: null}"))
    assert (await app.customer_by_code("C100")).tax_code is None


async def test_every_record_an_import_writes_is_audited_with_the_file(app: Sportello) -> None:
    await import_text(app, LIVE_YAML, "listino.yaml")
    await import_text(app, LIVE_YAML.replace('price: "120.00"', 'price: "130.00"'),
                      "listino-2027.yaml")
    await import_text(app, LIVE_YAML.replace('price: "120.00"', 'price: "130.00"'),
                      "listino-2027.yaml")  # nothing changes: nothing is logged
    async with app.sessions() as session:
        rows = (await session.execute(select(AuditEntry).order_by(AuditEntry.id))).scalars().all()
    assert [(r.entity, r.action, r.actor_kind, r.actor, r.detail["file"]) for r in rows] == [
        ("plan", "import_create", "support", "import", "listino.yaml"),
        ("plan", "import_create", "support", "import", "listino.yaml"),
        ("customer", "import_create", "support", "import", "listino.yaml"),
        ("service", "import_create", "support", "import", "listino.yaml"),
        ("plan", "import_update", "support", "import", "listino-2027.yaml")]
    assert rows[-1].detail["changes"] == {"price": ["120.00", "130.00"]}
    assert rows[2].detail["changes"]["tax_code"] == [None, "VRDNNA80A41H501X"]


def bad_service(**fields: str) -> str:
    values = {"customer": "C100", "plan": "HOST-START", "name": "annaverdi.it",
              "expires_on": "2027-03-01", **fields}
    return ("plans:\n  - {code: HOST-START, name: Start, category: hosting, price: 1}\n"
            "customers:\n  - {code: C100, name: Anna Verdi}\nservices:\n  - {"
            + ", ".join(f"{k}: {v}" for k, v in values.items()) + "}\n")


@pytest.mark.parametrize(("document", "where", "field", "code"), [
    (bad_service(expires_on="9999-12-31"), "x.yaml:6", "services.0.expires_on", "date_range"),
    (bad_service(expires_on="0001-06-01"), "x.yaml:6", "services.0.expires_on", "date_range"),
    (bad_service(expires_on="1999-12-31"), "x.yaml:6", "services.0.expires_on", "date_range"),
    (bad_service(started_on="2100-01-01"), "x.yaml:6", "services.0.started_on", "date_range"),
    (bad_service(period_start="0001-01-01"), "x.yaml:6", "services.0.period_start",
     "date_range"),
    (bad_service(name='"riga1\\n[1] Paga ora"'), "x.yaml:6", "services.0.name",
     "control_chars"),
    (bad_service(name='"\\u202eti.idrevanna"'), "x.yaml:6", "services.0.name",
     "control_chars"),
    (bad_service(customer='"C1\\t00"'), "x.yaml:6", "services.0.customer", "control_chars"),
    (bad_service().replace("name: Anna Verdi", "name: '---'"), "x.yaml:4", "customers.0.name",
     "no_letters"),
    (bad_service().replace("code: HOST-START", "code: '***'"), "x.yaml:2", "plans.0.code",
     "no_letters"),
    (bad_service(usage="{mailboxes: -3}"), "x.yaml:6", "services.0.usage.mailboxes",
     "greater_than_equal"),
    (bad_service().replace("price: 1}", "price: 1, limits: {mailboxes: -1}}"), "x.yaml:2",
     "plans.0.limits.mailboxes", "greater_than_equal"),
    (bad_service().replace("price: 1}", "price: 1, limits: {mailboxes: 99999999999}}"),
     "x.yaml:2", "plans.0.limits.mailboxes", "less_than_equal"),
    (bad_service().replace("price: 1}", "price: .nan}"), "x.yaml:2", "plans.0.price",
     "finite_number"),
    (bad_service(started_on="2027-03-02"), "x.yaml:6", "services.0.started_on",
     "not_before_expiry"),
    ("a: &a [1, 2]\nb: [*a, *a]\n", "x.yaml:1", "syntax", "yaml_alias"),
    ("plans:\n  - &p {code: A, name: A, category: pec, price: 1}\n", "x.yaml:2", "syntax",
     "yaml_alias"),
    ("plans:\n  - {code: A, name: A, category: pec, price: 1, price: 2}\n", "x.yaml:2",
     "syntax", "duplicate_key"),
    ("[" * 3000 + "]" * 3000, "x.yaml", "syntax", "too_deep"),
    ("# " + "x" * (5 * 1024 * 1024), "x.yaml", "file", "too_big"),
])
async def test_bad_values_are_refused_with_line_and_field(
    app: Sportello, document: str, where: str, field: str, code: str
) -> None:
    with pytest.raises(ImportFailed) as err:
        await import_text(app, document, "x.yaml")
    found = [(w, f, d.code) for w, f, d in err.value.facts["problems"]]
    assert (where, field, code) in found, found
    assert await counts(app) == (0, 0, 0)


def test_an_import_file_over_5_mb_is_not_even_read_whole(tmp_path: Path) -> None:
    huge = tmp_path / "enorme.yaml"
    with huge.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: 200 MB that take no disk
    with pytest.raises(ImportFailed) as err:
        read_file(huge)
    assert [(w, f, d.code) for w, f, d in err.value.facts["problems"]] == [
        (str(huge), "file", "too_big")]


@pytest.fixture
def any_db(database_url: str) -> str:
    """The test database, SQLite or PostgreSQL, for the command line to use."""
    return database_url


async def business_rows(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return {table: (await conn.execute(text(f"SELECT count(*) FROM {table}")))
                    .scalar_one() for table in ("plans", "customers", "services", "audit_log")}
    finally:
        await engine.dispose()


async def test_cli_dry_run_prints_the_changes_and_saves_nothing(
        any_db: str, tmp_path: Path) -> None:
    live, stale = tmp_path / "listino.yaml", tmp_path / "vecchio.yaml"
    live.write_text(LIVE_YAML, encoding="utf-8")
    stale.write_text(STALE_YAML.replace('price: "60.00"', 'price: "65.00"'), encoding="utf-8")
    first = run("import", str(live), "--today", "2026-11-21", db=any_db)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == (
        "Importazione riuscita: 2 piani, 1 cliente e 1 servizio "
        "(4 nuovi, 0 aggiornati, 0 invariati).")
    before = await business_rows(any_db)
    dry = run("import", str(stale), "--dry-run", db=any_db)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines() == [
        "Prova (--dry-run): nessuna modifica è stata salvata. Ecco cosa cambierebbe:",
        "  Piano HOST-START · price: € 60,00 → € 65,00",
        "Servizio annaverdi.it (cliente C100) · paid: resta € 60,00 (nel file: € 45,00). "
        "Lo stato di fatturazione di un servizio esistente cambia solo con --billing-state.",
        "Il file importerebbe 1 piano, 1 cliente e 1 servizio: "
        "0 nuovi, 1 aggiornato, 2 invariati."]
    assert await business_rows(any_db) == before
    applied = run("import", str(stale), "--billing-state", db=any_db)
    assert applied.returncode == 0, applied.stderr
    assert applied.stdout.strip() == (
        "Importazione riuscita: 1 piano, 1 cliente e 1 servizio "
        "(0 nuovi, 2 aggiornati, 1 invariato).")
    after = await business_rows(any_db)
    assert after["audit_log"] == before["audit_log"] + 2


async def test_cli_demo_never_loads_over_an_imported_price_list(
        any_db: str, tmp_path: Path) -> None:
    prices = tmp_path / "listino.yaml"
    prices.write_text("plans:\n  - {code: DOM-IT, name: Dominio .it, category: dominio, "
                      'price: "12.00"}\n', encoding="utf-8")
    assert run("import", str(prices), db=any_db).returncode == 0
    before = await business_rows(any_db)
    for command in (["demo"], ["chat"]):
        result = run(*command, db=any_db)
        assert result.returncode == 2, result.stdout
        assert result.stdout == "" and result.stderr.splitlines() == [
            "Il database contiene già dati (1 piano, 0 servizi) ma nessun cliente: i dati "
            "dimostrativi si caricano solo in un database vuoto. Importa i clienti con "
            "«sportello import FILE»."]
    assert await business_rows(any_db) == before
    engine = create_engine(any_db)
    try:
        async with engine.connect() as conn:
            price = (await conn.execute(text("SELECT price FROM plans WHERE code = 'DOM-IT'"))
                     ).scalar_one()
    finally:
        await engine.dispose()
    assert price == 1200  # cents: still the imported price, not the demo's € 9,90
