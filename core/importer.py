"""`sportello import FILE`: plans, customers and services from YAML or JSON.

The whole file is validated first, every problem is reported with its line and field, and
only a file without problems is written, in one transaction: nothing is ever half-imported.
Records are matched by code (plans, customers) and by customer + name (services), so
importing the same file again updates instead of duplicating. The schema is in README.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.dates import add_months
from core.errors import ImportFailed
from core.models import Customer, Plan, PlanTransition, Service
from core.states import CATEGORIES, PAYMENT_METHODS, RENEWAL_MODES

Category = Literal["dominio", "hosting", "pec", "vps", "cloud", "dedicato", "colocation",
                   "custom"]
assert set(Category.__args__) == set(CATEGORIES)  # type: ignore[attr-defined]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PlanIn(_Strict):
    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=120)
    category: Category
    price: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    period_months: int = Field(default=12, ge=1, le=120)
    change_fee: Decimal = Field(default=Decimal("0"), ge=0, max_digits=12, decimal_places=2)
    limits: dict[str, int] = Field(default_factory=dict)
    features: list[str] = Field(default_factory=list)
    changes_to: list[str] = Field(default_factory=list)

    @field_validator("price", "change_fee", mode="before")
    @classmethod
    def _no_float(cls, value: Any) -> Any:
        # YAML turns 60.00 into a float; going through str keeps the written digits.
        return str(value) if isinstance(value, float | int) else value


class CustomerIn(_Strict):
    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=200)
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    tax_code: str | None = Field(default=None, max_length=32)
    vat_number: str | None = Field(default=None, max_length=32)
    preferred_method: Literal["carta", "paypal", "bonifico", "bollettino"] = "bonifico"


class ServiceIn(_Strict):
    customer: str
    plan: str
    name: str = Field(min_length=1, max_length=200)
    expires_on: date
    started_on: date | None = None
    period_start: date | None = None
    renewal: Literal["su_richiesta", "automatico"] = "su_richiesta"
    status: Literal["attivo", "disdetto", "scaduto", "sospeso"] = "attivo"
    cancellation_reason: str | None = None
    usage: dict[str, int] = Field(default_factory=dict)
    paid: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)

    @field_validator("paid", mode="before")
    @classmethod
    def _no_float(cls, value: Any) -> Any:
        return str(value) if isinstance(value, float | int) else value


class ImportFile(_Strict):
    plans: list[PlanIn] = Field(default_factory=list)
    customers: list[CustomerIn] = Field(default_factory=list)
    services: list[ServiceIn] = Field(default_factory=list)


assert set(PAYMENT_METHODS) == {"carta", "paypal", "bonifico", "bollettino"}
assert set(RENEWAL_MODES) == {"su_richiesta", "automatico"}


@dataclass(frozen=True)
class ImportSummary:
    plans: int
    customers: int
    services: int


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that remembers the line of every mapping and list item."""


def _mapping_with_lines(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
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


def load_yaml(text: str, source: str = "<input>") -> Any:
    """YAML (or JSON, which YAML reads too) with line numbers kept for error messages."""
    try:
        return yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark else source
        raise ImportFailed(problems=[(where, "syntax", str(exc).splitlines()[0])]) from None


def parse(text: str, source: str = "<input>") -> Parsed:
    return parse_data(load_yaml(text, source), source)


def parse_data(raw: Any, source: str = "<input>") -> Parsed:
    """Validate an import document; every problem at once, each with line and field."""
    if not isinstance(raw, dict):
        raise ImportFailed(problems=[(source, "document",
                                      "expected a mapping with plans, customers, services")])
    try:
        document = ImportFile.model_validate(_strip_lines(raw))
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            line = _line_of(raw, loc)
            where = f"{source}:{line}" if line else source
            problems.append((where, ".".join(str(p) for p in loc), error["msg"]))
        raise ImportFailed(problems=problems) from None
    parsed = Parsed(document, raw, source)
    _check_references(parsed)
    return parsed


def _check_references(parsed: Parsed) -> None:
    document, at = parsed.document, parsed.where
    problems: list[tuple[str, str, str]] = []

    def dupes(items: list[Any], key: str, section: str) -> set[str]:
        seen: set[str] = set()
        for i, item in enumerate(items):
            value = getattr(item, key)
            if value in seen:
                problems.append((at(section, i, key), f"{section}.{i}.{key}",
                                 f"duplicate {key} {value!r}"))
            seen.add(value)
        return seen

    plan_codes = dupes(document.plans, "code", "plans")
    dupes(document.customers, "code", "customers")
    for i, plan in enumerate(document.plans):
        for target in plan.changes_to:
            if target not in plan_codes or target == plan.code:
                problems.append((at("plans", i, "changes_to"), f"plans.{i}.changes_to",
                                 f"unknown or same plan {target!r}"))
    seen_services: set[tuple[str, str]] = set()
    for i, service in enumerate(document.services):
        pair = (service.customer, service.name)
        if pair in seen_services:
            problems.append((at("services", i, "name"), f"services.{i}.name",
                             f"duplicate service {service.name!r} for {service.customer!r}"))
        seen_services.add(pair)
        if service.period_start and service.period_start >= service.expires_on:
            problems.append((at("services", i, "period_start"), f"services.{i}.period_start",
                             "must be before expires_on"))
    if problems:
        raise ImportFailed(problems=problems)


async def apply(session: AsyncSession, parsed: Parsed,
                now: datetime | None = None) -> ImportSummary:
    """Write a validated document (the caller's transaction commits or rolls back all).

    Services may name customers and plans already in the database.
    """
    document = parsed.document
    now = now or datetime.now().astimezone()
    plans = {p.code: p for p in (await session.execute(select(Plan))).scalars()}
    for spec in document.plans:
        plan = plans.get(spec.code) or Plan(code=spec.code)
        plan.name, plan.category, plan.price = spec.name, spec.category, spec.price
        plan.period_months, plan.change_fee = spec.period_months, spec.change_fee
        plan.limits, plan.features, plan.active = dict(spec.limits), list(spec.features), True
        session.add(plan)
        plans[spec.code] = plan
    await session.flush()
    for spec in document.plans:
        source = plans[spec.code]
        await session.execute(delete(PlanTransition).where(
            PlanTransition.from_plan_id == source.id))
        for target in spec.changes_to:
            session.add(PlanTransition(from_plan_id=source.id, to_plan_id=plans[target].id))
    customers = {c.code: c for c in (await session.execute(select(Customer))).scalars()}
    for person in document.customers:
        customer = customers.get(person.code) or Customer(code=person.code, created_at=now)
        customer.nominativo, customer.email = person.name, person.email
        customer.tax_code, customer.vat_number = person.tax_code, person.vat_number
        customer.preferred_method = person.preferred_method
        session.add(customer)
        customers[person.code] = customer
    await session.flush()
    problems: list[tuple[str, str, str]] = []
    for i, service_in in enumerate(document.services):
        owner, catalogued = customers.get(service_in.customer), plans.get(service_in.plan)
        if owner is None:
            problems.append((parsed.where("services", i, "customer"), f"services.{i}.customer",
                             f"unknown customer {service_in.customer!r}"))
        if catalogued is None:
            problems.append((parsed.where("services", i, "plan"), f"services.{i}.plan",
                             f"unknown plan {service_in.plan!r}"))
        if owner is None or catalogued is None:
            continue
        customer, plan = owner, catalogued
        existing = (await session.execute(select(Service).where(
            Service.customer_id == customer.id, Service.name == service_in.name)
        )).scalar_one_or_none()
        period_start = service_in.period_start or add_months(service_in.expires_on,
                                                             -plan.period_months)
        service = existing or Service(customer_id=customer.id, name=service_in.name)
        service.plan_id = plan.id
        service.started_on = service_in.started_on or period_start
        service.period_start, service.expires_on = period_start, service_in.expires_on
        service.renewal_mode, service.status = service_in.renewal, service_in.status
        service.cancellation_reason = service_in.cancellation_reason
        service.paid_for_period = service_in.paid if service_in.paid is not None else plan.price
        service.usage = dict(service_in.usage)
        session.add(service)
    if problems:
        raise ImportFailed(problems=problems)
    await session.flush()
    return ImportSummary(len(document.plans), len(document.customers), len(document.services))


def read_file(path: Path) -> tuple[str, str]:
    try:
        return path.read_text(encoding="utf-8"), str(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportFailed(problems=[(str(path), "file", str(exc))]) from None
