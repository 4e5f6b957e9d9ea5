"""Seeding test data through the real importer."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from core.app import Sportello
from core.importer import apply, parse_data
from core.models import Customer, Service
from core.terms import TermsAcceptance

# The customer's tick on «Accetto le condizioni generali» (the default conditions' version):
# the core places no customer order without it.
ACCEPTED = TermsAcceptance("2026-01", datetime(2026, 11, 21, 9, 0, tzinfo=UTC))

PLANS: list[dict[str, Any]] = [
    {"code": "DOM", "name": "Dominio .it", "category": "dominio", "price": "9.90"},
    {"code": "H60", "name": "Hosting Start", "category": "hosting", "price": "60.00",
     "change_fee": "15.00", "limits": {"web_space_mb": 2048, "databases": 1, "mailboxes": 5},
     "features": ["ssl"], "changes_to": ["H120"]},
    {"code": "H120", "name": "Hosting Pro", "category": "hosting", "price": "120.00",
     "change_fee": "15.00", "limits": {"web_space_mb": 10240, "databases": 5, "mailboxes": 20},
     "features": ["ssl", "staging"], "changes_to": ["H60"]},
    {"code": "C29", "name": "Cloud 29", "category": "cloud", "price": "29.00",
     "period_months": 1, "changes_to": ["C99"]},
    {"code": "C99", "name": "Cloud 99", "category": "cloud", "price": "99.00",
     "period_months": 1, "changes_to": ["C29"]},
    {"code": "V50", "name": "VPS 50", "category": "vps", "price": "600.00",
     "changes_to": ["V70"]},
    {"code": "V70", "name": "VPS 70", "category": "vps", "price": "840.00",
     "changes_to": ["V50"]},
    {"code": "DED1", "name": "Dedicato 1", "category": "dedicato", "price": "1200.00",
     "changes_to": ["DED2"]},
    {"code": "DED2", "name": "Dedicato 2", "category": "dedicato", "price": "2400.00",
     "changes_to": ["DED1"]},
    {"code": "CUST", "name": "Su misura", "category": "custom", "price": "1800.00",
     "changes_to": ["DED2"]},
    {"code": "FREE", "name": "Gratis", "category": "pec", "price": "0.00"},
]
CUSTOMERS: list[dict[str, Any]] = [
    # Fiscal data as a FatturaPA needs it: a consumer (codice fiscale, no SdI code: 0000000)
    # and a company (partita IVA and SdI code).
    {"code": "C001", "name": "Mario Rossi", "preferred_method": "bonifico",
     "tax_code": "RSSMRA80A01H501U", "street": "Via Garibaldi 12", "postcode": "00153",
     "city": "Roma", "province": "RM"},
    {"code": "C002", "name": "Giulia Bianchi", "preferred_method": "carta",
     "vat_number": "IT09876543217", "street": "Corso Buenos Aires 40", "postcode": "20124",
     "city": "Milano", "province": "MI", "sdi_code": "M5UXCR1"},
]


async def seed(app: Sportello, services: list[dict[str, Any]]) -> dict[str, int]:
    """Import the test catalogue, two customers and `services`; returns name -> service id."""
    raw = {"plans": PLANS, "customers": CUSTOMERS, "services": services}
    async with app.sessions() as session, session.begin():
        await apply(session, parse_data(raw, "test"))
    async with app.sessions() as session:
        rows = await session.execute(select(Service.name, Service.id))
        return dict(rows.all())


async def customer_id(app: Sportello, code: str) -> int:
    async with app.sessions() as session:
        return (await session.execute(
            select(Customer.id).where(Customer.code == code))).scalar_one()


def svc(
    name: str, plan: str, expires: date, customer: str = "C001", **extra: Any
) -> dict[str, Any]:
    return {"customer": customer, "plan": plan, "name": name, "expires_on": expires, **extra}


class FakeTime:
    """A clock where a sleep just moves time on (sequential callers)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
