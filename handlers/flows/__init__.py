"""The Italian conversation flows. Each module builds a `Flow`; `ALL` is what an `Engine`
runs unless told otherwise. `notices` registers nothing: it builds the messages the bot
sends on its own (`Engine.push`) with the buttons of the other flows."""

from handlers.flow import Flow
from handlers.flows import (
    cancel,
    change_plan,
    common,
    mail_prefs,
    orders,
    pay,
    products,
    recover,
    renew,
    support,
    ticket_rating,
)

ALL: tuple[Flow, ...] = (
    common.flow,
    products.flow,
    renew.flow,
    cancel.flow,
    recover.flow,
    change_plan.flow,
    orders.flow,
    pay.flow,
    support.flow,
    ticket_rating.flow,
    mail_prefs.flow,
)
