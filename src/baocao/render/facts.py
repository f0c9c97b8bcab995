"""Facts every renderer shows the same way: header lines, computed counts, appendix rows.

One place decides how a draft's blanks look, how counts are written ("04") and how the task
table is grouped, so the Markdown view, the site and the official documents cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..directives import Status, Summary, TaskRow, report_rows, summarize
from ..model import Report, Repository
from ..months import month_after
from ..vietnamese import format_count, format_date_long, format_date_short

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
TEN_LOAI = "BÁO CÁO"
TABLE_COLUMNS = (
    "TT", "Số/Ký hiệu VBCĐ", "Nội dung công việc", "Thời hạn", "Ngày hoàn thành", "Tiến độ",
    "Kết quả xử lý",
)
TABLE_WIDTHS = (4, 17, 32, 10, 10, 12, 15)
#: Blank left for the number in a draft ("Số:      /BC-KHCN") and for the day.
NUMBER_BLANK = " " * 6
DAY_BLANK = " " * 4


@dataclass(frozen=True)
class GroupRow:
    """A group heading row of the appendix table ("I", "ĐÃ THỰC HIỆN: 04 nhiệm vụ")."""

    number: str
    label: str


@dataclass(frozen=True)
class TaskTableRow:
    """One task row of the appendix table; ``cells`` follow TABLE_COLUMNS."""

    cells: tuple[str, str, str, str, str, str, str]
    status: Status
    task_id: str


@dataclass(frozen=True)
class ReportFacts:
    """Everything computed for one report."""

    parent: str
    agency_upper: str
    agency: str
    so_ky_hieu: str  # text after "Số: "
    dia_danh_ngay: str
    kem_theo: str
    rows: tuple[TaskRow, ...]
    summary: Summary
    table: tuple[GroupRow | TaskTableRow, ...]
    values: dict[str, str]


def compute_facts(repo: Repository, report: Report) -> ReportFacts:
    """All derived facts of *report* as of its cut-off."""
    org = report.organization
    meta = report.meta
    number = str(meta.number) if meta.number is not None and not report.is_draft else NUMBER_BLANK
    if meta.number is not None and not report.is_draft and meta.number < 10:
        number = f"{meta.number:02d}"
    so_ky_hieu = f"{number}/BC-{org.symbol}"
    if meta.date is not None and not report.is_draft:
        date_long = format_date_long(meta.date.value)
        date_short = format_date_short(meta.date.value)
    else:
        month_text = f"{report.month:02d}" if report.month <= 2 else str(report.month)
        date_long = f"ngày {DAY_BLANK}tháng {month_text} năm {report.year}"
        date_short = f"{DAY_BLANK}/{report.month}/{report.year}"
    rows = tuple(report_rows(repo, report))
    summary = summarize(rows)
    table = _table(rows, summary)
    ny, nm = month_after(report.year, report.month)
    values = {
        "tong_so": format_count(summary.total),
        "da_thuc_hien": format_count(summary.done),
        "hoan_thanh_dung_han": format_count(summary.done_on_time),
        "thuc_hien_cham": format_count(summary.done_late),
        "hoan_thanh_khong_ro_ngay": format_count(summary.done_undated),
        "dang_thuc_hien": format_count(summary.open),
        "dang_thuc_hien_trong_han": format_count(summary.in_progress),
        "dang_thuc_hien_qua_han": format_count(summary.overdue),
        "chua_thuc_hien": format_count(summary.not_started),
        "thang_bao_cao": f"{report.month}/{report.year}",
        "thang_sau": f"{nm}/{ny}",
    }
    return ReportFacts(
        parent=org.parent,
        agency_upper=org.name.upper(),
        agency=org.name,
        so_ky_hieu=so_ky_hieu,
        dia_danh_ngay=f"{org.place}, {date_long}",
        kem_theo=f"(Kèm theo Báo cáo số {number}/BC-{org.symbol} ngày {date_short} của {org.name})",
        rows=rows,
        summary=summary,
        table=table,
        values=values,
    )


def summary_lines(values: dict[str, str]) -> list[str]:
    """The standard summary block ({{ tom_tat_nhiem_vu }}) as Markdown lines."""
    v = values
    return [
        f"Tổng số: {v['tong_so']} nhiệm vụ.",
        "",
        f"- Đã thực hiện (hoàn thành): {v['da_thuc_hien']} nhiệm vụ, thực hiện chậm: "
        f"{v['thuc_hien_cham']}.",
        f"- Đang thực hiện (trong hạn): {v['dang_thuc_hien_trong_han']} nhiệm vụ; quá hạn: "
        f"{v['dang_thuc_hien_qua_han']} nhiệm vụ.",
        f"- Chưa thực hiện: {v['chua_thuc_hien']} nhiệm vụ.",
    ]


def _task_cells(i: int, row: TaskRow) -> TaskTableRow:
    t = row.task
    deadline = row.deadline.text
    if row.deadline is not t.deadline and t.deadline.text:
        deadline = f"{deadline} (gia hạn, hạn cũ {t.deadline.text})"
    done = row.status.done
    return TaskTableRow(
        cells=(
            str(i),
            f"{t.document} Ngày {t.issued_text}",
            t.summary,
            deadline,
            t.completed_text if done else "",
            row.progress,
            t.result if done else "",
        ),
        status=row.status,
        task_id=t.id,
    )


def _table(rows: tuple[TaskRow, ...], s: Summary) -> tuple[GroupRow | TaskTableRow, ...]:
    done = [r for r in rows if r.status.done]
    active = [r for r in rows if r.status in (Status.IN_PROGRESS, Status.OVERDUE)]
    waiting = [r for r in rows if r.status is Status.NOT_STARTED]
    out: list[GroupRow | TaskTableRow] = []
    label = f"ĐÃ THỰC HIỆN: {format_count(s.done)} nhiệm vụ"
    if s.done_late:
        label += f" (đúng hạn: {format_count(s.done_on_time)}; quá hạn: {format_count(s.done_late)})"
    out.append(GroupRow("I", label))
    out.extend(_task_cells(i, r) for i, r in enumerate(done, 1))
    label = f"ĐANG THỰC HIỆN: {format_count(s.open)} nhiệm vụ"
    if s.overdue:
        label += (f" (trong hạn: {format_count(s.in_progress)}; "
                  f"quá hạn: {format_count(s.overdue)})")
    else:
        label += " (trong hạn)"
    out.append(GroupRow("II", label))
    out.extend(_task_cells(i, r) for i, r in enumerate(active, 1))
    n = s.not_started
    out.append(GroupRow("III", f"Chưa thực hiện: {format_count(n)}" + (" nhiệm vụ" if n else "")))
    out.extend(_task_cells(i, r) for i, r in enumerate(waiting, 1))
    return tuple(out)
