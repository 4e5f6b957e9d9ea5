"""Ordini e fatture: orders with their state, pending ones to pay or cancel, fatture."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.payments import OFFLINE_METHODS
from core.views import InvoiceView
from handlers.document_chat import pdf_reply, signed
from handlers.engine import Turn
from handlers.flow import Flow
from handlers.flows import pay
from handlers.flows.common import abort_button, menu_button, stale
from handlers.flows.pay import services_in
from handlers.i18n import t
from handlers.router import Routed

flow = Flow("orders")

SHOWN = 10


@flow.action("orders.list", entry=True)
async def listing(turn: Turn, params: dict[str, Any]) -> None:
    turn.leave()
    orders = await turn.app.list_orders(turn.customer_id)
    invoices = await turn.app.list_invoices(turn.customer_id)
    text = [t("orders-title")]
    for o in orders[:SHOWN]:
        text.append(t("orders-line", reference=o.reference, date=o.created_on,
                      kind=t(f"order_kind-{o.kind}"), total=o.total,
                      status=t(f"order_status-{o.status}")))
        if o.status == "void":
            text.append(t("orders-void-why", reason=t(f"void_reason-{o.void_reason}")))
    if not orders:
        text.append(t("orders-none"))
    text.append("")
    shown = await _documents(turn, invoices)
    text += shown.lines
    rows = [[turn.btn(t("btn-pay-order", reference=o.reference), "orders.pay", oid=o.id)]
            for o in orders if o.status == "pending"][:SHOWN]
    pdf = [turn.btn(t("btn-pdf", number=n), "orders.pdf", n=n) for n in shown.numbers]
    rows += [pdf[i:i + 2] for i in range(0, len(pdf), 2)]
    turn.say("\n".join(text), *rows, [menu_button(turn)])


@dataclass
class _Shown:
    lines: list[str]
    numbers: list[str]  # the documents listed, in order: one «Scarica PDF» each


async def _documents(turn: Turn, invoices: list[InvoiceView]) -> _Shown:
    """The latest fatture, each with its amounts and the note di credito on it (signed,
    as money going back); notes on a fattura not listed stand on their own."""
    fatture = [i for i in invoices if i.doc_type != "nota_credito"][:SHOWN]
    notes = [i for i in invoices if i.doc_type == "nota_credito"][:SHOWN]
    credited: dict[str, list[InvoiceView]] = {}
    alone: list[tuple[InvoiceView, str]] = []
    listed = {f.number for f in fatture}
    for note in notes:
        target = note.credits_number or ""
        if target in listed:
            credited.setdefault(target, []).append(note)
        else:
            alone.append((note, target))
    shown = _Shown([t("docs-title")], [])
    for f in fatture:
        paid = t("docs-paid") if f.paid else t("docs-due", due=f.due_on)
        shown.lines += [t("docs-invoice", number=f.number, date=f.issued_on),
                        t("docs-invoice-amounts", subtotal=f.subtotal, vat=f.vat,
                          total=f.total, paid=paid)]
        shown.numbers.append(f.number)
        for note in credited.get(f.number, []):
            shown.lines.append(t("docs-note", number=note.number, date=note.issued_on,
                                 **_negative(note)))
            shown.numbers.append(note.number)
    for note, target in alone:
        shown.lines.append(t("docs-note-alone", number=note.number, date=note.issued_on,
                             invoice=target, **_negative(note)))
        shown.numbers.append(note.number)
    if not fatture and not notes:
        shown.lines.append(t("docs-none"))
    return shown


def _negative(note: InvoiceView) -> dict[str, str]:
    return {"total": signed(note.total, negative=True),
            "subtotal": signed(note.subtotal, negative=True),
            "vat": signed(note.vat, negative=True)}


@flow.action("orders.pdf", entry=True)
async def pdf(turn: Turn, params: dict[str, Any]) -> None:
    """«Scarica PDF»: the copy of one of the customer's own documents, sent by the door."""
    number = str(params.get("n", ""))
    doc = await turn.app.document(number, turn.customer_id) if number else None
    if doc is None:
        turn.say(t("doc-pdf-missing"), turn.btn(t("btn-orders"), "orders.list"),
                 menu_button(turn))
        return
    turn.replies.append(pdf_reply(doc))


@flow.action("orders.pay", entry=True)
async def pay_order(turn: Turn, params: dict[str, Any]) -> None:
    order = (await turn.app.list_orders(turn.customer_id, order_ids=[int(params["oid"])]))[0]
    turn.leave()
    if order.status in ("void", "cancelled"):
        pay.void_screen(turn, order)
        return
    if order.status != "pending":
        turn.say(t("order-not-pending", reference=order.reference,
                   status=t(f"order_status-{order.status}")), menu_button(turn))
        return
    text = [t("order-detail", reference=order.reference, total=order.total,
              status=t(f"order_status-{order.status}"))]
    if order.method in OFFLINE_METHODS:
        text.append(pay.instructions_text(turn.app.instructions(order)))
    rows: list[list[Any]] = [[turn.btn(t("order-pay-card"), "orders.card", oid=order.id)]]
    if order.kind != "tacit":
        rows.append([turn.btn(t("btn-cancel-order", reference=order.reference),
                              "orders.cancel", oid=order.id)])
    rows.append([turn.btn(t("btn-orders"), "orders.list"), menu_button(turn)])
    turn.say("\n".join(text), *rows)


@flow.action("orders.card", entry=True)
async def card(turn: Turn, params: dict[str, Any]) -> None:
    order = (await turn.app.list_orders(turn.customer_id, order_ids=[int(params["oid"])]))[0]
    if order.status in ("void", "cancelled"):
        pay.void_screen(turn, order)
        return
    if order.status != "pending":
        turn.leave()
        turn.say(t("order-not-pending", reference=order.reference,
                   status=t(f"order_status-{order.status}")), menu_button(turn))
        return
    if turn.engine.invoices:
        turn.leave()
        pay.invoice_reply(turn, order)
        return
    turn.goto("orders", "card", oid=order.id)
    turn.say(t("pay-card-ask"), abort_button(turn))


@flow.text_step("orders.card", card=True)
async def card_number(turn: Turn, text: str) -> None:
    turn.mask_input = True
    digits = pay.card_digits(text)
    if digits is None:
        turn.say(t("pay-card-invalid"), abort_button(turn))
        return
    result = await turn.app.pay_order(turn.customer_id, int(turn.data["oid"]), digits,
                                      key=turn.key("pay"))
    turn.leave()
    await pay.outcome(turn, result)


@flow.action("orders.requote", entry=True)
async def requote(turn: Turn, params: dict[str, Any]) -> None:
    """A fresh quote for what a void or cancelled order asked for (core re-checks it)."""
    quote = await turn.app.requote_order(turn.customer_id, int(params["oid"]))
    await pay.offer(turn, quote, t("pay-requoted"))


@flow.action("orders.cancel")
async def cancel_ask(turn: Turn, params: dict[str, Any]) -> None:
    order = (await turn.app.list_orders(turn.customer_id, order_ids=[int(params["oid"])]))[0]
    turn.goto("orders", "cancel", oid=order.id)
    turn.say(t("order-cancel-ask", reference=order.reference, total=order.total,
               kind=order.kind, count=services_in(order)),
             [turn.btn(t("btn-yes-cancel-order"), "orders.cancel_ok"),
              turn.btn(t("btn-keep-order"), "orders.list")])


@flow.action("orders.cancel_ok")
async def cancel_ok(turn: Turn, params: dict[str, Any]) -> None:
    if turn.state.flow != "orders" or turn.state.step != "cancel":
        stale(turn)
        return
    order = await turn.app.cancel_order(turn.customer_id, int(turn.data["oid"]),
                                        key=turn.key("cancel_order"))
    turn.leave()
    turn.say(t("order-cancelled", reference=order.reference),
             turn.btn(t("btn-orders"), "orders.list"), menu_button(turn))


@flow.intent("orders")
async def routed_here(turn: Turn, routed: Routed, text: str) -> None:
    await listing(turn, {})
