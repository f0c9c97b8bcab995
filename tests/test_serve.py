"""``baocao serve``: a real server in a subprocess, fetched over HTTP while files change."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import ROOT, edit_text

SECTION = "content/2023/09/03-nghien-cuu-khoa-hoc.md"
#: Saving a file shows in the page within about 3 s (the preview is the incremental build: the
#: changed report's DOCX and PDF and its search shard are rebuilt too); the budget leaves room for
#: a loaded CI machine (the measured time is printed; scripts/bench.py is where speed is measured).
BUDGET = 10.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, timeout: float = 30) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as resp:  # noqa: S310 - localhost
        return resp.read().decode("utf-8")


def wait_for(predicate: Callable[[], bool], timeout: float, what: str) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            if predicate():
                return time.monotonic() - start
        except OSError:
            pass
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class Server:
    def __init__(self, root: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, PYTHONUNBUFFERED="1", COLUMNS="200")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "baocao.cli", "--repo", str(root), "serve", "--port",
             str(self.port), "--as-of", "2023-10-20"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True,
            encoding="utf-8")
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def page(self, path: str = "/2023/09/") -> str:
        return fetch(self.url + path)

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


@pytest.fixture
def preview_repo(repo_copy: Path) -> Path:
    shutil.copy(ROOT / "mkdocs.yml", repo_copy / "mkdocs.yml")
    (repo_copy / "docs").mkdir()
    shutil.copy(ROOT / "docs" / "huong-dan-bien-tap.md", repo_copy / "docs" / "huong-dan-bien-tap.md")
    return repo_copy


@pytest.fixture
def server(preview_repo: Path) -> Iterator[Server]:
    srv = Server(preview_repo)
    try:
        wait_for(lambda: "Xem trước tại" in srv.output, 90, "the first build")
        yield srv
    finally:
        srv.stop()


def _epoch(page: str) -> int:
    m = re.search(r"livereload\((\d+), \d+\)", page)
    assert m, "the live-reload script is not in the page"
    return int(m.group(1))


def test_serve_rebuilds_reloads_and_survives_errors(server: Server, preview_repo: Path):
    page = server.page()
    assert "Hoàn thành việc tổ chức 14 Hội đồng" in page
    assert "baocao-preview-error" not in page
    assert "Lưu trữ báo cáo công tác tháng" in server.page("/")

    # The browser's long poll answers with a newer epoch when the site was rebuilt.
    epoch = _epoch(page)
    answer: list[str] = []
    poll = threading.Thread(target=lambda: answer.append(
        fetch(f"{server.url}/livereload/{epoch}/1", timeout=60)))
    poll.start()

    edit_text(preview_repo / SECTION, "Hoàn thành việc tổ chức 14 Hội đồng",
              "Hoàn thành việc tổ chức 15 Hội đồng")
    took = wait_for(lambda: "tổ chức 15 Hội đồng" in server.page(), BUDGET, "the edited section")
    print(f"section change visible after {took:.2f} s")
    poll.join(timeout=BUDGET)
    assert answer and int(answer[0]) > epoch, "the page would not reload"

    # directives.yaml: the task register page shows the change.
    edit_text(preview_repo / "directives.yaml", "V/v áp dụng định mức chi tiêu",
              "V/v áp dụng định mức chi tiêu (đã sửa)")
    took = wait_for(lambda: "định mức chi tiêu (đã sửa)" in server.page("/nhiem-vu/"), BUDGET,
                    "the edited task")
    print(f"directives.yaml change visible after {took:.2f} s")

    # A content error: shown in the page (file, line, code) over the last good site, and in the
    # terminal; the server keeps running.
    edit_text(preview_repo / SECTION, 'number: "III.1"', 'number: "III.1')
    wait_for(lambda: "baocao-preview-error" in server.page(), BUDGET, "the error banner")
    page = server.page()
    banner = page[page.index("baocao-preview-error"):]
    assert re.search(r"content/2023/09/03-nghien-cuu-khoa-hoc\.md:\d+:\d+: E101", banner)
    assert "tổ chức 15 Hội đồng" in page  # the last good build is still served
    assert "baocao-preview-error" in server.page("/nhiem-vu/")
    wait_for(lambda: re.search(r"03-nghien-cuu-khoa-hoc\.md:\d+:\d+: E101", server.output)
             is not None, 5, "the error in the terminal")
    assert server.proc.poll() is None

    # Fixed: the banner goes, the new text shows.
    edit_text(preview_repo / SECTION, 'number: "III.1', 'number: "III.1"')
    edit_text(preview_repo / SECTION, "15 Hội đồng", "16 Hội đồng")
    wait_for(lambda: "tổ chức 16 Hội đồng" in (p := server.page())
             and "baocao-preview-error" not in p, BUDGET, "the fixed page")
    assert server.proc.poll() is None

    # The preview is the build: the page links the documents, which carry the saved text.
    assert "bao-cao-2023-09.docx" in server.page()
    assert "tổ chức 16 Hội đồng" in _docx_text(_fetch_bytes(f"{server.url}/2023/09/bao-cao-2023-09.docx"))
    with urllib.request.urlopen(f"{server.url}/2023/09/bao-cao-2023-09.pdf", timeout=30) as r:
        assert r.read(5) == b"%PDF-"
    assert "tổ chức 16 Hội đồng" in fetch(f"{server.url}/2023/09/bao-cao-2023-09.md")
    assert "Traceback" not in server.output
    assert server.stop() in (0, 130, -signal.SIGINT)


def test_serve_starts_on_broken_content_and_recovers(preview_repo: Path):
    section = preview_repo / SECTION
    good = section.read_text(encoding="utf-8")
    section.write_text(good.replace("- Hoàn thành việc", "- Hoàn thành <b>việc</b>"),
                       encoding="utf-8")
    srv = Server(preview_repo)
    try:
        wait_for(lambda: "Xem trước tại" in srv.output, 90, "the server")
        page = srv.page("/")
        assert "baocao-preview-error" in page and "E503" in page
        assert "03-nghien-cuu-khoa-hoc.md" in page
        assert "livereload(" in page  # the error page reloads itself once fixed
        section.write_text(good, encoding="utf-8")
        wait_for(lambda: "Hoàn thành việc tổ chức 14 Hội đồng" in srv.page("/2023/09/"),
                 BUDGET, "the site after the fix")
        assert srv.proc.poll() is None
    finally:
        srv.stop()
    assert "E503" in srv.output and "Traceback" not in srv.output


def test_serve_on_a_busy_port_is_a_clear_error(preview_repo: Path):
    from click.testing import CliRunner

    from baocao.cli import cli

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(cli, ["--repo", str(preview_repo), "serve", "--port", str(port)])
    assert result.exit_code == 1
    assert f"Lỗi: cổng {port} đang được dùng; chọn cổng khác, ví dụ --port {port + 1}" in result.output
    assert "Traceback" not in result.output


def _cpu_seconds(pid: int) -> float:
    """CPU time of *pid* and its waited-for children (user + system), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
    return (utime + stime + cutime + cstime) / os.sysconf("SC_CLK_TCK")


def _fetch_bytes(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as resp:  # noqa: S310 - localhost
        return resp.read()


def _docx_text(data: bytes) -> str:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    return re.sub(r"<[^>]+>", "", xml)


def _served_search_records(url: str) -> list[dict]:
    """Every record of the Pagefind index the preview serves, fetched over HTTP as the search
    box does: the entry file names the language's metadata, whose hashes name the page
    fragments (each gzip: "pagefind_dcd" + JSON with the record's URL and text)."""
    import gzip
    import json
    import urllib.error

    entry = json.loads(_fetch_bytes(f"{url}/pagefind/pagefind-entry.json"))
    records = []
    for language in entry["languages"].values():
        meta = gzip.decompress(_fetch_bytes(f"{url}/pagefind/pagefind.{language['hash']}.pf_meta"))
        assert meta.startswith(b"pagefind_dcd")
        prefix = language["hash"].rsplit("_", 1)[0].encode()
        # the metadata also names filter and index chunks: only pages have a fragment
        for name in sorted(set(re.findall(prefix + rb"_[0-9a-f]{7}", meta))):
            try:
                data = _fetch_bytes(f"{url}/pagefind/fragment/{name.decode()}.pf_fragment")
            except urllib.error.HTTPError as exc:
                assert exc.code == 404
                continue
            data = gzip.decompress(data)
            assert data.startswith(b"pagefind_dcd")
            records.append(json.loads(data[len(b"pagefind_dcd"):]))
        assert len(records) == language["page_count"] > 0
    return records


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_two_saves_a_second_apart_both_reach_the_preview_and_it_settles(preview_repo: Path):
    """Seen once: two saves one second apart while `serve` ran left the preview rebuilding every
    second at 65-80 % CPU, and its DOCX gave 404. Both saves must show (page and DOCX), and the
    server must go quiet afterwards."""
    srv = Server(preview_repo)
    try:
        wait_for(lambda: "Xem trước tại" in srv.output, 120, "the first build")
        wait_for(lambda: "bao-cao-2023-09.docx" in srv.page(), 120, "the document links")
        edit_text(preview_repo / SECTION, "Hoàn thành việc tổ chức 14 Hội đồng",
                  "Hoàn thành việc tổ chức 15 Hội đồng")
        time.sleep(1)
        edit_text(preview_repo / SECTION, "tổ chức 15 Hội đồng", "tổ chức 16 Hội đồng")
        wait_for(lambda: "tổ chức 16 Hội đồng" in srv.page(), 60, "the second save in the page")
        docx = f"{srv.url}/2023/09/bao-cao-2023-09.docx"
        wait_for(lambda: "tổ chức 16 Hội đồng" in _docx_text(_fetch_bytes(docx)), 120,
                 "the second save in the DOCX")
        assert "tổ chức 16 Hội đồng" in fetch(f"{srv.url}/2023/09/bao-cao-2023-09.md")
        assert _fetch_bytes(f"{srv.url}/2023/09/bao-cao-2023-09.pdf")[:5] == b"%PDF-"
        # The preview searches: the served index holds the section as it is now.
        report = [r for r in _served_search_records(srv.url) if r["url"].startswith("/2023/09/")]
        found = [r for r in report if "tổ chức 16 Hội đồng" in r["content"]]
        # (a record's path is its section's URL in disguise: baocao.write.search_records.record_path)
        assert len(found) == 1 and found[0]["url"].startswith("/2023/09/_/"), found
        assert not [r for r in report if re.search("tổ chức 1[45] Hội đồng", r["content"])]

        # Settled: no more builds, and the server idles (the loop took 65-80 % of a core).
        time.sleep(3)
        builds = srv.output.count("Đã dựng lại bản xem trước")
        cpu = _cpu_seconds(srv.proc.pid)
        time.sleep(6)
        used = _cpu_seconds(srv.proc.pid) - cpu
        assert srv.output.count("Đã dựng lại bản xem trước") == builds, srv.output
        assert used < 1.5, f"the idle preview used {used:.1f} s of CPU in 6 s"
        assert "tổ chức 16 Hội đồng" in srv.page()
        assert srv.proc.poll() is None and "Traceback" not in srv.output
    finally:
        srv.stop()
