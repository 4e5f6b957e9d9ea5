"""`python -m benchmarks` (or `sportello bench`): run the benchmarks, print a table, write
JSON. `--quick` runs a tiny version of each (seconds), as CI's smoke run does."""

from __future__ import annotations

import asyncio
import json
import os
import platform
import tempfile
from pathlib import Path
from typing import Any

from benchmarks import conversation, memory, router, startup, sweep, tap

PARTS = ("router", "sweep", "conversation", "tap", "memory", "startup")


def machine() -> dict[str, Any]:
    return {"python": platform.python_version(), "system": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "cores": os.cpu_count()}


def table(title: str, rows: list[dict[str, Any]]) -> str:
    if not rows:
        return ""
    keys = list(rows[0])
    widths = {k: max(len(k), *(len(str(r.get(k, ""))) for r in rows)) for k in keys}
    lines = [title, "  ".join(k.ljust(widths[k]) for k in keys),
             "  ".join("-" * widths[k] for k in keys)]
    lines += ["  ".join(str(r.get(k, "")).ljust(widths[k]) for k in keys) for r in rows]
    return "\n".join(lines) + "\n"


async def run_all(quick: bool, pg_url: str | None, parts: list[str]) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="sportello-bench-"))
    results: dict[str, Any] = {"machine": machine(), "quick": quick}
    if "router" in parts:
        reading = router.run(rounds=2 if quick else 20, left_out=not quick,
                             folds=0 if quick else 5)
        results["router"], results["router_accuracy"] = reading["time"], reading["accuracy"]
    if "sweep" in parts:
        sizes = [2_000, 10_000] if quick else [10_000, 100_000, 1_000_000]
        results["sweep"] = await sweep.run(sizes, folder, pg_url)
    if "conversation" in parts:
        results["conversation"] = await conversation.run(
            folder, customers=10 if quick else 60, rounds=1 if quick else 3, pg_url=pg_url,
            paced=5 if quick else 60)
    if "tap" in parts:
        results["tap"] = await tap.run(folder, taps=12 if quick else 100)
    if "memory" in parts:
        results["memory"] = [await memory.run(
            folder, services=3_000 if quick else 300_000, chats=100 if quick else 10_000)]
    if "startup" in parts:
        results["startup"] = await asyncio.to_thread(startup.run, 2 if quick else 7)
    return results


TITLES = {
    "router": "free-text router, time per message",
    "router_accuracy": "free-text router, intent accuracy on messages left out of the fit",
    "sweep": "daily lifecycle sweep",
    "conversation": "conversations per runtime (ratio = ours / echo floor)",
    "tap": "tap to screen, pacer on (a customer tapping as screens arrive, support group busy)",
    "memory": "resident memory of `sportello run`",
    "startup": "warm start-up of `sportello` commands (seconds, exec to exit)",
}


def main(argv: list[str] | None = None) -> int:
    from bot.cli_args import Parser  # argparse, but its errors are one Italian line
    from bot.cli_help import BENCH  # and its help screen Italian

    parser = Parser(prog="sportello bench", description=BENCH["description"])
    parser.add_argument("--quick", action="store_true", help=BENCH["quick"])
    parser.add_argument("--pg-url", help=BENCH["pg_url"])
    parser.add_argument("--json", default="bench-results.json", help=BENCH["json"])
    parser.add_argument("--only", action="append", choices=PARTS,
                        help=BENCH["only"])
    args = parser.parse_args(argv)
    results = asyncio.run(run_all(args.quick, args.pg_url, args.only or list(PARTS)))
    print(f"machine: {results['machine']}\n")
    for part in TITLES:
        if part in results:
            print(table(TITLES[part], results[part]))
    Path(args.json).write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    print(f"written: {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
