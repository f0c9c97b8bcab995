"""Which tasks each appendix of a report lists, and in which groups (compute stage).

An appendix file declares its selection (``select``: the period's tasks, the tasks due in the
period, or an explicit list), its grouping (by status, by the tasks' ``topic``, or none) and its
numbering (model.AppendixSpec). This module turns a declaration into groups of task rows as of
the report's cut-off; render/facts.py turns the groups into table rows, one way for every output.
The default declaration gives exactly the shipped report's appendix.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .directives import (
    Status,
    TaskRow,
    compute_rows,
    effective_deadline,
    report_rows,
)
from .model import DEFAULT_APPENDIX, AppendixSpec, Report, Repository, Section

#: Problem tuples as Problems.add takes them: (path, line, col, code, message).
Finding = tuple[str, int, int, str, str]


@dataclass(frozen=True)
class RowGroup:
    """The rows under one group heading; ``key`` is "I"/"II"/"III" (status) or a topic key;
    ``title`` the topic's title ("" for status groups, which render/facts.py labels with their
    counts); a declaration without groups has one group with key "".
    """

    key: str
    title: str
    rows: tuple[TaskRow, ...]


def spec_of(section: Section) -> AppendixSpec:
    return section.appendix if section.appendix is not None else DEFAULT_APPENDIX


def appendix_heading(report: Report, section: Section) -> str:
    """"Phụ lục" when the report has one appendix, else "Phụ lục I", "Phụ lục II", … (R45)."""
    appendices = report.appendices
    if len(appendices) <= 1:
        return "Phụ lục"
    return f"Phụ lục {_roman(appendices.index(section) + 1)}"


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"),
                           (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                           (4, "IV"), (1, "I")):
        while n >= value:
            out += letters
            n -= value
    return out


def appendix_rows(repo: Repository, report: Report, spec: AppendixSpec) -> list[TaskRow]:
    """The task rows an appendix lists, as of the report's cut-off, in listing order."""
    if spec.select == "period":
        return report_rows(repo, report)
    cutoff = report.cutoff
    if spec.select == "list":
        by_id = {t.id: t for t in repo.tasks}
        return compute_rows([by_id[i] for i in spec.tasks if i in by_id], cutoff)
    # "due": the deadline in force at the cut-off falls in the period.
    due = [
        t for t in repo.tasks
        if t.issued <= cutoff
        and (d := effective_deadline(t, cutoff).due) is not None
        and report.period_start <= d <= cutoff
    ]
    return compute_rows(due, cutoff)


def group_rows(rows: list[TaskRow], spec: AppendixSpec) -> tuple[RowGroup, ...]:
    """The rows in their groups, in the declaration's order (rows keep the listing order)."""
    if spec.group == "none":
        return (RowGroup("", "", tuple(rows)),)
    if spec.group == "topic":
        groups = []
        for topic in spec.topics:
            mine = tuple(r for r in rows if r.task.topic == topic.key)
            if mine:  # a topic with no task this month is left out (no empty group rows)
                groups.append(RowGroup(topic.key, topic.title, mine))
        return tuple(groups)
    return (
        RowGroup("I", "", tuple(r for r in rows if r.status.done)),
        RowGroup("II", "", tuple(r for r in rows
                                 if r.status in (Status.IN_PROGRESS, Status.OVERDUE))),
        RowGroup("III", "", tuple(r for r in rows if r.status is Status.NOT_STARTED)),
    )


def appendix_problems(repo: Repository) -> Iterator[Finding]:
    """What an appendix declaration asks for that the register does not have: listed ids that
    are not tasks (with "có phải ý bạn là"), listed tasks assigned after the cut-off, and, in a
    table grouped by topic, listed tasks whose topic is not one of the declared groups."""
    from difflib import get_close_matches

    ids = [t.id for t in repo.tasks]
    by_id = {t.id: t for t in repo.tasks}
    for report in repo.reports:
        for section in report.appendices:
            spec = spec_of(section)
            rel = section.src.path
            for task_id, (line, col) in zip(spec.tasks, spec.task_places, strict=False):
                task = by_id.get(task_id)
                if task is None:
                    close = get_close_matches(task_id, ids, n=1, cutoff=0.6)
                    hint = f" (có phải ý bạn là \"{close[0]}\"?)" if close else ""
                    yield (rel, line, col, "E402",
                           f"\"tasks\": không có nhiệm vụ mã \"{task_id}\" trong "
                           f"directives.yaml{hint}")
                elif task.issued > report.cutoff:
                    yield (rel, line, col, "E402",
                           f"\"tasks\": nhiệm vụ \"{task_id}\" được giao ngày {task.issued_text}, "
                           f"sau ngày chốt {report.meta.cutoff.text} của báo cáo")
            if spec.group != "topic" or not spec.topics:
                continue
            keys = {t.key for t in spec.topics}
            for row in appendix_rows(repo, report, spec):
                topic = row.task.topic
                if topic in keys:
                    continue
                where = f"{row.task.src.path}:{row.task.src.line}"
                what = (f"ghi topic \"{topic}\", không có trong \"topics\" của phụ lục"
                        if topic is not None else "chưa ghi topic (nhóm của phụ lục)")
                yield (rel, spec.group_line, 1, "E203",
                       f"phụ lục nhóm theo lĩnh vực: nhiệm vụ \"{row.task.id}\" ({where}) {what}; "
                       f"các nhóm: {', '.join(t.key for t in spec.topics)}")
