"""Payment gateways behind one small interface.

- `SandboxCardGateway`: the demo and test card processor. It keeps its own ledger keyed by
  idempotency key, like a real PSP: charging the same key twice returns the first charge.
  Card `4000 0000 0000 0002` is always declined (so the retry path is real); any other
  16-digit number passing the Luhn check succeeds.
- Bank transfer (`bonifico`), postal slip (`bollettino`) and PayPal: nothing is charged on
  line; the order stays pending with its payment reference until support registers it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.models import SandboxCharge

DECLINED_TEST_CARD = "4000000000000002"
SUCCESS_TEST_CARD = "4242424242424242"
ONLINE_METHODS = ("carta",)
OFFLINE_METHODS = ("bonifico", "bollettino", "paypal")


@dataclass(frozen=True)
class ChargeResult:
    succeeded: bool
    charge_id: str
    failure: str | None = None


class CardGateway(Protocol):
    async def charge(self, idempotency_key: str, amount: Decimal, card: str) -> ChargeResult:
        """Charge once per idempotency key; a repeated key returns the first outcome."""
        ...


def luhn_ok(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()]
    if len(digits) < 12 or len(digits) != len([c for c in number if not c.isspace()]):
        return False
    total = 0
    for i, digit in enumerate(reversed(digits)):
        if i % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


class SandboxCardGateway:
    """Charges nothing real; records each charge in its own table in its own transaction."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def charge(self, idempotency_key: str, amount: Decimal, card: str) -> ChargeResult:
        number = "".join(card.split())
        if number == DECLINED_TEST_CARD:
            failure: str | None = "declined"
        elif not luhn_ok(number):
            failure = "invalid_card"
        else:
            failure = None
        async with self._sessions() as session:
            existing = await session.get(SandboxCharge, idempotency_key)
            if existing is not None:
                return _result(existing)
            record = SandboxCharge(
                idempotency_key=idempotency_key, charge_id=f"sbx_{uuid.uuid4().hex[:24]}",
                amount=amount, succeeded=failure is None, failure=failure,
                created_at=datetime.now().astimezone(),
            )
            session.add(record)
            try:
                await session.commit()
            except IntegrityError:
                await session.rollback()
                existing = (await session.execute(
                    select(SandboxCharge).where(SandboxCharge.idempotency_key == idempotency_key)
                )).scalar_one()
                return _result(existing)
            return _result(record)


def _result(record: SandboxCharge) -> ChargeResult:
    return ChargeResult(succeeded=record.succeeded, charge_id=record.charge_id,
                        failure=record.failure)
