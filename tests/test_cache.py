"""The document cache: hits on unchanged reports, misses on every input that affects them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT

from baocao import cache as cache_mod
from baocao.cache import DocumentCache, document_key, templates_digest
from baocao.load import load_repository
from baocao.write import documents as documents_mod
from baocao.write.documents import KeyMemo, build_documents, plan_jobs


@pytest.fixture
def repo_dir(tmp_path: Path) -> Path:
    """The minimal fixture repository with its own copy of the templates (so tests may edit them)."""
    dest = tmp_path / "repo"
    shutil.copytree(FIXTURES / "minimal", dest)
    shutil.copytree(ROOT / "templates", dest / "templates")
    return dest


def keys(root: Path, staging: Path | None = None) -> dict[tuple[str, str], str]:
    """The documents' cache keys, computed from the rendered input; the key memo (remembered
    from the previous call on this repository) must give the same keys, never stale ones."""
    repo, problems = load_repository(root)
    assert not problems.errors, [p.format() for p in problems.errors]
    templates = root / "templates"
    jobs = plan_jobs(repo, repo.reports, staging or root / "_s", templates)
    plain = {(j.report_key, j.fmt): j.key for j in jobs}
    memo = KeyMemo(root.parent / "key-memo.json", repo, templates_digest(templates))
    remembered = plan_jobs(repo, repo.reports, staging or root / "_s", templates, memo=memo)
    assert {(j.report_key, j.fmt): j.key for j in remembered} == plain
    memo.save()
    return plain


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_key_is_stable(repo_dir: Path):
    assert keys(repo_dir) == keys(repo_dir)


def test_key_changes_with_a_section(repo_dir: Path):
    before = keys(repo_dir)
    edit(repo_dir / "content/2024/01/02-ke-hoach.md", "Tiếp tục", "Tiếp tục triển khai")
    after = keys(repo_dir)
    assert all(before[k] != after[k] for k in before)


def test_key_changes_with_report_metadata(repo_dir: Path):
    before = keys(repo_dir)
    edit(repo_dir / "content/2024/01/index.md", "Nguyễn Văn A", "Nguyễn Văn B")
    assert keys(repo_dir) != before


def test_key_changes_with_task_facts_up_to_the_cutoff_only(repo_dir: Path):
    before = keys(repo_dir)
    # A completion after the report's cut-off (25/01/2024) does not change its documents...
    edit(repo_dir / "directives.yaml", '    deadline: "Quý II/2024"\n',
         '    deadline: "Quý II/2024"\n    completed: "10/02/2024"\n')
    assert keys(repo_dir) == before
    # ... one before the cut-off does.
    edit(repo_dir / "directives.yaml", 'completed: "10/02/2024"', 'completed: "20/01/2024"')
    assert keys(repo_dir) != before


def test_key_changes_with_organization(repo_dir: Path):
    before = keys(repo_dir)
    edit(repo_dir / "organization.yaml", 'symbol: "KHCN"', 'symbol: "SKHCN"')
    assert keys(repo_dir) != before


def test_key_changes_with_templates_and_fonts(repo_dir: Path):
    before = keys(repo_dir)
    with (repo_dir / "templates/typst/report.typ").open("a", encoding="utf-8") as fh:
        fh.write("\n// changed\n")
    after_template = keys(repo_dir)
    assert after_template != before
    font = repo_dir / "templates/fonts/LiberationSerif-Bold.ttf"
    font.write_bytes(font.read_bytes() + b"\0")
    assert keys(repo_dir) != after_template


def test_key_changes_with_tool_versions(repo_dir: Path, monkeypatch: pytest.MonkeyPatch):
    before = keys(repo_dir)
    monkeypatch.setattr(cache_mod, "tool_versions", lambda: '{"pandoc": "9.9"}')
    assert keys(repo_dir) != before


def test_key_changes_with_format_and_timestamp(repo_dir: Path):
    k = keys(repo_dir)
    assert k[("2024-01", "docx")] != k[("2024-01", "pdf")]
    src, templates = "---\n{}\n---\n", repo_dir / "templates"
    assert document_key(src, "pdf", 1, templates) != document_key(src, "pdf", 2, templates)


def test_cache_hits_and_rebuilds_corrupt_entries(repo_dir: Path, tmp_path: Path):
    repo, _ = load_repository(repo_dir)
    cache = DocumentCache(tmp_path / "cache")
    first = build_documents(repo, repo.reports, tmp_path / "a", repo_dir / "templates", cache=cache, jobs=1)
    assert (first.built, first.cached) == (2, 0)
    second = build_documents(repo, repo.reports, tmp_path / "b", repo_dir / "templates", cache=cache, jobs=1)
    assert (second.built, second.cached) == (0, 2)
    for name in ("bao-cao-2024-01.docx", "bao-cao-2024-01.pdf"):
        assert (tmp_path / "a/2024/01" / name).read_bytes() == (tmp_path / "b/2024/01" / name).read_bytes()
        # a cached document is placed as a hard link to its verified entry: no bytes written
        assert (tmp_path / "b/2024/01" / name).stat().st_nlink == 2
    # Corrupt one entry and plant a foreign one: the first is detected and rebuilt.
    entry = next(p for p in (tmp_path / "cache").rglob("*.pdf"))
    entry.write_bytes(b"%PDF-garbage")
    third = build_documents(repo, repo.reports, tmp_path / "c", repo_dir / "templates", cache=cache, jobs=1)
    assert (third.built, third.cached) == (1, 1)
    pdf = (tmp_path / "c/2024/01/bao-cao-2024-01.pdf").read_bytes()
    assert pdf == (tmp_path / "a/2024/01/bao-cao-2024-01.pdf").read_bytes()


def test_parallel_and_serial_builds_are_identical(shipped_repo, tmp_path: Path):
    """Several reports (the two shipped ones, and September again as October) built with 1 and
    2 workers: 3 reports, a DOCX and a PDF each."""
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copytree(ROOT / "content", root / "content")
    for name in ("directives.yaml", "organization.yaml"):
        shutil.copy(ROOT / name, root / name)
    (root / "templates").symlink_to(ROOT / "templates")
    shutil.copytree(root / "content/2023/09", root / "content/2023/10")
    edit(root / "content/2023/10/index.md", "cutoff: 2023-09-14", "cutoff: 2023-10-14")
    repo, problems = load_repository(root)
    assert not problems.errors
    serial = build_documents(repo, repo.reports, tmp_path / "s", root / "templates", cache=None, jobs=1)
    parallel = build_documents(repo, repo.reports, tmp_path / "p", root / "templates", cache=None, jobs=2)
    assert [r.key for r in repo.reports] == ["2023-09", "2023-10", "2025-05"]
    assert serial.built == parallel.built == 6
    files = sorted(p.relative_to(tmp_path / "s") for p in (tmp_path / "s").rglob("*.*"))
    assert len(files) == 6
    for rel in files:
        assert (tmp_path / "s" / rel).read_bytes() == (tmp_path / "p" / rel).read_bytes(), rel


def test_one_pandoc_run_for_both_documents_gives_the_same_bytes(shipped_repo, tmp_path: Path):
    """Batch builds read each report once (DOCX run + typst-copy.lua); `baocao docx` and
    `baocao pdf` run separately. Both routes must give the same files, byte for byte."""
    from baocao.render.official import render_official_input
    from baocao.write.documents import produce
    from baocao.write.docx import write_docx
    from baocao.write.pdf import render_typst_source, write_pdf

    report = shipped_repo.reports[0]
    source = render_official_input(shipped_repo, report)
    templates = ROOT / "templates"
    produce(source, {"docx": tmp_path / "both.docx", "pdf": tmp_path / "both.pdf"}, templates, 1700000000)
    write_docx(source, tmp_path / "alone.docx", templates=templates, epoch=1700000000)
    write_pdf(source, tmp_path / "alone.pdf", templates=templates, epoch=1700000000)
    assert (tmp_path / "both.docx").read_bytes() == (tmp_path / "alone.docx").read_bytes()
    assert (tmp_path / "both.pdf").read_bytes() == (tmp_path / "alone.pdf").read_bytes()
    # and the typst source itself, which the PDF is compiled from
    from baocao.write.docx import build_docx

    _, copied = build_docx(source, templates=templates, epoch=1700000000, with_typst=True)
    assert copied == render_typst_source(source, templates=templates, epoch=1700000000)
    assert copied is not None and "#table(" in copied  # the appendix table went through typst.lua


def test_documents_dated_after_2107_still_zip():
    """A DOCX is a zip, whose entry dates stop at 2107: a later report date is clamped, not a
    crash (found by the 1,200-report growth benchmark, whose last reports are dated 2115)."""
    import io
    import zipfile

    from baocao.write.reference_docx import normalized_zip, reference_docx_bytes

    data = normalized_zip(reference_docx_bytes(), 4_500_000_000)  # 2112
    assert {i.date_time for i in zipfile.ZipFile(io.BytesIO(data)).infolist()} == {(2107, 12, 31, 23, 59, 58)}


def test_unused_entries_older_than_a_week_are_pruned(repo_dir: Path, tmp_path: Path):
    """The cache does not grow with every edit: what a build did not use is removed once it is
    a week old; recent foreign entries (a preview of other content) and used ones stay."""
    import os
    import time

    repo, _ = load_repository(repo_dir)
    cache = DocumentCache(tmp_path / "cache")
    stats = build_documents(repo, repo.reports, tmp_path / "a", repo_dir / "templates", cache=cache, jobs=1)
    used = sorted(p for p in (tmp_path / "cache").glob("*/*") if p.is_file())  # not the key memo
    assert len(used) == 4  # DOCX + PDF, each with its checksum
    old_key, new_key = "ab" + "0" * 62, "ab" + "1" * 62
    cache.put(old_key, "pdf", b"%PDF-old")
    cache.put(new_key, "pdf", b"%PDF-new")
    week_ago = time.time() - 8 * 24 * 3600
    for p in (tmp_path / "cache/ab").glob(old_key + "*"):
        os.utime(p, (week_ago, week_ago))
    for p in used:  # used entries are kept even when old
        os.utime(p, (week_ago, week_ago))
    assert cache.prune(stats.keys) == 2
    assert cache.get(old_key, "pdf") is None and cache.get(new_key, "pdf") == b"%PDF-new"
    assert all(p.is_file() for p in used)


def test_key_memo_skips_rendering_unchanged_reports(repo_dir: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch):
    """A rebuild finds an unchanged report's documents without rendering its pandoc input
    (the key memo); a memo entry whose key the cache does not hold is checked against the
    rendered input; a damaged memo file is ignored."""
    cache = DocumentCache(tmp_path / "cache")
    templates = repo_dir / "templates"
    repo, _ = load_repository(repo_dir)
    build_documents(repo, repo.reports, tmp_path / "a", templates, cache=cache, jobs=1)
    memo_file = tmp_path / "cache" / documents_mod.KEY_MEMO
    assert memo_file.is_file()

    def no_render(*_args, **_kwargs):
        raise AssertionError("the pandoc input was rendered")

    with monkeypatch.context() as mp:
        mp.setattr(documents_mod, "render_official_input", no_render)
        repo, _ = load_repository(repo_dir)  # a new model: nothing kept in memory
        stats = build_documents(repo, repo.reports, tmp_path / "b", templates, cache=cache, jobs=1)
    assert (stats.built, stats.cached) == (0, 2)

    # The memo says keys the cache does not hold: the input is rendered and its real key
    # finds the documents. (Written with its checksum, as memo.py writes it: a memo that does
    # not verify is not read at all.)
    import hashlib
    import json

    data = json.loads(memo_file.read_bytes().partition(b"\n")[2])
    for entry in data["entries"].values():
        entry.update({fmt: "0" * 64 for fmt in entry})
    body = json.dumps(data).encode("utf-8")
    memo_file.write_bytes(hashlib.sha256(body).hexdigest().encode("ascii") + b"\n" + body)
    repo, _ = load_repository(repo_dir)
    stats = build_documents(repo, repo.reports, tmp_path / "c", templates, cache=cache, jobs=1)
    assert (stats.built, stats.cached) == (0, 2)
    for name in ("bao-cao-2024-01.docx", "bao-cao-2024-01.pdf"):
        assert (tmp_path / "c/2024/01" / name).read_bytes() == (tmp_path / "a/2024/01" / name).read_bytes()
    assert "0" * 64 not in memo_file.read_text(encoding="utf-8")

    memo_file.write_text("{hỏng", encoding="utf-8")
    repo, _ = load_repository(repo_dir)
    stats = build_documents(repo, repo.reports, tmp_path / "d", templates, cache=cache, jobs=1)
    assert (stats.built, stats.cached) == (0, 2)


def test_entries_are_verified_before_they_are_stored_and_reused(tmp_path: Path):
    """Bytes that are not a document of the format are never stored; a stored entry whose
    checksum matches but whose bytes are not such a document is not reused (and removed)."""
    import hashlib

    cache = DocumentCache(tmp_path / "cache")
    assert cache.put("ab" + "2" * 62, "docx", b"<html>not a docx</html>") is False
    assert not list((tmp_path / "cache").rglob("*.docx"))
    key = "ab" + "3" * 62
    assert cache.put(key, "pdf", b"%PDF-1.7 tiny") is True
    assert cache.get(key, "pdf") == b"%PDF-1.7 tiny"
    entry = tmp_path / "cache" / "ab" / f"{key}.pdf"
    entry.unlink()
    entry.write_bytes(b"GIF89a")
    entry.with_name(entry.name + ".sha256").write_text(hashlib.sha256(b"GIF89a").hexdigest(),
                                                       encoding="ascii")
    assert cache.place(key, "pdf", tmp_path / "out.pdf") is None
    assert not entry.exists() and not (tmp_path / "out.pdf").exists()
