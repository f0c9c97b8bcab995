"""``baocao build`` / ``docx`` / ``pdf``: stage 4, the only place that writes output.

A build renders everything into a fresh staging folder beside ``site/`` and swaps it in only
when every step succeeded, so a failed or interrupted build leaves the previous site as it was::

    .site.new-XXXX/
      tree/                 the generated site tree (or --tree DIR, kept for inspection/Zensical)
        mkdocs.yml          derived from the repository's mkdocs.yml (render.site.site_config)
        docs/               pages (render.site.render_site), theme assets, each report's DOCX/PDF
        overrides/          theme overrides (templates/site/overrides)
      site/                 `mkdocs build --strict` output (baocao.render.engine) + the assembled
                            Markdown + the search index site/pagefind/ (baocao.search)
                            -> swapped in as site/

Pages whose source is unchanged since the previous build keep their HTML (:func:`reuse_pages`),
so a one-section change renders a few pages, not the whole archive.

Everything the site renderer needs from outside (git history, document sizes, the editors'
guide, mkdocs.yml) is read here and handed over in a ``SiteContext``.
"""

from __future__ import annotations

import calendar
import errno
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from ..cache import CACHE_DIR, link_or_copy
from ..errors import SiteBuildError as SiteBuildError
from ..model import Report, Repository
from ..render.memo import RenderMemo
from ..render.report_md import render_report_markdown
from ..render.site import (
    DIRECTIVES_SOURCE,
    GUIDE_SOURCE,
    PRERENDERED_HOOK,
    Revision,
    SiteContext,
    document_path,
    edit_base_from_config,
    render_nav,
    render_site,
    site_config,
)

Progress = Callable[[str], None]


def templates_dir(root: Path) -> Path:
    return root / "templates"


def report_epoch(report: Report) -> int:
    """Timestamp written into a report's documents.

    $SOURCE_DATE_EPOCH when set; otherwise the issue date (or, for a draft, the cut-off) at
    00:00 UTC, so a rebuild years later gives the same bytes.
    """
    env = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if env.isdigit():
        return int(env)
    day = report.meta.date.value if report.meta.date and not report.is_draft else report.cutoff
    return calendar.timegm(day.timetuple())


def document_name(report: Report, ext: str) -> str:
    """File name of a report's document; the site links to the same name (render.site)."""
    return document_path(report, ext).rsplit("/", 1)[-1]


@dataclass
class BuildResult:
    """What a build wrote: the documents (under *out_dir*) and what the site engine printed."""

    out_dir: Path
    files: list[Path] = field(default_factory=list)
    engine_output: str = ""
    unchanged: bool = False


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one atomic step (Linux renameat2 RENAME_EXCHANGE); False when
    the system or the file system cannot."""
    if sys.platform != "linux":
        return False
    import ctypes  # noqa: PLC0415

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _old_name(out_dir: Path) -> Path:
    return out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, but belongs to someone else
        return True
    return True


def recover(out_dir: Path) -> None:
    """Tidy up after a killed build: put back a previous site that :func:`swap_in` had set
    aside (two-rename fallback), and remove staging folders whose build no longer runs."""
    if not out_dir.exists():
        left = sorted(out_dir.parent.glob(f".{out_dir.name}.old-*"),
                      key=lambda p: p.stat().st_mtime)
        if left:
            os.replace(left[-1], out_dir)
    for staging in out_dir.parent.glob(f".{out_dir.name}.new-*-*"):
        pid = staging.name.removeprefix(f".{out_dir.name}.new-").split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(staging, ignore_errors=True)


def swap_in(staging: Path, out_dir: Path) -> None:
    """Replace *out_dir* by *staging*; the old tree is removed afterwards.

    Where the system allows, the two folders are exchanged atomically, so *out_dir* is never
    missing, even if the process is killed. Otherwise two renames; a failure between them puts
    the old tree back, and a kill between them is repaired by :func:`recover` on the next build.
    """
    if out_dir.exists() and _exchange(staging, out_dir):
        shutil.rmtree(staging, ignore_errors=True)  # now the previous site
        return
    old = None
    if out_dir.exists():
        old = _old_name(out_dir)
        os.replace(out_dir, old)
    try:
        os.replace(staging, out_dir)
    except BaseException:
        if old is not None:
            os.replace(old, out_dir)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


SITE_CONFIG = "mkdocs.yml"
#: Marks a folder written by ``build(tree_dir=…)``, which a later build may replace.
TREE_MARKER = ".baocao-tree"


def read_site_config(root: Path) -> dict[str, Any]:
    """The repository's mkdocs.yml (empty when absent). Only plain YAML is accepted: no
    ``!!python`` or ``!ENV`` tags, which Zensical does not read and which would run code."""
    path = root / SITE_CONFIG
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{SITE_CONFIG}:{mark.line + 1}:{mark.column + 1}" if mark else SITE_CONFIG
        raise SiteBuildError(
            f"{where}: không đọc được cấu hình trang web ({exc.problem}); tệp chỉ được dùng YAML "
            "thường, không dùng thẻ như !!python/name hay !ENV"
        ) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SiteBuildError(f"{SITE_CONFIG}: không đọc được cấu hình trang web: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SiteBuildError(f"{SITE_CONFIG}: cấu hình trang web phải là các dòng \"khóa: giá trị\"")
    return data


def revision_group(path: str) -> str:
    """The source a changed file belongs to: its report folder, or the file itself."""
    parts = path.split("/")
    if len(parts) >= 4 and parts[0] == "content":
        return "/".join(parts[:3])
    return path


def parse_git_log(text: str) -> dict[str, Revision]:
    """Revisions from ``git log --format=%x1e%cs%x1f%aN --name-only`` output (newest first)."""
    days: dict[str, date] = {}
    authors: dict[str, list[str]] = {}
    for record in text.split("\x1e"):
        head, _, files = record.partition("\n")
        if "\x1f" not in head:
            continue
        day_text, author = head.split("\x1f", 1)
        try:
            day = date.fromisoformat(day_text.strip())
        except ValueError:
            continue
        author = author.strip()
        for name in files.split("\n"):
            name = name.strip()
            if not name:
                continue
            group = revision_group(name)
            days.setdefault(group, day)
            seen = authors.setdefault(group, [])
            if author and author not in seen:
                seen.append(author)
    return {g: Revision(days[g], tuple(authors[g])) for g in days}


def read_git_history(root: Path) -> dict[str, Revision]:
    """Last change and authors of each report folder, directives.yaml and the guide.

    Empty outside a git work tree or without git: the site then shows no update dates.
    """
    cmd = ["git", "-C", str(root), "-c", "core.quotepath=off", "log", "--relative",
           "--no-renames", "--format=%x1e%cs%x1f%aN", "--name-only", "--",
           "content", DIRECTIVES_SOURCE, GUIDE_SOURCE]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8",
                              errors="replace", timeout=120, check=False)
    except (OSError, subprocess.SubprocessError):
        return {}
    if proc.returncode != 0:
        return {}
    return parse_git_log(proc.stdout)


def engine_command(config: Path, site_dir: Path) -> list[str]:
    """The site engine's command line (mkdocs-material; strict: any warning fails the build).

    ``baocao.render.engine`` is ``mkdocs build`` that starts before the tree is ready and keeps
    the compiled templates between builds. :class:`Engine` gives it ``--clean`` or, when pages
    were taken over from the previous site, ``--dirty``: only the pages whose source is newer
    than their HTML in *site_dir* are rendered (see :func:`reuse_pages`)."""
    return [sys.executable, "-m", "baocao.render.engine", "--strict",
            "--config-file", str(config), "--site-dir", str(site_dir)]


class Engine:
    """The site engine, started as soon as the tree's folder exists, so that its start (Python,
    MkDocs and Material imports) overlaps the documents and the rendering; :meth:`run` gives it
    the go. :meth:`stop` ends it when the build fails before that (an engine whose build
    process was killed sees its stdin close and ends too)."""

    def __init__(self, tree: Path, site_dir: Path, *, template_cache: Path | None = None) -> None:
        from ..render.engine import TEMPLATE_CACHE_ENV, WAIT_ENV

        env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONIOENCODING="utf-8")
        env[WAIT_ENV] = "1"
        env.pop(TEMPLATE_CACHE_ENV, None)
        if template_cache is not None:
            env[TEMPLATE_CACHE_ENV] = str(template_cache)
        try:
            self.proc: subprocess.Popen[str] | None = subprocess.Popen(
                engine_command(tree / SITE_CONFIG, site_dir), stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
                errors="replace", cwd=tree, env=env)
        except OSError as exc:
            raise SiteBuildError(f"không chạy được mkdocs: {exc}") from None
        self._thread: threading.Thread | None = None
        self._output: tuple[str, str] = ("", "")

    def start(self, *, dirty: bool = False) -> None:
        """Give the go: the engine builds while this process goes on (:meth:`finish` waits)."""
        proc = self.proc
        assert proc is not None and self._thread is None, "the engine runs once"
        go = json.dumps(["--dirty" if dirty else "--clean"]) + "\n"

        def talk() -> None:
            try:
                self._output = proc.communicate(go)
            except (BrokenPipeError, ValueError, OSError):
                # It ended before reading (it failed: its output says why).
                self._output = proc.communicate()

        self._thread = threading.Thread(target=talk, daemon=True)
        self._thread.start()

    def finish(self) -> str:
        """Wait for the engine; return its output, raise SiteBuildError on failure."""
        assert self._thread is not None, "start() first"
        self._thread.join()
        proc, self.proc = self.proc, None
        assert proc is not None
        out, err = self._output
        output = (out + err).strip()
        if proc.returncode != 0:
            lines = [ln for ln in output.splitlines() if ln.strip()]
            important = [ln for ln in lines if "WARNING" in ln or "ERROR" in ln] or lines[-15:]
            raise SiteBuildError("dựng trang web thất bại (mkdocs):\n" + "\n".join(important))
        return output

    def run(self, *, dirty: bool = False) -> str:
        """:meth:`start` and :meth:`finish`."""
        self.start(dirty=dirty)
        return self.finish()

    def stop(self) -> None:
        """End the engine if it is still there: one never started ends quietly on an empty
        stdin; one running (the build failed meanwhile) is killed. No-op after :meth:`finish`."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if self._thread is None:
            try:
                proc.communicate("", timeout=10)
                return
            except (subprocess.TimeoutExpired, OSError, ValueError):
                pass
        proc.kill()
        if self._thread is not None:
            self._thread.join()
        proc.wait()


def _prepare_tree(tree: Path) -> None:
    """An empty folder for the tree; a folder left by an earlier build is replaced."""
    if tree.exists():
        if not (tree / TREE_MARKER).is_file() and any(tree.iterdir()):
            raise SiteBuildError(
                f"thư mục {tree} không trống và không phải cây trang web do baocao tạo; "
                "hãy chọn thư mục khác"
            )
        shutil.rmtree(tree)
    tree.mkdir(parents=True)
    (tree / TREE_MARKER).write_text("baocao build\n", encoding="utf-8")


def write_tree(tree: Path, pages: Mapping[str, str], config: Mapping[str, Any],
               templates: Path) -> None:
    """Pages, theme assets, overrides and mkdocs.yml into *tree* (documents are already there)."""
    docs = tree / "docs"
    for rel, text in pages.items():
        path = docs / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    theme = templates / "site"
    shutil.copytree(theme / "assets", docs / "assets", dirs_exist_ok=True)
    shutil.copytree(theme / "overrides", tree / "overrides", dirs_exist_ok=True)
    from ..render import prerendered_hook

    (tree / PRERENDERED_HOOK).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(prerendered_hook.__file__, tree / PRERENDERED_HOOK)
    header = ("# Generated by `baocao build` from the repository's mkdocs.yml; do not edit.\n"
              "# Builds with `mkdocs build` or `zensical build` in this folder.\n")
    body = yaml.safe_dump(dict(config), allow_unicode=True, sort_keys=False, width=100)
    (tree / SITE_CONFIG).write_text(header + body, encoding="utf-8")


def _write_documents(repo: Repository, root: Path, docs: Path, templates: Path,
                     say: Progress, *, force: bool = False) -> dict[str, dict[str, int]]:
    """Each report's DOCX and PDF beside its page (cached, in parallel; with *force* all built
    again); their sizes."""
    from ..cache import CACHE_DIR, DocumentCache
    from .documents import FORMATS, build_documents

    cache = DocumentCache(root / CACHE_DIR)
    stats = build_documents(repo, repo.reports, docs, templates, cache=cache, progress=say,
                            force=force)
    cache.prune(stats.keys)  # documents of earlier content or code, unused for a week
    sizes: dict[str, dict[str, int]] = {}
    for report in repo.reports:
        folder = docs / str(report.year) / f"{report.month:02d}"
        sizes[report.key] = {
            fmt: (folder / document_name(report, fmt)).stat().st_size for fmt in FORMATS
        }
    return sizes


BUILD_RECORD = ".baocao-build.json"


#: Version of the fingerprint's recipe: changing what goes into it changes this.
_FINGERPRINT_FORMAT = b"baocao-site-inputs-3\0"


def content_snapshot(root: Path) -> str:
    """Digest of the content a build reads: the bytes of every file under content/,
    directives.yaml, organization.yaml and the editors' guide.

    Take it BEFORE loading the repository and give it to :func:`build`: a file saved after the
    snapshot (while the build reads or runs) then makes the next build's snapshot differ, so
    that build does the work. Taken after loading, it could record content the build never
    read, and the next build would say there is nothing to do."""
    h = hashlib.sha256(b"baocao-content-1\0")
    sources = sorted(p for p in (root / "content").rglob("*") if p.is_file())
    sources += [root / name for name in (DIRECTIVES_SOURCE, "organization.yaml", GUIDE_SOURCE)]
    for path in sources:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            data = b"\0missing"
        h.update(path.relative_to(root).as_posix().encode() + b"\0" + data + b"\0")
    return h.hexdigest()


def input_fingerprint(snapshot: str, config: Mapping[str, Any], templates: Path, as_of: date,
                      revisions: Mapping[str, Revision]) -> str:
    """Digest of everything the published site is made from, computed before any rendering:
    the content (*snapshot*, :func:`content_snapshot` taken before the content was read); the
    register date; the git history the pages show; the site config; templates and fonts;
    baocao's own code (the whole package); the versions of pandoc, typst, MkDocs, Material and
    Pagefind; and SOURCE_DATE_EPOCH. Equal to the one recorded in the published site: nothing
    to do."""
    from importlib.metadata import version

    from ..cache import cache_tag, templates_digest

    h = hashlib.sha256(_FINGERPRINT_FORMAT)
    h.update(snapshot.encode() + b"\0")
    h.update(as_of.isoformat().encode())
    h.update(json.dumps({k: [v.date.isoformat(), list(v.authors)] for k, v in revisions.items()},
                        sort_keys=True).encode())
    h.update(json.dumps(config, sort_keys=True, default=str).encode())
    h.update(cache_tag("site", templates_digest(templates)).encode())
    h.update(os.environ.get("SOURCE_DATE_EPOCH", "").encode())
    h.update(f"{version('mkdocs')} {version('mkdocs-material')} {version('pagefind')}".encode())
    return h.hexdigest()


def _read_record(out_dir: Path) -> dict[str, Any]:
    """What the build that made *out_dir* recorded (BUILD_RECORD); empty when unreadable."""
    try:
        data = json.loads((out_dir / BUILD_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _recorded_fingerprint(out_dir: Path) -> str | None:
    value = _read_record(out_dir).get("fingerprint")
    return value if isinstance(value, str) else None


#: Modification time given to the tree's unchanged pages in an incremental build (2000-01-01):
#: older than the HTML of any build, so MkDocs (--dirty) leaves their pages alone.
UNCHANGED_MTIME = 946684800


def page_digests(docs: Path) -> dict[str, str]:
    """SHA-256 of every page (Markdown file) of the tree's docs folder, by relative path."""
    return {p.relative_to(docs).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(docs.rglob("*.md")) if p.is_file()}


def engine_key(tree: Path) -> str:
    """Digest of everything but the pages' own text that shapes a page's HTML: the generated
    mkdocs.yml (navigation included), the theme overrides and hooks, the name of every file
    in the docs folder, the versions of MkDocs and Material, and (``cache_tag``) the whole
    baocao package, whose engine runner builds the pages."""
    from importlib.metadata import version

    from ..cache import cache_tag

    h = hashlib.sha256(cache_tag("baocao-engine-2").encode() + b"\0")
    h.update((tree / SITE_CONFIG).read_bytes() + b"\0")
    for folder in ("overrides", "hooks"):
        for path in sorted((tree / folder).rglob("*")):
            if path.is_file():
                h.update(path.relative_to(tree).as_posix().encode() + b"\0" + path.read_bytes())
    for path in sorted((tree / "docs").rglob("*")):
        if path.is_file():
            h.update(b"\0" + path.relative_to(tree).as_posix().encode())
    h.update(f"{version('mkdocs')} {version('mkdocs-material')}".encode())
    return h.hexdigest()


def page_output(rel: str) -> str:
    """The HTML file MkDocs writes for the page *rel* of the docs folder (directory URLs)."""
    stem = rel.removesuffix(".md")
    parent, _, name = stem.rpartition("/")
    if name in ("index", "README"):
        return f"{parent}/index.html" if parent else "index.html"
    return f"{stem}/index.html"


def reuse_pages(previous: Mapping[str, Any], key: str, digests: Mapping[str, str],
                out_dir: Path, site: Path, docs: Path) -> set[str] | None:
    """Prepare an incremental engine run: the HTML of every page whose source is unchanged
    since the build that made *out_dir* goes into the new *site* (a hard link: those files
    are never written again), and its source gets an old modification time, so that MkDocs
    with ``--dirty`` renders only the other pages. Returns the pages taken over (their HTML
    files, relative to *site*), or None when the previous build's engine key (config,
    navigation, theme, file names, versions) differs: then everything must be rendered.

    Nothing is ever written into *out_dir*: a page whose HTML would be written again is not
    linked (MkDocs writes a new file), and the other files (assets, documents, 404, sitemap)
    are written by MkDocs as in a full build."""
    old = previous.get("pages")
    if previous.get("engine") != key or not isinstance(old, dict) or set(old) != set(digests):
        return None
    reused: set[str] = set()
    for rel, digest in digests.items():
        if old.get(rel) != digest:
            continue
        out = page_output(rel)
        src = out_dir / out
        if not src.is_file() or src.is_symlink():
            continue
        link_or_copy(src, site / out)
        os.utime(docs / rel, (UNCHANGED_MTIME, UNCHANGED_MTIME))
        reused.add(out)
    return reused


def build(
    repo: Repository, root: Path, out_dir: Path, progress: Progress | None = None, *,
    as_of: date | None = None, tree_dir: Path | None = None, force: bool = False,
    snapshot: str | None = None,
) -> BuildResult:
    """Build the website and every report's documents into *out_dir*, atomically.

    *as_of* is the day the task register computes statuses for (default: today). With
    *tree_dir*, the generated site tree is written there and kept (it is replaced by the next
    build with the same folder), e.g. to build it with Zensical as well.

    *snapshot* is :func:`content_snapshot` of *root* taken before *repo* was loaded. With it,
    when the fingerprint of everything the site is made from (:func:`input_fingerprint`)
    equals the one recorded in *out_dir* by the previous build, nothing is rendered or written
    (unless *force*): a rebuild with no change does almost nothing. Without it, the content
    on disk may no longer be what *repo* holds: the build does the work and records no
    fingerprint. Documents, section HTML and search-index shards that did not change come from
    ``.baocao-cache/``; with *force*, every page and every document is built again.
    """
    say = progress or (lambda _msg: None)
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    recover(out_dir)
    base_config = read_site_config(root)  # a bad mkdocs.yml fails before any work
    templates = templates_dir(root)
    if not (templates / "site" / "pages").is_dir():
        raise SiteBuildError(f"thiếu thư mục {templates / 'site'} (mẫu trang web); hãy lấy lại "
                             "thư mục templates/ của công cụ")
    result = BuildResult(out_dir)
    guide_path = root / GUIDE_SOURCE
    revisions = read_git_history(root)
    memo = RenderMemo(root / CACHE_DIR / "html.json")

    def context(sizes: dict[str, dict[str, int]]) -> SiteContext:
        return SiteContext(
            repo=repo,
            as_of=as_of or date.today(),
            site_name=str(base_config.get("site_name") or "Lưu trữ báo cáo"),
            edit_base=edit_base_from_config(base_config),
            revisions=revisions,
            documents=sizes,
            guide=guide_path.read_text(encoding="utf-8") if guide_path.is_file() else None,
            memo=memo,
        )

    fingerprint = (input_fingerprint(snapshot, base_config, templates, as_of or date.today(),
                                     revisions) if snapshot is not None else None)
    if not force and fingerprint is not None and _recorded_fingerprint(out_dir) == fingerprint:
        say("Không có thay đổi: trang web và văn bản trong "
            f"{out_dir.name}/ đã đúng với nội dung hiện tại.")
        result.unchanged = True
        return result
    # (the build's process id in the name: a later build removes it if this one gets killed)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-{os.getpid()}-",
                                    dir=out_dir.parent))
    engine: Engine | None = None
    try:
        tree = tree_dir.resolve() if tree_dir is not None else staging / "tree"
        site = staging / "site"
        _prepare_tree(tree)
        engine = Engine(tree, site, template_cache=root / CACHE_DIR / "templates")
        docs = tree / "docs"
        sizes = _write_documents(repo, root, docs, templates, say, force=force)
        ctx = context(sizes)
        pages = render_site(ctx, templates)
        write_tree(tree, pages, site_config(base_config, render_nav(ctx)), templates)
        digests, key = page_digests(docs), engine_key(tree)
        # Pages whose source did not change keep their HTML (not with --force: all again).
        reused = None if force else reuse_pages(_read_record(out_dir), key, digests, out_dir,
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
            (folder / document_name(report, "md")).write_text(
                render_report_markdown(repo, report), encoding="utf-8")
            result.files += [out_dir / str(report.year) / f"{report.month:02d}" /
                             document_name(report, ext) for ext in ("docx", "pdf", "md")]
        # Search: the Pagefind index of the built pages, one record per section (baocao.search).
        from ..search import SearchIndexError, write_search_index

        say("Lập chỉ mục tìm kiếm (Pagefind)")

        def engine_done() -> None:
            result.engine_output = engine.finish()

        try:
            # Each shard of the index is cached by the exact bytes of its records. During an
            # incremental build, the shards of pages taken over are done while MkDocs runs.
            write_search_index(repo, site, work=staging, cache=root / CACHE_DIR / "search",
                               ready=reused, wait=engine_done if reused is not None else None)
        except SearchIndexError as exc:
            raise SiteBuildError(f"lập chỉ mục tìm kiếm thất bại: {exc}") from None
        (site / BUILD_RECORD).write_text(json.dumps(
            {"fingerprint": fingerprint, "engine": key, "pages": digests}, indent=1) + "\n",
            encoding="utf-8")
        os.chmod(site, 0o755)
        swap_in(site, out_dir)
        memo.save()
    finally:
        if engine is not None:
            engine.stop()
        shutil.rmtree(staging, ignore_errors=True)
    return result
