"""What went wrong, as Italian lines for the person at the command line.

Settings, the database URL and import files each get their sentences from
`locales/it/cli.ftl`; values from outside are quoted with `shown` so that no line break or
invisible character can split or forge a line.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from bot.cli_args import shown
from core.dates import FIRST_DAY, LAST_DAY
from core.errors import BadDatabaseUrl, ImportFailed
from handlers.i18n import MissingMessage, t

# What each setting accepts (the README's Configuration table says the same). Numbers
# with bounds read them from the settings model, so a message never restates a limit.
SETTING_RANGES = {
    "database_url": "cli-setting-database_url",
    "policy": "cli-setting-policy",
    "vat_rate": "cli-setting-vat_rate",
    "tacit_renewal": "cli-setting-boolean",
    "reminder_days": "cli-setting-reminder_days",
    "recovery_days": "cli-setting-days",
    "tacit_payment_days": "cli-setting-days",
    "pending_grace_days": "cli-setting-days",
    "bot_token": "cli-setting-bot_token",
    "support_chat_id": "cli-setting-integer",
    "webhook_port": "cli-setting-webhook_port",
    "sweep_hour": "cli-setting-sweep_hour",
    "poll_timeout": "cli-setting-seconds",
    "link_code_hours": "cli-setting-hours",
}


def _bounds(name: str) -> dict[str, Any]:
    """The setting's lower and upper bound (`ge`, `le`), for its message."""
    from core.config import REMINDER_DAYS_RANGE, Settings

    if name == "reminder_days":
        return {"min": REMINDER_DAYS_RANGE[0], "max": REMINDER_DAYS_RANGE[1]}
    found: dict[str, Any] = {"min": "", "max": ""}
    field = Settings.model_fields.get(name)
    for rule in field.metadata if field else ():
        if getattr(rule, "ge", None) is not None:
            found["min"] = rule.ge
        if getattr(rule, "le", None) is not None:
            found["max"] = rule.le
    return found

SECRETS = {"bot_token", "payment_provider_token", "webhook_secret"}  # never printed

DATABASE_REASONS = {
    "malformed": "cli-db-malformed",
    "unknown_scheme": "cli-db-unknown_scheme",
    "wrong_driver": "cli-db-wrong_driver",
    "missing_driver": "cli-db-missing_driver",
    "missing_folder": "cli-db-missing_folder",
    "not_a_database": "cli-db-not_a_database",
    "unreadable": "cli-db-unreadable",
    "unusable": "cli-db-unusable",
}

# Problems in an import file: the importer's own codes and pydantic's error types.
PROBLEMS = {
    "syntax": "import-problem-syntax",
    "yaml_alias": "import-problem-yaml_alias",
    "duplicate_key": "import-problem-duplicate_key",
    "too_deep": "import-problem-too_deep",
    "too_big": "import-problem-too_big",
    "document": "import-problem-document",
    "file_missing": "import-problem-file_missing",
    "file_is_dir": "import-problem-file_is_dir",
    "file_denied": "import-problem-file_denied",
    "file_unreadable": "import-problem-file_unreadable",
    "not_utf8": "import-problem-not_utf8",
    "duplicate": "import-problem-duplicate",
    "unknown_target": "import-problem-unknown_target",
    "not_before_expiry": "import-problem-not_before_expiry",
    "unknown_customer": "import-problem-unknown_customer",
    "unknown_plan": "import-problem-unknown_plan",
    "date_range": "import-problem-date_range",
    "control_chars": "import-problem-control_chars",
    "no_letters": "import-problem-no_letters",
    "missing": "import-problem-missing",
    "extra_forbidden": "import-problem-extra_forbidden",
    "literal_error": "import-problem-literal_error",
    "string_too_short": "import-problem-string_too_short",
    "string_too_long": "import-problem-string_too_long",
    "string_pattern_mismatch": "import-problem-pattern",
    "string_type": "import-problem-string_type",
    "int_parsing": "import-problem-integer",
    "int_type": "import-problem-integer",
    "int_from_float": "import-problem-integer",
    "greater_than_equal": "import-problem-greater_than_equal",
    "less_than_equal": "import-problem-less_than_equal",
    "decimal_parsing": "import-problem-decimal",
    "decimal_type": "import-problem-decimal",
    "finite_number": "import-problem-decimal",
    "decimal_max_places": "import-problem-decimal_max_places",
    "decimal_max_digits": "import-problem-decimal_max_digits",
    "date_parsing": "import-problem-date",
    "date_type": "import-problem-date",
    "date_from_datetime_parsing": "import-problem-date",
    "date_from_datetime_inexact": "import-problem-date",
    "list_type": "import-problem-list_type",
    "dict_type": "import-problem-dict_type",
    "model_type": "import-problem-dict_type",
    "model_attributes_type": "import-problem-dict_type",
    "bool_parsing": "import-problem-boolean",
    "bool_type": "import-problem-boolean",
    "too_short": "import-problem-too_short",
    "too_long": "import-problem-too_long",
    "decimal_whole_digits": "import-problem-decimal_max_digits",
    "int_parsing_size": "import-problem-integer",
    "union_tag_invalid": "import-problem-union",
    "union_tag_not_found": "import-problem-union",
    "value_error": "import-problem-value",
    "assertion_error": "import-problem-value",
}
# The same problem when pydantic gives no value to quote (a list or a map where a number
# goes): the sentence without «…».
BARE = {"import-problem-integer": "import-problem-integer-bare",
        "import-problem-decimal": "import-problem-decimal-bare",
        "import-problem-date": "import-problem-date-bare",
        "import-problem-boolean": "import-problem-boolean-bare",
        "import-problem-pattern": "import-problem-pattern-bare",
        "import-problem-value": "import-problem-value-bare"}
# What a field with a pattern accepts (its last name in the problem's path).
PATTERNS = {"postcode": "import-pattern-postcode", "province": "import-pattern-province",
            "country": "import-pattern-country", "sdi_code": "import-pattern-sdi_code",
            "email": "import-pattern-email", "pec": "import-pattern-email"}


def settings_line(invalid: ValidationError) -> str:
    """One line for every wrong setting, each with what it accepts."""
    parts = []
    for error in invalid.errors():
        name = str(error["loc"][0]) if error["loc"] else "?"
        value = "***" if name in SECRETS else error.get("input")
        if isinstance(value, list | tuple):
            value = ",".join(map(str, value))
        parts.append(t("cli-error-setting", name=f"SPORTELLO_{name.upper()}",
                       value=shown(value), allowed=t(SETTING_RANGES.get(
                           name, "cli-setting-other"), **_bounds(name))))
    return t("cli-error-settings", detail="; ".join(dict.fromkeys(parts)))


# The facts' names, as the catalogue's variables call them.
RENAMED = {"input": "value", "key": "value", "scheme": "value", "driver": "value",
           "path": "value", "ge": "limit", "le": "limit", "max_length": "limit",
           "decimal_places": "limit", "max_digits": "limit", "expected": "allowed"}


def _facts(facts: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {"from": FIRST_DAY, "to": LAST_DAY, "value": "", "detail": ""}
    for name, value in facts.items():
        quoted = name == "input" or not isinstance(value, int) or isinstance(value, bool)
        values[RENAMED.get(name, name)] = shown(value, 160) if quoted else value
    if "min_length" in facts and "actual_length" in facts:  # a list: too few items
        values["limit"] = facts["min_length"]
    if "expected" in facts:  # pydantic's "'a', 'b' or 'c'"
        names = re.findall(r"'([^']*)'", str(facts["expected"]))
        values["allowed"] = shown(", ".join(names) if names else facts["expected"], 120)
    return values


def database_line(bad: BadDatabaseUrl) -> str:
    facts = _facts({k: v for k, v in bad.facts.items() if k != "reason"})
    if "expected" in bad.facts:
        facts["expected"] = shown(bad.facts["expected"])
    key = DATABASE_REASONS.get(str(bad.facts.get("reason")), "cli-db-malformed")
    return t("cli-error-db_url", reason=t(key, **facts))


def problem_text(detail: Any, field: str = "") -> str:
    """One problem of an import file, in Italian, by its code (the importer's or pydantic's
    error type) and its facts; `field` (the path) names what a pattern accepts."""
    if not hasattr(detail, "code"):  # a core.importer.Detail (not imported: it is heavy)
        return shown(detail, 200)
    key = PROBLEMS.get(detail.code)
    facts = _facts(detail.facts)
    if key is not None and "input" not in detail.facts:
        key = BARE.get(key, key)
    if key == "import-problem-pattern":
        hint = PATTERNS.get(field.rsplit(".", 1)[-1])
        if hint is not None:
            return t("import-problem-pattern-hint", value=facts["value"], allowed=t(hint))
    try:
        if key is not None:
            return t(key, **facts)
    except MissingMessage:
        pass
    key = "import-problem-other" if "input" in detail.facts else "import-problem-other-bare"
    return t(key, value=facts["value"])


def import_lines(failed: ImportFailed) -> list[str]:
    """One line for a file with one problem; a header and a line each for several."""
    problems = [t("cli-import-problem", where=shown(where, 200),
                  field=shown(str(field).replace("[key]", t("cli-import-key")), 80),
                  message=problem_text(detail, str(field)))
                for where, field, detail in failed.facts["problems"]]
    if len(problems) == 1:
        return [t("cli-import-failed-one", message=problems[0])]
    return [t("cli-import-failed", count=len(problems))] + ["  " + p for p in problems]
