"""What the customer is told when support acted for them (the `staff_*` notices)."""

from __future__ import annotations

from decimal import Decimal

from core.views import NoticeView, OrderView, ServiceView
from handlers.engine import Turn
from handlers.flows.common import menu_button
from handlers.i18n import t


async def staff_notice(turn: Turn, item: NoticeView, view: ServiceView,
                       order: OrderView | None) -> None:
    """One notice of a support action, with the button that lets the customer act on it:
    «Paga» on an order prepared for them, the quote to confirm for a plan change."""
    kind = item.kind
    if kind == "staff_order" and order is not None:
        key = "staff-notice-restoration" if order.kind == "restoration" else "staff-notice-order"
        turn.say(t(key, name=view.name, reference=order.reference, total=order.total),
                 turn.btn(t("btn-pay-order", reference=order.reference), "orders.pay",
                          oid=order.id), menu_button(turn))
    elif kind == "staff_cancelled":
        turn.say(t("staff-notice-cancelled", name=view.name, expiry=view.expires_on),
                 turn.btn(t("btn-recover"), "recover.do", sid=view.id), menu_button(turn))
    elif kind == "staff_uncancelled":
        turn.say(t("staff-notice-uncancelled", name=view.name, expiry=view.expires_on),
                 menu_button(turn))
    elif kind == "staff_quote":
        detail = await turn.app.staff_notice_detail(item.id)
        turn.say(t("staff-notice-quote", name=view.name, plan=str(detail.get("plan_name")),
                   total=Decimal(str(detail.get("total", "0")))),
                 turn.btn(t("staff-btn-see-quote"), "change.quote", sid=view.id,
                          plan=str(detail.get("plan"))), menu_button(turn))
    elif kind == "staff_autorenew":
        turn.say(t("staff-notice-autorenew", name=view.name,
                   mode=t(f"renewal_mode-{view.renewal_mode}")), menu_button(turn))
