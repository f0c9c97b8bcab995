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
#: Saving a file shows in the page within about 2 s; the budget leaves room for a loaded CI
#: machine (the measured time is printed; scripts/bench.py is where speed is measured).
BUDGET = 6.0


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

    # The documents follow in the background; the page then links them.
    wait_for(lambda: "bao-cao-2023-09.docx" in server.page(), 120, "the document links")
    with urllib.request.urlopen(f"{server.url}/2023/09/bao-cao-2023-09.docx", timeout=30) as r:
        assert r.read(2) == b"PK"
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
