"""PDF and DOCX of the shipped report carry the same text (NFC, normalised)."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
from conftest import ROOT, ast_words
from pypdf import PdfReader

from baocao.render.facts import TABLE_COLUMNS
from baocao.render.official import render_official_input
from baocao.write.docx import write_docx
from baocao.write.names import report_epoch
from baocao.write.pandoc import run_pandoc
from baocao.write.pdf import write_pdf

HEADER_ROW = re.sub(r"\W", "", "".join(TABLE_COLUMNS))


def _norm(text: str) -> str:
    # Case is kept: a Mục title is in capitals in both documents' text (issue 17), and no
    # formatting changes the case of any other text.
    return re.sub(r"\W", "", unicodedata.normalize("NFC", text))


@pytest.fixture(scope="module")
def documents(shipped_repo, tmp_path_factory) -> tuple[Path, Path]:
    report = shipped_repo.report("2023-09")
    source = render_official_input(shipped_repo, report)
    folder = tmp_path_factory.mktemp("docs")
    docx, pdf = folder / "r.docx", folder / "r.pdf"
    write_docx(source, docx, templates=ROOT / "templates", epoch=report_epoch(report))
    write_pdf(source, pdf, templates=ROOT / "templates", epoch=report_epoch(report))
    return docx, pdf


def _docx_text(path: Path) -> str:
    doc = json.loads(run_pandoc(["-f", "docx", "-t", "json", str(path)]))
    return ast_words(doc)


def _pdf_text(path: Path) -> str:
    """Page text without page numbers and without the repeated header row of the appendix."""
    reader = PdfReader(path)
    parts = []
    seen_header = False
    for i, page in enumerate(reader.pages):
        lines = unicodedata.normalize("NFC", page.extract_text()).split("\n")
        if i > 0 and lines and lines[0].strip().isdigit():
            lines = lines[1:]  # the page number in the top margin
        text = _norm("".join(lines))
        if HEADER_ROW in text:
            if seen_header:
                text = text.replace(HEADER_ROW, "", 1)
            seen_header = True
        parts.append(text)
    return "".join(parts)


def test_pdf_text_equals_docx_text(documents):
    docx, pdf = documents
    expected = _docx_text(docx)
    got = _pdf_text(pdf)
    assert len(expected) > 20000
    assert got == expected
