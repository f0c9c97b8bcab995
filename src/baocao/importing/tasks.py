"""Rows of an appendix table or of a spreadsheet, as register entries, matched against the
register so that a task followed over many months stays one task."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from ..deadlines import DeadlineKind, parse_deadline
from ..errors import DateParseError, DeadlineParseError
from ..model import Task
from ..vietnamese import fold, format_date_short, parse_date

#: Column keys recognised from header names (folded: no diacritics, lower case), first match
#: wins; the keys are the appendix column keys of the content model.
HEADER_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("id", ("ma nhiem vu", "ma")),
    ("tt", ("stt", "tt", "so thu tu")),
    ("ngay_hoan_thanh", ("ngay hoan thanh", "hoan thanh ngay")),
    ("ngay_ban_hanh", ("ngay ban hanh", "ngay van ban", "ngay giao")),
    ("van_ban", ("so/ky hieu", "so, ky hieu", "so ky hieu", "ky hieu", "van ban", "vbcd")),
    ("noi_dung", ("noi dung", "trich yeu", "nhiem vu")),
    ("thoi_han", ("thoi han", "han xu ly", "han hoan thanh", "han")),
    ("tien_do", ("tien do",)),
    ("tinh_trang", ("tinh trang",)),
    ("ket_qua_yeu_cau", ("ket qua yeu cau",)),
    ("ket_qua", ("ket qua",)),
    ("don_vi", ("don vi", "phong", "chu tri")),
    ("ghi_chu", ("ghi chu",)),
)
FIELD_NAMES = {
    "id": "mã nhiệm vụ", "van_ban": "số/ký hiệu văn bản", "ngay_ban_hanh": "ngày văn bản",
    "noi_dung": "nội dung", "thoi_han": "thời hạn", "ngay_hoan_thanh": "ngày hoàn thành",
    "ket_qua": "kết quả", "don_vi": "đơn vị", "ghi_chu": "ghi chú",
    "ket_qua_yeu_cau": "kết quả yêu cầu",
}
_DOC_DATE = re.compile(
    r"^(?P<doc>.*?)[\s,;]*(?:\(?\s*ngày\s*(?P<day>\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4})\s*\)?)?\s*$",
    re.I | re.S)
#: A deadline with a remark in brackets after it.
_REMARK = re.compile(r"^(.+?)\s*\((.+)\)\s*$", re.S)
#: A deadline changed by a document, as the appendix prints it (render/facts.py).
_CHANGE = re.compile(
    r"^(?P<new>[^()]+?)\s*\((?P<kind>gia hạn|điều chỉnh)(?:\s+theo\s+(?:văn bản|công văn|quyết "
    r"định)?\s*(?:số\s*)?(?P<doc>[^\s,]+)\s+ngày\s+(?P<day>\d{1,2}/\d{1,2}/\d{4}))?\s*,\s*"
    r"hạn cũ\s+(?P<old>[^()]+)\)\s*$", re.I)
#: Placeholder of an undated completion until the report's cut-off is known.
UNDATED = "\u2063ngay-chot\u2063"
_ANY_DATE = re.compile(r"\b(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})\b")


def header_key(name: str) -> str | None:
    """The column key a header cell names, or None."""
    folded = " ".join(fold(name).replace("đ", "d").split())
    for key, words in HEADER_WORDS:
        for w in words:
            if folded == w or (len(w) > 3 and w in folded):
                return key
    return None


def is_header(cells: list[str]) -> bool:
    """A row of column names: not numbered, three short cells naming columns, one of them the
    content (a task row's long texts can contain the same words)."""
    if cells and cells[0].strip().rstrip(".").isdigit():
        return False
    keys = [header_key(c) for c in cells if c and len(c) <= 40]
    return sum(1 for k in keys if k) >= 3 and "noi_dung" in keys


@dataclass
class Note:
    """A message of the import report: kind "unmapped", "guess" or "mismatch"."""

    kind: str
    where: str
    text: str


@dataclass
class RowFacts:
    """One row's facts as typed, and where it came from (and its group row: key, title)."""

    where: str
    cells: dict[str, str]
    group: tuple[str, str] | None = None
    entry: dict[str, str] = field(default_factory=dict)
    typed_status: str = ""


def _clean(text: str) -> str:
    return " ".join(text.replace("\u2011", "-").split())


def _date_text(text: str) -> str | None:
    """The date as typed ("09/8/2023" keeps its zero), or None when it is not a date."""
    typed = text.replace(" ", "")
    try:
        parse_date(typed)
    except (DateParseError, ValueError):
        return None
    return typed


def row_entry(row: RowFacts, notes: list[Note]) -> dict[str, str] | None:
    """The register entry of *row* (facts only), or None when its document or date is missing.
    Every fact that could not be read is a note; every reading that is a guess too."""
    c = {k: v for k, v in row.cells.items()}
    entry: dict[str, str] = {}
    raw_doc = _clean(c.get("van_ban", ""))
    m = _DOC_DATE.match(raw_doc)
    doc = _clean(m.group("doc")) if m else raw_doc
    day = m.group("day") if m and m.group("day") else c.get("ngay_ban_hanh", "").strip()
    doc = re.sub(r"^(?:văn bản\s+)?số\s*:?\s*", "", doc, flags=re.I)
    if not doc:
        notes.append(Note("unmapped", row.where, "không có số/ký hiệu văn bản: bỏ qua dòng này"))
        return None
    issued = _date_text(day) if day else None
    if issued is None:
        notes.append(Note("unmapped", row.where,
                          f"văn bản \"{doc}\" không có ngày ban hành đọc được: bỏ qua dòng này"))
        return None
    entry["document"] = doc
    entry["issued"] = issued
    summary = _clean(c.get("noi_dung", ""))
    if not summary:
        notes.append(Note("unmapped", row.where, f"văn bản \"{doc}\" không có nội dung công việc"))
        summary = doc
    entry["summary"] = summary
    deadline = _clean(c.get("thoi_han", ""))
    change = _CHANGE.match(deadline)
    remark = _REMARK.match(deadline)
    if change and _parses(change.group("new")) and _parses(change.group("old")) and (
            change.group("day") or change.group("kind").lower() == "điều chỉnh"):
        # "30/4/2025 (điều chỉnh theo Văn bản số 1618/UBND-KTN ngày 25/3/2025, hạn cũ Quý II/2025)"
        key = "adjustments" if change.group("kind").lower() == "điều chỉnh" else "extensions"
        day = change.group("day") or ""
        if key == "adjustments" and not day:
            day = entry["issued"]
            notes.append(Note("guess", row.where, "điều chỉnh thời hạn không ghi ngày văn bản: "
                              "lấy ngày giao nhiệm vụ"))
        entry[key] = f"{change.group('new').strip()}|{day}|{change.group('doc') or ''}"
        deadline = change.group("old").strip()
    elif remark and _parses(remark.group(1)):
        # "30/6/2025 (gia hạn, hạn cũ Quý I/2025)": the deadline in force; the history cannot be
        # written without the day of the extension
        deadline = remark.group(1).strip()
        notes.append(Note("guess", row.where, f"thời hạn \"{_clean(c.get('thoi_han', ''))}\": ghi "
                          f"thời hạn đang áp dụng {deadline}; phần trong ngoặc không ghi được vào sổ "
                          "(thiếu ngày, số văn bản gia hạn): bổ sung extensions nếu cần"))
    if deadline:
        try:
            parsed = parse_deadline(deadline)
        except (DeadlineParseError, ValueError):
            notes.append(Note("unmapped", row.where,
                              f"thời hạn \"{deadline}\" không đọc được: để trống, ghi vào ghi chú"))
            entry["notes"] = f"Thời hạn ghi trong báo cáo cũ: {deadline}"
        else:
            entry["deadline"] = deadline
            if parsed.kind is not DeadlineKind.DATE:
                due = format_date_short(parsed.due) if parsed.due else "không có ngày hạn"
                notes.append(Note("guess", row.where,
                                  f"thời hạn \"{deadline}\" được hiểu là {_KIND[parsed.kind]} "
                                  f"(hạn tính: {due})"))
    done = _clean(c.get("ngay_hoan_thanh", ""))
    if done:
        found = _ANY_DATE.search(done)
        if found and _date_text(found.group(0)):
            entry["completed"] = _date_text(found.group(0)) or ""
            if _clean(found.group(0)) != done:
                notes.append(Note("guess", row.where,
                                  f"ngày hoàn thành \"{done}\" được hiểu là {entry['completed']}"))
        elif "hoan thanh" in fold(done) and "chua" not in fold(done):
            entry["completed_by"] = UNDATED
            notes.append(Note("guess", row.where, f"ngày hoàn thành \"{done}\" không có ngày: ghi "
                              "completed_by bằng ngày chốt số liệu của báo cáo"))
        else:
            notes.append(Note("unmapped", row.where,
                              f"ngày hoàn thành \"{done}\" không phải một ngày: không ghi vào sổ"))
    for key, name in (("ket_qua", "result"), ("don_vi", "unit"),
                      ("ket_qua_yeu_cau", "required_result")):
        value = _clean(c.get(key, ""))
        if value:
            entry[name] = value
    note = _clean(c.get("ghi_chu", ""))
    if note:
        entry["notes"] = (entry.get("notes", "") + "; " if entry.get("notes") else "") + note
    return entry


def _parses(text: str) -> bool:
    try:
        parse_deadline(text.strip())
    except (DeadlineParseError, ValueError):
        return False
    return True


_KIND = {
    DeadlineKind.MONTH: "một tháng", DeadlineKind.QUARTER: "một quý", DeadlineKind.YEAR: "một năm",
    DeadlineKind.RANGE: "một giai đoạn nhiều năm", DeadlineKind.HALF: "nửa năm",
    DeadlineKind.RECURRING: "nhiệm vụ thường xuyên", DeadlineKind.NONE: "không có thời hạn",
    DeadlineKind.DATE: "một ngày",
}


def _doc_key(doc: str) -> str:
    return re.sub(r"[\s\u2010-\u2015-]+", "-", doc.strip().lower())


def _similar(a: str, b: str) -> float:
    return SequenceMatcher(None, fold(a), fold(b), autojunk=False).ratio()


def match_task(entry: dict[str, str], tasks: list[Task] | tuple[Task, ...]) -> Task | None:
    """The register task *entry* is, by document number and content: the same number and a
    content at least 60 % alike (or the only task with that number and date)."""
    same = [t for t in tasks if _doc_key(t.document) == _doc_key(entry["document"])]
    if not same:
        return None
    best = max(same, key=lambda t: _similar(t.summary, entry["summary"]))
    if _similar(best.summary, entry["summary"]) >= 0.6:
        return best
    dated = [t for t in same if t.issued_text and _date_text(t.issued_text) == entry["issued"]]
    return dated[0] if len(same) == 1 and dated else None


def new_id(entry: dict[str, str], taken: set[str]) -> str:
    """``<year>-<number with / as ->``, as the shipped register ("2023-4502-UBND-KGVX")."""
    year = entry["issued"].rsplit("/", 1)[-1]
    doc = re.sub(r"[^0-9A-Za-zÀ-ỹĐđ._-]+", "-", entry["document"].replace("/", "-")).strip("-")
    base = f"{year}-{doc}" if doc else f"{year}-nhiem-vu"
    found, n = base, 2
    while found in taken:
        found, n = f"{base}-{n}", n + 1
    taken.add(found)
    return found


def task_facts(task: Task) -> dict[str, str]:
    """The facts of a register task, as the strings an import compares."""
    return {
        "document": task.document,
        "issued": task.issued_text,
        "summary": task.summary,
        "deadline": task.deadline.text if task.deadline else "",
        "completed": task.completed_text,
        "result": task.result,
        "unit": task.unit or "",
        "required_result": task.required_result or "",
        "completed_by": task.completed_by_text,
    }


def same_fact(key: str, a: str, b: str) -> bool:
    if key in ("issued", "completed", "deadline"):
        da, db = _date_text(a) if a else None, _date_text(b) if b else None
        if da is not None and db is not None:
            return parse_date(da) == parse_date(db)
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()
