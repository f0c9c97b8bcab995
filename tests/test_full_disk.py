"""A full disk, for real: a build of a copy of the shipped content on a small tmpfs that the test
mounts (as root, as CI runs; skipped otherwise), at several free sizes that run out while the
documents, the pages or the search index are written.

What was seen before: with 4-4.5 MB free the build exited 0 and published Pagefind's script,
worker, WebAssembly and entry file as 0-byte files, and the broken shard was cached and
published again after space was freed, even with ``--force``; elsewhere the message carried
MkDocs' raw ``[Errno 28] No space left on device`` or named the source of a copy instead of
what could not be written. Now: exit 1, one Vietnamese message naming what could not be
written, the old site byte for byte, nothing broken in the cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import copy_shipped_repo

AS_OF = "1/10/2023"
SECTION = "content/2023/09/02-co-che-chinh-sach.md"
#: Size of the test's file system: room for the repository, its cache, the old site and a build.
FS_SIZE_MB = 24

pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="tmpfs mounts are Linux's"),
    pytest.mark.skipif(os.geteuid() != 0,
                       reason="mounting a small file system needs root (CI runs as root)"),
]


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def build(root: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "baocao.cli", "--repo", str(root), "build",
                           "--as-of", AS_OF, *extra], capture_output=True, text=True, timeout=300)


@contextlib.contextmanager
def small_fs(mountpoint: Path, size_mb: int) -> Iterator[Path]:
    """A tmpfs of *size_mb* at *mountpoint* (a folder of the test's temporary directory),
    always unmounted afterwards, lazily if something still holds it."""
    assert str(mountpoint.resolve()).startswith(("/tmp/", os.path.realpath(
        os.environ.get("TMPDIR", "/tmp")) + "/")), mountpoint  # never anything else
    mountpoint.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mb}m,mode=0755", "tmpfs",
                           str(mountpoint)], capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip()}")
    try:
        yield mountpoint
    finally:
        if subprocess.run(["umount", str(mountpoint)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(mountpoint)], capture_output=True)
        assert not os.path.ismount(mountpoint)


def fill(fs: Path, free_kb: int) -> None:
    """Leave *free_kb* KB free on *fs*."""
    st = os.statvfs(fs)
    avail = st.f_bavail * st.f_frsize - free_kb * 1024
    if avail > 0:
        fd = os.open(fs / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            os.posix_fallocate(fd, 0, avail)
        finally:
            os.close(fd)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped content built once on the ordinary disk (site/ and a warm cache)."""
    root = copy_shipped_repo(tmp_path_factory.mktemp("full-disk") / "repo")
    proc = build(root)
    assert proc.returncode == 0, proc.stderr
    return root


@pytest.fixture
def on_small_fs(built: Path, tmp_path: Path) -> Iterator[Path]:
    """A copy of the built repository (hard links kept, as a real one has them) on a fresh
    small file system, with one new sentence: documents, a page and a search shard to redo."""
    with small_fs(tmp_path / "mnt", FS_SIZE_MB) as fs:
        subprocess.run(["cp", "-a", str(built), str(fs / "repo")], check=True)
        root = fs / "repo"
        with (root / SECTION).open("a", encoding="utf-8") as fh:
            fh.write("- Câu mới khi đĩa gần đầy.\n")
        yield root


#: Free space (KB) at the start of the build, and what runs out of it first.
FREE = {
    "documents": 512,
    "theme": 1536,
    "pages": 3584,
    "search": 4096,
    "search-entry": 4608,
}


@pytest.mark.parametrize("where", list(FREE))
def test_full_disk_fails_loudly_and_keeps_the_old_site(where: str, on_small_fs: Path):
    root = on_small_fs
    before = snapshot(root / "site")
    fill(root.parent, FREE[where])
    proc = build(root)
    assert proc.returncode == 1, (proc.returncode, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    start = lines.index(next(ln for ln in lines if ln.startswith("Lỗi: ")))
    message = "\n".join(lines[start:-1])  # (the last line is the note naming site/)
    assert "ổ đĩa đã đầy" in message, message
    assert "Errno" not in message and "No space left" not in message, message
    assert "Traceback" not in proc.stderr
    # What could not be written is named: a file or folder of the build, never a source.
    assert str(root) in message, message
    assert "site-packages" not in message and "/templates/" not in message, message
    assert lines[-1] == f"{root / 'site'} được giữ nguyên."
    assert snapshot(root / "site") == before
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(".site")) == []

    # Space freed: the next build publishes a complete site; nothing broken came from the cache.
    (root.parent / "filler").unlink()
    for extra in ((), ("--force",)):
        proc = build(root, *extra)
        assert proc.returncode == 0, proc.stderr
        empty = [p.relative_to(root).as_posix() for p in (root / "site").rglob("*")
                 if p.is_file() and p.stat().st_size == 0]
        assert empty == []
        bundle = root / "site" / "pagefind"
        assert {"pagefind.js", "pagefind-worker.js", "pagefind-entry.json"} <= \
            {p.name for p in bundle.iterdir()}
        assert "Câu mới khi đĩa gần đầy." in (root / "site/2023/09/index.html").read_text("utf-8")


def test_the_mount_is_gone(tmp_path: Path):
    """small_fs unmounts even when the test inside fails."""
    with pytest.raises(RuntimeError), small_fs(tmp_path / "m", 1) as fs:
        (fs / "x").write_text("x")
        raise RuntimeError
    assert not os.path.ismount(tmp_path / "m")
    shutil.rmtree(tmp_path / "m")
