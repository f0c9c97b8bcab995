"""``baocao new``: start next month's report from the previous one.

The new folder gets the same files as the previous report:

- ``index.md``: the same front matter lines with the status set back to draft, number and date
  emptied, the cut-off moved to the same day of the new month, the period start set to the day
  after the previous cut-off, the task adjustments (``tasks:``) and fingerprint removed (the
  engine selects the tasks of the new period), and month references ("tháng 9/2023",
  "THÁNG 10 NĂM 2023") moved forward. Comments and formatting stay.
- Phần I sections: the previous report's Phần II items of the same area (same title, or file
  ``NN-nhiem-vu-<slug>.md`` for ``NN-<slug>.md``) as the list to report against; a section
  without such a counterpart keeps its text only when it is made of computed placeholders
  (``{{ tong_so }}`` …), otherwise it starts empty.
- Phần II sections: headings only, empty bodies. The appendix stays ``{{ bang_nhiem_vu }}``.

Everything is written into a temporary folder and renamed into place, so a failure leaves no
half-made month; an existing month is never overwritten.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from .. import yamledit
from ..errors import NewMonthError as NewMonthError
from ..load import CONTENT_DIR, load_repository
from ..model import Report, Section
from ..months import add_months, month_after
from ..problems import Problem
from ..repo import load_checked
from ..vietnamese import format_date_short


@dataclass
class NewMonthResult:
    folder: Path
    previous: Report
    cutoff: date
    period_start: date
    files: list[str] = field(default_factory=list)
    seeded: list[str] = field(default_factory=list)  # Phần I files seeded from Phần II
    problems: list[Problem] = field(default_factory=list)


_MONTH_REF = re.compile(r"(?i)\b(tháng\s+)(\d{1,2})(\s*/\s*|\s+năm\s+)(\d{4})\b")


def shift_months(text: str, delta: int) -> str:
    """Move every "tháng M/YYYY" and "tháng M năm YYYY" in *text* forward by *delta* months."""

    def repl(m: re.Match[str]) -> str:
        month, year = int(m.group(2)), int(m.group(4))
        if not 1 <= month <= 12:
            return m.group(0)
        new_year, new_month = month_after(year, month, delta)
        month_text = f"{new_month:02d}" if m.group(2).startswith("0") else str(new_month)
        return f"{m.group(1)}{month_text}{m.group(3)}{new_year}"

    return _MONTH_REF.sub(repl, text)


def _norm(title: str) -> str:
    return " ".join(title.split()).casefold()


def _slug(section: Section) -> str:
    name = section.src.path.rsplit("/", 1)[-1]
    return name[3:-3]  # "03-nghien-cuu-khoa-hoc.md" -> "nghien-cuu-khoa-hoc"


def _counterpart(section: Section, plan: list[Section]) -> Section | None:
    """The Phần II section of the same area as the Phần I *section*."""
    by_title = [s for s in plan if _norm(s.title) == _norm(section.title)]
    if by_title:
        return by_title[0]
    slug = _slug(section)
    return next((s for s in plan if _slug(s) in (f"nhiem-vu-{slug}", slug)), None)


def _front_matter(text: str) -> str:
    """The front matter lines of *text*, both ``---`` lines included."""
    lines = text.splitlines(keepends=True)
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return "".join(lines[: i + 1])
    raise NewMonthError("tệp không có phần thông tin đầu tệp kết thúc bằng ---")


def _with_body(front: str, body: str) -> str:
    front = front if front.endswith("\n") else front + "\n"
    body = body.strip("\n")
    return f"{front}\n{body}\n" if body else front


def new_month(root: Path, key: str, *, cutoff: date | None = None) -> NewMonthResult:
    """Create ``content/<yyyy>/<mm>/`` for *key* ("2023-10") from the latest earlier report."""
    year, month = int(key[:4]), int(key[5:7])
    rel_folder = f"{CONTENT_DIR}/{year:04d}/{month:02d}"
    folder = root / rel_folder
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise NewMonthError(f"{rel_folder} đã có; baocao new không ghi đè một tháng đã có")
    repo, _ = load_checked(root)
    earlier = [r for r in repo.reports if r.key < key]
    if not earlier:
        raise NewMonthError(f"không có báo cáo nào trước tháng {month}/{year} để làm mẫu")
    prev = earlier[-1]
    delta = (year * 12 + month) - (prev.year * 12 + prev.month)
    new_cutoff = cutoff or add_months(prev.cutoff, delta)
    start = prev.cutoff + timedelta(days=1)
    if new_cutoff < start:
        raise NewMonthError(f"ngày chốt {format_date_short(new_cutoff)} trước ngày đầu kỳ "
                            f"{format_date_short(start)} (ngày sau ngày chốt của báo cáo trước)")
    result = NewMonthResult(folder, prev, new_cutoff, start)
    prev_dir = root / prev.folder

    files: dict[str, str] = {}
    index_text = shift_months((prev_dir / "index.md").read_text(encoding="utf-8"), delta)
    try:
        index_text = yamledit.set_value(index_text, "status", "draft")
        for name in ("number", "date"):
            if yamledit.get_line(index_text, name) is not None:
                index_text = yamledit.set_value(index_text, name, "")
        index_text = yamledit.set_value(index_text, "cutoff", new_cutoff.isoformat())
        start_value = start.isoformat()
        if yamledit.get_line(index_text, "period_start") is None:
            start_value += "  # ngày đầu kỳ báo cáo: ngày sau ngày chốt của báo cáo trước"
        index_text = yamledit.set_value(index_text, "period_start", start_value, after="cutoff")
        for name in ("fingerprint", "tasks"):
            index_text = yamledit.remove_key(index_text, name)
    except yamledit.FrontMatterEditError as exc:
        raise NewMonthError(f"{prev.folder}/index.md: {exc}") from None
    files["index.md"] = index_text

    parts = [p.number for p in prev.meta.parts]
    results_part = parts[0]
    plan_part = parts[1] if len(parts) > 1 else None
    plan = [s for s in prev.body_sections if s.part == plan_part]
    for section in prev.sections:
        name = section.src.path.rsplit("/", 1)[-1]
        text = (prev_dir / name).read_text(encoding="utf-8")
        front = shift_months(_front_matter(text), delta)
        if section.kind == "appendix":
            body = section.body
        elif section.part == results_part:
            match = _counterpart(section, plan) if plan_part else None
            if match is not None and match.body.strip():
                body = match.body
                result.seeded.append(name)
            elif "{{" in section.body:
                body = shift_months(section.body, delta)
            else:
                body = ""
        else:
            body = ""
        files[name] = _with_body(front, body)

    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.new-", dir=folder.parent))
    try:
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8")
        if folder.is_dir():
            folder.rmdir()  # empty (checked above)
        staging.rename(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    result.files = [f"{rel_folder}/{name}" for name in sorted(files)]
    _, problems = load_repository(root)
    result.problems = [p for p in problems.sorted() if p.path.startswith(rel_folder + "/")]
    return result
