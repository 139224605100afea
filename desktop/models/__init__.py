"""Qt item models over the fact store (QtCore only: no widgets, no SQL)."""
