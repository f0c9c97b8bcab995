"""No link leads outside (issue 15, build item 2; DESIGN decision 13).

Each case is first set up on a copy of the shipped content the way an attacker or an unlucky
editor would (git stores symbolic links like files), and `baocao check`, `build` and `serve` are
run as a person runs them. The loader refuses every content, settings or guide file that is a
symbolic link or a special file, at its path with E108; sizes are checked on the opened file,
so /dev/zero cannot exhaust memory; the build's change detection reads exactly what the loader
reads.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, copy_shipped_repo

from baocao import repofiles
from baocao.commands.build import content_snapshot
from baocao.commands.check import check
from baocao.load import load_repository

#: A value only the build's environment holds (a CI secret).
SECRET = "baocao-ci-secret-5f3a9e"
GUIDE = "docs/huong-dan-bien-tap.md"
SECTION = "content/2023/09/05-thong-tin-dich-vu.md"
def link_line(rel: str, target: str | Path, *, folder: bool = False) -> str:
    """The E108 line of `check` for the link *rel* to *target* (long targets are shortened)."""
    what = "thư mục" if folder else "tệp"
    return (f"{rel}:1:1: E108: {what} là liên kết tượng trưng (symbolic link) tới "
            f"\"{repofiles.shown_target(str(target))}\"; công cụ không đọc nội dung qua liên "
            f"kết: hãy thay liên kết bằng chính {what} đó, nằm trong kho")


#: Run in the child before anything is imported: at most 1.5 GB of address space, so a read
#: without bound ends in MemoryError instead of taking the machine down.
_LIMITED = ("import resource, runpy, sys\n"
            "limit = 1536 * 1024 * 1024\n"
            "resource.setrlimit(resource.RLIMIT_AS, (limit, limit))\n"
            "sys.argv = ['baocao', *sys.argv[1:]]\n"
            "runpy.run_module('baocao', run_name='__main__')\n")


def baocao(root: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """`baocao --repo ROOT ARGS…` as a process with SECRET in its environment and 1.5 GB of
    address space at most."""
    env = dict(os.environ, BAOCAO_TEST_SECRET=SECRET, COLUMNS="200")
    return subprocess.run([sys.executable, "-c", _LIMITED, "--repo", str(root), *args],
                          capture_output=True, text=True, encoding="utf-8", env=env,
                          timeout=timeout, check=False)


def files_holding(root: Path, needle: str) -> list[str]:
    """Files under *root* (links not followed) whose bytes contain *needle*."""
    found = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(folder, d))]
        for name in names:
            path = Path(folder, name)
            if path.is_symlink() or not path.is_file():
                continue
            if needle.encode() in path.read_bytes():
                found.append(path.relative_to(root).as_posix())
    return found


def assert_refused(root: Path, line: str) -> None:
    """`check` and `build` both exit 1 naming *line*; the build wrote no site."""
    checked = baocao(root, "check")
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert line in checked.stdout.splitlines(), checked.stdout
    assert "Traceback" not in checked.stderr
    built = baocao(root, "build")
    assert built.returncode == 1, built.stdout + built.stderr
    assert line in built.stderr.splitlines(), built.stderr
    assert "Traceback" not in built.stderr
    assert not (root / "site").exists()


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    return copy_shipped_repo(tmp_path / "repo")


# --------------------------------------------------------------------------------------------
# The cases of issue 15


def test_guide_linked_to_the_build_environment_is_refused(shipped: Path):
    """`ln -s /proc/self/environ docs/huong-dan-bien-tap.md` published the build's whole
    environment in the guide page and the search index."""
    guide = shipped / GUIDE
    guide.unlink()
    guide.symlink_to("/proc/self/environ")
    assert_refused(shipped, link_line(GUIDE, "/proc/self/environ"))
    assert files_holding(shipped, SECRET) == []


def test_a_linked_guide_folder_is_refused(shipped: Path, tmp_path: Path):
    outside = tmp_path / "outside-docs"
    shutil.move(shipped / "docs", outside)
    (shipped / "docs").symlink_to(outside)
    assert_refused(shipped, link_line("docs", outside, folder=True))


@pytest.mark.parametrize("how", ["absolute", "relative"])
def test_section_file_linked_outside_the_repository_is_refused(shipped: Path, tmp_path: Path,
                                                              how: str):
    """A section file linked to a file outside the repository was included in the HTML and
    the DOCX."""
    section = shipped / SECTION
    outside = tmp_path / "outside" / section.name
    outside.parent.mkdir()
    outside.write_text(section.read_text(encoding="utf-8") + f"- Bí mật: {SECRET}.\n",
                       encoding="utf-8")
    section.unlink()
    target = str(outside) if how == "absolute" else os.path.relpath(outside, section.parent)
    section.symlink_to(target)
    assert_refused(shipped, link_line(SECTION, target))
    assert files_holding(shipped, SECRET) == []


def test_a_link_to_dev_zero_is_refused_without_reading_it(shipped: Path):
    """`ln -s /dev/zero content/2023/09/05-zero.md` read until memory ran out and ended with an
    empty "Lỗi: " (here the child has 1.5 GB of address space and a time limit)."""
    (shipped / "content/2023/09/05-zero.md").symlink_to("/dev/zero")
    (shipped / SECTION).unlink()
    assert_refused(shipped, link_line("content/2023/09/05-zero.md", "/dev/zero"))


def test_special_files_are_refused_without_waiting(shipped: Path):
    """A FIFO would block the read forever (until a writer comes); a socket cannot be read."""
    import socket

    os.mkfifo(shipped / "content/2023/09/17-fifo.md")
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(shipped / "content/2023/09/18-socket.md"))
        checked = baocao(shipped, "check", timeout=60)
    finally:
        sock.close()
    lines = checked.stdout.splitlines()
    assert checked.returncode == 1
    assert ("content/2023/09/17-fifo.md:1:1: E108: đây là ống dẫn (FIFO), không phải tệp văn bản "
            "thường; công cụ chỉ đọc tệp thường nằm trong kho: hãy xóa và thay bằng tệp văn bản"
            ) in lines
    assert any(ln.startswith("content/2023/09/18-socket.md:1:1: E108: đây là socket,")
               for ln in lines), lines


@pytest.mark.parametrize("folder", ["content/2023/09", "content/2023", "content"])
def test_a_linked_folder_is_refused_and_edits_are_never_missed(shipped: Path, tmp_path: Path,
                                                              folder: str):
    """A month folder that was a link was loaded, but its edits never triggered a rebuild
    ("Không có thay đổi"): the build's change detection did not follow the link."""
    outside = tmp_path / "outside" / folder.replace("/", "-")
    outside.parent.mkdir()
    shutil.move(shipped / folder, outside)
    target = os.path.relpath(outside, (shipped / folder).parent)  # as git stores it
    (shipped / folder).symlink_to(target)
    first = baocao(shipped, "build")
    section = outside / SECTION.removeprefix(folder + "/")
    section.write_text(section.read_text(encoding="utf-8") + "- Dòng mới.\n", encoding="utf-8")
    again = baocao(shipped, "build")
    assert "Không có thay đổi" not in again.stdout + again.stderr
    line = link_line(folder, target, folder=True)
    for built in (first, again):
        assert built.returncode == 1 and line in built.stderr.splitlines(), built.stderr
    assert_refused(shipped, line)


@pytest.mark.parametrize("name", ["organization.yaml", "directives.yaml", "mkdocs.yml"])
def test_linked_settings_are_refused(shipped: Path, tmp_path: Path, name: str):
    """The same file, valid, but behind a link to outside the repository."""
    outside = tmp_path / name
    shutil.move(shipped / name, outside)
    (shipped / name).symlink_to(outside)
    assert_refused(shipped, link_line(name, outside))


def test_serve_refuses_a_linked_guide(shipped: Path, monkeypatch: pytest.MonkeyPatch):
    from test_serve import Server, wait_for

    guide = shipped / GUIDE
    guide.unlink()
    guide.symlink_to("/proc/self/environ")
    monkeypatch.setenv("BAOCAO_TEST_SECRET", SECRET)
    srv = Server(shipped)
    try:
        wait_for(lambda: "Xem trước tại" in srv.output, 90, "the server")
        page = srv.page("/")
        assert "baocao-preview-error" in page and f"{GUIDE}:1:1: E108" in page
        assert SECRET not in page and SECRET not in srv.page("/huong-dan-bien-tap/")
    finally:
        srv.stop()
    assert f"{GUIDE}:1:1: E108" in srv.output and "Traceback" not in srv.output


# --------------------------------------------------------------------------------------------
# The reader itself


def test_size_is_checked_on_the_opened_file_and_the_read_is_bounded(tmp_path: Path):
    # /proc/self/environ says it is 0 bytes long: only a bounded read stops at the limit.
    assert os.stat("/proc/self/environ").st_size == 0
    with pytest.raises(repofiles.RefusedFile) as err:
        repofiles.read_repo_bytes(Path("/proc/self"), "environ", limit=8)
    assert (err.value.code, err.value.reason) == ("E102", "tệp quá lớn (hơn 5 MB; tối đa 5 MB)")
    (tmp_path / "a.md").write_bytes(b"x" * 9)
    with pytest.raises(repofiles.RefusedFile):
        repofiles.read_repo_bytes(tmp_path, "a.md", limit=8)
    assert repofiles.read_repo_bytes(tmp_path, "a.md", limit=9) == b"x" * 9


def test_a_link_swapped_in_after_the_walk_is_still_refused(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch):
    """The open itself does not follow links (O_NOFOLLOW at each step), whatever lstat saw."""
    (tmp_path / "content").mkdir()
    (tmp_path / "secret").write_text("bí mật", encoding="utf-8")
    (tmp_path / "content" / "a.md").symlink_to(tmp_path / "secret")
    real_stat = os.stat

    def stale_stat(path, *args, **kwargs):  # what lstat saw before the swap: a regular file
        result = real_stat(path, *args, **kwargs)
        if path == "a.md":
            return real_stat(tmp_path / "secret")
        return result

    monkeypatch.setattr(repofiles.os, "stat", stale_stat)
    with pytest.raises(repofiles.RefusedFile) as err:
        repofiles.read_repo_bytes(tmp_path, "content/a.md")
    assert err.value.rel == "content/a.md" and err.value.code == "E108"


@pytest.mark.parametrize("at", [True, False], ids=["dir-fd", "by-path"])
def test_the_reader_refuses_links_at_any_depth(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               at: bool):
    """Both ways of opening (relative to folder descriptors; by path where the platform has
    none, Windows) refuse the same."""
    monkeypatch.setattr(repofiles, "_AT", at)
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "a.md").write_text("bí mật", encoding="utf-8")
    (tmp_path / "content" / "2023" / "09").mkdir(parents=True)
    (tmp_path / "content" / "2023" / "09" / "b.md").write_text("ok", encoding="utf-8")
    (tmp_path / "content" / "2023" / "10").symlink_to(tmp_path / "secret")
    (tmp_path / "content" / "2023" / "09" / "c.md").symlink_to("b.md")
    os.mkfifo(tmp_path / "content" / "2023" / "09" / "d.md")
    assert repofiles.read_repo_bytes(tmp_path, "content/2023/09/b.md") == b"ok"
    for rel, blamed in (("content/2023/10/a.md", "content/2023/10"),
                        ("content/2023/09/c.md", "content/2023/09/c.md"),
                        ("content/2023/09/d.md", "content/2023/09/d.md")):
        with pytest.raises(repofiles.RefusedFile) as err:
            repofiles.read_repo_bytes(tmp_path, rel)
        assert (err.value.rel, err.value.code) == (blamed, "E108")
    with pytest.raises(FileNotFoundError):
        repofiles.read_repo_bytes(tmp_path, "content/2023/09/e.md")
    with pytest.raises(IsADirectoryError):
        repofiles.read_repo_bytes(tmp_path, "content/2023")


def _folder_opens(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    opened: list[str] = []
    real = os.open

    def recording(path, flags, *args, **kwargs):
        if flags & os.O_DIRECTORY:
            opened.append(os.fspath(path))
        return real(path, flags, *args, **kwargs)

    monkeypatch.setattr(repofiles.os, "open", recording)
    return opened


def test_many_files_are_read_with_each_folder_opened_once(shipped: Path,
                                                          monkeypatch: pytest.MonkeyPatch):
    """The loader, the build's content snapshot and the issue lock read the 18 files of
    content/2023/09 opening content/, 2023/ and 09/ once (one walk per folder, not per file),
    and still refuse a folder that is a link, for every file in it."""
    from baocao.lock import ensure_issued_unchanged

    opened = _folder_opens(monkeypatch)
    repo, problems = load_repository(shipped)
    assert not problems.errors
    assert sorted(opened) == sorted(set(opened)) and {"content", "2023", "09"} <= set(opened)
    for work in (lambda: content_snapshot(shipped),
                 lambda: ensure_issued_unchanged(repo, shipped.resolve())):
        opened.clear()
        work()
        assert sorted(opened) == sorted(set(opened)) and {"content", "2023", "09"} <= set(opened)
    with repofiles.reading(shipped):
        a = repofiles.read_repo_bytes(shipped, "content/2023/09/index.md")
        shutil.move(shipped / "content/2023/09", shipped / "elsewhere")
        (shipped / "content/2023/09").symlink_to("../../elsewhere")
    with repofiles.reading(shipped):
        for name in ("index.md", "01-thuc-hien-nhiem-vu-giao.md"):
            with pytest.raises(repofiles.RefusedFile) as err:
                repofiles.read_repo_bytes(shipped, f"content/2023/09/{name}")
            assert (err.value.rel, err.value.code) == ("content/2023/09", "E108")
    assert a == (shipped / "elsewhere/index.md").read_bytes()


# --------------------------------------------------------------------------------------------
# Change detection sees exactly what the loader reads


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    real = repofiles.read_repo_bytes

    def recording(root: Path, rel: str, *args, **kwargs) -> bytes:
        seen.append(rel)
        return real(root, rel, *args, **kwargs)

    monkeypatch.setattr(repofiles, "read_repo_bytes", recording)
    return seen


def test_the_snapshot_reads_exactly_what_the_loader_reads(shipped: Path,
                                                          monkeypatch: pytest.MonkeyPatch):
    # A record beside the report (the issue lock reads it), an attachment, a note in a year
    # folder and a year out of range: none is overlooked or read in excess.
    month = shipped / "content/2023/09"
    (month / repofiles.RECORD_FILE).write_text("{}", encoding="utf-8")
    (month / "phu-luc.pdf").write_bytes(b"%PDF-")
    (shipped / "content/2023/ghi-chu.md").write_text("x", encoding="utf-8")
    (shipped / "content/0000/01").mkdir(parents=True)  # a year out of range: reported, not read
    shutil.copy(month / "index.md", shipped / "content/0000/01/index.md")
    seen = _reads(monkeypatch)
    check(shipped)
    loader = set(seen)
    seen.clear()
    content_snapshot(shipped)
    snapshot = set(seen)
    # every file of a report folder is read too: a body may show it as an image (issue 17),
    # and the loader reads only the images the bodies name
    assert snapshot == loader | {f"content/2023/09/{repofiles.RECORD_FILE}", GUIDE,
                                 "content/2023/09/phu-luc.pdf"}
    assert repofiles.SITE_CONFIG_FILE in loader  # the settings are content's: checked and snapshot
    assert "content/2023/09/05-thong-tin-dich-vu.md" in loader
    assert "content/2023/09/phu-luc.pdf" not in loader
    assert "content/0000/01/index.md" not in snapshot
    # And each file the loader reads changes the snapshot when it changes.
    before = content_snapshot(shipped)
    for rel in sorted(loader):
        path = shipped / rel
        data = path.read_bytes()
        path.write_bytes(data + b"\n")
        assert content_snapshot(shipped) != before, rel
        path.write_bytes(data)
    assert content_snapshot(shipped) == before


def test_the_loader_and_the_snapshot_share_one_walk(shipped: Path, tmp_path: Path):
    outside = tmp_path / "outside-09"
    shutil.move(shipped / "content/2023/09", outside)
    (shipped / "content/2023/09").symlink_to(outside)
    listing = repofiles.walk_repository(shipped)
    assert [r.rel for r in listing.refused] == ["content/2023/09"]
    assert [m.rel for m in listing.months] == ["content/2025/05"]  # the other shipped report
    _, problems = load_repository(shipped)
    assert [p.format() for p in problems.errors] == [
        link_line("content/2023/09", outside, folder=True)]


def test_names_are_shared_with_their_users():
    from baocao import load, site_inputs
    from baocao.render import site

    assert site.GUIDE_SOURCE == repofiles.GUIDE_FILE
    assert site_inputs.SITE_CONFIG == repofiles.SITE_CONFIG_FILE
    assert load.MAX_FILE_BYTES == repofiles.MAX_FILE_BYTES
    assert re.fullmatch(repofiles.SECTION_NAME, "03-nghien-cuu-khoa-hoc.md")
    assert ROOT.joinpath(GUIDE).is_file()
