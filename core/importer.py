"""`sportello import FILE`: plans, customers and services from YAML or JSON.

The whole file is validated first, every problem is reported with its line and field, and
only a file without problems is written, in one transaction: nothing is ever half-imported.
Records are matched by code (plans, customers) and by customer + name (services), so
importing the same file again updates instead of duplicating. The schema is in README.md.

Data from outside never silently rewrites history: a field the file omits keeps its value;
the billing state of a service already in the database (`expires_on`, `period_start`,
`status`, `paid`) changes only when the caller asks (`billing_state=True`), otherwise each
difference is reported as kept; every change is written to the audit log with the file's
name. Files are bounded: size, dates, no YAML aliases, no control characters in text.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    field_validator,
)
from pydantic_core import PydanticCustomError

from core.dates import FIRST_DAY, LAST_DAY, add_months, in_bounds
from core.errors import ImportFailed
from core.limits import BEHAVIOURS, NEEDS
from core.names import has_control, typeable
from core.policies import POLICIES
from core.states import CATEGORIES, PAYMENT_METHODS, RENEWAL_MODES

# Reading and checking a file needs no database: SQLAlchemy and the models are imported
# by `apply` only, so a bad file is refused without loading them.
if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from core.models import AuditEntry, Customer, Plan

Category = Literal["dominio", "hosting", "pec", "vps", "cloud", "dedicato", "colocation",
                   "custom"]
assert set(Category.__args__) == set(CATEGORIES)  # type: ignore[attr-defined]
Policy = Literal["mensilita-residue", "pro-rata-giorni", "mesi-arrotondati", "mese-intero"]
assert set(Policy.__args__) == set(POLICIES)  # type: ignore[attr-defined]

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_COUNT = 10**9  # a limit or a usage figure (megabytes, mailboxes...)
BILLING_FIELDS = ("expires_on", "period_start", "status", "paid")


@dataclass(frozen=True)
class Detail:
    """What is wrong: a code (the command line's Italian sentence) and its facts."""

    code: str
    facts: dict[str, Any] = field(default_factory=dict, hash=False)

    def __str__(self) -> str:
        return f"{self.code} {self.facts}" if self.facts else self.code


def _refuse(code: str, **facts: Any) -> PydanticCustomError:
    return PydanticCustomError(code, code, facts)


def _day(value: date) -> date:
    if not in_bounds(value):
        raise _refuse("date_range", first=FIRST_DAY.isoformat(), last=LAST_DAY.isoformat())
    return value


def _text(value: str) -> str:
    if has_control(value):
        raise _refuse("control_chars")
    return value


def _name(value: str) -> str:
    if not typeable(_text(value)):
        raise _refuse("no_letters")
    return value


Day = Annotated[date, AfterValidator(_day)]
Text = Annotated[str, AfterValidator(_text)]
Code = Annotated[str, Field(min_length=1, max_length=32), AfterValidator(_name)]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]


Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_name)]
PlanName = Annotated[str, Field(min_length=1, max_length=120), AfterValidator(_name)]
Email = Annotated[str, Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
                  AfterValidator(_text)]
TaxId = Annotated[str, Field(max_length=32), AfterValidator(_text)]
Reason = Annotated[str, Field(max_length=500), AfterValidator(_text)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PlanIn(_Strict):
    code: Code
    name: PlanName
    category: Category
    price: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    period_months: int = Field(default=12, ge=1, le=120)
    change_fee: Decimal = Field(default=Decimal("0"), ge=0, max_digits=12, decimal_places=2)
    limits: dict[Text, Count] = Field(default_factory=dict)
    features: list[Code] = Field(default_factory=list)
    changes_to: list[Code] = Field(default_factory=list)
    policy: Policy | None = None  # None: the category's policy, else the setting
    # The durations in months an order may buy (Durata); omitted: by category and period
    # (`core.pricing.durations`).
    durations: list[Annotated[int, Field(ge=1, le=120)]] | None = Field(
        default=None, min_length=1, max_length=12)

    @field_validator("price", "change_fee", mode="before")
    @classmethod
    def _no_float(cls, value: Any) -> Any:
        # YAML turns 60.00 into a float; going through str keeps the written digits.
        return str(value) if isinstance(value, float | int) else value

    @field_validator("durations")
    @classmethod
    def _distinct(cls, value: list[int] | None) -> list[int] | None:
        return sorted(set(value)) if value is not None else None


class CustomerIn(_Strict):
    code: Code
    name: Name
    email: Email | None = None
    tax_code: TaxId | None = None
    vat_number: TaxId | None = None
    preferred_method: Literal["carta", "paypal", "bonifico", "bollettino"] = "bonifico"
    # Where the fatture go: the address, and the SdI recipient code or the PEC.
    street: Annotated[str, Field(min_length=1, max_length=60), AfterValidator(_text)] | None = None
    postcode: Annotated[str, Field(pattern=r"^[0-9]{5}$")] | None = None
    city: Annotated[str, Field(min_length=1, max_length=60), AfterValidator(_text)] | None = None
    province: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] | None = None
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] = "IT"
    sdi_code: Annotated[str, Field(pattern=r"^[A-Z0-9]{7}$")] | None = None
    pec: Email | None = None


class UsageItemIn(_Strict):
    """One item of a usage list: a domain, a waiting room, a template, a group, an IP."""

    name: Name
    activated_on: Day | None = None  # drop_newest: the most recent go first
    waiting_rooms: Count | None = None  # a domain's rooms (keep_most)
    capacity: Count | None = None  # a waiting room's capacity (scale)
    entry_rate: Count | None = None  # a waiting room's entry rate (cap)
    domain: Name | None = None  # the domain a waiting room belongs to
    room: Name | None = None  # the room a template is attached to
    detached_from: Name | None = None  # the room a detached template was attached to


def _named(value: Any) -> Any:
    """A bare name in a usage list is an item with that name."""
    return {"name": value} if isinstance(value, str) else value


def _usage_kind(value: Any) -> str:
    return USAGE_ITEMS if isinstance(value, list) else USAGE_COUNT


# Tags of the two forms of a usage value; left out of an error's field path.
USAGE_COUNT, USAGE_ITEMS = "usage-count", "usage-items"
UsageItem = Annotated[UsageItemIn, BeforeValidator(_named)]
UsageValue = Annotated[
    Annotated[Count, Tag(USAGE_COUNT)] | Annotated[list[UsageItem], Tag(USAGE_ITEMS)],
    Discriminator(_usage_kind)]
RuleKey = Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_name)]
Behaviour = Literal["deactivate", "keep_most", "drop_newest", "scale", "cap", "remove",
                    "detach", "offer_addon"]
assert set(Behaviour.__args__) == set(BEHAVIOURS)  # type: ignore[attr-defined]


class LimitRuleIn(_Strict):
    """What happens over a limit or without a feature (see core.limits)."""

    rule: Behaviour
    restorable: bool = False
    by: RuleKey | None = None
    link: RuleKey | None = None
    over: RuleKey | None = None
    field: RuleKey | None = None
    items: RuleKey | None = None
    plan: Code | None = None

    def params(self) -> dict[str, str]:
        return {k: v for k, v in self.model_dump(exclude={"rule", "restorable"}).items()
                if v is not None}


class ServiceIn(_Strict):
    customer: Code
    plan: Code
    name: Name
    expires_on: Day
    started_on: Day | None = None
    period_start: Day | None = None
    renewal: Literal["su_richiesta", "automatico"] = "su_richiesta"
    status: Literal["attivo", "disdetto", "scaduto", "sospeso"] = "attivo"
    cancellation_reason: Reason | None = None
    usage: dict[RuleKey, UsageValue] = Field(default_factory=dict)
    paid: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)

    @field_validator("paid", mode="before")
    @classmethod
    def _no_float(cls, value: Any) -> Any:
        return str(value) if isinstance(value, float | int) else value

    def usage_json(self) -> dict[str, Any]:
        """The usage as stored: counts, and items without their empty fields."""
        return {key: value if isinstance(value, int) else
                [item.model_dump(mode="json", exclude_none=True) for item in value]
                for key, value in self.usage.items()}


class ImportFile(_Strict):
    # The pricing policy of each category's plans that name none (`null` removes it).
    policies: dict[Category, Policy | None] = Field(default_factory=dict)
    limit_rules: dict[RuleKey, LimitRuleIn] = Field(default_factory=dict)
    plans: list[PlanIn] = Field(default_factory=list)
    customers: list[CustomerIn] = Field(default_factory=list)
    services: list[ServiceIn] = Field(default_factory=list)


assert set(PAYMENT_METHODS) == {"carta", "paypal", "bonifico", "bollettino"}
assert set(RENEWAL_MODES) == {"su_richiesta", "automatico"}


@dataclass(frozen=True)
class Change:
    """One field of one record: written by the import, or kept (billing state)."""

    entity: str  # plan | customer | service
    key: str  # the record's code, or the service's name
    owner: str | None  # the customer code of a service
    field: str | None  # None: the record is new (its fields follow, `created` set)
    old: Any = None
    new: Any = None
    created: bool = False


@dataclass(frozen=True)
class ImportSummary:
    plans: int
    customers: int
    services: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    changes: tuple[Change, ...] = ()
    kept: tuple[Change, ...] = ()


class _Refused(yaml.YAMLError):
    """A YAML construct the importer does not accept, at a mark."""

    def __init__(self, code: str, mark: Any, **facts: Any) -> None:
        super().__init__(code)
        self.code, self.mark, self.facts = code, mark, facts


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that remembers the line of every mapping and list item.

    Anchors and aliases are refused: an alias repeats a node without copying it in the
    file, so a few hundred bytes can stand for gigabytes ("billion laughs").
    """

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _Refused("yaml_alias", event.start_mark)
        return super().compose_node(parent, index)


def _mapping_with_lines(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    seen: set[str] = set()
    for key_node, _value in node.value:
        if isinstance(key_node, yaml.ScalarNode):
            if key_node.value in seen:
                raise _Refused("duplicate_key", key_node.start_mark, key=key_node.value)
            seen.add(key_node.value)
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    for key_node, value_node in node.value:
        mapping[f"__line__{key_node.value}"] = value_node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_lines)
# Dates stay text for pydantic to check, so that 2027-02-30 is reported with its line and field.
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _strip_lines(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_lines(v) for k, v in value.items() if not str(k).startswith("__line__")}
    if isinstance(value, list):
        return [_strip_lines(v) for v in value]
    return value


def _line_of(data: Any, loc: tuple[Any, ...]) -> int | None:
    """The line of the deepest node of `loc` that the file's mappings remember."""
    line, node = None, data
    for part in loc:
        if isinstance(node, dict):
            line = node.get(f"__line__{part}", node.get("__line__", line))
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
            if isinstance(node, dict):
                line = node.get("__line__", line)
        else:
            break
    return line


@dataclass(frozen=True)
class Parsed:
    """A validated document and the raw data (with line numbers) it came from."""

    document: ImportFile
    raw: dict[str, Any]
    source: str

    def where(self, *loc: Any) -> str:
        line = _line_of(self.raw, loc)
        return f"{self.source}:{line}" if line else self.source


def _failed(where: str, what: str, code: str, **facts: Any) -> ImportFailed:
    return ImportFailed(problems=[(where, what, Detail(code, facts))])


def load_yaml(text: str, source: str = "<input>") -> Any:
    """YAML (or JSON, which YAML reads too) with line numbers kept for error messages."""
    if len(text) > MAX_FILE_BYTES:
        raise _failed(source, "file", "too_big", limit=MAX_FILE_BYTES // (1024 * 1024))
    try:
        return yaml.load(text, Loader=_LineLoader)
    except _Refused as refused:
        raise _failed(f"{source}:{refused.mark.line + 1}", "syntax", refused.code,
                      **refused.facts) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark else source
        detail = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise _failed(where, "syntax", "syntax", detail=detail) from None
    except RecursionError:
        raise _failed(source, "syntax", "too_deep") from None


def parse(text: str, source: str = "<input>") -> Parsed:
    return parse_data(load_yaml(text, source), source)


def _pydantic_problem(error: Any) -> Detail:
    facts = {k: v for k, v in (error.get("ctx") or {}).items() if k != "error"}
    if not isinstance(error.get("input"), dict | list):
        facts["input"] = error.get("input")
    return Detail(error["type"], facts)


def parse_data(raw: Any, source: str = "<input>") -> Parsed:
    """Validate an import document; every problem at once, each with line and field."""
    if not isinstance(raw, dict):
        raise _failed(source, "document", "document")
    try:
        document = ImportFile.model_validate(_strip_lines(raw))
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(p for p in error["loc"] if p not in (USAGE_COUNT, USAGE_ITEMS))
            line = _line_of(raw, loc)
            where = f"{source}:{line}" if line else source
            problems.append((where, ".".join(str(p) for p in loc), _pydantic_problem(error)))
        raise ImportFailed(problems=problems) from None
    except RecursionError:
        raise _failed(source, "document", "too_deep") from None
    parsed = Parsed(document, raw, source)
    _check_references(parsed)
    return parsed


def _check_references(parsed: Parsed) -> None:
    document, at = parsed.document, parsed.where
    problems: list[tuple[str, str, Detail]] = []

    def dupes(items: list[Any], key: str, section: str) -> set[str]:
        seen: set[str] = set()
        for i, item in enumerate(items):
            value = getattr(item, key)
            if value in seen:
                problems.append((at(section, i, key), f"{section}.{i}.{key}",
                                 Detail("duplicate", {"value": value})))
            seen.add(value)
        return seen

    plan_codes = dupes(document.plans, "code", "plans")
    dupes(document.customers, "code", "customers")
    for i, plan in enumerate(document.plans):
        for target in plan.changes_to:
            if target not in plan_codes or target == plan.code:
                problems.append((at("plans", i, "changes_to"), f"plans.{i}.changes_to",
                                 Detail("unknown_target", {"value": target})))
    seen_services: set[tuple[str, str]] = set()
    for i, service in enumerate(document.services):
        pair = (service.customer, service.name)
        if pair in seen_services:
            problems.append((at("services", i, "name"), f"services.{i}.name",
                             Detail("duplicate", {"value": service.name})))
        seen_services.add(pair)
        if service.period_start and service.period_start >= service.expires_on:
            problems.append((at("services", i, "period_start"), f"services.{i}.period_start",
                             Detail("not_before_expiry")))
        if service.started_on and service.started_on >= service.expires_on:
            problems.append((at("services", i, "started_on"), f"services.{i}.started_on",
                             Detail("not_before_expiry")))
        for key, value in service.usage.items():
            names: set[str] = set()
            for j, item in enumerate(value if isinstance(value, list) else []):
                if item.name in names:
                    problems.append((at("services", i, "usage", key, j),
                                     f"services.{i}.usage.{key}.{j}.name",
                                     Detail("duplicate", {"value": item.name})))
                names.add(item.name)
    for key, rule in document.limit_rules.items():
        for param in NEEDS[rule.rule]:
            if getattr(rule, param) is None:
                problems.append((at("limit_rules", key), f"limit_rules.{key}.{param}",
                                 Detail("missing")))
    if problems:
        raise ImportFailed(problems=problems)


class _Record:
    """The fields an import writes into one record, with their old and new values."""

    def __init__(self, entity: str, key: str, row: Any, created: bool,
                 owner: str | None = None) -> None:
        self.entity, self.key, self.row, self.created, self.owner = (
            entity, key, row, created, owner)
        self.changes: list[Change] = []
        if created:
            self.changes.append(Change(entity, key, owner, None, created=True))

    def set(self, name: str, attr: str, value: Any) -> None:
        old = None if self.created else getattr(self.row, attr)
        if self.created or old != value:
            setattr(self.row, attr, value)
            if not (self.created and value in (None, [], {})):
                self.note(name, old, value)

    def note(self, name: str, old: Any, new: Any) -> None:
        self.changes.append(Change(self.entity, self.key, self.owner, name, old, new,
                                   self.created))

    def kept(self, name: str, old: Any, new: Any) -> Change:
        return Change(self.entity, self.key, self.owner, name, old, new)

    def audit(self, now: datetime, actor: str, source: str) -> AuditEntry | None:
        from core.models import AuditEntry

        if not self.changes:
            return None
        return AuditEntry(
            at=now, actor_kind="support", actor=actor, entity=self.entity,
            entity_id=self.row.id, action="import_create" if self.created else "import_update",
            reason=None, detail={"file": source, "changes": {
                c.field: [_jsonable(c.old), _jsonable(c.new)] for c in self.changes
                if c.field is not None}})


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, int | str | bool) or value is None:
        return value
    return str(value)


def _given(spec: BaseModel, name: str, created: bool) -> bool:
    """New records take every field (defaults too); existing ones only what the file says."""
    return created or name in spec.model_fields_set


PLAN_FIELDS = (("name", "name"), ("category", "category"), ("price", "price"),
               ("period_months", "period_months"), ("change_fee", "change_fee"),
               ("limits", "limits"), ("features", "features"), ("policy", "policy"),
               ("durations", "durations"))
CUSTOMER_FIELDS = (("name", "nominativo"), ("email", "email"), ("tax_code", "tax_code"),
                   ("vat_number", "vat_number"), ("preferred_method", "preferred_method"),
                   ("street", "street"), ("postcode", "postcode"), ("city", "city"),
                   ("province", "province"), ("country", "country"), ("sdi_code", "sdi_code"),
                   ("pec", "pec"))
SERVICE_FIELDS = (("started_on", "started_on"), ("renewal", "renewal_mode"),
                  ("cancellation_reason", "cancellation_reason"), ("usage", "usage"))
BILLING_ATTRS = {"expires_on": "expires_on", "period_start": "period_start",
                 "status": "status", "paid": "paid_for_period"}


def _copy(value: Any) -> Any:
    """A fresh copy of a list or mapping from the file (never shared with the document)."""
    return dict(value) if isinstance(value, dict) else list(value) if isinstance(
        value, list) else value


async def apply(session: AsyncSession, parsed: Parsed, now: datetime | None = None, *,
                billing_state: bool = False, actor: str = "import") -> ImportSummary:
    """Write a validated document (the caller's transaction commits or rolls back all).

    Services may name customers and plans already in the database. `billing_state` lets
    the file overwrite the billing state of services already in the database; without it
    each difference there is returned in `kept`. Every record written gets an audit entry.
    """
    from sqlalchemy import delete, select

    from core.models import Customer, Plan, PlanTransition

    document = parsed.document
    now = now or datetime.now().astimezone()
    # The catalogue's own settings: shown and audited like the records, not counted.
    catalogue_records = await _category_policies(session, document.policies)
    records: list[_Record] = []
    plans = {p.code: p for p in (await session.execute(select(Plan))).scalars()}
    plan_records: list[tuple[PlanIn, _Record]] = []
    for spec in document.plans:
        found = plans.get(spec.code)
        plan = found or Plan(code=spec.code, active=True)
        record = _Record("plan", spec.code, plan, found is None)
        for name, attr in PLAN_FIELDS:
            if _given(spec, name, record.created):
                record.set(name, attr, _copy(getattr(spec, name)))
        session.add(plan)
        plans[spec.code] = plan
        plan_records.append((spec, record))
    await session.flush()
    code_of = {p.id: code for code, p in plans.items()}
    targets: dict[int, list[str]] = {}
    for source, target in (await session.execute(
            select(PlanTransition.from_plan_id, PlanTransition.to_plan_id))).all():
        targets.setdefault(source, []).append(code_of.get(target, "?"))
    for spec, record in plan_records:
        if not _given(spec, "changes_to", record.created):
            continue
        old, new = sorted(targets.get(record.row.id, [])), sorted(spec.changes_to)
        if old == new:
            continue
        await session.execute(delete(PlanTransition).where(
            PlanTransition.from_plan_id == record.row.id))
        for target in spec.changes_to:
            session.add(PlanTransition(from_plan_id=record.row.id, to_plan_id=plans[target].id))
        record.note("changes_to", None if record.created else old, list(spec.changes_to))
    records += [record for _, record in plan_records]
    rule_records, problems = await _limit_rules(session, parsed, plans)
    if problems:
        raise ImportFailed(problems=problems)
    customers = {c.code: c for c in (await session.execute(select(Customer))).scalars()}
    for person in document.customers:
        found_customer = customers.get(person.code)
        customer = found_customer or Customer(code=person.code, created_at=now)
        record = _Record("customer", person.code, customer, found_customer is None)
        for name, attr in CUSTOMER_FIELDS:
            if _given(person, name, record.created):
                record.set(name, attr, getattr(person, name))
        session.add(customer)
        customers[person.code] = customer
        records.append(record)
    await session.flush()
    problems: list[tuple[str, str, Detail]] = []
    kept: list[Change] = []
    for i, service_in in enumerate(document.services):
        owner, catalogued = customers.get(service_in.customer), plans.get(service_in.plan)
        if owner is None:
            problems.append((parsed.where("services", i, "customer"), f"services.{i}.customer",
                             Detail("unknown_customer", {"value": service_in.customer})))
        if catalogued is None:
            problems.append((parsed.where("services", i, "plan"), f"services.{i}.plan",
                             Detail("unknown_plan", {"value": service_in.plan})))
        if owner is None or catalogued is None:
            continue
        record = await _service(session, service_in, owner, catalogued, code_of,
                                billing_state, kept)
        records.append(record)
    if problems:
        raise ImportFailed(problems=problems)
    await session.flush()
    catalogue_records += rule_records
    for record in records + catalogue_records:
        entry = record.audit(now, actor, parsed.source)
        if entry is not None:
            session.add(entry)
    await session.flush()
    created = sum(1 for r in records if r.created)
    updated = sum(1 for r in records if not r.created and r.changes)
    return ImportSummary(
        len(document.plans), len(document.customers), len(document.services),
        created=created, updated=updated, unchanged=len(records) - created - updated,
        changes=tuple(c for r in catalogue_records + records for c in r.changes),
        kept=tuple(kept))


async def _category_policies(session: AsyncSession,
                             wanted: dict[str, str | None]) -> list[_Record]:
    """Set (or, with `null`, remove) the policy of each category the file names."""
    from sqlalchemy import select

    from core.models import CategoryPolicy

    rows = {row.category: row for row in (await session.execute(select(CategoryPolicy))).scalars()}
    records = []
    for category, policy in wanted.items():
        row = rows.get(category)
        if policy is None:
            if row is not None:
                record = _Record("category", category, row, False)
                record.note("policy", row.policy, None)
                await session.delete(row)
                records.append(record)
            continue
        record = _Record("category", category, row or CategoryPolicy(category=category),
                         row is None)
        record.set("policy", "policy", policy)
        session.add(record.row)
        records.append(record)
    await session.flush()
    return records


async def _limit_rules(session: AsyncSession, parsed: Parsed, plans: dict[str, Plan]
                       ) -> tuple[list[_Record], list[tuple[str, str, Detail]]]:
    """Write the file's rules (each replaces its key's rule). Audited, not in the summary:
    the summary lists plans, customers and services."""
    from sqlalchemy import select

    from core.downgrades import LimitRuleRow

    rules = parsed.document.limit_rules
    if not rules:
        return [], []
    problems = [(parsed.where("limit_rules", key, "plan"), f"limit_rules.{key}.plan",
                 Detail("unknown_plan", {"value": rule.plan}))
                for key, rule in rules.items() if rule.plan and rule.plan not in plans]
    if problems:
        return [], problems
    rows = {r.key: r for r in (await session.execute(select(LimitRuleRow))).scalars()}
    records = []
    for key, spec in rules.items():
        found = rows.get(key)
        row = found or LimitRuleRow(key=key)
        record = _Record("limit_rule", key, row, found is None)
        record.set("rule", "rule", spec.rule)
        record.set("restorable", "restorable", spec.restorable)
        record.set("params", "params", spec.params())
        session.add(row)
        records.append(record)
    await session.flush()
    return records, []


async def _service(session: AsyncSession, spec: ServiceIn, customer: Customer, plan: Plan,
                   code_of: dict[int, str], billing_state: bool,
                   kept: list[Change]) -> _Record:
    from sqlalchemy import select

    from core.models import Service

    found = (await session.execute(select(Service).where(
        Service.customer_id == customer.id, Service.name == spec.name))).scalar_one_or_none()
    service = found or Service(customer_id=customer.id, name=spec.name)
    record = _Record("service", spec.name, service, found is None, owner=customer.code)
    if record.created:
        period_start = spec.period_start or add_months(spec.expires_on, -plan.period_months)
        service.plan_id = plan.id
        record.note("plan", None, plan.code)
        record.set("started_on", "started_on", spec.started_on or period_start)
        record.set("period_start", "period_start", period_start)
        record.set("expires_on", "expires_on", spec.expires_on)
        record.set("renewal", "renewal_mode", spec.renewal)
        record.set("status", "status", spec.status)
        record.set("cancellation_reason", "cancellation_reason", spec.cancellation_reason)
        record.set("paid", "paid_for_period", spec.paid if spec.paid is not None else plan.price)
        record.set("usage", "usage", spec.usage_json())
        session.add(service)
        return record
    if service.plan_id != plan.id:
        record.note("plan", code_of.get(service.plan_id), plan.code)
        service.plan_id = plan.id
    for name, attr in SERVICE_FIELDS:
        if name in spec.model_fields_set:
            record.set(name, attr, spec.usage_json() if name == "usage"
                       else _copy(getattr(spec, name)))
    billing: dict[str, Any] = {"expires_on": spec.expires_on}
    if "period_start" in spec.model_fields_set and spec.period_start is not None:
        billing["period_start"] = spec.period_start
    elif billing_state and spec.expires_on != service.expires_on:
        billing["period_start"] = add_months(spec.expires_on, -plan.period_months)
    if "status" in spec.model_fields_set:
        billing["status"] = spec.status
    if "paid" in spec.model_fields_set:
        billing["paid"] = spec.paid if spec.paid is not None else plan.price
    for name, value in billing.items():
        attr = BILLING_ATTRS[name]
        if billing_state:
            record.set(name, attr, value)
        elif getattr(service, attr) != value:
            kept.append(record.kept(name, getattr(service, attr), value))
    return record


def read_file(path: Path) -> tuple[str, str]:
    """The file's text: at most `MAX_FILE_BYTES`, UTF-8."""
    source = str(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        code = {errno.ENOENT: "file_missing", errno.EISDIR: "file_is_dir",
                errno.EACCES: "file_denied"}.get(exc.errno or 0, "file_unreadable")
        raise _failed(source, "file", code, detail=exc.strerror or str(exc)) from None
    if len(data) > MAX_FILE_BYTES:
        raise _failed(source, "file", "too_big", limit=MAX_FILE_BYTES // (1024 * 1024))
    try:
        return data.decode("utf-8"), source
    except UnicodeDecodeError:
        raise _failed(source, "file", "not_utf8") from None
