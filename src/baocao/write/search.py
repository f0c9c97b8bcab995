"""The Pagefind search index of a built site (DESIGN decision 2), from the records that
:mod:`baocao.write.search_records` reads back from the built pages.

Why records and not pages: a reader looks for a section ("giám định tư pháp" in III.2 of
9/2023), and the filters Phần, Mục and Đơn vị only mean something per section. Pagefind indexes
HTML documents, so each record is written as a tiny HTML document into a scratch folder and the
Pagefind binary (``pagefind_bin``, from PyPI) indexes that folder.

Shards and cache: the records are indexed in shards of SHARD_REPORTS reports (Pagefind's memory
grows with the text of one run), the newest at ``<site>/pagefind/``, the older ones in
``<site>/pagefind/shards/<k>/``, merged by the browser script; each shard's bundle is cached by the
exact bytes of its records (:class:`SearchCache`), so a build re-indexes only changed shards. Once
the archive has HOT_SHARD_MIN issued reports, the register with the guide, and the drafts, form
shards of their own (:func:`shard_layout`): editing the month being written re-indexes a few
dozen records.

``python -m baocao.write.search SITE [--repo DIR]`` indexes a site that another engine built
from the tree of ``baocao build --tree`` (e.g. ``zensical build``).
"""

from __future__ import annotations

import errno
import gzip
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..cache import cache_tag, link_or_copy
from ..errors import DiskError, describe_os_error
from ..model import Repository
from ..render.site import report_page
from .files import write_file
from .search_order import sort_bundle
from .search_records import (
    FILTERS,
    LANGUAGE,
    RecordMemo,
    SearchIndexError,
    SearchRecord,
    other_records,
    record_html,
    record_path,
    report_order,
    report_page_records,
)

#: Where the bundle goes inside the site (the browser script loads <site root>/pagefind/pagefind.js).
SEARCH_DIR = "pagefind"
#: The filters' values for the search panel, written into the bundle folder.
FILTER_VALUES = "baocao-filters.json"

#: Size of one chunk of Pagefind's word index, in postings (Pagefind's default is larger).
#: Vietnamese syllables are few and frequent, so the default chunks hold a few hundred KB of
#: postings and a query of four syllables loaded four of them (266 KB on the 120-report bench);
#: smaller chunks load only the words asked for. Pagefind 1.5 reads it from the environment
#: (PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE: marked unstable, hence the exact pin of pagefind).
INDEX_CHUNK_SIZE = 3000


def pagefind_arguments(records_dir: Path, bundle: Path) -> list[str]:
    """The indexer's arguments (part of a shard's cache key, :func:`index_settings`)."""
    return ["--site", str(records_dir), "--output-path", str(bundle), "--force-language",
            LANGUAGE, "--silent"]


def pagefind_command(records_dir: Path, bundle: Path) -> list[str]:
    """The Pagefind indexer: the binary of the pagefind_bin wheel, run directly (`python -m
    pagefind` finds the same binary, after starting an interpreter)."""
    try:
        from pagefind_bin import get_executable

        command = [str(get_executable())]
    except (ImportError, FileNotFoundError):
        command = [sys.executable, "-m", "pagefind"]
    return command + pagefind_arguments(records_dir, bundle)


#: Parts of the Pagefind bundle that baocao does not use (its ready-made UIs, the playground).
_UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js",
           "pagefind-modular-ui.css", "pagefind-component-ui.js", "pagefind-component-ui.css",
           "pagefind-highlight.js", "playground")

#: Reports per shard of the index: shard k holds the records of reports [k·N, k·N + N) in
#: chronological order, so a new month changes only the newest shard. Pagefind's memory is
#: proportional to the text it indexes, and shards are indexed one after another.
SHARD_REPORTS = 120
#: Issued reports from which the drafts, the register and the guide get a shard of their own
#: (see :func:`shard_records`). Below it re-indexing everything is quick anyway.
HOT_SHARD_MIN = 24
#: Where the older shards' bundles go inside the primary bundle (``pagefind/shards/<k>/``).
SHARDS_DIR = "shards"
#: Key of the filter lists file that names the older shards (paths relative to the bundle,
#: newest first); absent when the index is one shard.
SHARDS_KEY = "shards"
#: Inside an entry of the search cache: the size, SHA-256, inode and modification time of each
#: file, written last.
CACHE_MANIFEST = ".baocao-entry.json"
#: /2: entries are verified (:func:`verify_bundle`) before they are stored; /1 entries were
#: not, and may hold the 0-byte files of a Pagefind run on a full disk.
_CACHE_SCHEMA = "baocao-search-cache/2"
#: Below this free space on its file system, a bundle that does not verify is put down to a
#: full disk (Pagefind exits 0 when it could not write its files).
_FULL_DISK_BYTES = 1 << 20


@dataclass(frozen=True)
class SearchStats:
    """What was indexed. Attributes: records; bundle (the pagefind folder); size (bytes);
    shards (bundles); indexed (shards Pagefind indexed; the others came from the cache)."""

    records: int
    bundle: Path
    size: int
    shards: int = 1
    indexed: int = 1


#: In a shard layout, stands for the records of the register and the guide.
OTHERS = -1


def shard_layout(drafts: Sequence[bool]) -> list[list[int]]:
    """What each shard holds, oldest shard first: indexes into the reports (oldest first), and
    OTHERS for the records of the register and the guide.

    From HOT_SHARD_MIN issued reports on, the issued ones go into shards of SHARD_REPORTS
    (chronological, so an issued month never moves), then come a shard of the register and
    the guide (they change with directives.yaml and the register's date) and, newest, a shard
    of the drafts (they change with every edit of the month being written). Editing a draft
    re-indexes its small shard only; issuing a report re-indexes the shard it joins, once.
    Below HOT_SHARD_MIN (or without drafts) every report counts alike and the register and
    the guide go into the newest shard: up to SHARD_REPORTS reports the index is one bundle."""
    count = len(drafts)
    issued = [i for i in range(count) if not drafts[i]]
    if any(drafts) and len(issued) >= HOT_SHARD_MIN:
        blocks = [issued[i:i + SHARD_REPORTS] for i in range(0, len(issued), SHARD_REPORTS)]
        return [*blocks, [OTHERS], [i for i in range(count) if drafts[i]]]
    layout = [list(range(i, min(i + SHARD_REPORTS, count)))
              for i in range(0, count, SHARD_REPORTS)] or [[]]
    layout[-1].append(OTHERS)
    return layout


def shard_records(reports: Sequence[Sequence[SearchRecord]], others: Sequence[SearchRecord],
                  drafts: Sequence[bool] | None = None) -> list[list[SearchRecord]]:
    """The records of each shard, oldest first (:func:`shard_layout`; without *drafts*, every
    report counts as issued). *reports* are the records of each report, oldest first."""
    flags = list(drafts) if drafts is not None else [False] * len(reports)
    if len(flags) != len(reports):
        raise ValueError("one draft flag per report")
    return [[r for i in members for r in (others if i == OTHERS else reports[i])]
            for members in shard_layout(flags)]


def shard_folder(number: int, count: int) -> str:
    """Where shard *number* of *count* goes inside the bundle ("" for the newest)."""
    return "" if number == count - 1 else f"{SHARDS_DIR}/{number}/"


def index_settings() -> str:
    """Everything besides the records that shapes Pagefind's output (part of a shard's key),
    with the key discipline of ``baocao.cache`` (the whole package, the tool versions)."""
    from importlib.metadata import version

    flags = pagefind_arguments(Path("RECORDS"), Path("BUNDLE"))
    return json.dumps({"schema": _CACHE_SCHEMA, "tag": cache_tag(_CACHE_SCHEMA),
                       "pagefind": version("pagefind"),
                       "chunk_size": INDEX_CHUNK_SIZE, "language": LANGUAGE, "flags": flags,
                       "unused": list(_UNUSED)}, sort_keys=True)


def shard_key(documents: Sequence[tuple[str, bytes]], settings: str | None = None) -> str:
    """Cache key of a shard: SHA-256 over the index settings and each record document (its path,
    which is its link, and its exact bytes) in order."""
    h = hashlib.sha256((settings if settings is not None else index_settings()).encode())
    for path, data in documents:
        h.update(b"\0%s\0%d\0" % (path.encode(), len(data)))
        h.update(data)
    return h.hexdigest()


def _files(folder: Path) -> dict[str, Path]:
    return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*")) if p.is_file()}


def _listing(folder: Path) -> dict[str, os.stat_result]:
    """Every entry under *folder* that is not a folder, by relative path, with its ``lstat``
    (one scandir per folder: a bundle has a file per record)."""
    out: dict[str, os.stat_result] = {}
    todo = [("", str(folder))]
    while todo:
        prefix, path = todo.pop()
        with os.scandir(path) as it:
            for entry in it:
                if entry.is_dir(follow_symlinks=False):
                    todo.append((f"{prefix}{entry.name}/", entry.path))
                else:
                    out[prefix + entry.name] = entry.stat(follow_symlinks=False)
    return dict(sorted(out.items()))


def _identity(st: os.stat_result) -> list[int]:
    """What changes when a file is written or replaced: its inode and modification time."""
    return [st.st_ino, st.st_mtime_ns]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _manifest_text(manifest: dict[str, object]) -> str:
    return json.dumps(manifest, indent=0, sort_keys=True)


def _replace_manifest(entry: Path, manifest: dict[str, object]) -> None:
    """Write the manifest of a stored entry again, whole or not at all (its files stay)."""
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=entry)
    os.close(fd)
    try:
        write_file(Path(tmp), _manifest_text(manifest))
        os.replace(tmp, entry / CACHE_MANIFEST)
    except (OSError, DiskError):  # the entry stays as it was: read back again next time
        Path(tmp).unlink(missing_ok=True)


@dataclass(frozen=True)
class SearchCache:
    """Shards' Pagefind bundles, one folder per key: ``<root>/<key>/`` with a manifest of its
    files (CACHE_MANIFEST) written last. An entry is never modified once stored (the site may
    hard-link its files); one that does not verify is removed and indexed again."""

    root: Path

    def verified(self, key: str) -> tuple[Path, dict[str, os.stat_result]] | None:
        """The entry of *key* and its files (by relative path, manifest left out) when it is
        complete and intact, else None (a bad one is removed).

        Each file must be a regular file of the size the manifest lists and either be the very
        file that was verified and stored (the inode and modification time the manifest
        recorded: a file written or replaced since has others) or have the SHA-256 the manifest
        lists. So an entry is read back only when its files are not the ones stored (copied,
        restored, written to)."""
        entry = self.root / key
        if not entry.is_dir():
            return None
        try:
            manifest = json.loads((entry / CACHE_MANIFEST).read_text(encoding="utf-8"))
            files = _listing(entry)
            files.pop(CACHE_MANIFEST, None)
            listed = manifest["files"]
            stored = manifest.get("identity") or {}
            ok = (manifest.get("key") == key and manifest.get("schema") == _CACHE_SCHEMA
                  and set(listed) == set(files)
                  and all(stat.S_ISREG(files[name].st_mode) and size > 0
                          and files[name].st_size == size for name, (size, _) in listed.items()))
            read_back = [name for name in listed if stored.get(name) != _identity(files[name])]
            ok = ok and all(_sha256(entry / name) == listed[name][1] for name in read_back)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            ok = False
        if not ok:
            shutil.rmtree(entry, ignore_errors=True)
            return None
        if read_back:  # verified by their bytes: remember these files as the verified ones
            manifest["identity"] = {name: _identity(st) for name, st in files.items()}
            _replace_manifest(entry, manifest)
        return entry, files

    def new_entry(self) -> Path:
        """An empty folder beside the entries, to be filled and then :meth:`store`d."""
        self.root.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=".tmp-", dir=self.root))

    def store(self, key: str, folder: Path) -> Path:
        """Make *folder* (from :meth:`new_entry`) the entry of *key*: the manifest is written
        last and the folder renamed into place, so a crash never leaves an entry that verifies."""
        listing = _listing(folder)
        files = {name: [st.st_size, _sha256(folder / name)] for name, st in listing.items()}
        if any(size == 0 for size, _ in files.values()):  # (verify_bundle came first)
            raise SearchIndexError(f"không lưu được chỉ mục tìm kiếm rỗng vào {self.root}")
        write_file(folder / CACHE_MANIFEST, _manifest_text({
            "schema": _CACHE_SCHEMA, "key": key, "files": files,
            "identity": {name: _identity(st) for name, st in listing.items()}}))
        entry = self.root / key
        if entry.exists():
            shutil.rmtree(entry)
        try:
            os.rename(folder, entry)
        except OSError:
            # Another build stored the same key in the meantime: use (and verify) that one.
            shutil.rmtree(folder, ignore_errors=True)
        return entry

    def prune(self, keep: Iterable[str]) -> None:
        """Remove every entry but *keep* (and scratch folders of builds that no longer run)."""
        if not self.root.is_dir():
            return
        keep = set(keep)
        now = time.time()
        for path in self.root.iterdir():
            if path.name in keep:
                continue
            if path.name.startswith(".tmp-"):
                try:
                    stale = now - path.stat().st_mtime > 24 * 3600
                except OSError:
                    continue
                if not stale:
                    continue  # perhaps a build running now
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


def _place(entry: Path, files: Collection[str], target: Path) -> None:
    """The *files* of a cache entry into *target*, as hard links where the file system allows
    (entries are never modified), copies otherwise."""
    made: set[str] = set()
    for name in files:
        folder = name.rpartition("/")[0]
        if folder not in made:
            (target / folder).mkdir(parents=True, exist_ok=True)
            made.add(folder)
        try:
            os.link(entry / name, target / name)
        except OSError:
            link_or_copy(entry / name, target / name)


@lru_cache(maxsize=1)
def reference_assets() -> dict[str, str] | None:
    """SHA-256 of the files Pagefind writes the same for every index (its script, worker and
    WebAssembly), as its service returns them in memory, with no disk involved; None when the
    service cannot be asked (the bundle is then checked without them). Once per process."""
    import asyncio

    async def ask() -> dict[str, str]:
        from pagefind.index import IndexConfig
        from pagefind.service import PagefindService

        # The service, not PagefindIndex's context manager: that one writes the index into
        # the current folder on the way out.
        async with PagefindService() as service:
            index = await service.create_index(IndexConfig(force_language=LANGUAGE))
            await index.add_html_file(content=f'<html lang="{LANGUAGE}"><body><p>x</p></body></html>',
                                      url="/x/")
            files = await index.get_files()
        return {str(f["path"]): hashlib.sha256(f["content"]).hexdigest() for f in files
                if str(f["path"]) in _ASSETS or str(f["path"]).startswith("wasm.")}

    try:
        return asyncio.run(asyncio.wait_for(ask(), timeout=120))
    except Exception:  # noqa: BLE001 - any failure of the service: checked without it
        return None


#: Files of every bundle that do not depend on the records (see :func:`reference_assets`).
_ASSETS = ("pagefind.js", "pagefind-worker.js")


def _broken(bundle: Path, pages: int) -> str | None:
    """The first file of the Pagefind *bundle* that is missing, empty or damaged (a run on a
    full disk writes 0-byte or cut-off files and exits 0), or None when the bundle is whole:
    the entry file lists *pages* pages and its metadata file, each compressed index file reads
    to its end, and the script, worker and WebAssembly are Pagefind's own bytes."""
    entry_path = bundle / "pagefind-entry.json"
    for name in (*_ASSETS, entry_path.name):
        if not (bundle / name).is_file() or (bundle / name).stat().st_size == 0:
            return name
    try:
        entry = json.loads(entry_path.read_text(encoding="utf-8"))
        language = entry["languages"][LANGUAGE]
        if language["page_count"] != pages:
            return entry_path.name
        meta = f"pagefind.{language['hash']}.pf_meta"
    except (OSError, ValueError, KeyError, TypeError):
        return entry_path.name
    files = _files(bundle)
    if meta not in files:
        return meta
    if pages and sum(1 for name in files if name.startswith("fragment/")) != pages:
        return "fragment/"
    if not any(name.startswith("wasm.") for name in files):
        return "wasm.unknown.pagefind"
    reference = reference_assets()
    for name, path in files.items():
        if name == CACHE_MANIFEST:
            continue
        try:
            if path.stat().st_size == 0:
                return name
            if name.endswith(".pagefind") or ".pf_" in name:
                gzip.decompress(path.read_bytes())  # raises when cut off
            if reference is not None and name in reference and _sha256(path) != reference[name]:
                return name
        except (OSError, EOFError, gzip.BadGzipFile, ValueError):
            return name
        except Exception:  # noqa: BLE001 - zlib.error and the like: damaged
            return name
    return None


def verify_bundle(bundle: Path, pages: int) -> None:
    """Raise when the Pagefind *bundle* is not whole (:func:`_broken`): a DiskError when its
    file system is (nearly) full, which is what leaves Pagefind's files empty, else a
    SearchIndexError. Nothing unverified is stored in the cache or published."""
    name = _broken(bundle, pages)
    if name is None:
        return
    target = bundle / name
    try:
        st = os.statvfs(bundle)
        full = st.f_bavail * st.f_frsize < _FULL_DISK_BYTES
    except OSError:
        full = False
    if full:
        raise DiskError(describe_os_error(OSError(errno.ENOSPC, "", str(target))))
    raise SearchIndexError(f"Pagefind không ghi đủ chỉ mục tìm kiếm: tệp {target} thiếu, rỗng "
                           "hoặc hỏng (ổ đĩa đầy hay hết hạn mức?). Hãy khắc phục rồi chạy lại lệnh.")


def run_pagefind(records_dir: Path, bundle: Path) -> None:
    """Index the record documents in *records_dir* into *bundle* (one Pagefind run)."""
    try:
        env = dict(os.environ, PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE=str(INDEX_CHUNK_SIZE))
        proc = subprocess.run(pagefind_command(records_dir, bundle), capture_output=True, text=True,
                              encoding="utf-8", errors="replace", check=False, timeout=1800,
                              env=env)
    except (OSError, subprocess.SubprocessError) as exc:
        raise SearchIndexError(f"không chạy được Pagefind: {exc}") from None
    if proc.returncode != 0 or not (bundle / "pagefind.js").is_file():
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
        raise SearchIndexError(f"Pagefind không tạo được chỉ mục tìm kiếm:\n{tail}")


def _index_shard(documents: Sequence[tuple[str, bytes]], scratch: Path, bundle: Path) -> None:
    """Write the record documents into *scratch* and have Pagefind index them into *bundle*,
    then check what it wrote (:func:`verify_bundle`: Pagefind exits 0 on a full disk)."""
    try:
        for path, data in documents:
            target = scratch / path
            target.parent.mkdir(parents=True, exist_ok=True)
            write_file(target, data)
        run_pagefind(scratch, bundle)
        # before the records are removed: the free space then is what Pagefind had left
        verify_bundle(bundle, len(documents))
        if sort_bundle(bundle, LANGUAGE):  # the same bytes for the same records
            verify_bundle(bundle, len(documents))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    for name in _UNUSED:
        unused = bundle / name
        if unused.is_dir():
            shutil.rmtree(unused)
        elif unused.is_file():
            unused.unlink()


def write_search_index(repo: Repository, site: Path, work: Path | None = None, *,
                       cache: Path | None = None, ready: Collection[str] | None = None,
                       wait: Callable[[], None] | None = None) -> SearchStats:
    """Index the built *site* into ``site/pagefind/`` (replacing an older bundle).

    The records are split into shards (SHARD_REPORTS reports each; the register with the
    guide, and the drafts, apart once there are HOT_SHARD_MIN issued reports: see
    :func:`shard_layout`);
    the newest shard is the bundle ``site/pagefind/``, each older one a complete bundle in
    ``site/pagefind/shards/<k>/`` that the browser script merges (the filter lists file names
    them). With *cache* (a folder, e.g. ``.baocao-cache/search``), a shard whose records and
    settings are unchanged comes from the cache without running Pagefind, a new one is stored
    there, and entries this build did not use are removed. Shards are indexed one after another
    (Pagefind's memory grows with the text of one shard).

    With *wait*, the site engine is still writing pages: the older shards whose report pages
    are all in *ready* (site-relative paths of pages already final) are done first, then
    *wait* is called before any other page is read.

    *work* is a scratch folder for the record documents (a temporary folder by default).
    Raises SearchIndexError when a page does not match the model or Pagefind fails.
    """
    # beside the shard store, not in it (the store removes everything it does not know)
    memo = RecordMemo(cache.parent / f"{cache.name}-records.json") if cache is not None else None
    ordered = sorted(repo.reports, key=report_order)
    layout = shard_layout([r.is_draft for r in ordered])
    count = len(layout)
    page_of = [report_page(r).replace("index.md", "index.html") for r in ordered]
    read: dict[int, list[SearchRecord]] = {}

    def records_of(number: int) -> list[SearchRecord]:
        out = []
        for i in layout[number]:
            if i not in read:
                read[i] = (other_records(repo, site) if i == OTHERS
                           else report_page_records(ordered[i], site / page_of[i], memo))
            out += read[i]
        return out

    bundle = site / SEARCH_DIR
    if bundle.exists():
        shutil.rmtree(bundle)
    store = SearchCache(cache) if cache is not None else None
    settings = index_settings()
    used: list[str] = []
    indexed = 0
    shards: dict[int, list[SearchRecord]] = {}
    scratch = Path(tempfile.mkdtemp(prefix="search-records-", dir=work))

    def index(number: int, records: list[SearchRecord]) -> None:
        nonlocal indexed
        target = bundle / shard_folder(number, count)
        documents = [(record_path(r), record_html(r).encode("utf-8")) for r in records]
        if store is None:
            # (into a folder of its own: the newest shard's bundle holds the older ones)
            out = scratch / f"bundle-{number}"
            _index_shard(documents, scratch / str(number), out)
            indexed += 1
            for name, src in _files(out).items():
                (target / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.move(src, target / name)
            return
        key = shard_key(documents, settings)
        found = store.verified(key)
        if found is None:
            fresh = store.new_entry()
            try:
                _index_shard(documents, scratch / str(number), fresh)
                store.store(key, fresh)
            except BaseException:
                shutil.rmtree(fresh, ignore_errors=True)
                raise
            indexed += 1
            found = store.verified(key)
            if found is None:
                raise SearchIndexError(f"không lưu được chỉ mục tìm kiếm vào {store.root}")
        used.append(key)
        _place(found[0], found[1], target)

    try:
        early = ([k for k in range(count)
                  if all(i != OTHERS and page_of[i] in ready for i in layout[k])]
                 if wait is not None and ready is not None else [])
        for number in early:
            shards[number] = records_of(number)
            index(number, shards[number])
        if wait is not None:
            wait()
        for number in range(count):
            if number in shards:
                continue
            shards[number] = records_of(number)
            index(number, shards[number])
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    seen: set[str] = set()
    for number in range(count):
        for record in shards[number]:
            path = record_path(record)
            if path in seen:
                raise SearchIndexError(f"hai mục tìm kiếm cùng một liên kết {record.url}")
            seen.add(path)
    # The browser script downloads the WebAssembly file once for all shards: they must agree.
    published = _listing(bundle)
    wasm: dict[str, set[str]] = {}
    for name in published:
        base = name.rpartition("/")[2]
        if base.startswith("wasm.") and base.endswith(".pagefind"):
            wasm.setdefault(base, set()).add(_sha256(bundle / name))
    if any(len(digests) > 1 for digests in wasm.values()):
        raise SearchIndexError("các phần của chỉ mục tìm kiếm không cùng một tệp WebAssembly của "
                               "Pagefind; hãy xóa thư mục .baocao-cache/search rồi dựng lại")
    if store is not None:
        store.prune(used)
    if memo is not None:
        memo.save()
    records_all = [r for number in range(count) for r in shards[number]]
    lists: dict[str, list[str]] = filter_values(records_all)
    if count > 1:
        lists[SHARDS_KEY] = [shard_folder(k, count) for k in reversed(range(count - 1))]
    data = json.dumps(lists, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    write_file(bundle / FILTER_VALUES, data)
    published.pop(FILTER_VALUES, None)
    size = sum(st.st_size for st in published.values()) + len(data)
    return SearchStats(len(records_all), bundle, size, count, indexed)


def filter_values(records: Sequence[SearchRecord]) -> dict[str, list[str]]:
    """Each filter's distinct values, in first-seen order, for the search panel's lists.

    Written beside the bundle (FILTER_VALUES), a few hundred bytes, so that opening the search
    box does not load Pagefind's filter index (which it loads only when a filter is used)."""
    out: dict[str, dict[str, None]] = {key: {} for key in FILTERS}
    for r in records:
        for key, values in r.filters.items():
            for v in values:
                out.setdefault(key, {}).setdefault(v, None)
    return {key: list(values) for key, values in out.items() if values}


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m baocao.write.search SITE [--repo DIR]``: add search to a site built by another
    engine from the tree of ``baocao build --tree`` (e.g. ``zensical build``)."""
    from ..errors import ArgumentParser, RefusedError
    from ..repo import find_root, load_checked

    ap = ArgumentParser(prog="python -m baocao.write.search", description=main.__doc__)
    ap.add_argument("site", type=Path, help="thư mục trang web đã dựng (chứa index.html)")
    ap.add_argument("--repo", type=Path, default=Path("."), help="kho nội dung (mặc định: .)")
    ap.add_argument("--cache", type=Path, default=None,
                    help="thư mục bộ nhớ đệm của chỉ mục (ví dụ .baocao-cache/search); mặc định: không dùng")
    args = ap.parse_args(argv)
    if not args.site.is_dir():
        raise RefusedError(f"không có thư mục trang web {args.site}; hãy dựng trang trước")
    repo, _ = load_checked(find_root(args.repo))
    stats = write_search_index(repo, args.site, cache=args.cache)
    print(f"Đã lập chỉ mục tìm kiếm: {stats.records} mục, {stats.size // 1024} KB trong {stats.bundle}"
          f" ({stats.shards} phần, {stats.indexed} phần lập lại)")
    return 0


if __name__ == "__main__":
    from ..errors import run_main

    run_main(main)
