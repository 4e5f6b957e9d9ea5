"""The pricing policies: every worked example of docs/regole.md, and the boundaries around them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from core.dates import add_months, whole_months_between
from core.errors import ChangeNotAllowed, NotAllowed, SalesOnly
from core.pricing import PlanTerms, Quote, ServiceTerms, change_quote, renewal_quote

VAT = Decimal("0.22")
D = Decimal


# One id per code, distinct codes distinct ids: `hash(code) % 10_000` (randomised per run)
# once gave two plans one id.
_PLAN_IDS: dict[str, int] = {}


def plan(code: str, price: str, category: str = "hosting", months: int = 12,
         fee: str = "0", limits: dict[str, int] | None = None,
         features: tuple[str, ...] = ()) -> PlanTerms:
    return PlanTerms(id=_PLAN_IDS.setdefault(code, len(_PLAN_IDS) + 1),
                     code=code, name=code, category=category,
                     price=D(price), period_months=months, change_fee=D(fee),
                     limits=limits or {}, features=features)


def service(p: PlanTerms, start: date, expires: date, paid: str | None = None,
            usage: dict[str, int] | None = None) -> ServiceTerms:
    return ServiceTerms(id=1, customer_id=7, name="mariorossi.it", plan=p, period_start=start,
                        expires_on=expires, paid_for_period=D(paid) if paid else p.price,
                        usage=usage or {})


def amounts(quote: Quote) -> dict[str, Decimal]:
    return {line.kind: line.amount for line in quote.lines}


# --- worked example 1: mensilita-residue ---------------------------------------------------

def test_example_1_mensilita_residue() -> None:
    old, new = plan("H60", "60"), plan("H120", "120")
    svc = service(old, date(2025, 9, 25), date(2026, 9, 25))
    quote = change_quote("mensilita-residue", date(2026, 3, 10), svc, new, VAT)
    assert whole_months_between(date(2026, 3, 10), date(2026, 9, 25)) == 6
    assert amounts(quote) == {"debit": D("120.00"), "credit": D("-30.00")}
    assert (quote.subtotal, quote.vat, quote.total) == (D("90.00"), D("19.80"), D("109.80"))
    assert quote.new_expiry == date(2027, 3, 10)
    assert quote.direction == "upgrade" and quote.effective_on == date(2026, 3, 10)


def test_mensilita_residue_downgrade_never_below_zero() -> None:
    big, small = plan("H120", "120"), plan("H60", "60")
    svc = service(big, date(2026, 9, 21), date(2027, 9, 21))  # 10 whole months left
    quote = change_quote("mensilita-residue", date(2026, 11, 21), svc, small, VAT)
    assert quote.direction == "downgrade"
    assert amounts(quote) == {"debit": D("60.00"), "credit": D("-60.00")}
    assert quote.total == D("0.00")
    assert quote.forfeited_credit == D("40.00")  # 100 of credit, only 60 usable, no refund


def test_mensilita_residue_credit_never_exceeds_what_was_paid() -> None:
    """Upgrade-then-downgrade money machine: a service obtained for 12 euro cannot carry
    the 120 euro list-price credit into another plan."""
    big, other = plan("H120", "120"), plan("H240", "240")
    svc = service(big, date(2026, 11, 21), date(2027, 11, 21), paid="12")
    quote = change_quote("mensilita-residue", date(2026, 11, 21), svc, other, VAT)
    assert amounts(quote)["credit"] == D("-12.00")
    assert quote.subtotal == D("228.00")


def test_mensilita_residue_no_whole_month_left_gives_no_credit() -> None:
    svc = service(plan("H60", "60"), date(2025, 12, 10), date(2026, 12, 10))
    quote = change_quote("mensilita-residue", date(2026, 11, 21), svc, plan("H120", "120"), VAT)
    assert amounts(quote)["credit"] == D("0.00")
    assert quote.total == D("146.40")


# --- worked example 2: pro-rata-giorni -----------------------------------------------------

def test_example_2_pro_rata_giorni_mid_period() -> None:
    svc = service(plan("P50", "50"), date(2026, 1, 1), date(2027, 1, 1))
    assert svc.period_days == 365
    quote = change_quote("pro-rata-giorni", date(2026, 7, 2), svc, plan("P110", "110"), VAT)
    assert quote.subtotal == D("30.08")
    assert amounts(quote)["credit"] == D("-25.07")  # 50 x 183/365, shown separately
    assert quote.new_expiry == date(2027, 1, 1)


def test_example_2_pro_rata_giorni_near_expiry() -> None:
    svc = service(plan("P50", "50"), date(2026, 1, 1), date(2027, 1, 1))
    quote = change_quote("pro-rata-giorni", date(2026, 11, 15), svc, plan("P110", "110"), VAT)
    assert quote.subtotal == D("110.00")
    assert quote.total == D("134.20")
    assert quote.new_expiry == date(2028, 1, 1)


@pytest.mark.parametrize(("today", "near"), [
    (date(2026, 11, 2), True),    # exactly 60 days left: near expiry
    (date(2026, 11, 1), False),   # 61 days left: pro rata
])
def test_pro_rata_near_expiry_boundary(today: date, near: bool) -> None:
    svc = service(plan("P50", "50"), date(2026, 1, 1), date(2027, 1, 1))
    quote = change_quote("pro-rata-giorni", today, svc, plan("P110", "110"), VAT)
    assert (quote.subtotal == D("110.00")) is near
    assert (quote.new_expiry == date(2028, 1, 1)) is near


def test_pro_rata_leap_year_uses_real_period_length() -> None:
    svc = service(plan("P50", "50"), date(2028, 1, 1), date(2029, 1, 1))
    assert svc.period_days == 366
    quote = change_quote("pro-rata-giorni", date(2028, 7, 2), svc, plan("P110", "110"), VAT)
    # 183 days left of 366: 60 x 183/366 = 30.00 exactly
    assert quote.subtotal == D("30.00")


def test_pro_rata_downgrade_costs_the_change_fee_and_lists_what_goes() -> None:
    pro = plan("PRO", "120", limits={"web_space_mb": 10240, "databases": 5, "mailboxes": 20},
               features=("ssl", "staging"))
    start = plan("START", "60", fee="15", limits={"web_space_mb": 2048, "databases": 1,
                                                  "mailboxes": 5}, features=("ssl",))
    svc = service(pro, date(2026, 6, 1), date(2027, 6, 1),
                  usage={"web_space_mb": 6000, "databases": 3, "mailboxes": 4})
    quote = change_quote("pro-rata-giorni", date(2026, 11, 21), svc, start, VAT)
    assert quote.direction == "downgrade"
    assert amounts(quote) == {"change_fee": D("15.00")}
    assert quote.total == D("18.30")
    assert quote.new_expiry == date(2027, 6, 1)
    removed = {(r.key, r.kind, r.current, r.allowed) for r in quote.removed}
    assert removed == {("web_space_mb", "limit", 6000, 2048), ("databases", "limit", 3, 1),
                       ("staging", "feature", 0, 0)}


def test_downgrade_to_domain_only_removes_hosting_features() -> None:
    hosting = plan("START", "60", limits={"web_space_mb": 2048, "databases": 1, "mailboxes": 5})
    parking = plan("PARK", "9.90", category="dominio", fee="10")
    svc = service(hosting, date(2026, 6, 1), date(2027, 6, 1),
                  usage={"web_space_mb": 100, "databases": 1, "mailboxes": 2})
    quote = change_quote("pro-rata-giorni", date(2026, 11, 21), svc, parking, VAT)
    assert {r.key for r in quote.removed} == {"web_space_mb", "databases", "mailboxes"}


# --- worked example 3: mesi-arrotondati ----------------------------------------------------

MESI_OLD, MESI_NEW = plan("V50", "600"), plan("V70", "840")  # 50 and 70 a month: +20


@pytest.mark.parametrize(("today", "months", "due"), [
    (date(2026, 12, 16), 1, "20.00"),   # 15 days: one month, no renewal
    (date(2026, 12, 1), 1, "20.00"),    # 30 days: still one month
    (date(2026, 11, 21), 1, "20.00"),   # 40 days = 1.33 months
    (date(2026, 11, 16), 2, "40.00"),   # 45 days = 1.5 months, half-up
    (date(2026, 10, 12), 3, "60.00"),   # 80 days = 2.67 months
])
def test_example_3_mesi_arrotondati(today: date, months: int, due: str) -> None:
    svc = service(MESI_OLD, date(2025, 12, 31), date(2026, 12, 31))
    quote = change_quote("mesi-arrotondati", today, svc, MESI_NEW, VAT)
    assert quote.subtotal == D(due)
    assert quote.lines[0].detail["months"] == months
    assert not quote.renewal_required
    assert quote.new_expiry == date(2026, 12, 31)


@pytest.mark.parametrize("today", [date(2026, 12, 20), date(2026, 12, 17)])  # 11 and 14 days
def test_example_3_under_15_days_free_but_renewal_required(today: date) -> None:
    svc = service(MESI_OLD, date(2025, 12, 31), date(2026, 12, 31))
    quote = change_quote("mesi-arrotondati", today, svc, MESI_NEW, VAT)
    upgrade, renewal = quote.lines
    assert (upgrade.kind, upgrade.amount) == ("upgrade", D("0.00"))
    assert quote.renewal_required
    assert (renewal.kind, renewal.amount) == ("renewal", D("840.00"))
    assert renewal.detail["period_from"] == "2026-12-31"
    assert quote.new_expiry == date(2027, 12, 31)


@pytest.mark.parametrize("policy", ["mensilita-residue", "pro-rata-giorni", "mesi-arrotondati",
                                    "mese-intero"])
def test_a_dedicated_server_is_never_downgraded(policy: str) -> None:
    """Seed 002 is a rule of the product, not of one policy: under mensilita-residue the
    downgrade used to be quoted (and payable), under the others confirmed for free."""
    svc = service(plan("DED2", "2400", "dedicato"), date(2026, 6, 1), date(2027, 6, 1))
    with pytest.raises(ChangeNotAllowed) as refused:
        change_quote(policy, date(2026, 11, 21), svc, plan("DED1", "1200", "dedicato"), VAT)
    assert refused.value.facts["reason"] == "dedicated_downgrade"


def test_mesi_arrotondati_allows_dedicated_upgrade() -> None:
    svc = service(plan("DED1", "1200", "dedicato"), date(2026, 6, 1), date(2027, 6, 1))
    quote = change_quote("mesi-arrotondati", date(2026, 11, 21), svc,
                         plan("DED2", "2400", "dedicato"), VAT)
    assert quote.subtotal == D("600.00")  # 192 days -> 6 months x 100


@pytest.mark.parametrize("policy", ["mensilita-residue", "pro-rata-giorni", "mesi-arrotondati",
                                    "mese-intero"])
def test_custom_solutions_go_to_sales(policy: str) -> None:
    svc = service(plan("CUST", "1800", "custom"), date(2026, 6, 1), date(2027, 6, 1))
    with pytest.raises(SalesOnly):
        change_quote(policy, date(2026, 11, 21), svc, plan("DED2", "2400", "dedicato"), VAT)


# --- worked example 4: mese-intero ---------------------------------------------------------

CLOUD29, CLOUD99 = plan("C29", "29", "cloud", months=1), plan("C99", "99", "cloud", months=1)


def test_example_4_mese_intero_upgrade() -> None:
    svc = service(CLOUD29, date(2026, 11, 1), date(2026, 12, 1))
    quote = change_quote("mese-intero", date(2026, 11, 21), svc, CLOUD99, VAT)
    assert amounts(quote) == {"debit": D("99.00"), "credit": D("-9.67")}
    assert quote.subtotal == D("89.33")
    assert (quote.new_period_start, quote.new_expiry) == (date(2026, 11, 21), date(2026, 12, 21))


def test_example_4_mese_intero_downgrade_at_period_end() -> None:
    svc = service(CLOUD99, date(2026, 11, 1), date(2026, 12, 1))
    quote = change_quote("mese-intero", date(2026, 11, 21), svc, CLOUD29, VAT)
    assert quote.total == D("0.00")
    assert quote.effective_on == date(2026, 12, 1)
    assert quote.new_expiry == date(2026, 12, 1)


def test_mese_intero_refund_capped_by_what_was_paid() -> None:
    """A downgrade/upgrade can never refund more than was paid: a free promo month has
    nothing to refund."""
    svc = service(CLOUD29, date(2026, 11, 1), date(2026, 12, 1), paid="0")
    quote = change_quote("mese-intero", date(2026, 11, 21), svc, CLOUD99, VAT)
    assert amounts(quote)["credit"] == D("0.00")
    assert quote.subtotal == D("99.00")


# --- worked example 6: monthly plans under every policy ------------------------------------

MONTHLY = service(CLOUD29, date(2026, 11, 1), date(2026, 12, 1))


def test_example_6_monthly_mensilita_residue_charges_one_month_of_the_new_plan() -> None:
    """Not twelve months: a monthly plan's period is a month (was € 1.188,00, one year)."""
    quote = change_quote("mensilita-residue", date(2026, 11, 21), MONTHLY, CLOUD99, VAT)
    assert amounts(quote) == {"debit": D("99.00"), "credit": D("0.00")}
    assert (quote.subtotal, quote.total) == (D("99.00"), D("120.78"))
    assert quote.new_expiry == date(2026, 12, 21)
    assert quote.lines[0].detail["months"] == 1


def test_example_6_monthly_pro_rata_giorni_prices_the_monthly_difference() -> None:
    quote = change_quote("pro-rata-giorni", date(2026, 11, 21), MONTHLY, CLOUD99, VAT)
    assert quote.subtotal == D("23.33")  # (99 - 29) x 10 / 30
    assert amounts(quote) == {"debit": D("33.00"), "credit": D("-9.67")}
    assert quote.new_expiry == date(2026, 12, 1)  # no near-expiry rule for monthly plans


def test_monthly_mesi_arrotondati_under_15_days_is_free_with_the_renewal_now() -> None:
    quote = change_quote("mesi-arrotondati", date(2026, 11, 21), MONTHLY, CLOUD99, VAT)
    assert quote.renewal_required
    assert amounts(quote) == {"upgrade": D("0.00"), "renewal": D("99.00")}
    assert quote.new_expiry == date(2027, 1, 1)  # one month of the new plan from expiry


def test_monthly_mesi_arrotondati_a_whole_month_left_is_one_monthly_difference() -> None:
    svc = service(CLOUD29, date(2026, 11, 1), date(2026, 12, 1))
    quote = change_quote("mesi-arrotondati", date(2026, 11, 1), svc, CLOUD99, VAT)
    assert quote.subtotal == D("70.00") and not quote.renewal_required


def test_monthly_mese_intero_is_worked_example_4() -> None:
    quote = change_quote("mese-intero", date(2026, 11, 21), MONTHLY, CLOUD99, VAT)
    assert quote.subtotal == D("89.33") and quote.new_expiry == date(2026, 12, 21)


def test_monthly_mensilita_residue_with_whole_months_left_credits_them() -> None:
    """A quarterly plan (3 months) with two whole months left: 2 x 90/3 credited."""
    q90, q180 = plan("Q90", "90", "cloud", months=3), plan("Q180", "180", "cloud", months=3)
    svc = service(q90, date(2026, 11, 10), date(2027, 2, 10))
    quote = change_quote("mensilita-residue", date(2026, 12, 5), svc, q180, VAT)
    assert amounts(quote) == {"debit": D("180.00"), "credit": D("-60.00")}
    assert quote.new_expiry == date(2027, 3, 5)


def test_yearly_to_monthly_upgrade_buys_the_months_the_credit_covers() -> None:
    """The credit of a yearly plan (6 unused months of € 50) is worth more than one month
    of the new plan: the upgrade buys whole months until it is used, nothing is forfeited."""
    yearly, monthly = plan("Y600", "600", "cloud"), plan("M99", "99", "cloud", months=1)
    svc = service(yearly, date(2026, 5, 21), date(2027, 5, 21))
    quote = change_quote("mensilita-residue", date(2026, 11, 21), svc, monthly, VAT)
    assert amounts(quote) == {"debit": D("396.00"), "credit": D("-300.00")}
    assert quote.forfeited_credit == D("0.00")
    assert quote.new_expiry == date(2027, 3, 21)  # four months of the new plan


# --- pro-rata-giorni: a downgrade near expiry needs the new plan renewed (seed 001) --------

def test_pro_rata_downgrade_near_expiry_offers_the_renewal_in_the_same_order() -> None:
    big, small = plan("H120", "120"), plan("H60", "60", fee="15")
    svc = service(big, date(2026, 1, 1), date(2027, 1, 1))
    alone = change_quote("pro-rata-giorni", date(2026, 11, 21), svc, small, VAT)
    assert alone.renewal_offered and not alone.renewal_included
    assert amounts(alone) == {"change_fee": D("15.00")}
    both = change_quote("pro-rata-giorni", date(2026, 11, 21), svc, small, VAT,
                        with_renewal=True)
    assert both.renewal_included
    assert amounts(both) == {"change_fee": D("15.00"), "renewal": D("60.00")}
    assert both.new_expiry == date(2028, 1, 1)
    assert Quote.from_dict(both.to_dict()) == both


def test_pro_rata_downgrade_far_from_expiry_offers_no_renewal() -> None:
    big, small = plan("H120", "120"), plan("H60", "60", fee="15")
    svc = service(big, date(2026, 1, 1), date(2027, 1, 1))
    quote = change_quote("pro-rata-giorni", date(2026, 7, 2), svc, small, VAT,
                         with_renewal=True)
    assert not quote.renewal_offered and amounts(quote) == {"change_fee": D("15.00")}


# --- zero prices, refusals, renewals -------------------------------------------------------

def test_zero_priced_plan_upgrade_has_no_credit() -> None:
    free = plan("FREE", "0")
    svc = service(free, date(2026, 6, 1), date(2027, 6, 1))
    quote = change_quote("mensilita-residue", date(2026, 11, 21), svc, plan("H60", "60"), VAT)
    assert amounts(quote)["credit"] == D("0.00")
    assert quote.total == D("73.20")


def test_renewal_of_zero_priced_plan_costs_nothing() -> None:
    svc = service(plan("FREE", "0"), date(2025, 12, 1), date(2026, 12, 1))
    quote = renewal_quote(date(2026, 11, 21), 7, [svc], VAT)
    assert (quote.subtotal, quote.vat, quote.total) == (D("0.00"), D("0.00"), D("0.00"))


def test_expired_service_cannot_change_plan() -> None:
    svc = service(plan("H60", "60"), date(2025, 11, 1), date(2026, 11, 1))
    with pytest.raises(NotAllowed):
        change_quote("mensilita-residue", date(2026, 11, 21), svc, plan("H120", "120"), VAT)


def test_unknown_policy_is_refused() -> None:
    svc = service(plan("H60", "60"), date(2026, 6, 1), date(2027, 6, 1))
    with pytest.raises(NotAllowed):
        change_quote("a-caso", date(2026, 11, 21), svc, plan("H120", "120"), VAT)


def test_renewal_cart_extends_each_from_its_expiry() -> None:
    dom = service(plan("DOM", "9.90"), date(2025, 12, 11), date(2026, 12, 11))
    monthly = ServiceTerms(id=2, customer_id=7, name="cloud", plan=CLOUD29,
                           period_start=date(2025, 12, 31), expires_on=date(2026, 1, 31),
                           paid_for_period=D("29"))
    quote = renewal_quote(date(2026, 11, 21), 7, [dom, monthly], VAT)
    assert [line.detail["period_to"] for line in quote.lines] == ["2027-12-11", "2026-02-28"]
    assert (quote.subtotal, quote.vat, quote.total) == (D("38.90"), D("8.56"), D("47.46"))


def test_renewal_vat_rounds_half_up() -> None:
    svc = service(plan("X", "0.25"), date(2025, 12, 1), date(2026, 12, 1))
    quote = renewal_quote(date(2026, 11, 21), 7, [svc], VAT)
    assert quote.vat == D("0.06")  # 0.055 -> 0.06, not banker's 0.06/0.05


@pytest.mark.parametrize(("start", "months", "expected"), [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2028, 1, 31), 1, date(2028, 2, 29)),
    (date(2028, 2, 29), 12, date(2029, 2, 28)),
    (date(2026, 8, 31), 1, date(2026, 9, 30)),
    (date(2026, 12, 31), 2, date(2027, 2, 28)),
    (date(2026, 3, 31), -1, date(2026, 2, 28)),
])
def test_add_months_clamps_to_month_end(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_quote_survives_storage_round_trip() -> None:
    svc = service(MESI_OLD, date(2025, 12, 31), date(2026, 12, 31))
    quote = change_quote("mesi-arrotondati", date(2026, 12, 20), svc, MESI_NEW, VAT)
    assert Quote.from_dict(quote.to_dict()) == quote
