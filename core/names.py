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


# Line breaks and the invisible characters that reorder or hide text: a name holding one
# could print a fake line (a fake button) in the terminal or spoof another name.
_BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def has_control(text: str) -> bool:
    """True if `text` holds a control character, a line break or a bidirectional mark."""
    return any(unicodedata.category(ch) in ("Cc", "Zl", "Zp", "Cs") or ch in _BIDI
               for ch in text)


def typeable(text: str) -> bool:
    """A name someone can type back: it has at least one letter or digit."""
    return bool(name_tokens(text))
