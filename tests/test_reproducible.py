"""Reproducible builds: two clean builds of the shipped content, in different folders, time
zones, locales and umasks, give byte-identical site/ trees, documents and search index included,
with the same file modes (0644 files, 0755 folders).

Seen before: Pagefind's filter and metadata files (and so its entry file) differed between two
clean builds of the same content (Pagefind 1.5.2 orders filter values by a randomly seeded hash
map: ``baocao.write.search_order``), and after a build under umask 077 the pages kept mode 0600
in later builds (hard-linked from one build to the next).
"""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from conftest import copy_shipped_repo

AS_OF = "1/10/2023"


def tree(folder: Path) -> dict[str, tuple[str, str]]:
    """Every file and folder under *folder*: its mode and (files) the SHA-256 of its bytes."""
    out = {".": (oct(stat.S_IMODE(folder.stat().st_mode)), "")}
    for p in sorted(folder.rglob("*")):
        mode = oct(stat.S_IMODE(p.lstat().st_mode))
        out[p.relative_to(folder).as_posix()] = (
            mode, hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "")
    return out


def build(root: Path, env: dict[str, str], umask: int) -> None:
    def set_umask() -> None:
        os.umask(umask)

    proc = subprocess.run([sys.executable, "-m", "baocao.cli", "--repo", str(root), "build",
                           "--as-of", AS_OF], capture_output=True, text=True, timeout=600,
                          env={**os.environ, **env}, preexec_fn=set_umask)
    assert proc.returncode == 0, proc.stderr


def test_two_clean_builds_are_byte_identical(tmp_path: Path):
    first = copy_shipped_repo(tmp_path / "mot" / "repo")
    second = copy_shipped_repo(tmp_path / "hai" / "kho-bao-cao")
    build(first, {"TZ": "UTC", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}, 0o022)
    build(second, {"TZ": "Asia/Ho_Chi_Minh", "LANG": "vi_VN.UTF-8", "LC_ALL": "vi_VN.UTF-8"},
          0o077)
    a, b = tree(first / "site"), tree(second / "site")
    assert any(name.startswith("pagefind/filter/") for name in a)
    assert any(name.endswith((".docx", ".pdf")) for name in a)
    differ = sorted(name for name in a.keys() | b.keys() if a.get(name) != b.get(name))
    assert differ == []
    bad_modes: Callable[[dict[str, tuple[str, str]]], list[str]] = lambda t: [  # noqa: E731
        name for name, (mode, digest) in t.items() if mode != ("0o644" if digest else "0o755")]
    assert bad_modes(b) == []

    # A later build under another umask, pages reused from the umask-077 build: modes still fixed.
    section = second / "content/2023/09/02-co-che-chinh-sach.md"
    with section.open("a", encoding="utf-8") as fh:
        fh.write("- Câu mới sau bản dựng với umask 077.\n")
    build(second, {}, 0o022)
    assert bad_modes(tree(second / "site")) == []
