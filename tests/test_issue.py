"""``baocao issue`` and the lock on issued reports: an issued document never changes silently."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import edit_text

from baocao.cli import cli
from baocao.load import load_repository

INDEX = "content/2023/09/index.md"
SECTION = "content/2023/09/03-nghien-cuu-khoa-hoc.md"


def run(repo: Path, *args: str):
    return CliRunner().invoke(cli, ["--repo", str(repo), *args], catch_exceptions=False)


@pytest.fixture
def issued(repo_copy_2023: Path) -> Path:
    """The shipped September 2023 report, issued (only 2023 is copied: these tests edit the
    register, and an open task added to it would be listed by May 2025 too)."""
    repo_copy = repo_copy_2023
    result = run(repo_copy, "issue", "2023-09", "--number", "1234", "--date", "2023-09-28")
    assert result.exit_code == 0, result.output
    return repo_copy


def test_issue_fills_number_date_status_and_fingerprint(repo_copy: Path):
    before = (repo_copy / INDEX).read_text(encoding="utf-8").splitlines()
    result = run(repo_copy, "issue", "2023-09", "--number", "1234", "--date", "28/9/2023")
    assert result.exit_code == 0, result.output
    assert "Đã ban hành báo cáo tháng 9/2023: số 1234/BC-KHCN ngày 28/9/2023." in result.output
    after = (repo_copy / INDEX).read_text(encoding="utf-8").splitlines()
    # Targeted line edits: comments and every other line stay as the editor wrote them.
    assert "status: issued" in after
    assert "number: 1234       # số văn bản: văn thư điền khi ban hành" in after
    assert "date: 2023-09-28   # ngày ban hành: điền khi ban hành" in after
    fp_lines = [line for line in after if line.startswith("fingerprint: ")]
    assert len(fp_lines) == 1 and fp_lines[0].startswith('fingerprint: "sha256:')
    changed = {"status: draft", "number:            # số văn bản: văn thư điền khi ban hành",
               "date:              # ngày ban hành: điền khi ban hành"}
    assert [line for line in before if line not in changed] == \
        [line for line in after if line not in {"status: issued", fp_lines[0]}
         and not line.startswith(("number: 1234", "date: 2023-09-28"))]

    repo, problems = load_repository(repo_copy)
    assert not problems.errors
    meta = repo.report("2023-09").meta
    assert (meta.status, meta.number, meta.date.value.isoformat()) == ("issued", 1234, "2023-09-28")
    record = json.loads((repo_copy / "content/2023/09/ban-hanh.json").read_text(encoding="utf-8"))
    assert record["fingerprint"] == meta.fingerprint and record["number"] == 1234
    assert "03-nghien-cuu-khoa-hoc.md" in record["sections"]
    assert len(record["task_order"]) == 14

    check = run(repo_copy, "check")
    assert check.exit_code == 0, check.output
    assert "E601" not in check.output and "W601" not in check.output


def test_a_changed_sentence_in_an_issued_report_fails_check(issued: Path):
    edit_text(issued / SECTION, "Hoàn thành việc tổ chức 14 Hội đồng",
              "Hoàn thành việc tổ chức 15 Hội đồng")
    line = next(i for i, text in enumerate(
        (issued / SECTION).read_text(encoding="utf-8").splitlines(), 1) if "15 Hội đồng" in text)
    result = run(issued, "check")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    expected = (f"{SECTION}:{line}:1: E601: báo cáo tháng 9/2023 (số 1234/BC-KHCN ngày 28/9/2023) "
                "đã ban hành: dòng này đã thay đổi sau khi ban hành; hãy hoàn lại; nếu thật sự "
                "cần ban hành lại: baocao issue 2023-09 --reissue --reason \"…\"")
    assert expected in result.output.splitlines()
    assert result.output.endswith("Có 1 lỗi và 1 cảnh báo.\n")
    # The official documents are not built from changed content either.
    docx = run(issued, "docx", "2023-09", "-o", str(issued / "x.docx"))
    assert docx.exit_code == 1 and "E601" in docx.output and not (issued / "x.docx").exists()
    # Reverting the sentence unlocks; so does an explicit re-issue.
    edit_text(issued / SECTION, "15 Hội đồng", "14 Hội đồng")
    assert run(issued, "check").exit_code == 0


def test_reissue_is_explicit(issued: Path):
    edit_text(issued / SECTION, "Hoàn thành việc tổ chức 14 Hội đồng",
              "Hoàn thành việc tổ chức 15 Hội đồng")
    again = run(issued, "issue", "2023-09", "--number", "1234", "--date", "2023-09-28")
    assert again.exit_code == 1
    assert "đã ban hành (hồ sơ ban hành: content/2023/09/ban-hanh.json); văn bản đã ban hành " \
        "không được thay đổi lặng lẽ" in again.output
    assert '--reissue --reason "…"' in again.output
    reissue = run(issued, "issue", "2023-09", "--reissue", "--reason", "Đính chính")
    assert reissue.exit_code == 0, reissue.output
    assert "Đã ban hành lại báo cáo tháng 9/2023: số 1234/BC-KHCN ngày 28/9/2023." in reissue.output
    assert run(issued, "check").exit_code == 0


def test_task_facts_up_to_the_cutoff_are_locked_later_ones_are_not(issued: Path):
    directives = issued / "directives.yaml"
    original = directives.read_text(encoding="utf-8")
    # Completing an open task after the cut-off (14/9/2023) is October's news: allowed.
    edit_text(directives, '    summary: "V/v phối hợp triển khai Điều tra nhận thức công chúng về '
              'KH&CN năm 2023"\n    deadline: "30/9/2023"\n',
              '    summary: "V/v phối hợp triển khai Điều tra nhận thức công chúng về KH&CN năm '
              '2023"\n    deadline: "30/9/2023"\n    completed: "25/9/2023"\n    result: "Xong"\n')
    assert run(issued, "check").exit_code == 0
    # Changing a completion date that the issued report showed is not.
    directives.write_text(original.replace('completed: "13/9/2023"', 'completed: "12/9/2023"'),
                          encoding="utf-8")
    result = run(issued, "check")
    assert result.exit_code == 1
    problems = [line for line in result.output.splitlines() if "E601" in line]
    assert len(problems) == 1
    assert problems[0].startswith("directives.yaml:")
    assert "nhiệm vụ 2023-3991-UBND-KGVX: completed tính đến ngày chốt 14/9/2023 đã khác lúc " \
           "ban hành báo cáo tháng 9/2023 (số 1234/BC-KHCN ngày 28/9/2023)" in problems[0]


def test_changed_report_fields_and_new_task_are_named(issued: Path):
    edit_text(issued / INDEX, '  - "Cục Thống kê;"', '  - "Cục Thống kê tỉnh;"')
    with (issued / "directives.yaml").open("a", encoding="utf-8") as fh:
        fh.write('\n  - id: 2023-9000-UBND-KGVX\n    document: "9000/UBND-KGVX"\n'
                 '    issued: "01/9/2023"\n    summary: "Nhiệm vụ ghi bổ sung"\n')
    output = run(issued, "check").output
    assert 'trường "recipients" đã thay đổi sau khi ban hành' in output
    assert "nhiệm vụ 2023-9000-UBND-KGVX nay được liệt kê trong phụ lục của báo cáo tháng 9/2023" \
        in output
    # Excluding the late-registered task from the issued report restores what was issued:
    # index.md may change, as long as the document it gives does not.
    edit_text(issued / INDEX, '  - "Cục Thống kê tỉnh;"', '  - "Cục Thống kê;"')
    edit_text(issued / INDEX, "  include:\n", "  exclude:\n    - 2023-9000-UBND-KGVX\n  include:\n")
    result = run(issued, "check")
    assert result.exit_code == 0, result.output


def test_without_record_the_report_is_still_locked(issued: Path):
    (issued / "content/2023/09/ban-hanh.json").unlink()
    edit_text(issued / SECTION, "14 Hội đồng", "15 Hội đồng")
    result = run(issued, "check")
    assert result.exit_code == 1
    assert f"{INDEX}:" in result.output
    assert "đã ban hành nhưng nội dung đã thay đổi sau khi ban hành" in result.output


def test_issued_by_hand_without_fingerprint_is_a_warning(repo_copy: Path):
    edit_text(repo_copy / INDEX, "status: draft", "status: issued")
    edit_text(repo_copy / INDEX, "number:            #", "number: 7 #")
    edit_text(repo_copy / INDEX, "date:              #", "date: 2023-09-28 #")
    result = run(repo_copy, "check")
    assert result.exit_code == 0
    assert "W601: báo cáo tháng 9/2023 (số 7/BC-KHCN ngày 28/9/2023) ghi status: issued nhưng " \
           "chưa được khóa bằng lệnh ban hành; chạy: baocao issue 2023-09 --reissue" in result.output


@pytest.mark.parametrize("args, message", [
    (["2023-09", "--number", "5"], "cần số văn bản (--number) và ngày ban hành (--date)"),
    (["2023-09", "--number", "5", "--date", "2023-09-01"],
     "ngày ban hành 01/9/2023 trước ngày chốt số liệu 14/9/2023 của báo cáo"),
    (["2031-01", "--number", "5", "--date", "2031-01-20"], "không có báo cáo tháng 2031-01"),
])
def test_issue_refusals(repo_copy: Path, args: list[str], message: str):
    before = (repo_copy / INDEX).read_text(encoding="utf-8")
    result = run(repo_copy, "issue", *args)
    assert result.exit_code == 1
    assert f"Lỗi: {message}" in result.output
    assert (repo_copy / INDEX).read_text(encoding="utf-8") == before
    assert not (repo_copy / "content/2023/09/ban-hanh.json").exists()


@pytest.mark.parametrize("command", ["new", "serve", "issue"])
def test_help_of_the_workflow_commands(command: str):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0 and "Cách dùng:" in result.output


def test_lock_issued_locks_reports_issued_by_hand(repo_copy: Path):
    edit_text(repo_copy / INDEX, "status: draft", "status: issued")
    edit_text(repo_copy / INDEX, "number:            #", "number: 7 #")
    edit_text(repo_copy / INDEX, "date:              #", "date: 2023-09-28 #")
    result = run(repo_copy, "issue", "--lock-issued")
    assert result.exit_code == 0, result.output
    assert "Đã khóa 1 báo cáo đã ban hành: 9/2023." in result.output
    check = run(repo_copy, "check")
    assert check.exit_code == 0 and "W601" not in check.output
    edit_text(repo_copy / SECTION, "14 Hội đồng", "15 Hội đồng")
    assert "E601" in run(repo_copy, "check").output
    again = run(repo_copy, "issue", "--lock-issued")
    assert "Đã khóa 0 báo cáo đã ban hành: không có báo cáo nào cần khóa." in again.output
    assert run(repo_copy, "issue").exit_code == 2  # a month is needed otherwise


def _tree_state(root: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(root).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if not p.is_symlink()}


def test_the_library_build_refuses_a_changed_issued_report_and_writes_nothing(issued: Path):
    """The lock is the library's, not only the CLI's: a caller of ``build()`` (serve, a script)
    cannot publish an issued report whose content changed behind the CLI's back."""
    from baocao.commands.build import build
    from baocao.problems import ContentError

    edit_text(issued / SECTION, "Hoàn thành việc tổ chức 14 Hội đồng",
              "Hoàn thành việc tổ chức 15 Hội đồng")
    repo, problems = load_repository(issued)
    assert not problems.errors  # loading alone does not know about the lock
    before = _tree_state(issued.parent)
    with pytest.raises(ContentError) as caught:
        build(repo, issued, issued / "site")
    found = [p.format() for p in caught.value.problems]
    assert found and all(": E601: " in line for line in found), found
    assert any(line.startswith(f"{SECTION}:") for line in found), found
    assert _tree_state(issued.parent) == before  # no site, staging, cache or tree written
