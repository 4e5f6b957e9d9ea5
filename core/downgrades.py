"""Applying a downgrade to what a service uses, with the catalogue's rules (`core.limits`).

The catalogue's rules are the shipped defaults with the imported `limit_rules` over them
(table `limit_rules`, one row per key). The add-on plans the rules name are priced from the
catalogue, so the quote and the application use the same book.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import JSON, Boolean, Integer, String, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from core.context import Ctx
from core.limits import (
    Offer,
    RemovedItem,
    Rule,
    RuleBook,
    apply_removals,
    default_rules,
    over_limits,
    summary,
)
from core.models import Base, Plan, Service


class LimitRuleRow(Base):
    """One key's rule as the catalogue names it (over the shipped default)."""

    __tablename__ = "limit_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    rule: Mapped[str] = mapped_column(String(16))
    restorable: Mapped[bool] = mapped_column(Boolean, default=False)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    def as_rule(self) -> Rule:
        return Rule.from_dict({**(self.params or {}), "rule": self.rule,
                               "restorable": self.restorable})


async def rule_book(session: AsyncSession) -> RuleBook:
    """The defaults, the catalogue's rules over them, and the add-on plans they name."""
    rows = (await session.execute(select(LimitRuleRow).order_by(LimitRuleRow.id))).scalars()
    book = default_rules().merged({row.key: row.as_rule() for row in rows})
    codes = {rule.plan for rule in book.rules.values() if rule.plan}
    offers: dict[str, Offer] = {}
    if codes:
        plans = (await session.execute(
            select(Plan).where(Plan.code.in_(codes), Plan.active.is_(True)))).scalars()
        offers = {p.code: Offer(p.code, p.name, p.price, p.period_months) for p in plans}
    return book.merged({}, offers)


async def apply_downgrade(ctx: Ctx, service: Service, target_plan: Plan,
                          keep: Iterable[str] = ()) -> list[RemovedItem]:
    """Fit `service`'s usage to `target_plan` (call it before the plan changes).

    Items are removed, capacities scaled, rates capped, templates detached, the add-on
    items in `keep` kept; what was done is written to the audit log. Returns the items.
    """
    from core.billing import plan_terms, service_terms

    book = await rule_book(ctx.session)
    items = list(over_limits(service_terms(service), plan_terms(target_plan), book))
    if not items:
        return []
    service.usage = apply_removals(service.usage or {}, items, book, keep)
    await ctx.audit("service", service.id, "limits_applied",
                    from_plan=service.plan.code, to_plan=target_plan.code,
                    items=summary(items), kept_addons=sorted(set(keep)))
    return items

