"""A plan and a change quote as the customer reads them: prices as the plan is billed, the
plan's limits and features with Italian labels, and what every amount of a quote covers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from core.models import Plan
from core.pricing import FREE_UPGRADE_DAYS, ONE_MONTH_DAYS, Quote, QuoteLine
from handlers.i18n import t
from handlers.limits_text import label


def billed(price: Decimal, months: int) -> str:
    """`€ 29,00/mese`, `€ 60,00/anno`, `€ 90,00 ogni 3 mesi`: the price of one period."""
    return t("billed-price", price=price, months=months)


def plan_details(plan: Plan) -> list[str]:
    """What the plan includes: each limit and feature by its Italian name (never a raw key)."""
    lines = []
    limits = [t("plan-limit", what=label(str(key)), value=int(value))
              for key, value in (plan.limits or {}).items()]
    if limits:
        lines.append(t("plan-limits", what=" · ".join(limits)))
    features = [label(str(key)) for key in (plan.features or ())]
    if features:
        lines.append(t("plan-features", what=", ".join(features)))
    return lines


def change_lines(quote: Quote, service_name: str, current_plan: str,
                 target: Plan | None) -> list[str]:
    """The title, the new plan's details, and one line per amount saying what it covers."""
    name = target.name if target else quote.to_plan
    lines = [t("quote-change-title", service=service_name, **{"from": current_plan}, to=name,
               price=billed(target.price, target.period_months) if target else "")]
    if target is not None:
        lines += plan_details(target)
    for line in quote.lines:
        text = _amount_line(quote, line, name or "")
        if text:
            lines.append(text)
    return lines


def _amount_line(quote: Quote, line: QuoteLine, plan: str) -> str | None:
    detail = line.detail
    if line.kind == "debit":
        if not line.amount and quote.direction == "downgrade":
            return None  # a downgrade at no cost: the footer says when it applies
        if "days_left" in detail and "period_days" in detail:
            return t("quote-debit-days", plan=plan, amount=line.amount,
                     days=detail["days_left"], total=detail["period_days"])
        if detail.get("near_expiry"):
            return t("quote-debit-near-expiry", plan=plan, amount=line.amount,
                     months=detail["months"], days=detail["days_left"])
        if "days_left" in detail:  # mesi-arrotondati: months of the difference
            return _rounded_months(line, plan)
        months = detail.get("months") or detail.get("period_months")
        return t("quote-debit-months", plan=plan, amount=line.amount, months=months or 0)
    if line.kind == "credit":
        return _credit_line(quote, line)
    if line.kind == "change_fee":
        return t("quote-fee", amount=line.amount)
    if line.kind == "upgrade":
        return t("quote-upgrade-free", days=FREE_UPGRADE_DAYS)
    if line.kind == "addon":
        return t("quote-addon", name=detail["item"], plan=detail.get("plan_name", ""),
                 amount=line.amount, months=int(detail.get("months") or 12))
    if line.kind == "renewal":
        return t("quote-renewal-included", amount=line.amount,
                 to=date.fromisoformat(detail["period_to"]))
    return None


def _rounded_months(line: QuoteLine, plan: str) -> str:
    days, months = int(line.detail["days_left"]), int(line.detail["months"])
    if days <= ONE_MONTH_DAYS:
        return t("quote-debit-last-month", plan=plan, amount=line.amount, days=days)
    return t("quote-debit-rounded", plan=plan, amount=line.amount, months=months, days=days)


def _credit_line(quote: Quote, line: QuoteLine) -> str | None:
    detail = line.detail
    if "unused_months" in detail:
        months = int(detail["unused_months"])
        if not months:
            return t("quote-credit-none-months")
        return t("quote-credit-months", amount=line.amount, months=months)
    if "months" in detail:  # mesi-arrotondati: the old plan's price for the same months
        return t("quote-credit-rounded", amount=line.amount, months=int(detail["months"]))
    if "days_left" in detail:
        key = "quote-refund-days" if quote.policy == "mese-intero" else "quote-credit-days"
        return t(key, amount=line.amount, days=detail["days_left"],
                 total=detail["period_days"])
    return t("quote-credit", amount=line.amount) if line.amount else None


def change_footer(quote: Quote, current_expiry: date, removed: list[str]) -> list[str]:
    """When the change applies, the new expiry, what must be renewed, what goes."""
    lines = []
    if quote.effective_on and quote.effective_on > quote.computed_for:
        lines.append(t("quote-effective", date=quote.effective_on))
    elif quote.new_expiry and quote.new_expiry != current_expiry:
        lines.append(t("quote-new-expiry", date=quote.new_expiry))
    else:
        lines.append(t("quote-expiry-unchanged", date=current_expiry))
    if quote.renewal_required:
        lines.append(t("quote-renewal-required", days=FREE_UPGRADE_DAYS))
    if quote.renewal_offered and not quote.renewal_included:
        lines.append(t("quote-renewal-offered", date=current_expiry))
    if quote.forfeited_credit:
        lines.append(t("quote-forfeited", amount=quote.forfeited_credit))
    lines += removed
    lines.append(t("quote-valid"))
    return lines


def option_line(plan: Plan) -> dict[str, Any]:
    """The values of a plan's button in the list of plans to change to."""
    return {"plan": plan.name, "price": billed(plan.price, plan.period_months)}
