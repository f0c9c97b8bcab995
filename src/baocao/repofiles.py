"""Stage 1's door to the repository's files: which files are read (one walk, shared by the
loader and the build's change detection) and how one of them is read.

Editors are trusted to write content, not to reach outside the repository (DESIGN decision 13),
and git stores symbolic links like any file. So nothing is read through a symbolic link or from
a special file (device, FIFO, socket):

- the walk of ``content/`` looks at each entry itself (``lstat``): a folder or file that is a
  link is refused, never entered or read;
- a file is opened one path component at a time from the repository folder, each with
  ``O_NOFOLLOW`` relative to its parent folder's descriptor, so no link anywhere on the way is
  followed and the real path of what is read lies inside the repository by construction; the
  opened descriptor is checked with ``fstat`` (a regular file, not larger than the limit), and
  at most the limit + 1 bytes are read, so a file that reports a wrong size (``/proc``, a file
  that grows while it is read) cannot exhaust memory either. A FIFO is never opened for reading
  without ``O_NONBLOCK`` (that open would wait for a writer forever).

Reading many files (the loader, the build's content snapshot, the issue lock) happens inside
:func:`reading`: each folder is then opened once, the same way (one component at a time from
the repository folder, each checked), and its descriptor kept for the files read from it, so a
month folder is walked once instead of once per file. A file is still opened and checked
by itself relative to its folder's descriptor.

What is refused raises :class:`RefusedFile`, whose problem (``E108``, or ``E102`` for the size)
names the file or folder to blame. The loader reports it with every other problem; the build's
readers of the guide and the settings raise it as a content error.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ContentError, ReadError
from .months import year_problem
from .problems import Problem

ORG_FILE = "organization.yaml"
DIRECTIVES_FILE = "directives.yaml"
CONTENT_DIR = "content"
#: The editors' guide, a page of the site (``render.site.GUIDE_SOURCE`` is this name).
GUIDE_FILE = "docs/huong-dan-bien-tap.md"
#: The site settings (``site_inputs.SITE_CONFIG`` is this name).
SITE_CONFIG_FILE = "mkdocs.yml"
#: The issuance record beside an issued report's index.md (read by ``lock.py``).
RECORD_FILE = "ban-hanh.json"
#: Folders of content/: a year, and a month inside it.
YEAR_FOLDER = re.compile(r"\d{4}")
MONTH_FOLDER = re.compile(r"0[1-9]|1[0-2]")
#: A section file of a month folder.
SECTION_NAME = re.compile(r"^(\d{2})-[a-z0-9][a-z0-9-]*\.md$")
#: Largest file read (a report's longest section file is about 30 KB).
MAX_FILE_BYTES = 5 * 1024 * 1024

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _NOFOLLOW | _CLOEXEC
_FILE_FLAGS = (os.O_RDONLY | _NOFOLLOW | _CLOEXEC | getattr(os, "O_NONBLOCK", 0)
               | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0))
#: Opening relative to a folder's descriptor (Linux, macOS, the BSDs); elsewhere (Windows) each
#: component is looked at by its path, then the file is opened and checked with fstat.
_AT = {os.open, os.stat, os.readlink} <= os.supports_dir_fd


class RefusedFile(ReadError):
    """A repository path that is not read: a link, a special file, or a file too large.

    ``rel`` is the path to blame (a folder above the file when that folder is a link)."""

    def __init__(self, rel: str, code: str, reason: str):
        super().__init__(f"{rel}: {reason}")
        self.rel, self.code, self.reason = rel, code, reason

    def problem(self) -> Problem:
        return Problem(self.rel, 1, 1, self.code, self.reason)


def shown_target(target: str) -> str:
    """A link's target as a message shows it: printable, at most 60 characters."""
    target = "".join(ch if ch.isprintable() else "?" for ch in target)
    return target if len(target) <= 60 else target[:57] + "…"


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",").removesuffix(",0")


def too_large(rel: str, size: int | None) -> RefusedFile:
    """E102 for a file over :data:`MAX_FILE_BYTES` (*size* None: it kept growing while read)."""
    limit = MAX_FILE_BYTES // 1024 // 1024
    shown = f"{_mb(size)} MB" if size is not None else f"hơn {limit} MB"
    return RefusedFile(rel, "E102", f"tệp quá lớn ({shown}; tối đa {limit} MB)")


def _refusal(rel: str, mode: int, link_target: str | None, *, folder: bool,
             noun: str = "tệp văn bản") -> RefusedFile | None:
    """Why the entry *rel* of type *mode* (lstat) is not read, or None when it may be (*noun*:
    what the file should be, "tệp văn bản" or "tệp ảnh")."""
    if stat.S_ISLNK(mode):
        what = "thư mục" if folder else "tệp"
        target = f" tới \"{shown_target(link_target)}\"" if link_target is not None else ""
        return RefusedFile(
            rel, "E108",
            f"{what} là liên kết tượng trưng (symbolic link){target}; công cụ không đọc nội "
            f"dung qua liên kết: hãy thay liên kết bằng chính {what} đó, nằm trong kho")
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    if stat.S_ISFIFO(mode):
        kind = "ống dẫn (FIFO)"
    elif stat.S_ISSOCK(mode):
        kind = "socket"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        kind = "tệp thiết bị (device)"
    else:
        kind = "tệp đặc biệt"
    return RefusedFile(rel, "E108", f"đây là {kind}, không phải {noun} thường; công cụ chỉ "
                       f"đọc tệp thường nằm trong kho: hãy xóa và thay bằng {noun}")


def _link_target(name: str, dir_fd: int) -> str | None:
    try:
        return os.readlink(name, dir_fd=dir_fd)
    except OSError:
        return None


def _open_step(fd: int, name: str, here: str, last: bool, noun: str = "tệp văn bản") -> int:
    """The descriptor of *name* inside the folder *fd* (*here*: its repository path): a folder,
    or with *last* the regular file read. Refused as a link or special file (RefusedFile)."""
    # Look first (never open a device: opening one can act), then open without following and
    # check what was opened (it may have been swapped in between).
    mode = os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode
    target = _link_target(name, fd) if stat.S_ISLNK(mode) else None
    refused = _refusal(here, mode, target, folder=not last, noun=noun)
    if refused is not None:
        raise refused
    if stat.S_ISDIR(mode) == last:  # a folder where the file is, or the reverse
        code = errno.EISDIR if last else errno.ENOTDIR
        raise OSError(code, os.strerror(code), here)
    try:
        nxt = os.open(name, _FILE_FLAGS if last else _DIR_FLAGS, dir_fd=fd)
    except OSError as err:
        if err.errno not in (errno.ELOOP, errno.ENXIO):
            raise
        mode = stat.S_IFLNK if err.errno == errno.ELOOP else stat.S_IFSOCK
        raise _refusal(here, mode, None, folder=not last, noun=noun) or err from None
    try:
        mode = os.fstat(nxt).st_mode
        if not (stat.S_ISREG(mode) if last else stat.S_ISDIR(mode)):
            code = errno.EISDIR if last else errno.ENOTDIR
            raise _refusal(here, mode, None, folder=not last, noun=noun) or OSError(
                code, os.strerror(code), here)
    except BaseException:
        os.close(nxt)
        raise
    return nxt


def _open_root(root: Path) -> int:
    return os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _CLOEXEC)


class _Folders:
    """The folder descriptors of one :func:`reading` scope, by repository path ("" is the
    repository folder), each opened by :func:`_open_step` from its parent's. At most
    :data:`_KEPT_FOLDERS` are kept (the least recently used is closed): the loader reads
    folder after folder."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.fds: OrderedDict[str, int] = OrderedDict()

    def folder(self, parts: list[str]) -> int:
        key = "/".join(parts)
        fd = self.fds.get(key)
        if fd is not None:
            self.fds.move_to_end(key)
            return fd
        fd = (_open_step(self.folder(parts[:-1]), parts[-1], key, last=False) if parts
              else _open_root(Path(self.root)))
        self.fds[key] = fd
        while len(self.fds) > _KEPT_FOLDERS:
            os.close(self.fds.popitem(last=False)[1])
        return fd

    def close(self) -> None:
        while self.fds:
            os.close(self.fds.popitem()[1])


#: Folder descriptors kept by a :func:`reading` scope.
_KEPT_FOLDERS = 16
_SCOPE: ContextVar[_Folders | None] = ContextVar("baocao_repofiles_scope", default=None)


@contextmanager
def reading(root: Path) -> Iterator[None]:
    """Within this scope, the files of the repository *root* (as the readers are given it) are
    opened relative to folder descriptors opened once each (:class:`_Folders`), with the same
    checks as :func:`open_repo_file` makes alone. A folder found to be a link or special file
    is refused for every file in it, as before."""
    if not _AT or _SCOPE.get() is not None:
        yield
        return
    folders = _Folders(os.fspath(root))
    token = _SCOPE.set(folders)
    try:
        yield
    finally:
        _SCOPE.reset(token)
        folders.close()


def open_repo_file(root: Path, rel: str, noun: str = "tệp văn bản") -> int:
    """A read-only descriptor of the regular file *rel* (``/``-separated) inside *root*.

    No component of *rel* may be a link or a special file (:class:`RefusedFile`, E108); a
    missing file raises ``FileNotFoundError``, other failures their ``OSError``."""
    parts = rel.split("/")
    if any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"not a plain repository path: {rel!r}")
    if not _AT:
        return _open_by_path(root, parts, noun)
    folders = _SCOPE.get()
    if folders is not None and folders.root == os.fspath(root):
        return _open_step(folders.folder(parts[:-1]), parts[-1], rel, last=True, noun=noun)
    fd = _open_root(root)
    try:
        for i, name in enumerate(parts):
            nxt = _open_step(fd, name, "/".join(parts[: i + 1]), i == len(parts) - 1, noun)
            os.close(fd)
            fd = nxt
        return fd
    except BaseException:
        os.close(fd)
        raise


def _open_by_path(root: Path, parts: list[str], noun: str = "tệp văn bản") -> int:
    """:func:`open_repo_file` where descriptors of folders cannot be opened from (Windows)."""
    path = root
    for i, name in enumerate(parts):
        path, here, last = path / name, "/".join(parts[: i + 1]), i == len(parts) - 1
        mode = os.lstat(path).st_mode
        target = os.readlink(path) if stat.S_ISLNK(mode) else None
        refused = _refusal(here, mode, target, folder=not last, noun=noun)
        if refused is not None:
            raise refused
        if stat.S_ISDIR(mode) == last:
            code = errno.EISDIR if last else errno.ENOTDIR
            raise OSError(code, os.strerror(code), here)
    fd = os.open(path, _FILE_FLAGS)
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise _refusal("/".join(parts), mode, None, folder=False, noun=noun) or IsADirectoryError(
            errno.EISDIR, os.strerror(errno.EISDIR), "/".join(parts))
    return fd


def read_repo_bytes(root: Path, rel: str, limit: int = MAX_FILE_BYTES,
                    noun: str = "tệp văn bản") -> bytes:
    """The bytes of the repository file *rel*, read safely (:func:`open_repo_file`; *noun*
    names what it should be in a refusal).

    The size is taken from the opened file (``fstat``), and at most *limit* + 1 bytes are read:
    a larger file raises :class:`RefusedFile` (E102) without being read into memory."""
    fd = open_repo_file(root, rel, noun)
    try:
        size = os.fstat(fd).st_size
        if size > limit:
            raise too_large(rel, size)
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise too_large(rel, None)
        return b"".join(chunks)
    finally:
        os.close(fd)


def check_repo_file(root: Path, rel: str) -> RefusedFile | None:
    """Why *rel* would be refused when read (a link, a special file, too large), without
    reading it; None when it is readable or missing."""
    try:
        fd = open_repo_file(root, rel)
    except RefusedFile as err:
        return err
    except OSError:
        return None
    try:
        size = os.fstat(fd).st_size
        return too_large(rel, size) if size > MAX_FILE_BYTES else None
    finally:
        os.close(fd)


def read_setting_text(root: Path, rel: str) -> str | None:
    """A settings or guide file of the repository as UTF-8 text (BOM kept, as Python reads it);
    None when it does not exist. Raises :class:`ContentError` (E108/E102 at the file) when it is
    refused, ``UnicodeDecodeError`` or ``OSError`` as reading would."""
    try:
        return read_repo_bytes(root, rel).decode("utf-8")
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None  # as a missing file: not a regular file at that path
    except RefusedFile as err:
        raise ContentError([err.problem()]) from None


# --------------------------------------------------------------------------------------------
# The walk: what the loader reads


@dataclass(frozen=True)
class MonthFolder:
    """One folder content/<year>/<name>/ that is a real folder (its name may be invalid)."""

    rel: str
    year: str
    name: str
    #: Names of the regular files the loader may read here: index.md, every ``*.md`` and the
    #: issuance record, sorted (section files with a bad name are reported, not read).
    files: tuple[str, ...]
    #: Every other regular file of the folder and of the folders below it (paths relative to
    #: this folder, sorted; links not followed, not listed): the images a body may show
    #: (baocao.images), which the build's change detection reads with the text.
    assets: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        """Read by the loader: a month 01–12 of a year in range (others are reported only)."""
        return MONTH_FOLDER.fullmatch(self.name) is not None and year_problem(int(self.year)) is None

    def reads(self) -> list[str]:
        """The files of this folder that are read: index.md, section files, the record."""
        return [f"{self.rel}/{n}" for n in self.files
                if n in ("index.md", RECORD_FILE) or SECTION_NAME.match(n)]

    def asset_paths(self) -> list[str]:
        """The repository paths of :attr:`assets`."""
        return [f"{self.rel}/{n}" for n in self.assets]


@dataclass(frozen=True)
class Listing:
    """What the loader reads of a repository, and the entries it refuses on the way."""

    #: ``content`` is "folder", "missing" (absent or not a folder) or "refused".
    content: str
    #: Names of the real folders of content/ named as a year (in range or not), sorted.
    years: tuple[str, ...]
    months: tuple[MonthFolder, ...]
    refused: tuple[RefusedFile, ...] = field(default=())

    def reads(self) -> list[str]:
        """Every file the loader and the issue lock read, in the order the loader reads them:
        organization.yaml, directives.yaml, then each valid month folder's files."""
        out = [ORG_FILE, DIRECTIVES_FILE]
        for month in self.months:
            if month.valid:
                out += month.reads()
        return out


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as it:
            return sorted(it, key=lambda e: e.name)
    except OSError:
        return []


def _refuse_entry(entry: os.DirEntry[str], rel: str, *, folder: bool) -> RefusedFile | None:
    """A link or special file among the entries the loader looks at (lstat: links not
    followed)."""
    try:
        mode = entry.stat(follow_symlinks=False).st_mode
    except OSError:
        return None
    target = None
    if stat.S_ISLNK(mode):
        try:
            target = os.readlink(entry.path)
        except OSError:
            target = None
    return _refusal(rel, mode, target, folder=folder)


#: How deep below a month folder its asset files are listed (content/2025/05/hinh/2025/a.png);
#: an image deeper than this is refused (baocao.images.image_rel), so the build's change
#: detection sees every image the loader reads.
ASSET_DEPTH = 4


def _assets(folder: Path, prefix: str, depth: int = 0) -> list[str]:
    """Regular files under *folder* (names prefixed by *prefix*), links neither followed nor
    listed, at most :data:`ASSET_DEPTH` folders down."""
    out: list[str] = []
    for entry in _entries(folder):
        if entry.is_symlink():
            continue
        if entry.is_dir(follow_symlinks=False):
            if depth < ASSET_DEPTH:
                out += _assets(Path(entry.path), f"{prefix}{entry.name}/", depth + 1)
        elif entry.is_file(follow_symlinks=False):
            out.append(prefix + entry.name)
    return out


def walk_repository(root: Path) -> Listing:
    """The files the loader reads under *root*, found without following any link.

    In ``content/``: every entry named as a year; in a year folder, every entry; in a month
    folder, ``*.md`` and the issuance record. Among those, a link or special file is refused
    (:attr:`Listing.refused`) and not listed."""
    root = Path(os.path.realpath(root))
    content = root / CONTENT_DIR
    try:
        mode = os.lstat(content).st_mode
    except OSError:
        return Listing("missing", (), ())
    if stat.S_ISLNK(mode):
        try:
            target: str | None = os.readlink(content)
        except OSError:
            target = None
        refused = _refusal(CONTENT_DIR, mode, target, folder=True)
        return Listing("refused", (), (), (refused,) if refused is not None else ())
    if not stat.S_ISDIR(mode):
        return Listing("missing", (), ())
    years: list[str] = []
    months: list[MonthFolder] = []
    refused_all: list[RefusedFile] = []
    for year in _entries(content):
        if not YEAR_FOLDER.fullmatch(year.name):
            continue
        rel_year = f"{CONTENT_DIR}/{year.name}"
        if not year.is_dir(follow_symlinks=False):
            if (r := _refuse_entry(year, rel_year, folder=True)) is not None:
                refused_all.append(r)
            continue
        years.append(year.name)
        for month in _entries(Path(year.path)):
            rel_month = f"{rel_year}/{month.name}"
            if not month.is_dir(follow_symlinks=False):
                if month.is_symlink() and (r := _refuse_entry(month, rel_month,
                                                               folder=True)) is not None:
                    refused_all.append(r)
                continue
            files: list[str] = []
            assets = _assets(Path(month.path), "")
            for entry in _entries(Path(month.path)):
                name = entry.name
                if Path(name).suffix.lower() != ".md" and name != RECORD_FILE:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    continue
                rel = f"{rel_month}/{name}"
                if (r := _refuse_entry(entry, rel, folder=False)) is not None:
                    refused_all.append(r)
                    continue
                files.append(name)
            assets = [a for a in assets if a not in files]
            months.append(MonthFolder(rel_month, year.name, month.name, tuple(files),
                                      tuple(assets)))
    return Listing("folder", tuple(years), tuple(months), tuple(refused_all))

