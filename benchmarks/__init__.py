"""Benchmarks: `sportello bench` or `python -m benchmarks` (see the README)."""

import sys
from pathlib import Path

# The conversation and memory benchmarks talk to the Bot API emulator of the tests
# (tests/fake_telegram.py): make the clone's root importable however they are started.
_ROOT = str(Path(__file__).resolve().parent.parent)
if (Path(_ROOT) / "tests" / "fake_telegram.py").exists() and _ROOT not in sys.path:
    sys.path.append(_ROOT)
