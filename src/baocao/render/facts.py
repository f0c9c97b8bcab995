"""Facts every renderer shows the same way: header lines, computed counts, appendix rows.

One place decides how a draft's blanks look, how counts are written ("04") and how the task
table is grouped, so the Markdown view, the site and the official documents cannot disagree.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cached_property, lru_cache

from ..appendices import RowGroup, appendix_heading, appendix_rows, group_rows, spec_of
from ..directives import (
    Status,
    Summary,
    TaskRow,
    change_note,
    effective_deadline,
    latest_progress,
    report_rows,
    summarize,
)
from ..model import (
    DEFAULT_APPENDIX,
    AppendixColumn,
    AppendixSpec,
    Report,
    Repository,
    Section,
)
from ..months import month_after
from ..vietnamese import format_count, format_date_long
from . import glyph_widths

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
TEN_LOAI = "BÁO CÁO"
#: The default appendix table (model.DEFAULT_APPENDIX): headers and relative widths.
TABLE_COLUMNS = tuple(c.title for c in DEFAULT_APPENDIX.columns)
TABLE_WIDTHS = tuple(c.width for c in DEFAULT_APPENDIX.columns)
#: Completion cell of a task known to be done but not on which day: never a made-up date.
DONE_UNDATED_TEXT = "Hoàn thành"
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
    """One task row of an appendix table; ``cells`` follow the appendix's columns."""

    cells: tuple[str, ...]
    status: Status
    task_id: str
    #: The "Tiến độ" text (Đúng hạn / Quá hạn / Chưa đến hạn), whether printed or not.
    progress: str = ""


@dataclass(frozen=True)
class AppendixFacts:
    """One appendix as every output shows it.

    Attributes: section (its file); heading ("Phụ lục" or "Phụ lục II", R45/R46); title;
    kem_theo ("(Kèm theo Báo cáo số … ngày … tháng … năm … của …)", R47, or "" when the
    declaration turns it off); columns
    (keys, headers, widths scaled to 100); table (group and task rows); rows (its tasks);
    widths (the columns' from their content, computed when an output asks: only the official
    documents use them).
    """

    section: Section
    heading: str
    title: str
    kem_theo: str
    columns: tuple[AppendixColumn, ...]
    table: tuple[GroupRow | TaskTableRow, ...]
    rows: tuple[TaskRow, ...]

    @cached_property
    def widths(self) -> tuple[int | float, ...]:
        return content_widths(self.columns, self.table)

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.title for c in self.columns)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns)


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
    appendices: tuple[AppendixFacts, ...] = ()


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
    else:
        month_text = f"{report.month:02d}" if report.month <= 2 else str(report.month)
        date_long = f"ngày {DAY_BLANK}tháng {month_text} năm {report.year}"
    rows = tuple(report_rows(repo, report))
    summary = summarize(rows)
    labels = dict(repo.status_labels)
    table = _table(rows, DEFAULT_APPENDIX, labels, report.cutoff)
    # R47: the date as Nghị định 30 writes it, "ngày 28 tháng 9 năm 2023", the header's date
    # line word for word (a draft's blank day included)
    kem_theo = f"(Kèm theo Báo cáo số {number}/BC-{org.symbol} {date_long} của {org.name})"
    appendices = []
    for section in report.appendices:
        spec = spec_of(section)
        mine = rows if spec.select == "period" else tuple(appendix_rows(repo, report, spec))
        appendices.append(AppendixFacts(
            section=section,
            heading=appendix_heading(report, section),
            title=section.title,
            kem_theo=kem_theo if spec.kem_theo else "",
            columns=spec.columns,
            table=_table(mine, spec, labels, report.cutoff),
            rows=mine,
        ))
    if appendices:
        table = appendices[0].table
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
        kem_theo=kem_theo,
        rows=rows,
        summary=summary,
        table=table,
        values=values,
        appendices=tuple(appendices),
    )


#: Columns of short fixed text (a number, a date, a status word): they keep their width when a
#: table has more columns than the default, so that "25/5/2025" never wraps; the text columns
#: share what is left.
FIXED_COLUMNS = ("tt", "thoi_han", "ngay_hoan_thanh", "tien_do", "tinh_trang")


def scaled_widths(columns: tuple[AppendixColumn, ...]) -> tuple[int | float, ...]:
    """Relative widths summing to 100 (the templates scale them to the page's text width);
    the default seven columns sum to 100 already and keep their exact values. Otherwise the
    fixed columns keep their widths and the text columns are scaled to fill the rest.

    A width the declaration gives (``declared``, a percent) is kept; the other columns share
    what is left by the same rule. When every column has one, they are scaled to sum to 100."""
    rest = [c for c in columns if not c.declared]
    if not rest:
        return tuple(_shared_widths(list(columns), 100, fixed_keys=()))
    found = iter(_shared_widths(rest, 100 - sum(c.width for c in columns if c.declared)))
    return tuple(c.width if c.declared else next(found) for c in columns)


# ------------------------------------------------------------------------------------------
# Column widths from the content (the official documents)

#: The appendix table's geometry, in em of its 12 pt text: the A4 landscape text width (297 mm
#: less the 30 and 15 mm margins, write/reference_docx.py, templates/typst/report.typ) and each
#: cell's padding (4.25 pt a side).
TABLE_EM = (297 - 30 - 15) / 25.4 * 72 / 12
CELL_PAD_EM = 8.5 / 12
#: A column is never narrower than this share of the table, nor (unless declared) wider.
MIN_SHARE, MAX_SHARE = 0.03, 0.55
_WIDTHS = {bold: {ch: w / glyph_widths.UNITS_PER_EM for w, chars in table.items() for ch in chars}
           for bold, table in ((False, glyph_widths.REGULAR), (True, glyph_widths.BOLD))}


@lru_cache(maxsize=1 << 16)  # the same words fill the tables of every month
def text_em(text: str, bold: bool = False) -> float:
    """The printed width of *text* (em) in Liberation Serif, the metrics of Times New Roman (no
    kerning, as Word and the PDF set it); a character the table lacks counts as 0.6 em."""
    table = _WIDTHS[bold]
    return sum(table.get(ch, 0.6) for ch in unicodedata.normalize("NFC", text))


def _unbreakable(text: str) -> list[str]:
    """The pieces of a cell no line break may split: its words (a number token is one word,
    :func:`baocao.vietnamese.number_tokens`)."""
    return text.split()


def _lines(words: list[float], room: float) -> int:
    """How many lines words of these widths (em) take, set first-fit in *room* em."""
    if not words:
        return 1
    lines, line = 1, -1.0
    for w in words:
        if w > room:  # a word wider than the column wraps inside itself
            lines += (0 if line < 0 else 1) + int(w // room)
            line = w % room
        elif line < 0:
            line = w
        elif line + SPACE_EM + w <= room:
            line += SPACE_EM + w
        else:
            lines += 1
            line = w
    return lines


#: The step (em) in which column widths are tried; the width of a space; the room added to a
#: word that must fit a column (rounding in Word, LibreOffice and typst).
STEP_EM = 0.5
SPACE_EM = 0.25
SLACK_EM = 0.25
#: How much a line of the header row counts against a line of a task row: it is printed again
#: on every page of the table.
HEADER_WEIGHT = 2


def content_widths(columns: tuple[AppendixColumn, ...],
                   table: tuple[GroupRow | TaskTableRow, ...]) -> tuple[int | float, ...]:
    """Relative widths (percent, summing to 100) of an appendix table's columns, computed from
    what they hold, so that a column that is mostly empty does not take room from one full of
    text (the audit of September 2023: "Kết quả xử lý", empty in 10 of 14 rows, had 15 %, and
    the rows grew tall).

    A declared width (``declared``, a percent) is kept as it is. The other columns share what
    is left: each gets at least what its longest word needs (a header word never splits; a
    document number or a date is one word) and at least 3 %. The rest is given out in steps,
    each time to the column where it saves the most lines of the table (a row is as tall as its
    fullest cell; a line of the header row, printed on every page, counts twice), with the
    lines estimated by the widths of Liberation Serif's characters
    (:func:`text_em`); room that saves no more lines goes to the columns in proportion to the
    text they hold. No column gets more than 55 % unless declared. Without task rows the
    columns keep their default ratios (``scaled_widths``).
    """
    rows = [r.cells for r in table if isinstance(r, TaskTableRow)]
    rest = [i for i, c in enumerate(columns) if not c.declared]
    if not rows or not rest:
        return scaled_widths(columns)
    space = 100 - sum(c.width for c in columns if c.declared)
    if space <= 0:
        return scaled_widths(columns)
    total_em = TABLE_EM * space / 100
    pad = CELL_PAD_EM
    cap = MAX_SHARE * TABLE_EM
    low: dict[int, float] = {}
    words: dict[int, list[list[float]]] = {}
    weight: dict[int, float] = {}
    for i in rest:
        header_words = [text_em(w, bold=True) for w in columns[i].title.split()]
        cells = [row[i] if i < len(row) else "" for row in rows]
        # the header row first (it repeats on every page of the table), then the task rows
        words[i] = [header_words, *([text_em(w) for w in _unbreakable(cell)] for cell in cells)]
        low[i] = max([MIN_SHARE * TABLE_EM, *(w + pad + SLACK_EM for cell in words[i] for w in cell)])
        weight[i] = sum(text_em(cell) for cell in cells)
    if sum(low.values()) >= total_em:  # too little room: the minima, scaled down
        scale = total_em / sum(low.values())
        width = {i: w * scale for i, w in low.items()}
    else:
        width = dict(low)
        steps = int((total_em - sum(low.values())) // STEP_EM)
        # by_step[i][k]: the lines of each row's cell in column i (header row first), k steps
        # wider than its minimum; floor[i][k]: each row's fewest lines at k steps or more
        by_step: dict[int, list[tuple[int, ...]]] = {}
        floor: dict[int, list[tuple[int, ...]]] = {}
        for i in rest:
            seen: dict[tuple[float, ...], list[int]] = {}  # cells alike are counted once
            per_cell = []
            for cell in words[i]:
                key = tuple(cell)
                if key not in seen:
                    seen[key] = []
                    for k in range(steps + 1):
                        n = _lines(cell, low[i] + k * STEP_EM - pad)
                        seen[key].append(n)
                        if n == 1:  # it fits one line: it does in any wider column too
                            seen[key].extend([1] * (steps - k))
                            break
                per_cell.append(seen[key])
            by_step[i] = list(zip(*per_cell, strict=True))
            least = list(by_step[i][steps])
            floor[i] = [()] * (steps + 1)
            for k in range(steps, -1, -1):
                least = list(map(min, least, by_step[i][k]))
                floor[i][k] = tuple(least)
        extra = HEADER_WEIGHT - 1  # the header row (row 0) counts HEADER_WEIGHT times

        def table_lines(others: list[int], mine: tuple[int, ...]) -> int:
            """The weighted lines of the table: each row as tall as its fullest cell."""
            return sum(map(max, others, mine)) + extra * max(others[0], mine[0])

        at = dict.fromkeys(rest, 0)
        free = steps
        while free > 0:
            best: tuple[float, int, int] | None = None
            for i in rest:
                # each row's fullest cell in the other columns (1 line without any)
                cols = [by_step[j][at[j]] for j in rest if j != i]
                others = (list(map(max, *cols)) if len(cols) > 1 else
                          list(cols[0]) if cols else [1] * (len(rows) + 1))
                now = table_lines(others, by_step[i][at[i]])
                if at[i] + 1 > steps or table_lines(others, floor[i][at[i] + 1]) >= now:
                    continue  # no width within reach saves a line
                for d in range(1, free + 1):
                    if low[i] + (at[i] + d) * STEP_EM > cap:
                        break
                    saved = now - table_lines(others, by_step[i][at[i] + d])
                    if saved > 0:
                        if best is None or saved / d > best[0]:
                            best = (saved / d, i, d)
                        break
            if best is None:
                break
            _, i, d = best
            at[i] += d
            free -= d
        for i in rest:
            width[i] = low[i] + at[i] * STEP_EM
        give_out_room(width, weight, total_em - sum(width.values()), cap)
    shares = {i: round(width[i] / TABLE_EM * 100, 1) for i in rest}
    last = rest[-1]
    shares[last] = round(space - sum(v for i, v in shares.items() if i != last), 1)
    return tuple(c.width if c.declared else shares[i] for i, c in enumerate(columns))


def give_out_room(width: dict[int, float], weight: dict[int, float], left: float,
                  cap: float) -> None:
    """Add the room *left* that saves no line to the columns of *width* (in place), by their
    *weight* (the text they hold), none past *cap*: a capped column's excess goes round again
    to the others; when every column is at its cap, the rest is shared alike."""
    open_ = [i for i in width if width[i] < cap]
    while open_ and left > 1e-9:
        total = sum(weight[i] for i in open_)
        give = {i: left * (weight[i] / total if total else 1 / len(open_)) for i in open_}
        full = [i for i in open_ if width[i] + give[i] > cap]
        for i in full:
            left -= cap - width[i]
            width[i] = cap
        if not full:
            for i in open_:
                width[i] += give[i]
            left = 0
        open_ = [i for i in open_ if i not in full]
    for i in width:
        width[i] += left / len(width)


def _shared_widths(columns: list[AppendixColumn], space: int,
                   fixed_keys: tuple[str, ...] = FIXED_COLUMNS) -> list[int | float]:
    """The widths of *columns* scaled to sum to *space*: the columns of *fixed_keys* keep
    theirs unless that leaves too little (a fifth of *space*) for the others."""
    total = sum(c.width for c in columns)
    if total == space or not total:
        return [c.width for c in columns]
    fixed = sum(c.width for c in columns if c.key in fixed_keys)
    flexible = total - fixed
    if not flexible or fixed >= space * 0.8:  # nothing to stretch, or too little left
        return [round(c.width * space / total, 1) for c in columns]
    factor = (space - fixed) / flexible
    return [c.width if c.key in fixed_keys else round(c.width * factor, 1) for c in columns]


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


def deadline_text(row: TaskRow, as_of: date) -> str:
    """The "Thời hạn" cell: the deadline in force, with a note when a change is in force:
    "30/9/2025 (gia hạn, hạn cũ 30/6/2025)" or "30/4/2025 (điều chỉnh theo Văn bản số … ngày
    15/3/2025, hạn cũ Quý II/2025)" (``directives.change_note``, as the register says it)."""
    text = effective_deadline(row.task, as_of).text
    note = change_note(row.task, as_of)
    return f"{text} {note}" if note else text


def status_label(status: Status, labels: dict[str, str]) -> str:
    """The "Tình trạng" text: the department's label (organization.yaml status_labels), else
    the engine's name of the status."""
    label = labels.get(status.value)
    return label if label else status.label[:1].upper() + status.label[1:]


def task_cell(key: str, i: int, row: TaskRow, as_of: date, labels: dict[str, str]) -> str:
    """The text of column *key* of task row number *i* (model.APPENDIX_COLUMNS)."""
    t = row.task
    done = row.status.done
    if key == "tt":
        return str(i)
    if key == "van_ban":
        return f"{t.document} Ngày {t.issued_text}"
    if key == "noi_dung":
        return t.summary
    if key == "don_vi":
        return t.unit or ""
    if key == "thoi_han":
        return deadline_text(row, as_of)
    if key == "ngay_hoan_thanh":
        if not done:
            return ""
        return t.completed_text if t.completed is not None else DONE_UNDATED_TEXT
    if key == "tien_do":
        return row.progress
    if key == "tinh_trang":
        return status_label(row.status, labels)
    if key == "ket_qua":
        if done:
            return t.result
        note = latest_progress(t, as_of)
        return note.text if note is not None else ""
    if key == "ket_qua_yeu_cau":
        return t.required_result or ""
    if key == "ghi_chu":
        return t.notes or ""
    raise KeyError(key)


def _task_cells(i: int, row: TaskRow, spec: AppendixSpec, as_of: date,
                labels: dict[str, str]) -> TaskTableRow:
    return TaskTableRow(
        cells=tuple(task_cell(c.key, i, row, as_of, labels) for c in spec.columns),
        status=row.status,
        task_id=row.task.id,
        progress=row.progress,
    )


def _status_label(group: str, s: Summary) -> str:
    if group == "I":
        label = f"ĐÃ THỰC HIỆN: {format_count(s.done)} nhiệm vụ"
        if s.done_undated:  # the parts add up to the total
            label += (f" (đúng hạn: {format_count(s.done_on_time)}; quá hạn: "
                      f"{format_count(s.done_late)}; không rõ ngày: "
                      f"{format_count(s.done_undated)})")
        elif s.done_late:
            label += (f" (đúng hạn: {format_count(s.done_on_time)}; quá hạn: "
                      f"{format_count(s.done_late)})")
        return label
    if group == "II":
        label = f"ĐANG THỰC HIỆN: {format_count(s.open)} nhiệm vụ"
        if s.overdue:
            return label + (f" (trong hạn: {format_count(s.in_progress)}; "
                            f"quá hạn: {format_count(s.overdue)})")
        return label + " (trong hạn)"
    n = s.not_started
    return f"Chưa thực hiện: {format_count(n)}" + (" nhiệm vụ" if n else "")


def _table(rows: tuple[TaskRow, ...], spec: AppendixSpec, labels: dict[str, str],
           as_of: date) -> tuple[GroupRow | TaskTableRow, ...]:
    """Group rows and task rows of one appendix, numbered per group or straight through."""
    summary = summarize(rows)
    groups: tuple[RowGroup, ...] = group_rows(list(rows), spec)
    out: list[GroupRow | TaskTableRow] = []
    n = 0
    for g in groups:
        if g.key:
            out.append(GroupRow(g.key, g.title or _status_label(g.key, summary)))
        if spec.numbering == "per_group":
            n = 0
        for row in g.rows:
            n += 1
            out.append(_task_cells(n, row, spec, as_of, labels))
    return tuple(out)
