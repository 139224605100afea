"""Text normalisation shared by the index builder and the search."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"\w+", re.UNICODE)


def fold(text: str) -> str:
    """Lower-case, strip diacritics and squeeze spaces, so `Côte` matches `cote`."""
    if text.isascii():  # nothing to decompose or strip: most names, and the index builds a key for each
        return _SPACES.sub(" ", text.casefold()).strip()
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def words(text: str) -> list[str]:
    """The folded words of a text, as FTS5's unicode61 tokenizer would see them."""
    return _WORD.findall(fold(text).replace("_", " "))


def name_key(text: str) -> str:
    """How names are compared in search: folded words only, so `U.S.`, `u.s` and `(U.S.` agree."""
    return " ".join(words(text))


def sort_key(name: str) -> str:
    """The key entities are ordered by in lists and the tree."""
    return fold(name)


# Words after a family name that are not it: "Martin Luther King Jr." sorts under King.
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "v"}


def family_name_first(name: str) -> str:
    """A person's name as it sorts by family name: "Michael C. Horowitz" → "Horowitz, Michael C.".

    The family name is taken as the last word that is not a suffix; a name that does not
    follow that pattern says how it sorts with `sort_as`.
    """
    parts = name.split()
    end = len(parts)
    while end > 1 and parts[end - 1].strip(".,").lower() in _SUFFIXES:
        end -= 1
    if end < 2:
        return name
    given = " ".join(parts[: end - 1]).rstrip(",")
    suffix = " ".join(parts[end:])
    return f"{parts[end - 1]}, {given}" + (f" {suffix}" if suffix else "")


def like_pattern(text: str) -> str:
    """A LIKE pattern (with ESCAPE '\\') matching `text` anywhere, its characters as plain characters:
    a typed % or _ is looked for, not taken as a wildcard."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
