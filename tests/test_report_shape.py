"""Issue 16, the report's own shape: "Kính gửi:" (R25), opening text (before Phần I and directly
under a Phần), the signature forms of Nghị định 30 (TM., KT., TL., TUQ., Q., the title alone; one
or two authority lines) and "- Như trên;" in Nơi nhận, in every output, read back from the real
files: the DOCX (python-docx and its XML), the PDF text and positions, the assembled Markdown,
the site's HTML and its search records.

The test repository is tests/fixtures/shape (a May 2025 report sent to UBND tỉnh, laid out in
three Phần); signature and Kính gửi variants are made from it by editing its index.md. The
Nghị định 30 DOCX conformance tests that apply to any report are run on its DOCX at the end of
this module; the PDF suite (tests/test_pdf.py) runs on it as its sample "shape".
"""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, ROOT
from docx import Document
from ooxml import ooxml_errors
from pypdf import PdfReader
from test_docx_nd30 import (  # noqa: F401 - the rules that apply to any report, run on ours
    TNR,
    AppendixExpect,
    Docx,
    Para,
    ReportExpect,
    _all_runs,
    on,
    q,
    test_R1_paper_a4,
    test_R2_body_portrait_appendix_landscape,
    test_R3_margins,
    test_R4_single_sided,
    test_R5_landscape_margins,
    test_R8_size_set,
    test_R9_quoc_hieu,
    test_R10_tieu_ngu_and_rule,
    test_R11_quoc_hieu_tieu_ngu_single_spacing,
    test_R12_co_quan_chu_quan,
    test_R13_co_quan_and_rule,
    test_R14_header_lines_fit_and_positions,
    test_R15_header_table_borderless_fixed,
    test_R16_so_ky_hieu,
    test_R17_so_position,
    test_R18_ky_hieu_bc,
    test_R20_date_format,
    test_R21_date_style_and_row,
    test_R22_ten_loai,
    test_R27_body_ends_with_terminator,
    test_R30_heading_numbering,
    test_R32_headings_have_titles,
    test_R33_heading_styles,
    test_R34_page_numbers,
    test_R35_appendix_page_numbering,
    test_R36_quyen_han,
    test_R37_signer_title_style,
    test_R39_signature_space,
    test_R40_signature_table,
    test_R41_noi_nhan_label,
    test_R43_luu_line,
    test_R45_body_mentions_appendix,
    test_R46_appendix_heading,
    text_width,
)
from test_pdf import page_runs

from baocao.load import load_repository
from baocao.render.official import render_official_input
from baocao.render.report_md import render_report_markdown
from baocao.render.site import SiteContext, render_site
from baocao.write.docx import write_docx
from baocao.write.pdf import write_pdf
from baocao.write.search_records import report_records

TEMPLATES = ROOT / "templates"
SHAPE = FIXTURES / "shape"
KEY = "2025-05"
EPOCH = 1761868800
OPENING = "Thực hiện Quyết định số 50/2024/QĐ-UBND ngày 31/12/2024"
PART_OPENING = "Tháng 6/2025, Sở Khoa học và Công nghệ tập trung thực hiện các nhiệm vụ trọng tâm sau:"
ADDRESSEES = ["- Ủy ban nhân dân tỉnh Bắc Giang;", "- Bộ Khoa học và Công nghệ."]
TEXT_W = 11906 - 1701 - 850  # portrait text width (twips)


def make_variant(dest: Path, *, signer: str | None = None, addressees: str | None = None,
                 issued: bool = False) -> Path:
    """A copy of the test repository with its signer / addressees lines replaced (YAML text)."""
    shutil.copytree(SHAPE, dest)
    index = dest / "content/2025/05/index.md"
    text = index.read_text(encoding="utf-8")
    if signer is not None:
        text = re.sub(r"signer:\n(  .*\n)+", "signer:\n" + signer + '  name: "Nguyễn Thị Thu Hà"\n',
                      text)
    if addressees is not None:
        text = re.sub(r"addressees:\n(  - .*\n)+", addressees, text)
    if issued:
        text = (text.replace("status: draft", "status: issued").replace("number:\n", "number: 125\n")
                .replace("date:\n", "date: 2025-05-16\n"))
    index.write_text(text, encoding="utf-8")
    return dest


def official_input(root: Path) -> str:
    repo, problems = load_repository(root)
    assert not problems.errors, [p.format() for p in problems.errors]
    report = repo.report(KEY)
    assert report is not None
    return render_official_input(repo, report)


def build_docx(root: Path, out: Path) -> Docx:
    write_docx(official_input(root), out, templates=TEMPLATES)
    assert ooxml_errors(out) == []  # every variant passes the OOXML schema validation
    return Docx(out)


def build_pdf(root: Path, out: Path) -> PdfReader:
    write_pdf(official_input(root), out, templates=TEMPLATES, epoch=EPOCH)
    return PdfReader(out)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


# --------------------------------------------------------------------------------------------
# fixtures: the DOCX and PDF of the test repository, built once


@pytest.fixture(scope="module")
def case() -> ReportExpect:
    """What the Nghị định 30 rules imported above expect of the test repository's report: the
    deputy signs for the director (KT.), one appendix ("Phụ lục"). The fields no imported rule
    reads are left as the fixture has them or empty."""
    return ReportExpect(
        id="shape", signer=("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"), name="Nguyễn Thị Thu Hà",
        noi_nhan=1 + 5, diem=(), kem_theo_month="tháng 5 năm 2025",
        kem_theo_issued="",  # R47 is not among the imported rules
        appendices=(AppendixExpect(heading="Phụ lục"),), needles=(),
        kinh_gui=None,  # two addressees: Kính gửi is tested below (R25)
    )


@pytest.fixture(scope="module")
def doc(tmp_path_factory: pytest.TempPathFactory) -> Docx:
    return build_docx(SHAPE, tmp_path_factory.mktemp("shape") / "shape.docx")


@pytest.fixture(scope="module")
def final_doc(tmp_path_factory: pytest.TempPathFactory) -> Docx:
    tmp = tmp_path_factory.mktemp("final")
    return build_docx(make_variant(tmp / "repo", issued=True), tmp / "final.docx")


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> PdfReader:
    return build_pdf(SHAPE, tmp_path_factory.mktemp("pdf") / "shape.pdf")


def body_texts(doc: Docx) -> list[tuple[str, str]]:
    """(style, text) of every top-level paragraph from the trích yếu to the signature table."""
    children = list(doc.body)
    start = children.index(doc.one("TrichYeu").el)
    end = children.index(doc.signature_table)
    return [(Para(c, doc).style, Para(c, doc).text) for c in children[start:end]
            if c.tag == q("w:p") and Para(c, doc).text]


# --------------------------------------------------------------------------------------------
# Kính gửi (R25) and the opening text


def test_docx_kinh_gui_several_addressees_dashes_under_the_colon(doc: Docx) -> None:
    texts = body_texts(doc)
    assert [t for _, t in texts[:5]] == [
        "Kết quả thực hiện nhiệm vụ tháng 5, phương hướng nhiệm vụ tháng 6 năm 2025",
        "Kính gửi:", *ADDRESSEES, texts[4][1]]
    assert texts[4][1].startswith(OPENING)  # the opening follows Kính gửi, before Phần I
    assert texts[5][0] == "Heading1" and texts[5][1].startswith("Phần I\n")
    paras = {p.text: p for p in doc.paragraphs() if p.text in ("Kính gửi:", *ADDRESSEES)}
    label = paras["Kính gửi:"]
    for p in paras.values():  # chữ in thường, cỡ 13-14, đứng, không đậm (R25)
        assert p.size() in (13, 14) and not p.flag("w:b") and not p.flag("w:i")
    dash_at = {t: paras[t].indent("left") - paras[t].indent("hanging") for t in ADDRESSEES}
    assert len(set(dash_at.values())) == 1  # the dashes stand in one column ...
    colon = label.indent("left") + text_width("Kính gửi", 14)
    assert abs(dash_at[ADDRESSEES[0]] - colon) <= 20  # ... under the colon of "Kính gửi:"
    block = text_width("Kính gửi", 14) + max(text_width(t, 14) for t in ADDRESSEES)
    assert abs(label.indent("left") - (TEXT_W - block) / 2) <= 60  # the block is centred


def test_docx_opening_under_a_part_comes_before_its_first_item(doc: Docx) -> None:
    texts = [t for _, t in body_texts(doc)]
    i = texts.index("Phần II\nPHƯƠNG HƯỚNG, NHIỆM VỤ TRỌNG TÂM THÁNG 6/2025")
    assert texts[i + 1] == PART_OPENING
    assert texts[i + 2] == "1. Quản lý khoa học"
    styles = {text: style for style, text in body_texts(doc)}
    assert styles[PART_OPENING] in ("BodyText", "FirstParagraph")  # body text, no heading


def test_docx_nhu_tren_opens_noi_nhan(doc: Docx) -> None:
    items = [p.text for p in doc.by_style("NoiNhan")]
    assert items[0] == "- Như trên;" and items[1] == "- Văn phòng UBND tỉnh;"
    assert items.count("- Như trên;") == 1 and items[-1] == "- Lưu: VT, VP."


def test_docx_one_addressee_on_the_line_of_kinh_gui(tmp_path: Path) -> None:
    root = make_variant(tmp_path / "repo", addressees='addressees: ["Ủy ban nhân dân tỉnh Bắc Giang."]\n')
    doc = build_docx(root, tmp_path / "one.docx")
    texts = [t for _, t in body_texts(doc)]
    assert texts[1] == "Kính gửi: Ủy ban nhân dân tỉnh Bắc Giang"  # the typed "." is not printed
    p = next(p for p in doc.paragraphs() if p.text == texts[1])
    assert p.jc == "center" and not p.flag("w:b") and p.size() in (13, 14)


def test_pdf_kinh_gui_and_openings(pdf: PdfReader) -> None:
    page1 = flat(pdf.pages[0].extract_text())
    assert "Kính gửi: - Ủy ban nhân dân tỉnh Bắc Giang; - Bộ Khoa học và Công nghệ. " + OPENING \
        in page1
    assert page1.index("năm 2025 Kính gửi:") < page1.index(OPENING) < page1.index("Phần I")
    runs = page_runs(pdf, 0)
    label = next(r for r in runs if r.text.startswith("Kính gửi"))
    dashes = [r for r in runs if r.text.startswith("- ") and ("Ủy ban" in r.text or "Bộ Khoa" in r.text)]
    assert len(dashes) == 2 and dashes[0].x == pytest.approx(dashes[1].x, abs=0.1)
    colon_x = label.x + text_width("Kính gửi", 14) / 20  # twips -> pt
    assert dashes[0].x == pytest.approx(colon_x, abs=1.0)
    assert label.font == "LiberationSerif" and label.size == pytest.approx(14)  # upright, not bold
    text = flat(" ".join(p.extract_text() for p in pdf.pages))
    part2 = text.index("PHƯƠNG HƯỚNG, NHIỆM VỤ TRỌNG TÂM THÁNG 6/2025")
    assert text.index(PART_OPENING) > part2 and text.index("1. Quản lý khoa học") > text.index(
        PART_OPENING)
    assert "Nơi nhận: KT. GIÁM ĐỐC" in text or "Nơi nhận:" in text
    assert "- Như trên; - Văn phòng UBND tỉnh;" in text


def test_markdown_shape() -> None:
    repo, _ = load_repository(SHAPE)
    report = repo.report(KEY)
    assert report is not None
    md = render_report_markdown(repo, report)
    head = md.index("**Kết quả thực hiện nhiệm vụ tháng 5")
    assert md.index("Kính gửi:\n\n- Ủy ban nhân dân tỉnh Bắc Giang;\n- Bộ Khoa học và Công nghệ.") > head
    assert md.index("Kính gửi:") < md.index(OPENING) < md.index("## Phần I ")
    assert md.index("## Phần II ") < md.index(PART_OPENING) < md.index("#### 1. Quản lý khoa học")
    assert "**Nơi nhận:**\n\n- Như trên;\n- Văn phòng UBND tỉnh;" in md
    assert "**KT. GIÁM ĐỐC**  \n**PHÓ GIÁM ĐỐC**\n\n**Nguyễn Thị Thu Hà**" in md


# --------------------------------------------------------------------------------------------
# Signature forms (R36-R38)

SIGNATURES = {
    "tm-kt": ('  authority: ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"]\n  position: "PHÓ CHỦ TỊCH"\n',
              ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]),
    "q": ('  authority: "Q. GIÁM ĐỐC"\n', ["Q. GIÁM ĐỐC"]),
    "title-alone": ('  authority: ""\n  position: "GIÁM ĐỐC"\n', ["GIÁM ĐỐC"]),
    "tl": ('  authority: "TL. GIÁM ĐỐC"\n  position: "CHÁNH VĂN PHÒNG"\n',
           ["TL. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG"]),
    "tuq": ('  authority: "TUQ. GIÁM ĐỐC"\n  position: "TRƯỞNG PHÒNG QUẢN LÝ KHOA HỌC"\n',
            ["TUQ. GIÁM ĐỐC", "TRƯỞNG PHÒNG QUẢN LÝ KHOA HỌC"]),
}


@pytest.mark.parametrize("form", list(SIGNATURES))
def test_signature_forms_in_docx_markdown_and_site_page(form: str, tmp_path: Path) -> None:
    yaml_lines, lines = SIGNATURES[form]
    root = make_variant(tmp_path / "repo", signer=yaml_lines)
    doc = build_docx(root, tmp_path / "sig.docx")
    cell = [p for p in doc.paragraphs(doc.cell(doc.signature_table, 0, 1)) if p.text]
    assert [p.text for p in cell] == [*lines, "Nguyễn Thị Thu Hà"]
    for p in cell[:-1]:  # quyền hạn and chức vụ: in hoa, đậm, đứng, canh giữa (R37)
        assert p.style == "ChucVu" and p.flag("w:b") and not p.flag("w:i") and p.jc == "center"
    # the first line shares the row of "Nơi nhận:" (R41), whatever the form
    assert cell[0].spacing("before") == doc.one("NoiNhanTieuDe").spacing("before")
    python_docx = Document(str(tmp_path / "sig.docx"))
    assert [c.text for c in python_docx.tables[1].rows[0].cells[1].paragraphs if c.text] == \
        [*lines, "Nguyễn Thị Thu Hà"]
    repo, _ = load_repository(root)
    report = repo.report(KEY)
    assert report is not None
    page = render_site(SiteContext(repo=repo, as_of=date(2025, 6, 1)), TEMPLATES)["2025/05/index.md"]
    signer_block = page[page.index('<div class="bc-closing__signer">'):]
    assert re.findall(r"<p>(.*?)</p>", signer_block[:signer_block.index("</div>")]) == \
        [*lines, "Nguyễn Thị Thu Hà"]
    md = render_report_markdown(repo, report)
    assert "\n".join(f"**{t}**  " for t in lines[:-1]) + ("\n" if len(lines) > 1 else "") + \
        f"**{lines[-1]}**\n\n**Nguyễn Thị Thu Hà**" in md


@pytest.mark.parametrize("form", ["tm-kt", "q"])
def test_signature_forms_in_pdf(form: str, tmp_path: Path) -> None:
    yaml_lines, lines = SIGNATURES[form]
    reader = build_pdf(make_variant(tmp_path / "repo", signer=yaml_lines), tmp_path / "sig.pdf")
    landscape = next(i for i, p in enumerate(reader.pages)
                     if float(p.mediabox.width) > float(p.mediabox.height))
    runs = page_runs(reader, landscape - 1)
    sig = [r for r in runs if r.x > 250 and flat(r.text)]
    shown = [flat(r.text) for r in sig]
    start = shown.index(lines[0])
    assert shown[start:start + len(lines) + 1] == [*lines, "Nguyễn Thị Thu Hà"]
    label = next(r for r in runs if r.text.startswith("Nơi nhận"))
    assert sig[start].y == pytest.approx(label.y, abs=0.2)  # first line on the row of Nơi nhận
    for r in sig[start:start + len(lines) + 1]:
        assert r.font == "LiberationSerif-Bold"


# --------------------------------------------------------------------------------------------
# The site and its search records (the HTML the one parse made)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site") / "repo"
    shutil.copytree(SHAPE, root)
    (root / "templates").symlink_to(TEMPLATES)
    result = CliRunner().invoke(__import__("baocao.cli", fromlist=["cli"]).cli,
                                ["--repo", str(root), "build"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return root


def test_site_report_page_shape(site: Path) -> None:
    from lxml import html as lxml_html

    page = lxml_html.fromstring((site / "site/2025/05/index.html").read_bytes())
    article = page.xpath("//article")[0]
    text = flat(article.text_content())
    addressees = article.xpath(".//div[@class='bc-addressees']/p")
    assert [flat(p.text_content()) for p in addressees] == ["Kính gửi:", *ADDRESSEES]
    assert text.index("Kính gửi:") < text.index(OPENING) < text.index("Phần I.")
    h2 = [flat(h.text_content()) for h in article.xpath(".//h2")]
    assert h2[1].startswith("Phần II.")
    after = article.xpath(".//h2[2]/following-sibling::*[1]")[0]
    assert flat(after.text_content()) == PART_OPENING  # directly under Phần II, no heading
    assert flat(article.xpath(".//h2[2]/following-sibling::h3[1]")[0].text_content()).startswith(
        "1. Quản lý khoa học")
    recipients = [flat(li.text_content()) for li in
                  article.xpath(".//div[@class='bc-closing__recipients']//li")]
    assert recipients[:2] == ["Như trên;", "Văn phòng UBND tỉnh;"]
    assert [flat(p.text_content()) for p in article.xpath(".//div[@class='bc-closing__signer']/p")] \
        == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Thị Thu Hà"]


def test_search_records_hold_the_openings(site: Path) -> None:
    repo, _ = load_repository(site)
    report = repo.report(KEY)
    assert report is not None
    records = report_records(report, site / "site/2025/05/index.html")
    overview = records[0]
    assert OPENING in overview.text and "Kính gửi: - Ủy ban nhân dân tỉnh Bắc Giang;" in overview.text
    part2 = next(r for r in records if r.title.startswith("Phần II."))
    assert part2.text == PART_OPENING


def test_R6_font_colour_encoding_here(doc: Docx) -> None:
    """R6 as tests/test_docx_nd30.py checks it (every run TNR, black), without the sample's
    run count."""
    runs = list(_all_runs(doc))
    assert len(runs) > 60
    for p, r in runs:
        assert doc.fonts(p, r) == {"ascii": TNR, "hAnsi": TNR, "cs": TNR, "eastAsia": TNR}
        color = doc.rprop(p, r, "w:color")
        assert color is None or color.get(q("w:val")) in ("000000", "auto")


def test_R26_body_paragraphs_here(doc: Docx) -> None:
    """R26 as tests/test_docx_nd30.py checks it, the opening paragraphs included, without the
    sample's paragraph count."""
    body = [p for p in doc.body_paragraphs() if p.style in ("BodyText", "FirstParagraph")]
    assert any(p.text.startswith(OPENING) for p in body) and any(p.text == PART_OPENING for p in body)
    previous_after = 0
    for p in body:
        assert p.jc == "both" and p.size() in (13, 14), p.text
        assert abs(p.indent("firstLine") - 720) <= 10 or abs(p.indent("firstLine") - 567) <= 10
        assert previous_after + p.spacing("before") >= 120
        assert 240 <= p.spacing("line", 240) <= 360
        assert not on(doc.rprop(p.el, None, "w:i"))
        previous_after = p.spacing("after")


# The imported test_R* functions above run here on this module's `doc` and `final_doc`. R36 and
# R41 name the sample's "KT. GIÁM ĐỐC": the test repository signs the same way. R23/R24 (the
# sample's trích yếu), R29/R31 (its labels), R38 (its signer), R42 (its 14 recipients), R47 and
# R49 (its appendix) do not apply to another report.


def test_issued_record_covers_openings_and_kinh_gui(tmp_path: Path) -> None:
    """DESIGN decision 14: once issued, an opening or a Kính gửi line cannot change silently."""
    from baocao.cli import cli

    root = tmp_path / "repo"
    shutil.copytree(SHAPE, root)
    (root / "templates").symlink_to(TEMPLATES)
    runner = CliRunner()
    issued = runner.invoke(cli, ["--repo", str(root), "issue", KEY, "--number", "125", "--date",
                                 "2025-05-16"], catch_exceptions=False)
    assert issued.exit_code == 0, issued.output
    opening = root / "content/2025/05/10-mo-dau-phuong-huong.md"
    text = opening.read_text(encoding="utf-8")
    opening.write_text(text.replace("tập trung thực hiện", "tập trung triển khai"), encoding="utf-8")
    check = runner.invoke(cli, ["--repo", str(root), "check"], catch_exceptions=False)
    assert check.exit_code == 1
    assert "content/2025/05/10-mo-dau-phuong-huong.md:6:1: E601: " in check.output
    opening.write_text(text, encoding="utf-8")
    index = root / "content/2025/05/index.md"
    index.write_text(index.read_text(encoding="utf-8").replace(
        '"Bộ Khoa học và Công nghệ"', '"Bộ Khoa học và Công nghệ (để báo cáo)"'), encoding="utf-8")
    check = runner.invoke(cli, ["--repo", str(root), "check"], catch_exceptions=False)
    assert check.exit_code == 1
    assert re.search(r'content/2025/05/index\.md:\d+:1: E601: .*trường "addressees" đã thay đổi',
                     check.output), check.output


def test_what_the_warnings_say_is_what_the_outputs_do(tmp_path: Path) -> None:
    """W511/W512 say the tool drops a typed "Như trên" and the typed dashes and punctuation of
    Kính gửi: the outputs show each once, laid out by the tool."""
    from conftest import make_repo

    repo, problems = load_repository(make_repo(tmp_path, "addressees-typed-punctuation"))
    assert [p.code for p in problems] == ["W512", "W512", "W511"]
    report = repo.reports[0]
    md = render_report_markdown(repo, report)
    assert "Kính gửi:\n\n- Ủy ban nhân dân tỉnh Bắc Giang;\n- Sở Kế hoạch và Đầu tư.\n" in md
    assert md.count("Như trên") == 1 and "**Nơi nhận:**\n\n- Như trên;\n- Văn phòng UBND tỉnh;" in md
    source = render_official_input(repo, report)
    assert source.count("Như trên") == 1 and "Sở Kế hoạch và Đầu tư." in source
