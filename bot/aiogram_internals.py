"""The two private parts of aiogram Sportello leans on, checked when the bot starts.

- `Dispatcher._handle_update_tasks`: the tasks of polled updates still being handled, which
  `BotRunner.stop` lets finish (bounded) instead of cutting them half-way.
- `Response[method.__returning__]`: the parametrised pydantic models aiogram parses answers
  with, held for the life of the process (else rebuilt after every garbage collection).

If a new aiogram renames them, the bot still runs as stock aiogram would (updates in flight
are not awaited on stop; response models are rebuilt as aiogram does), with one warning.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

log = logging.getLogger("sportello.bot")


def update_tasks(dispatcher: Any) -> set[asyncio.Task[Any]] | None:
    """The dispatcher's updates in flight, or None (with a warning) if aiogram changed."""
    tasks = getattr(dispatcher, "_handle_update_tasks", None)
    if isinstance(tasks, set):
        return tasks
    log.warning("aiogram: Dispatcher._handle_update_tasks not found; updates in flight "
                "are not awaited when the bot stops")
    return None


def response_models(methods: list[Any]) -> list[Any]:
    """`Response[method.__returning__]` for each method, or [] (with a warning)."""
    try:
        from aiogram.methods.base import Response

        return [Response[method.__returning__] for method in methods]
    except (ImportError, AttributeError, TypeError) as changed:
        log.warning("aiogram: response models cannot be held (%s: %s); aiogram rebuilds "
                    "them as it needs", type(changed).__name__, changed)
        return []
