"""Next month's report computed from the previous one (``baocao new``): pure text work, no
writing. See commands/new.py for what the new month's files hold."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from . import yamledit
from .errors import NewMonthError as NewMonthError
from .model import Report, Section
from .months import add_months as add_months
from .months import month_after

_MONTH_REF = re.compile(r"(?i)\b(tháng\s+)(\d{1,2})(\s*/\s*|\s+năm\s+)(\d{4})\b")
_BARE_MONTH = re.compile(r"(?i)\b(tháng\s+)(\d{1,2})\b(?!\s*/\s*\d|\s+năm\s+\d)")


def shift_months(text: str, delta: int) -> str:
    """Move every "tháng M/YYYY", "tháng M năm YYYY" and "tháng M" in *text* forward by *delta*
    months."""

    def repl(m: re.Match[str]) -> str:
        month, year = int(m.group(2)), int(m.group(4))
        if not 1 <= month <= 12:
            return m.group(0)
        new_year, new_month = month_after(year, month, delta)
        month_text = f"{new_month:02d}" if m.group(2).startswith("0") else str(new_month)
        return f"{m.group(1)}{month_text}{m.group(3)}{new_year}"

    def bare(m: re.Match[str]) -> str:
        month = int(m.group(2))
        if not 1 <= month <= 12:
            return m.group(0)
        new_month = (month - 1 + delta) % 12 + 1
        month_text = f"{new_month:02d}" if m.group(2).startswith("0") else str(new_month)
        return f"{m.group(1)}{month_text}"

    # "tháng 8, nhiệm vụ … tháng 9 năm 2023" (Nghị định 30's own trích yếu): a month written
    # without its year moves too; the year it would carry into is written elsewhere.
    return _BARE_MONTH.sub(bare, _MONTH_REF.sub(repl, text))


def _norm(title: str) -> str:
    return " ".join(title.split()).casefold()


def _slug(section: Section) -> str:
    name = section.src.path.rsplit("/", 1)[-1]
    return name[3:-3]  # "03-nghien-cuu-khoa-hoc.md" -> "nghien-cuu-khoa-hoc"


def _counterpart(section: Section, plan: list[Section]) -> Section | None:
    """The Phần II section of the same area as the Phần I *section*."""
    by_title = [s for s in plan if _norm(s.title) == _norm(section.title)]
    if by_title:
        return by_title[0]
    slug = _slug(section)
    return next((s for s in plan if _slug(s) in (f"nhiem-vu-{slug}", slug)), None)


def _front_matter(text: str) -> str:
    """The front matter lines of *text*, both ``---`` lines included."""
    lines = text.splitlines(keepends=True)
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return "".join(lines[: i + 1])
    raise NewMonthError("tệp không có phần thông tin đầu tệp kết thúc bằng ---")


def _with_body(front: str, body: str) -> str:
    front = front if front.endswith("\n") else front + "\n"
    body = body.strip("\n")
    return f"{front}\n{body}\n" if body else front


def next_month_files(prev: Report, prev_dir: Path, delta: int, cutoff: date, start: date,
                     open_ids: frozenset[str] = frozenset()
                     ) -> tuple[dict[str, str], list[str]]:
    """The files of the report *delta* months after *prev* (whose folder is *prev_dir*), by
    name, and the Phần I files seeded from *prev*'s Phần II. *open_ids*: the tasks still open
    at the new cut-off (an exclusion of one of them is carried over)."""
    files: dict[str, str] = {}
    seeded: list[str] = []
    index_text = shift_months((prev_dir / "index.md").read_text(encoding="utf-8"), delta)
    try:
        index_text = yamledit.set_value(index_text, "status", "draft")
        for name in ("number", "date"):
            if yamledit.get_line(index_text, name) is not None:
                index_text = yamledit.set_value(index_text, name, "")
        index_text = yamledit.set_value(index_text, "cutoff", cutoff.isoformat())
        start_value = start.isoformat()
        if yamledit.get_line(index_text, "period_start") is None:
            start_value += "  # ngày đầu kỳ báo cáo: ngày sau ngày chốt của báo cáo trước"
        index_text = yamledit.set_value(index_text, "period_start", start_value, after="cutoff")
        index_text = yamledit.remove_key(index_text, "fingerprint")
        # A task left out by hand stays left out while it is open; a manual include is for
        # one month only (the engine selects the tasks of the new period).
        keep = [t for t in prev.meta.tasks.exclude if t in open_ids]
        if keep:
            index_text = yamledit.set_block(
                index_text, "tasks", ["  exclude:", *(f"    - {yamledit.quote(t)}" for t in keep)])
        else:
            index_text = yamledit.remove_key(index_text, "tasks")
    except yamledit.FrontMatterEditError as exc:
        raise NewMonthError(f"{prev.folder}/index.md: {exc}") from None
    files["index.md"] = index_text

    parts = [p.number for p in prev.meta.parts]
    results_part = parts[0]
    plan_part = parts[1] if len(parts) > 1 else None
    plan = [s for s in prev.body_sections if s.part == plan_part]
    for section in prev.sections:
        name = section.src.path.rsplit("/", 1)[-1]
        text = (prev_dir / name).read_text(encoding="utf-8")
        front = shift_months(_front_matter(text), delta)
        if section.kind == "appendix":
            body = section.body
        elif section.kind == "opening":
            body = ""  # this month's words; the file (and its place) stays
        else:
            match = (_counterpart(section, plan) if plan_part and section.part == results_part
                     else None)
            if match is not None and match.body.strip():
                body = match.body
                seeded.append(name)
            elif "{{" in section.body:
                # computed placeholders ({{ tong_so }} …) are next month's figures, in any Phần
                body = shift_months(section.body, delta)
            else:
                body = ""
        files[name] = _with_body(front, body)
    return files, seeded
