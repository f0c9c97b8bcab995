"""Issue 18: the code paths a Windows machine takes, forced on Linux: no ``renameat2`` (the
two-rename swap), no ``fcntl`` (msvcrt's lock), no ``syncfs``, no ``PR_SET_PDEATHSIG``, and
paths typed with backslashes in the content."""

from __future__ import annotations

import ctypes
import fcntl
import sys
import types
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, ROOT

from baocao.cli import cli
from baocao.commands.build import build, content_snapshot
from baocao.load import load_repository
from baocao.write import documents, files, publish

SECTION = "content/2024/01/02-ke-hoach.md"


def small_repo(dest: Path) -> Path:
    import shutil

    shutil.copytree(FIXTURES / "minimal", dest)
    (dest / "templates").symlink_to(ROOT / "templates")
    return dest


@pytest.fixture
def windows(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int, int]]:
    """The build's own code as it runs on Windows: ``sys.platform`` is win32 for the modules
    that ask (not for the whole process: asyncio, used by Pagefind's wrapper, would take
    Windows' event loop), no ``syncfs``, no ``fcntl`` module: ``msvcrt.locking`` takes the
    locks (a stand-in with Windows' rule: a lock belongs to one open file, so a second open of
    the same file in the same process cannot take it); and no C library function is called.
    Returns the locking calls."""
    calls: list[tuple[int, int, int]] = []

    def locking(fd: int, mode: int, nbytes: int) -> None:
        calls.append((fd, mode, nbytes))
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    monkeypatch.setitem(sys.modules, "msvcrt", types.SimpleNamespace(LK_NBLCK=2, locking=locking))
    monkeypatch.setattr(publish, "fcntl", None)
    windows_sys = types.SimpleNamespace(platform="win32")
    monkeypatch.setattr(publish, "sys", windows_sys)
    monkeypatch.setattr(documents, "sys", windows_sys)
    monkeypatch.setattr(files, "_syncfs", lambda: None)  # it asks sys.platform the same way

    def no_libc(*args: object, **kwargs: object) -> None:
        raise AssertionError("a Linux-only C function was called on the Windows path")

    monkeypatch.setattr(ctypes, "CDLL", no_libc)
    return calls


def run_build(root: Path) -> None:
    repo, problems = load_repository(root)
    assert not problems.errors
    build(repo, root, root / "site", snapshot=content_snapshot(root))


def test_a_build_on_the_windows_path_publishes_and_replaces_the_site(tmp_path: Path, windows):
    root = small_repo(tmp_path / "kho")
    run_build(root)
    first = (root / "site/2024/01/index.html").read_text(encoding="utf-8")
    assert windows and all(mode == 2 and n == 1 for _fd, mode, n in windows)
    # a second build swaps the new site in by two renames (no atomic exchange on Windows)
    with (root / SECTION).open("a", encoding="utf-8") as f:
        f.write("- Câu mới thêm trên Windows.\n")
    run_build(root)
    page = (root / "site/2024/01/index.html").read_text(encoding="utf-8")
    assert "Câu mới thêm trên Windows." in page and page != first
    assert sorted(p.name for p in tmp_path.joinpath("kho").iterdir() if p.name.startswith(".site"))\
        == []  # no staging folder nor old site left beside it


def test_recovery_on_the_windows_path_removes_only_dead_builds(tmp_path: Path, windows):
    site = tmp_path / "site"
    site.mkdir()
    live = publish.new_staging(site)  # a build still running: its lock is held
    dead = tmp_path / ".site.new-999999999-efgh"  # a killed build: its lock is free
    dead.mkdir()
    (dead / publish.STAGING_LOCK).touch()
    try:
        publish.recover(site)
        assert live.exists() and not dead.exists()
    finally:
        publish.remove_staging(live)
    assert not live.exists()
    # the exchange is not tried: the two-rename swap does the work
    assert publish._exchange(tmp_path / "a", tmp_path / "b") is False


def test_document_workers_start_without_pdeathsig_on_windows(windows):
    documents._die_with_parent()  # no prctl: CDLL would raise


def test_document_workers_ask_for_pdeathsig_on_linux(monkeypatch: pytest.MonkeyPatch):
    """The counterpart: on Linux the initializer does call prctl (so the test above can fail)."""
    called: list[tuple[object, ...]] = []

    class Libc:
        def prctl(self, *args: object) -> int:
            called.append(args)
            return 0

    monkeypatch.setattr(documents, "sys", types.SimpleNamespace(platform="linux"))
    monkeypatch.setattr(ctypes, "CDLL", lambda *a, **k: Libc())
    documents._die_with_parent()
    assert called and called[0][0] == 1  # PR_SET_PDEATHSIG


@pytest.mark.parametrize("target, why", [
    (r"C:\Windows\win.ini", "là đường dẫn tuyệt đối"),
    (r"\\may-chu\chia-se\a.docx", "là đường dẫn tuyệt đối"),
])
def test_links_typed_with_backslashes_are_checked_like_slashes(tmp_path: Path, target: str,
                                                               why: str):
    """(A relative "..\\" cannot be typed: Markdown reads "\\." as an escaped dot.)"""
    root = small_repo(tmp_path / "kho")
    with (root / SECTION).open("a", encoding="utf-8") as f:
        f.write(f"\n- Xem [tệp]({target}).\n")
    result = CliRunner().invoke(cli, ["--repo", str(root), "check"])
    assert result.exit_code == 1, result.output
    line = next(x for x in result.output.splitlines() if " E504: " in x)
    assert line.startswith(f"{SECTION}:") and why in line, line


def test_a_link_typed_with_backslashes_inside_the_repository_is_accepted(tmp_path: Path):
    root = small_repo(tmp_path / "kho")
    with (root / SECTION).open("a", encoding="utf-8") as f:
        f.write("\n- Xem [phụ lục](..\\01\\90-phu-luc.md).\n")
    result = CliRunner().invoke(cli, ["--repo", str(root), "check"])
    assert result.exit_code == 0 and "E504" not in result.output, result.output
