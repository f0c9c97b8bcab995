"""``baocao serve``: live preview of the website on this machine.

The preview is the site build itself (:class:`baocao.preview.Preview` calls the library's
``build``, incremental, into a preview folder, with documents and search, published by the same
atomic swap); MkDocs' live-reload server (:class:`baocao.preview.PreviewServer`) serves that
folder and reloads the page after every build. It watches ``content/``, ``directives.yaml``,
``organization.yaml``, ``mkdocs.yml``, the editors' guide and ``templates/``; the build writes
only outside them (the preview folder, ``.baocao-cache/``), so a build never triggers another.

When anything fails, the previous preview stays and every served page carries the errors (file,
line, column, message) in a banner at its top, with the content's warnings and their hints; the
terminal shows the same lines. With no good build yet, the banner says so and every request gets
a page that holds only it and reloads itself once the content is fixed.

Ctrl+C and SIGTERM both stop it the same way: the preview folder is removed.
"""
from __future__ import annotations

import errno
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import ServeError as ServeError
from ..load import CONTENT_DIR, DIRECTIVES_FILE, ORG_FILE
from ..preview import Preview, PreviewServer
from ..render.site import GUIDE_SOURCE
from ..site_inputs import SITE_CONFIG

Say = Callable[[str], None]


def watched_paths(root: Path) -> list[Path]:
    """What the preview watches: the content, the task register, the site settings, the guide,
    and the templates (but not their fonts)."""
    names = [CONTENT_DIR, DIRECTIVES_FILE, ORG_FILE, SITE_CONFIG, GUIDE_SOURCE, "templates"]
    return [root / n for n in names if (root / n).exists()]


def serve(root: Path, *, host: str = "127.0.0.1", port: int = 8000, as_of: date | None = None,
          say: Say = print) -> None:
    """Build, serve and watch until interrupted (Ctrl+C)."""
    work = Path(tempfile.mkdtemp(prefix="baocao-serve-"))
    preview = Preview(root, work / "site", as_of=as_of, say=say)
    server = PreviewServer(builder=preview.rebuild, host=host, port=port,
                           root=str(work / "site"), polling_interval=0.25)
    server.state = preview.state
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
    previous = _stop_on_sigterm()
    try:
        say("Đang dựng bản xem trước…")
        preview.rebuild()
        say(f"Xem trước tại {server.url} (tự tải lại khi lưu tệp). Nhấn Ctrl+C để dừng.")
        server.serve()
    except KeyboardInterrupt:
        say("Đã dừng.")
    finally:
        server.shutdown()
        shutil.rmtree(work, ignore_errors=True)
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _stop_on_sigterm() -> Any:
    """Make SIGTERM (``kill``, a service manager, an editor's task runner stopping the preview)
    stop the server like Ctrl+C: Python's default for SIGTERM ends the process at once, without
    running the ``finally`` that removes the preview folder. Returns the previous handler, or
    None when not on the main thread (where alone Python can handle signals)."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, _interrupt)
