"""Recupera prodotto: undo a cancellation, recover within the recovery window
(`SPORTELLO_RECOVERY_DAYS`) by paying the renewal, or, later than that, a ticket for support
(restoration costs apply)."""

from __future__ import annotations

from typing import Any

from handlers.engine import Turn
from handlers.flow import Flow
from handlers.flows import pay, picker
from handlers.flows.common import abort_button, conversation_lines, menu_button, order_pending
from handlers.i18n import t
from handlers.router import Routed

flow = Flow("recover")


async def _options(turn: Turn) -> list[Any]:
    return [s for s in await turn.services()
            if "recover" in s.actions or "recover_ticket" in s.actions]


@flow.action("recover.start", entry=True)
async def start(turn: Turn, params: dict[str, Any]) -> None:
    options = await _options(turn)
    turn.leave()
    if not options:
        turn.say(t("recover-none"), menu_button(turn))
        return
    turn.goto("recover", "pick")
    _picker(turn, options, t("recover-pick"))


def _picker(turn: Turn, options: list[Any], text: str) -> None:
    rows = [[turn.btn(f"{s.name} · {t(f'state-{s.state}')}", "recover.do", sid=s.id)]
            for s in options]
    turn.say(text, *rows, [menu_button(turn)])


@flow.text_step("recover.pick")
async def pick_typed(turn: Turn, text: str) -> None:
    """A service's name typed at the picker: asked to confirm with a tap (typed text never
    recovers on its own); other text keeps the picker."""
    options = await _options(turn)
    await picker.typed_step(
        turn, text, options, "recover", lambda s: ask(turn, {"sid": s.id}),
        lambda: start(turn, {}),
        lambda hint: _picker(turn, options, hint + "\n" + t("recover-pick")))


@flow.action("recover.ask", entry=True)
async def ask(turn: Turn, params: dict[str, Any]) -> None:
    """Free text asked to recover: confirm with a button before changing anything."""
    view = await turn.app.get_service(turn.customer_id, int(params["sid"]))
    if not {"recover", "recover_ticket"} & set(view.actions):
        turn.leave()
        turn.say(t("err-not-allowed"), menu_button(turn))
        return
    if await order_pending(turn, [view.id]):
        return
    turn.goto("recover", "confirm", sid=view.id)
    turn.say(t("recover-ask", name=view.name),
             [turn.btn(t("btn-recover"), "recover.do", sid=view.id), abort_button(turn)])


@flow.action("recover.do", entry=True)
async def recover(turn: Turn, params: dict[str, Any]) -> None:
    if await order_pending(turn, [int(params["sid"])]):
        return
    history = list(turn.state.history)
    result = await turn.app.recover(
        turn.customer_id, int(params["sid"]), key=turn.key("recover"),
        note=t("recover-ticket-note"), conversation=conversation_lines(history))
    turn.forget_services()
    view = result.service
    if result.outcome == "reinstated":
        turn.leave()
        turn.say(t("recover-reinstated", name=view.name, expiry=view.expires_on),
                 turn.btn(t("btn-products"), "products.list"), menu_button(turn))
    elif result.outcome == "renewal_quote" and result.quote is not None:
        from datetime import date

        line = result.quote.lines[0].detail
        intro = t("recover-renewal", name=view.name, days=result.days_since_expiry,
                  **{"from": date.fromisoformat(line["period_from"])},
                  to=date.fromisoformat(line["period_to"]), until=view.recover_until)
        await pay.offer(turn, result.quote, intro)
    else:
        turn.leave()
        turn.say(t("recover-ticket", name=view.name, days=result.days_since_expiry,
                   window=turn.app.settings.recovery_days, ticket=str(result.ticket_id)),
                 menu_button(turn))


@flow.intent("recover")
async def routed_here(turn: Turn, routed: Routed, text: str) -> None:
    if routed.service_id is not None:
        await ask(turn, {"sid": routed.service_id})
    else:
        await start(turn, {})
