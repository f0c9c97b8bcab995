"""Property tests of the status engine and the deadline forms."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from baocao.deadlines import DeadlineKind, parse_deadline
from baocao.directives import Status, compute_rows, compute_status, summarize
from baocao.model import Extension, SourceRef, Task
from baocao.months import end_of_month
from baocao.vietnamese import roman

DAY0 = date(2020, 1, 1)
days = st.integers(min_value=0, max_value=2000).map(lambda n: DAY0 + timedelta(days=n))


@st.composite
def deadlines(draw):
    kind = draw(st.sampled_from(["date", "month", "quarter", "year", "recurring", "none"]))
    d = draw(days)
    text = {
        "date": f"{d.day}/{d.month}/{d.year}",
        "month": draw(st.sampled_from([f"Tháng {d.month}/{d.year}", f"{d.month}/{d.year}",
                                       f"{d.month:02d}/{d.year}"])),
        "quarter": f"Quý {roman((d.month - 1) // 3 + 1)}/{d.year}",
        "year": draw(st.sampled_from([str(d.year), f"Năm {d.year}"])),
        "recurring": draw(st.sampled_from(["Thường xuyên", "Hằng năm", "Hàng năm"])),
        "none": draw(st.sampled_from(["Không có hạn", "", None])),
    }[kind]
    return parse_deadline(text)


@st.composite
def tasks(draw):
    issued = draw(days)
    deadline = draw(deadlines())
    completed = draw(st.one_of(st.none(), days.filter(lambda d: d >= issued)))
    not_started = draw(st.booleans())
    started = draw(st.one_of(st.none(), days.filter(lambda d: d >= issued)))
    exts = []
    if deadline.due is not None and draw(st.booleans()):
        # Extensions are approved on or before the deadline they extend.
        approved = draw(st.dates(min_value=issued, max_value=max(issued, deadline.due)))
        new_due = deadline.due + timedelta(days=draw(st.integers(1, 200)))
        exts.append(Extension(parse_deadline(new_due), approved, None))
    return Task(
        id="t", document="1/UBND", issued=issued, issued_text="", summary="s", deadline=deadline,
        completed=completed, completed_text="", result="", unit=None, extensions=tuple(exts),
        not_started=not_started, started=started, notes=None, src=SourceRef("x"),
    )


@given(st.lists(tasks(), max_size=30), days)
def test_statuses_partition_and_counts_add_up(task_list, as_of):
    rows = compute_rows(task_list, as_of)
    s = summarize(rows)
    assert s.total == len(task_list)
    parts = [s.done_on_time, s.done_late, s.in_progress, s.overdue, s.not_started]
    assert sum(parts) == s.total
    for status, count in zip(
        [Status.DONE_ON_TIME, Status.DONE_LATE, Status.IN_PROGRESS, Status.OVERDUE,
         Status.NOT_STARTED], parts, strict=True,
    ):
        assert count == sum(1 for r in rows if r.status is status)
    assert s.done == s.done_on_time + s.done_late


@given(tasks(), days, days)
def test_status_only_moves_forward(task, a, b):
    early, late = min(a, b), max(a, b)
    assert compute_status(task, early).rank <= compute_status(task, late).rank


@given(tasks(), days)
def test_no_deadline_is_never_overdue(task, as_of):
    if task.deadline.due is None and not task.extensions:
        assert compute_status(task, as_of) not in (Status.OVERDUE, Status.DONE_LATE)


@given(days)
def test_deadline_forms_parse_to_end_of_period(d):
    assert parse_deadline(f"{d.day}/{d.month}/{d.year}").due == d
    assert parse_deadline(d.isoformat()).due == d
    eom = end_of_month(d.year, d.month)
    for text in (f"Tháng {d.month}/{d.year}", f"{d.month}/{d.year}", f"{d.month:02d}/{d.year}",
                 f"tháng {d.month} năm {d.year}"):
        dl = parse_deadline(text)
        assert (dl.kind, dl.due) == (DeadlineKind.MONTH, eom), text
    q = (d.month - 1) // 3 + 1
    for text in (f"Quý {roman(q)}/{d.year}", f"Quý {q}/{d.year}", f"quý {roman(q)} năm {d.year}"):
        dl = parse_deadline(text)
        assert (dl.kind, dl.due) == (DeadlineKind.QUARTER, end_of_month(d.year, q * 3)), text
    for text in (str(d.year), f"Năm {d.year}", d.year):
        assert parse_deadline(text).due == date(d.year, 12, 31)
    for text in ("Thường xuyên", "Hằng năm", "hàng năm"):
        assert parse_deadline(text).kind is DeadlineKind.RECURRING
    for text in ("Không có hạn", "", None, "không thời hạn"):
        assert parse_deadline(text).kind is DeadlineKind.NONE


@given(st.lists(tasks(), max_size=40), days, st.integers(0, 120), st.data())
def test_indexed_selection_equals_a_scan_of_every_task(task_list, start, length, data):
    """select_tasks looks only at the tasks near the period (an index, so that a long archive
    is not quadratic); it must list exactly what testing every task would."""
    import dataclasses

    from baocao.directives import listed_by_default, select_tasks

    task_list = tuple(dataclasses.replace(t, id=f"t{i}") for i, t in enumerate(task_list))
    cutoff = start + timedelta(days=length)
    ids = [t.id for t in task_list]
    include = data.draw(st.lists(st.sampled_from(ids), max_size=3)) if ids else []
    exclude = data.draw(st.lists(st.sampled_from(ids), max_size=3)) if ids else []
    expected = [t for t in task_list
                if (listed_by_default(t, start, cutoff) or t.id in include) and t.id not in exclude]
    assert select_tasks(task_list, start, cutoff, include, exclude) == expected
