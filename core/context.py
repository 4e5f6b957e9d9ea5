"""The context every operation runs in: one session (one transaction), today, who acts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.cards import mask_cards
from core.config import Settings
from core.models import AuditEntry


@dataclass(frozen=True)
class Actor:
    """Who acts: a customer (by customer id), a support member, or the system."""

    kind: str  # customer | support | system
    id: str

    @classmethod
    def customer(cls, customer_id: int) -> Actor:
        return cls("customer", str(customer_id))

    @classmethod
    def support(cls, name: str) -> Actor:
        return cls("support", name)


SYSTEM = Actor("system", "lifecycle")


@dataclass
class Ctx:
    session: AsyncSession
    today: date
    now: datetime
    settings: Settings
    actor: Actor

    async def audit(
        self, entity: str, entity_id: int, action: str, reason: str | None = None,
        **detail: Any,
    ) -> None:
        """Append to the audit log, in the operation's own transaction; card numbers in
        the reason and the details are masked (the log is append-only: never in clear)."""
        self.session.add(AuditEntry(
            at=self.now, actor_kind=self.actor.kind, actor=self.actor.id, entity=entity,
            entity_id=entity_id, action=action,
            reason=mask_cards(reason) if reason is not None else None,
            detail=_plain(detail) or None,
        ))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {mask_cards(str(k)): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return mask_cards(value)
    if isinstance(value, int | float | bool) or value is None:
        return value
    return mask_cards(str(value))
