"""The free-text router against labelled Italian messages; the figures are printed."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from core.app import Sportello
from core.models import Order, Service, Ticket
from handlers import intent_training
from handlers.i18n import t
from handlers.router import ServiceRef, fold, route
from tests.chat_helpers import Chat
from tests.router_customers import LUIGI, MARIO

DATA = Path(__file__).parent / "data"
EXAMPLES = Path(__file__).parent.parent / "locales" / "it" / "intent_examples"


def evaluate(path: Path, services: list[ServiceRef]) -> tuple[float, float, list[str]]:
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    right, service_right, service_total, misses = 0, 0, 0, []
    for item in items:
        routed = route(item["text"], services)
        if routed.intent == item["intent"]:
            right += 1
        else:
            misses.append(f"{item['intent']} -> {routed.intent}: {item['text']}")
        expected = item.get("service")
        if expected or routed.service_name:
            service_total += 1
            service_right += expected == routed.service_name
    return right / len(items), service_right / max(service_total, 1), misses


# The labelled messages the model learned from: it must fit them (a stale or broken model
# does not), and the phrases must keep finding the services they name. These are training
# figures, not a measure of messages nobody has seen (that is the sealed set below).
@pytest.mark.parametrize(("name", "services", "service_floor"), [
    ("01-tuned.yaml", MARIO, 0.9),
    ("02-holdout.yaml", LUIGI, 0.9),
    # Service labels here are sparser (often none where "il sito" names the one hosting).
    ("03-blind.yaml", LUIGI, 0.85),
    ("04-sealed.yaml", LUIGI, 0.85),
])
def test_router_fits_its_examples(name: str, services: list[ServiceRef], service_floor: float,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    accuracy, service_accuracy, misses = evaluate(EXAMPLES / name, services)
    with capsys.disabled():
        print(f"\nrouter on training set {name}: intent {accuracy:.1%}, "
              f"service {service_accuracy:.1%}")
    assert accuracy >= 0.95, "\n".join(misses)
    assert service_accuracy >= service_floor


# Sets written blind and kept unopened until the model was trained; nothing is fitted or
# tuned on them (keep them out of intent_examples/). Each floor guards against getting
# worse: sealed2 scored 97.5% when first opened (2026-12-05); sealed3 (11 writers' thirds)
# 95.2% and sealed3_pairs (off-topic messages beside their on-topic twins) 87.3% when
# opened on 2026-12-06.
SEALED = [("intents_sealed2.yaml", 0.95, 0.95), ("intents_sealed3.yaml", 0.94, 0.9),
          ("intents_sealed3_pairs.yaml", 0.85, 0.9)]  # (file, intent floor, service floor)


def _trained() -> set[str]:
    return {fold(text) for text in intent_training.training_set()[0]}


@pytest.mark.parametrize(("name", "floor", "service_floor"), SEALED)
def test_router_on_the_sealed_sets(name: str, floor: float, service_floor: float,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    """Also read without the messages that some other writer wrote word for word into the
    training files («ciao», «voglio parlare con un operatore»): those flatter the figure."""
    items = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    trained = _trained()
    routed = [route(i["text"], LUIGI) for i in items]
    right = [r.intent == i["intent"] for i, r in zip(items, routed, strict=True)]
    right_unseen = [ok for i, ok in zip(items, right, strict=True)
                    if fold(i["text"]) not in trained]
    misses = [f"{i['intent']} -> {r.intent}: {i['text']}"
              for i, r, ok in zip(items, routed, right, strict=True) if not ok]
    # Service labels are sparse: "la pec" is often left blank where the router names the
    # customer's one PEC; what is labelled must be found.
    labelled = [(i, r) for i, r in zip(items, routed, strict=True) if i.get("service")]
    found = sum(r.service_name == i["service"] for i, r in labelled)
    accuracy = sum(right) / len(items)
    unseen_accuracy = sum(right_unseen) / len(right_unseen)
    with capsys.disabled():
        print(f"\nrouter on the sealed set {name} ({len(items)} messages): intent "
              f"{accuracy:.1%}; on the {len(right_unseen)} not also in the training files "
              f"{unseen_accuracy:.1%}; services named {found}/{len(labelled)}")
    assert accuracy >= floor, "\n".join(misses)
    assert unseen_accuracy >= floor - 0.01, "\n".join(misses)
    assert found / len(labelled) >= service_floor


@pytest.mark.parametrize("name", [name for name, _, _ in SEALED])
def test_sealed_messages_are_not_trained_on(name: str) -> None:
    """No sealed set was copied into the fit: writers working apart do write the same short
    messages («ciao», «che comandi ci sono»), and a few longer stock ones, but few."""
    items = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    trained = _trained()
    shared = [i["text"] for i in items
              if len(fold(i["text"]).split()) >= 4 and fold(i["text"]) in trained]
    assert len(shared) <= 0.05 * len(items), shared


def test_labelled_sets_are_large_and_varied() -> None:
    items = [item for path in EXAMPLES.glob("*.yaml")
             for item in yaml.safe_load(path.read_text(encoding="utf-8"))]
    assert len(items) >= 2000
    counts = Counter(item["intent"] for item in items)
    assert set(counts) == {"products", "renew", "cancel", "recover", "change_plan", "orders",
                           "ticket", "operator", "help", "greeting", "unlink", "unknown"}
    assert min(counts.values()) >= 100, counts


@pytest.mark.parametrize(("text", "intent"), [
    ("non voglio rinnovare", "cancel"),
    ("non voglio disdire niente", "unknown"),
    ("non riesco a disdire l'hosting", "cancel"),
    ("vorrei rinnovare, non disdire", "renew"),
    ("RINOVARE DOMINIO", "renew"),
    ("voglio parlare con un operatore", "operator"),
    ("ciao", "greeting"),
    ("ciao, vorrei rinnovare", "renew"),
    ("🍕", "unknown"),
    # negation covers a request for a person, and a misread never acts
    ("non voglio parlare con un operatore", "unknown"),
    ("non mi serve un operatore", "unknown"),
    ("scollega", "unlink"),
    ("scollega questa chat", "unlink"),
    ("come collego il dominio all'hosting?", "ticket"),
    ("passami un collega", "operator"),
    # the families of the issue
    ("vorrei aggiungere ram al server", "change_plan"),
    ("quanto pago se passo al business?", "change_plan"),
    ("mi serve un piano con più caselle email", "change_plan"),
    ("buonasera, ho una domanda", "greeting"),
    ("ciao bot", "greeting"),
    ("non riesco a pubblicare il sito", "ticket"),
    ("posso chiamarvi?", "operator"),
    ("ho pagato ma il servizio non è stato rinnovato", "orders"),
    ("ordini in sospeso", "orders"),
    ("nn rinnovare il dominio", "cancel"),
    # a negation ends with its clause, its pronoun object or a new wish
    ("mio figlio non c'è e io devo rinnovare la pec", "renew"),
    ("il sito non lo voglio più chiudete l'hosting", "cancel"),
    ("non voglio il bot voglio una persona", "operator"),
    ("ho rinnovato in ritardo e la pec non si è riaccesa", "recover"),
    # English words read as their Italian
    ("please renew my domain", "renew"),
    ("I want a refund, you charged me twice", "orders"),
    ("domain expired last week, I want it back", "recover"),
    ("can I talk to a human?", "operator"),
    ("do not renew the website", "cancel"),
    ("non voglio parlare con nessun operatore, dimmi quando scade il dominio", "products"),
    # a service only named is shown; a longer message not understood stays so
    ("la pec?", "products"),
    ("e rossipizzeria.it?", "products"),
    ("il server del bar mi ha portato il conto sbagliato", "unknown"),
    ("mi consigli una pizzeria a Napoli", "unknown"),  # rossipizzeria.it is not asked for
])
def test_router_edge_cases(text: str, intent: str) -> None:
    assert route(text, MARIO).intent == intent


@pytest.mark.parametrize(("text", "service"), [
    ("il dominio .com è scaduto", "verdi-shop.com"),
    ("rinnova il dominio punto it", "luigiverdi.it"),
    ("il .com lo rivoglio", "verdi-shop.com"),
    ("please renew it", None),  # "it" alone is a word, not an ending
    ("volevo chiudere il vu pi esse", "vps-verdi"),
    ("la peck è attiva?", "luigi.verdi@pec.it"),
    ("mandatemi la disdetta dell'ostin", "www.luigiverdi.it"),
    ("quanti giga in più ho se passo da start a pro", "www.luigiverdi.it"),
    ("voglio disdire la pecc", "luigi.verdi@pec.it"),  # a kind word misspelt
    ("come elimino il sercer", "vps-verdi"),
    ("serve più banda per www.luigiverdi.it", "www.luigiverdi.it"),  # "serve" is a word
    ("il dominio del negozio è scaduto", "verdi-shop.com"),  # a part of the name in Italian
    ("quella certificata scade?", "luigi.verdi@pec.it"),
    ("Je veux renouveler mon serveur", "vps-verdi"),
])
def test_router_finds_the_service_as_customers_say_it(text: str, service: str | None) -> None:
    assert route(text, LUIGI).service_name == service


def test_router_reports_runner_up_and_service() -> None:
    routed = route("ho pagato due volte il rinnovo di mariorossi.it", MARIO)
    assert routed.intent == "orders" and routed.runner_up == "renew"
    assert routed.service_name == "mariorossi.it"


def test_router_speed_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    items = [item for path in sorted(EXAMPLES.glob("*.yaml"))
             for item in yaml.safe_load(path.read_text(encoding="utf-8"))]
    best: dict[int, float] = {}
    for _ in range(3):  # each message's best of three: the router's cost, not the machine's load
        for n, item in enumerate(items):
            start = time.perf_counter()
            route(item["text"], MARIO)
            elapsed = time.perf_counter() - start
            best[n] = min(best.get(n, elapsed), elapsed)
    timings = sorted(best.values())
    with capsys.disabled():
        print(f"\nrouter time per message: median {timings[len(timings) // 2] * 1000:.2f} ms, "
              f"p99 {timings[int(len(timings) * 0.99)] * 1000:.2f} ms")


# --- through the chat: free text acts only after a confirming tap ----------------------


async def _chat(app: Sportello) -> Chat:
    return await Chat.open(app, (await app.customer_by_code("C001")).id)


async def _count(app: Sportello, model: type) -> int:
    async with app.sessions() as session:
        return (await session.execute(select(func.count()).select_from(model))).scalar_one()


async def _statuses(app: Sportello) -> dict[str, tuple[str, object]]:
    async with app.sessions() as session:
        rows = (await session.execute(select(Service))).scalars().all()
        return {s.name: (s.status, s.expires_on) for s in rows}


async def test_operator_typed_asks_first_and_the_tap_opens_one_ticket(demo: Sportello) -> None:
    chat = await _chat(demo)
    asked = await chat.say("voglio parlare con un operatore")
    assert "Apro una richiesta al supporto?" in asked
    assert chat.labels == ["Sì, apri la richiesta", "No"]
    assert await _count(demo, Ticket) == 0
    assert "Ho aperto il ticket n. 1" in await chat.press("Sì, apri la richiesta")
    [ticket] = await demo.list_tickets()
    assert [m.text for m in ticket.messages] == ["voglio parlare con un operatore"]
    assert ticket.category == "operatore"


async def test_operator_declined_or_negated_opens_nothing(demo: Sportello) -> None:
    chat = await _chat(demo)
    await chat.say("passami un operatore")
    await chat.press("No")
    assert "Sì, apri la richiesta" not in chat.labels
    negated = await chat.say("non voglio parlare con un operatore")
    assert "Apro una richiesta" not in negated and "Ho aperto" not in negated
    assert await _count(demo, Ticket) == 0


async def test_operator_mid_flow_asks_first_and_keeps_the_flow(demo: Sportello) -> None:
    chat = await _chat(demo)
    await chat.press("Non rinnovare")
    await chat.press("mariorossi.it")
    assert "Apro una richiesta" in await chat.say("voglio parlare con un operatore")
    assert await _count(demo, Ticket) == 0
    await chat.press("Sì, apri la richiesta")
    [ticket] = await demo.list_tickets()
    assert ticket.context["flow"] == "cancel"


async def test_technical_question_typed_opens_a_ticket_only_on_the_category_tap(
        demo: Sportello) -> None:
    chat = await _chat(demo)
    await chat.say("come collego il dominio all'hosting?")
    assert await _count(demo, Ticket) == 0
    assert chat.labels[0] == t("ticket_category-tecnico")
    await chat.press(t("ticket_category-tecnico"))
    [ticket] = await demo.list_tickets()
    assert ticket.category == "tecnico"
    assert [m.text for m in ticket.messages] == ["come collego il dominio all'hosting?"]


@pytest.mark.parametrize("text", [
    "togliete il rinnovo automatico di mariorossi.it",
    "voglio attivare il rinnovo automatico per mariorossi.it",
])
async def test_automatic_renewal_typed_shows_the_card_with_both_choices(
        demo: Sportello, text: str) -> None:
    """Switching the mode and not renewing are different wishes: the card offers both."""
    chat = await _chat(demo)
    before = await _statuses(demo)
    shown = await chat.say(text)
    assert shown.startswith("mariorossi.it") and "Rinnovo: Su richiesta" in shown
    assert t("btn-mode-auto") in chat.labels and t("btn-cancel") in chat.labels
    assert await _statuses(demo) == before and await _count(demo, Order) == 0


async def test_scollega_typed_asks_to_unlink(demo: Sportello) -> None:
    chat = await _chat(demo)
    asked = await chat.say("scollega")
    assert asked == t("unlink-ask")
    assert await _count(demo, Ticket) == 0
    assert "Ciao Mario" in await chat.command("start")  # still linked: nothing was done


@pytest.mark.parametrize("text", [
    "vorrei rinnovare mariorossi.it",
    "disdici l'hosting",
    "non rinnovate la pec",
    "quanto costa passare al piano business?",
    "vorrei aggiungere spazio all'hosting",
    "il mio dominio è scaduto, posso recuperarlo?",
])
async def test_acting_intents_typed_only_start_a_flow_that_asks(demo: Sportello,
                                                                text: str) -> None:
    chat = await _chat(demo)
    before = await _statuses(demo)
    await chat.say(text)
    assert chat.labels, "a flow that asks shows buttons"
    assert await _statuses(demo) == before
    assert (await _count(demo, Order), await _count(demo, Ticket)) == (0, 0)
