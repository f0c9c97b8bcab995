"""``baocao new``: next month's report from the previous one, on the shipped content."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from baocao.cli import cli
from baocao.directives import report_rows
from baocao.load import load_repository
from baocao.next_month import add_months, shift_months


def run(repo: Path, *args: str):
    return CliRunner().invoke(cli, ["--repo", str(repo), *args], catch_exceptions=False)


def test_new_october_from_september_passes_check(repo_copy: Path):
    result = run(repo_copy, "new", "2023-10")
    assert result.exit_code == 0, result.output
    assert "Đã tạo 18 tệp trong content/2023/10/ từ báo cáo tháng 9/2023" in result.output
    assert "kỳ báo cáo 15/9/2023 – 14/10/2023" in result.output

    september = repo_copy / "content/2023/09"
    october = repo_copy / "content/2023/10"
    assert sorted(p.name for p in october.iterdir()) == sorted(p.name for p in september.iterdir())

    check = run(repo_copy, "check")
    assert check.exit_code == 0, check.output
    assert "content/2023/10" not in check.output  # no problem at all in the new month

    repo, problems = load_repository(repo_copy)
    assert not problems.errors
    oct_report, sep_report = repo.report("2023-10"), repo.report("2023-09")
    assert oct_report is not None and sep_report is not None
    meta = oct_report.meta
    assert meta.status == "draft" and meta.number is None and meta.date is None
    assert meta.fingerprint is None
    assert meta.cutoff.value.isoformat() == "2023-10-14"
    assert oct_report.period_start.isoformat() == "2023-09-15"
    assert meta.title == "Kết quả công tác tháng 10/2023, nhiệm vụ công tác tháng 11/2023"
    assert [p.title for p in meta.parts][1] == "NHIỆM VỤ CÔNG TÁC THÁNG 11/2023"
    assert meta.signer == sep_report.meta.signer and meta.recipients == sep_report.meta.recipients
    # The task list is the engine's: September's manual include is not carried over.
    assert meta.tasks.include == [] and meta.tasks.exclude == []
    ids = {r.task.id for r in report_rows(repo, oct_report)}
    assert "2023-3841-UBND-KGVX" not in ids  # completed 14/7, included by hand in September only
    assert "2023-1922-UBND-KGVX" in ids  # still open

    by_name = {s.src.path.rsplit("/", 1)[-1]: s for s in oct_report.sections}
    old = {s.src.path.rsplit("/", 1)[-1]: s for s in sep_report.sections}
    # Phần I of October lists September's Phần II items of the same area, to report against.
    assert by_name["03-nghien-cuu-khoa-hoc.md"].body.strip() == \
        old["10-nhiem-vu-nghien-cuu-khoa-hoc.md"].body.strip()
    assert by_name["09-cong-tac-khac.md"].body.strip() == \
        old["16-nhiem-vu-cong-tac-khac.md"].body.strip()
    # Section front matter (part, number, title) is kept.
    for name, section in by_name.items():
        assert (section.kind, section.part, section.number, section.title) == (
            old[name].kind, old[name].part, old[name].number, old[name].title.replace(
                "THÁNG 9 NĂM 2023", "THÁNG 10 NĂM 2023"))
    # Phần II: headings only.
    for name, section in by_name.items():
        if section.part == "II":
            assert section.body.strip() == "", name
    # Placeholder text is kept (with the month moved); a section without a Phần II
    # counterpart starts empty.
    first = by_name["01-thuc-hien-nhiem-vu-giao.md"].body
    assert "{{ tong_so }}" in first and "Nhiệm vụ được giao trong tháng 10/2023" in first
    assert by_name["02-co-che-chinh-sach.md"].body.strip() == ""
    assert by_name["90-phu-luc.md"].body.strip() == "{{ bang_nhiem_vu }}"
    assert by_name["90-phu-luc.md"].title.endswith("THÁNG 10 NĂM 2023")


def test_new_keeps_comments_and_formatting_of_index(repo_copy: Path):
    assert run(repo_copy, "new", "2023-10").exit_code == 0
    old = (repo_copy / "content/2023/09/index.md").read_text(encoding="utf-8").splitlines()
    new = (repo_copy / "content/2023/10/index.md").read_text(encoding="utf-8").splitlines()
    assert new[1] == "# Báo cáo tháng 10/2023 — thông tin chung. Hướng dẫn: docs/huong-dan-bien-tap.md"
    assert "number:            # số văn bản: văn thư điền khi ban hành" in new
    assert "cutoff: 2023-10-14 # ngày chốt số liệu nhiệm vụ" in new
    assert any(line.startswith("period_start: 2023-09-15") for line in new)
    assert "tasks:" not in new and not any("include" in line for line in new)
    # Every other line is September's line as it was (recipients, signer, quoting).
    for line in old[old.index("signer:"):]:
        if line.startswith(("tasks:", "  #", "  include", "    - 2023")):
            continue
        assert line in new, line


def test_new_refuses_to_overwrite_an_existing_month(repo_copy: Path):
    assert run(repo_copy, "new", "2023-10").exit_code == 0
    section = repo_copy / "content/2023/10/03-nghien-cuu-khoa-hoc.md"
    section.write_text(section.read_text(encoding="utf-8") + "\n- Đã viết.\n", encoding="utf-8")
    before = section.read_text(encoding="utf-8")
    result = run(repo_copy, "new", "10/2023")
    assert result.exit_code == 1
    assert "Lỗi: content/2023/10 đã có; baocao new không ghi đè một tháng đã có" in result.output
    assert "Traceback" not in result.output
    assert section.read_text(encoding="utf-8") == before
    assert run(repo_copy, "new", "2023-09").exit_code == 1


def test_new_needs_an_earlier_report(repo_copy: Path):
    result = run(repo_copy, "new", "2023-08")
    assert result.exit_code == 1
    assert "không có báo cáo nào trước tháng 8/2023 để làm mẫu" in result.output
    assert not (repo_copy / "content/2023/08").exists()


def test_new_chain_and_year_end(repo_copy: Path):
    """October from September, then January 2024 from October (a gap of three months)."""
    assert run(repo_copy, "new", "2023-10").exit_code == 0
    result = run(repo_copy, "new", "2024-01", "--cutoff", "12/1/2024")
    assert result.exit_code == 0, result.output
    repo, problems = load_repository(repo_copy)
    assert not problems.errors, [p.format() for p in problems.errors]
    january = repo.report("2024-01")
    assert january is not None
    assert january.meta.title == "Kết quả công tác tháng 1/2024, nhiệm vụ công tác tháng 2/2024"
    assert january.cutoff.isoformat() == "2024-01-12"
    assert january.period_start.isoformat() == "2023-10-15"
    # October's Phần II was empty, so January's Phần I has nothing to seed from.
    assert all(not s.body.strip() for s in january.body_sections
               if s.part == "I" and "{{" not in s.body)


def test_shift_months_and_add_months():
    assert shift_months("tháng 9/2023, tháng 10/2023", 1) == "tháng 10/2023, tháng 11/2023"
    assert shift_months("THÁNG 12 NĂM 2023", 1) == "THÁNG 1 NĂM 2024"
    assert shift_months("Tháng 09/2023", 2) == "Tháng 11/2023"
    assert shift_months("ngày 18/8/2023; Quý III", 1) == "ngày 18/8/2023; Quý III"
    from datetime import date

    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert add_months(date(2023, 12, 14), 1) == date(2024, 1, 14)


def test_new_after_issuing_starts_a_clean_draft(repo_copy: Path):
    issued = run(repo_copy, "issue", "2023-09", "--number", "1234", "--date", "2023-09-28")
    assert issued.exit_code == 0, issued.output
    assert run(repo_copy, "new", "2023-10").exit_code == 0
    text = (repo_copy / "content/2023/10/index.md").read_text(encoding="utf-8")
    assert "status: draft" in text and "fingerprint" not in text
    assert "number:            # số văn bản: văn thư điền khi ban hành" in text.splitlines()
    assert "date:              # ngày ban hành: điền khi ban hành" in text.splitlines()
    assert not (repo_copy / "content/2023/10/ban-hanh.json").exists()
    check = run(repo_copy, "check")
    assert check.exit_code == 0, check.output  # September stays issued and unchanged
    assert "E601" not in check.output


# --------------------------------------------------------------------------------------------
# Issue 16: what `baocao new` carries over, on a report laid out differently (three Phần,
# openings, Kính gửi, a task excluded by hand): tests/fixtures/shape


def _front(text: str) -> str:
    return text.split("---\n", 2)[1]


def _body(text: str) -> str:
    return text.split("---\n", 2)[2].strip()


def test_new_keeps_sections_of_any_layout_and_carries_the_shape_over(tmp_path: Path):
    import shutil

    from conftest import FIXTURES

    from baocao.model import ReportMeta

    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "shape", repo)
    result = run(repo, "new", "2025-06")
    assert result.exit_code == 0, result.output
    may, june = repo / "content/2025/05", repo / "content/2025/06"
    assert sorted(p.name for p in june.iterdir()) == sorted(p.name for p in may.iterdir())

    loaded, problems = load_repository(repo)
    assert not problems.errors, [p.format() for p in problems.errors]
    assert not [p for p in problems if p.path.startswith("content/2025/06/")]
    new, old = loaded.report("2025-06"), loaded.report("2025-05")
    assert new is not None and old is not None
    meta: ReportMeta = new.meta
    # index.md: Kính gửi, signer, recipients and the Phần carried over (months moved) ...
    assert meta.addressees == old.meta.addressees
    assert meta.signer == old.meta.signer and meta.recipients == old.meta.recipients
    assert meta.title == "Kết quả thực hiện nhiệm vụ tháng 6, phương hướng nhiệm vụ tháng 7 năm 2025"
    assert [p.number for p in meta.parts] == ["I", "II", "III"]
    assert meta.parts[1].title == "PHƯƠNG HƯỚNG, NHIỆM VỤ TRỌNG TÂM THÁNG 7/2025"
    # ... and the exclusion of a task still open at the new cut-off (Quý II/2025, not done).
    assert meta.tasks.exclude == ["2025-1655-UBND-KTN"] and meta.tasks.include == []

    by_name = {s.src.path.rsplit("/", 1)[-1]: s for s in new.sections}
    before = {s.src.path.rsplit("/", 1)[-1]: s for s in old.sections}
    for name, section in by_name.items():
        # every file keeps its kind, Phần, number and title (any layout) ...
        assert (section.kind, section.part, section.number, section.title, section.unit) == (
            before[name].kind, before[name].part, before[name].number,
            before[name].title.replace("THÁNG 5 NĂM 2025", "THÁNG 6 NĂM 2025"),
            before[name].unit), name
        assert _front((june / name).read_text("utf-8")) == _front(
            (may / name).read_text("utf-8")).replace("THÁNG 5 NĂM", "THÁNG 6 NĂM"), name
    # Openings: front matter kept, body emptied (it is this month's text).
    assert by_name["00-mo-dau.md"].kind == "opening" and by_name["00-mo-dau.md"].body.strip() == ""
    assert by_name["10-mo-dau-phuong-huong.md"].part == "II"
    assert by_name["10-mo-dau-phuong-huong.md"].body.strip() == ""
    # Computed-placeholder text is kept in ANY Phần (here Phần II), with the month moved.
    follow_up = by_name["13-theo-doi-nhiem-vu.md"].body
    assert "{{ dang_thuc_hien }}" in follow_up and "tháng 7/2025" in follow_up
    assert "{{ tong_so }}" in by_name["01-nhiem-vu-giao.md"].body
    # Phần I seeded from last month's Phần II item of the same area; the rest emptied.
    assert by_name["03-tieu-chuan.md"].body.strip() == before["12-do-luong.md"].body.strip()
    for name in ("02-nghien-cuu.md", "11-quan-ly-khoa-hoc.md", "12-do-luong.md",
                 "20-kien-nghi.md"):
        assert by_name[name].body.strip() == "", name
    # The appendix file is carried over whole (declaration and body).
    assert _body((june / "90-phu-luc.md").read_text("utf-8")) == "{{ bang_nhiem_vu }}"


def test_shift_months_moves_a_month_written_without_its_year():
    """The trích yếu of Nghị định 30's own example names the first month without its year
    ("Kết quả công tác tháng 8, nhiệm vụ công tác tháng 9 năm 2023"): both months move."""
    assert shift_months("Kết quả công tác tháng 8, nhiệm vụ công tác tháng 9 năm 2023", 1) == \
        "Kết quả công tác tháng 9, nhiệm vụ công tác tháng 10 năm 2023"
    assert shift_months("tháng 12, phương hướng tháng 01 năm 2024", 1) == \
        "tháng 1, phương hướng tháng 02 năm 2024"  # zero kept where it was typed
    assert shift_months("trong 3 tháng đầu năm; tháng 13", 1) == "trong 3 tháng đầu năm; tháng 13"
