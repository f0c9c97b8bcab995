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
import time
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # Windows: msvcrt's lock instead (also dropped when the process ends)
    fcntl = None  # type: ignore[assignment]

BUILD_RECORD = ".baocao-build.json"
#: Inside a staging folder: the file its build holds an flock on while it runs.
STAGING_LOCK = ".baocao-staging.lock"
#: A staging folder without a lock file is left alone this long (it may be being made).
STALE_UNLOCKED = 600
#: Lock descriptors of the staging folders this process holds.
_HELD: dict[Path, int] = {}


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


def _lock(fd: int) -> None:
    """Lock the open file *fd* for this process without waiting; OSError when another holds it.
    The system lets go when the descriptor is closed or the process ends, however it ends:
    ``flock`` where there is one, else (Windows) ``msvcrt.locking`` of its first byte."""
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    else:
        import importlib  # noqa: PLC0415

        msvcrt: Any = importlib.import_module("msvcrt")
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)


def _old_name(out_dir: Path) -> Path:
    return out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")


def _try_lock(lock: Path) -> int | None:
    """An open descriptor of *lock* with its flock taken, or None when another process holds
    it (or it cannot be opened)."""
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        _lock(fd)
    except OSError:
        os.close(fd)
        return None
    return fd


def recover(out_dir: Path) -> None:
    """Tidy up after a killed build: put back a previous site that :func:`swap_in` had set
    aside (two-rename fallback), and remove staging folders whose build no longer runs.

    A build holds a lock (:func:`_lock`) on STAGING_LOCK inside its staging folder for as long as it runs
    (:func:`new_staging`); the kernel lets go of it when the process ends, however it ends. A
    staging folder is removed only when its lock can be taken: this works across PID
    namespaces (containers, CI runners sharing a folder), where the process id in the folder's
    name says nothing. A folder with no lock file (made by an older baocao, or being made this
    very moment) is removed once it is STALE_UNLOCKED seconds old."""
    if not out_dir.exists():
        left = sorted(out_dir.parent.glob(f".{out_dir.name}.old-*"),
                      key=lambda p: p.stat().st_mtime)
        if left:
            os.replace(left[-1], out_dir)
    for staging in out_dir.parent.glob(f".{out_dir.name}.new-*-*"):
        pid = staging.name.removeprefix(f".{out_dir.name}.new-").split("-", 1)[0]
        if not pid.isdigit() or not staging.is_dir():
            continue  # not named by a build: not ours to remove
        lock = staging / STAGING_LOCK
        if not lock.exists():
            try:
                stale = time.time() - staging.stat().st_mtime > STALE_UNLOCKED
            except OSError:
                continue
            if stale:
                shutil.rmtree(staging, ignore_errors=True)
            continue
        fd = _try_lock(lock)
        if fd is None:
            continue  # its build is running (in this PID namespace or another)
        try:
            shutil.rmtree(staging, ignore_errors=True)
        finally:
            os.close(fd)


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
    """A fresh staging folder beside *out_dir*, owned by this process: it holds an flock on
    STAGING_LOCK inside it until :func:`remove_staging` (or until it ends, killed or not), and
    a later build removes the folder (:func:`recover`) only once that lock is free. (The
    process id in the name is for people; recovery does not go by it.)"""
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-{os.getpid()}-",
                                    dir=out_dir.parent))
    try:
        fd = os.open(staging / STAGING_LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    try:
        _lock(fd)
    except BaseException:
        os.close(fd)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _HELD[staging] = fd
    return staging


def remove_staging(staging: Path) -> None:
    """Remove a staging folder made by :func:`new_staging`, then let go of its lock."""
    try:
        shutil.rmtree(staging, ignore_errors=True)
    finally:
        fd = _HELD.pop(staging, None)
        if fd is not None:
            os.close(fd)
    # Windows deletes no file that is open: the lock file, and so its folder, go once closed.
    shutil.rmtree(staging, ignore_errors=True)


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
