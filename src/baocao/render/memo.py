"""Rendered HTML of section bodies, kept between builds (``.baocao-cache/html.json``).

A month's build changes one report; the other reports' section bodies render to the same HTML
as last time. Reading the Markdown of two thousand sections (pandoc's reader, the one parse) is
the largest part of baocao's own work in a site build, so the HTML is looked up by a digest of
the Markdown. The memo's tag (``baocao.cache.cache_tag``) covers the whole package, the tool
versions (pandoc's among them) and the dialect: a change to any renders everything again. A
missing, unreadable or foreign file is an empty memo, never an error: the memo only saves time.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..memo import JsonMemo

_FORMAT = "baocao-html-memo-2"


@lru_cache(maxsize=1)
def _renderer_versions() -> str:
    from ..document.dialect import READER

    return f"dialect {READER}"


class RenderMemo(JsonMemo):
    """HTML by Markdown digest; ``path`` None keeps it in memory only."""

    def __init__(self, path: Path | None = None) -> None:
        super().__init__(path, _FORMAT, _renderer_versions())
        self.hits = self.misses = 0

    def lookup(self, key: str) -> str | None:
        """The HTML stored under *key* (a digest of the Markdown), or None."""
        found = self.used.get(key)
        if not isinstance(found, str):
            found = self.old.get(key)
            if not isinstance(found, str):
                return None
            self.hits += 1
            self.put(key, found)
        return found

    def store(self, key: str, html: str) -> None:
        self.misses += 1
        self.put(key, html)
