"""Values kept between builds in one JSON file under ``.baocao-cache/`` (the base of every memo).

Each memo maps a digest of some input to what baocao computed from it: section HTML
(``render/memo.py``), a report page's search records (``search.RecordMemo``), a report's document
cache keys (``commands/documents.KeyMemo``). The file holds a *tag*, a digest of the code that
made the values; a memo with another tag, or a missing, unreadable or damaged file, is empty,
never an error: a memo only saves time. Only the entries the current run used are saved, so the
file does not grow with old content; the write is atomic, and a write error is ignored.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


class JsonMemo:
    """Entries of one JSON file, valid for one *tag*; *path* None keeps them in memory only.

    Subclasses read with :meth:`get` (an earlier run's value, or this run's) and record every
    entry they use with :meth:`put`."""

    def __init__(self, path: Path | None, tag: str) -> None:
        self.path = path
        self.tag = tag
        self.old: dict[str, Any] = {}
        self.used: dict[str, Any] = {}
        if path is None:
            return
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if isinstance(data, dict) and data.get("tag") == tag and isinstance(data.get("entries"), dict):
            self.old = data["entries"]

    def get(self, key: str) -> Any:
        """This run's value of *key*, else the earlier run's, else None."""
        found = self.used.get(key)
        return found if found is not None else self.old.get(key)

    def put(self, key: str, value: Any) -> None:
        self.used[key] = value

    def save(self, *, keep_unused: bool = False) -> None:
        """Write the entries used by this run (with *keep_unused*, the earlier run's others too,
        for a run that looked at part of the content only). Nothing is written when nothing
        changed."""
        entries = {**self.old, **self.used} if keep_unused else self.used
        if self.path is None or entries == self.old:
            return
        tmp: str | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.stem}-", suffix=".tmp",
                                       dir=self.path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"tag": self.tag, "entries": entries}, fh, ensure_ascii=False,
                          separators=(",", ":"))
            os.replace(tmp, self.path)
        except OSError:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)
