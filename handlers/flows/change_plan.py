"""Upgrade / cambio piano: the plans a service can move to, the exact quote, payment."""

from __future__ import annotations

from typing import Any

from core.errors import SalesOnly
from core.views import ServiceView
from handlers.engine import Turn
from handlers.flow import Flow
from handlers.flows import pay, picker
from handlers.flows.common import conversation_lines, menu_button
from handlers.i18n import t
from handlers.quote_text import billed, option_line
from handlers.router import Routed, fold, words

flow = Flow("change_plan")


async def changeable(turn: Turn) -> list[ServiceView]:
    """The services «Upgrade / cambio piano» is offered for: in a state that allows a change
    and with somewhere to go, a plan of the catalogue (core's `change_options`) or, for a
    custom solution, the sales office."""
    targets = await turn.app.changeable(turn.customer_id)
    return [s for s in await turn.services()
            if "change_plan" in s.actions and (s.id in targets or s.category == "custom")]


@flow.action("change.start", entry=True)
async def start(turn: Turn, params: dict[str, Any]) -> None:
    choices = await changeable(turn)
    turn.leave()
    if not choices:
        active = any("change_plan" in s.actions for s in await turn.services())
        if active:  # active services, none with another plan: support can still help
            turn.say(t("change-none-targets"), turn.btn(t("btn-ticket"), "operator.open"),
                     menu_button(turn))
        else:
            turn.say(t("change-none"), menu_button(turn))
        return
    turn.goto("change", "pick")
    _picker(turn, choices, t("change-pick"))


def _picker(turn: Turn, choices: list[Any], text: str) -> None:
    rows = [[turn.btn(f"{s.name} · {s.plan_name}", "change.for", sid=s.id)] for s in choices]
    turn.say(text, *rows, [menu_button(turn)])


@flow.text_step("change.pick")
async def pick_typed(turn: Turn, text: str) -> None:
    """A service's name typed at the picker picks it; other text keeps the picker. A
    service with no plan to move to is not on the buttons, but named it is answered (no
    other plans, support one tap away) rather than mistaken for another one."""
    choices = await changeable(turn)
    active = [s for s in await turn.services() if "change_plan" in s.actions]
    await picker.typed_step(
        turn, text, active, "change_plan", lambda s: options(turn, {"sid": s.id, "hint": text}),
        lambda: start(turn, {}),
        lambda hint: _picker(turn, choices, hint + "\n" + t("change-pick")))


@flow.action("change.for", entry=True)
async def options(turn: Turn, params: dict[str, Any]) -> None:
    view = await turn.app.get_service(turn.customer_id, int(params["sid"]))
    turn.leave()
    if view.category == "custom":
        raise SalesOnly(service_id=view.id)
    if "change_plan" not in view.actions:
        turn.say(t("err-not-allowed"), menu_button(turn))
        return
    plans = await turn.app.change_options(turn.customer_id, view.id)
    hint = str(params.get("hint") or "")
    named = [p for p in plans if hint and _names(p.name, hint)]
    if len(named) == 1:
        await quote(turn, {"sid": view.id, "plan": named[0].code})
        return
    if not plans:
        turn.say(t("change-no-options", name=view.name),
                 turn.btn(t("btn-ticket"), "operator.open"), menu_button(turn))
        return
    # Its own category first (other hostings), then the others (only the domain).
    categories = sorted(dict.fromkeys(p.category for p in plans),
                        key=lambda c: c != view.category)
    chosen = str(params.get("cat") or "")
    if len(categories) > 1 and chosen not in categories:
        # Seed 001: the categories first (other hostings, or only the domain), then plans.
        rows = [[turn.btn(t(f"category-{c}"), "change.for", sid=view.id, cat=c)]
                for c in categories]
        turn.say(t("change-categories", name=view.name, plan=view.plan_name,
                   price=billed(view.price, view.period_months)), *rows, [menu_button(turn)])
        return
    shown = [p for p in plans if p.category == chosen] if chosen in categories else plans
    rows = [[turn.btn(t("change-option", **option_line(p)), "change.quote", sid=view.id,
                      plan=p.code)] for p in shown]
    back = ([turn.btn(t("btn-back"), "change.for", sid=view.id)]
            if len(categories) > 1 else [])
    turn.say(t("change-options", name=view.name, plan=view.plan_name,
               price=billed(view.price, view.period_months)), *rows, [*back, menu_button(turn)])


def _names(plan_name: str, text: str) -> bool:
    """Whether the text names this plan by its distinctive word ("business", "pro")."""
    said = set(words(text))
    distinctive = [w for w in words(plan_name) if w not in {"hosting", "pec", "vps", "cloud",
                                                              "server", "dominio", "piano"}]
    return bool(distinctive) and all(fold(w) in said for w in distinctive)


@flow.action("change.quote")
async def quote(turn: Turn, params: dict[str, Any]) -> None:
    keep = params.get("keep") or []
    found = await turn.app.quote_change(
        turn.customer_id, int(params["sid"]), str(params["plan"]),
        with_renewal=bool(params.get("renew")),
        keep_addons=tuple(str(name) for name in keep) if isinstance(keep, list) else ())
    await pay.offer(turn, found)


@flow.action("change.sales")
async def sales_ticket(turn: Turn, params: dict[str, Any]) -> None:
    view = await turn.app.get_service(turn.customer_id, int(params["sid"]))
    history = list(turn.state.history)
    reason = str(params.get("reason") or "sales_only")
    ticket = await turn.app.open_ticket(
        turn.customer_id, "commerciale", t(f"ticket-note-{reason}", name=view.name,
                                           plan=view.plan_name),
        service_id=view.id,
        context={"reason": reason, "action": "change_plan", "plan": view.plan_code,
                 "conversation": conversation_lines(history)},
        subject=view.name, key=turn.key("sales"), join_open=True)
    turn.leave()
    turn.say(t("change-sales-opened", ticket=str(ticket.id)), menu_button(turn))


@flow.intent("change_plan")
async def routed_here(turn: Turn, routed: Routed, text: str) -> None:
    """The text may name the plan wanted ("passa a business"): `options` looks for it."""
    if routed.service_id is not None:
        await options(turn, {"sid": routed.service_id, "hint": text})
    else:
        await start(turn, {})
