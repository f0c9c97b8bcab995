"""``baocao directives``: the task register as of a date, as a table or an export
(:mod:`baocao.write.exports` writes the exports)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from ..directives import (
    Status,
    TaskRow,
    change_note,
    latest_progress,
    register_rows,
    report_rows,
)
from ..model import Repository
from ..vietnamese import format_date_short

#: Short names accepted by --status, besides the full status values.
STATUS_ALIASES: dict[str, tuple[Status, ...]] = {
    "hoan-thanh": (Status.DONE_ON_TIME, Status.DONE_LATE, Status.DONE_UNDATED),
    "dung-han": (Status.DONE_ON_TIME,),
    "cham": (Status.DONE_LATE,),
    "khong-ro-ngay": (Status.DONE_UNDATED,),
    "dang-thuc-hien": (Status.IN_PROGRESS, Status.OVERDUE),
    "trong-han": (Status.IN_PROGRESS,),
    "qua-han": (Status.OVERDUE,),
    "chua-thuc-hien": (Status.NOT_STARTED,),
    **{s.value: (s,) for s in Status},
}

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
    """One exported row: the facts as known at *as_of* (a later completion or progress note
    is not shown yet)."""
    t = row.task
    done = t.completed is not None and t.completed <= as_of
    done_by = t.completed_by is not None and t.completed_by <= as_of
    note = latest_progress(t, as_of)
    return {
        "id": t.id,
        "document": t.document,
        "issued": t.issued_text,
        "summary": t.summary,
        "deadline": row.deadline.text,
        "deadline_change": change_note(t, as_of),
        "due": format_date_short(row.deadline.due) if row.deadline.due else "",
        "completed": t.completed_text if done else "",
        "completed_by": t.completed_by_text if done_by else "",
        "status": row.status.label,
        "progress": row.progress,
        "result": t.result if done or done_by else "",
        "progress_note": note.text if note else "",
        "progress_date": note.date_text if note else "",
        "unit": t.unit or "",
        "required_result": t.required_result or "",
    }
