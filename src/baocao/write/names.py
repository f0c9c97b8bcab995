"""Names shared by the writers and the commands: document formats and file names, the report
epoch, the templates folder. Kept below every user, so that no two writers import each other."""

from __future__ import annotations

import calendar
import os
from pathlib import Path

from ..model import Report
from ..render.site import document_path

#: The official documents of every report.
FORMATS = ("docx", "pdf")


def templates_dir(root: Path) -> Path:
    return root / "templates"


def report_epoch(report: Report) -> int:
    """Timestamp written into a report's documents.

    $SOURCE_DATE_EPOCH when set; otherwise the issue date (or, for a draft, the cut-off) at
    00:00 UTC, so a rebuild years later gives the same bytes.
    """
    env = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if env.isdigit():
        return int(env)
    day = report.meta.date.value if report.meta.date and not report.is_draft else report.cutoff
    return calendar.timegm(day.timetuple())


def document_name(report: Report, ext: str) -> str:
    """File name of a report's document; the site links to the same name (render.site)."""
    return document_path(report, ext).rsplit("/", 1)[-1]
