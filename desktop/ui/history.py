"""Back/forward history of what the detail pane showed (None is the home page)."""

from __future__ import annotations


class History:
    """Pages visited in order, as a browser keeps them. A page reached by browsing (arrow keys through
    the tree, or the results previewed as the keys stop on them) is passing: the next page browsed to
    takes its place, so a walk down a list is one step back, not one per row."""

    def __init__(self, limit: int = 500) -> None:
        self._items: list[str | None] = []
        self._passing: list[bool] = []  # beside each item: reached by browsing
        self._pos = -1
        self._limit = limit

    @property
    def current(self) -> str | None:
        return self._items[self._pos] if self._pos >= 0 else None

    def visit(self, item: str | None) -> None:
        """Record a new page; anything ahead of the current one is dropped, as in a browser."""
        if self._pos >= 0 and self._items[self._pos] == item:
            self._passing[self._pos] = False  # settled on: the next page browsed to comes after it
            return
        self._add(item, passing=False)

    def browse(self, item: str | None) -> None:
        """Record a page reached by browsing: it replaces the current page if that was browsed to too."""
        if self._pos >= 0 and self._items[self._pos] == item:
            return
        if self._pos >= 0 and self._passing[self._pos]:
            del self._items[self._pos + 1 :]
            del self._passing[self._pos + 1 :]
            self._items[self._pos] = item
            return
        self._add(item, passing=True)

    def _add(self, item: str | None, passing: bool) -> None:
        del self._items[self._pos + 1 :]
        del self._passing[self._pos + 1 :]
        self._items.append(item)
        self._passing.append(passing)
        if len(self._items) > self._limit:
            del self._items[0]
            del self._passing[0]
        self._pos = len(self._items) - 1

    def back_items(self, limit: int = 15) -> list[tuple[int, str | None]]:
        """(index, page) of the pages Back leads to, nearest first: the Back button's list."""
        return [(i, self._items[i]) for i in range(self._pos - 1, max(-1, self._pos - 1 - limit), -1)]

    def forward_items(self, limit: int = 15) -> list[tuple[int, str | None]]:
        """(index, page) of the pages Forward leads to, nearest first."""
        end = min(len(self._items), self._pos + 1 + limit)
        return [(i, self._items[i]) for i in range(self._pos + 1, end)]

    def go_to(self, index: int) -> str | None:
        """Jump to the page at `index` (from back_items or forward_items), as that many Backs would."""
        if 0 <= index < len(self._items):
            self._pos = index
        return self.current

    def can_back(self) -> bool:
        return self._pos > 0

    def can_forward(self) -> bool:
        return self._pos < len(self._items) - 1

    def back(self) -> str | None:
        if self.can_back():
            self._pos -= 1
        return self.current

    def forward(self) -> str | None:
        if self.can_forward():
            self._pos += 1
        return self.current

    def recent(self, limit: int = 10) -> list[str]:
        """Entity ids most recently visited first, without repeats."""
        seen: list[str] = []
        for item in reversed(self._items[: self._pos + 1]):
            if item is not None and item not in seen:
                seen.append(item)
            if len(seen) == limit:
                break
        return seen

    # -- as a tab's state is kept between runs ---------------------------------------------

    def state(self) -> tuple[list[str | None], int]:
        """The pages in order (None for Home) and the index of the current one."""
        return list(self._items), self._pos

    @classmethod
    def restored(cls, items: list[str | None], position: int, limit: int = 500) -> History:
        history = cls(limit)
        history._items = list(items[-limit:])
        history._passing = [False] * len(history._items)
        history._pos = max(-1, min(position - (len(items) - len(history._items)), len(history._items) - 1))
        return history
