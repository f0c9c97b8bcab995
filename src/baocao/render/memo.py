"""Rendered HTML of section bodies, kept between builds (``.baocao-cache/html.json``).

A month's build changes one report; the other reports' section bodies render to the same HTML
as last time. Rendering the Markdown of two thousand sections with markdown-it was the largest
part of baocao's own work in a site build, so the HTML is looked up by a digest of the Markdown
and of the renderer (the source of ``render/site.py``, where the parser is configured, and the
markdown-it version): a change to either renders everything again. Only entries used by the
current build are saved, so the file does not grow with old content. A missing, unreadable or
foreign file is an empty memo, never an error: the memo only saves time.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

_FORMAT = "baocao-html-memo-1"


@lru_cache(maxsize=1)
def renderer_digest() -> str:
    from importlib.metadata import version

    h = hashlib.sha256(_FORMAT.encode())
    h.update((Path(__file__).parent / "site.py").read_bytes())
    h.update(version("markdown-it-py").encode())
    return h.hexdigest()


class RenderMemo:
    """HTML by Markdown digest; ``path`` None keeps it in memory only."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._old: dict[str, str] = {}
        self._used: dict[str, str] = {}
        self.hits = self.misses = 0
        if path is not None:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = None
            if isinstance(data, dict) and data.get("renderer") == renderer_digest():
                entries = data.get("entries")
                if isinstance(entries, dict):
                    self._old = {k: v for k, v in entries.items() if isinstance(v, str)}

    def html(self, markdown: str, render: Callable[[str], str]) -> str:
        key = hashlib.sha256(markdown.encode("utf-8")).hexdigest()
        found = self._used.get(key)
        if found is None:
            found = self._old.get(key)
            if found is None:
                found = render(markdown)
                self.misses += 1
            else:
                self.hits += 1
            self._used[key] = found
        return found

    def save(self) -> None:
        """Write the entries used by this run (atomically); a write error is ignored."""
        if self.path is None or (self.misses == 0 and len(self._used) == len(self._old)):
            return
        data = {"renderer": renderer_digest(), "entries": self._used}
        tmp: str | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".html-", suffix=".tmp", dir=self.path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, self.path)
        except OSError:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)
