"""Shared fixtures: the shipped repository, fixture repositories, and real-client gating."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = FIXTURES / "seed" / "2023-09.txt"


def require_client(name: str, path: str | None) -> str:
    """Skip when a real client is missing, or fail under BAOCAO_REQUIRE_CLIENTS=1."""
    if path:
        return path
    if os.environ.get("BAOCAO_REQUIRE_CLIENTS") == "1":
        pytest.fail(f"{name} is required (BAOCAO_REQUIRE_CLIENTS=1) but was not found")
    pytest.skip(f"{name} not installed")
    raise AssertionError  # unreachable


@pytest.fixture(scope="session")
def shipped_repo():
    """The repository's own content, loaded once."""
    from baocao.load import load_repository

    repo, problems = load_repository(ROOT)
    assert not problems.errors, [p.format() for p in problems.errors]
    return repo


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped content (content/, directives.yaml, organization.yaml)."""
    dest = tmp_path / "repo"
    dest.mkdir()
    shutil.copytree(ROOT / "content", dest / "content")
    for name in ("directives.yaml", "organization.yaml"):
        shutil.copy(ROOT / name, dest / name)
    if (ROOT / "templates").is_dir():
        (dest / "templates").symlink_to(ROOT / "templates")
    return dest


def make_repo(tmp_path: Path, case: str) -> Path:
    """The minimal fixture repository with the files of tests/fixtures/bad/<case> laid over it."""
    dest = tmp_path / case
    shutil.copytree(FIXTURES / "minimal", dest)
    overlay = FIXTURES / "bad" / case
    for src in overlay.rglob("*"):
        if src.is_file() and src.name != "expected.txt":
            target = dest / src.relative_to(overlay)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(src, target)
    return dest


# --------------------------------------------------------------------------------------------
# The website, built once per test session (tests/test_site.py, tests/test_site_browser.py)

#: A task that is only in the register and in October's appendix, whose text tries to be markup.
HOSTILE_TASK = """
  - id: 2023-9999-UBND-KGVX
    document: "9999/<i>UBND</i>"
    issued: "02/10/2023"
    summary: "<script>window.__xss = 1</script> & <b>đậm</b> {: onclick=alert(1) } *nghiêng*"
    deadline: "05/10/2023"
"""
HOSTILE_TITLE = 'Cơ chế <img src=x onerror="window.__xss=2"> {: onclick=alert(1) } *x*'


def edit_text(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def make_site_repo(dest: Path) -> Path:
    """The shipped content plus October 2023 (a copy of September with hostile bits), the
    shipped mkdocs.yml with edit links, and the editors' guide."""
    dest.mkdir(parents=True)
    shutil.copytree(ROOT / "content", dest / "content")
    for name in ("directives.yaml", "organization.yaml", "mkdocs.yml"):
        shutil.copy(ROOT / name, dest / name)
    (dest / "templates").symlink_to(ROOT / "templates")
    (dest / "docs").mkdir()
    shutil.copy(ROOT / "docs" / "huong-dan-bien-tap.md", dest / "docs" / "huong-dan-bien-tap.md")
    with (dest / "mkdocs.yml").open("a", encoding="utf-8") as fh:
        fh.write("repo_url: https://git.example.gov.vn/so-khcn/bao-cao\nedit_uri: -/edit/main/\n")
    with (dest / "directives.yaml").open("a", encoding="utf-8") as fh:
        fh.write(HOSTILE_TASK)
    october = dest / "content/2023/10"
    shutil.copytree(dest / "content/2023/09", october)
    edit_text(october / "index.md", "cutoff: 2023-09-14", "cutoff: 2023-10-14")
    edit_text(october / "02-co-che-chinh-sach.md",
              'title: "Xây dựng cơ chế, chính sách, pháp luật về KH&CN"',
              f"title: '{HOSTILE_TITLE}'")
    with (october / "02-co-che-chinh-sach.md").open("a", encoding="utf-8") as fh:
        fh.write("\n- Liên kết [bấm vào đây](javascript:window.__xss=3).\n")
    return dest


@pytest.fixture(scope="session")
def site_build(tmp_path_factory: pytest.TempPathFactory):
    """``build()`` of make_site_repo() with the register as of 20/10/2023; the tree is kept."""
    from datetime import date
    from types import SimpleNamespace

    from baocao.commands.build import build
    from baocao.repo import load_checked

    base = tmp_path_factory.mktemp("site")
    root = make_site_repo(base / "repo")
    repo, _ = load_checked(root)
    result = build(repo, root, root / "site", as_of=date(2023, 10, 20), tree_dir=base / "tree")
    return SimpleNamespace(root=root, site=root / "site", tree=base / "tree", result=result,
                           repo=repo)


def ast_words(doc: dict) -> str:
    """All Str text of a pandoc JSON AST in document order, keeping only letters and digits."""
    import re

    out: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("t") == "Str":
                out.append(node["c"])
            elif "c" in node:
                walk(node["c"])
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(doc["blocks"])
    return re.sub(r"\W", "", "".join(out))
