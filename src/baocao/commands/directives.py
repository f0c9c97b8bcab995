"""``baocao directives``: the task register as of a date, as a table or an export."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

from ..directives import Status, TaskRow, register_rows, report_rows
from ..model import Repository
from ..vietnamese import format_date_short

#: Short names accepted by --status, besides the full status values.
STATUS_ALIASES: dict[str, tuple[Status, ...]] = {
    "hoan-thanh": (Status.DONE_ON_TIME, Status.DONE_LATE),
    "dung-han": (Status.DONE_ON_TIME,),
    "cham": (Status.DONE_LATE,),
    "dang-thuc-hien": (Status.IN_PROGRESS, Status.OVERDUE),
    "trong-han": (Status.IN_PROGRESS,),
    "qua-han": (Status.OVERDUE,),
    "chua-thuc-hien": (Status.NOT_STARTED,),
    **{s.value: (s,) for s in Status},
}

COLUMNS = (
    ("id", "Mã"),
    ("document", "Số/Ký hiệu VBCĐ"),
    ("issued", "Ngày giao"),
    ("summary", "Nội dung công việc"),
    ("deadline", "Thời hạn"),
    ("due", "Hạn (tính toán)"),
    ("completed", "Ngày hoàn thành"),
    ("status", "Tình trạng"),
    ("progress", "Tiến độ"),
    ("result", "Kết quả xử lý"),
    ("unit", "Đơn vị"),
)


def select_rows(
    repo: Repository, as_of: date, statuses: Iterable[str] = (), report_key: str | None = None
) -> list[TaskRow]:
    """Rows of the register (or of one report) filtered by status names/aliases."""
    if report_key is not None:
        report = repo.report(report_key)
        if report is None:
            raise KeyError(report_key)
        rows = report_rows(repo, report)
    else:
        rows = register_rows(repo, as_of)
    wanted: set[Status] = set()
    for name in statuses:
        wanted.update(STATUS_ALIASES[name])
    return [r for r in rows if not wanted or r.status in wanted]


def row_record(row: TaskRow, as_of: date) -> dict[str, str]:
    t = row.task
    done = t.completed is not None and t.completed <= as_of
    return {
        "id": t.id,
        "document": t.document,
        "issued": t.issued_text,
        "summary": t.summary,
        "deadline": row.deadline.text,
        "due": format_date_short(row.deadline.due) if row.deadline.due else "",
        "completed": t.completed_text if done else "",
        "status": row.status.label,
        "progress": row.progress,
        "result": t.result if done else "",
        "unit": t.unit or "",
    }


def export_csv(records: Sequence[dict[str, str]]) -> bytes:
    """CSV with a UTF-8 byte-order mark, so Excel shows Vietnamese letters correctly."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([title for _, title in COLUMNS])
    for rec in records:
        writer.writerow([rec[key] for key, _ in COLUMNS])
    return buf.getvalue().encode("utf-8-sig")


def export_json(records: Sequence[dict[str, str]], as_of: date) -> bytes:
    doc = {"as_of": as_of.isoformat(), "tasks": list(records)}
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def export_xlsx(records: Sequence[dict[str, str]], as_of: date, out: Path) -> None:
    """An Excel workbook with a header row, wrapped text and frozen header."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Nhiệm vụ"
    ws.append([title for _, title in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for rec in records:
        ws.append([rec[key] for key, _ in COLUMNS])
    widths = {"summary": 60, "result": 30, "document": 20}
    for i, (key, _) in enumerate(COLUMNS, 1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = widths.get(key, 14)
        for row in ws.iter_rows(min_row=2, min_col=i, max_col=i):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    wb.properties.title = f"Nhiệm vụ UBND tỉnh giao, tính đến {format_date_short(as_of)}"
    wb.save(out)
