"""What happens to what a service uses beyond a smaller plan (seeds 001 and 004).

Pure functions, no database: `over_limits(service, target, rules)` lists, before a downgrade,
what goes and how; `apply_removals(usage, items)` gives the usage after it. The database
side (the catalogue's rules, applying to a service, the audit) is `core.downgrades`.

Each limit or feature key has a `Rule`, chosen by data: the shipped defaults
(`core/data/limit_rules.yaml`) and the import file's top-level `limit_rules:` over them.
The behaviours:

- `deactivate`: the excess is deactivated (a listed usage keeps its first `allowed` items,
  the others are named); a feature is switched off.
- `keep_most` (by, link): the items with the highest `by` stay (`by` is a number on the
  item, else the count of the `by` items whose `link` field names it); the items linked
  to one that goes go with it.
- `drop_newest` (by): the items with the latest `by` date go (undated items count as oldest).
- `scale` (over, field): the `field` of every `over` item is scaled down proportionally so
  that their total is the limit (largest remainders get the units rounding leaves).
- `cap` (over, field): every `over` item's `field` is capped at the limit.
- `remove`: a feature's items (usage `items`, default the key) are removed.
- `detach` (field): a feature's items are detached (their `field` is kept as
  `detached_from`, so they can be attached again after an upgrade).
- `offer_addon` (plan): a feature's items can each be kept as an add-on (that catalogue
  plan, at its price); the others are deactivated.

Usage, as imported: a key maps to a count, or to a list of items (a name, or a mapping
with `name` and fields: numbers, dates as ISO text, names of other items).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_FLOOR, Decimal
from functools import lru_cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from core.pricing import PlanTerms, ServiceTerms

BEHAVIOURS = ("deactivate", "keep_most", "drop_newest", "scale", "cap", "remove", "detach",
              "offer_addon")
# What each behaviour needs besides `rule` (the importer checks them, with line numbers).
NEEDS: dict[str, tuple[str, ...]] = {
    "deactivate": (), "keep_most": ("by",), "drop_newest": ("by",),
    "scale": ("over", "field"), "cap": ("over", "field"), "remove": (),
    "detach": ("field",), "offer_addon": ("plan",),
}
FEATURE_ONLY = ("remove", "detach", "offer_addon")  # behaviours about a feature's items


@dataclass(frozen=True)
class Rule:
    """What happens over a limit, or without a feature."""

    rule: str
    restorable: bool = False
    by: str | None = None
    link: str | None = None
    over: str | None = None
    field: str | None = None
    items: str | None = None
    plan: str | None = None

    def __post_init__(self) -> None:
        if self.rule not in BEHAVIOURS:
            raise ValueError(f"unknown rule {self.rule!r}")
        missing = [name for name in NEEDS[self.rule] if not getattr(self, name)]
        if missing:
            raise ValueError(f"rule {self.rule!r} needs {', '.join(missing)}")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Rule:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__
                if getattr(self, k) not in (None, False) or k == "restorable"}


@dataclass(frozen=True)
class Offer:
    """An add-on plan an item can be kept with (seed 001's «Dominio aggiuntivo»)."""

    code: str
    name: str
    price: Decimal  # ex VAT, one period
    period_months: int = 12


@dataclass(frozen=True)
class RuleBook:
    """Every key's rule, in the order they are applied, and the add-on plans' prices."""

    rules: Mapping[str, Rule]
    offers: Mapping[str, Offer] = field(default_factory=dict)

    def rule(self, key: str, feature: bool) -> Rule:
        found = self.rules.get(key)
        if found is not None:
            return found
        return Rule("deactivate", restorable=feature)

    def merged(self, overrides: Mapping[str, Rule],
               offers: Mapping[str, Offer] | None = None) -> RuleBook:
        """These rules over this book's (a key overridden keeps its place in the order)."""
        rules = dict(self.rules)
        rules.update(overrides)
        return RuleBook(rules, dict(offers if offers is not None else self.offers))


@lru_cache(maxsize=1)
def default_rules() -> RuleBook:
    """The shipped rules (`core/data/limit_rules.yaml`)."""
    text = files("core").joinpath("data/limit_rules.yaml").read_text("utf-8")
    data = yaml.safe_load(text) or {}
    return RuleBook({str(key): Rule.from_dict(value) for key, value in data.items()})


@dataclass(frozen=True)
class Adjusted:
    """One item whose capacity or rate is lowered: from `before` to `after`."""

    name: str
    before: int
    after: int


@dataclass(frozen=True)
class RemovedItem:
    """One limit exceeded or one feature lacking in the target plan, and what happens.

    `removed` names the items that go (deactivated, removed, detached or, for an add-on
    offer, those the customer may keep at `offer`'s price each); `kept` those that stay;
    `along` the `along_key` items that go with a removed one (a domain's waiting rooms);
    `adjusted` the items whose capacity or rate is lowered; `by` what ranks them (keep_most)
    or the usage key listing a feature's items. `returns_on_upgrade`: a later
    upgrade gives it back (only where the rule says so).
    """

    key: str
    kind: str  # limit | feature
    current: int = 0
    allowed: int = 0
    returns_on_upgrade: bool = False
    rule: str = "deactivate"
    removed: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    along: tuple[str, ...] = ()
    along_key: str | None = None
    by: str | None = None  # keep_most: what ranks the items; a feature: where its items are
    adjusted: tuple[Adjusted, ...] = ()
    offer: Offer | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RemovedItem:
        """From a stored quote (also those stored before the rules existed)."""
        values = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for name in ("removed", "kept", "along"):
            values[name] = tuple(values.get(name) or ())
        values["adjusted"] = tuple(Adjusted(**a) for a in values.get("adjusted") or ())
        offer = values.get("offer")
        if offer:
            values["offer"] = Offer(code=offer["code"], name=offer["name"],
                                    price=Decimal(offer["price"]),
                                    period_months=int(offer.get("period_months", 12)))
        return cls(**values)


# --- usage ---------------------------------------------------------------------------------

Item = dict[str, Any]


def as_items(value: Any) -> list[Item] | None:
    """A usage value's items (a bare name becomes {"name": ...}); None for a plain count."""
    if isinstance(value, list | tuple):
        return [dict(v) if isinstance(v, Mapping) else {"name": str(v)} for v in value]
    return None


def count(value: Any) -> int:
    items = as_items(value)
    return len(items) if items is not None else int(value or 0)


def usage_value(value: Any) -> int | tuple[Item, ...]:
    """A stored usage value as `ServiceTerms.usage` holds it: a count or the items."""
    items = as_items(value)
    return tuple(items) if items is not None else int(value or 0)


def _number(value: Any) -> int:
    return int(value) if isinstance(value, int | float | Decimal) else 0


def _date(value: Any) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return date.min  # undated: the oldest


def _measure(rule: Rule, key: str, usage: Mapping[str, Any]) -> int:
    """How much of `key` the service uses, as its rule compares it with the limit."""
    if rule.over and rule.field:
        values = [_number(i.get(rule.field)) for i in as_items(usage.get(rule.over)) or []
                  if rule.field in i]
        if values:
            return sum(values) if rule.rule == "scale" else max(values)
    return count(usage.get(key, 0))


# --- what goes -----------------------------------------------------------------------------


def _ordered_keys(book: RuleBook, keys: Iterable[str]) -> list[str]:
    wanted = set(keys)
    ordered = [k for k in book.rules if k in wanted]
    return ordered + sorted(wanted - set(ordered))


def over_limits(service: ServiceTerms, target: PlanTerms,
                rules: RuleBook | None = None) -> tuple[RemovedItem, ...]:
    """What `target` does not allow of what `service` has, each with its rule applied."""
    book = rules or default_rules()
    usage: dict[str, Any] = {k: copy.deepcopy(v) for k, v in service.usage.items()}
    lacking = [f for f in service.plan.features if f not in target.features]
    features = set(service.plan.features) | set(target.features)
    item_keys = {book.rule(f, True).items or f for f in features
                 if book.rule(f, True).rule in FEATURE_ONLY}
    limit_keys = ((set(service.plan.limits) | set(target.limits) | set(usage))
                  - features - item_keys)
    found: list[RemovedItem] = []
    for key in _ordered_keys(book, limit_keys):
        rule = book.rule(key, False)
        used, allowed = _measure(rule, key, usage), int(target.limits.get(key, 0))
        if used <= allowed:
            continue
        item = RemovedItem(key=key, kind="limit", current=used, allowed=allowed,
                           returns_on_upgrade=rule.restorable, rule=rule.rule)
        item = _LIMIT[rule.rule](item, rule, usage)
        usage = apply_removals(usage, (item,), book)
        found.append(item)
    for key in _ordered_keys(book, lacking):
        rule = book.rule(key, True)
        item = RemovedItem(key=key, kind="feature", returns_on_upgrade=rule.restorable,
                           rule=rule.rule)
        if rule.rule in FEATURE_ONLY:
            value = usage.get(rule.items or key, 0)
            names = tuple(i["name"] for i in as_items(value) or [])
            item = replace(item, current=count(value), removed=names, by=rule.items or key)
            if rule.rule == "offer_addon" and rule.plan in book.offers:
                item = replace(item, offer=book.offers[rule.plan])
        found.append(item)
    return tuple(found)


def _deactivate(item: RemovedItem, rule: Rule, usage: Mapping[str, Any]) -> RemovedItem:
    items = as_items(usage.get(item.key))
    if items is None:
        return item
    names = [i["name"] for i in items]
    return replace(item, kept=tuple(names[:item.allowed]), removed=tuple(names[item.allowed:]))


def _keep_most(item: RemovedItem, rule: Rule, usage: Mapping[str, Any]) -> RemovedItem:
    assert rule.by is not None
    items = as_items(usage.get(item.key)) or []
    children = as_items(usage.get(rule.by)) or []

    def score(entry: Item) -> int:
        if isinstance(entry.get(rule.by), int):
            return int(entry[rule.by])
        return sum(1 for c in children if rule.link and c.get(rule.link) == entry["name"])

    # Highest score first; on a tie the one listed first stays.
    ranked = sorted(enumerate(items), key=lambda pair: (-score(pair[1]), pair[0]))
    keep = {index for index, _ in ranked[:item.allowed]}
    kept = tuple(e["name"] for i, e in enumerate(items) if i in keep)
    removed = tuple(e["name"] for i, e in enumerate(items) if i not in keep)
    along = tuple(c["name"] for c in children if rule.link and c.get(rule.link) in removed)
    return replace(item, kept=kept, removed=removed, along=along, by=rule.by,
                   along_key=rule.by if along else None)


def _drop_newest(item: RemovedItem, rule: Rule, usage: Mapping[str, Any]) -> RemovedItem:
    assert rule.by is not None
    items = as_items(usage.get(item.key))
    if items is None:
        return item
    # Newest first; on the same date the one listed later is the newer.
    ranked = sorted(enumerate(items), key=lambda pair: (_date(pair[1].get(rule.by)), pair[0]),
                    reverse=True)
    gone = {index for index, _ in ranked[:len(items) - item.allowed]}
    return replace(item, kept=tuple(e["name"] for i, e in enumerate(items) if i not in gone),
                   removed=tuple(e["name"] for i, e in enumerate(items) if i in gone))


def _adjust(item: RemovedItem, rule: Rule, usage: Mapping[str, Any]) -> RemovedItem:
    assert rule.field is not None and rule.over is not None
    carriers = [i for i in as_items(usage.get(rule.over)) or [] if rule.field in i]
    before = [_number(entry[rule.field]) for entry in carriers]
    after = (_scaled(before, item.allowed) if rule.rule == "scale"
             else [min(value, item.allowed) for value in before])
    return replace(item, adjusted=tuple(
        Adjusted(entry["name"], old, new)
        for entry, old, new in zip(carriers, before, after, strict=True) if old != new))


def _scaled(values: list[int], total: int) -> list[int]:
    """`values` scaled to add up to `total`: each rounded down, then the units left over go
    to the largest remainders (the one listed first on a tie), so none is wasted."""
    whole = sum(values)
    shares = [Decimal(v) * total / whole for v in values]
    floors = [int(s.to_integral_value(rounding=ROUND_FLOOR)) for s in shares]
    left = total - sum(floors)
    order = sorted(range(len(values)), key=lambda i: (-(shares[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return floors


_LIMIT = {"deactivate": _deactivate, "keep_most": _keep_most, "drop_newest": _drop_newest,
          "scale": _adjust, "cap": _adjust, "remove": _deactivate, "detach": _deactivate,
          "offer_addon": _deactivate}


# --- applying ------------------------------------------------------------------------------


def apply_removals(usage: Mapping[str, Any], items: Iterable[RemovedItem],
                   rules: RuleBook | None = None, keep: Iterable[str] = ()) -> dict[str, Any]:
    """The usage after `items` are applied (a new mapping; `usage` is not changed).

    `keep`: the names of add-on items the customer keeps (an `offer_addon` rule): they
    leave this service too, as services of their own; the caller records them.
    """
    book = rules or default_rules()
    new: dict[str, Any] = copy.deepcopy(dict(usage))
    for item in items:
        rule = book.rule(item.key, item.kind == "feature")
        if item.kind == "limit":
            _apply_limit(new, item, rule)
            continue
        target = rule.items or item.key
        listed = as_items(new.get(target))
        if rule.rule == "remove":
            new[target] = [] if listed is not None else 0
        elif rule.rule == "offer_addon":
            # Every item leaves the plan: those kept become add-on services of their own
            # (billing._add_on_service), the others are deactivated.
            new[target] = [] if listed is not None else 0
        elif rule.rule == "detach" and listed is not None:
            assert rule.field is not None
            for entry in listed:
                if entry.get(rule.field):
                    entry["detached_from"] = entry.pop(rule.field)
            new[target] = listed
    return new


def _apply_limit(usage: dict[str, Any], item: RemovedItem, rule: Rule) -> None:
    listed = as_items(usage.get(item.key))
    if item.adjusted or (rule.rule in ("scale", "cap") and rule.over):
        after = {a.name: a.after for a in item.adjusted}
        carriers = as_items(usage.get(rule.over or ""))
        if carriers is not None and rule.field and any(rule.field in c for c in carriers):
            for entry in carriers:
                if entry["name"] in after:
                    entry[rule.field] = after[entry["name"]]
            usage[rule.over or ""] = carriers
            return
    if listed is None:
        usage[item.key] = min(count(usage.get(item.key, 0)), item.allowed)
        return
    usage[item.key] = [i for i in listed if i["name"] not in set(item.removed)]
    if item.along and item.along_key:
        children = as_items(usage.get(item.along_key)) or []
        usage[item.along_key] = [c for c in children if c["name"] not in set(item.along)]


def summary(items: Iterable[RemovedItem]) -> list[dict[str, Any]]:
    """What was removed, for the audit log: plain values only."""
    out = []
    for item in items:
        entry: dict[str, Any] = {"key": item.key, "rule": item.rule,
                                 "current": item.current, "allowed": item.allowed,
                                 "restorable": item.returns_on_upgrade}
        for name in ("removed", "along"):
            if getattr(item, name):
                entry[name] = list(getattr(item, name))
        if item.adjusted:
            entry["adjusted"] = {a.name: [a.before, a.after] for a in item.adjusted}
        out.append(entry)
    return out
