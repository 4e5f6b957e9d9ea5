"""The support group's own outbox (issue 12, «Seeing the day»): the daily digest and each
cancellation with its reason, posted in the room by the desk's periodic round.

A row is marked sent only after the room took it: a transport outage (`Undelivered`) leaves
it and the rest for the next round; a post the room refuses for good is logged and skipped.
"""

from __future__ import annotations

import logging

from handlers import reports_text
from handlers.desk import Desk, Refused, Undelivered

log = logging.getLogger("sportello.desk")

MAX_POST = 4096  # Telegram's limit for one message


def render(kind: str, payload: dict) -> str:  # type: ignore[type-arg]
    text = (reports_text.digest_for_room(payload) if kind == "digest"
            else reports_text.cancellation(payload))
    return text if len(text) <= MAX_POST else text[: MAX_POST - 1] + "…"


async def send_room_posts(desk: Desk) -> int:
    """Post what the room's outbox holds, oldest first; returns the posts handled."""
    if desk.room is None:
        return 0
    handled = 0
    for post_id, kind, payload in await desk.app.unsent_room_posts():
        try:
            await desk.room.send(render(kind, payload))
        except Undelivered:
            return handled
        except Refused:
            log.exception("support group post refused", extra={"post": post_id})
        await desk.app.mark_room_post_sent(post_id)
        handled += 1
    return handled
