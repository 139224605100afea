"""The few Qt enum values the window sets before its first paint, as plain ints.

PySide6 makes a Python enum class of every enum of a Qt class the first time the class is
touched, and the `Qt` namespace holds about a hundred of them: building it costs more than any
widget the first paint shows. Calls such as `QSplitter(parent)` and `setOrientation` build it too
(their overloads are checked against it). So the values the window needs before its first paint
are set here through Qt's property system, which takes an enum property's value as an int; what
runs later uses `QtCore.Qt` as usual. tests/test_startup.py checks each value against Qt's own.
"""

from __future__ import annotations

from PySide6.QtCore import QObject

VERTICAL = 2  # Qt.Orientation.Vertical
ELIDE_RIGHT = 1  # Qt.TextElideMode.ElideRight
CUSTOM_CONTEXT_MENU = 3  # Qt.ContextMenuPolicy.CustomContextMenu
RICH_TEXT = 1  # Qt.TextFormat.RichText
SCROLL_BAR_AS_NEEDED = 0  # Qt.ScrollBarPolicy.ScrollBarAsNeeded
SCROLL_BAR_ALWAYS_OFF = 1  # Qt.ScrollBarPolicy.ScrollBarAlwaysOff
SCROLL_BAR_ALWAYS_ON = 2  # Qt.ScrollBarPolicy.ScrollBarAlwaysOn


def set_enum_property(target: QObject, name: str, value: int) -> None:
    """Set `target`'s Qt property `name`, an enum, to `value` without building the enum in Python."""
    if not target.setProperty(name, value):  # False for a name Qt does not know (a dynamic property)
        raise AttributeError(f"{type(target).__name__} has no Qt property {name!r}")
