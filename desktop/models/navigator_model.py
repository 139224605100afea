"""The navigator tree: one group per kind, entities by name, agencies under their parents.

A level's rows are known by position and read from the store a page at a time, only when a
row is looked at, and only the pages looked at last are kept (MAX_PAGES): opening a group of
100,000 entities costs one page, and so does scrolling anywhere in it. The view is told of a
level's rows a batch at a time as it scrolls (canFetchMore/fetchMore), or at once up to the
row `index_for_id` jumps to, whose position the store counts off its tree index without
reading the rows before it.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex

from desktop.core.store import Store
from desktop.core.views import KindInfo, TreeRow
from desktop.models.results_model import tooltip_html
from desktop.models.roles import (
    ACCESSIBLE_TEXT_ROLE,
    DECORATION_ROLE,
    DISPLAY_ROLE,
    TOOLTIP_ROLE,
    Role,
)

BATCH = 256  # rows a fetchMore shows, and the rows of one page read from the store
# A kind group's rows are counted when it is first opened: a count walks the group's part of the tree
# index (7 ms for the twelve groups at 100,000 entities), and the window's first paint needs none of them.
UNCOUNTED = -1
MAX_PAGES = 64  # pages kept across the whole tree (16,384 rows): memory does not grow with scrolling

Index = QModelIndex | QPersistentModelIndex
Key = tuple[str, str]  # a row's (sort_name, id): where keyset paging starts


class _Level:
    """The rows under one node: the kind groups (the root), a group's top entities, or an entity's children.

    An index's internal pointer is the level its row is in, so an index needs no object of its
    own and a row need not be read to make one; levels live as long as the model's tree does.
    """

    __slots__ = ("after", "children", "entity_id", "kind", "nests", "parent", "row", "shown", "size")

    def __init__(
        self, parent: _Level | None, row: int, kind: KindInfo | None, entity_id: str | None, size: int
    ) -> None:
        self.parent = parent  # the level this level's node is a row of; None for the root
        self.row = row  # that row
        self.kind = kind  # None for the root
        self.entity_id = entity_id  # the parent entity; None for the root and for kind groups
        self.size = size  # rows the store holds; UNCOUNTED for a kind group not yet opened (NavigatorModel._size)
        self.shown = 0  # rows the view has been told of (rowCount)
        self.children: dict[int, _Level] = {}  # the levels under rows that have been opened
        # page -> the key of the row just before it (None: the level's start), wherever it has been seen:
        # a page read again after it was dropped starts from there, by keyset, not by counting.
        self.after: dict[int, Key | None] = {0: None}
        self.nests: bool | None = None  # whether any of its rows has children; asked of the store when needed


def _key(row: TreeRow) -> Key:
    return (row.sort_name, row.id)


class NavigatorModel(QAbstractItemModel):
    """A lazily read tree over the store's navigator levels.

    `icon_for(kind_id)` supplies the decoration for a kind (the widgets layer
    owns icons; this model stays QtCore-only).
    """

    def __init__(self, store: Store, icon_for: Callable[[str], Any] | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._icon_for = icon_for or (lambda kind: None)
        self._store = store
        self._root = _Level(None, 0, None, None, 0)
        self._groups: dict[str, _Level] = {}
        self._pages: OrderedDict[tuple[_Level, int], list[TreeRow]] = OrderedDict()  # least recently used first
        self._showing = False
        self._load_groups()

    def _load_groups(self) -> None:
        # A kind with nothing in it (regions before any figures are imported) is no group to open.
        kinds = [kind for kind in self._store.kinds() if kind.count]
        self._root = _Level(None, 0, None, None, len(kinds))
        self._root.shown = len(kinds)
        self._root.children = {row: _Level(self._root, row, kind, None, UNCOUNTED) for row, kind in enumerate(kinds)}
        self._groups = {level.kind.id: level for level in self._root.children.values() if level.kind}
        self._pages.clear()

    def set_store(self, store: Store) -> None:
        """Show another store (after data folders changed); the tree starts collapsed again."""
        self.beginResetModel()
        try:
            self._store = store
            self._load_groups()
        finally:
            self.endResetModel()  # even when the new store could not be read: views are never left mid-reset

    def _size(self, level: _Level) -> int:
        """The rows `level` holds, counted now if it is a kind group that has not been opened before."""
        if level.size == UNCOUNTED:
            assert level.kind is not None
            level.size = self._store.level_size(level.kind.id)
        return level.size

    def rows_held(self) -> int:
        """How many entity rows the model keeps read (at most MAX_PAGES pages of BATCH)."""
        return sum(len(rows) for rows in self._pages.values())

    # -- structure -------------------------------------------------------

    def _below(self, parent: Index, open_it: bool = False) -> _Level | None:
        """The level of `parent`'s children; with `open_it`, made when the row has children but none was yet."""
        if not parent.isValid():
            return self._root
        if parent.column() != 0:
            return None
        up: _Level = parent.internalPointer()
        row = parent.row()
        below = up.children.get(row)
        if below is None and open_it and up is not self._root:
            entry = self._entry(up, row)
            if entry is not None and entry.child_count > 0:
                below = up.children[row] = _Level(up, row, up.kind, entry.id, entry.child_count)
        return below

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:
        below = self._below(parent)
        if column != 0 or below is None or not 0 <= row < below.shown:
            return QModelIndex()
        return self.createIndex(row, 0, below)

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        level: _Level = index.internalPointer()
        if level.parent is None:
            return QModelIndex()
        return self.createIndex(level.row, 0, level.parent)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        below = self._below(parent)
        return below.shown if below is not None else 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 1

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:
        # QTreeView asks this of every row of a level it lays out (100,000 times for a group that
        # large), so a row is not read for it when no row of its level has children at all.
        if not parent.isValid():
            return self._root.size > 0
        if parent.column() != 0:
            return False
        up: _Level = parent.internalPointer()
        row = parent.row()
        if up is self._root:
            # A group is a kind with entities, and some of them are at its top: the loader cuts a cycle
            # of parents, so every chain of parents within a kind starts at the top.
            group = up.children[row]
            return group.size > 0 if group.size != UNCOUNTED else bool(group.kind and group.kind.count)
        rows = self._pages.get((up, row // BATCH))
        if rows is None:
            if up.nests is None:
                assert up.kind is not None
                up.nests = self._store.level_nests(up.kind.id, up.entity_id)
            if not up.nests:
                return False
            rows = self._page(up, row // BATCH)
        offset = row % BATCH
        return offset < len(rows) and rows[offset].child_count > 0

    def canFetchMore(self, parent: Index) -> bool:
        if not parent.isValid():
            return False
        below = self._below(parent, open_it=True)
        return below is not None and below.shown < self._size(below)

    def fetchMore(self, parent: Index) -> None:
        below = self._below(parent, open_it=True) if parent.isValid() else None
        if below is None or below.shown >= self._size(below):
            return
        if not self._page(below, below.shown // BATCH):
            below.size = below.shown  # the store holds fewer rows than it announced: show what there is
            return
        self._show(parent, below, min(below.size, below.shown + BATCH))

    def _show(self, parent: Index, level: _Level, upto: int) -> None:
        """Tell the view of `level`'s rows up to `upto`."""
        if upto <= level.shown or self._showing:
            # Not re-entered: a listener to rowsAboutToBeInserted (QAbstractItemModelTester does this)
            # may call fetchMore again before these rows are in, and would announce them twice.
            return
        self._showing = True
        try:
            self.beginInsertRows(parent, level.shown, upto - 1)
            level.shown = upto
            self.endInsertRows()
        finally:
            self._showing = False

    # -- rows from the store ---------------------------------------------

    def _entry(self, level: _Level, row: int) -> TreeRow | None:
        page, offset = divmod(row, BATCH)
        rows = self._page(level, page)
        return rows[offset] if offset < len(rows) else None

    def _page(self, level: _Level, page: int) -> list[TreeRow]:
        rows = self._pages.get((level, page))
        if rows is None:
            return self._keep(level, page, self._read_page(level, page))
        self._pages.move_to_end((level, page))
        return rows

    def _keep(self, level: _Level, page: int, rows: list[TreeRow]) -> list[TreeRow]:
        self._pages[(level, page)] = rows
        if len(rows) == BATCH:
            level.after[page + 1] = _key(rows[-1])
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        return rows

    def _read_page(self, level: _Level, page: int) -> list[TreeRow]:
        """One page by keyset: on from the row before it, back from the page after it, or after a jump."""
        assert level.kind is not None  # the root's rows are the groups, never read from the store
        kind, parent = level.kind.id, level.entity_id
        if page in level.after:  # scrolling down, or a page read before
            return self._store.level(kind, parent, after=level.after[page], limit=BATCH)
        following = self._pages.get((level, page + 1))
        if following:  # scrolling up from a row synced to: one row more gives this page's start too
            rows = self._store.level(kind, parent, before=_key(following[0]), limit=BATCH + 1)
            if len(rows) == BATCH + 1:
                level.after[page] = _key(rows[0])
                return rows[1:]
            return rows
        # A jump (a scroll bar dragged): the row before the page, counted off the tree index from the
        # nearest page start known below it, then the page by keyset from there.
        known = max(p for p in level.after if p < page)
        start = self._store.level_key(kind, parent, (page - known) * BATCH - 1, after=level.after[known])
        if start is None:
            return []
        level.after[page] = start
        return self._store.level(kind, parent, after=start, limit=BATCH)

    def _read_around(self, level: _Level, row: int, entry: TreeRow) -> None:
        """Read the page of `row`, which holds `entry`, from `entry` itself: both ways by keyset, no counting."""
        page, offset = divmod(row, BATCH)
        if (level, page) in self._pages:
            self._pages.move_to_end((level, page))
            return
        assert level.kind is not None
        kind, parent = level.kind.id, level.entity_id
        wanted = offset + (1 if page > 0 else 0)  # the rows before it on its page, and the row before the page
        before = self._store.level(kind, parent, before=_key(entry), limit=wanted) if wanted else []
        if len(before) != wanted:
            return  # the store disagrees with the position it gave: read the page the usual way when asked
        if page > 0:
            level.after[page] = _key(before[0])
            before = before[1:]
        rest = BATCH - offset - 1
        more = rest and row + 1 < self._size(level)
        after = self._store.level(kind, parent, after=_key(entry), limit=rest) if more else []
        self._keep(level, page, [*before, entry, *after])

    # -- data --------------------------------------------------------------

    # flags() is QAbstractItemModel's own (enabled and selectable): QTreeView asks it twice for every
    # row it lays out, and an override in Python would cost a call into Python each time.

    def data(self, index: Index, role: int = DISPLAY_ROLE) -> Any:
        if not index.isValid():
            return None
        level: _Level = index.internalPointer()
        entity: TreeRow | None = None
        if level is self._root:
            kind = level.children[index.row()].kind
        else:
            kind = level.kind
            entity = self._entry(level, index.row())
            if entity is None:
                return None
        assert kind is not None
        if role == DISPLAY_ROLE:
            return entity.name if entity else f"{kind.plural} ({kind.count:,})"
        if role == DECORATION_ROLE:
            return self._icon_for(kind.id)
        if role == TOOLTIP_ROLE:
            if entity is None:
                return tooltip_html(f"{kind.plural}: {kind.count:,}")
            if entity.aliases:
                return tooltip_html(f"{entity.name}\nAlso known as: {', '.join(entity.aliases)}")
            return tooltip_html(entity.name)
        if role == ACCESSIBLE_TEXT_ROLE:
            return entity.name if entity else kind.plural
        if role == Role.ENTITY_ID:
            return entity.id if entity else None
        if role == Role.KIND:
            return kind.id
        if role == Role.KIND_LABEL:
            return kind.label
        return None

    # -- finding an entity ------------------------------------------------

    def index_for_id(self, entity_id: str) -> QModelIndex:
        """The index of an entity, with the rows down to it shown; invalid if unknown.

        Each step down the path costs a count over the store's tree index (the row's position)
        and one page read around the row, wherever in its level the row is: the rows before it
        are announced to the view but not read.
        """
        path = self._store.tree_path(entity_id)
        top = self._store.tree_row(path[0]) if path else None
        level = self._groups.get(top.kind) if top else None
        if top is None or level is None:
            return QModelIndex()
        parent = self.createIndex(level.row, 0, self._root)
        found = QModelIndex()
        for depth, step in enumerate(path):
            entry = top if depth == 0 else self._store.tree_row(step)
            if entry is None or level is None or level.kind is None:
                return QModelIndex()
            row = self._store.level_position(level.kind.id, level.entity_id, _key(entry))
            if row >= self._size(level):
                return QModelIndex()
            self._read_around(level, row, entry)
            if self._entry(level, row) != entry:
                return QModelIndex()  # the index disagrees with itself: better no selection than a wrong one
            self._show(parent, level, min(level.size, (row // BATCH + 1) * BATCH))
            found = parent = self.createIndex(row, 0, level)
            if depth + 1 < len(path):
                level = self._below(found, open_it=True)
        return found
