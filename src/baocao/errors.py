"""The exception hierarchy and the one error boundary (docs/dev/errors.md).

Every exception the package raises derives from :class:`BaocaoError`, carries a Vietnamese
message and knows its exit code. :func:`report` is the one place that turns an exception into
the lines a person reads and an exit code: the ``baocao`` CLI calls it, and so does every
``python -m baocao.…`` entry point through :func:`run_main`. No traceback reaches a person
unless BAOCAO_DEBUG=1 is set.

    BaocaoError                  exit 1
    ├── ContentError             content has errors: the whole problem list is printed
    ├── ReadError                a value a person wrote could not be read (a date, a deadline,
    │                            YAML); usually turned into a Problem before the boundary
    ├── RefusedError             the command cannot do what was asked here (no repository, the
    │                            month exists, issuing rules, the port is taken)
    ├── ToolError                pandoc, typst, Pagefind or the site engine failed
    ├── DiskError                the file system refused (full disk, no permission); every
    │                            OSError reaching the boundary is reported as one
    ├── UsageError               exit 2: bad arguments (click's and argparse's usage errors)
    └── InternalError            exit 70: a bug; any other exception reaching the boundary
"""

from __future__ import annotations

import argparse
import errno
import os
import re
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NoReturn, TextIO

if TYPE_CHECKING:
    import click

    from .problems import Problem

#: Set to 1 to see the traceback of any failure (the message and exit code stay the same).
DEBUG_ENV = "BAOCAO_DEBUG"
#: sysexits.h EX_SOFTWARE: "an internal software error has been detected".
EXIT_INTERNAL = 70


class BaocaoError(Exception):
    """Base of every exception of the package: a Vietnamese message and an exit code."""

    exit_code: int = 1

    def __init__(self, message: str = "", *args: object):
        super().__init__(message, *args)
        self.message = message

    def __str__(self) -> str:
        return self.message

    def lines(self) -> list[str]:
        """What a person reads first; :func:`report` adds the notes, then :meth:`hints`."""
        return [f"Lỗi: {self.message}"]

    def hints(self) -> list[str]:
        """Last lines: where to look next."""
        return []


class ContentError(BaocaoError):
    """Raised at a pipeline boundary when content has errors; carries every problem."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} lỗi trong nội dung")
        self.problems = problems

    def lines(self) -> list[str]:
        return problem_lines(self.problems)


def problem_lines(problems: Sequence[Problem]) -> list[str]:
    """``path:line:col: CODE: message`` for each problem, then the count."""
    out = [p.format() for p in problems]
    errors = sum(1 for p in problems if p.code.startswith("E"))
    warnings = len(problems) - errors
    if errors:
        out.append(f"Có {errors} lỗi và {warnings} cảnh báo.")
    elif warnings:
        out.append(f"Không có lỗi ({warnings} cảnh báo).")
    else:
        out.append("Không có lỗi.")
    return out


class ReadError(BaocaoError):
    """A value written by a person could not be read; the message says which and why."""


class DateParseError(ReadError, ValueError):
    """A date typed by a person could not be read; the message is Vietnamese."""


class DeadlineParseError(ReadError, ValueError):
    """The deadline text was not understood; the message is Vietnamese."""


class YamlSyntaxError(ReadError):
    """YAML could not be parsed. ``line``/``col`` are 1-based, relative to the YAML text."""

    def __init__(self, message: str, line: int, col: int):
        super().__init__(message)
        self.line, self.col = line, col


class FrontMatterEditError(ReadError):
    """The file has no front matter that can be edited line by line (message in Vietnamese)."""


class RefusedError(BaocaoError):
    """The command cannot do what was asked on this repository; the message says why."""


class RepoNotFound(RefusedError):
    """No content repository at or above the given folder."""


class IssueError(RefusedError):
    """Issuing was refused; the message is Vietnamese and names the report."""


class NewMonthError(RefusedError):
    """The month could not be created (message in Vietnamese)."""


class ImportRefused(RefusedError):
    """An import was refused (the month exists, the file is not a report); Vietnamese message."""


class ServeError(RefusedError):
    """The preview server could not start (message in Vietnamese)."""


class ToolError(BaocaoError):
    """A tool of the pipeline (pandoc, typst, Pagefind, the site engine) is missing or failed."""


class PandocError(ToolError, RuntimeError):
    """pandoc is missing or failed; the message is Vietnamese and names what to do."""


class DocumentError(PandocError):
    """The PDF could not be produced; the message is Vietnamese and says what went wrong."""


class SearchIndexError(ToolError):
    """The search index could not be written; the message is Vietnamese."""


class SiteBuildError(ToolError):
    """The site could not be built (bad mkdocs.yml, or the engine failed); message in Vietnamese."""


_OS_ERRORS = {
    errno.ENOSPC: "ổ đĩa đã đầy, không ghi được",
    errno.EDQUOT: "đã hết hạn mức dung lượng đĩa, không ghi được",
    errno.EFBIG: "tệp vượt quá kích thước hệ thống cho phép, không ghi được",
    errno.EACCES: "không có quyền truy cập",
    errno.EPERM: "không có quyền truy cập",
    errno.EROFS: "ổ đĩa chỉ cho phép đọc, không ghi được",
    errno.ENOENT: "không có tệp hoặc thư mục",
}


_WRITE_ERRORS = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS)


def describe_os_error(exc: OSError) -> str:
    """A Vietnamese sentence for an error of the file system, naming the file when known."""
    what = _OS_ERRORS.get(exc.errno or 0, f"lỗi hệ thống tệp ({exc.strerror or exc})")
    # A copy, link or rename that could not write names its source first and its target as
    # filename2: what could not be written is the target.
    target = exc.filename2 if exc.errno in _WRITE_ERRORS and exc.filename2 else exc.filename
    where = f" {target}" if target else ""
    return f"{what}{where}. Hãy khắc phục rồi chạy lại lệnh."


class DiskError(BaocaoError):
    """The file system refused a read or write (full disk, no permission, read-only)."""

    @classmethod
    def from_os_error(cls, exc: OSError) -> DiskError:
        return cls(describe_os_error(exc))


class UsageError(BaocaoError):
    """The command was called with bad arguments."""

    exit_code = 2

    def __init__(self, message: str, *, help_hint: str = "", is_help: bool = False):
        super().__init__(message)
        self.help_hint, self.is_help = help_hint, is_help

    def lines(self) -> list[str]:
        # A command called with nothing prints its help (as click does), not an error.
        return self.message.splitlines() if self.is_help else super().lines()

    def hints(self) -> list[str]:
        return [f"Xem hướng dẫn: {self.help_hint} --help"] if self.help_hint and not self.is_help else []


class InternalError(BaocaoError):
    """A bug of baocao: an exception nothing expected. Built by :func:`report`."""

    exit_code = EXIT_INTERNAL

    @classmethod
    def from_exception(cls, exc: BaseException) -> InternalError:
        return cls(f"{type(exc).__name__}: {exc}")

    def lines(self) -> list[str]:
        return [f"Lỗi nội bộ của baocao ({self.message}). Đây là lỗi của chương trình, không "
                "phải của nội dung: hãy báo cho người quản trị kèm lệnh đã chạy."]

    def hints(self) -> list[str]:
        return [f"(Đặt biến môi trường {DEBUG_ENV}=1 để xem chi tiết kỹ thuật.)"]


# --------------------------------------------------------------------------------------------
# Usage errors of click and argparse, in Vietnamese (click's words: baocao.clitext)

_ARGPARSE_MESSAGES = [
    (re.compile(r"the following arguments are required: (.*)"), r"thiếu tham số: \1"),
    (re.compile(r"unrecognized arguments: (.*)"), r"không hiểu tham số: \1"),
    (re.compile(r"argument (\S+?)(?:/\S+)?: expected one argument"), r"tùy chọn \1 cần một giá trị"),
    (re.compile(r"argument (\S+?)(?:/\S+)?: (.*)"), r"tùy chọn \1: \2"),
]


def _translate(message: str, table: list[tuple[re.Pattern[str], str]]) -> str:
    for pattern, replacement in table:
        m = pattern.fullmatch(message.strip())
        if m:
            return m.expand(replacement)
    return message


def from_click_usage(exc: click.UsageError, prog: str = "") -> UsageError:
    """A :class:`UsageError` for a ``click.UsageError`` (click's wording is made Vietnamese by
    :mod:`baocao.clitext`); *prog*
    names the command when click does not say which one it was parsing."""
    import click

    ctx = getattr(exc, "ctx", None)
    help_hint = ctx.command_path if ctx is not None else prog
    no_args = getattr(click.exceptions, "NoArgsIsHelpError", None)  # click >= 8.2
    if no_args is not None and isinstance(exc, no_args):
        return UsageError(exc.format_message(), help_hint=help_hint, is_help=True)
    if isinstance(exc, click.NoSuchOption):
        message = f"không có tùy chọn {exc.option_name}"
        if exc.possibilities:
            message += f" (có phải {', '.join(sorted(exc.possibilities))}?)"
    elif isinstance(exc, click.MissingParameter):
        param = exc.param
        kind = "tùy chọn" if isinstance(param, click.Option) else "tham số"
        name = (" / ".join(param.opts) if isinstance(param, click.Option) else
                param.human_readable_name) if param is not None else ""
        message = f"thiếu {kind} {name}".rstrip()
    elif isinstance(exc, click.BadParameter):
        hint = exc.param_hint
        if hint is None and exc.param is not None:
            hint = exc.param.get_error_hint(exc.ctx) if exc.ctx else exc.param.human_readable_name
        if isinstance(hint, list | tuple):
            hint = " / ".join(repr(h) for h in hint)
        message = f"giá trị không hợp lệ cho {hint}: {exc.message}" if hint else exc.message
    else:  # click's own wording, in Vietnamese through baocao.clitext
        message = exc.message
    return UsageError(message, help_hint=help_hint)


class ArgumentParser(argparse.ArgumentParser):
    """argparse for ``python -m`` entry points: a usage error raises :class:`UsageError` (in
    Vietnamese) instead of printing argparse's English and exiting."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(_translate(message, _ARGPARSE_MESSAGES), help_hint=self.prog)


# --------------------------------------------------------------------------------------------
# The boundary


def as_baocao_error(exc: BaseException, prog: str = "") -> BaocaoError | None:
    """The :class:`BaocaoError` that stands for *exc*, or None when *exc* ends the program
    quietly (a SystemExit, click's own exit)."""
    if isinstance(exc, BaocaoError):
        return exc
    click = sys.modules.get("click")  # click's exceptions can only come from a loaded click
    if click is not None:
        if isinstance(exc, click.exceptions.Exit):
            return None
        if isinstance(exc, click.UsageError):
            return from_click_usage(exc, prog)
        if isinstance(exc, click.ClickException):
            # Raised by our commands with a Vietnamese message, or by the site engine.
            error = BaocaoError(exc.format_message())
            error.exit_code = exc.exit_code
            return error
        if isinstance(exc, click.Abort):
            return BaocaoError("đã dừng.")
    if isinstance(exc, SystemExit):
        return None
    if isinstance(exc, KeyboardInterrupt):
        error = BaocaoError("đã dừng (Ctrl+C).")
        error.exit_code = 130
        return error
    if isinstance(exc, OSError):
        return DiskError.from_os_error(exc)
    return InternalError.from_exception(exc)


def report(exc: BaseException, *, prog: str = "", stream: TextIO | None = None,
           prefix: str = "") -> int:
    """Write *exc* for a person (Vietnamese lines on stderr) and return its exit code.

    The one mapping from exceptions to messages and exit codes. Notes added on the way up
    (``exc.add_note``, e.g. "site/ được giữ nguyên.") follow the message. With BAOCAO_DEBUG=1
    the traceback is written first, except for content and usage errors, which are not bugs.
    """
    out = stream or sys.stderr
    error = as_baocao_error(exc, prog)
    if error is None:  # sys.exit(code), click's ctx.exit(code)
        code = exc.code if isinstance(exc, SystemExit) else getattr(exc, "exit_code", 0)
        return code if isinstance(code, int) else (0 if code is None else 1)
    if os.environ.get(DEBUG_ENV) and not isinstance(error, ContentError | UsageError):
        traceback.print_exception(exc, file=out)
    lines = [*error.lines(), *getattr(exc, "__notes__", ()), *error.hints()]
    for line in lines:
        out.write(f"{prefix}{line}\n")
    out.flush()
    return error.exit_code


def run_main(main: Callable[[], int | None], *, prefix: str = "") -> NoReturn:
    """Run a ``python -m`` entry point behind the boundary: exit with its return value, or
    with :func:`report`'s code."""
    try:
        code = main()
    except SystemExit:
        raise
    except BaseException as exc:  # noqa: BLE001 - the boundary: every exception is reported
        code = report(exc, prefix=prefix)
    sys.exit(code or 0)
