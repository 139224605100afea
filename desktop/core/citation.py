"""A plain-text citation of an entity page, for Copy citation."""

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
