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
