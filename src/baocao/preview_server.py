"""The preview's HTTP server: MkDocs' live-reload server (``mkdocs.livereload``: watchdog
polling, a long-poll endpoint that the injected script uses to reload the page), plus an error
banner over every page and an error page while there is no good build yet."""

from __future__ import annotations

import html
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from mkdocs.livereload import LiveReloadServer


@dataclass
class BuildState:
    """What the server shows: the last good build, and the error of the latest attempt."""

    error_lines: list[str] = field(default_factory=list)
    good_builds: int = 0
    docs_thread: threading.Thread | None = None


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
