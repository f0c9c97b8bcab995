"""The key discipline of every cache under ``.baocao-cache/``, and the built-document cache.

DESIGN decision 12: a cache never decides an output. Every key and every memo tag is made by
:func:`cache_tag`, which covers, besides the inputs its user names:

* the whole installed baocao package (:func:`package_digest`: every module and data file, by
  path and bytes, not a list of names, so code moved from one module to another is new code);
* the versions of the tools that turn inputs into bytes (:func:`tool_versions`).

Users add what is theirs: the document cache the pandoc input, the format, the timestamp and
the templates and fonts (:func:`document_key`); the memos (``baocao.memo``) the digest of what
they were computed from. An entry is verified before it is stored and before it is reused (a
SHA-256 beside each document; the memos re-check the shape of what they read). One eviction
policy for all of them: an entry that the latest build did not use is removed once it was
stored more than :data:`UNUSED_LIFETIME` ago (a preview of other content, running at the same
time, may still want a recent one). Deleting ``.baocao-cache/`` changes no byte of any output.

Documents: the key of a document is the SHA-256 of everything its bytes depend on: the pandoc
input (which already contains the report's text, its tasks' facts up to its cut-off and the
agency's identity), the output format, the timestamp written into it, every file under
templates/ (filters, templates, fonts), the package and the tool versions. Editing one section
changes one report's input, so only that report's documents are rebuilt. Each entry is stored
with the SHA-256 of its bytes; an entry whose bytes do not match (corrupt, truncated, or written
by something else) is removed and rebuilt.
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
#: What a stored document starts with: anything else is not stored, and not reused.
_MAGIC = {"docx": b"PK\x03\x04", "pdf": b"%PDF-"}
_SCHEMA = "baocao-doc-cache/2"
#: The one eviction policy: an entry the latest build did not use is removed once it was stored
#: this many seconds ago.
UNUSED_LIFETIME = 7 * 24 * 3600
#: Files of a package tree that are not part of it (Python writes them on import).
_NOT_PACKAGE = ("__pycache__",)
_NOT_PACKAGE_SUFFIXES = (".pyc", ".pyo")


def tree_digest(folder: Path) -> str:
    """SHA-256 over every file under *folder*: its relative path and its bytes, in path order
    (bytecode caches left out). Moving code between files, renaming or adding a file, or
    changing a data file all change it."""
    folder = Path(folder)
    files = sorted(
        (p.relative_to(folder).as_posix(), p) for p in folder.rglob("*")
        if p.is_file() and not p.name.endswith(_NOT_PACKAGE_SUFFIXES)
        and not any(part in _NOT_PACKAGE for part in p.relative_to(folder).parts)
    )
    h = hashlib.sha256(b"baocao-tree-1\0")
    for rel, path in files:
        data = path.read_bytes()
        h.update(b"%s\0%d\0" % (rel.encode(), len(data)))
        h.update(data)
    return h.hexdigest()


@lru_cache(maxsize=1)
def package_digest() -> str:
    """:func:`tree_digest` of the installed baocao package (every module, template and data
    file), computed once per process: the code of a running process does not change."""
    return tree_digest(Path(__file__).resolve().parent)


@lru_cache(maxsize=8)
def _stamped_digest(folder: str, stamp: tuple[tuple[str, int, int], ...]) -> str:
    return tree_digest(Path(folder))


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
    """:func:`tree_digest` of *templates* (names and contents); read again only when a file's
    name, size or modification time changed (a long-running ``serve`` asks often)."""
    files = sorted(p for p in templates.rglob("*") if p.is_file())
    stamp = tuple(
        (p.relative_to(templates).as_posix(), p.stat().st_size, p.stat().st_mtime_ns) for p in files
    )
    return _stamped_digest(str(templates.resolve()), stamp)


@lru_cache(maxsize=1)
def tool_versions() -> str:
    """Versions of the programs and libraries that turn inputs into bytes (baocao's own code is
    :func:`package_digest`)."""
    from importlib.metadata import version

    from . import __version__
    from .write.pandoc import pandoc_version

    return json.dumps({
        "baocao": __version__,
        "pandoc": pandoc_version(),
        "typst": version("typst"),
        "python-docx": version("python-docx"),
    }, sort_keys=True)


def cache_tag(kind: str, *parts: str) -> str:
    """The digest every cache key and memo tag starts from: *kind* (what is stored, with the
    version of its format), the package digest, the tool versions, then the user's *parts*."""
    h = hashlib.sha256()
    for part in (kind, package_digest(), tool_versions(), *parts):
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def document_key(pandoc_input: str, fmt: str, epoch: int, templates: Path, *,
                 templates_hash: str | None = None) -> str:
    """Cache key of one document. ``templates_hash``: :func:`templates_digest` of *templates*
    when the caller has it already (it lists and stats every template file)."""
    digest = templates_hash if templates_hash is not None else templates_digest(templates)
    h = hashlib.sha256(cache_tag(_SCHEMA, fmt, str(epoch), digest).encode())
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
        if (hashlib.sha256(data).hexdigest() != expected
                or not data.startswith(_MAGIC.get(fmt, b""))):
            data_path.unlink(missing_ok=True)
            sum_path.unlink(missing_ok=True)
            return None
        return data

    def prune(self, keep: set[str], *, min_age: float = UNUSED_LIFETIME) -> int:
        """Remove the entries whose key is not in *keep* and that were written more than
        *min_age* seconds ago (the one eviction policy, :data:`UNUSED_LIFETIME`). Every build
        uses every report's documents, so what it did not use is left over from earlier content
        or code: without this the cache would grow with every edit, for years. Returns the
        number of files removed."""
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
            from .write.files import write_file

            write_file(dest, data)
        return len(data)

    def put(self, key: str, fmt: str, data: bytes) -> bool:
        """Store *data* atomically (a crash never leaves a half-written entry that verifies).
        Bytes that are not a document of *fmt* are not stored: False."""
        if not data.startswith(_MAGIC.get(fmt, b"")):
            return False
        from .write.files import write_file

        data_path, sum_path = self._paths(key, fmt)
        data_path.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256(data).hexdigest()
        for path, blob in ((data_path, data), (sum_path, digest.encode("ascii"))):
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            os.close(fd)
            try:
                write_file(Path(tmp), blob)  # in full, or a DiskError naming the file
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        # Verified as stored: what a later build reuses is what was meant to be stored.
        return self.get(key, fmt) is not None
