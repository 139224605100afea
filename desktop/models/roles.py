"""The item data roles every model and view here agrees on: Qt's own that the models answer, and ours.

They are plain ints, as a role reaches Python in `data()`: naming them through `Qt.ItemDataRole`
would build PySide6's whole `Qt` namespace (about a hundred enum classes) the first time the
navigator is drawn, which is before the window's first paint. Their values are Qt's, which never
change; tests/test_startup.py checks them against `Qt.ItemDataRole`.
"""

from enum import IntEnum

DISPLAY_ROLE = 0  # Qt.ItemDataRole.DisplayRole
DECORATION_ROLE = 1  # Qt.ItemDataRole.DecorationRole
TOOLTIP_ROLE = 3  # Qt.ItemDataRole.ToolTipRole
ACCESSIBLE_TEXT_ROLE = 11  # Qt.ItemDataRole.AccessibleTextRole
ACCESSIBLE_DESCRIPTION_ROLE = 12  # Qt.ItemDataRole.AccessibleDescriptionRole
USER_ROLE = 256  # Qt.ItemDataRole.UserRole: the first role free for a program's own


class Role(IntEnum):
    ENTITY_ID = USER_ROLE + 1  # str | None (None for a kind group)
    KIND = USER_ROLE + 2  # the kind's id
    KIND_LABEL = USER_ROLE + 3  # "Program"
    SNIPPET = USER_ROLE + 4  # search result snippet, HTML, match in <b>
    SCORE = USER_ROLE + 5
    SNIPPET_RUNS = USER_ROLE + 6  # the snippet as [(text, is_match), ...], for drawing
