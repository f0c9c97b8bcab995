"""Faults during a build: killed, failing halfway, full disk, no pandoc, a corrupt cache.

Whatever happens, the previous site/ stays exactly as it was (or the new one is complete), the
error is one clear Vietnamese line, and no output file is ever half written.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, ROOT

from baocao.cli import cli
from baocao.write import publish, site_build

AS_OF = "1/2/2024"
SECTION = "content/2024/01/02-ke-hoach.md"


def small_repo(dest: Path) -> Path:
    shutil.copytree(FIXTURES / "minimal", dest)
    (dest / "templates").symlink_to(ROOT / "templates")
    return dest


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under *folder* with the SHA-256 of its bytes."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def build_cmd(root: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "baocao.cli", "--repo", str(root), "build", "--as-of", AS_OF,
            *extra]


def change_content(root: Path, text: str) -> None:
    """A new sentence in a section: the report's documents and page must be rebuilt."""
    with (root / SECTION).open("a", encoding="utf-8") as fh:
        fh.write(f"- {text}\n")


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith(".site"))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A repository with a complete site/ (and a warm document cache), and its snapshot."""
    root = small_repo(tmp_path_factory.mktemp("faults") / "repo")
    proc = subprocess.run(build_cmd(root), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return root, snapshot(root / "site")


@pytest.fixture
def repo(built: tuple[Path, dict[str, str]], tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A private copy of the built repository (site/ and cache included)."""
    root, snap = built
    dest = tmp_path / "repo"
    shutil.copytree(root, dest, symlinks=True)
    assert snapshot(dest / "site") == snap
    return dest, snap


# --------------------------------------------------------------------------------------------
# SIGKILL at several points of a build


def _staging(root: Path) -> Path | None:
    found = [p for p in root.iterdir() if p.name.startswith(".site.new-")]
    return found[0] if found else None


POINTS: dict[str, Callable[[Path], bool]] = {
    # right after the staging folder was made
    "staging": lambda root: _staging(root) is not None,
    # while pandoc and typst write the documents
    "documents": lambda root: (s := _staging(root)) is not None
    and (s / "tree" / "docs" / "2024" / "01").is_dir(),
    # while mkdocs writes the new site
    "engine": lambda root: (s := _staging(root)) is not None and (s / "site").is_dir(),
}


@pytest.mark.parametrize("point", list(POINTS))
def test_killed_build_leaves_the_previous_site(point: str, repo: tuple[Path, dict[str, str]]):
    root, before = repo
    change_content(root, f"Câu mới, bị dừng lúc {point}.")
    proc = subprocess.Popen(build_cmd(root), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + 120
    try:
        while not POINTS[point](root):
            assert proc.poll() is None, f"the build ended before reaching {point}"
            assert time.monotonic() < deadline
            time.sleep(0.002)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the build and its workers, pandoc, mkdocs
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert snapshot(root / "site") == before
    assert [name.startswith(".site.new-") for name in leftovers(root)] == [True]
    # The next build is not disturbed by what the killed one left, publishes the change and
    # removes the dead build's staging folder.
    done = subprocess.run(build_cmd(root), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    page = (root / "site/2024/01/index.html").read_text(encoding="utf-8")
    assert f"Câu mới, bị dừng lúc {point}." in page
    assert leftovers(root) == []


def test_exchange_swaps_two_folders_atomically(tmp_path: Path):
    if sys.platform != "linux":
        pytest.skip("renameat2 is Linux only; elsewhere swap_in falls back to two renames")
    (tmp_path / "a").mkdir()
    (tmp_path / "a/f").write_text("a")
    (tmp_path / "b").mkdir()
    (tmp_path / "b/f").write_text("b")
    assert publish._exchange(tmp_path / "a", tmp_path / "b") is True
    assert (tmp_path / "a/f").read_text() == "b" and (tmp_path / "b/f").read_text() == "a"


def test_two_rename_fallback_puts_the_old_site_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Without an atomic exchange: a failure between the renames restores the old site, and a
    kill between them (old site set aside, nothing in place) is repaired by the next build."""
    site, new = tmp_path / "site", tmp_path / "new"
    site.mkdir()
    (site / "index.html").write_text("cũ")
    new.mkdir()
    (new / "index.html").write_text("mới")
    monkeypatch.setattr(publish, "_exchange", lambda a, b: False)
    real_replace = os.replace

    def failing_replace(src: object, dst: object) -> None:
        if Path(str(src)) == new:
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(publish.os, "replace", failing_replace)
    with pytest.raises(OSError):
        publish.swap_in(new, site)
    assert (site / "index.html").read_text() == "cũ"
    monkeypatch.setattr(publish.os, "replace", real_replace)
    # A kill between the two renames: site/ is missing, the old tree is beside it.
    real_replace(site, tmp_path / ".site.old-4242")
    publish.recover(site)
    assert (site / "index.html").read_text() == "cũ"
    publish.swap_in(new, site)
    assert (site / "index.html").read_text() == "mới"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_recover_removes_only_dead_builds_staging(tmp_path: Path):
    site = tmp_path / "site"
    site.mkdir()
    live = publish.new_staging(site)  # a build still running (this process holds its lock)
    dead = tmp_path / ".site.new-999999999-efgh"  # a killed build: its lock is free
    (dead / "tree").mkdir(parents=True)
    (dead / publish.STAGING_LOCK).touch()
    making = tmp_path / ".site.new-4242-ijkl"  # being made right now: no lock file yet
    making.mkdir()
    old = tmp_path / ".site.new-4343-mnop"  # left by an older baocao long ago: no lock file
    old.mkdir()
    os.utime(old, (time.time() - publish.STALE_UNLOCKED - 60,) * 2)
    foreign = tmp_path / ".site.new-khac"  # not named by a build: left alone
    foreign.mkdir()
    try:
        publish.recover(site)
        assert leftovers(tmp_path) == sorted([live.name, making.name, foreign.name])
    finally:
        publish.remove_staging(live)
    assert not live.exists()


HOLD_STAGING = """
import sys
from pathlib import Path
from baocao.write import publish
staging = publish.new_staging(Path(sys.argv[1]))
(staging / "tree").mkdir()
(staging / "tree" / "index.md").write_text("đang dựng", encoding="utf-8")
print(staging, flush=True)
sys.stdin.read()  # until the test lets go
"""


def test_a_build_in_another_pid_namespace_keeps_a_running_builds_staging(
        repo: tuple[Path, dict[str, str]]):
    """A build holds its staging folder (first process) while a second build runs in another
    PID namespace, where the first one's process id does not exist: the second build must
    leave the first one's staging folder alone, and remove it once the first is gone."""
    if not sys.platform.startswith("linux") or os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("a PID namespace needs Linux, root and unshare (CI runs as root)")
    probe = subprocess.run(["unshare", "--pid", "--fork", "--mount-proc", "true"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot make a PID namespace here: {probe.stderr.strip()}")
    root, before = repo
    change_content(root, "Câu mới của bản dựng thứ hai.")
    first = subprocess.Popen([sys.executable, "-c", HOLD_STAGING, str(root / "site")],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert first.stdout is not None
        staging = Path(first.stdout.readline().strip())
        assert staging.is_dir()
        second = subprocess.run(["unshare", "--pid", "--fork", "--mount-proc", *build_cmd(root)],
                                capture_output=True, text=True, timeout=300)
        assert second.returncode == 0, second.stderr
        assert (staging / "tree" / "index.md").read_text(encoding="utf-8") == "đang dựng"
        assert leftovers(root) == [staging.name]
    finally:
        first.kill()
        first.wait()
    publish.recover(root / "site")  # the first build is gone: its lock is free
    assert leftovers(root) == []


# --------------------------------------------------------------------------------------------
# Errors halfway: full disk (simulated and real), no pandoc


def test_full_disk_halfway_is_a_clear_error(repo: tuple[Path, dict[str, str]],
                                            monkeypatch: pytest.MonkeyPatch):
    root, before = repo
    change_content(root, "Câu mới khi đĩa đầy.")
    real_write_tree = site_build.write_tree

    def write_tree_then_fill_the_disk(tree: Path, pages, config, templates) -> None:
        real_write_tree(tree, pages, config, templates)  # half of the work is on disk …
        raise OSError(errno.ENOSPC, "No space left on device", str(tree / "docs" / "index.md"))

    monkeypatch.setattr(site_build, "write_tree", write_tree_then_fill_the_disk)
    result = CliRunner().invoke(cli, ["--repo", str(root), "build", "--as-of", AS_OF],
                                catch_exceptions=False)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[-2].startswith("Lỗi: ổ đĩa đã đầy, không ghi được ")
    assert lines[-2].endswith("/tree/docs/index.md. Hãy khắc phục rồi chạy lại lệnh.")
    assert lines[-1] == f"{root / 'site'} được giữ nguyên."
    assert "Traceback" not in result.output
    assert snapshot(root / "site") == before
    assert leftovers(root) == []


@pytest.mark.parametrize("tool", ["documents", "engine"])
def test_a_tool_that_ends_well_without_writing_is_caught(tool: str, repo: tuple[Path, dict[str, str]],
                                                         monkeypatch: pytest.MonkeyPatch):
    """A tool that exits 0 but leaves an empty file (as Pagefind did on a full disk) does not
    get its output published: the build checks what pandoc/typst and MkDocs wrote."""
    root, before = repo
    change_content(root, f"Câu mới, {tool} không ghi được.")

    def empty(path: Path) -> None:
        path.unlink()  # (not truncated in place: it may be hard-linked to the published site)
        path.write_bytes(b"")

    if tool == "documents":
        real = site_build.build_documents

        def documents_then_empty(repo_, reports, docs, *args, **kwargs):  # noqa: ANN001, ANN202
            stats = real(repo_, reports, docs, *args, **kwargs)
            empty(next(docs.glob("2024/01/*.pdf")))
            return stats

        monkeypatch.setattr(site_build, "build_documents", documents_then_empty)
        named = ".pdf không được ghi đủ"
    else:
        real_index = site_build.search.write_search_index

        def engine_then_empty(repo_, site, *args, **kwargs):  # noqa: ANN001, ANN202
            stats = real_index(repo_, site, *args, **kwargs)  # the engine has finished
            empty(site / "2024" / "01" / "index.html")
            return stats

        monkeypatch.setattr(site_build.search, "write_search_index", engine_then_empty)
        named = "/site/2024/01/index.html không được ghi đủ"
    result = CliRunner().invoke(cli, ["--repo", str(root), "build", "--as-of", AS_OF],
                                catch_exceptions=False)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[-2].startswith("Lỗi: ") and named in lines[-2], lines
    assert lines[-1] == f"{root / 'site'} được giữ nguyên."
    assert snapshot(root / "site") == before
    assert leftovers(root) == []


def test_real_file_size_limit_fails_cleanly(repo: tuple[Path, dict[str, str]]):
    """The kernel refuses writes past RLIMIT_FSIZE (EFBIG) in the build and every process it
    starts, like a disk that fills up during the build."""
    root, before = repo
    change_content(root, "Câu mới khi giới hạn kích thước tệp.")

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (48 * 1024, 48 * 1024))

    proc = subprocess.run(build_cmd(root), capture_output=True, text=True, timeout=300,
                          preexec_fn=limit)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    # (a plain write() error names no file)
    assert lines[-2].startswith("Lỗi: tệp vượt quá kích thước hệ thống cho phép, không ghi được")
    assert lines[-2].endswith(". Hãy khắc phục rồi chạy lại lệnh.")
    assert lines[-1] == f"{root / 'site'} được giữ nguyên."
    assert snapshot(root / "site") == before
    assert leftovers(root) == []


def test_missing_pandoc_is_a_clear_error(repo: tuple[Path, dict[str, str]]):
    root, before = repo
    change_content(root, "Câu mới khi thiếu pandoc.")
    env = dict(os.environ, BAOCAO_PANDOC=str(root / "khong-co" / "pandoc"))
    proc = subprocess.run(build_cmd(root), capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines()[-2:] == [
        f"Lỗi: Không tìm thấy chương trình pandoc tại {root / 'khong-co' / 'pandoc'}. Hãy cài lại "
        "gói pypandoc-binary ('pip install --force-reinstall pypandoc-binary').",
        f"{root / 'site'} được giữ nguyên.",
    ]
    assert snapshot(root / "site") == before
    assert leftovers(root) == []
    # One document: the same message, and no file.
    out = root / "bc.docx"
    proc = subprocess.run([sys.executable, "-m", "baocao.cli", "--repo", str(root), "docx", "2024-01",
                           "-o", str(out)], capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 1  # a missing tool, as in the build (2 is for bad arguments)
    assert proc.stderr.startswith("Lỗi: Không tìm thấy chương trình pandoc tại ")
    assert "Traceback" not in proc.stderr
    assert not out.exists()


def test_pandoc_that_is_not_a_program_is_a_clear_error(tmp_path: Path):
    fake = tmp_path / "pandoc"
    fake.write_text("không phải chương trình")
    fake.chmod(0o644)
    env = dict(os.environ, BAOCAO_PANDOC=str(fake))
    code = ("from baocao.write.pandoc import run_pandoc, PandocError\n"
            "try:\n    run_pandoc(['--version'])\nexcept PandocError as e:\n    print(e)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          timeout=60)
    assert proc.stdout.strip() == f"Không chạy được pandoc ({fake}): Permission denied"


# --------------------------------------------------------------------------------------------
# A corrupt cache and a corrupt build record: rebuilt, never published


def test_corrupt_cache_and_record_are_rebuilt(repo: tuple[Path, dict[str, str]]):
    root, before = repo
    cache = root / ".baocao-cache"
    entries = sorted(p for p in cache.rglob("*") if p.suffix in (".docx", ".pdf"))
    assert len(entries) == 2
    docx, pdf = entries
    docx.write_bytes(docx.read_bytes()[:100])  # truncated
    pdf.with_name(pdf.name + ".sha256").unlink()  # its checksum lost
    (root / "site" / publish.BUILD_RECORD).write_text("{không phải json", encoding="utf-8")
    shutil.rmtree(cache / "search")  # Pagefind indexes again: the same bytes too
    proc = subprocess.run(build_cmd(root), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    after = snapshot(root / "site")
    # The same bytes as the first build: rebuilt documents, not the corrupt ones.
    assert {k: v for k, v in after.items() if k.endswith((".docx", ".pdf"))} == \
        {k: v for k, v in before.items() if k.endswith((".docx", ".pdf"))}
    # Everything else too, the search index included (tests/test_reproducible.py).
    assert after == before


def _children(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_bytes().rsplit(b")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == pid:
                out.append(int(entry))
    return out


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:  # ended meanwhile
        return b""


def _stat(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:  # gone: the zombie was reaped
        return b" Z "


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_document_workers_die_with_a_killed_build(tmp_path: Path):
    """Only the build process is killed (not its group): its worker processes must not live on
    as orphans waiting for work (they hold typst's memory)."""
    root = small_repo(tmp_path / "repo")
    for month in ("02", "03"):
        shutil.copytree(root / "content/2024/01", root / f"content/2024/{month}")
        index = root / f"content/2024/{month}/index.md"
        index.write_text(index.read_text(encoding="utf-8").replace(
            "cutoff: 2024-01-25", f"cutoff: 2024-{month}-25"), encoding="utf-8")
    proc = subprocess.Popen([*build_cmd(root)[:-2], "--as-of", "1/6/2024"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        workers: list[int] = []
        while len(workers) < 2:
            assert proc.poll() is None, "the build ended before its workers started"
            assert time.monotonic() < deadline
            workers = [p for p in _children(proc.pid) if b"spawn_main" in _cmdline(p)]
            time.sleep(0.01)
        time.sleep(0.5)  # the workers have run their initializer
        proc.kill()  # the build process only
        proc.wait()
        deadline = time.monotonic() + 10
        while any(Path(f"/proc/{p}").exists() for p in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        alive = [p for p in workers if b" Z " not in _stat(p)]
        assert alive == []
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
