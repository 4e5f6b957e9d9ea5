"""Pricing policies as pure functions: (today, service, target plan) -> `Quote`.

Nothing here touches the database or the clock. A `Quote` is a value: its lines say every
credit and debit separately, and paying it later charges exactly its total (see
`core.billing`). The four policies are those of docs/regole.md:

- `mensilita-residue` (default): one period of the new plan minus the old plan's unused whole
  months.
- `pro-rata-giorni`: price difference pro rata of the days left; near expiry (yearly plans) the
  full price and one more period; downgrades cost a one-off change fee, and near expiry the
  renewal of the new plan can be ordered with them.
- `mesi-arrotondati`: monthly difference times months left rounded half-up; under 15 days the
  upgrade is free but the renewal on the new plan is required now.
- `mese-intero`: refund of the unused days of the cycle, then a whole new cycle from today;
  downgrades take effect at the end of the period.

Which policy applies is the service's plan's (or its category's), else the installation's
default: `billing.policy_for` decides, the functions here get it as an argument. Rules of the
product come before any policy: a dedicated server is never downgraded, a custom solution
never gets an automatic quote.

Prices are per billing period of the plan; "per month" is that price divided by the months
of the period, so monthly and yearly plans compare and mix exactly.

Rounding: each amount is rounded half-up to the cent once. Where a policy defines the net
(e.g. "(new - old) x days / period"), the net is rounded as defined and the debit line is the
net plus the credit, so the lines always add up to the total the rule gives.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Any

from core.dates import add_months, days_between, whole_months_between
from core.errors import ChangeNotAllowed, NotAllowed, SalesOnly
from core.limits import RemovedItem, RuleBook, over_limits
from core.money import ZERO, money, vat_of

DEFAULT_POLICY = "mensilita-residue"
NEAR_EXPIRY_DAYS = 60  # pro-rata-giorni: "in scadenza"
FREE_UPGRADE_DAYS = 15  # mesi-arrotondati: under this, upgrade free but renewal now
ONE_MONTH_DAYS = 30  # mesi-arrotondati: 15..30 days counts one month


@dataclass(frozen=True)
class PlanTerms:
    """What pricing needs to know of a plan."""

    id: int
    code: str
    name: str
    category: str
    price: Decimal  # list price ex VAT for one billing period
    period_months: int = 12
    change_fee: Decimal = ZERO
    limits: dict[str, int] = field(default_factory=dict)
    features: tuple[str, ...] = ()
    policy: str | None = None  # the plan's own (or its category's) policy, if it names one
    durations: tuple[int, ...] = ()  # months an order may buy; () = defaults, see durations()

    @property
    def annual_price(self) -> Decimal:
        return self.price * 12 / self.period_months

    @property
    def monthly_price(self) -> Decimal:
        return self.price / self.period_months


@dataclass(frozen=True)
class ServiceTerms:
    """What pricing needs to know of a service."""

    id: int
    customer_id: int
    name: str
    plan: PlanTerms
    period_start: date
    expires_on: date
    paid_for_period: Decimal  # ex VAT, what was paid for period_start..expires_on
    usage: dict[str, int] = field(default_factory=dict)
    # A downgrade scheduled for the period end (`mese-intero`): the next period is on it.
    pending_plan: PlanTerms | None = None
    pending_change_on: date | None = None
    renewal_mode: str = "su_richiesta"
    renewal_months: int | None = None  # an automatic renewal's frequency, if chosen

    @property
    def period_days(self) -> int:
        return max(days_between(self.period_start, self.expires_on), 1)


@dataclass(frozen=True)
class QuoteLine:
    """One credit or debit. `amount` is ex VAT; credits are negative."""

    kind: str  # renewal | debit | credit | change_fee | upgrade
    service_id: int
    amount: Decimal
    plan_code: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Quote:
    id: str
    kind: str  # renewal | change
    customer_id: int
    computed_for: date
    policy: str
    vat_rate: Decimal
    lines: tuple[QuoteLine, ...]
    subtotal: Decimal
    vat: Decimal
    total: Decimal
    # change quotes only
    service_id: int | None = None
    from_plan: str | None = None
    to_plan: str | None = None
    direction: str | None = None  # upgrade | downgrade
    new_expiry: date | None = None
    new_period_start: date | None = None
    effective_on: date | None = None
    renewal_required: bool = False
    # pro-rata-giorni downgrade near expiry: the new plan must be renewed; the customer may
    # order the renewal with the change (`renewal_included`) or later.
    renewal_offered: bool = False
    renewal_included: bool = False
    # seed 001: the reseller's domains the customer keeps as add-on services («Dominio
    # aggiuntivo»), each an `addon` line; the others are deactivated.
    kept_addons: tuple[str, ...] = ()
    forfeited_credit: Decimal = ZERO
    removed: tuple[RemovedItem, ...] = ()
    # renewal quotes: one entry per service, see renewal_quote
    renewals: tuple[dict[str, Any], ...] = ()

    @property
    def valid_on(self) -> date:
        """A quote is valid until the end of the day it was computed for."""
        return self.computed_for

    def to_dict(self) -> dict[str, Any]:
        return _encode(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Quote:
        return _decode_quote(data)


def _totals(
    lines: list[QuoteLine], vat_rate: Decimal
) -> tuple[tuple[QuoteLine, ...], Decimal, Decimal, Decimal]:
    subtotal = money(sum((line.amount for line in lines), ZERO))
    vat = vat_of(subtotal, vat_rate)
    return tuple(lines), subtotal, vat, money(subtotal + vat)


def _new_id() -> str:
    return uuid.uuid4().hex


# --- renewal -------------------------------------------------------------------------------


DOMAIN_YEARS = 5  # a domain may be renewed for 1 to 5 years
MONTHLY_DURATIONS = (1, 3, 6, 12)


def durations(plan: PlanTerms) -> tuple[int, ...]:
    """The durations in months an order may buy for `plan`: the catalogue's, else domains 1
    to 5 years, monthly plans 1, 3, 6 or 12 months, other plans one period."""
    if plan.durations:
        return plan.durations
    if plan.category == "dominio":
        return tuple(12 * years for years in range(1, DOMAIN_YEARS + 1))
    if plan.period_months == 1:
        return MONTHLY_DURATIONS
    return (plan.period_months,)


@dataclass(frozen=True)
class RenewalChoice:
    """What the customer picks in the order summary for one service (None: the default)."""

    months: int | None = None
    auto_renew: bool | None = None


def renewal_plan(service: ServiceTerms) -> PlanTerms:
    """The plan the next period is on: a downgrade scheduled for the end of the current
    period (seed 004) applies from the renewal, so the renewal is priced on it."""
    if (service.pending_plan is not None and service.pending_change_on is not None
            and service.pending_change_on <= service.expires_on):
        return service.pending_plan
    return service.plan


def default_months(service: ServiceTerms) -> int:
    """An automatic renewal's own frequency if it is offered, else one plan period."""
    plan = renewal_plan(service)
    offered = durations(plan)
    for months in (service.renewal_months if service.renewal_mode == "automatico" else None,
                   plan.period_months):
        if months in offered:
            return months
    return offered[0]


def renewal_terms(service: ServiceTerms, months: int | None = None) -> tuple[date, date, Decimal]:
    """`months` (default: `default_months`) from the current expiry, also when recovering
    late: (from, to, price). The price is the plan's list price for that many months."""
    plan = renewal_plan(service)
    months = months or default_months(service)
    if months not in durations(plan):
        raise NotAllowed(reason="duration_not_offered", service_id=service.id, months=months)
    start = service.expires_on
    price = money(plan.price * Decimal(months) / Decimal(plan.period_months))
    return start, add_months(start, months), price


def renewal_quote(
    today: date, customer_id: int, services: list[ServiceTerms], vat_rate: Decimal,
    choices: dict[int, RenewalChoice] | None = None,
) -> Quote:
    """A cart: one renewal line per service, each for the Durata chosen (default one period)
    and with the automatic renewal chosen (default: the service's current mode)."""
    if not services:
        raise NotAllowed(reason="empty_cart")
    lines: list[QuoteLine] = []
    renewals: list[dict[str, Any]] = []
    for service in services:
        choice = (choices or {}).get(service.id, RenewalChoice())
        months = choice.months or default_months(service)
        start, end, price = renewal_terms(service, months)
        plan = renewal_plan(service)
        auto = (service.renewal_mode == "automatico" if choice.auto_renew is None
                else choice.auto_renew)
        detail: dict[str, Any] = {
            "period_from": start.isoformat(), "period_to": end.isoformat(),
            "service_name": service.name, "months": months, "auto_renew": auto}
        if plan.code != service.plan.code:  # the scheduled downgrade takes effect with it
            detail.update(scheduled_change=True, from_plan=service.plan.code,
                          to_plan=plan.code, to_plan_name=plan.name)
        lines.append(QuoteLine(kind="renewal", service_id=service.id, amount=price,
                               plan_code=plan.code, detail=detail))
        renewals.append({"service_id": service.id, "period_from": start.isoformat(),
                         "period_to": end.isoformat(), "plan_code": plan.code,
                         "bound_plan": service.plan.code, "months": months,
                         "durations": list(durations(plan)), "auto_renew": auto})
    frozen, subtotal, vat, total = _totals(lines, vat_rate)
    return Quote(
        id=_new_id(), kind="renewal", customer_id=customer_id, computed_for=today,
        policy="renewal", vat_rate=vat_rate, lines=frozen, subtotal=subtotal, vat=vat,
        total=total, renewals=tuple(renewals),
    )


def renewal_choices(quote: Quote) -> dict[int, RenewalChoice]:
    """The Durata and automatic renewal a renewal quote was made with, per service."""
    return {item["service_id"]: RenewalChoice(item.get("months"), item.get("auto_renew"))
            for item in quote.renewals}


# --- plan changes --------------------------------------------------------------------------


def removed_items(service: ServiceTerms, target: PlanTerms,
                  rules: RuleBook | None = None) -> tuple[RemovedItem, ...]:
    """What the target plan does not allow, each with what happens to it (`core.limits`)."""
    return over_limits(service, target, rules)


def paid_share(service: ServiceTerms, today: date) -> Decimal:
    """What the customer paid for the days left: the ceiling of any credit or refund."""
    left = max(days_between(today, service.expires_on), 0)
    return money(service.paid_for_period * left / service.period_days)


def paid_share_months(service: ServiceTerms, months: int) -> Decimal:
    """The same ceiling counted in whole months, for policies that credit whole months."""
    period = max(whole_months_between(service.period_start, service.expires_on), 1)
    return money(service.paid_for_period * min(months, period) / period)


def _direction(service: ServiceTerms, target: PlanTerms) -> str:
    return "downgrade" if target.annual_price < service.plan.annual_price else "upgrade"


def change_quote(
    policy: str, today: date, service: ServiceTerms, target: PlanTerms, vat_rate: Decimal,
    with_renewal: bool = False,
) -> Quote:
    """Quote a change of `service` to `target` under `policy` on `today`.

    `with_renewal`: where the policy offers it (a downgrade near expiry), the renewal of the
    new plan is part of the same order.
    """
    if target.id == service.plan.id:
        raise NotAllowed(reason="same_plan")
    if "custom" in (service.plan.category, target.category):
        raise SalesOnly(service_id=service.id, plan=target.code)
    if service.expires_on <= today:
        raise NotAllowed(reason="expired")
    direction = _direction(service, target)
    if direction == "downgrade" and service.plan.category == "dedicato":
        # Seed 002, whatever the policy: the customer is offered a ticket to sales.
        raise ChangeNotAllowed(reason="dedicated_downgrade", service_id=service.id)
    try:
        compute = _POLICIES[policy]
    except KeyError:
        raise NotAllowed(reason="unknown_policy", policy=policy) from None
    quote = compute(today, service, target, direction)
    if quote.renewal_offered and with_renewal:
        quote = _with_renewal(quote, service, target)
    lines, subtotal, vat, total = _totals(list(quote.lines), vat_rate)
    removed = removed_items(service, target) if direction == "downgrade" else ()
    return replace(
        quote, id=_new_id(), kind="change", customer_id=service.customer_id,
        computed_for=today, policy=policy, vat_rate=vat_rate, lines=lines, subtotal=subtotal,
        vat=vat, total=total, service_id=service.id, from_plan=service.plan.code,
        to_plan=target.code, direction=direction, removed=removed,
    )


def _blank(lines: list[QuoteLine], **changes: Any) -> Quote:
    """A partial quote the policy fills in; change_quote completes ids, totals and VAT."""
    base = Quote(
        id="", kind="change", customer_id=0, computed_for=date.min, policy="",
        vat_rate=ZERO, lines=tuple(lines), subtotal=ZERO, vat=ZERO, total=ZERO,
    )
    return replace(base, **changes)


def _line(kind: str, service: ServiceTerms, plan: PlanTerms, amount: Decimal,
          **detail: Any) -> QuoteLine:
    return QuoteLine(kind=kind, service_id=service.id, amount=money(amount),
                     plan_code=plan.code, detail=detail)


def _mensilita_residue(
    today: date, service: ServiceTerms, target: PlanTerms, direction: str
) -> Quote:
    months = whole_months_between(today, service.expires_on)
    listed = money(service.plan.monthly_price * months)
    credit = min(listed, paid_share_months(service, months))
    # One period of the new plan from today. Should the credit exceed it (a yearly plan
    # changed to a monthly one), an upgrade buys as many periods as the credit covers, so
    # nothing is lost; a downgrade never refunds: the rest is shown as forfeited.
    periods = 1
    if direction == "upgrade" and target.price > 0:
        periods = max(1, int((credit / target.price).to_integral_value(rounding=ROUND_CEILING)))
    price = money(target.price * periods)
    applied = min(credit, price)
    covered = target.period_months * periods
    lines = [
        _line("debit", service, target, price, months=covered),
        _line("credit", service, service.plan, -applied, unused_months=months),
    ]
    return _blank(
        lines, new_expiry=add_months(today, covered), new_period_start=today, effective_on=today,
        forfeited_credit=money(credit - applied),
    )


def _period_difference(service: ServiceTerms, target: PlanTerms) -> tuple[Decimal, Decimal]:
    """Old and new price for the length of the service's current period (its plan's)."""
    months = service.plan.period_months
    return service.plan.price, target.monthly_price * months


def _near_expiry(service: ServiceTerms, left: int) -> bool:
    """pro-rata-giorni's «in scadenza»: plans billed yearly or longer, 60 days or fewer."""
    return service.plan.period_months >= 12 and left <= NEAR_EXPIRY_DAYS


def _pro_rata_giorni(
    today: date, service: ServiceTerms, target: PlanTerms, direction: str
) -> Quote:
    left = days_between(today, service.expires_on)
    period = service.period_days
    near = _near_expiry(service, left)
    if direction == "downgrade":
        fee = money(target.change_fee)
        lines = [_line("change_fee", service, target, fee, days_left=left)]
        return _blank(
            lines, new_expiry=service.expires_on, new_period_start=service.period_start,
            effective_on=today, renewal_offered=near,
        )
    if near:
        price = money(target.price)
        lines = [_line("debit", service, target, price, months=target.period_months,
                       days_left=left, near_expiry=True)]
        return _blank(
            lines, new_expiry=add_months(service.expires_on, target.period_months),
            new_period_start=service.period_start, effective_on=today,
        )
    old_price, new_price = _period_difference(service, target)
    share = Decimal(left) / Decimal(period)
    credit_listed = money(old_price * share)
    credit = min(credit_listed, paid_share(service, today))
    if credit == credit_listed:
        net = money((new_price - old_price) * share)
        debit = net + credit
    else:
        debit = money(new_price * share)
    lines = [
        _line("debit", service, target, debit, days_left=left, period_days=period),
        _line("credit", service, service.plan, -credit, days_left=left, period_days=period),
    ]
    return _blank(
        lines, new_expiry=service.expires_on, new_period_start=service.period_start,
        effective_on=today,
    )


def _with_renewal(quote: Quote, service: ServiceTerms, target: PlanTerms) -> Quote:
    """The renewal of the new plan from the current expiry, in the same order."""
    end = add_months(service.expires_on, target.period_months)
    renewal = _line("renewal", service, target, target.price,
                    period_from=service.expires_on.isoformat(), period_to=end.isoformat())
    return replace(quote, lines=(*quote.lines, renewal), new_expiry=end,
                   renewal_included=True)


def _months_rounded(days: int) -> int:
    return int((Decimal(days) / ONE_MONTH_DAYS).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _mesi_arrotondati(
    today: date, service: ServiceTerms, target: PlanTerms, direction: str
) -> Quote:
    left = days_between(today, service.expires_on)
    if direction == "downgrade":
        # No refund and no charge: the smaller plan applies now, renewals cost its price.
        lines = [_line("debit", service, target, ZERO, months=0, days_left=left)]
        return _blank(
            lines, new_expiry=service.expires_on, new_period_start=service.period_start,
            effective_on=today,
        )
    if left < FREE_UPGRADE_DAYS:
        # Free until expiry, but the renewal with the upgrade must be paid now.
        end = add_months(service.expires_on, target.period_months)
        lines = [
            _line("upgrade", service, target, ZERO, months=0, days_left=left),
            _line("renewal", service, target, target.price,
                  period_from=service.expires_on.isoformat(), period_to=end.isoformat()),
        ]
        return _blank(
            lines, new_expiry=end, new_period_start=service.expires_on, effective_on=today,
            renewal_required=True,
        )
    months = 1 if left <= ONE_MONTH_DAYS else _months_rounded(left)
    # The months are a commercial rounding of the difference, not of the old plan's value,
    # so the credit is the old monthly price for the same months (never above the debit).
    net = money((target.monthly_price - service.plan.monthly_price) * months)
    credit = money(service.plan.monthly_price * months)
    lines = [
        _line("debit", service, target, net + credit, months=months, days_left=left),
        _line("credit", service, service.plan, -credit, months=months, days_left=left),
    ]
    return _blank(
        lines, new_expiry=service.expires_on, new_period_start=service.period_start,
        effective_on=today,
    )


def _mese_intero(
    today: date, service: ServiceTerms, target: PlanTerms, direction: str
) -> Quote:
    if direction == "downgrade":
        # Stays on the current plan until the end of the period, then the new rate applies.
        lines = [_line("debit", service, target, ZERO, effective_on=service.expires_on.isoformat())]
        return _blank(
            lines, new_expiry=service.expires_on, new_period_start=service.period_start,
            effective_on=service.expires_on,
        )
    left = days_between(today, service.expires_on)
    period = service.period_days
    refund_listed = money(service.plan.price * left / period)
    refund = min(refund_listed, paid_share(service, today))
    price = money(target.price)
    applied = min(refund, price)
    lines = [
        _line("debit", service, target, price, period_months=target.period_months),
        _line("credit", service, service.plan, -applied, days_left=left, period_days=period),
    ]
    return _blank(
        lines, new_expiry=add_months(today, target.period_months), new_period_start=today,
        effective_on=today, forfeited_credit=money(refund - applied),
    )


_POLICIES = {
    "mensilita-residue": _mensilita_residue,
    "pro-rata-giorni": _pro_rata_giorni,
    "mesi-arrotondati": _mesi_arrotondati,
    "mese-intero": _mese_intero,
}


def with_addons(quote: Quote, keep: tuple[str, ...]) -> Quote:
    """The quote with one `addon` line per item kept at the add-on offer's price (one period
    of that plan from today); names not offered are ignored."""
    offered = next((item for item in quote.removed
                    if item.rule == "offer_addon" and item.offer is not None), None)
    if offered is None or offered.offer is None or quote.service_id is None:
        return quote
    offer = offered.offer
    names = tuple(name for name in offered.removed if name in set(keep))
    addons = [QuoteLine(kind="addon", service_id=quote.service_id, amount=money(offer.price),
                        plan_code=offer.code,
                        detail={"item": name, "months": offer.period_months,
                                "plan_name": offer.name})
              for name in names]
    lines, subtotal, vat, total = _totals([*quote.lines, *addons], quote.vat_rate)
    return replace(quote, lines=lines, subtotal=subtotal, vat=vat, total=total,
                   kept_addons=names)


# --- serialisation (quotes are stored as JSON and paid later) ------------------------------


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if hasattr(value, "__dataclass_fields__"):
        return {name: _encode(getattr(value, name)) for name in value.__dataclass_fields__}
    return value


def _decode_quote(data: dict[str, Any]) -> Quote:
    def dec(key: str) -> Decimal:
        return Decimal(data[key])

    def day(key: str) -> date | None:
        return date.fromisoformat(data[key]) if data.get(key) else None

    lines = tuple(
        QuoteLine(kind=ln["kind"], service_id=ln["service_id"], amount=Decimal(ln["amount"]),
                  plan_code=ln["plan_code"], detail=ln["detail"])
        for ln in data["lines"]
    )
    removed = tuple(RemovedItem.from_dict(item) for item in data.get("removed", []))
    return Quote(
        id=data["id"], kind=data["kind"], customer_id=data["customer_id"],
        computed_for=date.fromisoformat(data["computed_for"]), policy=data["policy"],
        vat_rate=dec("vat_rate"), lines=lines, subtotal=dec("subtotal"), vat=dec("vat"),
        total=dec("total"), service_id=data.get("service_id"), from_plan=data.get("from_plan"),
        to_plan=data.get("to_plan"), direction=data.get("direction"),
        new_expiry=day("new_expiry"), new_period_start=day("new_period_start"),
        effective_on=day("effective_on"), renewal_required=data.get("renewal_required", False),
        renewal_offered=data.get("renewal_offered", False),
        renewal_included=data.get("renewal_included", False),
        kept_addons=tuple(data.get("kept_addons", ())),
        forfeited_credit=dec("forfeited_credit"), removed=removed,
        renewals=tuple(data.get("renewals", [])),
    )
