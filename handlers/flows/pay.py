"""Payment screens shared by renewals, recoveries and plan changes.

The quote is shown (the order summary, with its Durata and «Rinnovo automatico» choices,
see `order_step`), a method chosen and the general conditions accepted, and only then
«Procedi al pagamento» (or «Conferma» of a free order) is offered. Paying executes the
stored quote (core refuses a stale one and hands back a fresh one).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from core.errors import QuoteExpired
from core.pricing import Quote
from core.states import PAYMENT_METHODS
from core.views import CheckoutResult, OrderView, PaymentInstructions
from handlers import quote_text
from handlers.document_chat import receipt_lines
from handlers.engine import Turn
from handlers.flow import Flow
from handlers.flows import order_step
from handlers.flows.common import abort_button, menu_button, stale, vat_percent
from handlers.i18n import has, t
from handlers.limits_text import removed_lines
from handlers.ui import InvoiceRequest, Reply

flow = Flow("pay")
MAX_ADDON_BUTTONS = 20  # one screen of ticks; more domains are kept through support


def totals(quote: Quote) -> list[str]:
    return [t("quote-subtotal", amount=quote.subtotal),
            t("quote-vat", rate=vat_percent(quote.vat_rate), amount=quote.vat),
            t("quote-total", amount=quote.total)]


async def describe(turn: Turn, quote: Quote) -> str:
    """Every line of a quote, as the customer must see it before paying."""
    if quote.kind == "renewal":
        names = {s.id: s.name for s in await turn.services()}
        lines = [t("renew-review-title")]
        for line in quote.lines:
            lines.append(t("renew-review-line", name=names.get(line.service_id, ""),
                           amount=line.amount, **_period(line.detail)))
        return "\n".join(lines + totals(quote))
    assert quote.service_id is not None
    view = await turn.app.get_service(turn.customer_id, quote.service_id)
    return "\n".join(await change_lines(turn, quote) + totals(quote)
                     + change_footer(quote, view.expires_on))


def _period(detail: dict[str, Any]) -> dict[str, Any]:
    return {"from": date.fromisoformat(detail["period_from"]),
            "to": date.fromisoformat(detail["period_to"])}


async def change_lines(turn: Turn, quote: Quote) -> list[str]:
    assert quote.service_id is not None
    view = await turn.app.get_service(turn.customer_id, quote.service_id)
    options = {p.code: p for p in await turn.app.change_options(turn.customer_id, view.id)}
    return quote_text.change_lines(quote, view.name, view.plan_name,
                                   options.get(quote.to_plan or ""))


def change_footer(quote: Quote, current_expiry: date) -> list[str]:
    return quote_text.change_footer(quote, current_expiry,
                                    removed_lines(quote.removed, quote.kept_addons))


async def offer(turn: Turn, quote: Quote, intro: str | None = None,
                same_summary: bool = False) -> None:
    """Show the order summary: the quote, its choices, the general conditions and the
    payment methods (step 1 of paying). `same_summary`: the summary on screen shown again
    (another Durata, another method, a fresh quote): the conditions accepted in it stay
    accepted; any other summary asks for them anew."""
    terms = turn.data.get("terms") if same_summary and turn.state.flow == "pay" else None
    turn.goto("pay", "method", quote_id=quote.id)
    if terms:
        turn.data["terms"] = terms
    text = "\n".join([await describe(turn, quote), "", *order_step.summary_lines(turn, quote)])
    if intro:
        text = f"{intro}\n\n{text}"
    rows = order_step.option_rows(turn, quote)
    if quote.renewal_offered and not quote.renewal_included:
        rows.append([turn.btn(t("btn-add-renewal"), "change.quote", sid=quote.service_id,
                              plan=quote.to_plan, renew=1, keep=list(quote.kept_addons))])
    rows += _addon_rows(turn, quote)
    accepted = order_step.acceptance(turn) is not None
    if not accepted:
        rows.append([order_step.accept_button(turn)])
    if quote.total == 0:
        if accepted:
            rows.append([turn.btn(t("btn-confirm-free"), "pay.free")])
        turn.say(text, *rows, [abort_button(turn)])
        return
    methods = [turn.btn(t(f"method-{m}"), "pay.method", method=m) for m in PAYMENT_METHODS]
    turn.say(f"{text}\n\n{t('pay-choose')}", *rows, methods[:2], methods[2:],
             [abort_button(turn)])


def _addon_rows(turn: Turn, quote: Quote) -> list[list[Any]]:
    """Seed 001: one tick per item the customer may keep as an add-on service; a tap
    quotes the change again with that item kept, or no longer kept."""
    offered = next((item for item in quote.removed
                    if item.rule == "offer_addon" and item.offer is not None), None)
    if offered is None or offered.offer is None:
        return []
    kept = set(quote.kept_addons)
    rows = []
    for name in offered.removed[:MAX_ADDON_BUTTONS]:
        keep = sorted(kept ^ {name})
        label = t("btn-addon-kept" if name in kept else "btn-addon-keep", name=name,
                  plan=offered.offer.name)
        rows.append([turn.btn(label, "change.quote", sid=quote.service_id, plan=quote.to_plan,
                              renew=int(quote.renewal_included), keep=keep)])
    return rows


@flow.action("pay.method")
async def choose(turn: Turn, params: dict[str, Any]) -> None:
    method = str(params["method"])
    if method not in PAYMENT_METHODS or turn.state.flow != "pay":
        stale(turn)
        return
    turn.step("confirm", method=method)
    confirm_screen(turn)


def confirm_screen(turn: Turn) -> None:
    """The method chosen: «Procedi al pagamento» once the conditions are accepted too."""
    method = t(f"method-{turn.data['method']}")
    back = [turn.btn(t("btn-change-method"), "pay.methods"), abort_button(turn)]
    if order_step.acceptance(turn) is None:
        settings = turn.app.settings
        turn.say(t("order-terms-needed", method=method, version=settings.terms_version,
                   url=settings.terms_url), order_step.accept_button(turn), back)
        return
    turn.say(t("order-terms-accepted", version=turn.app.settings.terms_version) + "\n"
             + t("pay-chosen", method=method), turn.btn(t("btn-pay"), "pay.go"), back)


@flow.action("pay.accept")
async def accept_terms(turn: Turn, params: dict[str, Any]) -> None:
    """«Accetto le condizioni generali»: only for the summary on screen (its quote)."""
    if turn.state.flow != "pay" or params.get("qid") != turn.data.get("quote_id"):
        stale(turn)
        return
    order_step.accept(turn)
    if turn.state.step == "confirm" and turn.data.get("method") in PAYMENT_METHODS:
        confirm_screen(turn)
        return
    await offer(turn, await turn.app.get_quote(turn.customer_id, turn.data["quote_id"]),
                same_summary=True)


@flow.action("pay.methods")
async def methods_again(turn: Turn, params: dict[str, Any]) -> None:
    if turn.state.flow != "pay":
        stale(turn)
        return
    quote = await turn.app.get_quote(turn.customer_id, turn.data["quote_id"])
    await offer(turn, quote, same_summary=True)


@flow.action("pay.go")
async def go(turn: Turn, params: dict[str, Any]) -> None:
    method = turn.data.get("method")
    if turn.state.flow != "pay" or method not in PAYMENT_METHODS:
        stale(turn)
        return
    if order_step.acceptance(turn) is None:  # e.g. the conditions changed version meanwhile
        turn.data.pop("terms", None)
        confirm_screen(turn)
        return
    if method == "carta" and turn.engine.invoices:
        await invoice(turn)
        return
    if method == "carta":
        turn.step("card")
        turn.say(t("pay-card-ask"), abort_button(turn))
        return
    await checkout(turn, str(method), None)


async def invoice(turn: Turn) -> None:
    """Telegram Payments: the order is placed, the card is collected by Telegram."""
    try:
        order = await turn.app.place_order(turn.customer_id, turn.data["quote_id"], "carta",
                                           key=turn.key("place_order"),
                                           terms=order_step.acceptance(turn))
    except QuoteExpired as expired:
        await offer(turn, expired.facts["quote"], t("pay-quote-expired"), same_summary=True)
        return
    turn.leave()
    invoice_reply(turn, order)


def invoice_reply(turn: Turn, order: OrderView) -> None:
    """The reply that asks the door for a Telegram invoice for `order`."""
    request = InvoiceRequest(
        order_id=order.id, title=t("invoice-title", reference=order.reference),
        description=t("invoice-description", what=t(f"invoice-what-{order.kind}")),
        amount_cents=int(order.total * 100))
    turn.replies.append(Reply(t("pay-invoice", reference=order.reference, total=order.total),
                              invoice=request))


def card_digits(text: str) -> str | None:
    """The card number typed, as ASCII digits (from any script, grouped with spaces,
    dashes or dots), or None if it cannot be one."""
    if any(not (c.isdecimal() or c in " -.") for c in text.strip()):
        return None
    digits = "".join(str(int(c)) for c in text if c.isdecimal())
    return digits if 12 <= len(digits) <= 19 else None


@flow.action("pay.free")
async def free(turn: Turn, params: dict[str, Any]) -> None:
    if turn.state.flow != "pay":
        stale(turn)
        return
    if order_step.acceptance(turn) is None:
        turn.data.pop("terms", None)
        await offer(turn, await turn.app.get_quote(turn.customer_id, turn.data["quote_id"]),
                same_summary=True)
        return
    await checkout(turn, "bonifico", None)


@flow.text_step("pay.card", card=True)
async def card_number(turn: Turn, text: str) -> None:
    turn.mask_input = True
    digits = card_digits(text)
    if digits is None:
        turn.say(t("pay-card-invalid"), abort_button(turn))
        return
    await checkout(turn, "carta", digits)


async def checkout(turn: Turn, method: str, card: str | None) -> None:
    quote_id = turn.data["quote_id"]
    terms = order_step.acceptance(turn)
    if terms is None:  # never an order from the chat without the conditions accepted
        stale(turn)
        return
    try:
        result = await turn.app.checkout(turn.customer_id, quote_id, method,
                                         key=turn.key("checkout"), card=card, terms=terms)
    except QuoteExpired as expired:
        await offer(turn, expired.facts["quote"], t("pay-quote-expired"), same_summary=True)
        return
    turn.forget_services()
    turn.leave()
    await outcome(turn, result)


async def outcome(turn: Turn, result: CheckoutResult) -> None:
    """What happened, for each method: paid, pending with instructions, or failed."""
    order = result.order
    if result.outcome == "unapplied":
        turn.say(t("pay-unapplied", ticket=str(result.ticket_id)),
                 turn.btn(t("btn-orders"), "orders.list"), menu_button(turn))
    elif result.outcome == "paid":
        head = (t("pay-paid", total=order.total, invoice=order.invoice_number)
                if order.invoice_number else t("pay-paid-free"))
        receipt, pdf = await receipt_of(turn, order.invoice_number)
        lines = [head, *receipt, *await applied_lines(turn, order.lines)]
        turn.say("\n".join(lines), *pdf, turn.btn(t("btn-products"), "products.list"),
                 menu_button(turn))
    elif result.outcome == "void":
        void_screen(turn, order)
    elif result.outcome == "pending" and result.instructions:
        turn.say(t("pay-pending", reference=order.reference, total=order.total,
                   kind=order.kind, count=services_in(order)) + "\n"
                 + instructions_text(result.instructions),
                 turn.btn(t("btn-orders"), "orders.list"), menu_button(turn))
    else:
        reason_key = f"pay-failure-{result.failure}"
        reason = t(reason_key) if has(reason_key) else t("pay-failure-other")
        turn.say(t("pay-failed", reason=reason, reference=order.reference),
                 turn.btn(t("btn-retry-payment"), "orders.card", oid=order.id),
                 [turn.btn(t("btn-orders"), "orders.list"),
                  turn.btn(t("btn-ticket"), "operator.open")])


def services_in(order: OrderView) -> int:
    """How many services the order is for (the sentence about it is singular or plural)."""
    return len({line.service_id for line in order.lines}) or 1


async def receipt_of(turn: Turn, number: str | None) -> tuple[list[str], list[Any]]:
    """What the fattura `number` bought (lines, periods, totals) and its «Scarica PDF»
    button; nothing for an order without a fattura (a free one)."""
    doc = await turn.app.document(number, turn.customer_id) if number else None
    if doc is None:
        return [], []
    return receipt_lines(doc), [turn.btn(t("btn-pdf", number=doc.number), "orders.pdf",
                                         n=doc.number)]


def void_screen(turn: Turn, order: OrderView) -> None:
    """A void or cancelled order cannot be paid: say why, nothing charged, offer a fresh
    quote for the same request."""
    if order.status == "void":
        text = t("order-void", reference=order.reference,
                 reason=t(f"void_reason-{order.void_reason or 'status_changed'}"))
    else:
        text = t("order-not-pending", reference=order.reference,
                 status=t(f"order_status-{order.status}"))
    turn.leave()
    turn.say(text, turn.btn(t("btn-requote"), "orders.requote", oid=order.id),
             [turn.btn(t("btn-orders"), "orders.list"), menu_button(turn)])


async def applied_lines(turn: Turn, lines: Any) -> list[str]:
    turn.forget_services()
    services = {s.id: s for s in await turn.services()}
    result = []
    for line in lines:
        view = services.get(line.service_id)
        if view is None:
            continue
        detail = line.detail or {}
        if line.kind == "renewal":
            # An on-sight renewal was applied by the sweep: its period is the current one.
            until = (date.fromisoformat(detail["period_to"]) if "period_to" in detail
                     else view.expires_on)
            result.append(t("pay-renewed", name=view.name, until=until))
        elif line.kind in ("debit", "change_fee", "upgrade") and detail.get("to_plan"):
            effective = date.fromisoformat(detail["effective_on"])
            if view.pending_plan_code and effective > turn.app.clock.today():
                result.append(t("pay-scheduled", name=view.name, plan=view.pending_plan_name,
                                date=effective))
            else:
                result.append(t("pay-changed", name=view.name, plan=view.plan_name))
    return result


def instructions_text(how: PaymentInstructions) -> str:
    """How to pay an order that waits for an off-line payment."""
    if how.method == "bonifico":
        return t("pay-instructions-bonifico", holder=how.holder, iban=how.iban,
                 total=how.amount, reference=how.reference)
    if how.method == "bollettino":
        return t("pay-instructions-bollettino", account=how.postal_account, holder=how.holder,
                 total=how.amount, reference=how.reference)
    return t("pay-instructions-paypal", address=how.paypal_address, total=how.amount,
             reference=how.reference)
