"""The live preview (``baocao serve``): a builder that runs the same site build as ``baocao
build`` into a preview folder, and the HTTP server that shows it.

The builder (:class:`Preview`) loads and checks the repository and calls the library's
:func:`baocao.commands.build.build`: incremental (unchanged pages keep their HTML, documents and
search shards come from ``.baocao-cache/``), with the documents and the Pagefind index, published
by the same atomic swap. The issue lock is the build's own, so an issued report that changed is
an error here too. A save that changes nothing the site is made of builds nothing.

The server is MkDocs' live-reload server (``mkdocs.livereload``: watchdog polling, a long-poll
endpoint that the injected script uses to reload the page), plus one banner at the top of every
page (:func:`banner`): the errors of the latest failed attempt over the last good build, or, while
there is no good build yet, over an empty page that says so and reloads itself; and the content's
warnings with their hints, as ``baocao check`` prints them.
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
    """What the server shows: the last good build, the error of the latest attempt and the
    warnings of the content (with their "có phải ý bạn là …?" hints, as ``check`` prints them)."""

    error_lines: list[str] = field(default_factory=list)
    warning_lines: list[str] = field(default_factory=list)
    good_builds: int = 0
    #: How many errors ``error_lines`` shows (a tool's message of several lines is one).
    error_count: int = 0


#: At most this many lines of each kind in the page; the terminal has them all.
BANNER_LINES = 50


def _items(lines: list[str]) -> str:
    items = "".join(f"<li><code>{html.escape(line)}</code></li>" for line in lines[:BANNER_LINES])
    more = (f"<p>… và {len(lines) - BANNER_LINES} dòng nữa (xem cửa sổ lệnh).</p>"
            if len(lines) > BANNER_LINES else "")
    return f'<ul style="margin:.4em 0 0 1.2em;padding:0">{items}</ul>{more}'


def banner(state: BuildState) -> bytes:
    """The one banner at the top of every served page: the errors of the latest attempt (and
    whether an earlier build is what the page shows) and the content's warnings; empty when
    there is nothing to say."""
    errors, warnings = state.error_lines, state.warning_lines
    if not errors and not warnings:
        return b""
    if errors and state.good_builds:
        head = ("<strong>Bản xem trước chưa cập nhật: nội dung có lỗi.</strong> Trang đang hiện "
                "bản dựng tốt gần nhất; sửa các lỗi dưới đây rồi lưu tệp, trang sẽ tự tải lại.")
    elif errors:
        head = ("<strong>Chưa dựng được bản xem trước: nội dung có lỗi.</strong> Sửa các lỗi "
                "dưới đây rồi lưu tệp, trang web sẽ tự hiện ra.")
    else:
        head = (f"<strong>Nội dung có {len(warnings)} cảnh báo</strong> (bản xem trước vẫn được "
                "dựng; baocao check cũng liệt kê chúng).")
    body = ""
    if errors:
        body = (f'<p style="margin:.2em 0 0">Có {state.error_count} lỗi và {len(warnings)} cảnh báo.</p>'
                + _items(errors))
    if warnings:
        # open while short; a long list stays one line until asked for
        body += (f'<details{" open" if len(warnings) <= 3 else ""} style="margin-top:.2em">'
                 f"<summary>{len(warnings)} cảnh báo</summary>{_items(warnings)}</details>")
    # errors stay in sight while scrolling; warnings alone stay at the top of the page
    style = ("position:sticky;top:0;z-index:1000;background:#fdecea;color:#611a15;"
             "border-bottom:3px solid #d32f2f" if errors else
             "background:#fff8e1;color:#4e3b00;border-bottom:3px solid #f9a825")
    return (
        f'<div id="baocao-preview-{"error" if errors else "warnings"}" '
        f'role="{"alert" if errors else "status"}" '
        f'style="{style};padding:.8em 1.2em;font:15px/1.5 sans-serif;max-height:50vh;'
        f'overflow:auto;overflow-wrap:anywhere">{head}{body}</div>'
    ).encode()


#: While there is no good build, every page is this one; the banner says why.
_NO_BUILD_PAGE = (
    '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width,initial-scale=1">'
    "<title>Chưa có bản xem trước</title></head><body style=\"margin:0\"></body></html>"
).encode()


class PreviewServer(LiveReloadServer):
    """MkDocs' live-reload server, plus an error banner and an error page."""

    state: BuildState

    def _inject_js_into_html(self, content: bytes, epoch: int) -> bytes:
        content = super()._inject_js_into_html(content, epoch)
        top = banner(self.state)
        if not top:
            return content
        start = content.find(b"<body")
        end = content.find(b">", start) + 1 if start >= 0 else 0
        return content[:end] + top + content[end:]

    def _serve_request(self, environ: dict[str, Any],
                       start_response: Callable[..., Any]) -> Iterable[bytes] | None:
        path = environ.get("PATH_INFO", "")
        if (not self.state.good_builds and self.state.error_lines
                and not path.startswith("/livereload/")):
            with self._epoch_cond:
                epoch = self._visible_epoch
            body = self._inject_js_into_html(_NO_BUILD_PAGE, epoch)
            start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                      ("Content-Length", str(len(body)))])
            return [body]
        return super()._serve_request(environ, start_response)


class Preview:
    """Builds the preview into *out_dir* with the site build; keeps :attr:`state` for the server."""

    def __init__(self, root: Path, out_dir: Path, *, as_of: date | None, say: Say) -> None:
        self.root, self.out_dir, self.as_of, self.say = root, out_dir, as_of, say
        self.state = BuildState()
        self._last_shown: tuple[list[str], list[str]] = ([], [])

    def rebuild(self) -> None:
        """One build attempt; never raises (a raising builder would stall the server)."""
        started = time.monotonic()
        warnings: list[Problem] = []
        try:
            # before reading: a save from now on makes the next rebuild's snapshot differ
            snapshot = content_snapshot(self.root)
            repo, problems = load_repository(self.root)
            ordered = problems.sorted()
            warnings = [p for p in ordered if not p.code.startswith("E")]
            errors: list[Problem] = [p for p in ordered if p.code.startswith("E")]
            if errors:
                raise ContentError(errors)
            result = build(repo, self.root, self.out_dir, as_of=self.as_of, snapshot=snapshot)
        except ContentError as exc:
            self._show([p.format() for p in exc.problems], warnings)
            return
        except (SiteBuildError, PandocError) as exc:
            self._show(str(exc).splitlines(), warnings, count=1)
            return
        except Exception as exc:  # noqa: BLE001 - shown in the page; the server must keep running
            if os.environ.get("BAOCAO_DEBUG"):
                import traceback

                traceback.print_exc()
            self._show([f"Lỗi: {exc}"], warnings)
            return
        self.state.good_builds += 1
        self._show([], warnings + result.warnings)
        if not result.unchanged:
            self.say(f"Đã dựng lại bản xem trước ({time.monotonic() - started:.1f} giây).")

    def _show(self, errors: list[str], warnings: list[Problem], *, count: int | None = None) -> None:
        """Keep what the page shows; write it in the terminal when it changed. *errors* are
        lines; *count* is how many errors they are (one a line unless said)."""
        lines = [p.format() for p in warnings]
        shown = (errors, lines)
        self.state.error_lines, self.state.warning_lines = errors, lines
        self.state.error_count = len(errors) if count is None else count
        if shown == self._last_shown:
            return
        self._last_shown = shown
        for line in errors + lines:
            self.say(line)
        if errors:
            self.say(f"Có {self.state.error_count} lỗi và {len(lines)} cảnh báo. "
                     + ("Bản xem trước giữ bản dựng tốt gần nhất; sửa lỗi rồi lưu tệp."
                        if self.state.good_builds else
                        "Chưa có bản xem trước; sửa lỗi rồi lưu tệp."))
        elif lines:
            self.say(f"Không có lỗi ({len(lines)} cảnh báo).")
