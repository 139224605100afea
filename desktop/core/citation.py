"""A plain-text citation of an entity page, for Copy citation, and the notes that point into it."""

from __future__ import annotations

from desktop.core.views import Page


def citation_text(page: Page) -> str:
    """Name, where it comes from, and each source with its title, licence and URL."""
    lines = [f"{page.name} ({page.kind_label}). Security Assistance Almanac, entry “{page.id}”."]
    if page.sources:
        lines.append("Sources:")
        for n, source in enumerate(page.sources, start=1):
            detail = ", ".join(x for x in (source.publisher, source.license) if x)
            lines.append(f"  [{n}] {source.title}{f' ({detail})' if detail else ''}. {source.url}".rstrip())
    return "\n".join(lines)


def note_mark(number: int, locator: str) -> str:
    """A note's text: the source's number on the page, then where in it. A paragraph reads after
    the number ("1 ¶2"); any other locator ("75 Stat. 424") after a comma, so the two never run together."""
    return f"{number}{' ' if locator.startswith('¶') else ', '}{locator}"
