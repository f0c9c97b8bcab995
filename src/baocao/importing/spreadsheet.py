"""The task register from a spreadsheet (XLSX or CSV) exported by a document-management
system: columns recognised from their Vietnamese header names (or named by the user), rows
matched against ``directives.yaml`` (by task id when the sheet has one, else by document number
and content), and the difference as new, changed and unchanged tasks. Facts only: a status
column is ignored, statuses stay computed."""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from xml.etree import ElementTree

from lxml import etree

from ..model import Task
from .register import append_tasks, update_task
from .tasks import (
    FIELD_NAMES,
    Note,
    RowFacts,
    header_key,
    match_task,
    new_id,
    row_entry,
    same_fact,
    task_facts,
)

#: Keys a --cot option may name.
MAPPABLE = tuple(FIELD_NAMES)


@dataclass
class Change:
    task_id: str
    where: str
    changes: dict[str, tuple[str, str]]  # key -> (old, new)


@dataclass
class SheetDiff:
    columns: dict[str, str]  # key -> header as typed
    new: list[dict[str, str]] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    text: str = ""  # the register after the merge


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f"{value.day}/{value.month}/{value.year}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def read_rows(path: Path) -> list[list[str]]:
    """Every row of the first sheet (XLSX) or of the CSV, as strings. Raises ValueError with a
    Vietnamese message when the file is no such spreadsheet (damaged, or another kind of file)."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        import openpyxl  # noqa: PLC0415
        from openpyxl.utils.exceptions import InvalidFileException  # noqa: PLC0415

        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
            try:
                sheet = book.worksheets[0]
                return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            finally:
                book.close()
        except (zipfile.BadZipFile, InvalidFileException, KeyError, IndexError, EOFError,
                zlib.error, etree.XMLSyntaxError, ElementTree.ParseError) as exc:
            raise ValueError("không đọc được tệp Excel (tệp hỏng, có mật khẩu hoặc không phải "
                             "tệp .xlsx của Excel)") from exc
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1258")
        except UnicodeDecodeError:
            raise ValueError("không đọc được tệp CSV: không phải chữ theo bảng mã UTF-8 hay "
                             "Windows-1258 (có phải tệp khác đổi tên thành .csv?)") from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [[_cell(v) for v in row] for row in csv.reader(io.StringIO(text), dialect)]


def columns_of(rows: list[list[str]], overrides: dict[str, str]) -> tuple[int, dict[str, int]]:
    """(header row index, key -> column index). *overrides*: key -> header text or column
    letter. Raises ValueError with a Vietnamese message when the sheet has no usable header."""
    for h, row in enumerate(rows[:15]):
        keys = [header_key(v) if v and len(v) <= 40 else None for v in row]
        found: dict[str, int] = {}
        for n, k in enumerate(keys):
            if k and k not in found:
                found[k] = n
        if len(found) >= 3 and "noi_dung" in found or overrides and h == 0:
            for key, name in overrides.items():
                col = _column(row, name)
                if col is None:
                    raise ValueError(f"không có cột \"{name}\" (cho {FIELD_NAMES.get(key, key)}); "
                                     f"các cột: {', '.join(v for v in row if v)}")
                found[key] = col
            return h, found
    raise ValueError("không nhận ra dòng tiêu đề cột (cần ít nhất các cột số/ký hiệu văn bản, "
                     "nội dung, thời hạn); hãy chỉ rõ bằng --cot KHÓA=TÊN_CỘT")


def _column(header: list[str], name: str) -> int | None:
    if name.isalpha() and name.isupper() and len(name) <= 2:
        n = 0
        for ch in name:
            n = n * 26 + ord(ch) - 64
        return n - 1
    for n, v in enumerate(header):
        if " ".join(v.split()).casefold() == " ".join(name.split()).casefold():
            return n
    return None


def diff_sheet(rows: list[list[str]], name: str, overrides: dict[str, str], text: str,
               tasks: tuple[Task, ...]) -> SheetDiff:
    h, cols = columns_of(rows, overrides)
    out = SheetDiff({k: rows[h][i] if i < len(rows[h]) else "" for k, i in cols.items()})
    for ignored in ("tien_do", "tinh_trang"):
        if ignored in cols:
            out.notes.append(Note("guess", f"{name}: cột \"{rows[h][cols[ignored]]}\"",
                                  "bỏ qua: tình trạng do công cụ tính từ các ngày"))
    by_id = {t.id: t for t in tasks}
    taken = set(by_id)
    for r, row in enumerate(rows[h + 1:], h + 2):
        cells = {k: row[i] for k, i in cols.items() if i < len(row) and row[i]}
        if not any(cells.get(k) for k in ("van_ban", "noi_dung")):
            continue
        where = f"{name}: dòng {r}"
        entry = row_entry(RowFacts(where, cells), out.notes)
        if entry is None:
            continue
        found = by_id.get(cells.get("id", "")) or match_task(entry, tasks)
        if found is None:
            task_id = cells.get("id") or new_id(entry, taken)
            taken.add(task_id)
            out.new.append({"id": task_id, **entry})
            continue
        have = task_facts(found)
        changes = {k: (have.get(k, ""), v) for k, v in entry.items()
                   if k in have and v and not same_fact(k, have.get(k, ""), v)}
        if "deadline" in changes and (found.extensions or found.adjustments):
            old, new = changes.pop("deadline")
            out.notes.append(Note("guess", where, f"nhiệm vụ {found.id} có gia hạn/điều chỉnh "
                                  f"thời hạn trong sổ: thời hạn \"{new}\" của tệp (khác \"{old}\") "
                                  "được coi là thời hạn sau điều chỉnh, không sửa"))
        if changes:
            out.changed.append(Change(found.id, where, changes))
            text = update_task(text, found.id, {k: v for k, (_, v) in changes.items()})
        else:
            out.unchanged.append(found.id)
    out.text = append_tasks(text, out.new)
    return out
