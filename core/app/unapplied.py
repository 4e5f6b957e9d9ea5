"""Money received that could not be applied: listed, applied to an order, refunded."""

from __future__ import annotations

from typing import Any

from core import payments_desk
from core.app.base import AppBase
from core.app.orders import parse_order_ref
from core.context import Actor, Ctx
from core.views import (
    PaymentRegistration,
    PaymentView,
    UnappliedView,
)


class Unapplied(AppBase):

    async def list_unapplied(self, open_only: bool = False) -> list[UnappliedView]:
        async def work(ctx: Ctx) -> list[UnappliedView]:
            return await payments_desk.unapplied_views(ctx, open_only)
        return await self._read(work)

    async def list_payments(self, limit: int = 50) -> list[PaymentView]:
        return await self._read(lambda ctx: payments_desk.payment_views(ctx, limit))

    async def apply_unapplied(self, unapplied_id: int, order_ref: str, staff: str,
                              key: str | None = None) -> PaymentRegistration:
        """Support applies money kept as unapplied to a pending order (same amount)."""
        order_id = parse_order_ref(order_ref)

        async def work(ctx: Ctx) -> dict[str, Any]:
            order = await payments_desk.apply_unapplied(ctx, unapplied_id, order_id)
            return {"customer_id": order.customer_id}
        result = await self._write(key, "apply_unapplied", Actor.support(staff), work)
        view = (await self.list_orders(result["customer_id"], order_ids=[order_id]))[0]
        return PaymentRegistration("applied", view, unapplied_id=unapplied_id)

    async def refund_unapplied(self, unapplied_id: int, staff: str, note: str,
                               key: str | None = None) -> UnappliedView:
        """Support closes money kept as unapplied as given back to the customer."""
        async def work(ctx: Ctx) -> dict[str, Any]:
            await payments_desk.refund_unapplied(ctx, unapplied_id, note)
            return {}
        await self._write(key, "refund_unapplied", Actor.support(staff), work)
        return next(u for u in await self.list_unapplied() if u.id == unapplied_id)

