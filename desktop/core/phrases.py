"""Facts as readable phrases: "Administered by Department of Defense"."""

from __future__ import annotations

# Units written before the figure; everything else follows it.
_CURRENCY_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£"}


def format_number(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # 15 significant digits: a sum of dollars and cents in the billions is written out, not as 1.2e+10
    return f"{value:,}" if isinstance(value, int) else f"{value:,.15g}"


def format_quantity(value: int | float | None, unit: str | None) -> str:
    if value is None:
        return ""
    if unit in _CURRENCY_SIGNS:
        # Money with cents shows both places: "$2,598,629,558.20", never "…558.2".
        cents = isinstance(value, float) and not value.is_integer()
        number = f"{abs(value):,.2f}" if cents else format_number(abs(value))
        return f"{'-' if value < 0 else ''}{_CURRENCY_SIGNS[unit]}{number}"  # a de-obligation: -$500,000.50
    number = format_number(value)
    if unit in ("percent", "%"):
        return f"{number}%"
    return f"{number} {unit}" if unit else number


def phrase(
    label: str,
    *,
    linked_name: str | None = None,
    value: int | float | None = None,
    unit: str | None = None,
    text: str | None = None,
    unknown: bool = False,
    when: str = "",
) -> str:
    """One fact as a phrase; `label` is the property's label or, seen from the other end, its inverse."""
    return joined_phrase(label, linked_name, phrase_detail(value, unit, text), unknown, when)


def phrase_detail(value: int | float | None, unit: str | None, text: str | None) -> str:
    """What a phrase says after its label and linked name: the quantity, the text, or both."""
    return "; ".join(d for d in (format_quantity(value, unit), text) if d)


def joined_phrase(label: str, linked_name: str | None, detail: str, unknown: bool, when: str = "") -> str:
    """`phrase` from its parts: the index's full text joins a fact's detail, worked out once where the
    fact is read, to the name of the entity it links to, known only once every file is read."""
    parts = [label]
    if linked_name:
        parts.append(f" {linked_name}")
    if unknown and not detail and not linked_name:
        detail = "unknown"
    if detail:
        parts.append(": " + detail)
    elif when and not linked_name:
        parts.append(f" {when}")
        return "".join(parts)
    if when:
        parts.append(f" ({when})")
    return "".join(parts)
