"""The free-text router: time per message, and accuracy on messages the model never saw.

Accuracy is measured by leaving data out: the model is refitted without one file of
`locales/it/intent_examples/` (each written by one writer, blind to the phrases) and read
on that file; and by 5-fold cross-validation over all examples. `rules` is the reading of
the phrases alone (which were tuned on those files, so it is flattered); `router` is the
model with the phrases' negations and "scollega". The sealed sets (`tests/data/`), which
nothing was ever fitted or tuned on, are read by the trained model.

Timed twice: `cold` clears the per-word cache before every message (each word new, the
worst case), `warm` keeps it (as a running bot does once customers' words repeat). The
machine may be busy: each message's time is the best of a few rounds, so p99 is the
router's cost, not the neighbours'.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from handlers import intent_model, intent_training, router
from handlers.router import ServiceRef, route, rule_route
from tests.router_customers import LUIGI, MARIO

ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "locales" / "it" / "intent_examples"
SEALED = [ROOT / "tests" / "data" / name
          for name in ("intents_sealed2.yaml", "intents_sealed3.yaml",
                       "intents_sealed3_pairs.yaml")]


def _items(path: Path) -> list[dict[str, Any]]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _services(name: str) -> list[ServiceRef]:
    return MARIO if name.startswith("01-") else LUIGI


def _fit_without(leave_out: Callable[[str, int], bool]) -> intent_model.Model:
    """A model fitted without the examples `leave_out(file name, position)` holds back."""
    texts, labels = intent_training.training_set(leave_out)
    vectorizer, classifier = intent_training.fit(texts, labels)
    return intent_model.load(intent_training.arrays(vectorizer, classifier, "evaluation"))


def _row(label: str, items: list[dict[str, Any]], services: list[ServiceRef],
         model: intent_model.Model | None) -> dict[str, Any]:
    """The share of `items` given their intent by the router and by the phrases alone."""
    right = sum(route(i["text"], services, model).intent == i["intent"] for i in items)
    rules = sum(rule_route(i["text"], services).intent == i["intent"] for i in items)
    return {"set": label, "messages": len(items), "router": f"{right / len(items):.1%}",
            "phrases_only": f"{rules / len(items):.1%}"}


def accuracy(left_out: bool = True, folds: int = 5) -> list[dict[str, Any]]:
    """Rows: each example file left out of the fit, a cross-validation over all of them,
    and the sealed sets with the trained model."""
    rows = []
    if left_out:
        for path in intent_training.example_files():
            model = _fit_without(lambda name, _, left=path.name: name == left)
            rows.append(_row(f"left out: {path.name}", _items(Path(str(path))),
                             _services(path.name), model))
    if folds:
        tagged = [(path.name, n, item) for path in intent_training.example_files()
                  for n, item in enumerate(_items(Path(str(path))))]
        random.Random(0).shuffle(tagged)
        fold_of = {(name, n): k % folds for k, (name, n, _) in enumerate(tagged)}
        right = rules = 0
        for k in range(folds):
            model = _fit_without(lambda name, n, k=k: fold_of[name, n] == k)
            for name, n, item in tagged:
                if fold_of[name, n] == k:
                    services = _services(name)
                    right += route(item["text"], services, model).intent == item["intent"]
                    rules += rule_route(item["text"], services).intent == item["intent"]
        rows.append({"set": f"{folds}-fold cross-validation", "messages": len(tagged),
                     "router": f"{right / len(tagged):.1%}",
                     "phrases_only": f"{rules / len(tagged):.1%}"})
    for path in SEALED:
        if path.exists():
            rows.append(_row(f"sealed: {path.name}", _items(path), LUIGI, None))
    return rows


def _timings(rounds: int, cold: bool) -> list[float]:
    items = [(item["text"], _services(path.name)) for path in intent_training.example_files()
             for item in _items(Path(str(path)))]
    best: dict[int, float] = {}
    for _ in range(rounds):
        for n, (text, services) in enumerate(items):
            if cold:
                router._word_matches.cache_clear()
                router._kind_word.cache_clear()
            started = time.perf_counter()
            route(text, services)
            elapsed = time.perf_counter() - started
            best[n] = min(best.get(n, elapsed), elapsed)
    return sorted(best.values())


def run(rounds: int = 5, left_out: bool = True, folds: int = 5) -> dict[str, list[Any]]:
    """{"time": [one row], "accuracy": [rows]}."""
    route("riscaldamento", MARIO)
    timing: dict[str, Any] = {}
    for kind in ("cold", "warm"):
        timings = _timings(rounds, cold=kind == "cold")
        timing["messages"] = len(timings)
        timing[f"{kind}_median_ms"] = round(statistics.median(timings) * 1000, 3)
        timing[f"{kind}_p99_ms"] = round(timings[int(len(timings) * 0.99)] * 1000, 3)
    return {"time": [timing], "accuracy": accuracy(left_out, folds)}


if __name__ == "__main__":
    for part, rows in run().items():
        for row in rows:
            print(part, row)
