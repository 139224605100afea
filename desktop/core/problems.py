"""Problems found in the data, reported as `path:line:column: message`."""

from __future__ import annotations

from dataclasses import field

from desktop.core.records import lazy_dataclass

# Where a problem comes from decides when it can change: "setup" (the folders,
# vocabulary, sources and schema), "file" (one data file read alone),
# "duplicate" (an id already taken by `other`, the file whose entity is kept)
# "link" (links and parents across files) and "alias" (an alias another entity
# also answers to, not listed as ambiguous). An index refreshed in place
# re-reads only what changed and relies on this to keep the rest.
ORIGINS = ("setup", "file", "duplicate", "link", "alias")


@lazy_dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int = 0  # 1-based; 0 when the problem has no place in the file
    column: int = 0
    message: str = ""
    origin: str = field(default="file", compare=False)
    other: str | None = field(default=None, compare=False)
    # for "link" problems: (entity id, fact position), or (entity id, None) for its parent
    about: tuple[str, int | None] | None = field(default=None, compare=False)

    def __str__(self) -> str:
        if self.line and self.column:
            return f"{self.path}:{self.line}:{self.column}: {self.message}"
        if self.line:
            return f"{self.path}:{self.line}: {self.message}"
        return f"{self.path}: {self.message}"
