"""The site build: from a fresh staging folder to the atomic swap (``baocao build``, ``serve``).

A build renders everything into a fresh staging folder beside ``site/`` and swaps it in only
when every step succeeded, so a failed or interrupted build leaves the previous site as it was::

    .site.new-XXXX/
      tree/                 the generated site tree (or --tree DIR, kept for inspection/Zensical)
        mkdocs.yml          derived from the repository's mkdocs.yml (render.site.site_config)
        docs/               pages (render.site.render_site), theme assets, each report's DOCX/PDF
        overrides/          theme overrides (templates/site/overrides)
      site/                 `mkdocs build --strict` output (baocao.write.engine) + the assembled
                            Markdown + the search index site/pagefind/ (baocao.write.search)
                            -> swapped in as site/

Pages whose source is unchanged since the previous build keep their HTML
(:func:`baocao.write.site_tree.reuse_pages`), so a one-section change renders a few pages, not
the whole archive.

What the site is made of besides the repository (mkdocs.yml, git history, the editors' guide,
the fingerprint) is read by the command before anything is written (:class:`SiteInputs`); the
pages need the sizes of the documents, so they are rendered here, once the documents are
written, and handed the inputs in a ``SiteContext``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..cache import CACHE_DIR, DocumentCache
from ..model import Repository
from ..problems import Problem
from ..render.memo import RenderMemo
from ..render.report_md import render_report_markdown
from ..render.site import (
    Revision,
    SiteContext,
    edit_base_from_config,
    render_nav,
    render_site,
    site_config,
)
from ..site_inputs import SiteBuildError
from . import search
from .documents import build_documents
from .files import normalise_modes, sync_filesystem, write_file
from .names import FORMATS, document_name, templates_dir
from .publish import BUILD_RECORD, new_staging, read_record, remove_staging, swap_in
from .site_engine import Engine
from .site_tree import engine_key, page_digests, prepare_tree, reuse_pages, write_tree

Progress = Callable[[str], None]


@dataclass
class BuildResult:
    """What a build wrote: the documents (under *out_dir*) and what the site engine printed."""

    out_dir: Path
    files: list[Path] = field(default_factory=list)
    engine_output: str = ""
    unchanged: bool = False
    #: Warnings about the built output, for the build summary (W602: an issued document whose
    #: bytes differ from the ones issued, set by commands/build.py).
    warnings: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class SiteInputs:
    """What the site is made of besides the repository, read before anything is written."""

    config: dict[str, Any]  # the repository's mkdocs.yml
    revisions: dict[str, Revision]  # git history the pages show
    guide: str | None  # the editors' guide (Markdown), when the repository has one
    as_of: date  # the task register's date
    #: write.fingerprint.input_fingerprint of all the above and the content snapshot; None
    #: when the build was given no snapshot (it then records none).
    fingerprint: str | None


def write_documents(repo: Repository, root: Path, docs: Path, templates: Path,
                    say: Progress, *, force: bool = False) -> dict[str, dict[str, int]]:
    """Each report's DOCX and PDF beside its page (cached, in parallel; with *force* all built
    again); their sizes."""
    cache = DocumentCache(root / CACHE_DIR)
    stats = build_documents(repo, repo.reports, docs, templates, cache=cache, progress=say,
                            force=force)
    cache.prune(stats.keys)  # documents of earlier content or code, unused for a week
    sizes: dict[str, dict[str, int]] = {}
    written: list[Path] = []
    for report in repo.reports:
        folder = docs / str(report.year) / f"{report.month:02d}"
        written += [folder / document_name(report, fmt) for fmt in FORMATS]
    check_outputs(written, "văn bản DOCX, PDF")
    for report in repo.reports:
        folder = docs / str(report.year) / f"{report.month:02d}"
        sizes[report.key] = {
            fmt: (folder / document_name(report, fmt)).stat().st_size for fmt in FORMATS
        }
    return sizes


#: What a document starts with (a ZIP for the DOCX, the PDF header).
_DOCUMENT_MAGIC = {"docx": b"PK\x03\x04", "pdf": b"%PDF-"}


def page_html(rel: str) -> str:
    """The site's HTML file of a page of the tree (directory URLs: ``a/b.md`` → ``a/b/index.html``)."""
    stem = rel.removesuffix(".md")
    return f"{stem}.html" if stem == "index" or stem.endswith("/index") else f"{stem}/index.html"


def _unwritten(path: Path, magic: bytes = b"") -> bool:
    try:
        with path.open("rb") as fh:
            head = fh.read(max(len(magic), 1))
    except OSError:
        return True
    return not head or not head.startswith(magic)


def check_outputs(paths: list[Path], what: str) -> None:
    """What a tool wrote is there before anything is published: each of *paths* exists, is
    not empty and starts as its format does (DOCX, PDF). A tool that could not write (a full
    disk) and still ended well is caught here."""
    bad = [p for p in paths if _unwritten(p, _DOCUMENT_MAGIC.get(p.suffix.lstrip("."), b""))]
    if bad:
        raise SiteBuildError(f"{what}: tệp {bad[0]} không được ghi đủ (thiếu, rỗng hoặc hỏng); "
                             "ổ đĩa có thể đã đầy. Hãy khắc phục rồi chạy lại lệnh.")


def write_images(repo: Repository, docs: Path) -> None:
    """Each report's images into the tree beside its page, at the path its bodies write
    (relative to the report folder, which is the page's folder on the site), so the page's
    ``<img src="hinh/…">`` finds them; the engine copies them into the site. The bytes are
    those the loader read and checked (baocao.images), never read again from the repository."""
    for report in repo.reports:
        for section in report.sections:
            for img in section.images:
                rel = img.rel.removeprefix(report.folder.rstrip("/") + "/")
                path = docs / str(report.year) / f"{report.month:02d}" / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                write_file(path, img.data)


def write_site(repo: Repository, root: Path, out_dir: Path, inputs: SiteInputs, say: Progress, *,
               tree_dir: Path | None = None, force: bool = False) -> BuildResult:
    """Write the documents, the site and its search index into a staging folder beside
    *out_dir*, then swap it in (nothing of *out_dir* changes when any step fails). *force*:
    render every page again, even those whose source did not change."""
    templates = templates_dir(root)
    result = BuildResult(out_dir)
    memo = RenderMemo(root / CACHE_DIR / "html.json")
    staging = new_staging(out_dir)
    engine: Engine | None = None
    try:
        tree = tree_dir.resolve() if tree_dir is not None else staging / "tree"
        site = staging / "site"
        prepare_tree(tree)
        engine = Engine(tree, site, template_cache=root / CACHE_DIR / "templates")
        docs = tree / "docs"
        sizes = write_documents(repo, root, docs, templates, say, force=force)
        write_images(repo, docs)
        ctx = SiteContext(
            repo=repo, as_of=inputs.as_of,
            site_name=str(inputs.config.get("site_name") or "Lưu trữ báo cáo"),
            edit_base=edit_base_from_config(inputs.config), revisions=inputs.revisions,
            documents=sizes, guide=inputs.guide, memo=memo,
        )
        pages = render_site(ctx, templates)
        write_tree(tree, pages, site_config(inputs.config, render_nav(ctx)), templates)
        digests, key = page_digests(docs), engine_key(tree)
        # Pages whose source did not change keep their HTML (not with --force: all again).
        reused = None if force else reuse_pages(read_record(out_dir), key, digests, out_dir,
                                                site, docs)
        if reused is None:
            say(f"Dựng trang web: {len(pages)} trang (mkdocs)")
        else:
            say(f"Dựng trang web: {len(pages) - len(reused)} trang thay đổi, giữ {len(reused)} "
                "trang (mkdocs)")
        engine.start(dirty=reused is not None)
        if reused is None:  # a clean build empties site/ first: nothing goes in before it ends
            result.engine_output = engine.finish()
        # The assembled Markdown is a download, not a page: it goes in once the engine has
        # emptied site/ (a clean build), or beside it (--dirty touches only its own files).
        for report in repo.reports:
            folder = site / str(report.year) / f"{report.month:02d}"
            folder.mkdir(parents=True, exist_ok=True)
            write_file(folder / document_name(report, "md"), render_report_markdown(
                repo, report, ctx.facts.get(report.key)))
            result.files += [out_dir / str(report.year) / f"{report.month:02d}" /
                             document_name(report, ext) for ext in ("docx", "pdf", "md")]
        # Search: the Pagefind index of the built pages, one record per section (write.search).
        say("Lập chỉ mục tìm kiếm (Pagefind)")

        def engine_done() -> None:
            result.engine_output = engine.finish()

        try:
            # Each shard of the index is cached by the exact bytes of its records. During an
            # incremental build, the shards of pages taken over are done while MkDocs runs.
            search.write_search_index(repo, site, work=staging,
                                      cache=root / CACHE_DIR / "search", ready=reused,
                                      wait=engine_done if reused is not None else None)
        except search.SearchIndexError as exc:
            raise SiteBuildError(f"lập chỉ mục tìm kiếm thất bại: {exc}") from None
        check_outputs([site / page_html(rel) for rel in pages], "dựng trang web (mkdocs)")
        write_file(site / BUILD_RECORD, json.dumps(
            {"fingerprint": inputs.fingerprint, "engine": key, "pages": digests}, indent=1) + "\n")
        # Modes fixed whatever the umask (0644/0755), and every byte on disk before the swap:
        # a write the kernel kept back fails here, while the old site is still in place.
        normalise_modes(site)
        sync_filesystem(site)
        swap_in(site, out_dir)
        memo.save()
    finally:
        if engine is not None:
            engine.stop()
        remove_staging(staging)
    return result
