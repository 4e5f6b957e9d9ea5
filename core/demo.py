"""The built-in Italian demo dataset, loaded on the demo's first run into an empty database."""

from __future__ import annotations

from datetime import date, timedelta
from importlib.resources import files

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.importer import ImportSummary, Parsed, apply, load_yaml, parse_data
from core.models import Customer


def demo_document(today: date) -> Parsed:
    """The demo file with its relative expiries (`expires_in_days`) fixed against `today`."""
    source = "core/data/demo.yaml"
    raw = load_yaml(files("core").joinpath("data/demo.yaml").read_text("utf-8"), source)
    for service in raw["services"]:
        days = service.pop("expires_in_days")
        service.pop("__line__expires_in_days", None)
        service["expires_on"] = today + timedelta(days=days)
    return parse_data(raw, source)


async def load_demo_if_empty(session: AsyncSession, today: date) -> ImportSummary | None:
    """Load the demo only into a database with no customers (never over real data)."""
    if (await session.execute(select(func.count(Customer.id)))).scalar_one():
        return None
    return await apply(session, demo_document(today))
