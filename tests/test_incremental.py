"""Rebuilds: no change does nothing; a one-section change rebuilds that report's documents only."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from conftest import ROOT

from baocao.commands.build import BUILD_RECORD, build
from baocao.load import load_repository


def test_rebuilds(repo_copy: Path):
    shutil.copy(ROOT / "mkdocs.yml", repo_copy / "mkdocs.yml")
    out = repo_copy / "site"
    messages: list[str] = []
    repo, _ = load_repository(repo_copy)
    first = build(repo, repo_copy, out, messages.append, as_of=date(2024, 1, 1))
    assert not first.unchanged and (out / BUILD_RECORD).is_file()
    stamp = (out / "index.html").stat().st_mtime_ns
    docx = (out / "2023/09/bao-cao-2023-09.docx").read_bytes()

    messages.clear()
    second = build(repo, repo_copy, out, messages.append, as_of=date(2024, 1, 1))
    assert second.unchanged
    assert (out / "index.html").stat().st_mtime_ns == stamp  # nothing was written
    assert any("Không có thay đổi" in m for m in messages)

    # Another register date changes the site (not the documents): rebuilt, documents from cache.
    messages.clear()
    third = build(repo, repo_copy, out, messages.append, as_of=date(2024, 6, 1))
    assert not third.unchanged
    assert any("Dùng lại 2 văn bản" in m for m in messages)
    assert (out / "2023/09/bao-cao-2023-09.docx").read_bytes() == docx

    # Editing a section: that report's two documents are built again.
    section = repo_copy / "content/2023/09/09-cong-tac-khac.md"
    section.write_text(section.read_text(encoding="utf-8") + "\n- Thêm một dòng.\n", encoding="utf-8")
    repo, _ = load_repository(repo_copy)
    messages.clear()
    fourth = build(repo, repo_copy, out, messages.append, as_of=date(2024, 6, 1))
    assert not fourth.unchanged
    assert any("[1/1] 2023-09 DOCX+PDF" in m for m in messages)
    assert not any("Dùng lại" in m for m in messages)
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
