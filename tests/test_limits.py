"""What a downgrade does over the new plan's limits (seed 004; seed 001 for resellers)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from core.app import Sportello
from core.downgrades import LimitRuleRow, rule_book
from core.errors import ImportFailed
from core.importer import apply, parse, parse_data
from core.limits import (
    Offer,
    RemovedItem,
    Rule,
    apply_removals,
    default_rules,
    over_limits,
    usage_value,
)
from core.models import AuditEntry, Service
from core.pricing import PlanTerms, Quote, ServiceTerms, change_quote
from handlers.limits_text import LABELS, removed_lines
from tests.chat_helpers import Chat
from tests.helpers import ACCEPTED, CUSTOMERS, PLANS, customer_id

D = Decimal

CLOUD_99 = dict(limits={"domains": 10, "waiting_rooms": 20, "capacity": 20000,
                        "entry_rate": 500},
                features=("priority_groups", "firewall_ips", "custom_templates"))
CLOUD_29 = dict(limits={"domains": 1, "waiting_rooms": 2, "capacity": 1000, "entry_rate": 50})
ROOMS = [
    {"name": "saldi", "domain": "shop.it", "activated_on": "2026-01-10", "capacity": 1500,
     "entry_rate": 120},
    {"name": "black-friday", "domain": "shop.it", "activated_on": "2026-10-20",
     "capacity": 800, "entry_rate": 60},
    {"name": "lancio", "domain": "shop.it", "activated_on": "2026-11-05", "capacity": 500,
     "entry_rate": 40},
    {"name": "concerto", "domain": "eventi.it", "activated_on": "2026-05-02", "capacity": 700,
     "entry_rate": 30},
]


# One id per code, distinct codes distinct ids (a hash modulo a small number collided).
_PLAN_IDS: dict[str, int] = {}


def plan(code: str, price: str, limits: dict[str, int] | None = None,
         features: tuple[str, ...] = (), plan_id: int = 0) -> PlanTerms:
    return PlanTerms(id=plan_id or _PLAN_IDS.setdefault(code, len(_PLAN_IDS) + 1000),
                     code=code, name=code, category="cloud",
                     price=D(price), period_months=1, limits=limits or {}, features=features)


def service(on: PlanTerms, usage: dict[str, Any]) -> ServiceTerms:
    return ServiceTerms(id=1, customer_id=1, name="svc", plan=on, period_start=date(2026, 11, 1),
                        expires_on=date(2026, 12, 1), paid_for_period=on.price,
                        usage={k: usage_value(v) for k, v in usage.items()})


def by_key(items: tuple[RemovedItem, ...]) -> dict[str, RemovedItem]:
    return {item.key: item for item in items}


def cloud_usage(**extra: Any) -> dict[str, Any]:
    return {"domains": ["shop.it", "eventi.it"], "waiting_rooms": [dict(r) for r in ROOMS],
            "priority_groups": ["vip", "abbonati"], "firewall_ips": ["203.0.113.7"],
            "custom_templates": [{"name": "natale", "room": "saldi"}], **extra}


# --- the rules on plan data ------------------------------------------------------------


def test_seed_004_rules_on_a_cloud_downgrade() -> None:
    items = by_key(over_limits(service(plan("C99", "99", **CLOUD_99), cloud_usage()),
                               plan("C29", "29", **CLOUD_29)))
    # Domains: the one with the most waiting rooms stays; the other's rooms go with it.
    domains = items["domains"]
    assert (domains.kept, domains.removed, domains.along) == (
        ("shop.it",), ("eventi.it",), ("concerto",))
    # Waiting rooms: the most recently activated go.
    rooms = items["waiting_rooms"]
    assert (rooms.current, rooms.allowed, rooms.removed) == (3, 2, ("lancio",))
    # Capacities: scaled to the new total, not one unit wasted.
    capacity = items["capacity"]
    assert capacity.current == 2300
    assert [(a.name, a.before, a.after) for a in capacity.adjusted] == [
        ("saldi", 1500, 652), ("black-friday", 800, 348)]
    assert sum(a.after for a in capacity.adjusted) == 1000
    # Entry rates: capped.
    assert [(a.name, a.after) for a in items["entry_rate"].adjusted] == [
        ("saldi", 50), ("black-friday", 50)]
    # Priority groups and firewall IPs go for good; templates come back after an upgrade.
    assert items["priority_groups"].removed == ("vip", "abbonati")
    assert not items["priority_groups"].returns_on_upgrade
    assert not items["firewall_ips"].returns_on_upgrade
    assert items["custom_templates"].rule == "detach"
    assert items["custom_templates"].returns_on_upgrade


def test_keep_most_uses_the_counts_on_the_items_and_keeps_the_first_on_a_tie() -> None:
    usage = {"domains": [{"name": "a.it", "waiting_rooms": 1}, {"name": "b.it",
                                                                "waiting_rooms": 4},
                         {"name": "c.it", "waiting_rooms": 4}]}
    item = by_key(over_limits(service(plan("BIG", "99", {"domains": 5}), usage),
                              plan("SMALL", "29", {"domains": 1})))["domains"]
    assert (item.kept, item.removed, item.along) == (("b.it",), ("a.it", "c.it"), ())


def test_drop_newest_counts_undated_items_as_oldest() -> None:
    usage = {"waiting_rooms": [{"name": "senza-data"}, {"name": "vecchia",
                                                        "activated_on": "2025-01-01"},
                               {"name": "nuova", "activated_on": "2026-06-01"}]}
    item = over_limits(service(plan("BIG", "99", {"waiting_rooms": 5}), usage),
                       plan("SMALL", "29", {"waiting_rooms": 1}))[0]
    assert (item.kept, item.removed) == (("senza-data",), ("vecchia", "nuova"))


def test_plain_counts_still_work_and_hosting_features_are_deactivated() -> None:
    pro = plan("PRO", "120", {"web_space_mb": 10240, "databases": 5, "mailboxes": 20},
               ("ssl", "staging"))
    start = plan("START", "60", {"web_space_mb": 2048, "databases": 1, "mailboxes": 5},
                 ("ssl",))
    items = over_limits(service(pro, {"web_space_mb": 6000, "databases": 3, "mailboxes": 4}),
                        start)
    assert [(i.key, i.kind, i.rule, i.current, i.allowed, i.returns_on_upgrade)
            for i in items] == [
        ("web_space_mb", "limit", "deactivate", 6000, 2048, False),
        ("databases", "limit", "deactivate", 3, 1, False),
        ("staging", "feature", "deactivate", 0, 0, True)]
    after = apply_removals({"web_space_mb": 6000, "databases": 3, "mailboxes": 4}, items)
    assert after == {"web_space_mb": 2048, "databases": 1, "mailboxes": 4}


def test_a_plain_capacity_is_lowered_to_the_limit() -> None:
    items = over_limits(service(plan("C99", "99", {"capacity": 5000}), {"capacity": 3000}),
                        plan("C29", "29", {"capacity": 1000}))
    assert [(i.key, i.rule, i.current, i.allowed, i.adjusted) for i in items] == [
        ("capacity", "scale", 3000, 1000, ())]
    assert "• Capacità totale delle sale d'attesa: ridotta da 3.000 a 1.000." in removed_lines(
        items)


def test_applying_fits_the_usage_to_the_new_plan() -> None:
    items = over_limits(service(plan("C99", "99", **CLOUD_99), cloud_usage()),
                        plan("C29", "29", **CLOUD_29))
    after = apply_removals(cloud_usage(), items)
    assert after["domains"] == [{"name": "shop.it"}]
    assert after["waiting_rooms"] == [
        {"name": "saldi", "domain": "shop.it", "activated_on": "2026-01-10", "capacity": 652,
         "entry_rate": 50},
        {"name": "black-friday", "domain": "shop.it", "activated_on": "2026-10-20",
         "capacity": 348, "entry_rate": 50}]
    assert after["priority_groups"] == [] and after["firewall_ips"] == []
    # Detached, not deleted: the room is kept to attach it again after an upgrade.
    assert after["custom_templates"] == [{"name": "natale", "detached_from": "saldi"}]
    # Nothing is over the limits any more (only the features the plan lacks remain).
    again = over_limits(service(plan("C99", "99", **CLOUD_99), after),
                        plan("C29", "29", **CLOUD_29))
    assert [i.kind for i in again] == ["feature"] * 3


def test_the_catalogue_names_the_rules() -> None:
    book = default_rules().merged({"priority_groups": Rule("remove", restorable=True),
                                   "domains": Rule("drop_newest", by="activated_on")})
    usage = {"domains": [{"name": "old.it", "activated_on": "2020-01-01"},
                         {"name": "new.it", "activated_on": "2026-01-01"}],
             "priority_groups": ["vip"]}
    items = by_key(over_limits(service(plan("BIG", "99", {"domains": 5}, ("priority_groups",)),
                                       usage), plan("SMALL", "29", {"domains": 1}), book))
    assert items["domains"].removed == ("new.it",)
    assert items["priority_groups"].returns_on_upgrade
    with pytest.raises(ValueError, match="needs by"):
        Rule("keep_most")


def test_reseller_domains_are_offered_as_add_ons_at_the_catalogue_price() -> None:
    book = default_rules().merged({}, {"DOM-ADD": Offer("DOM-ADD", "Dominio aggiuntivo",
                                                        D("12.00"), 12)})
    reseller = plan("EASY", "300", {"domains": 50}, ("ssl", "reseller"))
    end_user = plan("PRO", "120", {"domains": 50}, ("ssl",))
    usage = {"reseller_domains": ["cliente1.it", "cliente2.it"]}
    [item] = over_limits(service(reseller, usage), end_user, book)
    assert (item.key, item.rule, item.removed) == ("reseller", "offer_addon",
                                                   ("cliente1.it", "cliente2.it"))
    assert item.offer == Offer("DOM-ADD", "Dominio aggiuntivo", D("12.00"), 12)
    lines = removed_lines((item,))
    assert ("◦ cliente1.it: può restare attivo come «Dominio aggiuntivo» a € 12,00 + IVA "
            "l'anno, con un cambio servizio; altrimenti verrà disattivato.") in lines
    # A kept domain leaves the reseller too: it becomes a service of its own.
    assert apply_removals(usage, (item,), book, keep=["cliente2.it"]) == {
        "reseller_domains": []}
    # Without an add-on plan in the catalogue, they are deactivated.
    [bare] = over_limits(service(reseller, usage), end_user)
    assert bare.offer is None
    assert "◦ disattivazione di: cliente1.it e cliente2.it" in removed_lines((bare,))


def test_a_stored_quote_keeps_what_goes() -> None:
    quote = change_quote("mese-intero", date(2026, 11, 21),
                         service(plan("C99", "99", **CLOUD_99, plan_id=2), cloud_usage()),
                         plan("C29", "29", **CLOUD_29, plan_id=1), D("0.22"))
    assert Quote.from_dict(quote.to_dict()) == quote
    offer = RemovedItem("reseller", "feature", rule="offer_addon", removed=("a.it",),
                        offer=Offer("DOM-ADD", "Dominio aggiuntivo", D("12.00")))
    stored = {**quote.to_dict(), "removed": [
        {"key": "databases", "kind": "limit", "current": 3, "allowed": 1,
         "returns_on_upgrade": True},  # a quote stored before the rules
        Quote.to_dict(quote)["removed"][0]]}
    old = Quote.from_dict(stored)
    assert old.removed[0] == RemovedItem("databases", "limit", 3, 1, True)
    from core.pricing import _encode

    assert RemovedItem.from_dict(_encode(offer)) == offer


# --- the Italian lines -----------------------------------------------------------------


def test_every_shipped_key_has_an_italian_label() -> None:
    assert set(default_rules().rules) | {"reseller_domains"} <= set(LABELS)


def test_preview_lines_name_items_and_promise_only_what_the_rule_allows() -> None:
    items = over_limits(service(plan("C99", "99", **CLOUD_99), cloud_usage()),
                        plan("C29", "29", **CLOUD_29))
    lines = removed_lines(items)
    assert lines == [
        "Cosa cambia con il nuovo piano:",
        "• Domini: ne usi 2, il nuovo piano ne consente 1. Resta shop.it (con più sale "
        "d'attesa); rimozione di: eventi.it.",
        "◦ insieme a questi, rimozione di sale d'attesa: concerto",
        "↳ Nessun ripristino con un upgrade successivo.",
        "• Sale d'attesa: ne usi 3, il nuovo piano ne consente 2. Rimozione di: lancio (le "
        "attivazioni più recenti).",
        "↳ Nessun ripristino con un upgrade successivo.",
        "• Capacità totale delle sale d'attesa: ne usi 2.300, il nuovo piano ne consente "
        "1.000. Riduzione proporzionale:",
        "◦ saldi: ridotta da 1.500 a 652",
        "◦ black-friday: ridotta da 800 a 348",
        "• Velocità di ingresso (utenti al minuto): il nuovo piano consente al massimo 50.",
        "◦ saldi: limitata a 50 (ora 120)",
        "◦ black-friday: limitata a 50 (ora 60)",
        "• Funzione «gruppi di priorità»: non inclusa nel nuovo piano. Rimozione di: vip e "
        "abbonati.",
        "↳ Nessun ripristino con un upgrade successivo.",
        "• Funzione «IP registrati nel firewall»: non inclusa nel nuovo piano. Rimozione di: "
        "203.0.113.7.",
        "↳ Nessun ripristino con un upgrade successivo.",
        "• Funzione «modelli personalizzati»: non inclusa nel nuovo piano. Distacco di: "
        "natale.",
        "↳ Ripristino con un upgrade successivo.",
        "Ti consigliamo di adeguare prima i tuoi contenuti ai limiti del nuovo piano."]
    assert removed_lines(()) == []


def test_an_unknown_key_is_named_as_other_not_raw() -> None:
    items = over_limits(service(plan("A", "9", {"ftp": 3}), {"ftp": 3}), plan("B", "5"))
    assert removed_lines(items)[1] == (
        "• Altro (ftp): ne usi 3, il nuovo piano ne consente 0. L'eccedenza verrà disattivata.")


# --- through the chat, the sweep, the payment ------------------------------------------


async def luca(app: Sportello) -> Chat:
    return await Chat.open(app, (await app.customer_by_code("C003")).id)


async def ferrari(app: Sportello) -> Service:
    async with app.sessions() as session:
        return (await session.execute(
            select(Service).where(Service.name == "cloud-ferrari"))).scalar_one()


async def limit_audits(app: Sportello) -> list[AuditEntry]:
    async with app.sessions() as session:
        return list((await session.execute(select(AuditEntry).where(
            AuditEntry.action == "limits_applied").order_by(AuditEntry.id))).scalars())


async def test_cloud_downgrade_preview_through_the_chat_then_the_sweep_applies_it_once(
    demo: Sportello,
) -> None:
    demo.settings = demo.settings.model_copy(update={"policy": "mese-intero"})
    chat = await luca(demo)
    await chat.press("Upgrade / cambio piano")
    await chat.press("cloud-ferrari")
    text = await chat.press("Cloud 29")
    assert "Il cambio avrà effetto dal 1° dicembre 2026" in text
    for line in (
        "• Domini: ne usi 2, il nuovo piano ne consente 1. Resta ferrari-shop.it (con più "
        "sale d'attesa); rimozione di: ferrari-eventi.it.",
        "◦ insieme a questi, rimozione di sale d'attesa: concerto-estate",
        "Rimozione di: lancio-collezione (le attivazioni più recenti).",
        "◦ saldi-invernali: ridotta da 1.500 a 652",
        "◦ saldi-invernali: limitata a 50 (ora 120)",
        "• Funzione «gruppi di priorità»: non inclusa nel nuovo piano. Rimozione di: "
        "clienti-vip e abbonati.\n↳ Nessun ripristino con un upgrade successivo.",
        "Distacco di: tema-natale.\n↳ Ripristino con un upgrade successivo.",
    ):
        assert line in text, text
    for raw in ("waiting_rooms", "priority_groups", "firewall_ips", "custom_templates",
                "entry_rate", "capacity:", "tornano con un upgrade"):
        assert raw not in text
    await chat.press("Conferma")
    row = await ferrari(demo)
    assert row.plan.code == "CLOUD-99" and len(row.usage["waiting_rooms"]) == 4
    await demo.run_lifecycle(date(2026, 11, 30))
    assert await limit_audits(demo) == []
    for _ in range(2):  # the second run finds nothing to do
        await demo.run_lifecycle(date(2026, 12, 1))
    row = await ferrari(demo)
    assert row.plan.code == "CLOUD-29"
    assert row.usage["domains"] == [{"name": "ferrari-shop.it"}]
    assert [(r["name"], r["capacity"], r["entry_rate"]) for r in row.usage["waiting_rooms"]] == [
        ("saldi-invernali", 652, 50), ("black-friday", 348, 50)]
    assert row.usage["priority_groups"] == [] and row.usage["firewall_ips"] == []
    assert row.usage["custom_templates"] == [
        {"name": "tema-natale", "detached_from": "saldi-invernali"}]
    [audit] = await limit_audits(demo)
    assert audit.entity_id == row.id and audit.actor == "lifecycle"
    assert audit.detail is not None
    assert (audit.detail["from_plan"], audit.detail["to_plan"]) == ("CLOUD-99", "CLOUD-29")
    removed = {item["key"]: item for item in audit.detail["items"]}
    assert removed["domains"]["removed"] == ["ferrari-eventi.it"]
    assert removed["domains"]["along"] == ["concerto-estate"]
    assert removed["waiting_rooms"]["removed"] == ["lancio-collezione"]
    assert removed["capacity"]["adjusted"] == {"saldi-invernali": [1500, 652],
                                               "black-friday": [800, 348]}
    assert removed["firewall_ips"] == {
        "key": "firewall_ips", "rule": "remove", "current": 2, "allowed": 0,
        "restorable": False, "removed": ["203.0.113.7", "198.51.100.23"]}


RESELLER_PLANS = [
    {"code": "EASY", "name": "Hosting Rivenditore", "category": "hosting", "price": "300.00",
     "limits": {"web_space_mb": 20480, "databases": 10, "mailboxes": 50},
     "features": ["ssl", "reseller"], "changes_to": ["H60"]},
    {"code": "DOM-ADD", "name": "Dominio aggiuntivo", "category": "dominio",
     "price": "12.00"},
]


async def seed_reseller(app: Sportello, **rules: Any) -> int:
    raw = {"plans": PLANS + RESELLER_PLANS, "customers": CUSTOMERS, "limit_rules": rules,
           "services": [{"customer": "C001", "plan": "EASY", "name": "rivendita-rossi",
                         "expires_on": date(2027, 6, 1),
                         "usage": {"web_space_mb": 900, "databases": 1,
                                   "reseller_domains": ["cliente1.it", "cliente2.it"]}}]}
    async with app.sessions() as session, session.begin():
        await apply(session, parse_data(raw, "test"))
    return await customer_id(app, "C001")


async def test_reseller_to_end_user_lists_add_on_prices_and_deactivates_on_payment(
    app: Sportello,
) -> None:
    app.settings = app.settings.model_copy(update={"policy": "pro-rata-giorni"})
    cid = await seed_reseller(app)
    [view] = await app.list_services(cid)
    chat = await Chat.open(app, cid)
    await chat.press("Upgrade / cambio piano")
    await chat.press("rivendita-rossi")
    text = await chat.press("Hosting Start")
    assert ("• Funzione «rivendita»: non inclusa nel nuovo piano. Domini dei tuoi clienti:\n"
            "◦ cliente1.it: può restare attivo come «Dominio aggiuntivo» a € 12,00 + IVA "
            "l'anno, con un cambio servizio; altrimenti verrà disattivato.\n"
            "◦ cliente2.it: può restare attivo come «Dominio aggiuntivo»") in text
    quote = await app.quote_change(cid, view.id, "H60")
    await app.checkout(cid, quote.id, "bonifico", terms=ACCEPTED)
    order = (await app.list_orders(cid))[0]
    await app.register_payment(order.reference, quote.total, "anna")
    async with app.sessions() as session:
        row = await session.get(Service, view.id)
        assert row is not None and row.plan.code == "H60"
        assert row.usage["reseller_domains"] == []
    [audit] = await limit_audits(app)
    assert audit.detail is not None and audit.detail["items"][-1]["removed"] == [
        "cliente1.it", "cliente2.it"]


async def test_rules_named_in_the_import_file_are_the_ones_quoted_and_applied(
    app: Sportello,
) -> None:
    app.settings = app.settings.model_copy(update={"policy": "pro-rata-giorni"})
    cid = await seed_reseller(app, reseller={"rule": "remove", "items": "reseller_domains",
                                             "restorable": True})
    async with app.sessions() as session:
        book = await rule_book(session)
        [row] = (await session.execute(select(LimitRuleRow))).scalars()
        assert (row.key, row.rule, row.restorable, row.params) == (
            "reseller", "remove", True, {"items": "reseller_domains"})
        entry = (await session.execute(select(AuditEntry).where(
            AuditEntry.entity == "limit_rule"))).scalar_one()
        assert entry.action == "import_create"
    assert book.rules["reseller"] == Rule("remove", restorable=True, items="reseller_domains")
    [view] = await app.list_services(cid)
    quote = await app.quote_change(cid, view.id, "H60")
    reseller = by_key(quote.removed)["reseller"]
    assert (reseller.rule, reseller.returns_on_upgrade) == ("remove", True)


# --- the import of usage detail --------------------------------------------------------

GOOD = """\
limit_rules:
  domains: {rule: keep_most, by: waiting_rooms, link: domain}
plans:
  - {code: C99, name: Cloud 99, category: cloud, price: "99.00", period_months: 1,
     limits: {domains: 10, waiting_rooms: 20}, features: [priority_groups]}
customers:
  - {code: C1, name: Luca Ferrari}
services:
  - customer: C1
    plan: C99
    name: cloud
    expires_on: 2026-12-01
    usage:
      capacity: 1200
      domains:
        - shop.it
        - {name: eventi.it, waiting_rooms: 1}
      waiting_rooms:
        - {name: saldi, domain: shop.it, activated_on: 2026-01-10, capacity: 700,
           entry_rate: 50}
      priority_groups: [vip]
"""


async def test_usage_detail_is_imported(app: Sportello) -> None:
    async with app.sessions() as session, session.begin():
        await apply(session, parse(GOOD, "cloud.yaml"))
    async with app.sessions() as session:
        row = (await session.execute(select(Service))).scalar_one()
        assert row.usage == {
            "capacity": 1200,
            "domains": [{"name": "shop.it"}, {"name": "eventi.it", "waiting_rooms": 1}],
            "waiting_rooms": [{"name": "saldi", "activated_on": "2026-01-10",
                               "capacity": 700, "entry_rate": 50, "domain": "shop.it"}],
            "priority_groups": [{"name": "vip"}]}


@pytest.mark.parametrize(("change", "where", "field", "code"), [
    (("- {name: eventi.it, waiting_rooms: 1}", "- {name: shop.it, waiting_rooms: 1}"),
     "cloud.yaml:17", "services.0.usage.domains.1.name", "duplicate"),
    (("activated_on: 2026-01-10", "activated_on: 2026-02-30"),
     "cloud.yaml:19", "services.0.usage.waiting_rooms.0.activated_on",
     "date_from_datetime_parsing"),
    (("entry_rate: 50}", "entry_rate: -5}"),
     "cloud.yaml:20", "services.0.usage.waiting_rooms.0.entry_rate", "greater_than_equal"),
    (("entry_rate: 50}", "entry_rat: 50}"),
     "cloud.yaml:20", "services.0.usage.waiting_rooms.0.entry_rat", "extra_forbidden"),
    (("capacity: 1200", "capacity: molta"),
     "cloud.yaml:14", "services.0.usage.capacity", "int_parsing"),
    (("link: domain}", "link: domain, rule: keep_most}"),
     "cloud.yaml:2", "limit_rules.domains", "duplicate_key"),
    (("{rule: keep_most, by: waiting_rooms, link: domain}", "{rule: keep_most}"),
     "cloud.yaml:2", "limit_rules.domains.by", "missing"),
    (("rule: keep_most,", "rule: shrink,"),
     "cloud.yaml:2", "limit_rules.domains.rule", "literal_error"),
])
def test_bad_usage_detail_is_refused_with_its_line(
    change: tuple[str, str], where: str, field: str, code: str,
) -> None:
    text = GOOD.replace(*change)
    assert text != GOOD
    with pytest.raises(ImportFailed) as err:
        parse(text, "cloud.yaml")
    problems = [(w, f, d.code) for w, f, d in err.value.facts["problems"]]
    assert problems == [(where, "syntax" if code == "duplicate_key" else field, code)]


async def test_an_add_on_plan_must_be_in_the_catalogue(app: Sportello) -> None:
    text = GOOD.replace("limit_rules:\n", "limit_rules:\n  reseller: {rule: offer_addon, "
                        "plan: NOPE}\n")
    with pytest.raises(ImportFailed) as err:
        async with app.sessions() as session, session.begin():
            await apply(session, parse(text, "cloud.yaml"))
    assert [(w, f, d.code) for w, f, d in err.value.facts["problems"]] == [
        ("cloud.yaml:2", "limit_rules.reseller.plan", "unknown_plan")]
