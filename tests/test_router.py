"""The free-text router against labelled Italian messages; the figures are printed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from handlers.router import ServiceRef, route
from tests.router_customers import LUIGI, MARIO

DATA = Path(__file__).parent / "data"


def evaluate(name: str, services: list[ServiceRef]) -> tuple[float, float, list[str]]:
    items = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
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


@pytest.mark.parametrize(("name", "services", "floor", "service_floor"), [
    ("intents.yaml", MARIO, 0.95, 0.9),          # the set the phrases were tuned on
    ("intents_holdout.yaml", LUIGI, 0.90, 0.9),  # written blind, never used for tuning
    # 360 messages written blind (by someone who never read intents.yaml); their misses
    # showed the families of phrases to add, never single sentences. Its service labels
    # are sparser (often none where "il sito" names the one hosting): a lower floor.
    ("intents_blind.yaml", LUIGI, 0.95, 0.85),
])
def test_router_accuracy(name: str, services: list[ServiceRef], floor: float,
                         service_floor: float, capsys: pytest.CaptureFixture[str]) -> None:
    accuracy, service_accuracy, misses = evaluate(name, services)
    with capsys.disabled():
        size = len(yaml.safe_load((DATA / name).read_text(encoding="utf-8")))
        print(f"\nrouter on {name} ({size} messages): intent accuracy {accuracy:.1%}, "
              f"service accuracy {service_accuracy:.1%}")
    assert accuracy >= floor, "\n".join(misses)
    assert service_accuracy >= service_floor


def test_labelled_sets_are_large_and_varied() -> None:
    items = yaml.safe_load((DATA / "intents.yaml").read_text(encoding="utf-8"))
    assert len(items) >= 150
    labels = {item["intent"] for item in items}
    assert labels == {"products", "renew", "cancel", "recover", "change_plan", "orders",
                      "ticket", "operator", "help", "greeting", "unknown"}


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
])
def test_router_edge_cases(text: str, intent: str) -> None:
    assert route(text, MARIO).intent == intent


def test_router_reports_runner_up_and_service() -> None:
    routed = route("il pagamento del rinnovo di mariorossi.it è fallito, riprovo?", MARIO)
    assert routed.intent == "orders" and routed.runner_up == "renew"
    assert routed.service_name == "mariorossi.it"


def test_router_speed_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    items = [item for name in ("intents.yaml", "intents_holdout.yaml", "intents_blind.yaml")
             for item in yaml.safe_load((DATA / name).read_text(encoding="utf-8"))]
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
