"""Rebuilds: no change does nothing; a one-section change rebuilds that report's documents only."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from conftest import ROOT

from baocao.commands.build import build, content_snapshot
from baocao.load import load_repository
from baocao.write.publish import BUILD_RECORD


def test_rebuilds(repo_copy: Path):
    shutil.copy(ROOT / "mkdocs.yml", repo_copy / "mkdocs.yml")
    out = repo_copy / "site"
    messages: list[str] = []
    snapshot = content_snapshot(repo_copy)  # before loading (what the CLI does)
    repo, _ = load_repository(repo_copy)
    first = build(repo, repo_copy, out, messages.append, as_of=date(2024, 1, 1), snapshot=snapshot)
    assert not first.unchanged and (out / BUILD_RECORD).is_file()
    stamp = (out / "index.html").stat().st_mtime_ns
    docx = (out / "2023/09/bao-cao-2023-09.docx").read_bytes()

    messages.clear()
    second = build(repo, repo_copy, out, messages.append, as_of=date(2024, 1, 1),
                   snapshot=content_snapshot(repo_copy))
    assert second.unchanged
    assert (out / "index.html").stat().st_mtime_ns == stamp  # nothing was written
    assert any("Không có thay đổi" in m for m in messages)

    # Another register date changes the site (not the documents): rebuilt, documents from cache
    # (both shipped reports: September 2023 and May 2025, a DOCX and a PDF each).
    messages.clear()
    third = build(repo, repo_copy, out, messages.append, as_of=date(2024, 6, 1),
                  snapshot=content_snapshot(repo_copy))
    assert not third.unchanged
    assert any("Dùng lại 4 văn bản" in m for m in messages)
    assert (out / "2023/09/bao-cao-2023-09.docx").read_bytes() == docx

    # Editing a section: that report's two documents are built again, the other report's are
    # reused.
    section = repo_copy / "content/2023/09/09-cong-tac-khac.md"
    section.write_text(section.read_text(encoding="utf-8") + "\n- Thêm một dòng.\n", encoding="utf-8")
    repo, _ = load_repository(repo_copy)
    messages.clear()
    fourth = build(repo, repo_copy, out, messages.append, as_of=date(2024, 6, 1))
    assert not fourth.unchanged
    assert any("[1/1] 2023-09 DOCX+PDF" in m for m in messages)
    assert any("Dùng lại 2 văn bản" in m for m in messages)
    assert not any("2025-05 DOCX+PDF" in m for m in messages)
    assert (out / "2023/09/bao-cao-2023-09.docx").read_bytes() != docx
    assert "Thêm một dòng." in (out / "2023/09/bao-cao-2023-09.md").read_text(encoding="utf-8")


def test_section_html_memo_is_reused_and_changes_nothing(shipped_repo, tmp_path: Path):
    """Section HTML rendered by an earlier build is reused (render/memo.py); the pages are the
    same as without the memo, and a damaged memo file is ignored."""
    from baocao.render.memo import RenderMemo
    from baocao.render.site import SiteContext, render_site

    templates = ROOT / "templates"
    plain = render_site(SiteContext(repo=shipped_repo, as_of=date(2024, 1, 1)), templates)
    path = tmp_path / "html.json"
    first = RenderMemo(path)
    assert render_site(SiteContext(repo=shipped_repo, as_of=date(2024, 1, 1), memo=first),
                       templates) == plain
    assert first.misses > 10 and first.hits == 0
    first.save()
    second = RenderMemo(path)
    assert render_site(SiteContext(repo=shipped_repo, as_of=date(2024, 1, 1), memo=second),
                       templates) == plain
    assert second.misses == 0 and second.hits == first.misses
    path.write_text("{not json", encoding="utf-8")
    damaged = RenderMemo(path)
    assert render_site(SiteContext(repo=shipped_repo, as_of=date(2024, 1, 1), memo=damaged),
                       templates) == plain
    assert damaged.hits == 0


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_unchanged_pages_keep_their_html_and_the_site_equals_a_full_build(tmp_path: Path):
    """After a one-section change, MkDocs renders only the pages whose source changed (the
    others' HTML is taken over from the previous site) and the result is byte for byte the
    site a full build (--force) writes. The previous site is never written to, and a change of
    the navigation or the config renders every page again."""
    import os

    from conftest import make_site_repo

    root = make_site_repo(tmp_path / "repo")
    out = root / "site"
    repo, _ = load_repository(root)
    messages: list[str] = []
    build(repo, root, out, messages.append, as_of=date(2023, 10, 20))
    pages = next(m for m in messages if m.startswith("Dựng trang web"))
    assert "giữ" not in pages  # the first build renders everything

    # Keep hard links to the previous site: a file written in place would show here.
    before = _files(out)
    keep = tmp_path / "keep"
    for rel in before:
        (keep / rel).parent.mkdir(parents=True, exist_ok=True)
        os.link(out / rel, keep / rel)

    # The theme's compiled templates are kept; damaged ones are compiled again.
    compiled = sorted((root / ".baocao-cache" / "templates").iterdir())
    assert len(compiled) > 10
    for path in compiled:
        path.write_bytes(b"not a template")

    section = root / "content/2023/10/09-cong-tac-khac.md"
    section.write_text(section.read_text(encoding="utf-8") + "\n- Một dòng mới của tháng 10.\n",
                       encoding="utf-8")
    repo, _ = load_repository(root)
    messages.clear()
    build(repo, root, out, messages.append, as_of=date(2023, 10, 20))
    pages = next(m for m in messages if m.startswith("Dựng trang web"))
    kept = int(pages.split("giữ ")[1].split()[0])
    changed = int(pages.split(": ")[1].split()[0])
    assert kept >= 2 and changed >= 1, pages
    assert "Một dòng mới của tháng 10." in (out / "2023/10/index.html").read_text(encoding="utf-8")
    assert (out / "2023/09/index.html").read_bytes() == before["2023/09/index.html"]
    assert _files(keep) == before  # nothing of the previous site was written to

    full = tmp_path / "full"
    build(repo, root, full, as_of=date(2023, 10, 20), force=True)
    incremental, complete = _files(out), _files(full)
    assert sorted(incremental) == sorted(complete)
    assert [k for k in complete if incremental[k] != complete[k]] == []

    # A new setting changes every page's head: no page is taken over. (A key written twice
    # is an error in mkdocs.yml as in every settings file, so a new key is added.)
    with (root / "mkdocs.yml").open("a", encoding="utf-8") as fh:
        fh.write("site_author: Văn phòng Sở\n")
    messages.clear()
    build(repo, root, out, messages.append, as_of=date(2023, 10, 20))
    pages = next(m for m in messages if m.startswith("Dựng trang web"))
    assert "giữ" not in pages


def test_page_output_follows_mkdocs_directory_urls(tmp_path: Path):
    from mkdocs.structure.files import File

    from baocao.write.site_tree import page_output

    for rel in ("index.md", "luu-tru/index.md", "2023/09/index.md", "nhiem-vu/index.md",
                "a/README.md", "a/b.md", "c.md"):
        expected = File(rel, str(tmp_path), str(tmp_path / "site"), True).dest_uri
        assert page_output(rel) == expected, rel


def test_a_build_that_fails_leaves_no_engine_behind(repo_copy: Path, monkeypatch):
    """The engine starts early (it imports MkDocs while the documents are built); a build that
    fails before or while it runs ends it, and leaves no staging folder."""
    import os

    import pytest

    from baocao.site_inputs import SiteBuildError
    from baocao.write import site_build

    def engines() -> list[int]:
        found = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            if "baocao.write.engine" in cmdline and str(repo_copy) in cmdline:
                found.append(int(pid))
        return found

    def broken(*_args, **_kwargs):
        raise OSError(28, "hết chỗ trống trên đĩa")

    repo, _ = load_repository(repo_copy)
    monkeypatch.setattr(site_build, "write_documents", broken)
    with pytest.raises(OSError):
        build(repo, repo_copy, repo_copy / "site", as_of=date(2024, 1, 1))
    assert engines() == []
    assert not [p for p in repo_copy.iterdir() if p.name.startswith(".site")]
    monkeypatch.undo()

    # Failing while the engine runs (an incremental build: the search index is written then).
    build(repo, repo_copy, repo_copy / "site", as_of=date(2024, 1, 1))
    from baocao.write import search

    def search_fails(*_args, **_kwargs):
        raise search.SearchIndexError("Pagefind hỏng")

    monkeypatch.setattr(search, "write_search_index", search_fails)
    with pytest.raises(SiteBuildError, match="Pagefind hỏng"):
        build(repo, repo_copy, repo_copy / "site", as_of=date(2024, 2, 1))
    assert engines() == []
    assert not [p for p in repo_copy.iterdir() if p.name.startswith(".site")]


def test_engine_without_the_mkdocs_internal_it_patches_builds_everything():
    """baocao.write.engine patches MkDocs 1.6's _populate_page for dirty builds; where that
    function is missing (another MkDocs), a dirty build becomes a full one rather than a build
    whose navigation might lack the titles of pages it did not render."""
    from types import SimpleNamespace

    from baocao.write.engine import patch_dirty_build

    args = ["--strict", "--dirty", "--config-file", "mkdocs.yml"]
    assert patch_dirty_build(SimpleNamespace(), args) == ["--strict", "--clean", "--config-file",
                                                          "mkdocs.yml"]
    calls: list[bool] = []
    module = SimpleNamespace(_populate_page=lambda page, config, files, dirty=False:
                             calls.append(dirty))
    assert patch_dirty_build(module, args) == args
    unchanged = SimpleNamespace(file=SimpleNamespace(is_modified=lambda: False),
                                read_source=lambda config: calls.append("read"))
    changed = SimpleNamespace(file=SimpleNamespace(is_modified=lambda: True))
    module._populate_page(unchanged, None, None, dirty=True)
    module._populate_page(changed, None, None, dirty=True)
    module._populate_page(unchanged, None, None, dirty=False)
    assert calls == ["read", True, False]
