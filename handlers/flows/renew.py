"""Rinnova: choose one or several services, review, pay."""

from __future__ import annotations

from typing import Any

from handlers.engine import Turn
from handlers.flow import Flow
from handlers.flows import pay
from handlers.flows.common import abort_button, menu_button, order_pending, stale
from handlers.i18n import t
from handlers.router import Routed

flow = Flow("renew")


async def renewable(turn: Turn) -> list[Any]:
    """Active services, and lapsed ones still within the free recovery window."""
    return [s for s in await turn.services()
            if "renew" in s.actions or ("recover" in s.actions and s.state == "scaduto")]


@flow.action("renew.start", entry=True)
async def start(turn: Turn, params: dict[str, Any]) -> None:
    options = await renewable(turn)
    if not options:
        turn.leave()
        turn.say(t("renew-none"), menu_button(turn))
        return
    category = params.get("category")
    preselected = [s.id for s in options if category and s.category == category]
    turn.goto("renew", "pick", selected=preselected)
    await _pick_screen(turn)


async def _pick_screen(turn: Turn) -> None:
    selected = set(turn.data.get("selected", []))
    rows = [[turn.btn(t("renew-option", mark="☑" if s.id in selected else "☐", name=s.name,
                        price=s.price), "renew.toggle", sid=s.id)]
            for s in await renewable(turn)]
    rows.append([turn.btn(t("renew-continue"), "renew.review"), abort_button(turn)])
    turn.say(t("renew-pick"), *rows)


@flow.action("renew.toggle")
async def toggle(turn: Turn, params: dict[str, Any]) -> None:
    if turn.state.flow != "renew":
        stale(turn)
        return
    sid = int(params["sid"])
    selected = list(turn.data.get("selected", []))
    if sid in selected:
        selected.remove(sid)
    else:
        selected.append(sid)
    turn.data["selected"] = selected
    await _pick_screen(turn)


@flow.action("renew.for", entry=True)
async def renew_one(turn: Turn, params: dict[str, Any]) -> None:
    await review(turn, {"sids": [int(params["sid"])]})


@flow.action("renew.review")
async def review(turn: Turn, params: dict[str, Any]) -> None:
    sids = params.get("sids")
    if sids is None:
        if turn.state.flow != "renew":
            stale(turn)
            return
        sids = turn.data.get("selected", [])
    if not sids:
        turn.say(t("renew-nothing-selected"))
        await _pick_screen(turn)
        return
    if await order_pending(turn, [int(s) for s in sids]):
        return
    quote = await turn.app.quote_renewal(turn.customer_id, [int(s) for s in sids])
    await pay.offer(turn, quote)


@flow.intent("renew")
async def routed_here(turn: Turn, routed: Routed, text: str) -> None:
    if routed.service_id is not None:
        await review(turn, {"sids": [routed.service_id]})
    else:
        await start(turn, {"category": routed.category})
