"""Links to entities that leave the program: `almanac://entity/ID`, as "Copy link" writes them and
`almanac open` reads them (pasted into a note, a chat or a document, they name the page exactly)."""

from __future__ import annotations

from urllib.parse import quote, unquote

SCHEME = "almanac"
PREFIX = f"{SCHEME}://entity/"


def entity_link(entity_id: str) -> str:
    return PREFIX + quote(entity_id, safe="")


def entity_from_link(text: str) -> str | None:
    """The entity id an `almanac://entity/ID` link names (trailing slash or spaces allowed); None when
    `text` is not such a link."""
    text = text.strip()
    if not text.lower().startswith(PREFIX):
        return None
    ident = unquote(text[len(PREFIX) :]).strip().rstrip("/")
    return ident or None
