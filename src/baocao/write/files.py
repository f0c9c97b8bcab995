"""Checked writes: every byte the build writes is either on disk in full, or the build stops
with a :class:`~baocao.errors.DiskError` naming the file (issue 15, "faults fail loudly").

Python's own writes raise on a full disk, but the error of a buffered write names no file, and
a copy names its source; the helpers here name what could not be written. Modes are set
explicitly (0644 files, 0755 folders), whatever the umask of the build, so two builds give the
same tree (:func:`normalise_modes`).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from ..errors import DiskError, describe_os_error

FILE_MODE = 0o644
DIR_MODE = 0o755


def disk_error(exc: OSError, path: Path | str) -> DiskError:
    """A :class:`DiskError` for *exc* that names *path*, what could not be written."""
    named = OSError(exc.errno, exc.strerror or str(exc), str(path))
    return DiskError(describe_os_error(named))


def write_file(path: Path, data: bytes | str, *, sync: bool = False) -> None:
    """Write *data* (text as UTF-8) to *path* in full, mode 0644; with *sync*, on disk before
    this returns. The size on disk is checked afterwards. Raises DiskError naming *path*."""
    blob = data.encode("utf-8") if isinstance(data, str) else data
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, FILE_MODE)
        try:
            os.fchmod(fd, FILE_MODE)  # the umask does not decide the published mode
            view = memoryview(blob)
            done = 0
            while done < len(blob):
                written = os.write(fd, view[done:])
                if written <= 0:
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                done += written
            if sync:
                os.fsync(fd)
            size = os.fstat(fd).st_size
        finally:
            os.close(fd)
        if size != len(blob):
            raise OSError(errno.EIO, os.strerror(errno.EIO))
    except OSError as exc:
        raise disk_error(exc, path) from None


def fsync_dir(folder: Path) -> None:
    """Make the names in *folder* (a rename into it) durable."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP):
            raise disk_error(exc, folder) from None
    finally:
        os.close(fd)


def sync_filesystem(folder: Path) -> None:
    """Everything written under *folder*'s file system reaches the disk (Linux ``syncfs``; one
    call instead of an fsync per file); a write error the kernel kept back (delayed allocation,
    a network file system, a quota) is raised here, before the swap, naming *folder*."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise disk_error(exc, folder) from None
    try:
        syncfs = _syncfs()
        if syncfs is None:
            os.sync()
            return
        import ctypes  # noqa: PLC0415

        if syncfs(fd) != 0:
            err = ctypes.get_errno()
            if err not in (errno.ENOSYS, errno.EINVAL):
                raise disk_error(OSError(err, os.strerror(err)), folder)
    finally:
        os.close(fd)


def _syncfs():  # noqa: ANN202 - a ctypes function or None
    import sys  # noqa: PLC0415

    if sys.platform != "linux":
        return None
    import ctypes  # noqa: PLC0415

    try:
        return ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None


def normalise_modes(folder: Path) -> None:
    """Every file under *folder* 0644, every folder 0755 (and *folder* itself), whatever the
    umask of the processes that wrote them: a site built under umask 077 must not publish pages
    only its owner can read, nor hand them on, hard-linked, to the next build."""
    try:
        for dirpath, _dirs, filenames in os.walk(folder):
            if os.lstat(dirpath).st_mode & 0o7777 != DIR_MODE:
                os.chmod(dirpath, DIR_MODE)
            for name in filenames:
                path = os.path.join(dirpath, name)
                st = os.lstat(path)
                if st.st_mode & 0o7777 != FILE_MODE and not os.path.islink(path):
                    os.chmod(path, FILE_MODE)
    except OSError as exc:
        raise disk_error(exc, getattr(exc, "filename", None) or folder) from None
