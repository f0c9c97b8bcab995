"""``baocao serve``: live preview of the website on this machine (the builder is
:mod:`baocao.write.preview`, the server :mod:`baocao.preview_server`).

MkDocs' own live-reload server (``mkdocs.livereload.LiveReloadServer``: watchdog polling, a
long-poll endpoint that the injected script uses to reload the page) serves the last good build
from a folder that a symlink points at. On every change to ``content/``, ``directives.yaml``,
``organization.yaml``, ``mkdocs.yml``, the editors' guide or ``templates/``, the builder:

1. loads and checks the repository (issued reports included: a locked report that changed is an
   error here too);
2. renders the site pages (``render.site``, as ``baocao build`` does) and builds them in-process
   with MkDocs (``--strict`` semantics) into a fresh folder;
3. swaps the symlink: the new site appears at once, and the browser reloads.

When anything fails, the previous site stays and every served page carries the error (file, line,
message) in a banner at its top; the terminal shows the same lines. With no good build yet, every
request gets an error page that reloads itself once the content is fixed.

Documents are slow (pandoc, typst), so a page rebuild does not wait for them: pages link the DOCX
and PDF already in the document cache; missing ones are built in a background thread, and the
site is rebuilt (and the page reloaded) when they are ready.
"""

from __future__ import annotations

import errno
import shutil
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from ..load import CONTENT_DIR, DIRECTIVES_FILE, ORG_FILE
from ..preview_server import PreviewServer
from ..render.site import GUIDE_SOURCE
from ..site_inputs import SITE_CONFIG
from ..write.preview import Preview

Say = Callable[[str], None]


class ServeError(Exception):
    """The preview server could not start (message in Vietnamese)."""


def watched_paths(root: Path) -> list[Path]:
    """What the preview watches: the content, the task register, the site settings, the guide,
    and the templates (but not their fonts)."""
    names = [CONTENT_DIR, DIRECTIVES_FILE, ORG_FILE, SITE_CONFIG, GUIDE_SOURCE, "templates"]
    return [root / n for n in names if (root / n).exists()]


def serve(root: Path, *, host: str = "127.0.0.1", port: int = 8000, as_of: date | None = None,
          say: Say = print) -> None:
    """Build, serve and watch until interrupted (Ctrl+C)."""
    work = Path(tempfile.mkdtemp(prefix="baocao-serve-"))
    preview = Preview(root, work, as_of=as_of, say=say)
    (work / "empty").mkdir()
    (work / "current").symlink_to("empty")
    server = PreviewServer(builder=preview.rebuild, host=host, port=port,
                           root=str(work / "current"), polling_interval=0.25)
    server.state = preview.state
    preview.server = server
    for path in watched_paths(root):
        server.watch(str(path))
    try:
        server.server_bind()  # fail early (port in use) before the first build
    except OSError as exc:
        server.server_close()
        shutil.rmtree(work, ignore_errors=True)
        if exc.errno == errno.EADDRINUSE:
            raise ServeError(f"cổng {port} đang được dùng; chọn cổng khác, ví dụ --port "
                             f"{port + 1}") from None
        raise ServeError(f"không mở được máy chủ tại {host}:{port} ({exc.strerror})") from None
    server.server_bind = lambda: None  # type: ignore[method-assign]  # bound above
    say("Đang dựng bản xem trước…")
    preview.rebuild()
    say(f"Xem trước tại {server.url} (tự tải lại khi lưu tệp). Nhấn Ctrl+C để dừng.")
    try:
        server.serve()
    except KeyboardInterrupt:
        say("Đã dừng.")
    finally:
        server.shutdown()
        shutil.rmtree(work, ignore_errors=True)
