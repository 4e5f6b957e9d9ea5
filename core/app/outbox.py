"""The outboxes a door delivers: ticket messages to the other side, lifecycle notices,
and which support-room message or thread stands for which ticket."""

from __future__ import annotations

from sqlalchemy import select, update

from core import lifecycle
from core.app.base import AppBase
from core.context import SYSTEM, Ctx
from core.models import (
    Notice,
    Ticket,
    TicketMessage,
    TicketRelay,
)
from core.views import (
    Attachment,
    NoticeView,
)


class Outbox(AppBase):
    async def unrelayed_messages(
            self, limit: int = 100) -> list[tuple[int, int, str, str, Attachment | None]]:
        """Ticket messages not yet delivered to the other side: (message id, ticket id,
        author kind, text, attachment), oldest first."""
        async def work(ctx: Ctx) -> list[tuple[int, int, str, str, Attachment | None]]:
            rows = await ctx.session.execute(
                select(TicketMessage.id, TicketMessage.ticket_id, TicketMessage.author_kind,
                       TicketMessage.text, TicketMessage.attachment)
                .where(TicketMessage.relayed_at.is_(None)).order_by(TicketMessage.id)
                .limit(limit))
            return [(*r[:4], Attachment.from_json(r[4])) for r in rows.all()]
        return await self._read(work)

    async def mark_relayed(self, message_id: int) -> None:
        async with self._ctx(SYSTEM) as ctx:
            await ctx.session.execute(update(TicketMessage).where(
                TicketMessage.id == message_id).values(relayed_at=ctx.now))

    async def remember_relay(self, ticket_id: int, chat_id: str, message_id: int) -> None:
        """A support-group message now stands for `ticket_id`."""
        async with self._ctx(SYSTEM) as ctx:
            exists = (await ctx.session.execute(select(TicketRelay.id).where(
                TicketRelay.chat_id == chat_id, TicketRelay.message_id == message_id))).first()
            if exists is None:
                ctx.session.add(TicketRelay(ticket_id=ticket_id, chat_id=chat_id,
                                            message_id=message_id))

    async def remember_thread(self, ticket_id: int, thread_id: int) -> None:
        """The support group's forum topic for `ticket_id` (the first one stays)."""
        async with self._ctx(SYSTEM) as ctx:
            ticket = await ctx.session.get(Ticket, ticket_id)
            if ticket is not None and ticket.support_thread_id is None:
                ticket.support_thread_id = thread_id

    async def ticket_for_relay(self, chat_id: str, message_id: int | None,
                               thread_id: int | None) -> int | None:
        """The ticket a support-group message answers: by the message replied to, or by
        the forum topic it was written in."""
        async def work(ctx: Ctx) -> int | None:
            if message_id is not None:
                found = (await ctx.session.execute(select(TicketRelay.ticket_id).where(
                    TicketRelay.chat_id == chat_id, TicketRelay.message_id == message_id)
                )).scalar_one_or_none()
                if found is not None:
                    return int(found)
            if thread_id is not None:
                found = (await ctx.session.execute(select(Ticket.id).where(
                    Ticket.support_thread_id == thread_id))).scalar_one_or_none()
                return int(found) if found is not None else None
            return None
        return await self._read(work)

    async def first_relay(self, ticket_id: int, chat_id: str) -> int | None:
        """The first message in `chat_id` that stands for the ticket (its card), if any."""
        async def work(ctx: Ctx) -> int | None:
            return (await ctx.session.execute(select(TicketRelay.message_id).where(
                TicketRelay.ticket_id == ticket_id, TicketRelay.chat_id == chat_id)
                .order_by(TicketRelay.id).limit(1))).scalar_one_or_none()
        return await self._read(work)

    async def ticket_thread(self, ticket_id: int) -> int | None:
        return (await self._read(lambda ctx: ctx.session.get(Ticket, ticket_id))
                ).support_thread_id  # type: ignore[union-attr]

    async def unsent_notices(self, limit: int = 500) -> list[NoticeView]:
        async def work(ctx: Ctx) -> list[NoticeView]:
            rows = await ctx.session.execute(
                lifecycle.NOTICE_ROWS.where(Notice.sent_at.is_(None)).order_by(Notice.id)
                .limit(limit))
            return [NoticeView(*row) for row in rows.all()]
        return await self._read(work)

    async def mark_notice_sent(self, notice_id: int) -> None:
        async with self._ctx(SYSTEM) as ctx:
            await ctx.session.execute(
                update(Notice).where(Notice.id == notice_id, Notice.sent_at.is_(None))
                .values(sent_at=ctx.now))


