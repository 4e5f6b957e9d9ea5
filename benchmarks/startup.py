"""Warm start-up of the command line: how long `sportello …` takes, from exec to exit.

Each command runs as its own process (`python -m bot`, as the `sportello` script does)
against a demo database made beforehand in a temporary data directory; the first run of
each is thrown away (it fills the OS file cache: "warm"), then `runs` are timed and the
median and the fastest kept. `python -c pass` is the floor no command can go under.
`heavy` says which of SQLAlchemy's ORM, pydantic and a Telegram framework (or aiohttp)
the command imported at all (`python -X importtime`).

    python -m benchmarks.startup        # or: sportello bench --only startup
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parent.parent
PHRASES = "\n".join(["vorrei rinnovare mariorossi.it", "ciao", "voglio disdire l'hosting",
                     "parlare con un operatore"] * 25) + "\n"  # 100 messages
# name, arguments, standard input
COMMANDS: list[tuple[str, list[str], str]] = [
    ("python -c pass (floor)", [], ""),
    ("intent TEXT", ["intent", "vorrei rinnovare mariorossi.it"], ""),
    ("intent - (100 lines)", ["intent", "-"], PHRASES),
    ("intent TEXT --customer", ["intent", "vorrei rinnovare", "--customer", "C001"], ""),
    ("tickets list", ["tickets", "list"], ""),
    ("payments list", ["payments", "list"], ""),
    ("chat (/esci)", ["chat", "--today", "2026-11-21"], "/esci\n"),
]
HEAVY = {"sqlalchemy.orm": "orm", "pydantic": "pydantic", "telegram": "ptb",
         "aiogram": "aiogram", "aiohttp": "aiohttp"}


def _command(args: list[str]) -> list[str]:
    return [sys.executable, "-c", "pass"] if not args else [sys.executable, "-m", "bot", *args]


def _once(args: list[str], stdin: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(_command(args), input=stdin, capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=300)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)}: exit {done.returncode}: {done.stderr.strip()}")
    return elapsed


def _heavy(args: list[str], stdin: str, env: dict[str, str]) -> str:
    if not args:
        return ""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "bot", *args],
                          input=stdin, capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=300)
    names = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()
             if line.startswith("import time:")}
    return ",".join(label for module, label in HEAVY.items() if module in names) or "none"


def run(runs: int = 7) -> list[dict[str, Any]]:
    folder = Path(tempfile.mkdtemp(prefix="sportello-startup-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPORTELLO_")}
    env.update(SPORTELLO_DATABASE_URL=f"sqlite+aiosqlite:///{folder / 'startup.db'}",
               XDG_DATA_HOME=str(folder))
    _once(["demo", "--today", "2026-11-21"], "", env)  # creates, migrates, loads the demo
    rows = []
    for name, args, stdin in COMMANDS:
        _once(args, stdin, env)  # warm-up, not counted
        times = [_once(args, stdin, env) for _ in range(runs)]
        rows.append({"command": name, "median_s": round(statistics.median(times), 3),
                     "min_s": round(min(times), 3), "runs": runs,
                     "heavy": _heavy(args, stdin, env)})
    return rows


def main() -> int:
    from benchmarks.__main__ import table

    print(table("warm start-up of `sportello` commands", run()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
