"""The live preview's builder (``baocao serve``).

MkDocs' own live-reload server (``mkdocs.livereload.LiveReloadServer``: watchdog polling, a
long-poll endpoint that the injected script uses to reload the page) serves the last good build
from a folder that a symlink points at. On every change to ``content/``, ``directives.yaml``,
``organization.yaml``, ``mkdocs.yml``, the editors' guide or ``templates/``, the builder:

1. loads and checks the repository (issued reports included: a locked report that changed is an
   error here too);
2. renders the site pages (``render.site``, as ``baocao build`` does) and builds them in-process
   with MkDocs (``--strict`` semantics) into a fresh folder;
3. swaps the symlink: the new site appears at once, and the browser reloads.

When anything fails, the previous site stays and every served page carries the error (file, line,
message) in a banner at its top; the terminal shows the same lines. With no good build yet, every
request gets an error page that reloads itself once the content is fixed.

Documents are slow (pandoc, typst), so a page rebuild does not wait for them: pages link the DOCX
and PDF already in the document cache; missing ones are built in a background thread, and the
site is rebuilt (and the page reloaded) when they are ready.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..load import load_repository
from ..lock import lock_problems
from ..model import Report, Repository
from ..preview_server import BuildState, PreviewServer
from ..problems import Problem
from ..render.report_md import render_report_markdown
from ..render.site import (
    GUIDE_SOURCE,
    SiteContext,
    edit_base_from_config,
    render_nav,
    render_site,
    site_config,
)
from ..site_inputs import SITE_CONFIG, SiteBuildError, read_git_history, read_site_config
from .names import document_name, templates_dir
from .site_tree import write_tree

Say = Callable[[str], None]


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"mkdocs: {record.getMessage()}")


_DIRTY_NOTICE = "A 'dirty' build is being performed"


def run_mkdocs(tree: Path, site_dir: Path, *, dirty: bool = False) -> None:
    """Build *tree* into *site_dir* in this process; SiteBuildError on any warning (strict).

    *dirty*: only pages whose Markdown is newer than their HTML are rendered again (MkDocs'
    ``--dirty``), into the existing *site_dir*.
    """
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    collect = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collect)
    logger.propagate = False
    try:
        # A dirty build always logs a notice at warning level, so strictness is applied here.
        config = load_config(str(tree / SITE_CONFIG), site_dir=str(site_dir), strict=not dirty)
        config.plugins.on_startup(command="serve" if dirty else "build", dirty=dirty)
        try:
            mkdocs_build(config, dirty=dirty)
        finally:
            config.plugins.on_shutdown()
        problems = [line for line in collect.lines if _DIRTY_NOTICE not in line]
        if problems:
            raise SiteBuildError("dựng trang web thất bại (mkdocs):\n" + "\n".join(problems))
    except (MkDocsException, OSError) as exc:
        lines = [line for line in collect.lines if _DIRTY_NOTICE not in line] or [str(exc)]
        raise SiteBuildError("dựng trang web thất bại (mkdocs):\n" + "\n".join(lines)) from None
    finally:
        logger.removeHandler(collect)


def _document_sizes(repo: Repository, templates: Path, root: Path
                    ) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, bytes]], list[Report]]:
    """Documents in the cache (sizes and bytes), and the reports with a document missing."""
    from ..cache import CACHE_DIR, DocumentCache
    from .documents import plan_jobs

    cache = DocumentCache(root / CACHE_DIR)
    sizes: dict[str, dict[str, int]] = {}
    data: dict[str, dict[str, bytes]] = {}
    missing: dict[str, Report] = {}
    for job in plan_jobs(repo, repo.reports, Path("_"), templates):
        blob = cache.get(job.key, job.fmt)
        if blob is None:
            report = repo.report(job.report_key)
            if report is not None:
                missing[report.key] = report
            continue
        sizes.setdefault(job.report_key, {})[job.fmt] = len(blob)
        data.setdefault(job.report_key, {})[job.fmt] = blob
    return sizes, data, list(missing.values())


@dataclass
class _Build:
    """What one preview build is made of (docs-relative paths)."""

    pages: dict[str, str]
    documents: dict[str, bytes] = field(default_factory=dict)
    downloads: dict[str, str] = field(default_factory=dict)  # assembled Markdown, beside pages


def _write_downloads(site: Path, downloads: dict[str, str]) -> None:
    """The assembled Markdown of each report is a download beside its page, not a page."""
    for rel, text in downloads.items():
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")


class Preview:
    """Builds the preview site into *work* and keeps ``work/current`` pointing at the last good one."""

    def __init__(self, root: Path, work: Path, *, as_of: date | None, say: Say) -> None:
        self.root, self.work, self.as_of, self.say = root, work, as_of, say
        self.current = work / "current"
        self.state = BuildState()
        self.server: PreviewServer | None = None
        self._count = 0
        self._last_shown: list[str] = []
        self._tree: Path | None = None  # the generated tree of the current site
        self._shape = ""
        self._last: _Build | None = None

    # -- the builder ---------------------------------------------------------------------------

    def rebuild(self) -> None:
        """One build attempt; never raises (a raising builder would stall the server)."""
        started = time.monotonic()
        try:
            repo = self._load()
            if repo is not None:
                missing = self._build_site(repo)
                self.state.error_lines = []
                self.state.good_builds += 1
                self._last_shown = []
                self.say(f"Đã dựng lại bản xem trước ({time.monotonic() - started:.1f} giây).")
                if missing:
                    self._start_documents(repo, missing)
        except SiteBuildError as exc:
            self._show_error(str(exc).splitlines())
        except Exception as exc:  # noqa: BLE001 - shown in the page; the server must keep running
            if os.environ.get("BAOCAO_DEBUG"):
                import traceback

                traceback.print_exc()
            self._show_error([f"Lỗi: {exc}"])

    def _show_error(self, lines: list[str]) -> None:
        self.state.error_lines = lines
        if lines != self._last_shown:
            for line in lines:
                self.say(line)
            self.say("Bản xem trước giữ bản dựng tốt gần nhất; sửa lỗi rồi lưu tệp.")
            self._last_shown = lines

    def _load(self) -> Repository | None:
        repo, problems = load_repository(self.root)
        found = problems.sorted()
        found += [p for p in lock_problems(repo, self.root) if p.code.startswith("E")]
        errors: list[Problem] = [p for p in found if p.code.startswith("E")]
        if errors:
            self._show_error([p.format() for p in sorted(errors)]
                             + [f"Có {len(errors)} lỗi."])
            return None
        return repo

    def _build_site(self, repo: Repository) -> list[Report]:
        """Render the pages; build the whole site afresh when its shape (page list, navigation,
        settings, templates) changed, otherwise only the changed pages (in place)."""
        from ..cache import templates_digest

        root, templates = self.root, templates_dir(self.root)
        base_config = read_site_config(root)
        sizes, blobs, missing = _document_sizes(repo, templates, root)
        guide = root / GUIDE_SOURCE
        ctx = SiteContext(
            repo=repo, as_of=self.as_of or date.today(),
            site_name=str(base_config.get("site_name") or "Lưu trữ báo cáo"),
            edit_base=edit_base_from_config(base_config), revisions=self._revisions(),
            documents=sizes, guide=guide.read_text(encoding="utf-8") if guide.is_file() else None,
        )
        pages = render_site(ctx, templates)
        config = site_config(base_config, render_nav(ctx))
        build = _Build(pages=pages)
        for report in repo.reports:
            folder = f"{report.year}/{report.month:02d}"
            for fmt, blob in blobs.get(report.key, {}).items():
                build.documents[f"{folder}/{document_name(report, fmt)}"] = blob
            build.downloads[f"{folder}/{document_name(report, 'md')}"] = \
                render_report_markdown(repo, report)
        shape = json.dumps([sorted(pages), sorted(build.documents), config,
                            templates_digest(templates)], sort_keys=True, default=str)
        if self._last is not None and shape == self._shape and self.current.is_symlink():
            self._update(build, self._last)
        else:
            self._full(build, config, templates)
            self._shape = shape
        self._last = build
        return missing

    def _full(self, build: _Build, config: dict[str, Any], templates: Path) -> None:
        self._count += 1
        tree = self.work / f"tree-{self._count}"
        site = self.work / f"site-{self._count}"
        try:
            for rel, blob in build.documents.items():
                path = tree / "docs" / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(blob)
            write_tree(tree, build.pages, config, templates)
            run_mkdocs(tree, site)
            _write_downloads(site, build.downloads)
        except BaseException:
            shutil.rmtree(site, ignore_errors=True)
            shutil.rmtree(tree, ignore_errors=True)
            raise
        old_tree, self._tree = self._tree, tree
        if old_tree is not None:
            shutil.rmtree(old_tree, ignore_errors=True)
        self._swap(site)

    def _update(self, build: _Build, last: _Build) -> None:
        """Write the pages and documents that changed into the tree; a dirty MkDocs build."""
        assert self._tree is not None
        site = self.current.resolve()
        docs = self._tree / "docs"
        for rel, text in build.pages.items():
            if last.pages.get(rel) != text:
                (docs / rel).write_text(text, encoding="utf-8")
        for rel, blob in build.documents.items():
            if last.documents.get(rel) != blob:
                (docs / rel).write_bytes(blob)
        run_mkdocs(self._tree, site, dirty=True)
        _write_downloads(site, build.downloads)

    _revision_cache: tuple[float, dict[str, Any]] | None = None

    def _revisions(self) -> dict[str, Any]:
        """Git history, read at most every 30 s (it only changes on commits)."""
        now = time.monotonic()
        if self._revision_cache is None or now - self._revision_cache[0] > 30:
            self._revision_cache = (now, dict(read_git_history(self.root)))
        return self._revision_cache[1]

    def _swap(self, site: Path) -> None:
        old = self.current.resolve() if self.current.is_symlink() else None
        link = self.work / f".current-{self._count}"
        link.symlink_to(site.name)
        os.replace(link, self.current)
        if old is not None and old != site.resolve():
            shutil.rmtree(old, ignore_errors=True)

    # -- documents in the background -----------------------------------------------------------

    def _start_documents(self, repo: Repository, reports: list[Report]) -> None:
        thread = self.state.docs_thread
        if thread is not None and thread.is_alive():
            return
        thread = threading.Thread(target=self._documents, args=(repo, reports), daemon=True)
        self.state.docs_thread = thread
        thread.start()

    def _documents(self, repo: Repository, reports: list[Report]) -> None:
        from ..cache import CACHE_DIR, DocumentCache
        from .documents import build_documents

        staging = Path(tempfile.mkdtemp(prefix="docs-", dir=self.work))
        try:
            self.say(f"Đang tạo văn bản DOCX, PDF của {len(reports)} báo cáo (chạy nền)…")
            build_documents(repo, reports, staging, templates_dir(self.root),
                            cache=DocumentCache(self.root / CACHE_DIR), jobs=1)
        except Exception as exc:  # noqa: BLE001 - a document error must not stop the preview
            self.say(f"Không tạo được văn bản: {exc}")
            return
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        self.request_rebuild()

    def request_rebuild(self) -> None:
        server = self.server
        if server is None:
            return
        with server._rebuild_cond:
            server._want_rebuild = True
            server._rebuild_cond.notify_all()
