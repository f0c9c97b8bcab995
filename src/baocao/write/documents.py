"""Building the official documents of many reports: cached, and in parallel across cores.

The main process renders each report's pandoc input (cheap, pure) and looks the document up in
the content-addressed cache (``baocao.cache``); only misses go to a pool of worker processes,
which run pandoc and typst and store the result in the cache. A rebuild with no change starts no
worker at all.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import signal
import sys
import weakref
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..cache import DocumentCache, document_key, templates_digest
from ..document.parse import available_cores
from ..memo import JsonMemo
from ..model import Report, Repository
from ..render.official import render_official_input
from .names import FORMATS, document_name, report_epoch

#: The KeyMemo's file inside the document cache's folder.
KEY_MEMO = "document-keys.json"
TASKS_PER_WORKER = 20  # reports (each one DOCX + one PDF) per worker process


@dataclass(frozen=True)
class Job:
    """One document to produce. *source* (the pandoc input) is None when the key came from the
    :class:`KeyMemo`: it is rendered only if the document has to be built."""

    report_key: str
    fmt: str
    source: str | None
    epoch: int
    key: str
    out: Path


@dataclass(frozen=True)
class ReportJob:
    """The documents of one report that are not in the cache: one worker task."""

    report_key: str
    source: str
    epoch: int
    docs: tuple[Job, ...]


@dataclass
class DocumentStats:
    built: int = 0
    cached: int = 0
    keys: set[str] = field(default_factory=set)  # cache keys of every document of the build


def produce(source: str, outs: dict[str, Path], templates: Path, epoch: int) -> None:
    """Write the documents of one report: ``outs`` maps "docx" / "pdf" to output paths.

    Both formats come from ONE pandoc run when both are wanted (the Markdown is read once,
    ``baocao.write.docx.build_docx(with_typst=True)``); the bytes are the same as from
    ``write_docx`` and ``write_pdf`` separately.
    """
    from ..document.tree import bundle_images
    from .docx import build_docx, write_atomic, write_docx
    from .pdf import write_pdf, write_pdf_from_typst

    if "docx" in outs and "pdf" in outs:
        data, typst_source = build_docx(source, templates=templates, epoch=epoch, with_typst=True)
        assert typst_source is not None
        write_atomic(outs["docx"], data)
        write_pdf_from_typst(typst_source, outs["pdf"], templates=templates, epoch=epoch,
                             images=bundle_images(source))
    elif "docx" in outs:
        write_docx(source, outs["docx"], templates=templates, epoch=epoch)
    elif "pdf" in outs:
        write_pdf(source, outs["pdf"], templates=templates, epoch=epoch)


def _work(job: ReportJob, templates: str, cache_root: str | None) -> str:
    """Worker: build one report's missing documents into staging and store them in the cache."""
    produce(job.source, {d.fmt: d.out for d in job.docs}, Path(templates), job.epoch)
    if cache_root is not None:
        cache = DocumentCache(Path(cache_root))
        for d in job.docs:
            cache.put(d.key, d.fmt, d.out.read_bytes())
    return f"{job.report_key} {'+'.join(d.fmt.upper() for d in job.docs)}"


# The pandoc input of each report of the last repository planned: a build plans twice (once to
# see whether everything is cached, once to build), and rendering is the costly part.
_last_sources: tuple[weakref.ref[Repository], dict[str, str]] | None = None


def _official_source(repo: Repository, report: Report) -> str:
    global _last_sources
    if _last_sources is None or _last_sources[0]() is not repo:
        _last_sources = (weakref.ref(repo), {})
    sources = _last_sources[1]
    if report.key not in sources:
        sources[report.key] = render_official_input(repo, report)
    return sources[report.key]


def _die_with_parent() -> None:
    """Worker initializer: on Linux, the kernel kills the worker when the build process dies
    (e.g. SIGKILL), instead of leaving it waiting for work, holding hundreds of MB, forever."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
            if os.getppid() == 1:  # the parent died before prctl took effect
                os._exit(1)
        except (OSError, AttributeError):
            pass


class KeyMemo(JsonMemo):
    """The cache keys of a report's documents, remembered by a digest of what its pandoc input
    is rendered from (``.baocao-cache/document-keys.json``).

    A key is the digest of the pandoc input, and rendering the input of every report only to
    find its documents in the cache is most of what a rebuild of one report costs. The input is
    ``render_official_input(repo, report)``, a pure function of the loaded *report* (its text,
    metadata and organization, and what the loader derived from other reports: its period
    start, from the previous report's cut-off), of the repository's tasks and of its status
    vocabulary (organization.yaml ``status_labels``: the "Tình trạng" column); its timestamp is
    ``report_epoch``. So the memo's key is a digest of the loaded model, never of files read
    again from disk (a file saved since the load would stand for content that was not built),
    and the tag (``baocao.cache.cache_tag``) covers the package, the templates and the tool
    versions. A key from the memo that misses the cache is computed again from the rendered
    input before anything is built. ``tests/test_cache_discipline.py`` checks that the input
    reads nothing else of the repository."""

    _FORMAT = "baocao-document-keys-2"

    def __init__(self, path: Path | None, repo: Repository, templates_hash: str) -> None:
        super().__init__(path, self._FORMAT, templates_hash)
        self._shared = hashlib.sha256(self.tag.encode() + b"\0" + repr(repo.tasks).encode()
                                      + b"\0" + repr(repo.status_labels).encode())
        self.hits = 0

    def report_digest(self, report: Report) -> str:
        h = self._shared.copy()
        h.update(b"\0%d\0" % report_epoch(report))
        h.update(repr(report).encode("utf-8"))
        return h.hexdigest()

    def keys(self, report: Report, formats: Sequence[str]) -> tuple[str, dict[str, str] | None]:
        """The report's input digest and its remembered keys (None unless all *formats*)."""
        digest = self.report_digest(report)
        found = self.get(digest)
        if isinstance(found, dict) and all(isinstance(found.get(f), str) for f in formats):
            self.hits += 1
            self.put(digest, found)
            return digest, found
        return digest, None

    def remember(self, digest: str, keys: dict[str, str]) -> None:
        self.put(digest, {**(self.used.get(digest) or {}), **keys})


def plan_jobs(repo: Repository, reports: Sequence[Report], staging: Path, templates: Path,
              formats: Sequence[str] = FORMATS, *, memo: KeyMemo | None = None) -> list[Job]:
    """Every document of *reports*, with its pandoc input, cache key and staging path. With
    *memo*, a report whose raw inputs are unchanged gets its keys from the memo and no input
    (``Job.source`` None: see :func:`with_source`)."""
    jobs = []
    templates_hash = templates_digest(templates)
    for report in reports:
        epoch = report_epoch(report)
        folder = staging / str(report.year) / f"{report.month:02d}"
        digest, keys = memo.keys(report, formats) if memo is not None else ("", None)
        source = None
        if keys is None:
            source = _official_source(repo, report)
            keys = {fmt: document_key(source, fmt, epoch, templates, templates_hash=templates_hash)
                    for fmt in formats}
            if memo is not None:
                memo.remember(digest, keys)
        for fmt in formats:
            jobs.append(Job(report.key, fmt, source, epoch, keys[fmt],
                            folder / document_name(report, fmt)))
    return jobs


def with_source(repo: Repository, job: Job, templates: Path) -> Job:
    """*job* with its pandoc input, and the key computed from it (a job planned from the memo
    has neither rendered nor checked its input)."""
    if job.source is not None:
        return job
    report = repo.report(job.report_key)
    assert report is not None
    source = _official_source(repo, report)
    return replace(job, source=source, key=document_key(source, job.fmt, job.epoch, templates))


def group_by_report(jobs: Sequence[Job]) -> list[ReportJob]:
    """The missing documents grouped per report, in the order of *jobs*."""
    groups: dict[str, list[Job]] = {}
    for job in jobs:
        groups.setdefault(job.report_key, []).append(job)
    out = []
    for key, docs in groups.items():
        source = docs[0].source
        assert source is not None  # jobs to build always carry their input (with_source)
        out.append(ReportJob(key, source, docs[0].epoch, tuple(docs)))
    return out


def default_jobs() -> int:
    """Worker processes: the cores this process may use."""
    return available_cores()


def build_documents(
    repo: Repository, reports: Sequence[Report], staging: Path, templates: Path, *,
    cache: DocumentCache | None, jobs: int | None = None,
    progress: Callable[[str], None] | None = None, force: bool = False,
) -> DocumentStats:
    """Write the DOCX and PDF of *reports* under *staging*/<yyyy>/<mm>/. With *force*, every
    document is built again (and stored in *cache*), none is taken from it."""
    say = progress or (lambda _msg: None)
    stats = DocumentStats()
    todo: list[Job] = []
    memo = (KeyMemo(cache.root / KEY_MEMO, repo, templates_digest(templates))
            if cache is not None else None)
    # With *force*, nothing is taken from the cache or the memo: every input is rendered and
    # every document built (and stored, for the builds after this one).
    planned = plan_jobs(repo, reports, staging, templates, memo=None if force else memo)
    for job in planned:
        job.out.parent.mkdir(parents=True, exist_ok=True)
        if force:
            if memo is not None:
                report = repo.report(job.report_key)
                assert report is not None
                memo.remember(memo.report_digest(report), {job.fmt: job.key})
            stats.keys.add(job.key)
            todo.append(job)
            continue
        if cache is not None and cache.place(job.key, job.fmt, job.out) is not None:
            stats.cached += 1
            stats.keys.add(job.key)
            continue
        if job.source is None:  # the key came from the memo: check it against the input
            job = with_source(repo, job, templates)
            assert memo is not None
            report = repo.report(job.report_key)
            assert report is not None
            memo.remember(memo.report_digest(report), {job.fmt: job.key})
            if cache is not None and cache.place(job.key, job.fmt, job.out) is not None:
                stats.cached += 1
                stats.keys.add(job.key)
                continue
        stats.keys.add(job.key)
        todo.append(job)
    if stats.cached:
        say(f"Dùng lại {stats.cached} văn bản không đổi từ bộ nhớ đệm")
    tasks = group_by_report(todo)
    workers = min(jobs or default_jobs(), len(tasks))
    cache_root = str(cache.root) if cache is not None else None
    total = len(tasks)
    if total:
        say(f"Dựng văn bản DOCX, PDF: {total} báo cáo")
    if workers <= 1:
        for i, task in enumerate(tasks, 1):
            name = _work(task, str(templates), cache_root)
            say(f"[{i}/{total}] {name}")
    elif tasks:
        # "spawn", not fork: typst keeps a native thread pool, and a forked copy of a process
        # that already compiled a PDF deadlocks. A fresh pool per batch bounds memory (typst
        # memoises every compilation in-process); max_tasks_per_child is not used because it
        # can hang ProcessPoolExecutor on Python 3.11.
        context = multiprocessing.get_context("spawn")
        done_count = 0
        batch = TASKS_PER_WORKER * workers
        for first in range(0, total, batch):
            with ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                     initializer=_die_with_parent) as pool:
                pending = {pool.submit(_work, task, str(templates), cache_root)
                           for task in tasks[first:first + batch]}
                try:
                    while pending:
                        done, pending = wait(pending, return_when=FIRST_COMPLETED)
                        for fut in done:
                            name = fut.result()  # re-raises a worker's error here
                            done_count += 1
                            say(f"[{done_count}/{total}] {name}")
                except BaseException:
                    pool.shutdown(wait=True, cancel_futures=True)
                    raise
    stats.built = len(todo)
    if memo is not None:
        # after the documents are in the cache: the next build finds them
        memo.save(keep_unused=not {r.key for r in reports} >= {r.key for r in repo.reports})
    return stats
