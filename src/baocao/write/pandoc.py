"""Runner for the pinned pandoc binary (the one pypandoc-binary ships).

The only module that starts pandoc. pypandoc would pick the highest pandoc version found on the
machine (a newer system pandoc would silently win), so the bundled binary is used by path.
Every run uses ``--sandbox`` (content cannot read files outside what we pass in) and sets
``SOURCE_DATE_EPOCH``. Note: under ``--sandbox`` pandoc 3.9 ignores SOURCE_DATE_EPOCH for the
DOCX writer (it writes 1970/1980 stamps), so ``baocao.write.docx`` re-stamps and re-zips its output.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
from functools import lru_cache
from pathlib import Path

from ..errors import PandocError as PandocError

#: Fixed timestamp for reproducible documents (2025-10-31 00:00 UTC), unless the caller overrides it.
DEFAULT_EPOCH = 1761868800
PANDOC_VERSION = "3.9"
#: GHC runtime options for every pandoc run. The binary is linked with ``-with-rtsopts=-H64m``
#: (a 64 MB suggested heap): for our documents (a few hundred KB of AST) the first touch of those
#: pages costs more system time than the whole garbage collection saves. ``-H8m`` made a run
#: about 20 % faster and 50 MB smaller (measured on pandoc 3.9, see docs/dev/performance.md).
RTS_OPTIONS = ("+RTS", "-H8m", "-RTS")


@lru_cache(maxsize=1)
def pandoc_path() -> Path:
    """Path of the pandoc binary bundled in pypandoc-binary (never a system pandoc)."""
    override = os.environ.get("BAOCAO_PANDOC")
    if override:
        path = Path(override)
    else:
        # the package's folder, found without importing pypandoc (its import loads urllib,
        # http and ssl: a tenth of a second of every build)
        spec = importlib.util.find_spec("pypandoc")
        if spec is None or spec.origin is None:  # pragma: no cover - dependency is required
            raise PandocError("Thiếu gói pypandoc-binary: hãy chạy 'pip install -e .'")
        exe = "pandoc.exe" if os.name == "nt" else "pandoc"
        path = Path(spec.origin).parent / "files" / exe
    if not path.is_file():
        raise PandocError(
            f"Không tìm thấy chương trình pandoc tại {path}. "
            "Hãy cài lại gói pypandoc-binary ('pip install --force-reinstall pypandoc-binary')."
        )
    return path


def _rts_options() -> tuple[str, ...]:
    """RTS_OPTIONS for the bundled pandoc; none for a BAOCAO_PANDOC override (its runtime may
    refuse RTS options)."""
    return () if os.environ.get("BAOCAO_PANDOC") else RTS_OPTIONS


def source_date_epoch() -> int:
    """The timestamp written into documents: $SOURCE_DATE_EPOCH if set, else DEFAULT_EPOCH."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "")
    return int(raw) if raw.strip().isdigit() else DEFAULT_EPOCH


def run_pandoc(
    args: list[str],
    *,
    input_text: str | None = None,
    input_bytes: bytes | None = None,
    cwd: Path | None = None,
    epoch: int | None = None,
    timeout: float = 120,
    extra_env: dict[str, str] | None = None,
    warnings: list[str] | None = None,
) -> bytes:
    """Run pandoc with ``--sandbox`` and return its standard output.

    Arguments:
        args: pandoc arguments (without the program name and without --sandbox).
        input_text: text fed on standard input (UTF-8).
        input_bytes: bytes fed on standard input instead (a DOCX being read).
        cwd: working directory.
        epoch: SOURCE_DATE_EPOCH for the run (default: :func:`source_date_epoch`).
        timeout: seconds before the run is abandoned.
        extra_env: more environment variables for the run (read by baocao's Lua filters).
        warnings: when given, pandoc's warning lines ("[WARNING] …") are appended to it.
    """
    exe = pandoc_path()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "SOURCE_DATE_EPOCH": str(epoch if epoch is not None else source_date_epoch()),
        **(extra_env or {}),
    }
    try:
        proc = subprocess.run(
            [str(exe), *_rts_options(), "--sandbox", *args],
            input=input_text.encode("utf-8") if input_text is not None else input_bytes,
            capture_output=True,
            cwd=cwd,
            env=env,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise PandocError(f"pandoc chạy quá {timeout:.0f} giây và đã bị dừng.") from exc
    except OSError as exc:  # missing, not executable, …
        raise PandocError(f"Không chạy được pandoc ({exe}): {exc.strerror or exc}") from exc
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip()
        raise PandocError(f"pandoc báo lỗi (mã {proc.returncode}): {err}")
    # Under --sandbox a file the input names (an image) is not read, only warned about: a
    # document that silently lacks part of its content is an error.
    refused = _NOT_FETCHED.search(proc.stderr.decode("utf-8", "replace"))
    if refused:
        raise PandocError(
            f"Nội dung dẫn tới tệp \"{refused.group(1)}\" mà pandoc không được đọc (chế độ "
            "--sandbox): văn bản chỉ được dùng nội dung trong kho, không chèn tệp bên ngoài."
        )
    if warnings is not None:
        warnings.extend(line for line in proc.stderr.decode("utf-8", "replace").splitlines()
                        if line.startswith("[WARNING]"))
    return proc.stdout


_NOT_FETCHED = re.compile(r"Could not fetch resource (.+?): ")


def pandoc_version() -> str:
    """Version string of the pinned pandoc, e.g. '3.9'."""
    out = subprocess.run(
        [str(pandoc_path()), "--version"], capture_output=True, check=True
    ).stdout.decode()
    return out.split()[1]
