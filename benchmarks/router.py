"""The free-text router: time per message and accuracy on the labelled sets.

Timed twice: `cold` clears the per-word cache before every message (each word new, the
worst case), `warm` keeps it (as a running bot does once customers' words repeat). The
machine may be busy: each message's time is the best of a few rounds, so p99 is the
router's cost, not the neighbours'.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

import yaml

from handlers import router
from handlers.router import route
from tests.router_customers import LUIGI, MARIO

DATA = Path(__file__).parent.parent / "tests" / "data"
SETS = (("intents.yaml", MARIO), ("intents_holdout.yaml", LUIGI),
        ("intents_blind.yaml", LUIGI))
LABELS = {"intents.yaml": "tuned", "intents_holdout.yaml": "holdout",
          "intents_blind.yaml": "blind"}


def _timings(rounds: int, cold: bool) -> list[float]:
    best: dict[int, float] = {}
    for _ in range(rounds):
        n = 0
        for name, services in SETS:
            for item in yaml.safe_load((DATA / name).read_text(encoding="utf-8")):
                if cold:
                    router._word_matches.cache_clear()
                started = time.perf_counter()
                route(item["text"], services)
                elapsed = time.perf_counter() - started
                best[n] = min(best.get(n, elapsed), elapsed)
                n += 1
    return sorted(best.values())


def run(rounds: int = 5) -> dict[str, Any]:
    route("riscaldamento", MARIO)
    result: dict[str, Any] = {}
    for name, services in SETS:
        items = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
        right = sum(route(i["text"], services).intent == i["intent"] for i in items)
        result[f"{LABELS[name]}_accuracy"] = f"{right}/{len(items)} {right / len(items):.1%}"
    for kind in ("cold", "warm"):
        timings = _timings(rounds, cold=kind == "cold")
        result[f"{kind}_median_ms"] = round(statistics.median(timings) * 1000, 3)
        result[f"{kind}_p99_ms"] = round(timings[int(len(timings) * 0.99)] * 1000, 3)
    return result


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value}")
