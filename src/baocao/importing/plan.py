"""The files an import writes: a report folder in the content format, and the register's new
and completed facts, checked against the engine before anything is written."""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from ..directives import TaskRow, compute_rows, select_tasks, summarize
from ..errors import ImportRefused
from ..load import tasks_from_text
from ..model import (
    APPENDIX_COLUMNS,
    DEFAULT_APPENDIX_COLUMNS,
    MAX_COLUMN_WIDTH,
    MIN_COLUMN_WIDTH,
    Task,
    is_nhu_tren,
)
from ..months import default_period_start, end_of_month, year_problem
from ..placeholders import INLINE
from ..problems import Problems
from ..repofiles import check_repo_file
from ..vietnamese import fold, format_count, format_date_short
from ..yamledit import quote
from .docx_read import Item, Para, Table
from .register import append_tasks, insert_task, update_task
from .report import Appendix, ReadReport, Section, agency_case, recase, written_as
from .tasks import UNDATED, Note, match_task, new_id, row_entry, same_fact, task_facts

_ITEM = re.compile(r"^(\*\*|\*)?\s*([-+–•])\s+")
#: Counts typed in a body that the engine computes: (pattern, placeholder).
COUNTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(Tổng\s+số\s*:?\s*)(\d+)(?=\s*nhiệm\s+vụ)", re.I), "tong_so"),
    (re.compile(r"(Đã\s+thực\s+hiện\s*(?:\(hoàn\s+thành\))?\s*:?\s*)(\d+)", re.I), "da_thuc_hien"),
    (re.compile(r"(thực\s+hiện\s+chậm\s*:?\s*)(\d+)", re.I), "thuc_hien_cham"),
    (re.compile(r"(Đang\s+thực\s+hiện\s*\(trong\s+hạn\)\s*:?\s*)(\d+)", re.I),
     "dang_thuc_hien_trong_han"),
    (re.compile(r"(Đang\s+thực\s+hiện\s*:\s*)(\d+)", re.I), "dang_thuc_hien"),
    (re.compile(r"(quá\s+hạn\s*:?\s*)(\d+)(?=\s*nhiệm\s+vụ)", re.I), "dang_thuc_hien_qua_han"),
    (re.compile(r"(Chưa\s+thực\s+hiện\s*:?\s*)(\d+)", re.I), "chua_thuc_hien"),
)
#: Register facts as the import report names them.
FACT_NAMES = {"document": "số/ký hiệu văn bản", "issued": "ngày văn bản", "summary": "nội dung",
              "deadline": "thời hạn", "completed": "ngày hoàn thành", "result": "kết quả",
              "unit": "đơn vị"}
_STATUS_WORDS = {"dung han": "Đúng hạn", "qua han": "Quá hạn", "chua den han": "Chưa đến hạn",
                 "khong ro": "Không rõ"}


@dataclass
class Plan:
    """Everything an import would write, and what it found."""

    month: tuple[int, int]
    folder: str  # content/<yyyy>/<mm>
    files: dict[str, str] = field(default_factory=dict)  # repository path -> text
    images: dict[str, bytes] = field(default_factory=dict)  # repository path -> image bytes
    directives: str | None = None  # the new register text (None: unchanged)
    organization: str | None = None  # a new organization.yaml (None: unchanged)
    notes: list[Note] = field(default_factory=list)
    new_tasks: int = 0
    updated_tasks: int = 0
    matched_tasks: int = 0
    cutoff: date | None = None


# ---- Markdown bodies ---------------------------------------------------------------------
def _table_md(table: Table) -> list[str]:
    rows = []
    for row in table.rows:
        cells = []
        for cell in row:
            cells.append(cell.md.replace("\\\n", " ").replace("\n", " ").replace("|", "\\|")
                         or " ")
            cells.extend([" "] * (cell.colspan - 1))
        rows.append(cells)
    if not rows:
        return []
    width = max(len(r) for r in rows)
    rows = [r + [" "] * (width - len(r)) for r in rows]
    out = ["| " + " | ".join(rows[0]) + " |", "|" + "|".join(["---"] * width) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return out


def body_markdown(items: list[Item]) -> str:
    """A section body in the editors' dialect: "-"/"+" paragraphs and Word bullets as lists
    ("+" under "-"), Word numbering as its literal text, tables as pipe tables, footnotes."""
    blocks: list[tuple[str, list[str]]] = []  # (kind, lines)
    notes: list[str] = []
    for item in items:
        if isinstance(item, Table):
            blocks.append(("table", _table_md(item)))
            notes.extend(n for row in item.rows for c in row for p in c.paras for n in p.notes)
            continue
        p: Para = item
        if not p.md:
            continue
        notes.extend(p.notes)
        md = p.md
        if p.marker == "-" and _ITEM.match(md):
            # a Word bullet whose text starts with a typed marker ("- + …"): the typed one counts
            p = Para(p.text, md, p.index)
        while _ITEM.match(md) and _ITEM.match(_ITEM.sub(lambda m: m.group(1) or "", md, count=1)):
            md = _ITEM.sub(lambda m: m.group(1) or "", md, count=1)  # "- + …": the inner marker
        if p.marker == "-":
            mark = "-" if p.depth == 0 else "+"
            blocks.append(("item", ["    " * min(p.depth, 1) + f"{mark} {md}"]))
            continue
        if p.marker:
            blocks.append(("para", [f"{p.marker} {md}"]))
            continue
        m = _ITEM.match(md)
        if m:
            emph, mark = m.group(1) or "", m.group(2)
            text = emph + md[m.end():]
            if mark in "-–•":
                blocks.append(("item", [f"- {text}"]))
            else:
                nested = bool(blocks) and blocks[-1][0] == "item"
                blocks.append(("item", [("    + " if nested else "+ ") + text]))
            continue
        blocks.append(("para", [md]))
    lines: list[str] = []
    prev = ""
    for kind, block in blocks:
        text = [line.replace("\\\n", "\\\n" + ("      " if kind == "item" else "")) for line in block]
        if lines and not (kind == "item" and prev == "item"):
            lines.append("")
        lines.extend(text)
        prev = kind
    body = "\n".join(lines)
    if notes:
        body += "\n\n" + "\n".join(f"[^{_note_no(body, i)}]: {note}" for i, note in enumerate(notes))
    return body + "\n"


def _note_no(body: str, i: int) -> str:
    refs = re.findall(r"\[\^(\d+)\]", body)
    return refs[i] if i < len(refs) else str(i + 1)


def _slug(title: str) -> str:
    text = fold(title)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", text)
    slug = "-".join(words[:6])
    return slug or "muc"


def _body_words(rep: ReadReport) -> Counter[str]:
    words: Counter[str] = Counter()
    for s in rep.sections:
        for item in s.body:
            if isinstance(item, Para):
                split = item.text.split()
                # a word's case is voted only where it is not capitalised for starting a sentence
                words.update(w.strip(".,;:()“”\"") for n, w in enumerate(split)
                             if n > 0 and not split[n - 1].endswith((".", ":", ";", "-", "+")))
    return words


# ---- the plan -----------------------------------------------------------------------------
def month_of(rep: ReadReport, name: str, given: str | None, notes: list[Note]) -> tuple[int, int]:
    found_month = _month_found(rep, name, given, notes)
    why = year_problem(found_month[0])
    if why is not None:  # as the loader refuses such a folder (E502)
        raise ImportRefused(f"{name}: tháng báo cáo {found_month[1]}/{found_month[0]}: {why}; "
                            "hãy ghi đúng --month YYYY-MM")
    return found_month


def _month_found(rep: ReadReport, name: str, given: str | None,
                 notes: list[Note]) -> tuple[int, int]:
    if given:
        y, m = given.split("-")
        return int(y), int(m)
    if rep.year_month:
        return rep.year_month
    found = re.search(r"tháng\s*(\d{1,2})\s*/\s*(\d{4})", rep.title, re.I)
    if found:
        notes.append(Note("guess", "trích yếu", f"tháng báo cáo lấy từ trích yếu: {found.group(0)}"))
        return int(found.group(2)), int(found.group(1))
    found = re.search(r"(\d{4})[-_. ](\d{1,2})(?!\d)", name)
    if found and 1 <= int(found.group(2)) <= 12:
        notes.append(Note("guess", "tên tệp", f"tháng báo cáo lấy từ tên tệp \"{name}\""))
        return int(found.group(1)), int(found.group(2))
    raise ValueError(name)


def build_plan(rep: ReadReport, *, name: str, month: str | None, cutoff: date | None,
               directives_text: str, tasks: tuple[Task, ...], previous_cutoff: date | None,
               org_text: str | None, org_on_day: object | None) -> Plan:
    notes = list(rep.notes)
    year, mon = month_of(rep, name, month, notes)
    plan = Plan((year, mon), f"content/{year}/{mon:02d}", notes=notes)

    # -- the appendices' tasks, matched against the register
    per_apx: list[list[str]] = []  # each appendix's task ids, in row order
    typed: dict[tuple[int, str], tuple[str, str]] = {}  # (appendix, id) -> (status, where)
    taken = {t.id for t in tasks}
    new_entries: list[dict[str, str]] = []
    updates: list[tuple[str, dict[str, str]]] = []
    for k, apx in enumerate(rep.appendices):
        per_apx.append([])
        for row in apx.rows:
            entry = row_entry(row, notes)
            if entry is None:
                continue
            found = match_task(entry, tasks) or next(
                (t for t in _pending(new_entries, entry)), None)
            if isinstance(found, Task):
                plan.matched_tasks += 1
                changes = _changes(found, entry, row.where, notes)
                if changes:
                    updates.append((found.id, changes))
                task_id = found.id
            elif isinstance(found, dict):  # met in an earlier appendix: add what it lacked
                task_id = found["id"]
                for key, value in entry.items():
                    found.setdefault(key, value)
            else:
                task_id = new_id(entry, taken)
                entry = {"id": task_id, **entry}
                new_entries.append(entry)
            if row.group and _is_topic(apx) and isinstance(found, dict | None):
                target = found if isinstance(found, dict) else entry
                target.setdefault("topic", row.group[0])
            per_apx[k].append(task_id)
            status = row.cells.get("tien_do") or row.cells.get("tinh_trang") or ""
            typed[(k, task_id)] = (status, row.where)
            if " ".join(fold(status).split()) == "chua thuc hien":
                flag = found if isinstance(found, dict) else (
                    entry if not isinstance(found, Task) else None)
                if flag is not None and "not_started" not in flag:
                    flag["not_started"] = "true"
                    notes.append(Note("guess", row.where, "\"Chưa thực hiện\": ghi not_started: "
                                      "true (chưa bắt đầu) cho nhiệm vụ"))
    for entry in new_entries:  # "Hoàn thành …" typed, no day anywhere: done by the cut-off
        said = [st for (_, i), (st, _) in typed.items() if i == entry["id"]]
        if any(fold(x).startswith("hoan thanh") for x in said) and not (
                entry.get("completed") or entry.get("completed_by")):
            entry["completed_by"] = UNDATED
            notes.append(Note("guess", typed[next(k for k in typed if k[1] == entry["id"])][1],
                              f"nhiệm vụ {entry['id']} ghi \"hoàn thành\" mà không có ngày: ghi "
                              "completed_by bằng ngày chốt số liệu"))
    for entry in new_entries:  # the "Kết quả" of an open task: its progress at the cut-off
        if entry.get("result") and not (entry.get("completed") or entry.get("completed_by")):
            entry["progress"] = f"{UNDATED}|{entry.pop('result')}"
    ids = [i for apx_ids in per_apx for i in apx_ids]
    existing = {t.id for t in tasks}
    plan.new_tasks = len(new_entries)
    plan.updated_tasks = len({i for i, _ in updates})

    def register(undated: date) -> str:
        """The register with this import's facts, an undated completion as of *undated*."""
        day = f"{undated.day}/{undated.month}/{undated.year}"
        text = directives_text
        for task_id, changes in updates:
            text = update_task(text, task_id, {k: day if v == UNDATED else v
                                               for k, v in changes.items()})
        for entry in new_entries:  # before the next task of the appendix that the register has
            entry = {k: v.replace(UNDATED, day) for k, v in entry.items()}
            after = ids[ids.index(entry["id"]) + 1:]
            before = next((i for i in after if i in existing), None)
            text = insert_task(text, entry, before) if before else append_tasks(text, [entry])
        return text

    def parsed(text: str) -> dict[str, Task]:
        problems = Problems()
        found = tasks_from_text(text, problems) if text.strip() else ()
        for p in problems.items:
            notes.append(Note("unmapped", "directives.yaml", p.format()))
        return {t.id: t for t in found}

    # -- the cut-off (an undated completion counts at the month's end until it is known)
    main = per_apx[0] if per_apx else []
    counts = _typed_counts(rep)
    first, last = date(year, mon, 1), end_of_month(year, mon)
    by_id = parsed(register(last)) if cutoff is None and rep.day is None else {}
    listed = [by_id[i] for i in dict.fromkeys(main) if i in by_id]

    def score(day: date) -> int:
        rows = compute_rows(listed, day)
        s = sum(1 for r in rows if _same_status(typed[(0, r.task.id)][0], r))
        values = _values(summarize(rows))
        s += sum(1 for k, (v, _) in counts.items() if values.get(k) == v)
        return s

    if cutoff is None:
        if rep.day is not None:
            cutoff = rep.day
            notes.append(Note("guess", "dòng ngày tháng",
                              f"ngày chốt số liệu lấy bằng ngày của báo cáo {format_date_short(cutoff)}"))
        else:
            days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
            best = max(score(d) for d in days) if listed else 0
            fits = [d for d in days if not listed or score(d) == best]
            cutoff = min(fits, key=lambda d: (abs(d.day - 15), d))
            notes.append(Note("guess", "phụ lục",
                              f"văn bản không ghi ngày chốt số liệu: chọn {format_date_short(cutoff)}, "
                              "ngày gần ngày 15 nhất mà tiến độ và số liệu tính ra khớp với báo cáo "
                              "(sửa cutoff trong index.md nếu cần)"))
    plan.cutoff = cutoff
    text = register(cutoff)
    if text != directives_text:
        plan.directives = text
    by_id = parsed(text)
    all_tasks = tuple(by_id.values())

    # -- the selection, the counts, the statuses, each appendix's groups
    start = default_period_start(cutoff, previous_cutoff)
    default_ids = [t.id for t in select_tasks(all_tasks, start, cutoff)]
    wanted = list(dict.fromkeys(main))
    include = [i for i in wanted if i not in default_ids]
    exclude = [i for i in default_ids if i not in wanted] if rep.appendices else []
    rows = compute_rows(select_tasks(all_tasks, start, cutoff, include, exclude), cutoff)
    values = _values(summarize(rows))
    for key, (value, where) in counts.items() if rep.appendices else ():
        if values.get(key) != value:
            notes.append(Note("mismatch", where,
                              f"{INLINE[key]}: văn bản gõ {value}, công cụ tính {values.get(key)}; "
                              "đã thay bằng chỗ điền số liệu {{ " + key + " }}"))
    for k, apx in enumerate(rep.appendices):
        apx_rows = compute_rows([by_id[i] for i in per_apx[k] if i in by_id], cutoff)
        for r in apx_rows:
            status, where = typed.get((k, r.task.id), ("", ""))
            if status and not _same_status(status, r):
                notes.append(Note("mismatch", where,
                                  f"nhiệm vụ {r.task.id}: báo cáo ghi \"{status}\", công cụ tính "
                                  f"\"{r.progress}\" ({r.status.label}) tại ngày chốt "
                                  f"{format_date_short(cutoff)}"))
        _check_groups(apx.groups, _values(summarize(apx_rows)), notes)

    # -- files
    plan.images = {f"{plan.folder}/{name}": data for name, data in rep.images.items()}
    plan.files = _report_files(rep, plan, cutoff, include, exclude, per_apx,
                               use_counts=bool(rep.appendices))
    if org_text is None and rep.agency_lines:
        plan.organization = _organization(rep, year, mon, notes)
    elif org_on_day is not None and rep.agency_lines:
        parent, name = getattr(org_on_day, "parent", ""), getattr(org_on_day, "name", "")
        typed_lines = [fold(x) for x in rep.agency_lines]
        if fold(parent) not in typed_lines or fold(name) not in typed_lines:
            notes.append(Note("mismatch", "đầu văn bản",
                              f"tên cơ quan trong văn bản ({' / '.join(rep.agency_lines)}) khác "
                              f"organization.yaml ({parent} / {name})"))
    return plan


def _changes(found: Task, entry: dict[str, str], where: str, notes: list[Note]) -> dict[str, str]:
    """The facts of *entry* the register's task lacks; a fact that differs is a note (the
    register wins)."""
    have = task_facts(found)
    changes = {}
    for key, value in entry.items():
        if key == "notes":
            continue
        old = have.get(key, "")
        if key == "completed_by" and (found.completed or found.completed_by):
            continue
        if not old and value:
            changes[key] = value
        elif old and value and value != UNDATED and not same_fact(key, old, value):
            notes.append(Note("mismatch", where,
                              f"nhiệm vụ {found.id}: {FACT_NAMES.get(key, key)} trong báo cáo là "
                              f"\"{value}\", trong sổ là \"{old}\" (giữ theo sổ)"))
    return changes


def _is_topic(apx: Appendix) -> bool:
    """The appendix's group rows name fields of work, not statuses."""
    return bool(apx.groups) and not any("thuc hien" in fold(g) for g, _ in apx.groups)


def _same_status(typed: str, row: TaskRow) -> bool:
    """The typed "Tiến độ" or "Tình trạng" cell says what the engine computes."""
    word = " ".join(fold(typed).replace("(", " ").replace(")", " ").split())
    return (_status_word(typed) == row.progress
            or word == row.status.value.replace("-", " ")
            or word == " ".join(fold(row.status.label).split()))


def _check_groups(groups: list[tuple[str, str]], values: dict[str, str],
                  notes: list[Note]) -> None:
    for g, where in groups:
        m = re.search(r"(\d+)", g)
        if m is None:
            continue
        key = next((k for k, w in (("da_thuc_hien", "da thuc hien"),
                                   ("dang_thuc_hien", "dang thuc hien"),
                                   ("chua_thuc_hien", "chua thuc hien")) if w in fold(g)), None)
        if key and format_count(int(m.group(1))) != values.get(key):
            notes.append(Note("mismatch", where, f"dòng nhóm \"{g}\" ghi {m.group(1)}, công cụ tính "
                              f"{values.get(key)}"))


def _pending(entries: list[dict[str, str]], entry: dict[str, str]) -> list[dict[str, str]]:
    """A task already met earlier in this import (listed twice): the first one."""
    return [e for e in entries if e["document"] == entry["document"] and e["summary"] == entry["summary"]]


def _status_word(text: str) -> str:
    return _STATUS_WORDS.get(" ".join(fold(text).split()), text.strip())


def _values(summary: object) -> dict[str, str]:
    s = summary
    return {
        "tong_so": format_count(s.total),  # type: ignore[attr-defined]
        "da_thuc_hien": format_count(s.done),  # type: ignore[attr-defined]
        "thuc_hien_cham": format_count(s.done_late),  # type: ignore[attr-defined]
        "dang_thuc_hien": format_count(s.open),  # type: ignore[attr-defined]
        "dang_thuc_hien_trong_han": format_count(s.in_progress),  # type: ignore[attr-defined]
        "dang_thuc_hien_qua_han": format_count(s.overdue),  # type: ignore[attr-defined]
        "chua_thuc_hien": format_count(s.not_started),  # type: ignore[attr-defined]
    }


def counts_section(rep: ReadReport) -> Section | None:
    """The section that types the task counts: the first with "Tổng số: N nhiệm vụ" (the other
    counts are only read there, so "Đã thực hiện 02 cuộc kiểm tra" elsewhere stays text)."""
    pattern = COUNTS[0][0]
    return next((s for s in rep.sections for item in s.body
                 if isinstance(item, Para) and pattern.search(item.md)), None)


def _typed_counts(rep: ReadReport) -> dict[str, tuple[str, str]]:
    found: dict[str, tuple[str, str]] = {}
    for s in [x for x in (counts_section(rep),) if x is not None]:
        for item in s.body:
            if not isinstance(item, Para):
                continue
            for pattern, key in COUNTS:
                m = pattern.search(item.md)
                if m and key not in found:
                    found[key] = (format_count(int(m.group(2))), f"đoạn {item.index}")
    return found


def _placeholder(key: str) -> Callable[[re.Match[str]], str]:
    return lambda m: m.group(1) + "{{ " + key + " }}"


def _report_files(rep: ReadReport, plan: Plan, cutoff: date, include: list[str],
                  exclude: list[str], per_apx: list[list[str]], *,
                  use_counts: bool) -> dict[str, str]:
    files: dict[str, str] = {}
    folder = plan.folder
    words = _body_words(rep)
    year, mon = plan.month
    n = 0
    used: set[str] = set()
    replaced: set[str] = set()
    for sec in rep.sections:
        body = body_markdown(sec.body)
        if use_counts and sec is counts_section(rep):
            for pattern, key in COUNTS:
                if key not in replaced and pattern.search(body):
                    replaced.add(key)
                    body = pattern.sub(_placeholder(key), body, count=1)
        if sec.opening and not sec.part:
            files[f"{folder}/00-mo-dau.md"] = "---\nkind: opening\n---\n\n" + body
            continue
        if sec.opening:  # the lines under a Phần heading, before its first Mục
            n += 1
            files[f"{folder}/{n:02d}-mo-dau-phan-{sec.part.lower()}.md"] = (
                f"---\nkind: opening\npart: {sec.part}\n---\n\n" + body)
            continue
        n += 1
        title = sec.title.replace("\n", " ")
        if _is_caps(title) and not sec.number.isdigit() or _is_caps(title):
            cased = recase(title, words)
            if cased != title:
                plan.notes.append(Note("guess", sec.where,
                                       f"tiêu đề in hoa \"{title}\" ghi là \"{cased}\""))
            title = cased
        slug = _slug(title)
        if sec.part != (rep.parts[0].number if rep.parts else "I"):
            slug = "nhiem-vu-" + slug
        name = f"{n:02d}-{slug}"
        while name in used:
            name += "-2"
        used.add(name)
        front = f"---\npart: {sec.part}\nnumber: {quote(sec.number)}\ntitle: {quote(title)}\n---\n\n"
        files[f"{folder}/{name}.md"] = front + body
    for k, apx in enumerate(rep.appendices):
        title = apx.title or f"PHỤ LỤC {k + 1}"
        decl = _declaration(apx, per_apx[k] if k < len(per_apx) else [], first=k == 0)
        files[f"{folder}/{90 + k}-phu-luc.md"] = (
            f"---\nkind: appendix\ntitle: {quote(title)}\n{decl}---\n\n{{{{ bang_nhiem_vu }}}}\n")
    files[f"{folder}/index.md"] = _index(rep, plan, cutoff, include, exclude, year, mon)
    return files


def _declaration(apx: Appendix, ids: list[str], *, first: bool) -> str:
    """The appendix's table as typed: its columns (and their titles when not the default ones),
    no grouping when the table had no group rows, continuous numbering, and for an appendix after
    the first the exact list of its tasks."""
    lines: list[str] = []
    keys = [k for k in apx.columns if k in APPENDIX_COLUMNS]
    if keys and tuple(keys) != DEFAULT_APPENDIX_COLUMNS:
        lines.append("columns:")
        total = sum(w for k, w in zip(apx.columns, apx.widths, strict=False)
                    if k in APPENDIX_COLUMNS)
        for n, (key, header) in enumerate(zip(apx.columns, apx.headers or apx.columns,
                                              strict=False)):
            if key not in APPENDIX_COLUMNS:
                continue
            parts = [f"key: {key}"]
            if " ".join(header.split()).casefold() != APPENDIX_COLUMNS[key][0].casefold():
                parts.append(f"title: {quote(' '.join(header.split()))}")
            if key != "tt" and total and n < len(apx.widths):  # TT takes what is left
                share = round(100 * apx.widths[n] / total)
                parts.append(f"width: {min(max(share, MIN_COLUMN_WIDTH), MAX_COLUMN_WIDTH)}")
            lines.append(f"  - {{{', '.join(parts)}}}" if len(parts) > 1 else f"  - {key}")
    if not apx.groups:
        lines.append("group: none")
    elif _is_topic(apx):
        lines += ["group: topic", "topics:"]
        topics = dict.fromkeys(r.group for r in apx.rows if r.group)
        lines.extend(f"  - {{key: {quote(key)}, title: {quote(title)}}}" for key, title in topics)
    numbers = [int(n) for n in apx.numbers if n.isdigit()]
    if apx.groups and len(numbers) > 1 and numbers == list(range(1, len(numbers) + 1)):
        lines.append("numbering: continuous")
    if not first and ids:
        lines.append("select: list")
        lines.append("tasks:")
        lines.extend(f"  - {i}" for i in dict.fromkeys(ids))
    return "".join(line + "\n" for line in lines)


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _signer(rep: ReadReport) -> tuple[str, str, str]:
    lines = [x for x in rep.signer if x]
    authority = next((x for x in lines if re.match(r"^(KT|TM|TL|TUQ|Q)\.", x, re.I)), "")
    rest = [x for x in lines if x != authority]
    name = next((x for x in reversed(rest) if not _is_caps(x)), "")
    position = next((x for x in rest if _is_caps(x) and x != name), "")
    if not position and authority:
        position = authority.split(".", 1)[1].strip()
        authority = ""
    return authority, position, name


def _index(rep: ReadReport, plan: Plan, cutoff: date, include: list[str], exclude: list[str],
           year: int, mon: int) -> str:
    authority, position, name = _signer(rep)
    for line in rep.signer:
        if line not in (authority, position, name):
            plan.notes.append(Note("unmapped", "khối chữ ký", f"dòng \"{line}\" không dùng"))
    if not (position and name):
        plan.notes.append(Note("unmapped", "chữ ký", "không đọc được chức vụ và họ tên người ký: "
                               f"{' / '.join(rep.signer) or '(trống)'}; cần điền signer trong index.md"))
    lines = [
        "---",
        f"# Báo cáo tháng {mon}/{year}, nhập từ văn bản Word bằng baocao import.",
        f"title: {quote(rep.title or f'Báo cáo tháng {mon}/{year}')}",
        "status: draft",
        f"number: {rep.number if rep.number else ''}".rstrip() + "            # số văn bản",
        f"date: {rep.day.isoformat() if rep.day else ''}".rstrip() + "              # ngày ban hành",
        f"cutoff: {cutoff.isoformat()} # ngày chốt số liệu nhiệm vụ",
        "parts:",
    ]
    words = _body_words(rep)
    for part in rep.parts:
        part.headings = {k: recase(v, words) if _is_caps(v) else v
                         for k, v in part.headings.items()}
        lines.append(f"  - number: {part.number}")
        lines.append(f"    title: {quote(part.title or 'PHẦN ' + part.number)}")
        if part.headings:
            lines.append("    headings:")
            lines.extend(f"      {k}: {quote(v)}" for k, v in part.headings.items())
    if rep.addressees:
        lines.append("addressees:")
        lines.extend(f"  - {quote(a)}" for a in rep.addressees)
    lines += ["signer:", f"  authority: {quote(authority)}", f"  position: {quote(position)}",
              f"  name: {quote(name)}", "recipients:"]
    recipients = [r for r in rep.recipients if not (rep.addressees and is_nhu_tren(r))]
    lines.extend(f"  - {quote(r)}" for r in recipients or ["Lưu: VT."])
    if include or exclude:
        lines.append("tasks:")
        lines.append("  # Danh sách nhiệm vụ như phụ lục của văn bản gốc.")
        if include:
            lines.append("  include:")
            lines.extend(f"    - {i}" for i in include)
        if exclude:
            lines.append("  exclude:")
            lines.extend(f"    - {i}" for i in exclude)
    lines.append("---")
    return "\n".join(lines) + "\n"


def _organization(rep: ReadReport, year: int, mon: int, notes: list[Note]) -> str:
    parent = rep.agency_lines[0]
    name = " ".join(rep.agency_lines[1:]) or parent
    cased = written_as(name, rep.text) or agency_case(name)
    symbol = rep.symbol.split("-", 1)[-1] if "-" in rep.symbol else rep.symbol
    authority, position, _ = _signer(rep)
    head = authority.split(".", 1)[1].strip() if authority else position
    notes.append(Note("guess", "đầu văn bản", f"tạo organization.yaml từ đầu văn bản: \"{parent}\", "
                      f"\"{cased}\", ký hiệu {symbol}, địa danh {rep.place} (kiểm tra lại tên viết thường)"))
    return (
        "# yaml-language-server: $schema=./schemas/organization.schema.json\n"
        "# Tên cơ quan theo thời gian (tạo bởi baocao import từ đầu văn bản).\n"
        "periods:\n"
        f"  - from: {year}-{mon:02d}-01\n"
        f"    parent: {quote(parent)}\n"
        f"    name: {quote(cased)}\n"
        f"    place: {quote(rep.place)}\n"
        f"    symbol: {quote(symbol)}\n"
        f"    head_title: {quote(head or 'GIÁM ĐỐC')}\n"
    )


def repo_path(root: Path, rel: str) -> Path:
    """*rel* inside *root*, where the import may write: refused when it leaves the repository,
    and when the file or a folder above it is a symbolic link or a special file, as ``check``
    refuses it (E108, :mod:`baocao.repofiles`): never written through a link."""
    target = (root / rel).resolve()
    if root.resolve() not in target.parents:
        raise ImportRefused(f"{rel} dẫn ra ngoài kho (qua liên kết tượng trưng): không ghi")
    refused = check_repo_file(root, rel)
    if refused is not None:
        raise ImportRefused(f"{refused.problem().format()}; không ghi")
    return target


def replace_repo_file(root: Path, rel: str, text: str) -> None:
    """Write *text* as the repository file *rel* (a regular file or none yet, :func:`repo_path`)
    atomically: a new temporary file beside it, renamed over it (a rename replaces the name
    itself, never what a link there would point at). The file keeps its permissions."""
    target = repo_path(root, rel)
    if target.is_dir():
        raise ImportRefused(f"{rel} là một thư mục, không phải tệp: không ghi")
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        try:
            os.chmod(tmp, stat.S_IMODE(os.lstat(target).st_mode))
        except FileNotFoundError:
            os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
