"""Caches never decide an output (DESIGN decision 12), reproduced on copies of the shipped content.

Each test reproduces what was seen with a cache or memo that did not cover all inputs of what it
stored, through the CLI (or the library's ``build``), and reads the real outputs back: the
report page's HTML, the DOCX and the PDF text.
"""

from __future__ import annotations

import ast
import builtins
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, ROOT, edit_text

from baocao.cli import cli

TOTAL = re.compile(r"Tổng\s*số:\s*(\d+)\s*nhiệm\s*vụ")


def invoke(root: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--repo", str(root), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def task_totals(site: Path, key: str) -> dict[str, list[str]]:
    """The "Tổng số: N nhiệm vụ" counts of a report's page, DOCX and PDF."""
    import docx
    from lxml import html
    from pypdf import PdfReader

    folder = site / key.replace("-", "/")
    page = html.parse(str(folder / "index.html")).getroot().text_content()
    document = docx.Document(str(folder / f"bao-cao-{key}.docx"))
    pdf = "\n".join(p.extract_text() for p in PdfReader(str(folder / f"bao-cao-{key}.pdf")).pages)
    return {"page": TOTAL.findall(page),
            "docx": TOTAL.findall("\n".join(p.text for p in document.paragraphs)),
            "pdf": TOTAL.findall(pdf)}


@pytest.fixture
def two_reports(repo_copy_2023: Path) -> Path:
    """The shipped September 2023 plus October 2023 made by ``baocao new``, whose period start
    is the default one (the day after September's cut-off), and the shipped mkdocs.yml."""
    repo_copy = repo_copy_2023
    shutil.copy(ROOT / "mkdocs.yml", repo_copy / "mkdocs.yml")
    invoke(repo_copy, "new", "2023-10")
    index = repo_copy / "content/2023/10/index.md"
    lines = index.read_text(encoding="utf-8").splitlines(keepends=True)
    index.write_text("".join(ln for ln in lines if not ln.startswith("period_start:")),
                     encoding="utf-8")
    return repo_copy


def test_previous_cutoff_reaches_the_next_reports_documents(two_reports: Path):
    """(a) Moving September's cut-off back moves October's period start, which lists one task
    more. October's published DOCX and PDF must say what its page says: they kept the old
    count (the key memo keyed October by its own files only), even after ``--force``."""
    root, site = two_reports, two_reports / "site"
    invoke(root, "build", "--as-of", "2023-10-20")
    assert task_totals(site, "2023-10") == {"page": ["10"], "docx": ["10"], "pdf": ["10"]}

    edit_text(root / "content/2023/09/index.md", "cutoff: 2023-09-14", "cutoff: 2023-09-05")
    invoke(root, "build", "--as-of", "2023-10-20")
    assert task_totals(site, "2023-10") == {"page": ["11"], "docx": ["11"], "pdf": ["11"]}

    # Back again, with --force this time (what the clerk tried).
    edit_text(root / "content/2023/09/index.md", "cutoff: 2023-09-05", "cutoff: 2023-09-14")
    invoke(root, "build", "--as-of", "2023-10-20", "--force")
    assert task_totals(site, "2023-10") == {"page": ["10"], "docx": ["10"], "pdf": ["10"]}


def test_force_rebuilds_the_documents(two_reports: Path):
    """(d) ``--force`` builds every document again instead of taking it from the cache; the
    bytes are the same (deterministic output), and a cache entry that was wrong is replaced."""
    root, site = two_reports, two_reports / "site"
    invoke(root, "build", "--as-of", "2023-10-20")
    before = {p.name: p.read_bytes() for p in site.glob("2023/*/bao-cao-*.*")}
    # Damage every stored document so that its checksum still matches: only a rebuild can
    # bring the right bytes back.
    for entry in (root / ".baocao-cache").glob("[0-9a-f][0-9a-f]/*.docx"):
        data = b"PK\x03\x04 not the document"  # looks like a DOCX, checksum right
        entry.unlink()
        entry.write_bytes(data)
        import hashlib

        entry.with_name(entry.name + ".sha256").write_text(hashlib.sha256(data).hexdigest(),
                                                           encoding="ascii")
    output = invoke(root, "build", "--as-of", "2023-10-20", "--force")
    assert "Dùng lại" not in output
    assert "2023-09 DOCX+PDF" in output and "2023-10 DOCX+PDF" in output
    after = {p.name: p.read_bytes() for p in site.glob("2023/*/bao-cao-*.*")}
    assert after == before
    # What --force built went into the cache: the next build finds it there.
    output = invoke(root, "build", "--as-of", "2023-10-21")
    assert "Dùng lại 4 văn bản" in output
    assert {p.name: p.read_bytes() for p in site.glob("2023/*/bao-cao-*.*")} == before


def _loader_that_saves_after_reading(monkeypatch: pytest.MonkeyPatch, save) -> None:
    """Every reference to ``load_repository`` in baocao's modules reads the repository and then
    lets *save* change a file: an editor saving while the build runs, after the build read."""
    from baocao import load

    original = load.load_repository

    def loading_then_saved(root: Path):
        result = original(root)
        save()
        return result

    for name, module in list(sys.modules.items()):
        if name.split(".")[0] == "baocao" and getattr(module, "load_repository", None) is original:
            monkeypatch.setattr(module, "load_repository", loading_then_saved)


def test_a_save_during_a_build_is_picked_up_by_the_next_build(two_reports: Path,
                                                              monkeypatch: pytest.MonkeyPatch):
    """(b) A section saved after the build read the content and before it finished: the next
    build must build it (it said "Không có thay đổi" and kept a stale DOCX)."""
    import docx

    root, site = two_reports, two_reports / "site"
    invoke(root, "build", "--as-of", "2023-10-20")
    section = root / "content/2023/10/09-cong-tac-khac.md"
    line = "Dòng lưu trong lúc đang dựng."

    def save() -> None:
        if line not in section.read_text(encoding="utf-8"):
            with section.open("a", encoding="utf-8") as fh:
                fh.write(f"\n- {line}\n")

    with monkeypatch.context() as mp:
        _loader_that_saves_after_reading(mp, save)
        invoke(root, "build", "--as-of", "2023-10-20")
    # That build read the content before the save: its outputs do not have the line...
    assert line not in (site / "2023/10/index.html").read_text(encoding="utf-8")
    output = invoke(root, "build", "--as-of", "2023-10-20")
    # ... the next one does, in the page and in the documents.
    assert "Không có thay đổi" not in output
    assert line in (site / "2023/10/index.html").read_text(encoding="utf-8")
    document = docx.Document(str(site / "2023/10/bao-cao-2023-10.docx"))
    assert any(line in p.text for p in document.paragraphs)
    assert "Không có thay đổi" in invoke(root, "build", "--as-of", "2023-10-20")


def test_a_library_build_of_a_repository_loaded_before_a_save(two_reports: Path):
    """(b) through the library: a caller loaded the repository, a file was saved, then it
    called ``build``. The next build (of the saved content) must not be skipped."""
    import docx

    from baocao.commands.build import build
    from baocao.load import load_repository

    root, site = two_reports, two_reports / "site"
    repo, _ = load_repository(root)
    section = root / "content/2023/10/09-cong-tac-khac.md"
    line = "Dòng lưu sau khi đã đọc."
    with section.open("a", encoding="utf-8") as fh:
        fh.write(f"\n- {line}\n")
    build(repo, root, site, as_of=date(2023, 10, 20))
    output = invoke(root, "build", "--as-of", "2023-10-20")
    assert "Không có thay đổi" not in output
    document = docx.Document(str(site / "2023/10/bao-cao-2023-10.docx"))
    assert any(line in p.text for p in document.paragraphs)


# --------------------------------------------------------------------------------------------
# (e) the package digest


def _movable_function(package: Path) -> tuple[Path, ast.FunctionDef]:
    """A top-level function of some module of *package* that uses nothing but its arguments,
    its own locals and builtins (so it can live in any module), first in path order."""
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef) or node.decorator_list:
                continue
            bound = {a.arg for a in ast.walk(node.args) if isinstance(a, ast.arg)}
            bound |= {n.id for n in ast.walk(node)
                      if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
            free = {n.id for n in ast.walk(node)
                    if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)} - bound
            if all(hasattr(builtins, name) for name in free) and node.name != "main":
                return path, node
    raise AssertionError("no function to move")


def move_a_function(package: Path) -> str:
    """Move one function of the copied *package* into a new module, importing it back where it
    was: the same behaviour, other files. Returns "module.function"."""
    path, node = _movable_function(package)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start, end = node.lineno - 1, node.end_lineno
    assert end is not None
    source = "".join(lines[start:end])
    (package / "moved_here.py").write_text(f'"""Moved."""\n\n\n{source}', encoding="utf-8")
    lines[start:end] = [f"from baocao.moved_here import {node.name}  # noqa: E402\n"]
    path.write_text("".join(lines), encoding="utf-8")
    return f"{path.relative_to(package).with_suffix('').as_posix()}.{node.name}"


def _copy_package(dest: Path) -> Path:
    import baocao

    package = dest / "baocao"
    shutil.copytree(Path(baocao.__file__).parent, package,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return package


def test_package_digest_covers_every_file_of_the_package(tmp_path: Path):
    from baocao.cache import tree_digest

    package = _copy_package(tmp_path)
    before = tree_digest(package)
    assert tree_digest(package) == before
    moved = move_a_function(package)
    assert tree_digest(package) != before, moved
    # A data file of the package counts too, and so does a renamed module.
    after_move = tree_digest(package)
    (package / "py.typed").write_text("partial\n", encoding="utf-8")
    assert tree_digest(package) != after_move
    after_data = tree_digest(package)
    (package / "moved_here.py").rename(package / "moved_there.py")
    assert tree_digest(package) != after_data


def test_moving_a_function_invalidates_the_document_cache(two_reports: Path, tmp_path: Path):
    """(e) A build with a copy of the package in which one function moved to another module
    builds the documents again (they came from the cache: the key hashed five named files)."""
    package = _copy_package(tmp_path / "lib")
    env = dict(os.environ, PYTHONPATH=str(package.parent))
    env.pop("SOURCE_DATE_EPOCH", None)

    def build(*args: str) -> str:
        proc = subprocess.run([sys.executable, "-m", "baocao.cli", "--repo", str(two_reports),
                               "build", *args], capture_output=True, text=True, env=env,
                              cwd=tmp_path, check=False)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return proc.stdout + proc.stderr

    assert "2023-10 DOCX+PDF" in build("--as-of", "2023-10-20")
    # The copy is what runs: the same package again finds its documents in the cache.
    assert "Dùng lại 4 văn bản" in build("--as-of", "2023-10-21")
    moved = move_a_function(package)
    output = build("--as-of", "2023-10-22")
    assert "Dùng lại" not in output, moved
    assert "2023-09 DOCX+PDF" in output and "2023-10 DOCX+PDF" in output


def test_the_official_input_reads_only_the_report_and_the_tasks(two_reports: Path):
    """The key memo remembers a report's document keys by its loaded model, the repository's
    tasks and its status vocabulary (commands/documents.KeyMemo): rendering the input must read
    nothing else of the repository, or the memo would have to cover that too."""
    from dataclasses import fields, replace

    from baocao.load import load_repository
    from baocao.model import Repository
    from baocao.render.official import render_official_input

    repo, _ = load_repository(two_reports)
    assert {f.name for f in fields(Repository)} == {"root", "organization", "tasks", "reports",
                                                    "status_labels"}
    for report in repo.reports:
        alone = replace(repo, root=str(two_reports / "elsewhere"), organization=type(repo.organization)(),
                        reports=(report,))
        assert render_official_input(alone, report) == render_official_input(repo, report)


def test_the_document_keys_cover_the_status_vocabulary(tmp_path: Path):
    """A department label is printed in the "Tình trạng" column: changing status_labels must
    change the key memo's digest of every report (else a stale document would be reused)."""
    from dataclasses import replace

    from baocao.load import load_repository
    from baocao.write.documents import KeyMemo

    repo, _ = load_repository(FIXTURES / "appendices")
    report = repo.reports[0]
    other = replace(repo, status_labels=(("dang-thuc-hien-trong-han", "Đang triển khai"),))
    assert KeyMemo(None, repo, "t").report_digest(report) != \
        KeyMemo(None, other, "t").report_digest(report)


def test_deleting_the_cache_changes_no_byte_of_the_site(two_reports: Path):
    """Decision 12: a build with an empty .baocao-cache/ writes the same site as one that took
    every document, page and memo entry from it (Pagefind's bundle aside: its own metadata
    differs from run to run, tests/test_search.py compares its records)."""
    root = two_reports
    invoke(root, "build", "--as-of", "2023-10-20")
    edit_text(root / "content/2023/10/09-cong-tac-khac.md", "\n---\n", "\n---\n\n- Một dòng mới.\n")
    output = invoke(root, "build", "--as-of", "2023-10-20")
    assert "Dùng lại 2 văn bản" in output  # September's documents came from the cache
    shutil.rmtree(root / ".baocao-cache")
    invoke(root, "build", "--as-of", "2023-10-20", "--output", str(root / "fresh"))

    def files(site: Path) -> dict[str, bytes]:
        return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
                if p.is_file() and "pagefind" not in p.relative_to(site).parts}

    cached, fresh = files(root / "site"), files(root / "fresh")
    assert sorted(cached) == sorted(fresh)
    assert [name for name in cached if cached[name] != fresh[name]] == []
