"""Appendices as data (issue 16, point 3) and the status vocabulary, on real outputs.

The fixture repository tests/fixtures/appendices/ (May 2025) has two appendices of different
declarations: Phụ lục I lists the tasks due in the period, grouped by topic, numbered straight
through, with the unit, the status in the department's words and the latest progress note;
Phụ lục II is an explicit list, ungrouped, with the required result, Tiến độ and notes and no
"Kèm theo" line. The tests read the Markdown, the DOCX (python-docx), the PDF (pypdf) and the
site's HTML.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, ROOT, build_kept_tree
from docx import Document
from lxml import html as lxml_html
from pypdf import PdfReader

from baocao.cli import cli
from baocao.deadlines import parse_deadline
from baocao.directives import Status, TaskRow
from baocao.lock import fingerprint
from baocao.model import DEFAULT_APPENDIX, Adjustment, Extension
from baocao.render.facts import TABLE_COLUMNS, TABLE_WIDTHS, compute_facts, task_cell
from baocao.render.report_md import render_report_markdown
from baocao.repo import load_checked

KEY = "2025-05"
DUE_TITLE = "DANH MỤC NHIỆM VỤ UBND TỈNH GIAO ĐẾN HẠN TRONG THÁNG 5/2025"
LIST_TITLE = "NHIỆM VỤ TRỌNG TÂM THEO DÕI RIÊNG"
HEADERS_I = ["TT", "Số/Ký hiệu VBCĐ", "Nội dung công việc", "Đơn vị chủ trì", "Thời hạn",
             "Ngày hoàn thành", "Tình trạng", "Kết quả hiện nay"]
HEADERS_II = ["TT", "Số/Ký hiệu VBCĐ", "Nội dung công việc", "Kết quả yêu cầu", "Thời hạn",
              "Tiến độ", "Ghi chú"]
#: Phụ lục I: the ten tasks due 1–31/5/2025, topic I then topic II, in register order.
DUE_IDS_I = ["2025-512-UBND-KTN", "2025-87-QĐ-UBND", "2025-702-UBND-KTN", "2025-815-UBND-KTN",
             "2025-920-UBND-KTN"]
DUE_IDS_II = ["2025-1021-UBND-KTN", "2025-233-UBND-KTN", "2025-1102-UBND-KTN",
              "2025-1150-UBND-KTN", "2025-1201-UBND-KTN"]
LATEST_NOTE = "Đã tổ chức 03 hội đồng tư vấn xác định nhiệm vụ; đang hoàn thiện danh mục."
LATER_NOTE = "Ghi chú sau ngày chốt"


def norm(text: str) -> str:
    return " ".join(text.split())


def make_appendix_repo(dest: Path) -> Path:
    shutil.copytree(FIXTURES / "appendices", dest)
    (dest / "templates").symlink_to(ROOT / "templates")
    return dest


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    root = make_appendix_repo(tmp_path_factory.mktemp("appendices") / "repo")
    repo, problems = load_checked(root)
    return root, repo, repo.report(KEY)


@pytest.fixture(scope="module")
def docx_path(loaded, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("docx") / "bc.docx"
    _document(loaded[0], "docx", out)
    return out


def _document(root: Path, kind: str, out: Path) -> None:
    result = CliRunner().invoke(cli, ["--repo", str(root), kind, KEY, "-o", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def pdf(loaded, tmp_path_factory) -> PdfReader:
    out = tmp_path_factory.mktemp("pdf") / "bc.pdf"
    _document(loaded[0], "pdf", out)
    return PdfReader(out)


# --------------------------------------------------------------------------------------------
# The default declaration is today's appendix


def test_default_declaration_is_the_seven_columns_with_todays_widths():
    assert TABLE_COLUMNS == ("TT", "Số/Ký hiệu VBCĐ", "Nội dung công việc", "Thời hạn",
                             "Ngày hoàn thành", "Tiến độ", "Kết quả xử lý")
    assert TABLE_WIDTHS == (4, 17, 32, 10, 10, 12, 15)
    assert DEFAULT_APPENDIX.group == "status" and DEFAULT_APPENDIX.numbering == "per_group"
    assert DEFAULT_APPENDIX.select == "period" and DEFAULT_APPENDIX.kem_theo


def test_shipped_report_has_one_appendix_titled_phu_luc(shipped_repo):
    facts = compute_facts(shipped_repo, shipped_repo.report("2023-09"))
    assert [a.heading for a in facts.appendices] == ["Phụ lục"]
    assert facts.appendices[0].table == facts.table


# --------------------------------------------------------------------------------------------
# The report Markdown


def test_markdown_has_both_appendices(loaded):
    _, repo, report = loaded
    text = render_report_markdown(repo, report)
    first, second = text.split("## Phụ lục I\n")[1].split("## Phụ lục II\n")
    assert DUE_TITLE in first and LIST_TITLE in second
    assert "(Kèm theo Báo cáo số" in first and "Kèm theo" not in second  # kem_theo: false
    assert "| " + " | ".join(HEADERS_I) + " |" in first
    assert "| " + " | ".join(HEADERS_II) + " |" in second
    # Numbered straight through across the two topic groups: TT 1..10.
    numbers = [line.split("|")[1].strip() for line in first.splitlines()
               if re.match(r"\| \d+ \|", line)]
    assert numbers == [str(i) for i in range(1, 11)]
    assert LATEST_NOTE in first and LATER_NOTE not in text


# --------------------------------------------------------------------------------------------
# The DOCX


def _appendix_tables(doc):
    return [t for t in doc.tables if t.style is not None and t.style.name == "Table"]


def test_docx_two_appendices_with_their_headings_and_columns(docx_path: Path):
    doc = Document(str(docx_path))
    headings = [p.text for p in doc.paragraphs if p.style.name == "PhuLucTieuDe"]
    assert headings == ["Phụ lục I", "Phụ lục II"]
    names = [p.text for p in doc.paragraphs if p.style.name == "PhuLucTen"]
    assert names == [DUE_TITLE, LIST_TITLE]
    assert len([p for p in doc.paragraphs if p.style.name == "KemTheo"]) == 1
    first, second = _appendix_tables(doc)
    assert [norm(c.text) for c in first.rows[0].cells] == HEADERS_I
    assert [norm(c.text) for c in second.rows[0].cells] == HEADERS_II
    # I: header + 2 topic rows + 10 tasks; II: header + 3 listed tasks, in the list's order.
    assert len(first.rows) == 13 and len(second.rows) == 4
    assert [norm(r.cells[1].text).split(" Ngày")[0] for r in second.rows[1:]] == [
        "45/KH-UBND", "233/UBND-KTN", "611/UBND-KGVX"]
    rows = {norm(r.cells[1].text).split(" Ngày")[0]: [norm(c.text) for c in r.cells]
            for r in first.rows[1:]}
    assert rows["87/QĐ-UBND"][6:] == ["Đang thực hiện", LATEST_NOTE]  # vocabulary, progress
    assert rows["233/UBND-KTN"][5:7] == ["20/5/2025", "Hoàn thành"]  # late, printed "Hoàn thành"
    assert rows["233/UBND-KTN"][3] == "Chi cục Tiêu chuẩn Đo lường Chất lượng"


def test_docx_each_appendix_is_a_landscape_section_numbered_from_1(docx_path: Path):
    doc = Document(str(docx_path))
    sections = doc.sections
    assert len(sections) == 3
    for section in sections[1:]:
        assert section.page_width > section.page_height  # landscape
        sect_pr = section._sectPr
        ns = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
        start = sect_pr.find("w:pgNumType", ns)
        assert start is not None and start.get(f"{{{ns['w']}}}start") == "1"
        assert sect_pr.find("w:titlePg", ns) is not None  # its first page shows no number
    # The second appendix begins in the section that follows the first one's break.
    body = doc.element.body
    breaks = [p for p in body.iter(f"{{{ns['w']}}}sectPr")]
    assert len(breaks) == 3


# --------------------------------------------------------------------------------------------
# The PDF


def _starts(reader: PdfReader) -> dict[str, int]:
    out = {}
    for i, page in enumerate(reader.pages):
        first = norm(page.extract_text()).split(" ")
        for heading in ("Phụ lục I", "Phụ lục II"):
            if " ".join(first[:3]) == heading and first[3:4] != ["I"]:
                out[heading] = i
    return out


def test_pdf_each_appendix_starts_a_page_with_its_own_numbering(pdf: PdfReader):
    starts = _starts(pdf)
    one, two = starts["Phụ lục I"], starts["Phụ lục II"]
    assert 0 < one < two
    for i in range(one, len(pdf.pages)):
        box = pdf.pages[i].mediabox
        assert float(box.width) > float(box.height)
    # Phụ lục I spans pages numbered (none), 2, 3; Phụ lục II starts again without a number.
    for k, i in enumerate(range(one + 1, two), 2):
        assert norm(pdf.pages[i].extract_text()).startswith(f"{k} "), i
    assert norm(pdf.pages[two].extract_text()).startswith("Phụ lục II " + LIST_TITLE)


def test_pdf_tables_show_the_declared_columns_and_facts(pdf: PdfReader):
    starts = _starts(pdf)
    first = norm(" ".join(p.extract_text() for p in pdf.pages[starts["Phụ lục I"]:
                                                               starts["Phụ lục II"]]))
    second = norm(pdf.pages[starts["Phụ lục II"]].extract_text())
    assert "Kết quả hiện nay" in first and "Đơn vị chủ trì" in first
    assert "Kết quả yêu cầu" in second and "Ghi chú" in second and "Kèm theo" not in second
    assert "LĨNH VỰC QUẢN LÝ KHOA HỌC" in first
    assert LATEST_NOTE.split(";")[0] in first and LATER_NOTE not in first
    assert "Chậm do mở rộng phạm vi kiểm tra" in second


# --------------------------------------------------------------------------------------------
# The site


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_kept_tree(tmp_path_factory.mktemp("appendix-site"), make_appendix_repo)


def test_site_report_page_shows_both_appendices(site):
    page = lxml_html.fromstring((site.site / "2025/05/index.html").read_text(encoding="utf-8"))
    headings = [norm(h.text_content()).rstrip("¶") for h in page.iter("h2")]
    assert "Phụ lục I" in headings and "Phụ lục II" in headings
    blocks = page.find_class("bc-appendix")
    assert len(blocks) == 2
    first, second = blocks
    heads = [norm(th.text_content()) for th in first.find_class("bc-tasks")[0].iter("th")
             if th.get("scope") == "col"]
    # Tình trạng becomes the coloured chip, last.
    assert heads == [h for h in HEADERS_I if h != "Tình trạng"] + ["Tình trạng"]
    assert len(first.find_class("bc-task")) == 10 and len(second.find_class("bc-task")) == 3
    assert [norm(g.text_content()) for g in first.iter("th") if g.get("scope") == "rowgroup"] \
        == ["I. LĨNH VỰC QUẢN LÝ KHOA HỌC",
            "II. LĨNH VỰC QUẢN LÝ CÔNG NGHỆ, TIÊU CHUẨN ĐO LƯỜNG CHẤT LƯỢNG"]
    chips = {norm(c.text_content()) for row in first.find_class("bc-task")
             for c in row.find_class("bc-chip")}
    assert chips == {"Hoàn thành", "Đang thực hiện"}  # the department's words (status_labels)
    legend = [norm(c.text_content()) for c in first.find_class("bc-legend")[0].iter("li")]
    # A shared label names each colour with the engine's status as well.
    assert "Hoàn thành (hoàn thành quá hạn)" in legend and "Chưa thực hiện" in legend
    assert LATEST_NOTE in norm(first.text_content())
    assert second.find_class("bc-appendix__note") == []  # kem_theo: false


# --------------------------------------------------------------------------------------------
# Cells of the new facts (the task-facts part fills them from directives.yaml)


def _row(loaded, task_id: str, **changes) -> TaskRow:
    _, repo, report = loaded
    task = replace(repo.task(task_id), **changes)
    status = changes.pop("_status", None)
    return TaskRow(task, status or Status.IN_PROGRESS, task.deadline, "Chưa đến hạn")


def test_deadline_cell_says_adjustment_and_extension_differently(loaded):
    cutoff = date(2025, 5, 31)
    adjusted = _row(loaded, "2025-45-KH-UBND", adjustments=(
        Adjustment(parse_deadline("30/4/2025"), date(2025, 3, 15), "1021/UBND-KTN"),))
    assert task_cell("thoi_han", 1, adjusted, cutoff, {}) == (
        "30/4/2025 (điều chỉnh theo Văn bản số 1021/UBND-KTN ngày 15/3/2025, hạn cũ Quý III/2025)")
    undocumented = _row(loaded, "2025-45-KH-UBND", adjustments=(
        Adjustment(parse_deadline("30/4/2025"), date(2025, 3, 15), None),))
    assert task_cell("thoi_han", 1, undocumented, cutoff, {}) == (
        "30/4/2025 (điều chỉnh ngày 15/3/2025, hạn cũ Quý III/2025)")
    # A change dated after the cut-off is not in force yet.
    assert task_cell("thoi_han", 1, undocumented, date(2025, 3, 14), {}) == "Quý III/2025"
    task = replace(_row(loaded, "2025-45-KH-UBND").task, extensions=(
        Extension(parse_deadline("30/9/2025"), date(2025, 5, 20), "2301/UBND-KTN"),))
    extended = TaskRow(task, Status.IN_PROGRESS, task.extensions[0].deadline, "Chưa đến hạn")
    assert task_cell("thoi_han", 1, extended, cutoff, {}) == "30/9/2025 (gia hạn, hạn cũ Quý III/2025)"


def test_completion_cell_of_a_task_done_by_a_date_is_never_a_made_up_date(loaded):
    row = _row(loaded, "2025-45-KH-UBND", completed_by=date(2025, 5, 30),
               completed_by_text="30/5/2025")
    row = replace(row, status=Status.DONE_UNDATED)
    assert task_cell("ngay_hoan_thanh", 1, row, date(2025, 5, 31), {}) == "Hoàn thành"
    assert task_cell("tinh_trang", 1, row, date(2025, 5, 31), {}) == "Hoàn thành (không rõ ngày)"
    labels = {"hoan-thanh-khong-ro-ngay": "Đã xong"}
    assert task_cell("tinh_trang", 1, row, date(2025, 5, 31), labels) == "Đã xong"


# --------------------------------------------------------------------------------------------
# The issued record covers a declaration


def test_fingerprint_changes_with_the_declaration(loaded):
    _, repo, report = loaded
    section = report.appendices[1]
    narrower = replace(section.appendix, columns=section.appendix.columns[:-1])
    sections = tuple(replace(s, appendix=narrower) if s is section else s
                     for s in report.sections)
    other = replace(report, sections=sections)
    assert fingerprint(repo, other) != fingerprint(repo, report)


# --------------------------------------------------------------------------------------------
# Declared column widths (a percent of the table's width)


def _col(key: str, width: int | None = None):
    from baocao.model import APPENDIX_COLUMNS, AppendixColumn

    title, default = APPENDIX_COLUMNS[key]
    return AppendixColumn(key, title, default if width is None else width,
                          declared=width is not None)


def test_declared_widths_are_kept_and_the_rest_share_what_is_left():
    from baocao.render.facts import scaled_widths

    # No width declared: as before (the text columns stretch, the short ones keep theirs).
    plain = (_col("tt"), _col("van_ban"), _col("noi_dung"), _col("thoi_han"), _col("ket_qua"))
    assert scaled_widths(plain) == (4, 22.8, 43.0, 10, 20.2)  # 86/64 of 17, 32, 15
    # Declared: kept as written; TT (undeclared) takes the 4 % left.
    declared = (_col("tt"), _col("van_ban", 16), _col("noi_dung", 40), _col("thoi_han", 12),
                _col("ket_qua", 28))
    assert scaled_widths(declared) == (4, 16, 40, 12, 28)
    # Two undeclared columns share 30 %: the short one keeps its 10, the text one the rest.
    mixed = (_col("tt", 5), _col("noi_dung", 65), _col("thoi_han"), _col("ket_qua"))
    assert scaled_widths(mixed) == (5, 65, 10, 20.0)
    # Every column declared, summing to 80: kept in proportion, scaled to 100.
    every = (_col("tt", 4), _col("noi_dung", 40), _col("ket_qua", 36))
    assert scaled_widths(every) == (5.0, 50.0, 45.0)


def test_fingerprint_covers_a_declared_width_only(loaded):
    _, repo, report = loaded
    section = report.appendices[0]
    before = fingerprint(repo, report)

    def with_columns(columns):
        spec = replace(section.appendix, columns=columns)
        return replace(report, sections=tuple(replace(s, appendix=spec) if s is section else s
                                              for s in report.sections))

    columns = section.appendix.columns
    # The same columns with their defaults written out as "declared": a different document.
    widened = tuple(replace(c, width=c.width + 1, declared=True) if c.key == "noi_dung" else c
                    for c in columns)
    assert fingerprint(repo, with_columns(widened)) != before
    assert fingerprint(repo, with_columns(columns)) == before
