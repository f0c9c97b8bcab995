"""Month arithmetic (src/baocao/months.py): period starts, cut-offs of the next month."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from conftest import FIXTURES, edit_text

from baocao.load import load_repository


@pytest.mark.parametrize(("cutoff", "start"), [
    ("2024-03-31", date(2024, 3, 1)),  # leap year: one month back is 29/2, the period starts 1/3
    ("2023-03-31", date(2023, 3, 1)),
    ("2024-03-29", date(2024, 3, 1)),
    ("2024-03-28", date(2024, 2, 29)),
    ("2024-01-25", date(2023, 12, 26)),
    ("2024-05-31", date(2024, 5, 1)),
])
def test_first_reports_default_period_starts_the_day_after_one_month_back(
        tmp_path: Path, cutoff: str, start: date):
    """The first report has no previous cut-off: its period starts the day after the same day
    one month back (the month's last day when it has fewer days). For 31/3/2024 that was 29/2."""
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "minimal", root)
    year, month = int(cutoff[:4]), int(cutoff[5:7])
    folder = root / "content" / f"{year}" / f"{month:02d}"
    if folder != root / "content/2024/01":
        folder.parent.mkdir(parents=True, exist_ok=True)
        (root / "content/2024/01").rename(folder)
    edit_text(folder / "index.md", "cutoff: 2024-01-25", f"cutoff: {cutoff}")
    repo, problems = load_repository(root)
    assert not problems.errors, [p.format() for p in problems.errors]
    assert repo.reports[0].period_start == start


def test_month_helpers():
    from baocao.months import add_months, end_of_month, month_after

    assert add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert add_months(date(2023, 12, 14), 1) == date(2024, 1, 14)
    assert add_months(date(2023, 11, 30), 14) == date(2025, 1, 30)
    assert end_of_month(2024, 2) == date(2024, 2, 29) and end_of_month(2100, 2) == date(2100, 2, 28)
    assert month_after(2023, 12) == (2024, 1) and month_after(2023, 9, 3) == (2023, 12)
    assert month_after(2024, 1, -1) == (2023, 12)
