"""What the bot says on its own: lifecycle notices and support replies, with buttons."""

from __future__ import annotations

from core.views import NoticeView, ServiceView
from handlers.engine import Turn
from handlers.flows.common import menu_button
from handlers.flows.pay import receipt_of
from handlers.flows.staff_notices import staff_notice
from handlers.i18n import t


async def notice(turn: Turn, item: NoticeView) -> None:
    """One lifecycle notice, with the button that acts on it."""
    view = await turn.app.get_service(turn.customer_id, item.service_id)
    kind = item.kind
    order = None
    if item.order_id is not None:
        found = await turn.app.list_orders(turn.customer_id, order_ids=[item.order_id])
        order = found[0] if found else None
    if kind.startswith("reminder_"):
        if not reminder_still_due(view, item):
            return  # stale: nothing is sent (the expiry or renewal has its own notice)
        turn.say(t("notice-text-reminder", name=view.name, days=view.days_left,
                   expiry=view.expires_on),
                 turn.btn(t("btn-renew-now"), "renew.for", sid=view.id), menu_button(turn))
    elif kind in ("tacit_invoice", "suspended_unpaid") and order is not None:
        invoices = {i.order_reference: i for i in await turn.app.list_invoices(turn.customer_id)}
        invoice = invoices.get(order.reference)
        turn.say(t(f"notice-text-{kind}", name=view.name, expiry=view.expires_on,
                   invoice=invoice.number if invoice else order.reference, total=order.total,
                   due=invoice.due_on if invoice else view.expires_on),
                 turn.btn(t("btn-pay-order", reference=order.reference), "orders.pay",
                          oid=order.id), menu_button(turn))
    elif kind in ("expired", "cancelled_expired"):
        turn.say(t(f"notice-text-{kind}", name=view.name, expiry=view.expires_on,
                   until=view.recover_until),
                 turn.btn(t("btn-recover"), "recover.do", sid=view.id), menu_button(turn))
    elif kind == "deleted":
        turn.say(t("notice-text-deleted", name=view.name),
                 turn.btn(t("btn-recover"), "recover.do", sid=view.id), menu_button(turn))
    elif kind == "plan_changed":
        turn.say(t("notice-text-plan_changed", name=view.name, plan=view.plan_name),
                 turn.btn(t("btn-products"), "products.list"))
    elif kind == "order_void" and order is not None:
        turn.say(t("notice-text-order_void", reference=order.reference, name=view.name,
                   reason=t(f"void_reason-{order.void_reason or 'status_changed'}")),
                 turn.btn(t("btn-requote"), "orders.requote", oid=order.id),
                 [turn.btn(t("btn-orders"), "orders.list"), menu_button(turn)])
    elif kind == "payment_unapplied" and order is not None:
        turn.say(t("notice-text-payment_unapplied", reference=order.reference,
                   status=t(f"order_status-{order.status}")),
                 turn.btn(t("btn-my-tickets"), "support.list"), menu_button(turn))
    elif kind == "deleted_unpaid" and order is not None:
        turn.say(t("notice-text-deleted_unpaid", name=view.name, reference=order.reference,
                   expiry=view.expires_on),
                 turn.btn(t("btn-my-tickets"), "support.list"), menu_button(turn))
    elif kind == "order_paid" and order is not None:
        receipt, pdf = await receipt_of(turn, order.invoice_number)
        turn.say("\n".join([t("notice-text-order_paid", reference=order.reference,
                               total=order.total), *receipt]),
                 *pdf, turn.btn(t("btn-orders"), "orders.list"), menu_button(turn))
    elif kind.startswith("staff_"):  # support acted for the customer
        await staff_notice(turn, item, view, order)


def reminder_still_due(view: ServiceView, item: NoticeView) -> bool:
    """A reminder delivered late is dropped unless it still tells the truth: the service
    is active, still renewed on request, and still expires on the day it was due for, not
    before today (renewed, cancelled or expired since: another notice says so)."""
    return (view.status == "attivo" and view.renewal_mode == "su_richiesta"
            and view.expires_on == item.ref_date and view.days_left >= 0)


async def staff_reply(turn: Turn, ticket_id: int, text: str) -> None:
    turn.say(t("ticket-staff-reply", ticket=str(ticket_id), text=text),
             turn.btn(t("btn-reply-ticket"), "support.write", tid=ticket_id), menu_button(turn))
