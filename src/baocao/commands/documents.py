"""Building the official documents of many reports: cached, and in parallel across cores.

The main process renders each report's pandoc input (cheap, pure) and looks the document up in
the content-addressed cache (``baocao.cache``); only misses go to a pool of worker processes,
which run pandoc and typst and store the result in the cache. A rebuild with no change starts no
worker at all.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from ..cache import DocumentCache, document_key
from ..model import Report, Repository
from ..render.official import render_official_input
from .build import document_name, report_epoch

FORMATS = ("docx", "pdf")
TASKS_PER_WORKER = 40


@dataclass(frozen=True)
class Job:
    """One document to produce."""

    report_key: str
    fmt: str
    source: str
    epoch: int
    key: str
    out: Path


@dataclass
class DocumentStats:
    built: int = 0
    cached: int = 0


def _produce(fmt: str, source: str, out: Path, templates: Path, epoch: int) -> None:
    if fmt == "docx":
        from ..docx import write_docx

        write_docx(source, out, templates=templates, epoch=epoch)
    else:
        from ..pdf import write_pdf

        write_pdf(source, out, templates=templates, epoch=epoch)


def _work(job: Job, templates: str, cache_root: str | None) -> str:
    """Worker: build one document into its staging path and store it in the cache."""
    _produce(job.fmt, job.source, job.out, Path(templates), job.epoch)
    if cache_root is not None:
        DocumentCache(Path(cache_root)).put(job.key, job.fmt, job.out.read_bytes())
    return f"{job.report_key}.{job.fmt}"


def plan_jobs(repo: Repository, reports: Sequence[Report], staging: Path, templates: Path,
              formats: Sequence[str] = FORMATS) -> list[Job]:
    jobs = []
    for report in reports:
        source = render_official_input(repo, report)
        epoch = report_epoch(report)
        folder = staging / str(report.year) / f"{report.month:02d}"
        for fmt in formats:
            jobs.append(Job(report.key, fmt, source, epoch,
                            document_key(source, fmt, epoch, templates),
                            folder / document_name(report, fmt)))
    return jobs


def default_jobs() -> int:
    """Worker processes: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def build_documents(
    repo: Repository, reports: Sequence[Report], staging: Path, templates: Path, *,
    cache: DocumentCache | None, jobs: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> DocumentStats:
    """Write the DOCX and PDF of *reports* under *staging*/<yyyy>/<mm>/."""
    say = progress or (lambda _msg: None)
    stats = DocumentStats()
    todo: list[Job] = []
    planned = plan_jobs(repo, reports, staging, templates)
    for job in planned:
        job.out.parent.mkdir(parents=True, exist_ok=True)
        data = cache.get(job.key, job.fmt) if cache is not None else None
        if data is not None:
            job.out.write_bytes(data)
            stats.cached += 1
        else:
            todo.append(job)
    if stats.cached:
        say(f"Dùng lại {stats.cached} văn bản không đổi từ bộ nhớ đệm")
    workers = min(jobs or default_jobs(), len(todo))
    cache_root = str(cache.root) if cache is not None else None
    total = len(todo)
    if workers <= 1:
        for i, job in enumerate(todo, 1):
            _work(job, str(templates), cache_root)
            say(f"[{i}/{total}] {job.report_key} {job.fmt.upper()}")
    elif todo:
        # "spawn", not fork: typst keeps a native thread pool, and a forked copy of a process
        # that already compiled a PDF deadlocks. A fresh pool per batch bounds memory (typst
        # memoises every compilation in-process); max_tasks_per_child is not used because it
        # can hang ProcessPoolExecutor on Python 3.11.
        context = multiprocessing.get_context("spawn")
        done_count = 0
        batch = TASKS_PER_WORKER * workers
        for first in range(0, total, batch):
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                pending = {pool.submit(_work, job, str(templates), cache_root)
                           for job in todo[first:first + batch]}
                try:
                    while pending:
                        done, pending = wait(pending, return_when=FIRST_EXCEPTION)
                        for fut in done:
                            name = fut.result()  # re-raises a worker's error here
                            done_count += 1
                            say(f"[{done_count}/{total}] {name.replace('.', ' ').upper()}")
                except BaseException:
                    pool.shutdown(wait=True, cancel_futures=True)
                    raise
    stats.built = total
    return stats
