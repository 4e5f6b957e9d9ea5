"""I miei prodotti: the customer's services, soonest expiry first; per service, its actions."""

from __future__ import annotations

from typing import Any

from core.states import is_lapsed_list
from core.views import ServiceView
from handlers.engine import Turn
from handlers.flow import Flow
from handlers.flows import change_plan, mail_prefs
from handlers.flows.common import abort_button, menu_button, stale
from handlers.i18n import days_list, t
from handlers.quote_text import billed
from handlers.router import Routed

flow = Flow("products")

PAGE = 8  # services per message: well within Telegram's 4,096 characters


def line(view: ServiceView) -> str:
    return t("products-line", name=view.name, plan=view.plan_name,
             price=billed(view.price, view.period_months),
             expiry=view.expires_on, mode=view.renewal_mode,
             state=t(f"state-{view.state}"))


@flow.action("products.list", entry=True)
async def listing(turn: Turn, params: dict[str, Any]) -> None:
    services = await turn.services()
    turn.leave()
    if not services:
        turn.say(t("products-empty"), menu_button(turn))
        return
    current = [s for s in services if not is_lapsed_list(s.state)]
    lapsed = [s for s in services if is_lapsed_list(s.state)]
    ordered = current + lapsed
    pages = max(1, -(-len(ordered) // PAGE))
    page = min(max(int(params.get("page", 0)), 0), pages - 1)
    shown = ordered[page * PAGE:(page + 1) * PAGE]
    parts = []
    if any(s in current for s in shown):
        parts.append(t("products-title"))
        parts += [line(s) for s in shown if s in current]
    if any(s in lapsed for s in shown):
        parts.append(t("products-lapsed-title"))
        parts += [line(s) for s in shown if s in lapsed]
    if pages > 1:
        parts.append(t("products-page", page=page + 1, pages=pages))
    parts.append(t("products-pick"))
    rows: list[list[Any]] = [[turn.btn(s.name, "products.detail", sid=s.id)] for s in shown]
    paging = []
    if page > 0:
        paging.append(turn.btn(t("btn-back"), "products.list", page=page - 1))
    if page < pages - 1:
        paging.append(turn.btn(t("btn-next"), "products.list", page=page + 1))
    if paging:
        rows.append(paging)
    reminders = await mail_prefs.toggle_button(turn)  # reminder emails: off / on again
    if reminders is not None:
        rows.append([reminders])
    rows.append([menu_button(turn)])
    turn.say("\n".join(parts), *rows)


@flow.action("products.detail", entry=True)
async def detail(turn: Turn, params: dict[str, Any]) -> None:
    view = await turn.app.get_service(turn.customer_id, int(params["sid"]))
    turn.leave()
    text = [t("product-detail", name=view.name, plan=view.plan_name,
              category=t(f"category-{view.category}"),
              price=billed(view.price, view.period_months), expiry=view.expires_on,
              mode=t(f"renewal_mode-{view.renewal_mode}"), state=t(f"state-{view.state}"))]
    days = -view.days_left
    if view.state == "in_scadenza":  # within the reminder window (SPORTELLO_REMINDER_DAYS)
        text.append(t("product-detail-days-left", days=view.days_left))
    if view.state == "disdetto":
        text.append(t("product-detail-cancelled", expiry=view.expires_on,
                      until=view.recover_until))
    elif view.state in ("scaduto", "eliminato"):
        late = "recover_ticket" in view.actions
        text.append(t("product-detail-expired-late", days=days) if late else
                    t("product-detail-expired", days=days, until=view.recover_until))
    elif view.state == "sospeso":
        text.append(t("product-detail-suspended"))
    if view.pending_plan_code and view.pending_change_on:
        text.append(t("product-detail-pending-change", date=view.pending_change_on,
                      plan=view.pending_plan_name))
    can_change = ("change_plan" in view.actions
                  and any(s.id == view.id for s in await change_plan.changeable(turn)))
    rows = [[button] for button in action_buttons(turn, view, can_change)]
    rows.append([turn.btn(t("btn-all-products"), "products.list"), menu_button(turn)])
    turn.say("\n".join(text), *rows)


def action_buttons(turn: Turn, view: ServiceView, can_change: bool) -> list[Any]:
    """Only the actions that make sense in the service's state; «Upgrade / cambio piano»
    only if `can_change` (there is a plan to move to, `change_plan.changeable`)."""
    buttons = []
    for name in view.actions:
        if name == "renew":
            buttons.append(turn.btn(t("btn-renew-now"), "renew.for", sid=view.id))
        elif name == "set_renewal_mode":
            target = "su_richiesta" if view.renewal_mode == "automatico" else "automatico"
            label = "btn-mode-manual" if target == "su_richiesta" else "btn-mode-auto"
            buttons.append(turn.btn(t(label), "products.mode", sid=view.id, mode=target))
        elif name == "change_plan" and can_change:
            buttons.append(turn.btn(t("btn-change"), "change.for", sid=view.id))
        elif name == "cancel":
            buttons.append(turn.btn(t("btn-cancel"), "cancel.for", sid=view.id))
        elif name in ("recover", "recover_ticket"):
            buttons.append(turn.btn(t("btn-recover"), "recover.do", sid=view.id))
        elif name == "orders":
            buttons.append(turn.btn(t("btn-orders"), "orders.list"))
        elif name == "ticket":
            buttons.append(turn.btn(t("btn-ticket"), "support.new"))
    return buttons


@flow.action("products.mode")
async def set_mode(turn: Turn, params: dict[str, Any]) -> None:
    """«Su richiesta» is set on one tap; «Automatico» commits the customer to a fattura
    payable on sight at expiry, so it is explained and confirmed first."""
    if str(params["mode"]) == "automatico":
        view = await turn.app.get_service(turn.customer_id, int(params["sid"]))
        turn.goto("mode", "confirm", sid=view.id)
        turn.say(t("mode-auto-ask", name=view.name, expiry=view.expires_on,
                   price=billed(view.renewal_price, view.renewal_period_months),
                   days=turn.app.settings.tacit_payment_days),
                 [turn.btn(t("btn-mode-auto-confirm"), "products.mode_confirm", sid=view.id),
                  abort_button(turn)])
        return
    await _apply_mode(turn, int(params["sid"]), "su_richiesta")


@flow.action("products.mode_confirm")
async def confirm_auto(turn: Turn, params: dict[str, Any]) -> None:
    """«Attiva il rinnovo automatico», only on the confirmation just shown."""
    if (turn.state.flow, turn.state.step) != ("mode", "confirm") \
            or turn.data.get("sid") != int(params["sid"]):
        stale(turn)
        return
    await _apply_mode(turn, int(params["sid"]), "automatico")


async def _apply_mode(turn: Turn, sid: int, mode: str) -> None:
    turn.leave()
    view = await turn.app.set_renewal_mode(turn.customer_id, sid, mode, key=turn.key("mode"))
    turn.forget_services()
    settings = turn.app.settings
    explain = t(f"mode-explain-{view.renewal_mode}", days=settings.tacit_payment_days,
                count=len(settings.reminder_days), reminders=days_list(settings.reminder_days))
    turn.say(t(f"mode-set-{view.renewal_mode}", name=view.name) + "\n"
             + explain,
             turn.btn(t("btn-all-products"), "products.list"), menu_button(turn))


@flow.intent("products")
async def routed_here(turn: Turn, routed: Routed, text: str) -> None:
    if routed.service_id is not None:
        await detail(turn, {"sid": routed.service_id})
    else:
        await listing(turn, {})
