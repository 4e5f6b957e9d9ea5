"""Linked chats: one-time link codes, linking and unlinking, which chats reach a customer."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from core import linking
from core.app.base import AppBase
from core.context import SYSTEM, Actor, Ctx
from core.models import (
    Conversation,
    Customer,
)


class Chats(AppBase):

    async def create_link_code(self, customer_code: str) -> tuple[str, Customer, datetime]:
        """A one-time code for `customer_code` (shown once, stored hashed)."""
        ttl = timedelta(hours=self.settings.link_code_hours)

        async def work(ctx: Ctx) -> tuple[str, Customer, datetime]:
            code, customer = await linking.create_code(ctx, customer_code, ttl)
            return code, customer, ctx.now + ttl
        async with self._ctx(Actor.support("cli")) as ctx:
            return await work(ctx)

    async def link_chat(self, code: str, chat_id: str, who: str) -> tuple[int | None, str]:
        """(customer id, "linked") or (None, reason): invalid, used, expired, rate_limited."""
        async with self._ctx(Actor("telegram", who)) as ctx:
            customer, outcome = await linking.redeem(ctx, code, chat_id, who)
            return (customer.id if customer else None), outcome

    async def unlink_chat(self, chat_id: str) -> int | None:
        async with self._ctx(Actor("telegram", chat_id)) as ctx:
            return await linking.unlink_chat(ctx, chat_id)

    async def unlink_customer(self, customer_code: str) -> int:
        async with self._ctx(Actor.support("cli")) as ctx:
            return await linking.unlink_customer(ctx, customer_code)

    async def chats_of(self, customer_id: int) -> list[str]:
        """The customer's linked chats that have not blocked the bot (every door's: each
        keeps the ones it can reach)."""
        async def work(ctx: Ctx) -> list[str]:
            rows = await ctx.session.execute(select(Conversation.chat_id).where(
                Conversation.customer_id == customer_id, Conversation.blocked_at.is_(None)))
            return [r[0] for r in rows.all()]
        return await self._read(work)

    async def customer_of_chat(self, chat_id: str) -> int | None:
        """The customer a chat is linked to, if any."""
        async def work(ctx: Ctx) -> int | None:
            row = await ctx.session.get(Conversation, chat_id)
            return row.customer_id if row else None
        return await self._read(work)

    async def mark_blocked(self, chat_id: str) -> None:
        """The chat no longer takes messages (the customer blocked the bot): stop writing to
        it until they write again."""
        async with self._ctx(SYSTEM) as ctx:
            await ctx.session.execute(update(Conversation).where(
                Conversation.chat_id == chat_id).values(blocked_at=ctx.now))

