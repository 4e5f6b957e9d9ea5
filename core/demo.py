"""The built-in Italian demo dataset, loaded on the demo's first run into an empty database."""

from __future__ import annotations

from datetime import date, timedelta
from importlib.resources import files

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.importer import ImportSummary, Parsed, apply, load_yaml, parse_data
from core.models import Customer, Plan, Service


def demo_document(today: date) -> Parsed:
    """The demo file with its relative expiries (`expires_in_days`) fixed against `today`."""
    source = "core/data/demo.yaml"
    raw = load_yaml(files("core").joinpath("data/demo.yaml").read_text("utf-8"), source)
    for service in raw["services"]:
        days = service.pop("expires_in_days")
        service.pop("__line__expires_in_days", None)
        service["expires_on"] = today + timedelta(days=days)
    return parse_data(raw, source)


async def is_empty(session: AsyncSession) -> bool:
    """No plans, no customers, no services: nothing the demo could overwrite or reprice."""
    for model in (Plan, Customer, Service):
        if (await session.execute(select(exists().select_from(model)))).scalar():
            return False
    return True


async def load_demo_if_empty(session: AsyncSession, today: date) -> ImportSummary | None:
    """Load the demo only into an empty database (never over real data, not even a price
    list imported before its customers)."""
    if not await is_empty(session):
        return None
    return await apply(session, demo_document(today), actor="demo")
