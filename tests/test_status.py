"""The status engine on the shipped content: moving the cut-off, and history not rewritten."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from baocao.directives import Status, compute_status, register_rows
from baocao.load import load_repository
from baocao.render.official import render_official_input
from baocao.render.report_md import render_report_markdown


def test_task_due_30_9_is_overdue_on_1_10(shipped_repo):
    task = shipped_repo.task("2023-1922-UBND-KGVX")
    assert task.deadline.text == "30/9/2023"
    assert compute_status(task, date(2023, 9, 30)) is Status.IN_PROGRESS  # the day itself
    assert compute_status(task, date(2023, 10, 1)) is Status.OVERDUE
    rows = {r.task.id: r for r in register_rows(shipped_repo, date(2023, 10, 1))}
    assert rows["2023-1922-UBND-KGVX"].progress == "Quá hạn"
    # Overdue tasks come first in the register.
    assert register_rows(shipped_repo, date(2023, 10, 1))[0].status is Status.OVERDUE


def test_october_completions_do_not_change_september(repo_copy: Path):
    repo, _ = load_repository(repo_copy)
    before_md = render_report_markdown(repo, repo.report("2023-09"))
    before_official = render_official_input(repo, repo.report("2023-09"))

    path = repo_copy / "directives.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        '    deadline: "30/9/2023"\n',
        '    deadline: "30/9/2023"\n    completed: "05/10/2023"\n'
        '    result: "Công văn số 1300/KHCN-VP Ngày 05/10/2023"\n',
    ).replace(
        '    deadline: "15/11/2023"\n',
        '    deadline: "15/11/2023"\n    completed: "20/9/2023"\n    result: "Công văn số 1200"\n',
    )
    path.write_text(text, encoding="utf-8")
    repo2, problems = load_repository(repo_copy)
    assert not problems.errors
    assert repo2.task("2023-1922-UBND-KGVX").completed == date(2023, 10, 5)
    assert render_report_markdown(repo2, repo2.report("2023-09")) == before_md
    assert render_official_input(repo2, repo2.report("2023-09")) == before_official
    # ... while the register as of October does see them.
    rows = {r.task.id: r.status for r in register_rows(repo2, date(2023, 10, 31))}
    assert rows["2023-1922-UBND-KGVX"] is Status.DONE_LATE
    assert rows["2023-3040-UBND-KSTT"] is Status.DONE_ON_TIME
