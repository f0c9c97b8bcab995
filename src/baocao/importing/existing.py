"""What an import reads of the repository it imports into: a file's text, and the cut-off of
the latest report before a month (the chain of report periods)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from ..errors import ContentError, ImportRefused
from ..load import tasks_from_text
from ..model import Task
from ..problems import Problems
from ..repofiles import DIRECTIVES_FILE, read_setting_text


def read_repo_text(root: Path, rel: str) -> str | None:
    """The repository file *rel* (read as the loader reads: no link, bounded size), or None.
    A file the loader refuses (a link, a special file: E108; too large: E102) refuses the
    import with the same problem; text not in UTF-8 refuses it too."""
    try:
        return read_setting_text(root, rel)
    except ContentError as exc:
        raise ImportRefused(f"{exc.problems[0].format()}; không nhập") from None
    except UnicodeDecodeError:
        raise ImportRefused(f"{rel}: không phải chữ UTF-8; hãy sửa trước khi nhập") from None


def current_register(root: Path) -> tuple[str, tuple[Task, ...]]:
    """The text of the repository's ``directives.yaml`` ("" when there is none) and its tasks;
    ImportRefused when it has errors (an import adds to a register that checks clean)."""
    text = read_repo_text(root, DIRECTIVES_FILE) or ""
    problems = Problems()
    tasks = tasks_from_text(text, problems) if text.strip() else ()
    if problems.errors:
        raise ImportRefused(f"{DIRECTIVES_FILE} đang có lỗi ({problems.errors[0].format()}): "
                            "hãy sửa trước khi nhập")
    return text, tuple(tasks)


def previous_cutoff(root: Path, year: int, month: int) -> date | None:
    """The cut-off of the latest report before *year*-*month* in the repository."""
    best: date | None = None
    content = root / "content"
    if not content.is_dir():
        return None
    for index in sorted(content.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/index.md")):
        y, m = int(index.parent.parent.name), int(index.parent.name)
        if (y, m) >= (year, month):
            continue
        text = read_setting_text(root, index.relative_to(root).as_posix()) or ""
        found = re.search(r"^cutoff:\s*(\d{4}-\d{2}-\d{2})", text, re.M)
        if found:
            day = date.fromisoformat(found.group(1))
            best = day if best is None or day > best else best
    return best
