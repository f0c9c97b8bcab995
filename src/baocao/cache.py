"""A content-addressed cache of built documents (DOCX, PDF).

The key of a document is the SHA-256 of everything its bytes depend on: the pandoc input
(which already contains the report's text, its tasks' facts up to its cut-off and the agency's
identity), the output format, the timestamp written into it, every file under templates/ (filters,
templates, fonts) and the versions of baocao, pandoc and typst. Editing one section changes one
report's input, so only that report's documents are rebuilt.

Each entry is stored with the SHA-256 of its bytes; an entry whose bytes do not match (corrupt,
truncated, or written by something else) is removed and rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

CACHE_DIR = ".baocao-cache"
_SCHEMA = "baocao-doc-cache/1"


@lru_cache(maxsize=8)
def _tree_digest(folder: str, stamp: tuple[tuple[str, int, int], ...]) -> str:
    h = hashlib.sha256()
    for rel, _size, _mtime in stamp:
        h.update(rel.encode())
        h.update(b"\0")
        h.update(hashlib.sha256((Path(folder) / rel).read_bytes()).digest())
    return h.hexdigest()


def link_or_copy(src: Path, dest: Path) -> None:
    """*dest* as a hard link to *src* (no bytes written) where the file system allows it, a
    copy otherwise. Only for files that are never modified in place (cache entries, the HTML
    of a published site)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dest)
    except OSError:
        shutil.copy2(src, dest)


def templates_digest(templates: Path) -> str:
    """Digest of every file under *templates* (names and contents)."""
    files = sorted(p for p in templates.rglob("*") if p.is_file())
    stamp = tuple(
        (p.relative_to(templates).as_posix(), p.stat().st_size, p.stat().st_mtime_ns) for p in files
    )
    return _tree_digest(str(templates.resolve()), stamp)


@lru_cache(maxsize=1)
def tool_versions() -> str:
    """Versions of everything that turns the input into bytes."""
    from importlib.metadata import version

    from . import __version__
    from .write.pandoc import pandoc_version

    # The writer modules' own code shapes the bytes too (DOCX post-processing, typst call), and
    # the version number does not change with every edit: their source is part of the key.
    package = Path(__file__).parent
    writers = hashlib.sha256()
    for name in ("write/docx.py", "write/pdf.py", "write/reference_docx.py", "write/pandoc.py",
                 "write/blanks.py", "write/docx_layout.py", "write/documents.py"):
        writers.update(name.encode() + b"\0" + (package / name).read_bytes())
    return json.dumps({
        "baocao": __version__,
        "writers": writers.hexdigest()[:16],
        "pandoc": pandoc_version(),
        "typst": version("typst"),
        "python-docx": version("python-docx"),
    }, sort_keys=True)


def document_key(pandoc_input: str, fmt: str, epoch: int, templates: Path, *,
                 templates_hash: str | None = None) -> str:
    """Cache key of one document. ``templates_hash``: :func:`templates_digest` of *templates*
    when the caller has it already (it lists and stats every template file)."""
    h = hashlib.sha256()
    digest = templates_hash if templates_hash is not None else templates_digest(templates)
    for part in (_SCHEMA, fmt, str(epoch), digest, tool_versions()):
        h.update(part.encode())
        h.update(b"\0")
    h.update(pandoc_input.encode("utf-8"))
    return h.hexdigest()


@dataclass(frozen=True)
class DocumentCache:
    """Entries live in ``<root>/<key[:2]>/<key>.<fmt>`` with a ``.sha256`` beside each."""

    root: Path

    def _paths(self, key: str, fmt: str) -> tuple[Path, Path]:
        base = self.root / key[:2] / f"{key}.{fmt}"
        return base, base.with_name(base.name + ".sha256")

    def get(self, key: str, fmt: str) -> bytes | None:
        """The cached bytes, or None on a miss or a corrupt/foreign entry (which is removed)."""
        data_path, sum_path = self._paths(key, fmt)
        try:
            data = data_path.read_bytes()
            expected = sum_path.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            return None
        if hashlib.sha256(data).hexdigest() != expected:
            data_path.unlink(missing_ok=True)
            sum_path.unlink(missing_ok=True)
            return None
        return data

    def prune(self, keep: set[str], *, min_age: float = 7 * 24 * 3600) -> int:
        """Remove the entries whose key is not in *keep* and that were written more than
        *min_age* seconds ago (a build of other content, e.g. a preview running at the same
        time, may still want a recent one). Every build uses every report's documents, so what
        it did not use is left over from earlier content or code: without this the cache would
        grow with every edit, for years. Returns the number of files removed."""
        now = time.time()
        removed = 0
        for folder in self.root.glob("[0-9a-f][0-9a-f]"):
            if not folder.is_dir():
                continue
            for path in folder.iterdir():
                if path.name.split(".", 1)[0] in keep:
                    continue
                try:
                    if now - path.stat().st_mtime < min_age:
                        continue
                    path.unlink()
                    removed += 1
                except OSError:
                    continue
        return removed

    def size(self, key: str, fmt: str) -> int | None:
        """Size of a stored entry (not verified: :meth:`get` and :meth:`place` verify), or None."""
        data_path, sum_path = self._paths(key, fmt)
        try:
            if not sum_path.is_file():
                return None
            return data_path.stat().st_size
        except OSError:
            return None

    def place(self, key: str, fmt: str, dest: Path) -> int | None:
        """Put a verified copy of the entry at *dest* and return its size; None on a miss or a
        corrupt entry (removed). *dest* becomes a hard link to the entry when the file system
        allows it (no bytes written; entries are replaced, never modified in place), a copy
        otherwise."""
        data = self.get(key, fmt)
        if data is None:
            return None
        dest.unlink(missing_ok=True)
        try:
            os.link(self._paths(key, fmt)[0], dest)
        except OSError:
            dest.write_bytes(data)
        return len(data)

    def put(self, key: str, fmt: str, data: bytes) -> None:
        """Store *data* atomically (a crash never leaves a half-written entry that verifies)."""
        data_path, sum_path = self._paths(key, fmt)
        data_path.parent.mkdir(parents=True, exist_ok=True)
        for path, blob in ((data_path, data),
                           (sum_path, hashlib.sha256(data).hexdigest().encode("ascii"))):
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(blob)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
