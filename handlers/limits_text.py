"""The Italian lines of a downgrade's preview: what goes, what shrinks, what comes back.

Every key is named by its label in `locales/it/limits.ftl` (never the raw key); only a
rule that allows it says that a later upgrade restores it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from core.limits import RemovedItem
from handlers.i18n import t

# The catalogue's label of each key the shipped rules know (core/data/limit_rules.yaml).
LABELS = {
    "web_space_mb": "limits-key-web_space_mb", "databases": "limits-key-databases",
    "mailboxes": "limits-key-mailboxes", "domains": "limits-key-domains",
    "waiting_rooms": "limits-key-waiting_rooms", "capacity": "limits-key-capacity",
    "entry_rate": "limits-key-entry_rate", "priority_groups": "limits-key-priority_groups",
    "firewall_ips": "limits-key-firewall_ips", "custom_templates": "limits-key-custom_templates",
    "ssl": "limits-key-ssl", "backup": "limits-key-backup", "staging": "limits-key-staging",
    "dns": "limits-key-dns", "archivio": "limits-key-archivio", "reseller": "limits-key-reseller",
    "reseller_domains": "limits-key-reseller_domains",
}
OVER = {"deactivate": "limits-over-deactivate", "keep_most": "limits-over-keep_most",
        "drop_newest": "limits-over-drop_newest"}
FEATURE = {"remove": "limits-feature-remove", "detach": "limits-feature-detach"}


def label(key: str) -> str:
    """A key's Italian name (lower case)."""
    found = LABELS.get(key)
    return t(found) if found else t("limits-key-other", value=key)


def _title(key: str) -> str:
    text = label(key)
    return text[:1].upper() + text[1:]


def _names(names: Sequence[str]) -> str:
    from babel.lists import format_list  # «a, b e c»

    return format_list(list(names), locale="it")


def removed_lines(items: Iterable[RemovedItem], kept: Iterable[str] = ()) -> list[str]:
    """The preview of a downgrade: a title, one entry per item, and a hint; [] if nothing.
    `kept`: the add-on items the quote keeps (seed 001)."""
    lines: list[str] = []
    kept = set(kept)
    for item in items:
        lines += _limit(item) if item.kind == "limit" else _feature(item, kept)
        if item.returns_on_upgrade:
            lines.append(t("limits-restorable"))
        elif item.removed or item.rule == "remove":
            lines.append(t("limits-not-restorable"))
    if not lines:
        return []
    return [t("limits-title"), *lines, t("limits-hint")]


def _limit(item: RemovedItem) -> list[str]:
    what, facts = _title(item.key), {"current": item.current, "allowed": item.allowed}
    if item.rule in ("scale", "cap"):
        if not item.adjusted:
            return [t("limits-scaled-total", what=what, **{"from": item.current},
                      to=item.allowed)]
        head = (t("limits-over-scale", what=what, **facts) if item.rule == "scale"
                else t("limits-over-cap", what=what, allowed=item.allowed))
        each = "limits-scaled" if item.rule == "scale" else "limits-capped"
        return [head] + [t(each, name=a.name, **{"from": a.before}, to=a.after)
                         for a in item.adjusted]
    if not item.removed:
        return [t("limits-over-excess", what=what, **facts)]
    lines = [t(OVER.get(item.rule, "limits-over-deactivate"), what=what,
               value=_names(item.removed), name=_names(item.kept),
               by=label(item.by or item.key), **facts)]
    if item.along and item.along_key:
        lines.append(t("limits-along", kind=label(item.along_key), detail=_names(item.along)))
    return lines


def _feature(item: RemovedItem, kept: set[str]) -> list[str]:
    what = label(item.key)
    if item.rule == "offer_addon":
        if not item.removed:
            return [t("limits-feature", what=what)]
        lines = [t("limits-feature-offer", what=what, kind=_title(item.by or item.key))]
        if item.offer is None:
            return [*lines, t("limits-offer-none", value=_names(item.removed))]
        offer = item.offer
        return lines + [t("limits-offer-kept" if name in kept else "limits-offer", name=name,
                          plan=offer.name, price=offer.price, count=offer.period_months)
                        for name in item.removed]
    if item.rule in FEATURE and item.removed:
        return [t(FEATURE[item.rule], what=what, value=_names(item.removed))]
    if item.rule == "remove" and item.current:
        return [t("limits-feature-remove-all", what=what)]
    return [t("limits-feature", what=what)]
