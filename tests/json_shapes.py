"""The keys of each object `almanac … --json` prints, as the README documents them (one place for every test)."""

from __future__ import annotations

HIT_KEYS = {"id", "kind", "name", "score", "snippet"}
PAGE_KEYS = {
    "id", "kind", "name", "aliases", "summary", "summary_sources", "parent", "parent_sources", "children", "figures",
    "facts", "inbound", "sources",
}  # fmt: skip
FACT_KEYS = {
    "property", "label", "time", "entity", "value", "unit", "text", "date", "start", "end", "note", "sources",
    "rank", "sources_disagree", "claims",
}  # fmt: skip
CLAIM_KEYS = {"rank", "shown", "entity", "value", "unit", "text", "date", "start", "end", "note", "sources"}
ITEM_KEYS = {
    "subject", "entity", "property", "label", "text", "note", "date", "start", "end",
    "earliest", "latest", "precision", "sources",
}  # fmt: skip
REF_KEYS = {"id", "kind", "name"}
CITATION_KEYS = {"id", "title", "url", "locator"}
