"""``baocao build`` / ``docx`` / ``pdf``: stage 4, the only place that writes output.

A build renders everything into a fresh staging folder beside ``site/`` and swaps it in only
when every step succeeded, so a failed or interrupted build leaves the previous site as it was.
"""

from __future__ import annotations

import calendar
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Report, Repository
from ..render.official import render_official_input
from ..render.report_md import render_report_markdown

Progress = Callable[[str], None]


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
    return f"bao-cao-{report.key}.{ext}"


def write_report_documents(
    repo: Repository, report: Report, folder: Path, templates: Path, *,
    formats: tuple[str, ...] = ("docx", "pdf"),
) -> list[Path]:
    """DOCX and/or PDF (and the assembled Markdown) of one report into *folder*."""
    from ..docx import write_docx
    from ..pdf import write_pdf

    folder.mkdir(parents=True, exist_ok=True)
    source = render_official_input(repo, report)
    epoch = report_epoch(report)
    written = []
    if "docx" in formats:
        out = folder / document_name(report, "docx")
        write_docx(source, out, templates=templates, epoch=epoch)
        written.append(out)
    if "pdf" in formats:
        out = folder / document_name(report, "pdf")
        write_pdf(source, out, templates=templates, epoch=epoch)
        written.append(out)
    md = folder / document_name(report, "md")
    md.write_text(render_report_markdown(repo, report), encoding="utf-8")
    written.append(md)
    return written


@dataclass
class BuildResult:
    out_dir: Path
    files: list[Path] = field(default_factory=list)


def swap_in(staging: Path, out_dir: Path) -> None:
    """Replace *out_dir* by *staging* (two renames; the old tree is removed afterwards)."""
    old = None
    if out_dir.exists():
        old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
        os.replace(out_dir, old)
    os.replace(staging, out_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def build(repo: Repository, root: Path, out_dir: Path, progress: Progress | None = None) -> BuildResult:
    """Build every report's documents into *out_dir*, atomically."""
    say = progress or (lambda _msg: None)
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))
    result = BuildResult(out_dir)
    try:
        templates = templates_dir(root)
        for i, report in enumerate(repo.reports, 1):
            say(f"[{i}/{len(repo.reports)}] Báo cáo {report.month}/{report.year}: DOCX, PDF")
            folder = staging / str(report.year) / f"{report.month:02d}"
            files = write_report_documents(repo, report, folder, templates)
            result.files += [out_dir / f.relative_to(staging) for f in files]
        os.chmod(staging, 0o755)
        swap_in(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return result
