"""Rinnova: choose one or several services, review (Durata and «Rinnovo automatico» per
service, seed 002), pay."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from core.pricing import RenewalChoice, renewal_choices
from handlers.engine import Turn
from handlers.flow import Flow
from handlers.flows import pay, picker
from handlers.flows.common import abort_button, menu_button, order_pending, stale
from handlers.i18n import t
from handlers.quote_text import billed
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


async def _pick_screen(turn: Turn, hint: str = "") -> None:
    """The picker; `hint` (why it is shown again) goes above the question in the same
    message, so a pressed picker is never replaced by a sentence without buttons."""
    selected = set(turn.data.get("selected", []))
    rows = [[turn.btn(t("renew-option", mark="☑" if s.id in selected else "☐", name=s.name,
                        price=billed(s.renewal_price, s.renewal_period_months)),
                      "renew.toggle", sid=s.id)]
            for s in await renewable(turn)]
    rows.append([turn.btn(t("renew-continue"), "renew.review"), abort_button(turn)])
    turn.say("\n".join(filter(None, [hint, t("renew-pick")])), *rows)


@flow.text_step("renew.pick")
async def pick_typed(turn: Turn, text: str) -> None:
    """A service's name typed at the picker ticks it; other text keeps the picker."""
    options = await renewable(turn)
    chosen = await picker.typed_choice(turn, text, options)
    if chosen is None:
        if not await picker.elsewhere(turn, text, "renew"):
            await _pick_screen(turn, picker.unknown_hint(options))
        return
    selected = list(turn.data.get("selected", []))
    if chosen.id not in selected:
        selected.append(chosen.id)
    turn.data["selected"] = selected
    await _pick_screen(turn, t("renew-typed-selected", name=chosen.name))


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
        await _pick_screen(turn, t("renew-nothing-selected"))
        return
    if await order_pending(turn, [int(s) for s in sids]):
        return
    quote = await turn.app.quote_renewal(turn.customer_id, [int(s) for s in sids])
    await pay.offer(turn, quote)


@flow.action("renew.months")
async def months(turn: Turn, params: dict[str, Any]) -> None:
    """A Durata button of the order summary: the same cart quoted for that many months."""
    await _choose(turn, params, lambda choice: replace(choice, months=int(params["m"])))


@flow.action("renew.auto")
async def auto(turn: Turn, params: dict[str, Any]) -> None:
    """«Rinnovo automatico» toggled in the order summary."""
    await _choose(turn, params, lambda choice: replace(choice, auto_renew=not choice.auto_renew))


async def _choose(turn: Turn, params: dict[str, Any],
                  change: Callable[[RenewalChoice], RenewalChoice]) -> None:
    """Quote the summary's cart again with one service's choice changed (core checks that
    the plan offers the Durata); only for the summary on screen."""
    if (turn.state.flow != "pay" or turn.state.step != "method"
            or params.get("qid") != turn.data.get("quote_id")):
        stale(turn)
        return
    shown = await turn.app.get_quote(turn.customer_id, turn.data["quote_id"])
    choices = renewal_choices(shown)
    sid = int(params["sid"])
    if shown.kind != "renewal" or sid not in choices:
        stale(turn)
        return
    choices[sid] = change(choices[sid])
    ids = [item["service_id"] for item in shown.renewals]
    quote = await turn.app.quote_renewal(turn.customer_id, ids, choices)
    await pay.offer(turn, quote, same_summary=True)


@flow.intent("renew")
async def routed_here(turn: Turn, routed: Routed, text: str) -> None:
    if routed.service_id is not None:
        await review(turn, {"sids": [routed.service_id]})
    else:
        await start(turn, {"category": routed.category})
