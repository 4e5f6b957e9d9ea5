"""`sportello …` run in this process through `bot.cli.main(argv)`, as a subprocess would
run it: its own environment, standard input, output and error, and an exit code.

A subprocess costs a fresh interpreter and every import (about a second each on a busy
two-core machine; the CLI tests were the slowest of the suite). The few behaviours that
need a real process (a closed pipe, Ctrl-C, SIGKILL, the `sportello` script itself) keep
one (tests/test_cli_bad_input.py, tests/test_workers.py, tests/test_startup.py).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from bot.cli import main

TIMEOUT = 180.0  # generous: a busy machine, never a measure
_one_at_a_time = threading.Lock()  # the environment and the standard streams are global


def sportello(args: Sequence[str], env: Mapping[str, str] | None = None, stdin: str = ""
              ) -> subprocess.CompletedProcess[str]:
    """`main(args)` in a thread of its own (it runs its own event loop), with `env` as the
    whole environment (default: this one) and `stdin` as standard input."""
    outcome: dict[str, Any] = {}

    def work() -> None:
        with _one_at_a_time, _environment(env), _streams(stdin) as (out, err):
            try:
                outcome["code"] = main(list(args))
            except SystemExit as done:  # main returns its code; this would be a bug
                outcome["code"] = done.code
            except BaseException as error:  # recorded, raised in the caller's thread
                outcome["error"] = error
            outcome["out"], outcome["err"] = out.getvalue(), err.getvalue()

    thread = threading.Thread(target=work, name="sportello-cli", daemon=True)
    thread.start()
    thread.join(TIMEOUT)
    if thread.is_alive():
        raise AssertionError(f"sportello {' '.join(args)} still running after {TIMEOUT} s")
    if "error" in outcome:
        raise outcome["error"]
    return subprocess.CompletedProcess(["sportello", *args], outcome["code"],
                                       outcome["out"], outcome["err"])


@contextmanager
def _environment(env: Mapping[str, str] | None) -> Iterator[None]:
    if env is None:
        yield
        return
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextmanager
def _streams(stdin: str) -> Iterator[tuple[io.StringIO, io.StringIO]]:
    saved = sys.stdin, sys.stdout, sys.stderr
    out, err = io.StringIO(), io.StringIO()
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(stdin), out, err
    try:
        yield out, err
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
