"""Issue 16, part B: task facts as real registers keep them.

Progress notes (the latest as of the date shown), completion on an unknown day (DONE_UNDATED),
deadline changes of both directions (adjustment and extension), the unit and the required
result, and every real deadline form. The fixture tests/fixtures/task-facts is laid over the
minimal repository: a register written as a real one is, literally.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, ROOT, lay_over

from baocao import lock
from baocao.cli import cli
from baocao.deadlines import DeadlineKind, DeadlineParseError, parse_deadline
from baocao.directives import (
    Status,
    change_note,
    compute_status,
    deadline_change,
    effective_deadline,
    latest_progress,
    report_rows,
    summarize,
)
from baocao.load import load_repository
from baocao.model import Adjustment, Extension, Repository
from baocao.render.site import REGISTER, SiteContext, render_site, report_page

TEMPLATES = ROOT / "templates"
ADJUSTED, EXTENDED = "2024-21-UBND-KGVX", "2024-22-UBND-KGVX"
UNDATED_LATE, UNDATED_ON_TIME, RETROACTIVE = "2024-15-UBND-KGVX", "2024-16-UBND-KGVX", "2024-40-UBND-KGVX"


@pytest.fixture
def facts_root(tmp_path: Path) -> Path:
    dest = tmp_path / "repo"
    shutil.copytree(FIXTURES / "minimal", dest)
    return lay_over(dest, FIXTURES / "task-facts")


@pytest.fixture
def facts_repo(facts_root: Path) -> Repository:
    repo, problems = load_repository(facts_root)
    assert not problems.errors, [p.format() for p in problems.errors]
    return repo


def _task(repo: Repository, task_id: str):
    task = repo.task(task_id)
    assert task is not None
    return task


def _run(root: Path, *args: str):
    return CliRunner().invoke(cli, ["--repo", str(root), *args], catch_exceptions=False)


def _row_text(page: str, document: str) -> str:
    """The text of the register row of the task assigned by *document* (tags dropped)."""
    for row in re.findall(r'<tr id="[^"]*" class="bc-task"[^>]*>.*?</tr>', page, re.S):
        if f">{document} ngày" in row:
            return re.sub(r"<[^>]+>", " | ", row)
    raise AssertionError(f"no row for {document}")


def _register(repo: Repository, day: date) -> str:
    return render_site(SiteContext(repo=repo, as_of=day), TEMPLATES)[REGISTER]


# --------------------------------------------------------------------------------------------
# The dates that really must be ordered, and no others


def test_a_literal_transcription_of_a_real_register_passes_check(facts_root: Path):
    """A deadline set before the assigning document and a completion dated before it are real
    (the document listed work already due and done): no E303 (before issue 16: two)."""
    result = _run(facts_root, "check")
    assert result.output == "Không có lỗi.\n"
    assert result.exit_code == 0


def test_a_completion_before_the_assigning_document_counts_against_its_deadline(facts_repo):
    task = _task(facts_repo, RETROACTIVE)
    assert task.completed < task.issued and task.deadline.due < task.issued
    assert compute_status(task, date(2024, 1, 25)) is Status.DONE_LATE


# --------------------------------------------------------------------------------------------
# Done on an unknown day


def test_done_by_a_date_after_the_deadline_is_done_undated(facts_repo):
    task = _task(facts_repo, UNDATED_LATE)
    assert compute_status(task, date(2024, 1, 24)) is Status.OVERDUE  # not known done yet
    status = compute_status(task, date(2024, 1, 25))
    assert status is Status.DONE_UNDATED
    assert status.value == "hoan-thanh-khong-ro-ngay"
    assert status.label == "hoàn thành (không rõ ngày)"
    assert status.done and status.rank == Status.DONE_LATE.rank


def test_done_by_a_date_within_the_deadline_is_certainly_on_time(facts_repo):
    task = _task(facts_repo, UNDATED_ON_TIME)
    assert compute_status(task, date(2024, 1, 24)) is Status.IN_PROGRESS
    assert compute_status(task, date(2024, 1, 25)) is Status.DONE_ON_TIME


def test_done_undated_counts_as_done_but_not_in_the_on_time_rate(facts_repo):
    report = facts_repo.report("2024-01")
    s = summarize(report_rows(facts_repo, report))
    assert (s.total, s.done_on_time, s.done_late, s.done_undated, s.overdue, s.in_progress) == \
        (5, 1, 1, 1, 1, 1)
    assert s.done == 3
    assert s.on_time_rate == pytest.approx(1 / 3)  # on time / (on time + late + overdue)


def test_the_undated_count_placeholder_in_the_report(facts_root: Path):
    result = _run(facts_root, "render", "2024-01")
    assert result.exit_code == 0, result.output
    assert ("- Đã thực hiện (hoàn thành): 03 nhiệm vụ, trong đó đúng hạn 01, chậm 01, không rõ "
            "ngày hoàn thành 01.") in result.output


# --------------------------------------------------------------------------------------------
# Deadline changes: adjustment and extension


def test_an_adjustment_applies_from_its_date_either_direction(facts_repo):
    task = _task(facts_repo, ADJUSTED)
    assert deadline_change(task, date(2024, 1, 11)) is None
    assert effective_deadline(task, date(2024, 1, 11)) is task.deadline
    change = deadline_change(task, date(2024, 1, 12))
    assert isinstance(change, Adjustment) and change.document == "150/UBND-KGVX"
    assert effective_deadline(task, date(2024, 1, 12)).due == date(2024, 1, 20)
    assert compute_status(task, date(2024, 1, 20)) is Status.IN_PROGRESS
    assert compute_status(task, date(2024, 1, 21)) is Status.OVERDUE  # Quý I would be in time


def test_the_latest_change_wins_whatever_its_kind():
    base = parse_deadline("Quý II/2025")
    from baocao.model import SourceRef, Task

    task = Task(
        id="t", document="512/UBND-KTN", issued=date(2025, 1, 20), issued_text="20/01/2025",
        summary="s", deadline=base, completed=None, completed_text="", result="", unit=None,
        extensions=(Extension(parse_deadline("30/9/2025"), date(2025, 6, 25), "2301/UBND-KTN"),),
        not_started=False, started=None, notes=None, src=SourceRef("directives.yaml"),
        adjustments=(Adjustment(parse_deadline("30/4/2025"), date(2025, 3, 15), "1021/UBND-KTN"),),
    )
    assert effective_deadline(task, date(2025, 3, 14)) is base
    assert effective_deadline(task, date(2025, 3, 15)).text == "30/4/2025"
    assert compute_status(task, date(2025, 5, 2)) is Status.OVERDUE
    assert effective_deadline(task, date(2025, 6, 25)).text == "30/9/2025"
    assert compute_status(task, date(2025, 6, 25)) is Status.IN_PROGRESS
    assert change_note(task, date(2025, 4, 1)) == \
        "(điều chỉnh theo Văn bản số 1021/UBND-KTN ngày 15/3/2025, hạn cũ Quý II/2025)"
    assert change_note(task, date(2025, 7, 1)) == "(gia hạn, hạn cũ Quý II/2025)"


def test_the_register_says_adjusted_not_extended(facts_repo):
    page = _register(facts_repo, date(2024, 1, 25))
    adjusted = _row_text(page, "21/UBND-KGVX")
    assert ("20/01/2024 (điều chỉnh theo Văn bản số 150/UBND-KGVX ngày 12/01/2024, hạn cũ "
            "Quý I/2024)") in adjusted
    assert "gia hạn" not in adjusted
    assert "Quý I/2024 (gia hạn, hạn cũ 20/01/2024)" in _row_text(page, "22/UBND-KGVX")
    # Before the adjustment, the register shows the deadline as assigned, with no note.
    before = _row_text(_register(facts_repo, date(2024, 1, 11)), "21/UBND-KGVX")
    assert "Quý I/2024" in before and "điều chỉnh" not in before


# --------------------------------------------------------------------------------------------
# Progress notes, the unit and the required result on the site and in the exports


def test_latest_progress_is_the_last_note_dated_by_then(facts_repo):
    task = _task(facts_repo, ADJUSTED)
    assert latest_progress(task, date(2024, 1, 9)) is None
    assert latest_progress(task, date(2024, 1, 21)).date_text == "10/01/2024"
    assert latest_progress(task, date(2024, 1, 22)).text.startswith("Đã xây dựng dự thảo")


def test_the_register_shows_the_progress_note_as_of_its_date_with_unit_and_required_result(
        facts_repo):
    early = _row_text(_register(facts_repo, date(2024, 1, 21)), "21/UBND-KGVX")
    assert "Tình hình đến 10/01/2024: Đã giao Phòng Quản lý công nghệ chủ trì tham mưu." in early
    assert "dự thảo" not in early  # written on 22/01: not known on 21/01
    late = _row_text(_register(facts_repo, date(2024, 1, 25)), "21/UBND-KGVX")
    assert ("Tình hình đến 22/01/2024: Đã xây dựng dự thảo, đang lấy ý kiến các sở, ngành."
            in late)
    assert "Đã giao Phòng" not in late
    assert "Đơn vị chủ trì: Phòng Quản lý công nghệ" in late
    assert "Kết quả yêu cầu: Kế hoạch trình UBND tỉnh" in late


def _csv(root: Path, day: str) -> dict[str, dict[str, str]]:
    result = _run(root, "directives", "--as-of", day, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output.lstrip("\ufeff"))))
    return {row["Mã"]: row for row in rows}


def test_the_csv_export_shows_the_progress_note_as_of_its_date(facts_root: Path):
    early, late = _csv(facts_root, "2024-01-21"), _csv(facts_root, "2024-01-25")
    assert early[ADJUSTED]["Tình hình thực hiện"] == "Đã giao Phòng Quản lý công nghệ chủ trì tham mưu."
    assert early[ADJUSTED]["Tình hình đến ngày"] == "10/01/2024"
    assert late[ADJUSTED]["Tình hình thực hiện"] == \
        "Đã xây dựng dự thảo, đang lấy ý kiến các sở, ngành."
    assert late[ADJUSTED]["Đơn vị"] == "Phòng Quản lý công nghệ"
    assert late[ADJUSTED]["Kết quả yêu cầu"] == "Kế hoạch trình UBND tỉnh"
    assert late[ADJUSTED]["Thay đổi thời hạn"].startswith("(điều chỉnh theo Văn bản số 150/UBND-KGVX")
    assert late[UNDATED_LATE]["Tình trạng"] == "hoàn thành (không rõ ngày)"
    assert late[UNDATED_LATE]["Ngày hoàn thành"] == ""  # never a made-up day
    assert late[UNDATED_LATE]["Hoàn thành, không rõ ngày (chậm nhất)"] == "25/01/2024"
    assert early[UNDATED_LATE]["Tình trạng"] == "đang thực hiện quá hạn"
    assert early[UNDATED_LATE]["Hoàn thành, không rõ ngày (chậm nhất)"] == ""


def test_the_json_export_and_the_status_filter(facts_root: Path):
    result = _run(facts_root, "directives", "--as-of", "2024-01-25", "--format", "json",
                  "--status", "khong-ro-ngay")
    doc = json.loads(result.output)
    assert [t["id"] for t in doc["tasks"]] == [UNDATED_LATE]
    done = json.loads(_run(facts_root, "directives", "--as-of", "2024-01-25", "--format", "json",
                           "--status", "hoan-thanh").output)
    assert {t["id"] for t in done["tasks"]} == {UNDATED_LATE, UNDATED_ON_TIME, RETROACTIVE}


def test_done_undated_has_its_group_chip_legend_and_colour_on_the_site(facts_repo):
    pages = render_site(SiteContext(repo=facts_repo, as_of=date(2024, 1, 25)), TEMPLATES)
    register = pages[REGISTER]
    assert '<tbody id="hoan-thanh-khong-ro-ngay" data-group="hoan-thanh-khong-ro-ngay">' in register
    assert "Hoàn thành (không rõ ngày): 01 nhiệm vụ" in register
    row = _row_text(register, "15/UBND-KGVX")
    assert "Không rõ ngày (chậm nhất 25/01/2024)" in row
    assert "Hoàn thành (không rõ ngày)" in row  # the chip
    report = pages[report_page(facts_repo.report("2024-01"))]
    legend = report.split('<ul class="bc-legend"', 1)[1].split("</ul>", 1)[0]
    assert "bc-chip--hoan-thanh-khong-ro-ngay" in legend
    css = (TEMPLATES / "site" / "assets" / "baocao.css").read_text(encoding="utf-8")
    assert ".bc-chip--hoan-thanh-khong-ro-ngay" in css
    assert '[data-status="hoan-thanh-khong-ro-ngay"]' in css


def test_a_report_without_such_a_task_keeps_its_legend(shipped_repo):
    """The rare status shows where a task has it; the September 2023 page is unchanged."""
    pages = render_site(SiteContext(repo=shipped_repo, as_of=date(2023, 10, 1)), TEMPLATES)
    report = pages[report_page(shipped_repo.report("2023-09"))]
    assert "khong-ro-ngay" not in report


# --------------------------------------------------------------------------------------------
# The issued record covers the new facts, and only where a task has them


def test_the_issued_record_covers_progress_and_adjustment(facts_repo, shipped_repo):
    report = facts_repo.report("2024-01")
    tasks = {t["id"]: t for t in lock.manifest(facts_repo, report)["tasks"]}
    assert tasks[ADJUSTED]["progress_note"] == ["22/01/2024", tasks[ADJUSTED]["progress_note"][1]]
    assert tasks[ADJUSTED]["adjustment"] == ["2024-01-12", "150/UBND-KGVX"]
    assert tasks[UNDATED_LATE]["completed_by"] == "25/01/2024"
    shipped = lock.manifest(shipped_repo, shipped_repo.report("2023-09"))["tasks"]
    assert {k for t in shipped for k in t} == {
        "id", "document", "issued", "summary", "deadline", "status", "progress", "completed",
        "result"}


# --------------------------------------------------------------------------------------------
# Deadline wording


@pytest.mark.parametrize("text, kind, due", [
    ("2023-2025", DeadlineKind.RANGE, date(2025, 12, 31)),
    ("2023 - 2025", DeadlineKind.RANGE, date(2025, 12, 31)),
    ("Năm 2023-2025", DeadlineKind.RANGE, date(2025, 12, 31)),
    ("Giai đoạn 2023 - 2025", DeadlineKind.RANGE, date(2025, 12, 31)),
    ("Năm 2025 và những năm tiếp theo", DeadlineKind.RECURRING, None),
    ("Từ năm 2025", DeadlineKind.RECURRING, None),
    ("Trước ngày 30/6/2025", DeadlineKind.DATE, date(2025, 6, 29)),
    ("trước 30/6/2025", DeadlineKind.DATE, date(2025, 6, 29)),
    ("Trước ngày 01/01/2025", DeadlineKind.DATE, date(2024, 12, 31)),
    ("Trong tháng 6/2025", DeadlineKind.MONTH, date(2025, 6, 30)),
    ("Trong tháng 2/2024", DeadlineKind.MONTH, date(2024, 2, 29)),
    ("6 tháng đầu năm 2025", DeadlineKind.HALF, date(2025, 6, 30)),
    ("Sáu tháng đầu năm 2025", DeadlineKind.HALF, date(2025, 6, 30)),
    ("6 tháng cuối năm 2025", DeadlineKind.HALF, date(2025, 12, 31)),
    ("Hằng năm, trước ngày 15/12", DeadlineKind.RECURRING, None),
    ("Định kỳ 6 tháng", DeadlineKind.RECURRING, None),
    ("Thường xuyên, hằng tháng", DeadlineKind.RECURRING, None),
    ("Không", DeadlineKind.NONE, None),
    ("Không quy định", DeadlineKind.NONE, None),
    ("Không xác định", DeadlineKind.NONE, None),
    ("Không có", DeadlineKind.NONE, None),
    ("Chưa xác định", DeadlineKind.NONE, None),
    ("x", DeadlineKind.NONE, None),
    ("/", DeadlineKind.NONE, None),
    ("--", DeadlineKind.NONE, None),
    ("Quý II/2025", DeadlineKind.QUARTER, date(2025, 6, 30)),
    ("18/8/2023", DeadlineKind.DATE, date(2023, 8, 18)),
])
def test_every_real_deadline_form_keeps_its_text(text: str, kind: DeadlineKind, due: date | None):
    deadline = parse_deadline(text)
    assert (deadline.text, deadline.kind, deadline.due) == (text, kind, due)


@pytest.mark.parametrize("text, hint", [
    ("Truoc ngay 30/6/2025", "Trước ngày 30/6/2025"),
    ("Giai doan 2023-2025", "Giai đoạn 2023 - 2025"),
    ("Thường xuyen", "Thường xuyên"),
    ("6 thang cuoi nam 2025", "6 tháng cuối năm 2025"),
    ("Sau thang dau nam 2026", "6 tháng đầu năm 2026"),
    ("Khong quy dinh", "Không quy định"),
])
def test_an_unknown_form_is_refused_with_the_closest_form(text: str, hint: str):
    with pytest.raises(DeadlineParseError) as err:
        parse_deadline(text)
    assert str(err.value) == f"không hiểu thời hạn \"{text}\" (có phải ý bạn là \"{hint}\"?)"


@pytest.mark.parametrize("text", ["Giai đoạn 2025 - 2023", "Trước ngày 31/2/2025",
                                  "Trong tháng 13/2025", "6 tháng đầu năm 0000",
                                  "Sau khi có ý kiến của Bộ"])
def test_impossible_forms_are_refused(text: str):
    with pytest.raises(DeadlineParseError):
        parse_deadline(text)
