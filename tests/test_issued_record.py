"""The issued record is closed (DESIGN decision 14, issue 15): each way around the lock that was
found is reproduced on a copy of the shipped content, then shown refused.

- reordering two tasks in directives.yaml swapped rows TT 1 and 2 of an issued report's
  appendix, with ``check`` clean: the fingerprint now covers the report in document order;
- deleting the ``fingerprint:`` line, or setting ``status`` back to ``draft``, while
  ``ban-hanh.json`` exists unlocked the report: the record is authoritative;
- a template change that alters an issued document's bytes is announced by the build.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, ROOT, edit_text, lay_over

from baocao.cli import cli
from baocao.load import load_repository

INDEX = "content/2023/09/index.md"
RECORD = "content/2023/09/ban-hanh.json"
SECTION = "content/2023/09/03-nghien-cuu-khoa-hoc.md"
WHO = "báo cáo tháng 9/2023 (số 1234/BC-KHCN ngày 28/9/2023)"
FIRST, SECOND = "2023-4502-UBND-KGVX", "2023-339-TB-UBND"  # TT 1 and 2 of the appendix


def run(repo: Path, *args: str):
    return CliRunner().invoke(cli, ["--repo", str(repo), *args], catch_exceptions=False)


def issue(repo: Path) -> Path:
    result = run(repo, "issue", "2023-09", "--number", "1234", "--date", "2023-09-28")
    assert result.exit_code == 0, result.output
    return repo


@pytest.fixture
def issued(repo_copy: Path) -> Path:
    return issue(repo_copy)


def line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if text in line)


def swap_first_two_tasks(directives: Path) -> None:
    """Exchange the register entries of FIRST and SECOND (nothing else of the file changes);
    twice puts them back."""
    parts = directives.read_text(encoding="utf-8").split("\n  - id: ")
    assert {parts[1].split("\n")[0], parts[2].split("\n")[0]} == {FIRST, SECOND}
    parts[1], parts[2] = parts[2].rstrip("\n") + "\n", parts[1].rstrip("\n") + "\n\n"
    directives.write_text("\n  - id: ".join(parts), encoding="utf-8")


def appendix_rows(docx: Path) -> list[tuple[str, str]]:
    """(TT, Số/Ký hiệu) of each task row of the DOCX's appendix table."""
    from docx import Document

    table = Document(str(docx)).tables[-1]
    rows = []
    for row in table.rows[1:]:
        cells = [c.text.strip() for c in row.cells]
        if cells[0].isdigit():
            rows.append((cells[0], cells[1].split(" ")[0]))
    return rows


def tree_state(root: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(root).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if not p.is_symlink()}


# --------------------------------------------------------------------------------------------
# Task order


def test_reordering_tasks_swaps_the_appendix_rows_of_the_document(repo_copy: Path, tmp_path: Path):
    """The reproduction: the order of directives.yaml is the order of the appendix rows, so a
    lock that ignores it lets an issued document change."""
    from baocao.render.official import render_official_input
    from baocao.write.docx import write_docx
    from baocao.write.names import report_epoch, templates_dir

    def built(name: str) -> list[tuple[str, str]]:
        repo, _ = load_repository(repo_copy)
        report = repo.report("2023-09")
        out = tmp_path / name
        write_docx(render_official_input(repo, report), out, templates=templates_dir(repo_copy),
                   epoch=report_epoch(report))
        return appendix_rows(out)[:2]

    assert built("before.docx") == [("1", "4502/UBND-KGVX"), ("2", "339/TB-UBND")]
    swap_first_two_tasks(repo_copy / "directives.yaml")
    assert built("after.docx") == [("1", "339/TB-UBND"), ("2", "4502/UBND-KGVX")]


def test_reordering_two_tasks_of_an_issued_report_is_refused(issued: Path):
    swap_first_two_tasks(issued / "directives.yaml")
    result = run(issued, "check")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    directives = issued / "directives.yaml"
    for tid, old, new in ((FIRST, 1, 2), (SECOND, 2, 1)):
        expected = (f"directives.yaml:{line_of(directives, f'id: {tid}')}:1: E601: nhiệm vụ "
                    f"{tid}: thứ tự trong phụ lục của {WHO} đã thay đổi sau khi ban hành (dòng "
                    f"TT {old} nay là TT {new}); hãy hoàn lại thứ tự các nhiệm vụ trong "
                    f"directives.yaml; nếu thật sự cần ban hành lại: baocao issue 2023-09 "
                    f"--reissue --reason \"…\"")
        assert expected in result.output.splitlines(), result.output
    assert result.output.endswith("Có 2 lỗi và 1 cảnh báo.\n")
    docx = run(issued, "docx", "2023-09", "-o", str(issued / "x.docx"))
    assert docx.exit_code == 1 and "E601" in docx.output and not (issued / "x.docx").exists()
    # Putting the order back unlocks.
    swap_first_two_tasks(directives)
    assert run(issued, "check").exit_code == 0


def test_reordering_sections_of_a_part_is_refused(issued: Path):
    """Document order covers the sections too: two sections that exchange their place in the
    outline (their file numbers) change the document."""
    folder = issued / "content/2023/09"
    a, b = folder / "07-so-huu-tri-tue.md", folder / "08-thanh-tra.md"
    text_a, text_b = a.read_text(encoding="utf-8"), b.read_text(encoding="utf-8")
    a.write_text(text_b, encoding="utf-8")
    b.write_text(text_a, encoding="utf-8")
    result = run(issued, "check")
    assert result.exit_code == 1
    assert "content/2023/09/07-so-huu-tri-tue.md:2:1: E601:" in result.output


def test_a_v1_fingerprint_still_locks_and_now_sees_the_order(repo_copy: Path):
    """Backward compatibility: a report issued by the previous baocao (fingerprint scheme v1,
    tests/fixtures/issued-v1, made by it from the shipped content) stays locked without being
    issued again, and its record's task order now locks the appendix order as well."""
    lay_over(repo_copy, FIXTURES / "issued-v1")
    index = (repo_copy / INDEX).read_text(encoding="utf-8")
    assert 'fingerprint: "sha256:7bd52a3a' in index
    check = run(repo_copy, "check")
    assert check.exit_code == 0, check.output
    assert "E60" not in check.output and "W60" not in check.output
    edit_text(repo_copy / SECTION, "14 Hội đồng", "15 Hội đồng")
    result = run(repo_copy, "check")
    assert result.exit_code == 1
    assert f"{SECTION}:{line_of(repo_copy / SECTION, '15 Hội đồng')}:1: E601:" in result.output
    edit_text(repo_copy / SECTION, "15 Hội đồng", "14 Hội đồng")
    swap_first_two_tasks(repo_copy / "directives.yaml")
    result = run(repo_copy, "check")
    assert result.exit_code == 1
    assert f"E601: nhiệm vụ {FIRST}: thứ tự trong phụ lục" in result.output


# --------------------------------------------------------------------------------------------
# The record is authoritative


def test_deleting_the_fingerprint_line_while_the_record_exists_is_an_error(issued: Path):
    index = issued / INDEX
    status_line = line_of(index, "status: issued")
    fp_line = next(line for line in index.read_text(encoding="utf-8").splitlines()
                   if line.startswith("fingerprint:"))
    edit_text(index, fp_line + "\n", "")
    edit_text(issued / SECTION, "14 Hội đồng", "15 Hội đồng")
    result = run(issued, "check")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert (f"{INDEX}:{status_line}:1: E602: {WHO} có hồ sơ ban hành {RECORD} nhưng dòng "
            "fingerprint: đã bị xóa khỏi index.md; hồ sơ ban hành là căn cứ, báo cáo vẫn bị "
            "khóa: hãy hoàn lại dòng đó; nếu thật sự cần ban hành lại: baocao issue 2023-09 "
            "--reissue --reason \"…\"") in lines, result.output
    # The content is still compared with the record: the changed sentence is named too.
    assert any(line.startswith(f"{SECTION}:") and ": E601: " in line for line in lines)
    # Nothing is built from it: not the DOCX, not the site.
    docx = run(issued, "docx", "2023-09", "-o", str(issued / "x.docx"))
    assert docx.exit_code == 1 and "E602" in docx.output and not (issued / "x.docx").exists()
    before = tree_state(issued.parent)
    build = run(issued, "build")
    assert build.exit_code == 1 and "E602" in build.output
    assert tree_state(issued.parent) == before


def test_setting_status_back_to_draft_while_the_record_exists_is_an_error(issued: Path):
    index = issued / INDEX
    edit_text(index, "status: issued", "status: draft")
    result = run(issued, "check")
    assert result.exit_code == 1
    assert (f"{INDEX}:{line_of(index, 'status: draft')}:1: E602: {WHO} có hồ sơ ban hành "
            f"{RECORD} nhưng index.md ghi status: draft; hồ sơ ban hành là căn cứ, báo cáo vẫn "
            "bị khóa: hãy hoàn lại status: issued; nếu thật sự cần ban hành lại: baocao issue "
            "2023-09 --reissue --reason \"…\"") in result.output.splitlines(), result.output
    from baocao.commands.build import build
    from baocao.problems import ContentError

    repo, _ = load_repository(issued)
    before = tree_state(issued.parent)
    with pytest.raises(ContentError) as caught:
        build(repo, issued, issued / "site")
    assert [p.code for p in caught.value.problems] == ["E602"]
    assert tree_state(issued.parent) == before
    # Issuing again as if it were a draft is refused: only a recorded re-issue.
    again = run(issued, "issue", "2023-09", "--number", "1300", "--date", "2023-10-02")
    assert again.exit_code == 1
    assert "--reissue" in again.output and RECORD in again.output


def test_a_fingerprint_edited_by_hand_is_an_error(issued: Path):
    """Pasting the new fingerprint of changed content into index.md is no re-issue."""
    from baocao.lock import fingerprint

    edit_text(issued / SECTION, "14 Hội đồng", "15 Hội đồng")
    repo, _ = load_repository(issued)
    new = fingerprint(repo, repo.report("2023-09"))
    index = issued / INDEX
    old = repo.report("2023-09").meta.fingerprint
    edit_text(index, old, new)
    result = run(issued, "check")
    assert result.exit_code == 1
    assert (f"{INDEX}:{line_of(index, 'fingerprint:')}:1: E602: {WHO}: dấu vân tay trong "
            f"index.md khác dấu vân tay trong hồ sơ ban hành {RECORD}") in result.output
    assert f"{SECTION}:" in result.output


def test_a_record_that_cannot_be_read_is_an_error(issued: Path):
    (issued / RECORD).write_text("{ hỏng", encoding="utf-8")
    result = run(issued, "check")
    assert result.exit_code == 1
    assert f"{RECORD}:1:1: E602: hồ sơ ban hành không đọc được" in result.output


def test_removing_the_record_in_a_commit_is_the_other_way_out(issued: Path):
    (issued / RECORD).unlink()
    edit_text(issued / INDEX, "status: issued", "status: draft")
    edit_text(issued / SECTION, "14 Hội đồng", "15 Hội đồng")
    result = run(issued, "check")
    assert result.exit_code == 0, result.output


# --------------------------------------------------------------------------------------------
# Re-issue: recorded, with a reason, history kept


def test_reissue_needs_a_reason_and_keeps_the_history(issued: Path):
    first = json.loads((issued / RECORD).read_text(encoding="utf-8"))
    edit_text(issued / SECTION, "14 Hội đồng", "15 Hội đồng")
    before = (issued / INDEX).read_text(encoding="utf-8")
    no_reason = run(issued, "issue", "2023-09", "--reissue")
    assert no_reason.exit_code == 1
    assert "Lỗi: ban hành lại cần ghi lý do: --reason \"…\"" in no_reason.output
    assert (issued / INDEX).read_text(encoding="utf-8") == before
    assert json.loads((issued / RECORD).read_text(encoding="utf-8")) == first
    blank = run(issued, "issue", "2023-09", "--reissue", "--reason", "  ")
    assert blank.exit_code == 1
    reason = "Đính chính số Hội đồng theo Công văn 1200/KHCN-VP"
    ok = run(issued, "issue", "2023-09", "--reissue", "--reason", reason)
    assert ok.exit_code == 0, ok.output
    assert run(issued, "check").exit_code == 0
    second = json.loads((issued / RECORD).read_text(encoding="utf-8"))
    assert second["fingerprint"] != first["fingerprint"]
    assert len(second["history"]) == 1
    old = second["history"][0]
    assert (old["number"], old["date"], old["fingerprint"], old["documents"]) == \
        (1234, "2023-09-28", first["fingerprint"], first["documents"])
    assert old["reason"] == reason
    # A reason without --reissue is a usage error.
    assert run(issued, "issue", "2023-09", "--reason", "x").exit_code == 2


def test_the_record_holds_the_issued_documents_digests(issued: Path, tmp_path: Path):
    record = json.loads((issued / RECORD).read_text(encoding="utf-8"))
    for fmt in ("docx", "pdf"):
        out = tmp_path / f"x.{fmt}"
        result = run(issued, fmt, "2023-09", "-o", str(out))
        assert result.exit_code == 0, result.output
        assert record["documents"][fmt] == "sha256:" + hashlib.sha256(out.read_bytes()).hexdigest()


# --------------------------------------------------------------------------------------------
# A template change that alters an issued document is announced


def test_a_template_change_to_an_issued_document_is_a_build_warning(repo_copy: Path):
    templates = repo_copy / "templates"
    templates.unlink()
    shutil.copytree(ROOT / "templates", templates)
    shutil.copy(ROOT / "mkdocs.yml", repo_copy / "mkdocs.yml")
    issue(repo_copy)
    first = run(repo_copy, "build")
    assert first.exit_code == 0, first.output
    assert "W602" not in first.output
    # A spacing value of the PDF's typst template: the DOCX does not change, the PDF does.
    edit_text(templates / "typst/report.typ", "spacing: before + extra,",
              "spacing: before + extra + 2pt,")
    second = run(repo_copy, "build")
    assert second.exit_code == 0, second.output
    record_line = line_of(repo_copy / RECORD, '"pdf":')
    expected = (f"{RECORD}:{record_line}:1: W602: {WHO}: tệp PDF của bản dựng này khác tệp đã "
                "ban hành, dù nội dung không đổi (mẫu trong templates/ hoặc công cụ đã thay "
                "đổi); hãy xem lại trước khi đăng; nếu chấp nhận, ghi lại: baocao issue 2023-09 "
                "--reissue --reason \"…\"")
    lines = second.output.splitlines()
    assert expected in lines, second.output
    assert not any("W602" in line and "DOCX" in line for line in lines)
    assert "Cảnh báo: 1 báo cáo đã ban hành có văn bản khác bản đã ban hành (W602)." in lines
    site_pdf = repo_copy / "site/2023/09/bao-cao-2023-09.pdf"
    digest = "sha256:" + hashlib.sha256(site_pdf.read_bytes()).hexdigest()
    assert digest != json.loads((repo_copy / RECORD).read_text(encoding="utf-8"))["documents"]["pdf"]
    # Recording the change (a re-issue with its reason) ends the warning.
    ok = run(repo_copy, "issue", "2023-09", "--reissue", "--reason", "Giãn đoạn theo mẫu mới")
    assert ok.exit_code == 0, ok.output
    third = run(repo_copy, "build", "--force")
    assert third.exit_code == 0 and "W602" not in third.output, third.output


# --------------------------------------------------------------------------------------------
# What the fingerprint covers: every change the official documents see


def _mutations(value: object) -> list[object]:
    """Other values of the same kind (empty when the kind is not one to vary)."""
    from dataclasses import fields, is_dataclass, replace
    from datetime import date, timedelta

    from baocao.model import TypedDate

    if isinstance(value, bool):
        return [not value]
    if isinstance(value, int):
        return [value + 1]
    if isinstance(value, str):
        return [value + " x", value[:-1]] if value else ["x"]
    if isinstance(value, date):
        return [value + timedelta(days=1), value - timedelta(days=40)]
    if isinstance(value, TypedDate):
        return [TypedDate(value.value + timedelta(days=1), value.text),
                TypedDate(value.value, value.text + " ")]
    if isinstance(value, tuple | list) and len(value) > 1:
        return [type(value)(reversed(value)), type(value)(value[:-1])]
    if is_dataclass(value) and not isinstance(value, type):
        return [replace(value, **{f.name: m})  # type: ignore[misc]
                for f in fields(value) for m in _mutations(getattr(value, f.name))]
    return []


def test_every_change_the_documents_see_changes_the_fingerprint(shipped_repo):
    """The fingerprint is of the facts the official input is rendered from (so that a renderer
    change is a W602 warning, not a content error): this checks that those facts are all of
    them. Every field of the report, its front matter, its sections, its agency and each task of
    the register is varied, one at a time, and the register reordered: whenever the official
    input (exactly what the DOCX and PDF are built from) changes, the fingerprint changes."""
    from dataclasses import replace

    from baocao.lock import fingerprint
    from baocao.model import TypedDate
    from baocao.render.official import render_official_input

    base = shipped_repo.report("2023-09")
    meta = base.meta.model_copy(update={
        "status": "issued", "number": 1234, "date": TypedDate(base.cutoff.replace(day=28),
                                                             "28/9/2023")})
    report = replace(base, meta=meta)
    repo = replace(shipped_repo, reports=(report,))

    def variant_repos():
        for name in type(meta).model_fields:
            value = getattr(meta, name)
            values = [value.model_copy(update={k: m}) for k in type(value).model_fields
                      for m in _mutations(getattr(value, k))] if hasattr(value, "model_copy") \
                else [v.model_copy() if hasattr(v, "model_copy") else v for v in _mutations(value)]
            if isinstance(value, list) and value and hasattr(value[0], "model_copy"):
                values += [[*value[:i], value[i].model_copy(update={k: m}), *value[i + 1:]]
                           for i in range(len(value)) for k in type(value[i]).model_fields
                           for m in _mutations(getattr(value[i], k))]
            for v in values:
                yield f"meta.{name}", replace(report, meta=meta.model_copy(update={name: v}))
        for name in ("period_start", "organization", "key", "year", "month"):
            for v in _mutations(getattr(report, name)):
                yield name, replace(report, **{name: v})
        for i, section in enumerate(report.sections):
            for v in _mutations(section):
                sections = (*report.sections[:i], v, *report.sections[i + 1:])
                yield f"section {section.src.path}", replace(report, sections=sections)

    original = render_official_input(repo, report)
    original_fp = fingerprint(repo, report)
    tried = 0
    missed = []

    def compare(what, new_repo, new_report):
        nonlocal tried
        try:
            source = render_official_input(new_repo, new_report)
        except Exception:  # noqa: BLE001 - a value the loader would refuse: not issuable
            return
        if source == original:
            return
        tried += 1
        if fingerprint(new_repo, new_report) == original_fp:
            missed.append(what)

    for what, variant in variant_repos():
        compare(what, replace(repo, reports=(variant,)), variant)
    tasks = repo.tasks
    for i, task in enumerate(tasks):
        for v in _mutations(task):
            compare(f"task {task.id}", replace(repo, tasks=(*tasks[:i], v, *tasks[i + 1:])),
                    report)
        if i + 1 < len(tasks):  # each pair of neighbours exchanged: the register order
            swapped = (*tasks[:i], tasks[i + 1], task, *tasks[i + 2:])
            compare(f"order {task.id}", replace(repo, tasks=swapped), report)
    assert not missed, missed
    assert tried > 250, tried
    print(tried)  # the variations did reach the documents
