"""The custom item data roles every model and view here agrees on."""

from enum import IntEnum

from PySide6.QtCore import Qt


class Role(IntEnum):
    ENTITY_ID = Qt.ItemDataRole.UserRole + 1  # str | None (None for a kind group)
    KIND = Qt.ItemDataRole.UserRole + 2  # the kind's id
    KIND_LABEL = Qt.ItemDataRole.UserRole + 3  # "Program"
    SNIPPET = Qt.ItemDataRole.UserRole + 4  # search result snippet, HTML, match in <b>
    SCORE = Qt.ItemDataRole.UserRole + 5
    SNIPPET_RUNS = Qt.ItemDataRole.UserRole + 6  # the snippet as [(text, is_match), ...], for drawing
