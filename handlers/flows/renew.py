"""Rinnova: choose one or several services, review (Durata and «Rinnovo automatico» per
service, seed 002), pay."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from core.pricing import Quote, RenewalChoice, renewal_choices
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
    """«Rinnovo automatico» toggled in the order summary: off on one tap; on only after the
    customer has read what it commits them to (a fattura payable on sight at expiry)."""
    found = await _summary_choice(turn, params)
    if found is None:
        return
    shown, choices, sid = found
    if choices[sid].auto_renew:
        await _requote(turn, shown, choices, sid, replace(choices[sid], auto_renew=False))
        return
    item, line = next((item, line) for item, line in zip(shown.renewals, shown.lines,
                                                          strict=True)
                      if item["service_id"] == sid)
    turn.step("confirm", auto_sid=sid)  # support reads «Passo: conferma» on a ticket
    turn.say(t("mode-auto-ask", name=line.detail.get("service_name", ""),
               expiry=date.fromisoformat(item["period_to"]),
               price=billed(line.amount, int(item["months"])),
               days=turn.app.settings.tacit_payment_days) + "\n" + t("order-auto-ask-applies"),
             [turn.btn(t("btn-mode-auto-confirm"), "renew.auto_on", qid=shown.id, sid=sid)],
             [turn.btn(t("btn-order-auto-keep-off"), "renew.auto_off", qid=shown.id,
                       sid=sid)])


@flow.action("renew.auto_on")
async def auto_on(turn: Turn, params: dict[str, Any]) -> None:
    """«Attiva il rinnovo automatico», on the question just asked: the summary again, with
    it on. Tapped again once it is on, the summary is only shown again."""
    await _answer(turn, params, True)


@flow.action("renew.auto_off")
async def auto_off(turn: Turn, params: dict[str, Any]) -> None:
    """«No, lascia il rinnovo su richiesta»: the summary again, unchanged."""
    await _answer(turn, params, False)


async def _answer(turn: Turn, params: dict[str, Any], on: bool) -> None:
    asked = _asking(turn) and turn.data.get("auto_sid") == params.get("sid")
    found = await _summary_choice(turn, params)
    if found is None:
        return
    shown, choices, sid = found
    if on and asked:
        await _requote(turn, shown, choices, sid, replace(choices[sid], auto_renew=True))
    elif asked or bool(choices[sid].auto_renew) == on:  # answered already: nothing to do
        await pay.offer(turn, shown, same_summary=True)
    else:
        stale(turn)


async def _choose(turn: Turn, params: dict[str, Any],
                  change: Callable[[RenewalChoice], RenewalChoice]) -> None:
    """Quote the summary's cart again with one service's choice changed (core checks that
    the plan offers the Durata)."""
    found = await _summary_choice(turn, params)
    if found is not None:
        shown, choices, sid = found
        await _requote(turn, shown, choices, sid, change(choices[sid]))


async def _summary_choice(turn: Turn, params: dict[str, Any]
                          ) -> tuple[Quote, dict[int, RenewalChoice], int] | None:
    """The renewal summary on screen (or its «Rinnovo automatico» question), its choices
    and the service the button is for; None, said as a stale button, for any other."""
    if (turn.state.flow != "pay" or not (turn.state.step == "method" or _asking(turn))
            or params.get("qid") != turn.data.get("quote_id")):
        stale(turn)
        return None
    shown = await turn.app.get_quote(turn.customer_id, turn.data["quote_id"])
    choices = renewal_choices(shown)
    sid = params.get("sid")
    if shown.kind != "renewal" or not isinstance(sid, int) or sid not in choices:
        stale(turn)
        return None
    return shown, choices, sid


def _asking(turn: Turn) -> bool:
    """Whether the «Rinnovo automatico» question is on screen (not the payment's own
    «confirm» step, which has a method chosen instead)."""
    return (turn.state.step == "confirm" and "auto_sid" in turn.data
            and "method" not in turn.data)


async def _requote(turn: Turn, shown: Quote, choices: dict[int, RenewalChoice], sid: int,
                   choice: RenewalChoice) -> None:
    choices = {**choices, sid: choice}
    ids = [item["service_id"] for item in shown.renewals]
    quote = await turn.app.quote_renewal(turn.customer_id, ids, choices)
    await pay.offer(turn, quote, same_summary=True)


@flow.intent("renew")
async def routed_here(turn: Turn, routed: Routed, text: str) -> None:
    if routed.service_id is not None:
        await review(turn, {"sids": [routed.service_id]})
    else:
        await start(turn, {"category": routed.category})
