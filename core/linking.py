"""Linking a Telegram chat to a customer with a one-time code.

The code is shown once (`sportello link C001`), stored only as a SHA-256 hash, valid for
24 hours by default and for one use. Wrong codes are counted per Telegram user: after
`MAX_FAILURES` in an hour further attempts are refused without even being checked.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from core.clock import ROME
from core.context import Ctx
from core.db import rows_changed
from core.errors import NotFound
from core.models import Conversation, Customer, LinkCode, LinkFailure

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or typed by hand
CODE_LENGTH = 10
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(hours=1)


def looks_like_code(text: str) -> bool:
    """Whether a typed message could be a link code (so that it counts as an attempt)."""
    cleaned = text.strip().upper()
    return len(cleaned) == CODE_LENGTH and all(ch in ALPHABET for ch in cleaned)


def hash_code(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


async def create_code(ctx: Ctx, customer_code: str, ttl: timedelta) -> tuple[str, Customer]:
    customer = (await ctx.session.execute(
        select(Customer).where(Customer.code == customer_code))).scalar_one_or_none()
    if customer is None:
        raise NotFound(entity="customer", code=customer_code)
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    ctx.session.add(LinkCode(code_hash=hash_code(code), customer_id=customer.id,
                             expires_at=ctx.now + ttl))
    await ctx.audit("customer", customer.id, "link_code_created", expires=ctx.now + ttl)
    return code, customer


async def recent_failures(ctx: Ctx, who: str) -> int:
    return (await ctx.session.execute(select(func.count(LinkFailure.id)).where(
        LinkFailure.who == who, LinkFailure.at > ctx.now - FAILURE_WINDOW))).scalar_one()


async def redeem(ctx: Ctx, code: str, chat_id: str, who: str) -> tuple[Customer | None, str]:
    """Bind `chat_id` to the code's customer: (customer, "linked"), or (None, why not).

    A failure is returned, not raised, so that the attempt it records is committed.
    """
    if await recent_failures(ctx, who) >= MAX_FAILURES:
        return None, "link_rate_limited"
    found = (await ctx.session.execute(select(LinkCode).where(
        LinkCode.code_hash == hash_code(code)).with_for_update())).scalar_one_or_none()
    problem = None
    if found is None:
        problem = "link_invalid"
    elif found.used_at is not None:
        problem = "link_used"
    elif _aware(found.expires_at) < ctx.now:
        problem = "link_expired"
    if problem or found is None:
        ctx.session.add(LinkFailure(who=who, at=ctx.now))
        await ctx.audit("link", 0, "link_failed", reason=problem, who=who)
        return None, problem or "link_invalid"
    found.used_at, found.used_by = ctx.now, chat_id
    customer = await ctx.session.get(Customer, found.customer_id)
    assert customer is not None
    row = await ctx.session.get(Conversation, chat_id)
    if row is None:
        ctx.session.add(Conversation(chat_id=chat_id, customer_id=customer.id, data={},
                                     history=[], version=0, updated_at=ctx.now))
    else:
        row.customer_id, row.flow, row.step, row.blocked_at = customer.id, None, None, None
        row.data, row.history, row.version = {}, [], row.version + 1
    await ctx.audit("customer", customer.id, "chat_linked", chat=chat_id)
    return customer, "linked"


async def unlink_chat(ctx: Ctx, chat_id: str) -> int | None:
    row = await ctx.session.get(Conversation, chat_id)
    if row is None or row.customer_id is None:
        return None
    customer_id = row.customer_id
    # No version bump: the update that asked for this saves the conversation right after.
    row.customer_id, row.flow, row.step = None, None, None
    row.data, row.history = {}, []
    await ctx.audit("customer", customer_id, "chat_unlinked", chat=chat_id)
    return customer_id


async def unlink_customer(ctx: Ctx, customer_code: str) -> int:
    customer = (await ctx.session.execute(
        select(Customer).where(Customer.code == customer_code))).scalar_one_or_none()
    if customer is None:
        raise NotFound(entity="customer", code=customer_code)
    result = await ctx.session.execute(
        update(Conversation).where(Conversation.customer_id == customer.id)
        .values(customer_id=None, flow=None, step=None, data={}, history=[],
                version=Conversation.version + 1)
        .execution_options(synchronize_session=False))
    await ctx.audit("customer", customer.id, "chats_unlinked")
    return rows_changed(result)


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes: ours are all Rome wall-clock times."""
    return moment.replace(tzinfo=ROME) if moment.tzinfo is None else moment
