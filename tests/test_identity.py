"""Issued reports show their number and date; the agency's identity is effective-dated."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT
from docx import Document
from pypdf import PdfReader
from test_pdf_docx_text import _docx_text, _norm, _pdf_text

from baocao.load import load_repository
from baocao.render.facts import compute_facts
from baocao.render.official import render_official_input
from baocao.render.report_md import render_report_markdown
from baocao.write.docx import write_docx
from baocao.write.pdf import write_pdf


def _issue(repo_copy: Path, number: int, day: str) -> None:
    index = repo_copy / "content/2023/09/index.md"
    text = index.read_text(encoding="utf-8")
    text = text.replace("status: draft", "status: issued")
    text = text.replace("number:            #", f"number: {number} #")
    text = text.replace("date:              #", f"date: {day} #")
    index.write_text(text, encoding="utf-8")


def test_issued_report_shows_number_and_date(repo_copy: Path, tmp_path: Path):
    _issue(repo_copy, 5, "2023-09-28")
    repo, problems = load_repository(repo_copy)
    assert not problems.errors, problems.errors
    report = repo.report("2023-09")
    facts = compute_facts(repo, report)
    assert facts.so_ky_hieu == "05/BC-KHCN"  # numbers below 10 get a leading zero (R16)
    assert facts.dia_danh_ngay == "Bắc Giang, ngày 28 tháng 9 năm 2023"
    assert facts.kem_theo == ("(Kèm theo Báo cáo số 05/BC-KHCN ngày 28 tháng 9 năm 2023 của Sở "
                              "Khoa học và Công nghệ)")
    source = render_official_input(repo, report)
    write_docx(source, tmp_path / "r.docx", templates=ROOT / "templates")
    write_pdf(source, tmp_path / "r.pdf", templates=ROOT / "templates")
    for text in (_docx_text(tmp_path / "r.docx"), _pdf_text(tmp_path / "r.pdf")):
        for expected in ("Số: 05/BC-KHCN", "Bắc Giang, ngày 28 tháng 9 năm 2023",
                         "Kèm theo Báo cáo số 05/BC-KHCN ngày 28 tháng 9 năm 2023"):
            assert _norm(expected) in text


def _kem_theo_and_date(docx: Path, pdf: Path) -> tuple[list[str], list[str]]:
    """The Kèm theo line and the header's date line (after "Bắc Giang, "), as the DOCX
    (python-docx) and the PDF (pypdf, the appendix's first landscape page) show them."""
    doc = Document(str(docx))
    kem = [p.text for p in doc.paragraphs if p.style.name == "KemTheo"]
    header = doc.tables[0]
    dia = [p.text for row in header.rows for cell in row.cells for p in cell.paragraphs
           if p.style.name == "DiaDanh"]
    assert len(kem) == 1 and dia
    reader = PdfReader(pdf)
    lines = [line for page in reader.pages for line in page.extract_text().splitlines()]
    pdf_kem = [line.strip() for line in lines if line.strip().startswith("(Kèm theo")]
    pdf_dia = [line[line.index("Bắc Giang, "):].strip() for line in lines if "Bắc Giang, " in line]
    assert len(pdf_kem) == 1 and pdf_dia
    return [kem[0], pdf_kem[0]], [dia[0], pdf_dia[0]]


@pytest.mark.parametrize("issued", [False, True], ids=["draft", "issued"])
def test_R47_kem_theo_writes_the_date_as_the_header_does(repo_copy: Path, tmp_path: Path, issued):
    """Nghị định 30 writes the Kèm theo line's date as "ngày 28 tháng 9 năm 2023" (R47, as R20);
    a draft leaves the day blank exactly as the header's date line does."""
    if issued:
        _issue(repo_copy, 1234, "2023-09-28")
    repo, problems = load_repository(repo_copy)
    assert not problems.errors, problems.errors
    report = repo.report("2023-09")
    source = render_official_input(repo, report)
    write_docx(source, tmp_path / "r.docx", templates=ROOT / "templates")
    write_pdf(source, tmp_path / "r.pdf", templates=ROOT / "templates")
    nbsp = "\u00a0"
    number = "1234" if issued else nbsp * 7
    date = "ngày 28 tháng 9 năm 2023" if issued else f"ngày{nbsp * 5}tháng 9 năm 2023"
    kem, dia = _kem_theo_and_date(tmp_path / "r.docx", tmp_path / "r.pdf")
    expected = f"(Kèm theo Báo cáo số {number}/BC-KHCN {date} của Sở Khoa học và Công nghệ)"
    if not issued:
        expected = expected.replace(f"số {number}", f"số{number}")
    assert kem == [expected, expected]
    assert dia == [f"Bắc Giang, {date}"] * 2


def test_issued_without_number_is_an_error(repo_copy: Path):
    index = repo_copy / "content/2023/09/index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("status: draft", "status: issued"),
                     encoding="utf-8")
    _, problems = load_repository(repo_copy)
    messages = [p.format() for p in problems.errors]
    assert any('phải có "number"' in m for m in messages)
    assert any('phải có "date"' in m for m in messages)


def test_identity_follows_the_report_date(repo_copy: Path):
    """A 2026 report carries the merged province's names; the 2023 report keeps the old ones."""
    src = repo_copy / "content/2023/09"
    dst = repo_copy / "content/2026/03"
    shutil.copytree(src, dst)
    index = dst / "index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("cutoff: 2023-09-14", "cutoff: 2026-03-14")
                     .replace("  include:\n    - 2023-3841-UBND-KGVX\n", "  include: []\n"),
                     encoding="utf-8")
    repo, problems = load_repository(repo_copy)
    assert not problems.errors, [p.format() for p in problems.errors]
    new = render_report_markdown(repo, repo.report("2026-03"))
    old = render_report_markdown(repo, repo.report("2023-09"))
    assert new.startswith("UBND TỈNH BẮC NINH")
    assert "*Bắc Ninh, ngày     tháng 3 năm 2026*" in new
    assert old.startswith("UBND TỈNH BẮC GIANG")
    assert "*Bắc Giang, ngày     tháng 9 năm 2023*" in old
    # The 2023 report is byte-for-byte what it was before the 2026 report existed.
    repo_before, _ = load_repository(ROOT)
    assert old == render_report_markdown(repo_before, repo_before.report("2023-09"))
