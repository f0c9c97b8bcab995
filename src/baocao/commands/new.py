"""``baocao new``: start next month's report from the previous one.

The new folder gets the same files as the previous report:

- ``index.md``: the same front matter lines with the status set back to draft, number and date
  emptied, the cut-off moved to the same day of the new month, the period start set to the day
  after the previous cut-off, the fingerprint removed, the task adjustments reduced to the
  exclusions of tasks still open at the new cut-off (the engine selects the tasks of the new
  period; an include is for one month), and month references ("tháng 9/2023",
  "THÁNG 10 NĂM 2023") moved forward. Comments and formatting stay, and so do the Phần, the
  Kính gửi (``addressees``), the signer and the Nơi nhận.
- Every section file of any layout keeps its name and front matter (kind, Phần, number, title).
  Phần I sections get the previous report's Phần II items of the same area (same title, or
  file ``NN-nhiem-vu-<slug>.md`` for ``NN-<slug>.md``) as the list to report against; any other
  section keeps its text only when it holds computed placeholders (``{{ tong_so }}`` …, in
  whatever Phần), otherwise it starts empty. Opening files (``kind: opening``) start empty.
- Appendix files are carried over whole: their declaration (front matter) and their body.

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

from ..directives import compute_status
from ..load import CONTENT_DIR, load_repository
from ..model import Report
from ..months import year_problem
from ..next_month import NewMonthError, add_months, next_month_files
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


def new_month(root: Path, key: str, *, cutoff: date | None = None) -> NewMonthResult:
    """Create ``content/<yyyy>/<mm>/`` for *key* ("2023-10") from the latest earlier report."""
    m = re.fullmatch(r"(\d{4})-(\d{2})", key)
    if m is None or not 1 <= int(m.group(2)) <= 12:
        raise NewMonthError(f"tháng \"{key}\" không hợp lệ; viết dạng 2023-10")
    year, month = int(m.group(1)), int(m.group(2))
    why = year_problem(year)
    if why is not None:
        raise NewMonthError(f"tháng \"{key}\": {why}")
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
    open_ids = frozenset(t.id for t in repo.tasks if not compute_status(t, new_cutoff).done)
    files, result.seeded = next_month_files(prev, root / prev.folder, delta, new_cutoff, start,
                                            open_ids)

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
