"""The site engine (mkdocs-material), run as ``python -m baocao.write.engine`` in a process of its
own that starts before the tree is ready (see :mod:`baocao.write.engine`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from ..site_inputs import SITE_CONFIG, SiteBuildError


def engine_command(config: Path, site_dir: Path) -> list[str]:
    """The site engine's command line (mkdocs-material; strict: any warning fails the build).

    ``baocao.write.engine`` is ``mkdocs build`` that starts before the tree is ready and keeps
    the compiled templates between builds. :class:`Engine` gives it ``--clean`` or, when pages
    were taken over from the previous site, ``--dirty``: only the pages whose source is newer
    than their HTML in *site_dir* are rendered (see :func:`baocao.write.site_tree.reuse_pages`)."""
    return [sys.executable, "-m", "baocao.write.engine", "--strict",
            "--config-file", str(config), "--site-dir", str(site_dir)]


class Engine:
    """The site engine, started as soon as the tree's folder exists, so that its start (Python,
    MkDocs and Material imports) overlaps the documents and the rendering; :meth:`run` gives it
    the go. :meth:`stop` ends it when the build fails before that (an engine whose build
    process was killed sees its stdin close and ends too)."""

    def __init__(self, tree: Path, site_dir: Path, *, template_cache: Path | None = None) -> None:
        from .engine import TEMPLATE_CACHE_ENV, WAIT_ENV

        env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONIOENCODING="utf-8")
        env[WAIT_ENV] = "1"
        env.pop(TEMPLATE_CACHE_ENV, None)
        if template_cache is not None:
            env[TEMPLATE_CACHE_ENV] = str(template_cache)
        try:
            self.proc: subprocess.Popen[str] | None = subprocess.Popen(
                engine_command(tree / SITE_CONFIG, site_dir), stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
                errors="replace", cwd=tree, env=env)
        except OSError as exc:
            raise SiteBuildError(f"không chạy được mkdocs: {exc}") from None
        self._thread: threading.Thread | None = None
        self._output: tuple[str, str] = ("", "")

    def start(self, *, dirty: bool = False) -> None:
        """Give the go: the engine builds while this process goes on (:meth:`finish` waits)."""
        proc = self.proc
        assert proc is not None and self._thread is None, "the engine runs once"
        go = json.dumps(["--dirty" if dirty else "--clean"]) + "\n"

        def talk() -> None:
            try:
                self._output = proc.communicate(go)
            except (BrokenPipeError, ValueError, OSError):
                # It ended before reading (it failed: its output says why).
                self._output = proc.communicate()

        self._thread = threading.Thread(target=talk, daemon=True)
        self._thread.start()

    def finish(self) -> str:
        """Wait for the engine; return its output, raise SiteBuildError on failure."""
        assert self._thread is not None, "start() first"
        self._thread.join()
        proc, self.proc = self.proc, None
        assert proc is not None
        out, err = self._output
        output = (out + err).strip()
        if proc.returncode != 0:
            lines = [ln for ln in output.splitlines() if ln.strip()]
            from ..errors import DiskError
            from .engine import DISK_ERROR

            disk = [ln.split(DISK_ERROR, 1)[1] for ln in lines if DISK_ERROR in ln]
            if disk:  # the file system refused: its message alone, not MkDocs' raw OSError
                raise DiskError(f"không ghi được trang web: {disk[-1]}")
            important = [ln for ln in lines if "WARNING" in ln or "ERROR" in ln] or lines[-15:]
            raise SiteBuildError("dựng trang web thất bại (mkdocs):\n" + "\n".join(important))
        return output

    def run(self, *, dirty: bool = False) -> str:
        """:meth:`start` and :meth:`finish`."""
        self.start(dirty=dirty)
        return self.finish()

    def stop(self) -> None:
        """End the engine if it is still there: one never started ends quietly on an empty
        stdin; one running (the build failed meanwhile) is killed. No-op after :meth:`finish`."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if self._thread is None:
            try:
                proc.communicate("", timeout=10)
                return
            except (subprocess.TimeoutExpired, OSError, ValueError):
                pass
        proc.kill()
        if self._thread is not None:
            self._thread.join()
        proc.wait()
