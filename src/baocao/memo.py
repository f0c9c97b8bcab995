"""Values kept between builds in one JSON file under ``.baocao-cache/`` (the base of every memo).

Each memo maps a digest of some input to what baocao computed from it: section HTML
(``render/memo.py``), a report page's search records (``search.RecordMemo``), a report's document
cache keys (``commands/documents.KeyMemo``). All of them follow the key discipline of
``baocao.cache``: the file's *tag* is :func:`baocao.cache.cache_tag` of the memo's kind and of
whatever else its values depend on (so the whole package and the tool versions always), and the
keys are digests of the inputs a value was computed from; a memo with another tag, or a
missing, unreadable or damaged file, is empty, never an error: a memo only saves time. Readers
check the shape of a value before they use it.

Eviction is the one policy of ``baocao.cache`` (:data:`~baocao.cache.UNUSED_LIFETIME`): an entry
the current run did not use is dropped once it was stored that long ago. The write is atomic
and checked, the file carries the SHA-256 of its contents (verified before reuse), and a write
error is ignored: nothing is stored rather than something broken.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from .cache import UNUSED_LIFETIME, cache_tag


class JsonMemo:
    """Entries of one JSON file, valid for one tag (:func:`~baocao.cache.cache_tag` of *kind*
    and *parts*); *path* None keeps them in memory only.

    Subclasses read with :meth:`get` (an earlier run's value, or this run's) and record every
    entry they use with :meth:`put`."""

    def __init__(self, path: Path | None, kind: str, *parts: str) -> None:
        self.path = path
        self.tag = cache_tag(kind, *parts)
        self.old: dict[str, Any] = {}
        self.used: dict[str, Any] = {}
        self.stored: dict[str, float] = {}  # when each old entry was stored
        if path is None:
            return
        try:
            raw = path.read_bytes()
        except OSError:
            return
        # Verified before reuse: the first line is the SHA-256 of the rest (a file cut short by
        # a full disk, or changed by anything but save(), is an empty memo).
        digest, _, body = raw.partition(b"\n")
        if hashlib.sha256(body).hexdigest().encode("ascii") != digest:
            return
        try:
            data = json.loads(body.decode("utf-8"))
        except ValueError:
            return
        if isinstance(data, dict) and data.get("tag") == self.tag and isinstance(data.get("entries"), dict):
            self.old = data["entries"]
            stored = data.get("stored")
            if isinstance(stored, dict):
                self.stored = {k: v for k, v in stored.items() if isinstance(v, (int, float))}

    def get(self, key: str) -> Any:
        """This run's value of *key*, else the earlier run's, else None."""
        found = self.used.get(key)
        return found if found is not None else self.old.get(key)

    def put(self, key: str, value: Any) -> None:
        self.used[key] = value

    def save(self, *, keep_unused: bool = False) -> None:
        """Write the entries used by this run and the others stored less than
        UNUSED_LIFETIME ago (with *keep_unused*, for a run that looked at part of the content
        only, all the others). Nothing is written when nothing changed."""
        now = time.time()
        kept = {k: v for k, v in self.old.items() if k not in self.used and (
            keep_unused or now - self.stored.get(k, 0) < UNUSED_LIFETIME)}
        entries = {**kept, **self.used}
        if self.path is None or entries == self.old:
            return
        stored = {k: self.stored.get(k, now) if self.old.get(k) == v else now
                  for k, v in entries.items()}
        from .errors import DiskError
        from .write.files import write_file

        body = json.dumps({"tag": self.tag, "entries": entries, "stored": stored},
                          ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        tmp: str | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.stem}-", suffix=".tmp",
                                       dir=self.path.parent)
            os.close(fd)
            # in full (size checked), with its checksum, or not at all
            write_file(Path(tmp), hashlib.sha256(body).hexdigest().encode("ascii") + b"\n" + body)
            os.replace(tmp, self.path)
        except (OSError, DiskError):
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)
