"""Rendered HTML of section bodies, kept between builds (``.baocao-cache/html.json``).

A month's build changes one report; the other reports' section bodies render to the same HTML
as last time. Reading the Markdown of two thousand sections is the largest part of baocao's own
work in a site build, so the HTML is looked up by a digest of the Markdown and of the renderer
(the source of ``render/site.py`` and of ``baocao.document``, the dialect and the pandoc
version): a change to either renders everything again. Only entries used by the
current build are saved, so the file does not grow with old content. A missing, unreadable or
foreign file is an empty memo, never an error: the memo only saves time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from ..memo import JsonMemo

_FORMAT = "baocao-html-memo-1"


@lru_cache(maxsize=1)
def renderer_digest() -> str:
    from ..document.dialect import READER
    from ..pandoc import PANDOC_VERSION

    h = hashlib.sha256(_FORMAT.encode())
    h.update((Path(__file__).parent / "site.py").read_bytes())
    for module in sorted((Path(__file__).parent.parent / "document").glob("*.py")):
        h.update(module.read_bytes())
    h.update(f"{READER}\0{PANDOC_VERSION}".encode())
    return h.hexdigest()


class RenderMemo(JsonMemo):
    """HTML by Markdown digest; ``path`` None keeps it in memory only."""

    def __init__(self, path: Path | None = None) -> None:
        super().__init__(path, renderer_digest())
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

    def html(self, markdown: str, render: Callable[[str], str]) -> str:
        key = hashlib.sha256(markdown.encode("utf-8")).hexdigest()
        found = self.used.get(key)
        if not isinstance(found, str):
            found = self.old.get(key)
            if isinstance(found, str):
                self.hits += 1
            else:
                found = render(markdown)
                self.misses += 1
            self.put(key, found)
        return found
