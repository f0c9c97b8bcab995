"""Publishing: a build writes into a staging folder beside its output and swaps it in only when
every step succeeded, so a failed or killed build leaves the previous output as it was (DESIGN
decision 10). The published folder records what it was built from (:data:`BUILD_RECORD`)."""

from __future__ import annotations

import errno
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

BUILD_RECORD = ".baocao-build.json"


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one atomic step (Linux renameat2 RENAME_EXCHANGE); False when
    the system or the file system cannot."""
    if sys.platform != "linux":
        return False
    import ctypes  # noqa: PLC0415

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _old_name(out_dir: Path) -> Path:
    return out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, but belongs to someone else
        return True
    return True


def recover(out_dir: Path) -> None:
    """Tidy up after a killed build: put back a previous site that :func:`swap_in` had set
    aside (two-rename fallback), and remove staging folders whose build no longer runs."""
    if not out_dir.exists():
        left = sorted(out_dir.parent.glob(f".{out_dir.name}.old-*"),
                      key=lambda p: p.stat().st_mtime)
        if left:
            os.replace(left[-1], out_dir)
    for staging in out_dir.parent.glob(f".{out_dir.name}.new-*-*"):
        pid = staging.name.removeprefix(f".{out_dir.name}.new-").split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(staging, ignore_errors=True)


def swap_in(staging: Path, out_dir: Path) -> None:
    """Replace *out_dir* by *staging*; the old tree is removed afterwards.

    Where the system allows, the two folders are exchanged atomically, so *out_dir* is never
    missing, even if the process is killed. Otherwise two renames; a failure between them puts
    the old tree back, and a kill between them is repaired by :func:`recover` on the next build.
    """
    if out_dir.exists() and _exchange(staging, out_dir):
        shutil.rmtree(staging, ignore_errors=True)  # now the previous site
        return
    old = None
    if out_dir.exists():
        old = _old_name(out_dir)
        os.replace(out_dir, old)
    try:
        os.replace(staging, out_dir)
    except BaseException:
        if old is not None:
            os.replace(old, out_dir)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def new_staging(out_dir: Path) -> Path:
    """A fresh staging folder beside *out_dir*. The build's process id is in its name: a later
    build removes it (:func:`recover`) if this one gets killed."""
    return Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-{os.getpid()}-", dir=out_dir.parent))


def read_record(out_dir: Path) -> dict[str, Any]:
    """What the build that made *out_dir* recorded (BUILD_RECORD); empty when unreadable."""
    try:
        data = json.loads((out_dir / BUILD_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def recorded_fingerprint(out_dir: Path) -> str | None:
    value = read_record(out_dir).get("fingerprint")
    return value if isinstance(value, str) else None
