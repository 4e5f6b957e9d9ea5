"""The free-text router: time per message and accuracy on the labelled sets."""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

import yaml

from handlers.router import route
from tests.router_customers import MARIO as SERVICES

DATA = Path(__file__).parent.parent / "tests" / "data"


def run(rounds: int = 20) -> dict[str, Any]:
    items = yaml.safe_load((DATA / "intents.yaml").read_text(encoding="utf-8"))
    route("riscaldamento", SERVICES)
    timings = []
    for _ in range(rounds):
        for item in items:
            started = time.perf_counter()
            route(item["text"], SERVICES)
            timings.append(time.perf_counter() - started)
    timings.sort()
    right = sum(route(i["text"], SERVICES).intent == i["intent"] for i in items)
    return {"messages": len(timings),
            "median_ms": round(statistics.median(timings) * 1000, 3),
            "p99_ms": round(timings[int(len(timings) * 0.99)] * 1000, 3),
            "accuracy": round(right / len(items), 3)}
