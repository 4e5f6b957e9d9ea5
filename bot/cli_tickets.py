"""`sportello tickets stats [--weeks N] [--json]` and `sportello tickets close-idle`."""

from __future__ import annotations

import argparse
import json

from core.app import Sportello
from core.app.ticket_work import WeekStats
from handlers.i18n import day, t


def _headings() -> list[str]:
    return [t("cli-tickets-col-week"), t("cli-tickets-col-opened"),
            t("cli-tickets-col-closed"), t("cli-tickets-col-first"),
            t("cli-tickets-col-resolution"), t("cli-tickets-col-rating")]


async def tickets_work(app: Sportello, args: argparse.Namespace) -> int:
    if args.action == "close-idle":
        closed = await app.close_idle_tickets()
        print(t("cli-tickets-idle-closed", count=len(closed)))
        return 0
    found = await app.ticket_stats(args.weeks)
    if args.json:
        print(json.dumps([_as_json(row) for row in found], ensure_ascii=False, indent=2))
        return 0
    print(t("cli-tickets-stats-title", weeks=args.weeks))
    rows = [_headings()] + [_cells(row) for row in found]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:  # the first column to the left, the figures to the right
        print("  ".join([row[0].ljust(widths[0])]
                        + [cell.rjust(w) for cell, w in zip(row[1:], widths[1:], strict=True)]
                        ).rstrip())
    return 0


def _cells(row: WeekStats) -> list[str]:
    none = t("cli-tickets-empty-cell")
    return [day(row.week), str(row.opened), str(row.closed),
            _duration(row.first_response) if row.first_response is not None else none,
            _duration(row.resolution) if row.resolution is not None else none,
            t("cli-tickets-rating", rating=row.rating, count=row.ratings)
            if row.rating is not None else none]


def _duration(seconds: float) -> str:
    minutes = int(seconds // 60)
    days, rest = divmod(minutes, 24 * 60)
    return t("cli-tickets-duration", days=days, hours=rest // 60, minutes=rest % 60)


def _as_json(row: WeekStats) -> dict[str, object]:
    """Seconds for durations (null: nothing to measure that week)."""
    return {"week": row.week.isoformat(), "opened": row.opened, "closed": row.closed,
            "median_first_response_s": row.first_response,
            "median_resolution_s": row.resolution, "average_rating": row.rating,
            "ratings": row.ratings}
