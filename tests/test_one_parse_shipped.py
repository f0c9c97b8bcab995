"""Issue 14's three divergences, reproduced on a copy of the shipped content.

A section of the September 2023 report gets what real reports write every month: items that
open with "(1)", "(i)", a pipe table right after a paragraph line, and a footnote. Before the one
parse, the site (markdown-it) and the documents (pandoc) read them differently: the DOCX/PDF
printed a lone "-" line and "i." for "(i)", pipe characters for the table, and the site showed the
literal "[^1]". The build runs as a separate process (``python -m baocao.cli``), so this test
also runs against an older checkout (PYTHONPATH) to show the divergence.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import copy_shipped_repo
from lxml import etree
from lxml import html as lxml_html
from pypdf import PdfReader

SECTION = "content/2023/09/03-nghien-cuu-khoa-hoc.md"
ADDED = """
Kết quả kiểm định phương tiện đo trong tháng, cụ thể:
- (1) Kiểm định cột đo xăng dầu tại 12 cửa hàng trên địa bàn tỉnh;
- (2) Kiểm định cân thương mại tại các chợ:
    + (i) chợ thành phố Bắc Giang;
    + (ii) chợ huyện Lục Nam.

Số liệu kiểm định theo loại phương tiện:
| Phương tiện đo | Số lượng | Đạt |
|---|---|---|
| Cột đo xăng dầu | 120 | 118 |
| Cân thương mại | 45 | 45 |

Thành lập hội đồng nghiệm thu đề tài về di tích đền thờ Thân Nhân Trung[^1].

[^1]: Theo Quyết định số 215/QĐ-KHCN ngày 12/9/2023 của Giám đốc Sở.
"""
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_shipped_repo(tmp_path_factory.mktemp("shipped") / "repo")
    path = root / SECTION
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n" + ADDED,
                    encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "baocao.cli", "--repo", str(root), "build", "--as-of", "2023-10-20"],
        capture_output=True, text=True, env=os.environ.copy(), timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return root / "site" / "2023" / "09"


def _site(folder: Path) -> lxml_html.HtmlElement:
    return lxml_html.fromstring((folder / "index.html").read_bytes())


def _docx_paragraphs(folder: Path) -> tuple[list[str], list[list[str]], str]:
    """Body paragraphs (outside tables), table rows (cell texts), footnote text."""
    with zipfile.ZipFile(folder / "bao-cao-2023-09.docx") as z:
        doc = etree.fromstring(z.read("word/document.xml"))
        notes = etree.fromstring(z.read("word/footnotes.xml")) \
            if "word/footnotes.xml" in z.namelist() else None
    body = doc.find(f"{W}body")
    paragraphs = ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in body.iter(f"{W}p")
                  if not any(a.tag == f"{W}tc" for a in p.iterancestors())]
    rows = [["".join(t.text or "" for t in c.iter(f"{W}t")) for c in r.iter(f"{W}tc")]
            for r in body.iter(f"{W}tr")]
    note_text = "" if notes is None else " ".join(
        "".join(t.text or "" for t in fn.iter(f"{W}t")) for fn in notes.iter(f"{W}footnote"))
    return paragraphs, rows, note_text


def _pdf_text(folder: Path) -> str:
    return _flat(" ".join(page.extract_text() or "" for page in
                          PdfReader(str(folder / "bao-cao-2023-09.pdf")).pages))


def test_numbering_in_items_is_text_everywhere(built: Path):
    items = [_flat(li.text_content()) for li in _site(built).iter("li")]
    assert any(t.startswith("(1) Kiểm định cột đo xăng dầu") for t in items), items
    assert any(t.startswith("(i) chợ thành phố Bắc Giang") for t in items)
    paragraphs, _, _ = _docx_paragraphs(built)
    assert "- (1) Kiểm định cột đo xăng dầu tại 12 cửa hàng trên địa bàn tỉnh;" in paragraphs
    assert "+ (i) chợ thành phố Bắc Giang;" in paragraphs
    assert "-" not in paragraphs and "+" not in paragraphs  # no lone marker line
    pdf = _pdf_text(built)
    assert "(1) Kiểm định cột đo xăng dầu" in pdf and "(i) chợ thành phố Bắc Giang" in pdf
    assert not re.search(r"\bi\. chợ", pdf)


def test_a_table_after_a_paragraph_line_is_a_table_everywhere(built: Path):
    cells = [_flat(td.text_content()) for td in _site(built).iter("td")]
    assert "Cột đo xăng dầu" in cells and "118" in cells
    paragraphs, rows, _ = _docx_paragraphs(built)
    assert ["Cột đo xăng dầu", "120", "118"] in rows
    assert not any("|" in p for p in paragraphs)
    assert "| Cột đo" not in _pdf_text(built)


def test_footnotes_are_footnotes_everywhere(built: Path):
    page = _site(built)
    refs = page.xpath("//a[contains(concat(' ', @class, ' '), ' footnote-ref ')]")
    assert refs, "no footnote reference on the site"
    note = page.xpath("//section[contains(@class, 'footnotes')]")
    assert note and "Theo Quyết định số 215/QĐ-KHCN" in _flat(note[0].text_content())
    assert "[^1]" not in page.text_content()
    paragraphs, _, notes = _docx_paragraphs(built)
    assert "Theo Quyết định số 215/QĐ-KHCN ngày 12/9/2023 của Giám đốc Sở." in notes
    assert not any("[^1]" in p for p in paragraphs)
    pdf = _pdf_text(built)
    assert "Theo Quyết định số 215/QĐ-KHCN" in pdf and "[^1]" not in pdf
