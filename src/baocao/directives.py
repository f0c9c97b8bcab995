"""The task-status engine: pure functions from a task's facts and a cut-off date to its status.

History is never rewritten (DESIGN decision 7): a status depends only on facts dated on or before
the cut-off. A completion dated after the cut-off does not count yet; a change of the deadline
(an extension from the day it was approved, an adjustment from the date of its document)
applies from its date, the latest one in force winning; the deadline day itself is still on
time; a progress note shows from its date on. A task done on an unknown day (``completed_by``)
counts as done from that date; whether it was on time is known only when that date is within
the deadline (then on time), otherwise it is "done, date unknown" (DONE_UNDATED), left out of
the on-time rate.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from .deadlines import Deadline
from .model import Adjustment, Extension, ProgressNote, Report, Repository, Task
from .vietnamese import format_date_short


class Status(StrEnum):
    """The six statuses of a listed task."""

    DONE_ON_TIME = "hoan-thanh-dung-han"
    DONE_LATE = "hoan-thanh-qua-han"
    #: Done by ``completed_by`` on an unknown day, which may have been after the deadline.
    DONE_UNDATED = "hoan-thanh-khong-ro-ngay"
    IN_PROGRESS = "dang-thuc-hien-trong-han"
    OVERDUE = "dang-thuc-hien-qua-han"
    NOT_STARTED = "chua-thuc-hien"

    @property
    def label(self) -> str:
        """Vietnamese name of the status."""
        return _LABELS[self]

    @property
    def done(self) -> bool:
        return self in (Status.DONE_ON_TIME, Status.DONE_LATE, Status.DONE_UNDATED)

    @property
    def rank(self) -> int:
        """Order in time for fixed facts: a status never moves to a lower rank."""
        return _RANK[self]


_LABELS = {
    Status.DONE_ON_TIME: "hoàn thành đúng hạn",
    Status.DONE_LATE: "hoàn thành quá hạn",
    Status.DONE_UNDATED: "hoàn thành (không rõ ngày)",
    Status.IN_PROGRESS: "đang thực hiện trong hạn",
    Status.OVERDUE: "đang thực hiện quá hạn",
    Status.NOT_STARTED: "chưa thực hiện",
}
_RANK = {
    Status.NOT_STARTED: 0,
    Status.IN_PROGRESS: 1,
    Status.OVERDUE: 2,
    Status.DONE_ON_TIME: 3,
    Status.DONE_LATE: 3,
    Status.DONE_UNDATED: 3,
}


def _changes(task: Task) -> list[tuple[date, Extension | Adjustment]]:
    """The deadline changes of *task*, extensions and adjustments together, by date (the loader
    refuses two on one day, E303)."""
    dated: list[tuple[date, Extension | Adjustment]] = [(e.approved, e) for e in task.extensions]
    dated += [(a.date, a) for a in task.adjustments]
    return sorted(dated, key=lambda pair: pair[0])


def deadline_change(task: Task, as_of: date) -> Extension | Adjustment | None:
    """The change in force on *as_of*: the latest extension or adjustment dated by then."""
    current: Extension | Adjustment | None = None
    for when, change in _changes(task):
        if when <= as_of:
            current = change
    return current


def effective_deadline(task: Task, as_of: date) -> Deadline:
    """The deadline in force on *as_of*: that of the latest change dated by then, else the
    original (the very object ``task.deadline``)."""
    change = deadline_change(task, as_of)
    return task.deadline if change is None else change.deadline


def change_note(task: Task, as_of: date) -> str:
    """What the deadline cell adds after the deadline in force when a change is in force:
    "(gia hạn, hạn cũ 30/6/2025)" or "(điều chỉnh theo Văn bản số 1021/UBND-KTN ngày
    15/3/2025, hạn cũ Quý II/2025)"; "" without a change (or without an original to name)."""
    change = deadline_change(task, as_of)
    old = task.deadline.text
    if isinstance(change, Extension):
        return f"(gia hạn, hạn cũ {old})" if old else ""
    if isinstance(change, Adjustment):
        source = (f"theo Văn bản số {change.document} ngày {format_date_short(change.date)}"
                  if change.document else f"ngày {format_date_short(change.date)}")
        return f"(điều chỉnh {source}, hạn cũ {old})" if old else f"(điều chỉnh {source})"
    return ""


def completion_as_of(task: Task, as_of: date) -> date | None:
    """The completion date if it is known at *as_of* (dated on or before it)."""
    if task.completed is not None and task.completed <= as_of:
        return task.completed
    return None


def done_by(task: Task, as_of: date) -> date | None:
    """The day the task is known to be done by at *as_of*: ``completed`` or ``completed_by``
    when dated on or before *as_of*, else None."""
    done = completion_as_of(task, as_of)
    if done is None and task.completed_by is not None and task.completed_by <= as_of:
        return task.completed_by
    return done


def latest_progress(task: Task, as_of: date) -> ProgressNote | None:
    """The last progress note dated on or before *as_of* (notes are in date order)."""
    latest = None
    for note in task.progress:
        if note.date <= as_of:
            latest = note
    return latest


def compute_status(task: Task, as_of: date) -> Status:
    """Status of *task* at the cut-off *as_of*."""
    done = completion_as_of(task, as_of)
    if done is not None:
        due = effective_deadline(task, done).due
        return Status.DONE_ON_TIME if due is None or done <= due else Status.DONE_LATE
    if task.completed_by is not None and task.completed_by <= as_of:
        # Done on some day up to completed_by: certainly on time when that is within the
        # deadline in force then; otherwise the day, and so the timeliness, is unknown.
        due = effective_deadline(task, task.completed_by).due
        if due is None or task.completed_by <= due:
            return Status.DONE_ON_TIME
        return Status.DONE_UNDATED
    if task.not_started and (task.started is None or task.started > as_of):
        return Status.NOT_STARTED
    if task.started is not None and task.started > as_of:
        return Status.NOT_STARTED
    due = effective_deadline(task, as_of).due
    if due is not None and as_of > due:
        return Status.OVERDUE
    return Status.IN_PROGRESS


def progress_label(task: Task, status: Status, as_of: date) -> str:
    """The "Tiến độ" cell of the appendix: Đúng hạn / Quá hạn / Chưa đến hạn (Không rõ for a
    task done on an unknown day after its deadline)."""
    if status is Status.DONE_ON_TIME:
        return "Đúng hạn"
    if status is Status.DONE_UNDATED:
        return "Không rõ"
    if status in (Status.DONE_LATE, Status.OVERDUE):
        return "Quá hạn"
    if status is Status.NOT_STARTED:
        due = effective_deadline(task, as_of).due
        return "Quá hạn" if due is not None and as_of > due else "Chưa đến hạn"
    return "Chưa đến hạn"


@dataclass(frozen=True)
class TaskRow:
    """A task as one report sees it."""

    task: Task
    status: Status
    deadline: Deadline
    progress: str


@dataclass(frozen=True)
class Summary:
    """Counts of a report's listed tasks by status."""

    total: int
    done_on_time: int
    done_late: int
    in_progress: int
    overdue: int
    not_started: int
    #: Done on an unknown day that may have been late: counted as done, not in the on-time rate.
    done_undated: int = 0

    @property
    def done(self) -> int:
        return self.done_on_time + self.done_late + self.done_undated

    @property
    def open(self) -> int:
        return self.in_progress + self.overdue

    @property
    def on_time_rate(self) -> float | None:
        """Share of due tasks completed on time (denominator: done on time or late, and
        overdue; a task done on an unknown day is in neither), or None."""
        due = self.done_on_time + self.done_late + self.overdue
        return self.done_on_time / due if due else None


def summarize(rows: Iterable[TaskRow]) -> Summary:
    rows = list(rows)
    count = {s: 0 for s in Status}
    for row in rows:
        count[row.status] += 1
    return Summary(
        total=len(rows),
        done_on_time=count[Status.DONE_ON_TIME],
        done_late=count[Status.DONE_LATE],
        in_progress=count[Status.IN_PROGRESS],
        overdue=count[Status.OVERDUE],
        not_started=count[Status.NOT_STARTED],
        done_undated=count[Status.DONE_UNDATED],
    )


def listed_by_default(task: Task, period_start: date, cutoff: date) -> bool:
    """Open at the start of the period, or assigned or completed during it (a task done by
    ``completed_by`` counts as completed on that day)."""
    if task.issued > cutoff:
        return False
    finished = task.completed if task.completed is not None else task.completed_by
    return finished is None or finished >= period_start


@dataclass(frozen=True)
class _TaskIndex:
    """The tasks sorted by assignment date, for selecting a report's tasks without a scan of
    the whole register (a scan per report made a long archive quadratic)."""

    by_issued: list[tuple[date, int]]  # (issued, position in the register), sorted
    unfinished: list[int]  # positions of tasks with no completion date
    longest: timedelta  # longest assigned-to-completed span of a completed task
    positions: dict[str, int]  # task id -> position


_index_memo: dict[int, tuple[Sequence[Task], _TaskIndex]] = {}


def _task_index(tasks: Sequence[Task]) -> _TaskIndex:
    found = _index_memo.get(id(tasks))
    if found is not None and found[0] is tasks:
        return found[1]
    finished = [t.completed if t.completed is not None else t.completed_by for t in tasks]
    spans = [f - t.issued for t, f in zip(tasks, finished, strict=True) if f is not None]
    index = _TaskIndex(
        by_issued=sorted((t.issued, i) for i, t in enumerate(tasks)),
        unfinished=[i for i, f in enumerate(finished) if f is None],
        longest=max([timedelta(0), *spans]),
        positions={t.id: i for i, t in enumerate(tasks)},
    )
    if len(_index_memo) >= 8:
        _index_memo.clear()
    _index_memo[id(tasks)] = (tasks, index)  # the entry keeps *tasks* alive: its id stays valid
    return index


def select_tasks(
    tasks: Sequence[Task], period_start: date, cutoff: date, include: Iterable[str] = (),
    exclude: Iterable[str] = (),
) -> list[Task]:
    """The tasks a report lists, in register order.

    Same result as testing :func:`listed_by_default` on every task (a property test checks
    it), but only the tasks assigned within ``longest`` of the period, the unfinished ones and
    the included ones are looked at: a task completed before the period started cannot be
    listed, and it was assigned at most ``longest`` before its completion."""
    inc, exc = set(include), set(exclude)
    index = _task_index(tasks)
    keys = index.by_issued
    earliest = period_start - index.longest if period_start - date.min > index.longest else date.min
    lo = bisect_left(keys, (earliest, -1))
    hi = bisect_right(keys, (cutoff, len(tasks)))
    candidates = {i for _, i in keys[lo:hi]}
    candidates.update(index.unfinished)
    candidates.update(index.positions[i] for i in inc if i in index.positions)
    return [
        tasks[i] for i in sorted(candidates)
        if (listed_by_default(tasks[i], period_start, cutoff) or tasks[i].id in inc)
        and tasks[i].id not in exc
    ]


def compute_rows(tasks: Sequence[Task], as_of: date) -> list[TaskRow]:
    rows = []
    for t in tasks:
        status = compute_status(t, as_of)
        rows.append(TaskRow(t, status, effective_deadline(t, as_of), progress_label(t, status, as_of)))
    return rows


def report_rows(repo: Repository, report: Report) -> list[TaskRow]:
    """The task rows of *report*, as of its cut-off."""
    sel = report.meta.tasks
    tasks = select_tasks(repo.tasks, report.period_start, report.cutoff, sel.include, sel.exclude)
    return compute_rows(tasks, report.cutoff)


# Order of status groups in the register: what needs attention first.
REGISTER_ORDER = [
    Status.OVERDUE, Status.NOT_STARTED, Status.IN_PROGRESS, Status.DONE_LATE,
    Status.DONE_UNDATED, Status.DONE_ON_TIME,
]


def register_rows(repo: Repository, as_of: date) -> list[TaskRow]:
    """Every task assigned by *as_of*, overdue first, then by due date."""
    rows = compute_rows([t for t in repo.tasks if t.issued <= as_of], as_of)
    far = date.max
    return sorted(
        rows,
        key=lambda r: (REGISTER_ORDER.index(r.status), r.deadline.due or far, r.task.issued),
    )
