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


@pytest.mark.parametrize(("name", "services", "floor"), [
    ("intents.yaml", MARIO, 0.90),          # the labelled set the phrases were tuned on
    ("intents_holdout.yaml", LUIGI, 0.85),  # written blind, never used for tuning
])
def test_router_accuracy(name: str, services: list[ServiceRef], floor: float,
                         capsys: pytest.CaptureFixture[str]) -> None:
    accuracy, service_accuracy, misses = evaluate(name, services)
    with capsys.disabled():
        size = len(yaml.safe_load((DATA / name).read_text(encoding="utf-8")))
        print(f"\nrouter on {name} ({size} messages): intent accuracy {accuracy:.1%}, "
              f"service accuracy {service_accuracy:.1%}")
    assert accuracy >= floor, "\n".join(misses)
    assert service_accuracy >= 0.9


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
])
def test_router_edge_cases(text: str, intent: str) -> None:
    assert route(text, MARIO).intent == intent


def test_router_reports_runner_up_and_service() -> None:
    routed = route("il pagamento del rinnovo di mariorossi.it è fallito, riprovo?", MARIO)
    assert routed.intent == "orders" and routed.runner_up == "renew"
    assert routed.service_name == "mariorossi.it"


def test_router_speed_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    items = yaml.safe_load((DATA / "intents.yaml").read_text(encoding="utf-8"))
    timings = []
    for item in items * 3:
        start = time.perf_counter()
        route(item["text"], MARIO)
        timings.append(time.perf_counter() - start)
    timings.sort()
    with capsys.disabled():
        print(f"\nrouter time per message: median {timings[len(timings) // 2] * 1000:.2f} ms, "
              f"p99 {timings[int(len(timings) * 0.99)] * 1000:.2f} ms")
