"""Where the reader's own files live: the platform's user data folder.

Kept apart from the index cache (`cache.default_cache_dir`): the cache can be deleted at any
time and rebuilt, while this folder holds what only the reader made (imported packs,
bookmarks, notes, history), which nothing could rebuild.
"""

from __future__ import annotations

import os
from pathlib import Path

from desktop.core.cache import APP_NAME

DATA_DIR_ENV = "ALMANAC_DATA_DIR"


def data_dir() -> Path:
    """$ALMANAC_DATA_DIR, else the platform's user data folder (XDG_DATA_HOME on Linux).

    Read on every call rather than once at import, so a test or a launcher that sets the
    variable later is obeyed.
    """
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    import platformdirs  # here, as in cache.default_cache_dir: a start told where its folders are needs none of it

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
