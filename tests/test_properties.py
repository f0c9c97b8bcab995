"""Property tests of the status engine and the deadline forms."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from baocao.deadlines import DeadlineKind, parse_deadline
from baocao.directives import (
    Status,
    change_note,
    compute_rows,
    compute_status,
    latest_progress,
    summarize,
)
from baocao.model import Adjustment, Extension, ProgressNote, SourceRef, Task
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


def _changes(draw, issued, deadline, realistic):
    """Extensions and adjustments with distinct dates on or after *issued* (as the loader
    requires). *realistic*: each change is dated while the deadline in force is not yet past
    (nobody relieves an overdue task by a later document), an extension moves it later, an
    adjustment either way; otherwise any deadline on any date."""
    exts, adjs = [], []
    used = set()
    day, due = issued, deadline.due
    for _ in range(draw(st.integers(0, 3))):
        if realistic:
            if due is None or due < day:
                break
            when = draw(st.dates(min_value=day, max_value=due))
        else:
            when = draw(days.filter(lambda d: d >= issued))
        if when in used:
            continue
        used.add(when)
        if draw(st.booleans()) and (due is not None or not realistic):
            base = due if due is not None else when
            new = parse_deadline(base + timedelta(days=draw(st.integers(1, 200))))
            exts.append(Extension(new, when, None))
        else:
            new = draw(deadlines())
            adjs.append(Adjustment(new, when, draw(st.one_of(st.none(), st.just("1021/UBND")))))
        day, due = when, new.due
    return tuple(exts), tuple(adjs)


@st.composite
def tasks(draw, realistic=True):
    issued = draw(days)
    deadline = draw(deadlines())
    # A completion may be dated before the assigning document (it listed work already done).
    finished = draw(st.one_of(st.none(), days))
    undated = finished is not None and draw(st.booleans())
    not_started = draw(st.booleans())
    started = draw(st.one_of(st.none(), days.filter(lambda d: d >= issued)))
    exts, adjs = _changes(draw, issued, deadline, realistic)
    notes = sorted(draw(st.lists(days.filter(lambda d: d >= issued), max_size=3)))
    progress = tuple(ProgressNote(d, f"{d.day}/{d.month}/{d.year}", f"ghi chú {i}")
                     for i, d in enumerate(notes))
    return Task(
        id="t", document="1/UBND", issued=issued, issued_text="", summary="s", deadline=deadline,
        completed=None if undated else finished, completed_text="", result="", unit=None,
        extensions=exts, not_started=not_started, started=started, notes=None,
        src=SourceRef("x"), adjustments=adjs, progress=progress,
        completed_by=finished if undated else None,
    )


@given(st.lists(tasks(), max_size=30), days)
def test_statuses_partition_and_counts_add_up(task_list, as_of):
    rows = compute_rows(task_list, as_of)
    s = summarize(rows)
    assert s.total == len(task_list)
    parts = [s.done_on_time, s.done_late, s.done_undated, s.in_progress, s.overdue, s.not_started]
    assert sum(parts) == s.total
    for status, count in zip(
        [Status.DONE_ON_TIME, Status.DONE_LATE, Status.DONE_UNDATED, Status.IN_PROGRESS,
         Status.OVERDUE, Status.NOT_STARTED], parts, strict=True,
    ):
        assert count == sum(1 for r in rows if r.status is status)
    assert s.done == s.done_on_time + s.done_late + s.done_undated
    assert s.done == sum(1 for r in rows if r.status.done)
    # A task done on an unknown day is in neither the numerator nor the denominator.
    timed = s.done_on_time + s.done_late + s.overdue
    assert s.on_time_rate == (s.done_on_time / timed if timed else None)


@given(tasks(), days, days)
def test_status_only_moves_forward(task, a, b):
    early, late = min(a, b), max(a, b)
    assert compute_status(task, early).rank <= compute_status(task, late).rank


@given(tasks(realistic=False), st.data())
def test_a_change_never_alters_a_report_cut_off_before_it(task, data):
    """Rows computed with and without any one extension or adjustment are identical for every
    cut-off before that change's date (history is never rewritten)."""
    changes = [("extensions", i, e.approved) for i, e in enumerate(task.extensions)]
    changes += [("adjustments", i, a.date) for i, a in enumerate(task.adjustments)]
    for field, i, when in changes:
        kept = getattr(task, field)
        without = dataclasses.replace(task, **{field: kept[:i] + kept[i + 1:]})
        for cutoff in data.draw(st.lists(days.filter(lambda d, w=when: d < w), max_size=4)):
            (row,), (other,) = compute_rows([task], cutoff), compute_rows([without], cutoff)
            assert (row.status, row.deadline, row.progress) == \
                (other.status, other.deadline, other.progress)
            assert change_note(task, cutoff) == change_note(without, cutoff)


@given(tasks(), days, days)
def test_the_latest_progress_note_is_never_from_the_future(task, a, b):
    early, late = min(a, b), max(a, b)
    note = latest_progress(task, early)
    if note is not None:
        assert note.date <= early
        later = latest_progress(task, late)
        assert later is not None and later.date >= note.date
    assert latest_progress(task, late) == next(
        (n for n in reversed(task.progress) if n.date <= late), None)


@given(tasks(), days)
def test_no_deadline_is_never_overdue(task, as_of):
    if task.deadline.due is None and not task.extensions and not task.adjustments:
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
    from baocao.directives import listed_by_default, select_tasks

    task_list = tuple(dataclasses.replace(t, id=f"t{i}") for i, t in enumerate(task_list))
    cutoff = start + timedelta(days=length)
    ids = [t.id for t in task_list]
    include = data.draw(st.lists(st.sampled_from(ids), max_size=3)) if ids else []
    exclude = data.draw(st.lists(st.sampled_from(ids), max_size=3)) if ids else []
    expected = [t for t in task_list
                if (listed_by_default(t, start, cutoff) or t.id in include) and t.id not in exclude]
    assert select_tasks(task_list, start, cutoff, include, exclude) == expected
