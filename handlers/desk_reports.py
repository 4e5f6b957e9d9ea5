"""The support group's own outbox (issue 12, «Seeing the day»): the daily digest and each
cancellation with its reason, posted in the room by the desk's periodic round.

A row is marked sent only after the room took all of it: a transport outage (`Undelivered`)
leaves it and the rest for the next round, which goes on from the part not yet posted (a
long digest is split at line ends into messages Telegram accepts); a post the room refuses
for good is logged and skipped.
"""

from __future__ import annotations

import logging
from typing import Any

from handlers import reports_text
from handlers.desk import Desk, Refused, Undelivered
from handlers.ui import split_text

log = logging.getLogger("sportello.desk")

MAX_POST = 4096  # Telegram's limit for one message
PROGRESS = "_room_post_parts"  # on the desk: parts of a post already in the room, per post


def render(kind: str, payload: dict[str, Any]) -> str:
    return (reports_text.digest_for_room(payload) if kind == "digest"
            else reports_text.cancellation(payload))


def parts(text: str, limit: int = MAX_POST) -> list[str]:
    """`text` in messages of at most `limit` characters, cut at line ends where it can."""
    return split_text(text, limit)


async def send_room_posts(desk: Desk) -> int:
    """Post what the room's outbox holds, oldest first; returns the posts handled."""
    if desk.room is None:
        return 0
    progress: dict[int, int] = desk.__dict__.setdefault(PROGRESS, {})
    handled = 0
    for post_id, kind, payload in await desk.app.unsent_room_posts():
        try:
            pieces = parts(render(kind, payload))
            for index in range(progress.get(post_id, 0), len(pieces)):
                await desk.room.send(pieces[index])
                progress[post_id] = index + 1
        except Undelivered:
            return handled
        except Refused:
            log.exception("support group post refused", extra={"post": post_id})
        await desk.app.mark_room_post_sent(post_id)
        progress.pop(post_id, None)
        handled += 1
    return handled
