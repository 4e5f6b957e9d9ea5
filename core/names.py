"""The typed-name check that confirms a cancellation ("nominativo")."""

from __future__ import annotations

import unicodedata

# Apostrophes and hyphens join a name's parts: "D'Amico" = "DAmico", "Rossi-Bianchi".
JOINERS = "'’`´-‐"


def name_tokens(text: str) -> list[str]:
    """Words of a name with case, accents, punctuation and spacing folded away."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(
        ch if ch.isalnum() else ("" if ch in JOINERS else " ")
        for ch in decomposed
        if not unicodedata.combining(ch)
    )
    return sorted(letters.split())


def names_match(typed: str, holder: str) -> bool:
    """"ROSSI mario" matches "Mario Rossi"; a missing, extra or different word does not."""
    expected = name_tokens(holder)
    return bool(expected) and name_tokens(typed) == expected
