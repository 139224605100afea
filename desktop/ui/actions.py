"""The one table of the window's actions: menus, toolbar, the shortcuts dialog and the README come from it.

Each row names the action, its text, its keys (the platform's standard
binding first, where Qt has one, then portable fallbacks: Qt's Quit binding is
empty on some platforms, and Ctrl+Q must still work), its menu, and the
window method it runs. `python -m desktop.ui.actions` prints the README's
shortcut table; a test keeps the README in step with it.
"""

from __future__ import annotations

from typing import Any

from desktop.core.records import FrozenRecord

MENUS = ("&File", "&Edit", "&View", "&Go", "&Bookmarks", "&Help")


class ActionSpec(FrozenRecord):
    """One row of the table. Written out (records.FrozenRecord) rather than a dataclass: the table is
    made as the window's start imports this module."""

    __match_args__ = ("name", "text", "slot", "menu", "keys", "standard", "separator", "toolbar", "checkable", "attr")
    __slots__ = __match_args__
    name: str  # objectName, and the window attribute `action_<...>` is derived from it
    text: str  # menu text, with its & mnemonic
    slot: str  # dotted attribute path on the window of what it runs ("time.set_timeline_visible")
    menu: str
    keys: tuple[str, ...]  # portable key sequences, as shown in the README
    standard: str | None  # a QKeySequence.StandardKey name whose bindings come first
    separator: bool  # a separator before it in its menu
    toolbar: bool
    checkable: bool
    attr: str | None  # where a part of the window keeps the action, when that part makes it

    def __init__(
        self,
        name: str,
        text: str,
        slot: str,
        menu: str,
        keys: tuple[str, ...] = (),
        standard: str | None = None,
        separator: bool = False,
        toolbar: bool = False,
        checkable: bool = False,
        attr: str | None = None,
    ) -> None:
        values = (name, text, slot, menu, keys, standard, separator, toolbar, checkable, attr)
        for field, value in zip(self.__match_args__, values, strict=True):
            object.__setattr__(self, field, value)

    @property
    def label(self) -> str:
        return self.text.replace("&", "").rstrip("…")


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("actionNewTab", "&New tab", "tabs.open_new_tab", "&File", ("Ctrl+T",), "AddTab"),
    ActionSpec("actionCloseTab", "&Close tab", "tabs.close_tab", "&File", ("Ctrl+W",), "Close"),
    ActionSpec("actionReopenTab", "&Reopen closed tab", "tabs.reopen_closed_tab", "&File", ("Ctrl+Shift+T",)),
    ActionSpec("actionAddData", "&Add data folder…", "dialogs.choose_data_folder", "&File", separator=True),
    ActionSpec("actionDataFolders", "&Data folders…", "dialogs.show_data_folders", "&File"),
    ActionSpec("actionImportFigures", "&Import official figures…", "figures_import.choose", "&File"),
    ActionSpec("actionPrint", "&Print…", "exports.print_page", "&File", ("Ctrl+P",), "Print", separator=True),
    ActionSpec("actionExportPdf", "&Export as PDF…", "exports.choose_pdf", "&File", ("Ctrl+Shift+E",)),
    ActionSpec(
        "actionExportTimeline",
        "Export &timeline as PNG or SVG…",
        "time.choose_export",
        "&File",
        attr="time.action_export",
    ),
    ActionSpec(
        "actionExportFiguresChart",
        "Export figures &chart as PNG or SVG…",
        "figures.choose_export_chart",
        "&File",
        attr="figures.action_export_chart",
    ),
    ActionSpec(
        "actionExportFiguresTable",
        "Export figures table as C&SV…",
        "figures.choose_export_table",
        "&File",
        attr="figures.action_export_table",
    ),
    ActionSpec("actionExportNotes", "Export &notes as Markdown…", "export_notes", "&File"),
    ActionSpec("actionQuit", "&Quit", "close", "&File", ("Ctrl+Q",), "Quit", separator=True),
    ActionSpec("actionCopy", "&Copy", "exports.copy", "&Edit", ("Ctrl+C",), "Copy"),
    ActionSpec("actionCopyCitation", "Copy ci&tation", "exports.copy_citation", "&Edit", ("Ctrl+Shift+C",)),
    ActionSpec("actionFind", "&Find in page…", "find_bar.open_bar", "&Edit", ("Ctrl+F",), "Find"),
    ActionSpec("actionZoomIn", "Zoom &in", "tabs.zoom_in", "&View", ("Ctrl+=", "Ctrl++")),
    ActionSpec("actionZoomOut", "Zoom &out", "tabs.zoom_out", "&View", ("Ctrl+-",), "ZoomOut"),
    ActionSpec("actionZoomReset", "&Actual size", "tabs.zoom_reset", "&View", ("Ctrl+0",)),
    ActionSpec(
        "actionTimeline",
        "Time&line",
        "time.set_timeline_visible",
        "&View",
        ("Ctrl+Shift+L",),  # Ctrl+T opens a tab, as in every browser
        separator=True,
        checkable=True,
        attr="time.action_timeline",
    ),
    ActionSpec(
        "actionFigures",
        "Official &figures",
        "figures.set_visible",
        "&View",
        ("Ctrl+Shift+F",),
        checkable=True,
        attr="figures.action_figures",
    ),
    ActionSpec(
        "actionProblems",
        "&Problems",
        "problems.set_visible",
        "&View",
        checkable=True,
        attr="problems.action_problems",
    ),
    ActionSpec(
        "actionNotes", "&Notes", "set_notes_visible", "&View", ("Ctrl+Shift+N",), checkable=True, attr="action_notes"
    ),
    ActionSpec(
        "actionSourcesPane",
        "&Sources",
        "sources.set_visible",
        "&View",
        ("Ctrl+Shift+S",),  # a note mark's click opens it too, at the source cited
        checkable=True,
        attr="sources.action_sources",
    ),
    ActionSpec("actionBack", "&Back", "tabs.go_back", "&Go", ("Alt+Left",), "Back", toolbar=True),
    ActionSpec("actionForward", "&Forward", "tabs.go_forward", "&Go", ("Alt+Right",), "Forward", toolbar=True),
    ActionSpec("actionHome", "&Home", "tabs.show_home", "&Go", ("Alt+Home",), toolbar=True),
    ActionSpec(
        "actionNextTab", "&Next tab", "tabs.next_tab", "&Go", ("Ctrl+Tab", "Ctrl+PgDown"), "NextChild", separator=True
    ),
    ActionSpec(
        "actionPreviousTab",
        "&Previous tab",
        "tabs.previous_tab",
        "&Go",
        ("Ctrl+Shift+Tab", "Ctrl+PgUp"),
        "PreviousChild",
    ),
    ActionSpec(
        "actionSearch",
        "&Search",
        "search.focus_search",
        "&Go",
        ("Ctrl+K", "Ctrl+L"),
    ),
    ActionSpec(
        "actionBookmark",
        "&Bookmark this page",
        "bookmarks.toggle_current",
        "&Bookmarks",
        ("Ctrl+D",),
        checkable=True,
        attr="bookmarks.action_bookmark",
    ),
    ActionSpec(
        "actionBookmarksPanel",
        "Show &all bookmarks",
        "bookmarks.set_panel_visible",
        "&Bookmarks",
        ("Ctrl+Shift+B",),
        checkable=True,
        attr="bookmarks.action_panel",
    ),
    ActionSpec("actionExportBookmarks", "&Export bookmarks…", "bookmarks.choose_export", "&Bookmarks", separator=True),
    ActionSpec("actionImportBookmarks", "&Import bookmarks…", "bookmarks.choose_import", "&Bookmarks"),
    ActionSpec("actionShortcuts", "&Keyboard shortcuts", "dialogs.show_shortcuts", "&Help", ("F1",), "HelpContents"),
    ActionSpec("actionSources", "&Sources and licence", "dialogs.show_sources", "&Help"),
    ActionSpec("actionAbout", "&About", "dialogs.show_about", "&Help"),
)

# Keys that are not menu actions, for the shortcuts dialog and the README.
EXTRA_KEYS: tuple[tuple[str, str], ...] = (
    ("Move from the search box into the results / open the selected or first result", "Down / Enter"),
    ("Clear the search and show the tree again", "Esc"),
    ("Move focus: search → navigator → page", "F6 (Shift+F6 backwards)"),
    ("Next / previous match in the find bar; close it", "Enter, F3 / Shift+Enter, Shift+F3; Esc"),
    ("Back / forward", "Mouse back / forward buttons"),
    ("Open a link, tree row or result in a new background tab", "Middle-click or Ctrl+click"),
    ("Timeline, when it has focus: zoom in / out / fit all", "Wheel, Ctrl+= / Ctrl+- / Ctrl+0"),
    ("Timeline, when it has focus: pan", "Drag, arrow keys (Shift+wheel scrolls the lanes)"),
)


def resolve(owner: Any, path: str) -> Any:
    """The attribute at dotted `path` under `owner` ("time.action_timeline")."""
    for part in path.split("."):
        owner = getattr(owner, part)
    return owner


def attribute_name(spec: ActionSpec) -> str:
    """ "actionCopyCitation" -> "action_copy_citation": the window attribute that holds the action."""
    name = spec.name.removeprefix("action")
    return "action" + "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def key_sequences(spec: ActionSpec) -> list[Any]:
    """The action's QKeySequences: the platform's standard binding first, then the portable keys not among it."""
    from PySide6.QtGui import QKeySequence

    # Only the platform's first binding: the others include keys such as Backspace for Back,
    # which belong to text fields.
    first = QKeySequence(getattr(QKeySequence.StandardKey, spec.standard)) if spec.standard else QKeySequence()
    sequences = [] if first.isEmpty() else [first]
    seen = {s.toString() for s in sequences}
    for key in spec.keys:
        sequence = QKeySequence(key)
        if sequence.toString() not in seen:
            seen.add(sequence.toString())
            sequences.append(sequence)
    return sequences


def build_actions(window: Any) -> dict[str, Any]:
    """Make (or adopt) every action in the table, set its keys, connect it and add it to the window.

    Returns the actions by name; each is also set on the window as `action_<name>`.
    """
    from PySide6.QtGui import QAction

    made: dict[str, Any] = {}
    for spec in ACTIONS:
        if spec.attr:
            action = resolve(window, spec.attr)  # made by the part that owns it; its keys come from here
        else:
            action = QAction(spec.text, window)
            action.setCheckable(spec.checkable)
            # The slot is looked up when the action runs: parts of the window that nothing shows at
            # start (the find bar, the exports, the dialogs) are made the first time they are asked for.
            if spec.checkable:
                action.toggled.connect(lambda checked, path=spec.slot: resolve(window, path)(checked))
            else:  # triggered's `checked` is not the slot's
                action.triggered.connect(lambda *_, path=spec.slot: resolve(window, path)())
        action.setObjectName(spec.name)
        action.setShortcuts(key_sequences(spec))
        window.addAction(action)
        setattr(window, attribute_name(spec), action)
        made[spec.name] = action
    return made


def fill_menus(window: Any, actions: dict[str, Any]) -> dict[str, Any]:
    """The menu bar, in the table's order; returns the menus by title."""
    bar = window.menuBar()
    menus = {title: bar.addMenu(title) for title in MENUS}
    for spec in ACTIONS:
        menu = menus[spec.menu]
        if spec.separator and menu.actions():
            menu.addSeparator()
        menu.addAction(actions[spec.name])
    return menus


def fill_toolbar(window: Any, actions: dict[str, Any]) -> Any:
    """The navigation toolbar: the table's toolbar actions, each button named for assistive tools."""
    toolbar = window.addToolBar("Navigation")
    toolbar.setObjectName("navigationToolbar")
    toolbar.setMovable(False)
    for spec in ACTIONS:
        if spec.toolbar:
            action = actions[spec.name]
            toolbar.addAction(action)
            # Actions have no accessible name of their own; their toolbar buttons carry it.
            button = toolbar.widgetForAction(action)
            button.setAccessibleName(spec.label)
            button.setAccessibleDescription(action.shortcut().toString())
    return toolbar


def shortcut_rows(actions: dict[str, Any] | None = None) -> list[tuple[str, str]]:
    """(what, keys) for every action with keys, then the other keys: the shortcuts dialog and the README.

    With `actions`, the keys are the ones in effect on this platform; without, the table's portable ones.
    """
    rows = []
    for spec in ACTIONS:
        if actions is not None:
            from PySide6.QtGui import QKeySequence

            native = QKeySequence.SequenceFormat.NativeText
            keys = ", ".join(k.toString(native) for k in actions[spec.name].shortcuts())
        else:
            keys = ", ".join(spec.keys)
        if keys:
            rows.append((spec.label, keys))
    return rows + list(EXTRA_KEYS)


def readme_table() -> str:
    lines = ["| Action | Keys |", "| --- | --- |"]
    lines += [f"| {what} | {keys} |" for what, keys in shortcut_rows()]
    return "\n".join(lines)


if __name__ == "__main__":
    print(readme_table())
