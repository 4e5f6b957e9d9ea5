"""Non rinnovare: what happens and when, the reason, the holder's name typed, then «Ok»."""

from __future__ import annotations

from typing import Any

from core.names import names_match
from handlers.engine import Turn
from handlers.flow import Flow
from handlers.flows import picker
from handlers.flows.common import abort_button, menu_button, order_pending, stale
from handlers.i18n import t
from handlers.router import Routed

flow = Flow("cancel")

REASONS = ("reason-price", "reason-provider", "reason-unused", "reason-technical")
MAX_ATTEMPTS = 3


async def _options(turn: Turn) -> list[Any]:
    return [s for s in await turn.services() if "cancel" in s.actions]


@flow.action("cancel.start", entry=True)
async def start(turn: Turn, params: dict[str, Any]) -> None:
    options = await _options(turn)
    turn.leave()
    if not options:
        turn.say(t("cancel-none"), menu_button(turn))
        return
    turn.goto("cancel", "pick")
    _picker(turn, options, t("cancel-pick"))


def _picker(turn: Turn, options: list[Any], text: str) -> None:
    rows = [[turn.btn(s.name, "cancel.for", sid=s.id)] for s in options]
    turn.say(text, *rows, [menu_button(turn)])


@flow.text_step("cancel.pick")
async def pick_typed(turn: Turn, text: str) -> None:
    """A service's name typed at the picker picks it; other text keeps the picker."""
    options = await _options(turn)
    await picker.typed_step(
        turn, text, options, "cancel", lambda s: explain(turn, {"sid": s.id}),
        lambda: start(turn, {}),
        lambda hint: _picker(turn, options, hint + "\n" + t("cancel-pick")))


@flow.action("cancel.for", entry=True)
async def explain(turn: Turn, params: dict[str, Any]) -> None:
    view = await turn.app.get_service(turn.customer_id, int(params["sid"]))
    if "cancel" not in view.actions:
        turn.leave()
        turn.say(t("err-not-allowed"), menu_button(turn))
        return
    if await order_pending(turn, [view.id]):
        return
    turn.goto("cancel", "reason", sid=view.id, name=view.name, attempts=0)
    rows = [[turn.btn(t(key), "cancel.reason", reason=key)] for key in REASONS]
    rows.append([turn.btn(t("reason-other"), "cancel.reason_other"), abort_button(turn)])
    # What not renewing means for this kind of service (what is deleted, whether a domain
    # becomes free for anyone), said before the reason and the name are asked.
    turn.say(t("cancel-warning", name=view.name, category=view.category,
               expiry=view.expires_on, until=view.recover_until,
               days=turn.app.settings.recovery_days), *rows)


@flow.action("cancel.reason")
async def reason_chosen(turn: Turn, params: dict[str, Any]) -> None:
    if turn.state.flow != "cancel" or turn.state.step not in ("reason", "reason_text"):
        stale(turn)
        return
    await _ask_name(turn, t(str(params["reason"])))


@flow.action("cancel.reason_other")
async def reason_other(turn: Turn, params: dict[str, Any]) -> None:
    if turn.state.flow != "cancel":
        stale(turn)
        return
    turn.step("reason_text")
    turn.say(t("cancel-reason-write"), abort_button(turn))


@flow.text_step("cancel.reason")
@flow.text_step("cancel.reason_text")
async def reason_typed(turn: Turn, text: str) -> None:
    await _ask_name(turn, text.strip()[:500])


async def _ask_name(turn: Turn, reason: str) -> None:
    turn.step("name", reason=reason)
    turn.say(t("cancel-ask-name"), abort_button(turn))


@flow.text_step("cancel.name")
async def name_typed(turn: Turn, text: str) -> None:
    if names_match(text, turn.customer_name):
        turn.step("confirm", typed=text.strip()[:200])
        turn.say(t("cancel-name-ok", name=turn.data["name"]),
                 [turn.btn(t("btn-ok"), "cancel.confirm"), abort_button(turn)])
        return
    attempts = int(turn.data.get("attempts", 0)) + 1
    if attempts >= MAX_ATTEMPTS:
        turn.leave()
        turn.say(t("cancel-abandoned"), menu_button(turn))
        return
    turn.data["attempts"] = attempts
    turn.say(t("cancel-name-wrong", left=MAX_ATTEMPTS - attempts), abort_button(turn))


@flow.action("cancel.confirm")
async def confirm(turn: Turn, params: dict[str, Any]) -> None:
    if turn.state.flow != "cancel" or turn.state.step != "confirm":
        stale(turn)
        return
    result = await turn.app.cancel_service(
        turn.customer_id, int(turn.data["sid"]), turn.data.get("reason", ""),
        turn.data["typed"], key=turn.key("cancel"))
    turn.forget_services()
    turn.leave()
    turn.say(t("cancel-done", name=result.service.name, expiry=result.active_until,
               until=result.recover_until),
             turn.btn(t("btn-products"), "products.list"), menu_button(turn))


@flow.intent("cancel")
async def routed_here(turn: Turn, routed: Routed, text: str) -> None:
    if routed.service_id is not None:
        await explain(turn, {"sid": routed.service_id})
    else:
        await start(turn, {})
