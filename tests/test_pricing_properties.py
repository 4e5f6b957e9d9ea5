"""Properties of every pricing policy, over generated plans, periods and days."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core.dates import add_months, whole_months_between
from core.errors import ChangeNotAllowed, NotAllowed
from core.money import money
from core.pricing import PlanTerms, ServiceTerms, change_quote, renewal_quote

VAT = Decimal("0.22")
POLICIES = ("mensilita-residue", "pro-rata-giorni", "mesi-arrotondati", "mese-intero")
prices = st.decimals(min_value=0, max_value=5000, places=2)


# One id per code, distinct codes distinct ids (a hash modulo a small number collided).
_PLAN_IDS: dict[str, int] = {}


def plan(code: str, price: Decimal, months: int) -> PlanTerms:
    return PlanTerms(id=_PLAN_IDS.setdefault(code, len(_PLAN_IDS) + 1),
                     code=code, name=code, category="hosting",
                     price=price, period_months=months, change_fee=Decimal("15.00"))


@st.composite
def situations(draw):  # type: ignore[no-untyped-def]
    months = draw(st.sampled_from([1, 3, 12]))
    old = plan("OLD", draw(prices), months)
    new = plan("NEW", draw(prices), draw(st.sampled_from([1, 3, 12])))
    assume(old.price != new.price)
    start = draw(st.dates(date(2025, 1, 1), date(2028, 12, 1)))
    expiry = add_months(start, months)
    today = start + timedelta(days=draw(st.integers(0, (expiry - start).days - 1)))
    paid = draw(st.one_of(st.just(old.price), prices))
    service = ServiceTerms(1, 1, "s", old, start, expiry, paid)
    return today, service, new


@settings(max_examples=400, deadline=None)
@given(situations(), st.sampled_from(POLICIES))
def test_quote_adds_up_and_upgrades_never_pay_back(case, policy: str) -> None:
    today, service, target = case
    try:
        quote = change_quote(policy, today, service, target, VAT)
    except (ChangeNotAllowed, NotAllowed):
        return
    assert sum((line.amount for line in quote.lines), Decimal(0)) == quote.subtotal
    assert quote.total == quote.subtotal + quote.vat
    assert quote.subtotal >= 0  # no policy ever pays money back through a quote
    credits = -sum((ln.amount for ln in quote.lines if ln.kind == "credit"), Decimal(0))
    debits = sum((ln.amount for ln in quote.lines if ln.kind != "credit"), Decimal(0))
    assert credits <= debits  # a credit only reduces what is due
    if quote.direction == "upgrade" and policy == "mensilita-residue":
        assert quote.forfeited_credit == 0  # an upgrade buys the periods its credit covers


@settings(max_examples=300, deadline=None)
@given(situations())
def test_credit_never_exceeds_what_was_paid_for_the_time_left(case) -> None:
    today, service, target = case
    left_days = (service.expires_on - today).days
    months_left = whole_months_between(today, service.expires_on)
    period_months = max(whole_months_between(service.period_start, service.expires_on), 1)
    ceilings = {
        "pro-rata-giorni": money(service.paid_for_period * left_days / service.period_days),
        "mese-intero": money(service.paid_for_period * left_days / service.period_days),
        "mensilita-residue": money(service.paid_for_period * min(months_left, period_months)
                                   / period_months),
    }
    for policy, ceiling in ceilings.items():
        try:
            quote = change_quote(policy, today, service, target, VAT)
        except (ChangeNotAllowed, NotAllowed):
            continue
        credit = -sum((ln.amount for ln in quote.lines if ln.kind == "credit"), Decimal(0))
        assert credit <= ceiling, (policy, credit, ceiling)


@settings(max_examples=300, deadline=None)
@given(prices, st.decimals(min_value=Decimal("0.01"), max_value=5000, places=2),
       st.dates(date(2025, 1, 1), date(2028, 12, 1)), st.integers(0, 364), st.integers(1, 364))
def test_more_time_left_never_makes_a_pro_rata_upgrade_cheaper(
    old_price: Decimal, more: Decimal, start: date, later: int, earlier: int
) -> None:
    old, new = plan("OLD", old_price, 12), plan("NEW", old_price + more, 12)
    expiry = add_months(start, 12)
    service = ServiceTerms(1, 1, "s", old, start, expiry, old_price)
    late_day = start + timedelta(days=min(later, (expiry - start).days - 1))
    early_day = max(start, late_day - timedelta(days=earlier))
    late = change_quote("pro-rata-giorni", late_day, service, new, VAT)
    early = change_quote("pro-rata-giorni", early_day, service, new, VAT)
    if (expiry - late_day).days > 60:  # near expiry the full price buys a whole extra year
        assert early.subtotal >= late.subtotal


@settings(max_examples=200, deadline=None)
@given(st.lists(prices, min_size=1, max_size=6))
def test_renewal_cart_total_is_exact(amounts) -> None:
    services = [ServiceTerms(i, 1, f"s{i}", plan(f"P{i}", amount, 12), date(2026, 1, 1),
                             date(2027, 1, 1), amount) for i, amount in enumerate(amounts)]
    quote = renewal_quote(date(2026, 11, 21), 1, services, VAT)
    assert quote.subtotal == sum(amounts, Decimal(0))
    assert quote.vat == (quote.subtotal * VAT).quantize(Decimal("0.01"), "ROUND_HALF_UP")
