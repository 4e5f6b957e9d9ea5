"""«Seeing the day»: the digest, the lists support reads, and the support group's outbox
(the daily digest, each cancellation as it happens). See `core.reports`."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select, update

from core import reports
from core.app.base import AppBase
from core.context import SYSTEM, Ctx
from core.errors import NotFound
from core.models import Customer, RoomPost

Row = dict[str, Any]


class Reports(AppBase):
    async def digest(self, day: date | None = None) -> Row:
        """The digest of `day` (default today), read now (nothing stored)."""
        return await self._read(lambda ctx: reports.digest(ctx, day or ctx.today))

    async def claim_digest(self, day: date | None = None) -> bool:
        """Queue the digest of `day` for the support group once, whatever the number of
        workers asking: True for the one that queued it."""
        async with self._ctx(SYSTEM) as ctx:
            return await reports.claim_digest(ctx, day or ctx.today)

    async def orders_report(self, pending: bool = False,
                          older_than: int | None = None) -> list[Row]:
        return await self._read(lambda ctx: reports.orders(ctx, ctx.today, pending, older_than))

    async def cancellations_report(self, first: date) -> list[Row]:
        return await self._read(lambda ctx: reports.cancellations(ctx, first))

    async def customer_card(self, code: str) -> Row:
        async def work(ctx: Ctx) -> Row:
            found = (await ctx.session.execute(
                select(Customer).where(Customer.code == code))).scalar_one_or_none()
            if found is None:
                raise NotFound(entity="customer", code=code)
            return await reports.customer_card(ctx, found)
        return await self._read(work)

    async def unsent_room_posts(self, limit: int = 100) -> list[tuple[int, str, Row]]:
        """Posts for the support group not yet sent: (id, kind, payload), oldest first."""
        async def work(ctx: Ctx) -> list[tuple[int, str, Row]]:
            rows = await ctx.session.execute(
                select(RoomPost.id, RoomPost.kind, RoomPost.payload)
                .where(RoomPost.sent_at.is_(None)).order_by(RoomPost.id).limit(limit))
            return [(int(i), str(k), dict(p)) for i, k, p in rows.all()]
        return await self._read(work)

    async def mark_room_post_sent(self, post_id: int) -> None:
        async with self._ctx(SYSTEM) as ctx:
            await ctx.session.execute(
                update(RoomPost).where(RoomPost.id == post_id, RoomPost.sent_at.is_(None))
                .values(sent_at=ctx.now))
