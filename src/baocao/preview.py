"""The live preview (``baocao serve``): a builder that runs the same site build as ``baocao
build`` into a preview folder, and the HTTP server that shows it.

The builder (:class:`Preview`) loads and checks the repository and calls the library's
:func:`baocao.commands.build.build`: incremental (unchanged pages keep their HTML, documents and
search shards come from ``.baocao-cache/``), with the documents and the Pagefind index, published
by the same atomic swap. The issue lock is the build's own, so an issued report that changed is
an error here too. A save that changes nothing the site is made of builds nothing.

The server is MkDocs' live-reload server (``mkdocs.livereload``: watchdog polling, a long-poll
endpoint that the injected script uses to reload the page), plus an error banner over every page
while the latest build attempt failed (the last good build stays), and an error page that
reloads itself while there is no good build yet.
"""

from __future__ import annotations

import html
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from mkdocs.livereload import LiveReloadServer

from .commands.build import build, content_snapshot
from .load import load_repository
from .problems import ContentError, Problem
from .site_inputs import SiteBuildError
from .write.pandoc import PandocError

Say = Callable[[str], None]


@dataclass
class BuildState:
    """What the server shows: the last good build, and the error of the latest attempt."""

    error_lines: list[str] = field(default_factory=list)
    good_builds: int = 0


def _banner(lines: list[str]) -> bytes:
    items = "".join(f"<li><code>{html.escape(line)}</code></li>" for line in lines[:50])
    more = f"<p>… và {len(lines) - 50} dòng nữa (xem cửa sổ lệnh).</p>" if len(lines) > 50 else ""
    return (
        '<div id="baocao-preview-error" role="alert" style="position:sticky;top:0;z-index:1000;'
        "background:#fdecea;color:#611a15;border-bottom:3px solid #d32f2f;padding:.8em 1.2em;"
        'font:15px/1.5 sans-serif;max-height:50vh;overflow:auto">'
        "<strong>Bản xem trước chưa cập nhật: nội dung có lỗi.</strong> "
        "Trang đang hiện bản dựng tốt gần nhất; sửa các lỗi dưới đây rồi lưu tệp, trang sẽ tự "
        f'tải lại.<ul style="margin:.4em 0 0 1.2em">{items}</ul>{more}</div>'
    ).encode()


def _error_page(lines: list[str]) -> bytes:
    return (
        b'<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        b"<title>L\xe1\xbb\x97i n\xe1\xbb\x99i dung</title></head><body>"
        + _banner(lines)
        + b"</body></html>"
    )


class PreviewServer(LiveReloadServer):
    """MkDocs' live-reload server, plus an error banner and an error page."""

    state: BuildState

    def _inject_js_into_html(self, content: bytes, epoch: int) -> bytes:
        content = super()._inject_js_into_html(content, epoch)
        lines = self.state.error_lines
        if not lines:
            return content
        start = content.find(b"<body")
        end = content.find(b">", start) + 1 if start >= 0 else 0
        return content[:end] + _banner(lines) + content[end:]

    def _serve_request(self, environ: dict[str, Any],
                       start_response: Callable[..., Any]) -> Iterable[bytes] | None:
        path = environ.get("PATH_INFO", "")
        if (not self.state.good_builds and self.state.error_lines
                and not path.startswith("/livereload/")):
            with self._epoch_cond:
                epoch = self._visible_epoch
            body = self._inject_js_into_html(_error_page(self.state.error_lines), epoch)
            start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                      ("Content-Length", str(len(body)))])
            return [body]
        return super()._serve_request(environ, start_response)


class Preview:
    """Builds the preview into *out_dir* with the site build; keeps :attr:`state` for the server."""

    def __init__(self, root: Path, out_dir: Path, *, as_of: date | None, say: Say) -> None:
        self.root, self.out_dir, self.as_of, self.say = root, out_dir, as_of, say
        self.state = BuildState()
        self._last_shown: list[str] = []

    def rebuild(self) -> None:
        """One build attempt; never raises (a raising builder would stall the server)."""
        started = time.monotonic()
        try:
            # before reading: a save from now on makes the next rebuild's snapshot differ
            snapshot = content_snapshot(self.root)
            repo, problems = load_repository(self.root)
            errors: list[Problem] = [p for p in problems.sorted() if p.code.startswith("E")]
            if errors:
                raise ContentError(errors)
            result = build(repo, self.root, self.out_dir, as_of=self.as_of, snapshot=snapshot)
        except ContentError as exc:
            self._show_error([p.format() for p in exc.problems] + [f"Có {len(exc.problems)} lỗi."])
            return
        except (SiteBuildError, PandocError) as exc:
            self._show_error(str(exc).splitlines())
            return
        except Exception as exc:  # noqa: BLE001 - shown in the page; the server must keep running
            if os.environ.get("BAOCAO_DEBUG"):
                import traceback

                traceback.print_exc()
            self._show_error([f"Lỗi: {exc}"])
            return
        self.state.error_lines = []
        self.state.good_builds += 1
        self._last_shown = []
        if not result.unchanged:
            self.say(f"Đã dựng lại bản xem trước ({time.monotonic() - started:.1f} giây).")

    def _show_error(self, lines: list[str]) -> None:
        self.state.error_lines = lines
        if lines != self._last_shown:
            for line in lines:
                self.say(line)
            self.say("Bản xem trước giữ bản dựng tốt gần nhất; sửa lỗi rồi lưu tệp.")
            self._last_shown = lines
