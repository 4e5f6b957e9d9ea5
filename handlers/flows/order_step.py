"""The order summary's own choices (seed 002, «Riepilogo Ordine»): the Durata of each
renewal, «Rinnovo automatico» yes or no, and the acceptance of the general conditions of
contract, without which no order is placed from the chat.

The acceptance lives in the conversation while the summary is open (`terms`: the version
accepted and when) and is handed to core with the order, which stores it on the order.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from core.pricing import Quote
from core.terms import TermsAcceptance
from handlers.engine import Turn
from handlers.i18n import t
from handlers.ui import Button


def duration_text(months: int) -> str:
    if months % 12 == 0:
        return t("order-duration-years", years=months // 12)
    return t("order-duration-months", months=months)


def accept(turn: Turn) -> None:
    """The customer ticked «Accetto le condizioni generali»: the current version, now."""
    turn.data["terms"] = {"v": turn.app.settings.terms_version,
                          "at": turn.app.clock.now().isoformat()}


def acceptance(turn: Turn) -> TermsAcceptance | None:
    """The acceptance given in this summary, if it is of the conditions in force."""
    terms = turn.data.get("terms")
    if not isinstance(terms, dict) or terms.get("v") != turn.app.settings.terms_version:
        return None
    return TermsAcceptance(str(terms["v"]), datetime.fromisoformat(str(terms["at"])))


def summary_lines(turn: Turn, quote: Quote) -> list[str]:
    """What the summary adds to the quote: plan changes made with a renewal, the Durata and
    automatic renewal of each service, the general conditions."""
    lines: list[str] = []
    for line in quote.lines:
        if line.kind == "renewal" and line.detail.get("scheduled_change"):
            lines.append(t("order-plan-change", name=line.detail.get("service_name", ""),
                           date=date.fromisoformat(line.detail["period_from"]),
                           plan=line.detail.get("to_plan_name") or line.detail["to_plan"]))
    if quote.kind == "renewal":
        lines.append(t("order-options-title"))
        for item, line in zip(quote.renewals, quote.lines, strict=True):
            months = int(item.get("months") or 0) or _months(line.detail)
            auto = (t("order-auto-yes", duration=duration_text(months))
                    if item.get("auto_renew") else t("order-auto-no"))
            lines.append(t("order-option-line", name=line.detail.get("service_name", ""),
                           duration=duration_text(months), auto=auto))
        lines.append(t("order-options-hint"))
    settings = turn.app.settings
    lines.append(t("order-terms-accepted", version=settings.terms_version)
                 if acceptance(turn) else
                 t("order-terms-ask", version=settings.terms_version, url=settings.terms_url))
    return lines


def _months(detail: dict[str, Any]) -> int:
    start = date.fromisoformat(detail["period_from"])
    end = date.fromisoformat(detail["period_to"])
    return (end.year - start.year) * 12 + end.month - start.month


def option_rows(turn: Turn, quote: Quote) -> list[list[Button]]:
    """Durata buttons (where the plan sells more than one) and the «Rinnovo automatico»
    toggle for each service of a renewal; the service is named when there are several."""
    if quote.kind != "renewal":
        return []
    rows: list[list[Button]] = []
    named = len(quote.renewals) > 1
    for item, line in zip(quote.renewals, quote.lines, strict=True):
        name = line.detail.get("service_name", "")
        sid = item["service_id"]
        offered = [int(m) for m in item.get("durations") or []]
        if len(offered) > 1:
            row = []
            for months in offered:
                text = duration_text(months)
                chosen = months == item.get("months")
                if named:
                    label = t("btn-duration-named-chosen" if chosen else "btn-duration-named",
                              name=name, duration=text)
                else:
                    label = t("btn-duration-chosen", duration=text) if chosen else text
                row.append(turn.btn(label, "renew.months", qid=quote.id, sid=sid, m=months))
            rows.append(row)
        state = t("order-auto-state-yes" if item.get("auto_renew") else "order-auto-state-no")
        label = (t("btn-auto-renew-named", name=name, state=state) if named
                 else t("btn-auto-renew", state=state))
        rows.append([turn.btn(label, "renew.auto", qid=quote.id, sid=sid)])
    return rows


def accept_button(turn: Turn) -> Button:
    return turn.btn(t("btn-accept-terms"), "pay.accept", qid=turn.data.get("quote_id"))
