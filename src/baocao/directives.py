"""The task-status engine: pure functions from a task's facts and a cut-off date to its status.

History is never rewritten (DESIGN decision 7): a status depends only on facts dated on or before
the cut-off. A completion dated after the cut-off does not count yet; an extension applies from
the day it was approved; the deadline day itself is still on time.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from .deadlines import Deadline
from .model import Adjustment, Extension, ProgressNote, Report, Repository, Task


class Status(StrEnum):
    """The five statuses of a listed task."""

    DONE_ON_TIME = "hoan-thanh-dung-han"
    DONE_LATE = "hoan-thanh-qua-han"
    #: Contract stub (issue 16): done, exact date unknown; the task-facts part computes it.
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


def effective_deadline(task: Task, as_of: date) -> Deadline:
    """The deadline in force on *as_of*: the latest extension approved by then, else the original."""
    current = task.deadline
    for ext in sorted(task.extensions, key=lambda e: e.approved):
        if ext.approved <= as_of:
            current = ext.deadline
    return current


def deadline_change(task: Task, as_of: date) -> Extension | Adjustment | None:
    """The change of deadline in force on *as_of* (extension or adjustment), or None.

    Contract stub (issue 16): the latest change dated on or before *as_of* wins; the task-facts
    part owns it (and ``effective_deadline``)."""
    changes: list[tuple[date, Extension | Adjustment]] = [
        (e.approved, e) for e in task.extensions] + [(a.date, a) for a in task.adjustments]
    current = None
    for day, change in sorted(changes, key=lambda c: c[0]):
        if day <= as_of:
            current = change
    return current


def latest_progress(task: Task, as_of: date) -> ProgressNote | None:
    """The last progress note dated on or before *as_of* (contract stub, see deadline_change)."""
    notes = [n for n in task.progress if n.date <= as_of]
    return notes[-1] if notes else None


def completion_as_of(task: Task, as_of: date) -> date | None:
    """The completion date if it is known at *as_of* (dated on or before it)."""
    if task.completed is not None and task.completed <= as_of:
        return task.completed
    return None


def compute_status(task: Task, as_of: date) -> Status:
    """Status of *task* at the cut-off *as_of*."""
    done = completion_as_of(task, as_of)
    if done is not None:
        due = effective_deadline(task, done).due
        return Status.DONE_ON_TIME if due is None or done <= due else Status.DONE_LATE
    if task.not_started and (task.started is None or task.started > as_of):
        return Status.NOT_STARTED
    if task.started is not None and task.started > as_of:
        return Status.NOT_STARTED
    due = effective_deadline(task, as_of).due
    if due is not None and as_of > due:
        return Status.OVERDUE
    return Status.IN_PROGRESS


def progress_label(task: Task, status: Status, as_of: date) -> str:
    """The "Tiến độ" cell of the appendix: Đúng hạn / Quá hạn / Chưa đến hạn."""
    if status is Status.DONE_ON_TIME:
        return "Đúng hạn"
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

    @property
    def done(self) -> int:
        return self.done_on_time + self.done_late

    @property
    def open(self) -> int:
        return self.in_progress + self.overdue

    @property
    def on_time_rate(self) -> float | None:
        """Share of due tasks completed on time (denominator: done + overdue), or None."""
        due = self.done + self.overdue
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
    )


def listed_by_default(task: Task, period_start: date, cutoff: date) -> bool:
    """Open at the start of the period, or assigned or completed during it."""
    if task.issued > cutoff:
        return False
    return task.completed is None or task.completed >= period_start


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
    spans = [t.completed - t.issued for t in tasks if t.completed is not None]
    index = _TaskIndex(
        by_issued=sorted((t.issued, i) for i, t in enumerate(tasks)),
        unfinished=[i for i, t in enumerate(tasks) if t.completed is None],
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
    Status.OVERDUE, Status.NOT_STARTED, Status.IN_PROGRESS, Status.DONE_LATE, Status.DONE_ON_TIME,
]


def register_rows(repo: Repository, as_of: date) -> list[TaskRow]:
    """Every task assigned by *as_of*, overdue first, then by due date."""
    rows = compute_rows([t for t in repo.tasks if t.issued <= as_of], as_of)
    far = date.max
    return sorted(
        rows,
        key=lambda r: (REGISTER_ORDER.index(r.status), r.deadline.due or far, r.task.issued),
    )
