"""Light, dark and system colour themes, and the page colours that follow them."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QActionGroup, QColor, QPalette
from PySide6.QtWidgets import QApplication, QMenu

from desktop.ui.page_html import Colors
from desktop.ui.settings import AppSettings

THEMES = ("system", "light", "dark")


def _palette(dark: bool) -> QPalette:
    p = QPalette()
    role = QPalette.ColorRole
    if dark:
        colors = {
            role.Window: "#2b2b2e",
            role.WindowText: "#e6e6e6",
            role.Base: "#1f1f22",
            role.AlternateBase: "#2a2a2d",
            role.Text: "#e6e6e6",
            role.Button: "#353539",
            role.ButtonText: "#e6e6e6",
            role.Highlight: "#3d6fb4",
            role.HighlightedText: "#ffffff",
            role.Link: "#8ab4f8",
            role.ToolTipBase: "#353539",
            role.ToolTipText: "#e6e6e6",
            role.PlaceholderText: "#9a9a9a",
            role.Mid: "#4a4a4f",
        }
    else:
        colors = {
            role.Window: "#efefef",
            role.WindowText: "#1b1b1b",
            role.Base: "#ffffff",
            role.AlternateBase: "#f5f5f5",
            role.Text: "#1b1b1b",
            role.Button: "#e8e8e8",
            role.ButtonText: "#1b1b1b",
            role.Highlight: "#2f6fb3",
            role.HighlightedText: "#ffffff",
            role.Link: "#1a5fb4",
            role.ToolTipBase: "#ffffdc",
            role.ToolTipText: "#1b1b1b",
            role.PlaceholderText: "#777777",
            role.Mid: "#b8b8b8",
        }
    for r, value in colors.items():
        p.setColor(r, QColor(value))
    p.setColor(QPalette.ColorGroup.Disabled, role.Text, QColor("#7f7f7f"))
    p.setColor(QPalette.ColorGroup.Disabled, role.WindowText, QColor("#7f7f7f"))
    p.setColor(QPalette.ColorGroup.Disabled, role.ButtonText, QColor("#7f7f7f"))
    return p


def apply_theme(app: QApplication, theme: str) -> None:
    """Switch the whole application's palette; "system" returns to the style's own."""
    if theme not in THEMES:
        theme = "system"
    if theme == "system":
        app.setPalette(app.style().standardPalette())
        return
    from PySide6.QtWidgets import QStyleFactory  # only for a theme of the program's own

    fusion = QStyleFactory.create("Fusion")
    if fusion is not None:
        app.setStyle(fusion)
    app.setPalette(_palette(theme == "dark"))


def page_colors(palette: QPalette) -> Colors:
    role = QPalette.ColorRole
    text = palette.color(role.Text)
    base = palette.color(role.Base)
    muted = QColor(
        (text.red() * 3 + base.red() * 2) // 5,
        (text.green() * 3 + base.green() * 2) // 5,
        (text.blue() * 3 + base.blue() * 2) // 5,
    )
    return Colors(
        text=text.name(),
        base=base.name(),
        link=palette.color(role.Link).name(),
        muted=muted.name(),
        rule=palette.color(role.Mid).name(),
        band=palette.color(role.AlternateBase).name(),
    )


class ThemeActions(QObject):
    """View → Theme: one checkable action per theme, applied to the whole application and remembered.

    Signals: themeChanged(theme) after the palette changed (pages are drawn in its colours).
    """

    themeChanged = Signal(str)

    def __init__(self, menu: QMenu, settings: AppSettings) -> None:
        super().__init__(menu)
        self.settings = settings
        self.group = QActionGroup(self)
        self.actions: dict[str, QAction] = {}
        for theme in THEMES:
            action = self.group.addAction(theme.capitalize())
            action.setCheckable(True)
            action.setObjectName(f"actionTheme{theme.capitalize()}")
            action.triggered.connect(lambda checked=False, t=theme: self.set_theme(t))
            menu.addAction(action)
            self.actions[theme] = action

    def set_theme(self, theme: str) -> None:
        self._apply(theme)
        self.settings.theme = theme
        self.themeChanged.emit(theme)

    def restore(self) -> None:
        """The theme saved in an earlier run (the page is drawn after this, in its colours)."""
        self._apply(self.settings.theme if self.settings.theme in THEMES else "system", keep_system=True)

    def _apply(self, theme: str, keep_system: bool = False) -> None:
        self.actions[theme].setChecked(True)
        app = QApplication.instance()
        if isinstance(app, QApplication) and not (keep_system and theme == "system"):
            apply_theme(app, theme)
