"""A customer's services: the list, the card, renewal mode, cancellation, recovery,
and the daily lifecycle sweep."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import bindparam, select

from core import actions, billing, lifecycle
from core.app.base import AppBase
from core.context import SYSTEM, Actor, Ctx
from core.errors import NotFound
from core.models import (
    Customer,
    Plan,
    PlanTransition,
    Service,
)
from core.views import (
    CancelResult,
    PendingPlan,
    RecoveryResult,
    ServiceView,
    SweepResult,
    service_view,
)

DELETED_SHOWN_DAYS = 90  # a deleted service stays listed (for a recovery ticket) this long

# Reads made on most updates, built once (building a statement costs more than running it).
_SERVICES_OF = (
    select(Service).where(Service.customer_id == bindparam("customer"))
    .where((Service.status != "eliminato") | (Service.expires_on >= bindparam("horizon")))
    .order_by(Service.expires_on, Service.name))
_PLAN_NAMES = (select(Service.id, Plan.name).join(Plan, Plan.id == Service.plan_id)
               .where(Service.customer_id == bindparam("customer")))
_TARGET_NAMES = (
    select(Service.id, Plan.name)
    .join(PlanTransition, PlanTransition.from_plan_id == Service.plan_id)
    .join(Plan, billing.CHANGE_TARGET)
    .where(Service.customer_id == bindparam("customer")))
_CHANGEABLE = _TARGET_NAMES.with_only_columns(Service.id).distinct()


class Services(AppBase):

    async def customer_by_code(self, code: str) -> Customer:
        async def work(ctx: Ctx) -> Customer:
            found = (await ctx.session.execute(
                select(Customer).where(Customer.code == code))).scalar_one_or_none()
            if found is None:
                raise NotFound(entity="customer", code=code)
            return found
        return await self._read(work)

    async def list_services(self, customer_id: int) -> list[ServiceView]:
        """The customer's services, soonest expiry first (deleted ones kept a while)."""
        async def work(ctx: Ctx) -> list[ServiceView]:
            horizon = ctx.today - timedelta(days=DELETED_SHOWN_DAYS)
            rows = (await ctx.session.execute(_SERVICES_OF, {
                "customer": customer_id, "horizon": horizon})).scalars().all()
            plans = await self._plan_codes(ctx, {s.pending_plan_id for s in rows})
            return [self._view(ctx, s, plans.get(s.pending_plan_id)) for s in rows]
        return await self._read(work)

    async def get_service(self, customer_id: int, service_id: int) -> ServiceView:
        async def work(ctx: Ctx) -> ServiceView:
            service = await billing.own_service(ctx, customer_id, service_id, include_deleted=True)
            plans = await self._plan_codes(ctx, {service.pending_plan_id})
            return self._view(ctx, service, plans.get(service.pending_plan_id))
        return await self._read(work)

    def _view(self, ctx: Ctx, service: Service,
              pending: PendingPlan | None = None) -> ServiceView:
        return service_view(service, ctx.today, ctx.settings.recovery_days,
                            max(ctx.settings.reminder_days, default=30), pending)

    async def _plan_codes(self, ctx: Ctx,
                          ids: set[int | None]) -> dict[int | None, PendingPlan]:
        """The plans of scheduled changes, by id."""
        wanted = {i for i in ids if i is not None}
        if not wanted:
            return {}
        rows = await ctx.session.execute(
            select(Plan.id, Plan.code, Plan.name, Plan.price, Plan.period_months)
            .where(Plan.id.in_(wanted)))
        return {row[0]: PendingPlan(*row[1:]) for row in rows.all()}

    async def change_options(self, customer_id: int, service_id: int) -> list[Plan]:
        """The plans this service may move to (its catalogue transitions)."""
        async def work(ctx: Ctx) -> list[Plan]:
            service = await billing.own_service(ctx, customer_id, service_id)
            return await billing.change_targets(ctx, service)
        return await self._read(work)

    async def changeable(self, customer_id: int) -> set[int]:
        """The customer's services whose plan has a plan to change to (`change_options`
        is not empty), whatever their state."""
        async def work(ctx: Ctx) -> set[int]:
            rows = await ctx.session.execute(_CHANGEABLE, {"customer": customer_id})
            return set(rows.scalars())
        return await self._read(work)

    async def plan_names(self, customer_id: int) -> dict[int, tuple[str, ...]]:
        """Per service: its plan's name, then the names of the plans it may change to."""
        async def work(ctx: Ctx) -> dict[int, tuple[str, ...]]:
            current = await ctx.session.execute(_PLAN_NAMES, {"customer": customer_id})
            names: dict[int, list[str]] = {sid: [name] for sid, name in current.all()}
            targets = await ctx.session.execute(_TARGET_NAMES, {"customer": customer_id})
            for sid, name in targets.all():
                names.setdefault(sid, []).append(name)
            return {sid: tuple(found) for sid, found in names.items()}
        return await self._read(work)

    async def set_renewal_mode(self, customer_id: int, service_id: int, mode: str,
                               key: str | None = None) -> ServiceView:
        async def work(ctx: Ctx) -> dict[str, Any]:
            await actions.set_renewal_mode(ctx, customer_id, service_id, mode)
            return {"service_id": service_id}
        await self._write(key, "set_renewal_mode", Actor.customer(customer_id), work)
        return await self.get_service(customer_id, service_id)

    async def cancel_service(self, customer_id: int, service_id: int, reason: str,
                             typed_name: str, key: str | None = None) -> CancelResult:
        async def work(ctx: Ctx) -> dict[str, Any]:
            await actions.cancel(ctx, customer_id, service_id, reason, typed_name)
            return {"service_id": service_id}
        await self._write(key, "cancel", Actor.customer(customer_id), work)
        view = await self.get_service(customer_id, service_id)
        return CancelResult(service=view, active_until=view.expires_on,
                            recover_until=view.recover_until)

    async def recover(self, customer_id: int, service_id: int, key: str | None = None,
                      note: str = "", conversation: list[str] | None = None
                      ) -> RecoveryResult:
        """`note` and `conversation` go into the ticket if the recovery needs support."""
        async def work(ctx: Ctx) -> dict[str, Any]:
            outcome, service, quote, ticket_id = await actions.recover(
                ctx, customer_id, service_id, note, conversation)
            return {"outcome": outcome, "quote_id": quote.id if quote else None,
                    "ticket_id": ticket_id,
                    "days": (ctx.today - service.expires_on).days}
        result = await self._write(key, "recover", Actor.customer(customer_id), work)
        quote = (await self.get_quote(customer_id, result["quote_id"])
                 if result["quote_id"] else None)
        return RecoveryResult(
            outcome=result["outcome"], service=await self.get_service(customer_id, service_id),
            days_since_expiry=result["days"], quote=quote, ticket_id=result["ticket_id"],
        )


    async def run_lifecycle(self, day: date | None = None) -> SweepResult:
        """The daily sweep for `day` (default today); safe to run again for the same day."""
        async with self.sessions() as session, session.begin():
            ctx = Ctx(session, day or self.clock.today(), self.clock.now(), self.settings,
                      SYSTEM)
            return await lifecycle.sweep(ctx)

