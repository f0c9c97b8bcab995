"""Exports of the task register: CSV, JSON and Excel files of the rows ``baocao directives``
selected (``commands/directives.py`` turns rows into records)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from ..vietnamese import format_date_short

COLUMNS = (
    ("id", "Mã"),
    ("document", "Số/Ký hiệu VBCĐ"),
    ("issued", "Ngày giao"),
    ("summary", "Nội dung công việc"),
    ("deadline", "Thời hạn"),
    ("deadline_change", "Thay đổi thời hạn"),
    ("due", "Hạn (tính toán)"),
    ("completed", "Ngày hoàn thành"),
    ("completed_by", "Hoàn thành, không rõ ngày (chậm nhất)"),
    ("status", "Tình trạng"),
    ("progress", "Tiến độ"),
    ("result", "Kết quả xử lý"),
    ("progress_note", "Tình hình thực hiện"),
    ("progress_date", "Tình hình đến ngày"),
    ("unit", "Đơn vị"),
    ("required_result", "Kết quả yêu cầu"),
)


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
    widths = {"summary": 60, "result": 30, "progress_note": 40, "required_result": 25,
              "document": 20}
    for i, (key, _) in enumerate(COLUMNS, 1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = widths.get(key, 14)
        for row in ws.iter_rows(min_row=2, min_col=i, max_col=i):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    wb.properties.title = f"Nhiệm vụ UBND tỉnh giao, tính đến {format_date_short(as_of)}"
    wb.save(out)
