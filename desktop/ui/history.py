"""Back/forward history of what the detail pane showed (None is the home page)."""

from __future__ import annotations


class History:
    def __init__(self, limit: int = 500) -> None:
        self._items: list[str | None] = []
        self._pos = -1
        self._limit = limit

    @property
    def current(self) -> str | None:
        return self._items[self._pos] if self._pos >= 0 else None

    def visit(self, item: str | None) -> None:
        """Record a new page; anything ahead of the current one is dropped, as in a browser."""
        if self._pos >= 0 and self._items[self._pos] == item:
            return
        del self._items[self._pos + 1 :]
        self._items.append(item)
        if len(self._items) > self._limit:
            del self._items[0]
        self._pos = len(self._items) - 1

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
