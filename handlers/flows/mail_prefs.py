"""The customer's reminder emails, on or off (from «I miei prodotti»). Fatture, receipts
and support's replies are always emailed; only the expiry reminders can be turned off."""

from __future__ import annotations

from typing import Any

from handlers.engine import Turn
from handlers.flow import Flow
from handlers.flows.common import menu_button
from handlers.i18n import t

flow = Flow("mail_prefs")


async def toggle_button(turn: Turn) -> Any | None:
    """The button that turns reminder emails off (or on again); None when email is off
    or the customer has no address."""
    if not turn.app.settings.smtp_host:
        return None
    email, on = await turn.app.reminder_emails(turn.customer_id)
    if email is None:
        return None
    if on:
        return turn.btn(t("btn-reminder-emails-off"), "mail.reminders", on=0)
    return turn.btn(t("btn-reminder-emails-on"), "mail.reminders", on=1)


@flow.action("mail.reminders", entry=True)
async def set_reminders(turn: Turn, params: dict[str, Any]) -> None:
    turn.leave()
    on = bool(int(params.get("on", 0)))
    email, on = await turn.app.set_reminder_emails(turn.customer_id, on, key=turn.key("mail"))
    if email is None:
        turn.say(t("mail-prefs-no-email"), menu_button(turn))
        return
    turn.say(t("mail-prefs-on" if on else "mail-prefs-off", address=email),
             [turn.btn(t("btn-all-products"), "products.list"), menu_button(turn)])
