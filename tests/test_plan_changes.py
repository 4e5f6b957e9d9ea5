"""Plan changes as the seeds describe them, through the chat: the policy of each plan or
category, monthly plans, the categories first, prices as the plan is billed, what each
amount covers, a downgrade near expiry with its renewal, a scheduled downgrade by name.
Each runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from core.app import Sportello
from core.clock import FixedClock
from core.errors import ImportFailed
from core.importer import apply, parse_data
from core.models import CategoryPolicy, Invoice, Plan, Service
from tests.chat_helpers import Chat
from tests.helpers import CUSTOMERS, PLANS, customer_id, seed, svc


async def import_raw(app: Sportello, raw: dict[str, Any]) -> None:
    async with app.sessions() as session, session.begin():
        await apply(session, parse_data(raw, "test"))


async def change_quote_text(app: Sportello, service: str, *presses: str) -> tuple[Chat, str]:
    chat = await Chat.open(app, await customer_id(app, "C001"))
    await chat.press("Upgrade / cambio piano")
    text = await chat.press(service)
    for label in presses:
        text = await chat.press(label)
    return chat, text


async def under(app: Sportello, clock: FixedClock, policy: str, today: date,
                services: list[dict[str, Any]]) -> None:
    """The installation's policy, today's date and the test catalogue with `services`."""
    app.settings = app.settings.model_copy(update={"policy": policy})
    clock.day = today
    await seed(app, services)


async def pay_by_card(chat: Chat) -> str:
    await chat.press("Carta di credito")
    await chat.press("Procedi al pagamento")
    return await chat.say("4242 4242 4242 4242")


async def stored(app: Sportello, name: str) -> Service:
    async with app.sessions() as session:
        return (await session.execute(select(Service).where(Service.name == name))).scalar_one()


# --- one policy per plan, not per installation -------------------------------------------


async def test_each_plan_is_quoted_under_its_own_or_its_categorys_policy(
    app: Sportello, clock: FixedClock,
) -> None:
    """Cloud follows seed 004 (its category's policy), the hosting plan names seed 001's,
    the VPS keeps the installation's default (mensilita-residue)."""
    clock.day = date(2026, 11, 21)
    plans = [dict(p, policy="pro-rata-giorni") if p["code"] == "H60" else p for p in PLANS]
    await import_raw(app, {
        "policies": {"cloud": "mese-intero"}, "plans": plans, "customers": CUSTOMERS,
        "services": [
            svc("cloud1", "C29", date(2026, 12, 1), period_start=date(2026, 11, 1)),
            svc("sito", "H60", date(2027, 1, 1), period_start=date(2026, 1, 1)),
            svc("vps1", "V50", date(2027, 5, 21)),
        ]})
    assert app.settings.policy == "mensilita-residue"
    _, cloud = await change_quote_text(app, "cloud1", "Cloud 99")
    assert "Imponibile: € 89,33" in cloud and "Nuova scadenza: 21 dicembre 2026" in cloud
    _, hosting = await change_quote_text(app, "sito", "Hosting Pro")
    # pro-rata-giorni near expiry (41 days left of a yearly plan): full price, one more year.
    assert "Imponibile: € 120,00" in hosting and "Nuova scadenza: 1° gennaio 2028" in hosting
    _, vps = await change_quote_text(app, "vps1", "VPS 70")
    assert "Credito per 6 mensilità non usufruite del piano attuale: -€ 300,00" in vps
    assert "Imponibile: € 540,00" in vps


async def test_a_category_policy_can_be_changed_and_removed_by_import(app: Sportello) -> None:
    await import_raw(app, {"policies": {"cloud": "mese-intero", "vps": "mesi-arrotondati"}})
    await import_raw(app, {"policies": {"cloud": "pro-rata-giorni", "vps": None}})
    async with app.sessions() as session:
        rows = (await session.execute(select(CategoryPolicy))).scalars().all()
    assert {(r.category, r.policy) for r in rows} == {("cloud", "pro-rata-giorni")}


@pytest.mark.parametrize(("raw", "where"), [
    ({"policies": {"cloud": "a-ore"}}, "policies.cloud"),
    ({"policies": {"server": "mese-intero"}}, "policies.server.[key]"),
    ({"plans": [dict(PLANS[0], policy="gratis")]}, "plans.0.policy"),
])
async def test_an_unknown_policy_or_category_is_refused_and_nothing_is_written(
    app: Sportello, raw: dict[str, Any], where: str,
) -> None:
    with pytest.raises(ImportFailed) as failed:
        parse_data(raw, "catalogo.yaml")
    assert [problem[1] for problem in failed.value.facts["problems"]] == [where]
    async with app.sessions() as session:
        assert (await session.execute(select(Plan))).first() is None


# --- monthly plans (worked example 6) -----------------------------------------------------


async def test_example_6_monthly_upgrade_under_the_default_policy(
    app: Sportello, clock: FixedClock,
) -> None:
    """One month of Cloud 99, not twelve (it was quoted € 1.188,00 with a one-year expiry)."""
    clock.day = date(2026, 11, 21)
    await seed(app, [svc("cloud1", "C29", date(2026, 12, 1), period_start=date(2026, 11, 1))])
    chat, text = await change_quote_text(app, "cloud1", "Cloud 99")
    assert "Cambio di cloud1: da Cloud 29 a Cloud 99 (€ 99,00/mese + IVA)" in text
    assert "Nuovo piano Cloud 99 per un mese da oggi: € 99,00" in text
    assert "Nessun credito: alla scadenza manca meno di un mese intero." in text
    assert "Totale: € 120,78" in text and "Nuova scadenza: 21 dicembre 2026" in text
    assert "Pagamento riuscito: € 120,78" in await pay_by_card(chat)
    cloud = await stored(app, "cloud1")
    assert (cloud.plan.code, cloud.period_start, cloud.expires_on) == (
        "C99", date(2026, 11, 21), date(2026, 12, 21))
    assert cloud.paid_for_period == Decimal("99.00")


async def test_example_6_monthly_upgrade_pro_rata_giorni(app: Sportello, clock: FixedClock) -> None:
    await under(app, clock, "pro-rata-giorni", date(2026, 11, 21),
                [svc("cloud1", "C29", date(2026, 12, 1), period_start=date(2026, 11, 1))])
    _, text = await change_quote_text(app, "cloud1", "Cloud 99")
    assert "Nuovo piano Cloud 99 per i 10 giorni su 30 che restano alla scadenza: € 33,00" in text
    assert "Credito del piano attuale per 10 giorni su 30 non usufruiti: -€ 9,67" in text
    assert "Imponibile: € 23,33" in text and "La scadenza resta il 1° dicembre 2026." in text


async def test_mesi_arrotondati_says_which_month_it_charges(
    app: Sportello, clock: FixedClock,
) -> None:
    await under(app, clock, "mesi-arrotondati", date(2026, 12, 16),
                [svc("vps1", "V50", date(2026, 12, 31))])
    _, last = await change_quote_text(app, "vps1", "VPS 70")
    assert "Nuovo piano VPS 70, ultimo mese prima della scadenza (15 giorni): € 70,00" in last
    clock.day = date(2026, 10, 12)
    _, far = await change_quote_text(app, "vps1", "VPS 70")
    assert ("Nuovo piano VPS 70 per 3 mensilità (80 giorni alla scadenza, arrotondati al mese)"
            in far)
    clock.day = date(2026, 12, 20)
    _, near = await change_quote_text(app, "vps1", "VPS 70")
    assert ("Upgrade fino alla scadenza: gratuito (meno di 15 giorni alla scadenza, rinnovo "
            "richiesto)") in near


# --- the upgrade screen: categories first, the new plan's details, prices as billed -------


async def test_the_categories_come_first_then_the_plans_with_their_details(
    demo: Sportello,
) -> None:
    chat = await Chat.open(demo, (await demo.customer_by_code("C001")).id)
    await chat.press("Upgrade / cambio piano")
    asked = await chat.press("www.mariorossi.it")
    assert asked.startswith("Verso quale tipo di servizio vuoi passare con www.mariorossi.it")
    assert chat.labels[:2] == ["Hosting", "Dominio"]
    plans = await chat.press("Hosting")
    assert chat.labels[:2] == ["Hosting Pro · € 120,00/anno + IVA",
                               "Hosting Business · € 240,00/anno + IVA"]
    assert "Dominio .it" not in plans
    quote = await chat.press("Hosting Pro")
    assert ("Include: spazio web (MB): 10.240 · database: 5 · caselle email: 20 · domini: 3"
            in quote)
    assert "Funzioni: certificato SSL, backup, ambiente di staging" in quote
    await chat.command("annulla")
    await chat.press("Menu principale") if "Menu principale" in chat.labels else None
    await chat.press("Upgrade / cambio piano")
    await chat.press("www.mariorossi.it")
    await chat.press("Dominio")
    assert chat.labels[0] == "Dominio .it · € 9,90/anno + IVA"
    await chat.press("Indietro")
    assert chat.labels[:2] == ["Hosting", "Dominio"]


async def test_one_category_goes_straight_to_the_plans(demo: Sportello) -> None:
    chat = await Chat.open(demo, (await demo.customer_by_code("C003")).id)
    await chat.press("Upgrade / cambio piano")
    text = await chat.press("cloud-ferrari")
    assert "Piani disponibili per cloud-ferrari (ora Cloud 99, € 99,00/mese + IVA)" in text
    assert chat.labels[0] == "Cloud 29 · € 29,00/mese + IVA"


async def test_prices_read_as_the_plan_is_billed(demo: Sportello) -> None:
    chat = await Chat.open(demo, (await demo.customer_by_code("C003")).id)
    listing = await chat.press("I miei prodotti")
    assert "€ 99,00/mese + IVA" in listing and "€ 1.188,00" not in listing
    card = await chat.press("cloud-ferrari")
    assert "Costo: € 99,00/mese + IVA" in card
    chat = await Chat.open(demo, (await demo.customer_by_code("C001")).id)
    await chat.press("I miei prodotti")
    card = await chat.press("mariorossi.it")
    assert "Costo: € 9,90/anno + IVA\n" in card and card.count("€ 9,90") == 1


# --- a scheduled downgrade names the plan -------------------------------------------------


async def test_a_scheduled_downgrade_names_the_plan_not_its_code(
    app: Sportello, clock: FixedClock,
) -> None:
    await under(app, clock, "mese-intero", date(2026, 11, 21),
                [svc("cloud1", "C99", date(2026, 12, 1), period_start=date(2026, 11, 1))])
    chat, text = await change_quote_text(app, "cloud1", "Cloud 29")
    assert "Il cambio avrà effetto dal 1° dicembre 2026" in text
    done = await chat.press("Conferma")
    assert "cloud1 passerà al piano Cloud 29 dal 1° dicembre 2026" in done
    await chat.press("I miei prodotti")
    card = await chat.press("cloud1")
    assert "Passerà al piano Cloud 29 dal 1° dicembre 2026." in card and "C29" not in card
    await chat.command("menu")
    await chat.press("Rinnova")  # the next period is on the new plan: its price, as billed
    assert "☐ cloud1 · € 29,00/mese + IVA" in chat.labels


# --- pro-rata-giorni: a downgrade near expiry and the renewal of the new plan (seed 001) --


async def test_a_downgrade_near_expiry_can_carry_the_renewal_in_the_same_order(
    app: Sportello, clock: FixedClock,
) -> None:
    await under(app, clock, "pro-rata-giorni", date(2026, 11, 21),
                [svc("sito", "H120", date(2027, 1, 1), period_start=date(2026, 1, 1))])
    chat, alone = await change_quote_text(app, "sito", "Hosting Start")
    assert "Costo una tantum di cambio piano: € 15,00" in alone
    assert "dopo il cambio il nuovo pacchetto va rinnovato" in alone
    both = await chat.press("Aggiungi il rinnovo all'ordine")
    assert "Rinnovo con il nuovo piano fino al 1° gennaio 2028: € 60,00" in both
    assert "Imponibile: € 75,00" in both and "Totale: € 91,50" in both
    assert "Aggiungi il rinnovo" not in " ".join(chat.labels)
    assert "Pagamento riuscito: € 91,50" in await pay_by_card(chat)
    site = await stored(app, "sito")
    assert (site.plan.code, site.period_start, site.expires_on) == (
        "H60", date(2027, 1, 1), date(2028, 1, 1))
    async with app.sessions() as session:
        [invoice] = (await session.execute(select(Invoice))).scalars().all()
    assert invoice.total == Decimal("91.50")


async def test_a_downgrade_far_from_expiry_offers_no_renewal(
    app: Sportello, clock: FixedClock,
) -> None:
    await under(app, clock, "pro-rata-giorni", date(2026, 7, 2),
                [svc("sito", "H120", date(2027, 1, 1), period_start=date(2026, 1, 1))])
    chat, text = await change_quote_text(app, "sito", "Hosting Start")
    assert "va rinnovato" not in text and "Aggiungi il rinnovo" not in " ".join(chat.labels)


# --- reseller to end-user plan: client domains kept as «Dominio aggiuntivo» (seed 001) ----


async def test_a_reseller_ticks_the_client_domains_kept_as_add_ons(
    app: Sportello, clock: FixedClock,
) -> None:
    from tests.test_limits import seed_reseller

    app.settings = app.settings.model_copy(update={"policy": "pro-rata-giorni"})
    clock.day = date(2026, 11, 21)
    cid = await seed_reseller(app)
    chat = await Chat.open(app, cid)
    await chat.press("Upgrade / cambio piano")
    await chat.press("rivendita-rossi")
    text = await chat.press("Hosting Start")
    assert "Dominio aggiuntivo cliente1.it" not in text
    assert "☐ Mantieni cliente1.it come Dominio aggiuntivo" in chat.labels
    fee = Decimal(text.split("Imponibile: € ")[1].split("\n")[0].replace(",", "."))
    kept = await chat.press("☐ Mantieni cliente1.it")
    assert "Dominio aggiuntivo cliente1.it per un anno: € 12,00" in kept
    assert "◦ cliente1.it: resta attivo come «Dominio aggiuntivo» (nell'ordine)." in kept
    assert "◦ cliente2.it: può restare attivo come «Dominio aggiuntivo»" in kept
    assert f"Imponibile: € {fee + 12:.2f}".replace(".", ",") in kept
    assert "☑ Mantieni cliente1.it come Dominio aggiuntivo" in chat.labels
    undone = await chat.press("☑ Mantieni cliente1.it")  # untick: back to the change alone
    assert "Dominio aggiuntivo cliente1.it" not in undone
    await chat.press("☐ Mantieni cliente1.it")
    assert "Pagamento riuscito" in await pay_by_card(chat)
    reseller = await stored(app, "rivendita-rossi")
    assert reseller.plan.code == "H60" and reseller.usage["reseller_domains"] == []
    added = await stored(app, "cliente1.it")
    assert (added.customer_id, added.plan.code, added.status, added.expires_on,
            added.paid_for_period) == (cid, "DOM-ADD", "attivo", date(2027, 11, 21),
                                       Decimal("12.00"))
    async with app.sessions() as session:
        names = set((await session.execute(select(Service.name))).scalars())
    assert "cliente2.it" not in names  # not kept: deactivated with the reseller feature


# --- the catalogue's policies and downgrade rules in the import report --------------------


def test_the_import_reports_category_policies_and_downgrade_rules_in_italian(
    database_url: str, tmp_path: Path,
) -> None:
    from tests.test_import_and_cli import run

    catalogue = tmp_path / "catalogo.yaml"
    catalogue.write_text(
        "policies: {cloud: mese-intero}\n"
        "limit_rules:\n  priority_groups: {rule: remove, restorable: false}\n"
        "plans:\n  - {code: X1, name: Piano X, category: cloud, price: \"10.00\",\n"
        "     period_months: 1, policy: pro-rata-giorni}\n", encoding="utf-8")
    dry = run("import", str(catalogue), "--dry-run", db=database_url)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines()[1:4] == [
        "  Categoria cloud: nuova.", "  Regola di downgrade priority_groups: nuova.",
        "  Piano X1: nuovo."]
    assert "1 piano, 0 clienti e 0 servizi: 1 nuovo" in dry.stdout  # settings not counted
    assert run("import", str(catalogue), db=database_url).returncode == 0
    catalogue.write_text(catalogue.read_text(encoding="utf-8")
                         .replace("mese-intero", "pro-rata-giorni")
                         .replace("restorable: false", "restorable: true"), encoding="utf-8")
    again = run("import", str(catalogue), "--dry-run", db=database_url)
    assert again.stdout.splitlines()[1:3] == [
        "  Categoria cloud · policy: mese-intero → pro-rata-giorni",
        "  Regola di downgrade priority_groups · restorable: no → sì"]
