"""The navigator tree: one group per kind, entities by name, agencies under their parents.

Rows are read from the store in batches as the view asks for them
(canFetchMore/fetchMore), so opening a group of 100,000 entities costs one
batch, not 100,000 rows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt

from desktop.core.store import Store
from desktop.core.views import KindInfo, TreeRow
from desktop.models.results_model import tooltip_html
from desktop.models.roles import Role

BATCH = 256

Index = QModelIndex | QPersistentModelIndex


class _Node:
    __slots__ = ("after", "child_total", "children", "entity", "kind", "parent", "row")

    def __init__(
        self, parent: _Node | None, row: int, kind: KindInfo | None, entity: TreeRow | None, total: int
    ) -> None:
        self.parent = parent
        self.row = row
        self.kind = kind  # set on kind groups and on entities (their kind)
        self.entity = entity  # None for the root and for kind groups
        self.children: list[_Node] = []
        self.child_total = total
        self.after: tuple[str, str] | None = None  # keyset position of the last row fetched


class NavigatorModel(QAbstractItemModel):
    """A lazily loaded tree over `Store.level`.

    `icon_for(kind_id)` supplies the decoration for a kind (the widgets layer
    owns icons; this model stays QtCore-only).
    """

    def __init__(self, store: Store, icon_for: Callable[[str], Any] | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._icon_for = icon_for or (lambda kind: None)
        self._store = store
        self._root = _Node(None, 0, None, None, 0)
        self._kinds: dict[str, KindInfo] = {}
        self._fetching = False
        self._load_groups()

    def _load_groups(self) -> None:
        kinds = self._store.kinds()
        self._kinds = {k.id: k for k in kinds}
        self._root.children = [
            _Node(self._root, row, kind, None, self._store.level_size(kind.id)) for row, kind in enumerate(kinds)
        ]

    def set_store(self, store: Store) -> None:
        """Show another store (after data folders changed); the tree starts collapsed again."""
        self.beginResetModel()
        self._store = store
        self._root = _Node(None, 0, None, None, 0)
        self._load_groups()
        self.endResetModel()

    # -- structure -------------------------------------------------------

    def _node(self, index: Index) -> _Node:
        return index.internalPointer() if index.isValid() else self._root

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:
        node = self._node(parent)
        if column != 0 or not 0 <= row < len(node.children):
            return QModelIndex()
        return self.createIndex(row, 0, node.children[row])

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        node: _Node = index.internalPointer()
        up = node.parent
        if up is None or up is self._root:
            return QModelIndex()
        return self.createIndex(up.row, 0, up)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 1

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:
        if parent.isValid() and parent.column() != 0:
            return False
        node = self._node(parent)
        return bool(node.children) or node.child_total > 0

    def canFetchMore(self, parent: Index) -> bool:
        if parent.isValid() and parent.column() != 0:
            return False
        node = self._node(parent)
        return node is not self._root and len(node.children) < node.child_total

    def fetchMore(self, parent: Index) -> None:
        node = self._node(parent)
        if node is self._root or node.kind is None or self._fetching:
            # Not re-entered: a listener to rowsAboutToBeInserted (QAbstractItemModelTester does this)
            # may call fetchMore again before this batch is in, and would load the same batch twice.
            return
        self._fetching = True
        try:
            self._fetch_batch(parent, node)
        finally:
            self._fetching = False

    def _fetch_batch(self, parent: Index, node: _Node) -> None:
        parent_id = node.entity.id if node.entity else None
        rows = self._store.level(node.kind.id, parent_id, after=node.after, limit=BATCH)
        if not rows:
            node.child_total = len(node.children)  # the store holds fewer than announced
            return
        first = len(node.children)
        self.beginInsertRows(parent, first, first + len(rows) - 1)
        for offset, row in enumerate(rows):
            node.children.append(_Node(node, first + offset, node.kind, row, row.child_count))
        node.after = (rows[-1].sort_name, rows[-1].id)
        self.endInsertRows()

    # -- data --------------------------------------------------------------

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node: _Node = index.internalPointer()
        kind = node.kind
        entity = node.entity
        if role == Qt.ItemDataRole.DisplayRole:
            return entity.name if entity else f"{kind.plural} ({kind.count:,})"
        if role == Qt.ItemDataRole.DecorationRole:
            return self._icon_for(kind.id)
        if role == Qt.ItemDataRole.ToolTipRole:
            if entity is None:
                return tooltip_html(f"{kind.plural}: {kind.count:,}")
            if entity.aliases:
                return tooltip_html(f"{entity.name}\nAlso known as: {', '.join(entity.aliases)}")
            return tooltip_html(entity.name)
        if role == Qt.ItemDataRole.AccessibleTextRole:
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
        """The index of an entity, loading the batches on its path as needed; invalid if unknown."""
        ref = self._store.ref(entity_id)
        if ref is None:
            return QModelIndex()
        group = next((n for n in self._root.children if n.kind and n.kind.id == ref.kind), None)
        if group is None:
            return QModelIndex()
        parent = self.createIndex(group.row, 0, group)
        for step in self._store.tree_path(entity_id):
            node = self._node(parent)
            found = self._find_child(node, step)
            while found is None and self.canFetchMore(parent):
                self.fetchMore(parent)
                found = self._find_child(node, step)
            if found is None:
                return QModelIndex()
            parent = self.createIndex(found.row, 0, found)
        return parent

    @staticmethod
    def _find_child(node: _Node, entity_id: str) -> _Node | None:
        return next((c for c in node.children if c.entity and c.entity.id == entity_id), None)
