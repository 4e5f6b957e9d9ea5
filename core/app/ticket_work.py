"""Working tickets: idle tickets closed, reopened by the customer's answer, rated; the
topic-name outbox; weekly figures for `sportello tickets stats`."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update

from core import tickets
from core.app.base import AppBase
from core.context import SYSTEM, Actor, Ctx
from core.errors import NotAllowed
from core.models import Customer, Ticket, TicketMessage, TicketNotice

RATINGS = range(1, 6)


@dataclass(frozen=True)
class TicketNoticeView:
    id: int
    ticket_id: int
    customer_id: int
    kind: str  # closed | closed_idle


@dataclass(frozen=True)
class TopicRename:
    ticket_id: int
    thread: int
    status: str
    customer_code: str
    customer_name: str


@dataclass(frozen=True)
class WeekStats:
    """One week (from Monday): tickets opened and closed, medians in seconds (None: no
    ticket to measure), average rating (None: none rated)."""

    week: date
    opened: int
    closed: int
    first_response: float | None
    resolution: float | None
    rating: float | None
    ratings: int


def _aware(moment: datetime) -> datetime:
    """SQLite gives timestamps back without their zone: they are stored in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


class TicketWork(AppBase):

    async def close_idle_tickets(self) -> list[int]:
        """Close open tickets whose last message is support's and older than
        `ticket_idle_days`; the customer is told through the ticket-notice outbox.
        Safe to run again (and from several workers): a closed ticket stays closed."""
        async def work(ctx: Ctx) -> dict[str, Any]:
            cutoff = ctx.now - timedelta(days=ctx.settings.ticket_idle_days)
            last = (select(TicketMessage.ticket_id, func.max(TicketMessage.id).label("mid"))
                    .group_by(TicketMessage.ticket_id).subquery())
            rows = (await ctx.session.execute(
                select(Ticket).join(last, last.c.ticket_id == Ticket.id)
                .join(TicketMessage, TicketMessage.id == last.c.mid)
                .where(Ticket.status.in_(tickets.OPEN_STATES),
                       TicketMessage.author_kind == "support",
                       TicketMessage.created_at < cutoff)
                .order_by(Ticket.id))).scalars().all()
            for ticket in rows:
                await tickets.close(ctx, ticket, tickets.IDLE)
            return {"closed": [t.id for t in rows]}
        result = await self._write(None, "close_idle", SYSTEM, work)
        return list(result["closed"])

    async def reopen_ticket(self, ticket_id: int, customer_id: int, text: str,
                            key: str | None = None) -> None:
        """The customer answers a ticket closed for no answer: it opens again with the
        answer on it (it reaches support like any customer message)."""
        async def work(ctx: Ctx) -> dict[str, Any]:
            ticket = await tickets.get_ticket(ctx, ticket_id, customer_id)
            if ticket.status != "chiuso" or ticket.closed_reason != tickets.IDLE:
                raise NotAllowed(reason="not_reopenable", ticket_id=ticket_id)
            ticket.status, ticket.closed_at, ticket.closed_reason = "aperto", None, None
            await ctx.audit("ticket", ticket.id, "reopened")
            await tickets.add_message(ctx, ticket, text)
            return {"ticket_id": ticket_id}
        await self._write(key, "reopen_ticket", Actor.customer(customer_id), work)

    async def rate_ticket(self, ticket_id: int, customer_id: int, stars: int,
                          key: str | None = None) -> None:
        """The customer's rating (1-5) of a closed ticket of theirs; a new tap replaces it."""
        if stars not in RATINGS:
            raise NotAllowed(reason="bad_rating", stars=stars)

        async def work(ctx: Ctx) -> dict[str, Any]:
            ticket = await tickets.get_ticket(ctx, ticket_id, customer_id)
            if ticket.status != "chiuso":
                raise NotAllowed(reason="ticket_open", ticket_id=ticket_id)
            ticket.rating, ticket.rated_at = stars, ctx.now
            await ctx.audit("ticket", ticket.id, "rated", stars=stars)
            return {"ticket_id": ticket_id}
        await self._write(key, "rate_ticket", Actor.customer(customer_id), work)

    async def comment_rating(self, ticket_id: int, customer_id: int, text: str,
                             key: str | None = None) -> None:
        async def work(ctx: Ctx) -> dict[str, Any]:
            ticket = await tickets.get_ticket(ctx, ticket_id, customer_id)
            if ticket.rating is None:
                raise NotAllowed(reason="not_rated", ticket_id=ticket_id)
            ticket.rating_comment = tickets.clean_text(text, 1000)
            await ctx.audit("ticket", ticket.id, "rating_comment")
            return {"ticket_id": ticket_id}
        await self._write(key, "rating_comment", Actor.customer(customer_id), work)

    # --- outboxes -----------------------------------------------------------------------

    async def unsent_ticket_notices(self, limit: int = 200) -> list[TicketNoticeView]:
        async def work(ctx: Ctx) -> list[TicketNoticeView]:
            rows = await ctx.session.execute(
                select(TicketNotice.id, TicketNotice.ticket_id, TicketNotice.customer_id,
                       TicketNotice.kind).where(TicketNotice.sent_at.is_(None))
                .order_by(TicketNotice.id).limit(limit))
            return [TicketNoticeView(*row) for row in rows.all()]
        return await self._read(work)

    async def mark_ticket_notice_sent(self, notice_id: int) -> None:
        async with self._ctx(SYSTEM) as ctx:
            await ctx.session.execute(
                update(TicketNotice).where(TicketNotice.id == notice_id,
                                           TicketNotice.sent_at.is_(None))
                .values(sent_at=ctx.now))

    async def topics_to_rename(self, limit: int = 100) -> list[TopicRename]:
        """Tickets whose forum topic's name does not show their state (a topic is created
        showing «aperto»)."""
        async def work(ctx: Ctx) -> list[TopicRename]:
            rows = await ctx.session.execute(
                select(Ticket.id, Ticket.support_thread_id, Ticket.status, Customer.code,
                       Customer.nominativo)
                .join(Customer, Customer.id == Ticket.customer_id)
                .where(Ticket.support_thread_id.is_not(None),
                       or_(Ticket.topic_state.is_(None), Ticket.topic_state != Ticket.status))
                .where(or_(Ticket.topic_state.is_not(None), Ticket.status != "aperto"))
                .order_by(Ticket.id).limit(limit))
            return [TopicRename(*row) for row in rows.all()]
        return await self._read(work)

    async def mark_topic_state(self, ticket_id: int, state: str) -> None:
        async with self._ctx(SYSTEM) as ctx:
            await ctx.session.execute(
                update(Ticket).where(Ticket.id == ticket_id).values(topic_state=state))

    # --- figures ------------------------------------------------------------------------

    async def ticket_stats(self, weeks: int = 8) -> list[WeekStats]:
        """The last `weeks` weeks, the current one last."""
        first = _monday(self.clock.today()) - timedelta(weeks=weeks - 1)
        start = datetime(first.year, first.month, first.day, tzinfo=UTC)

        async def work(ctx: Ctx) -> list[WeekStats]:
            found = (await ctx.session.execute(
                select(Ticket).where(or_(Ticket.created_at >= start,
                                         Ticket.closed_at >= start)))).scalars().all()
            return _weekly(found, first, weeks)
        return await self._read(work)


def _weekly(found: Any, first: date, weeks: int) -> list[WeekStats]:
    opened: dict[date, int] = {}
    closed: dict[date, int] = {}
    responses: dict[date, list[float]] = {}
    resolutions: dict[date, list[float]] = {}
    ratings: dict[date, list[int]] = {}
    for ticket in found:
        created = _aware(ticket.created_at)
        week = _monday(created.date())
        opened[week] = opened.get(week, 0) + 1
        answer = next((m for m in ticket.messages if m.author_kind == "support"), None)
        if answer is not None:
            responses.setdefault(week, []).append(
                (_aware(answer.created_at) - created).total_seconds())
        if ticket.status == "chiuso" and ticket.closed_at is not None:
            shut = _monday(_aware(ticket.closed_at).date())
            closed[shut] = closed.get(shut, 0) + 1
            resolutions.setdefault(shut, []).append(
                (_aware(ticket.closed_at) - created).total_seconds())
            if ticket.rating is not None:
                ratings.setdefault(shut, []).append(ticket.rating)
    result = []
    for n in range(weeks):
        week = first + timedelta(weeks=n)
        rated = ratings.get(week, [])
        result.append(WeekStats(
            week, opened.get(week, 0), closed.get(week, 0),
            statistics.median(responses[week]) if week in responses else None,
            statistics.median(resolutions[week]) if week in resolutions else None,
            round(sum(rated) / len(rated), 2) if rated else None, len(rated)))
    return result
