"""No line breaks inside a document number, a date or a number range (issue 17, Build 2).

The audit found "1036/ ⏎ KHCN-QLCN", "867/", "1161/", "221-KL/ ⏎ TUBG-TUHD" in the PDF (typst
breaks after "/") and "256-258- ⏎ 260", "2019- ⏎ 2023" in LibreOffice's rendering of the DOCX
(a break after a hyphen). The tokens are defined once, :func:`baocao.vietnamese.number_tokens`
(mirrored in templates/filters/typst.lua, compared below); the PDF puts each word holding one in
a typst box, the DOCX writes their hyphens as ``w:noBreakHyphen``; the text of both documents
stays the source's text.

Checked on the shipped September 2023 report and on a synthetic report whose tokens stand at
every position of a narrow appendix column and of body lines: each token of the document's text
(as python-docx reads the DOCX, which has no line breaks) is found whole, as often, in the text
of the PDF, and, where LibreOffice is installed, of LibreOffice's rendering of the DOCX.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from conftest import ROOT
from conftest import libreoffice_pdfs as to_pdfs
from docx import Document
from lxml import etree
from pypdf import PdfReader

from baocao.document.tree import bundle_images
from baocao.render.official import render_official_input
from baocao.vietnamese import number_tokens
from baocao.write.docx import build_docx, postprocess_document_xml, write_atomic
from baocao.write.names import report_epoch
from baocao.write.pdf import render_typst_source, write_pdf_from_typst

TEMPLATES = ROOT / "templates"
EPOCH = 1761868800
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

#: The audit's tokens, and synthetic long ones (still narrower than the narrow column below).
TOKENS = ("1036/KHCN-QLCN", "221-KL/TUBG-TUHD", "01/2024/NĐ-CP", "15/9/2023", "2019-2023",
          "256-258-260", "14/2023/TT-BKHHCN", "19/10/1961-19/10/2023", "2345/QĐ-UBND-KGVX")
#: A boxed word in the typst source (templates/filters/typst.lua).
BOX = re.compile(r'#box\(text\(overhang: false, "((?:[^"\\]|\\.)*)"\)\);')
FILL = ("Công", "văn", "số", "ngày", "của", "Sở", "về", "việc", "giao", "UBND", "tỉnh", "Bắc")


def tokens_of(text: str) -> list[str]:
    return [text[a:b] for a, b in number_tokens(text)]


# --------------------------------------------------------------------------------------------
# the definition


@pytest.mark.parametrize(("text", "expected"), [
    ("Công văn số 1036/KHCN-QLCN Ngày 17/8/2023", ["1036/KHCN-QLCN", "17/8/2023"]),
    ("Kết luận số 221-KL/TUBG-TUHD;", ["221-KL/TUBG-TUHD"]),
    ("(Nghị định 01/2024/NĐ-CP)", ["01/2024/NĐ-CP"]),
    ("kỳ 2019-2023 theo", ["2019-2023"]),
    ("Số 256-258-260 Đường", ["256-258-260"]),
    ("tháng 10/2023./.", ["10/2023"]),
    ("19/10/1961-19/10/2023.", ["19/10/1961-19/10/2023"]),
    ("Số: 1234/BC-KHCN", ["1234/BC-KHCN"]),
    ("Thông tư 14/2023/TT-BKHHCN ngày 30/6/2023", ["14/2023/TT-BKHHCN", "30/6/2023"]),
    ("X-quang, V/v, KH&CN, bacgiang.tcvn.gov.vn, Blanc-Blue", []),
    ("giai đoạn 2023 -2025", []),  # "-2025": a joiner stands between two runs only
    ("Sông Thương- Số", []),
    ("       /BC-KHCN", []),  # a draft's number
])
def test_number_tokens(text, expected):
    assert tokens_of(text) == expected


def _corpus() -> list[str]:
    """Every word of the shipped content and register, and edge cases."""
    words: set[str] = set()
    for path in [*sorted((ROOT / "content").rglob("*.md")), ROOT / "directives.yaml"]:
        words.update(unicodedata.normalize("NFC", path.read_text(encoding="utf-8")).split())
    words.update(TOKENS)
    words.update(["a-1", "1-a", "-1-2", "1--2", "1/-2", "1./2", "(1/2)", "“15/9/2023”", "Ư1-Ơ",
                  "ỹ-9", "x.y.z", "1.2.3", "1,2-3", "A×1-2", "1-÷", "Đ/1", "9/", "/9", "1/2/"])
    return sorted(words)


def test_typst_boxes_the_words_python_finds(tmp_path):
    """templates/filters/typst.lua boxes exactly the words that number_tokens finds tokens in."""
    words = _corpus()
    # Each word one paragraph, every ASCII punctuation escaped: one pandoc Str, the word itself.
    body = "\n\n".join(re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", w) for w in words)
    doc = ('---\ntitle: "t"\nauthor: "a"\nco-quan: "X"\nso-ky-hieu: "01/X"\n'
           'dia-danh-ngay: "Y"\nten-loai: "BÁO CÁO"\ntrich-yeu: "Z"\nnoi-nhan: ["Lưu."]\n'
           'quyen-han: ""\nchuc-vu: "C"\nnguoi-ky: "N"\n---\n\n' + body + "\n")
    typst = render_typst_source(doc, templates=TEMPLATES, epoch=EPOCH)
    boxed = {re.sub(r"\\(.)", r"\1", m.group(1)) for m in BOX.finditer(typst)}
    expected = {w for w in words if number_tokens(w)}
    assert len(expected) > 100
    assert boxed - {"01/X"} == expected


def test_docx_hyphens_in_tokens_do_not_break():
    xml = (f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:rPr><w:b/></w:rPr>'
           '<w:t xml:space="preserve">Số 256-258-260 Đường, X-quang 2019-2023 -5</w:t></w:r></w:p>'
           '</w:body></w:document>').encode()
    run = etree.fromstring(postprocess_document_xml(xml)).find(f".//{{{W}}}r")
    parts = [(etree.QName(el).localname, el.text) for el in run]
    assert parts == [("rPr", None), ("t", "Số 256"), ("noBreakHyphen", None), ("t", "258"),
                     ("noBreakHyphen", None), ("t", "260 Đường, X-quang 2019"),
                     ("noBreakHyphen", None), ("t", "2023 -5")]


# --------------------------------------------------------------------------------------------
# documents


def synthetic_input() -> str:
    """An official input whose tokens stand after 1…12 words, in body paragraphs, in a narrow
    appendix column (22 % of the landscape text width, as wide as "Số/Ký hiệu VBCĐ" may get)
    and in the number and Kèm theo lines."""
    rows, body = [], []
    n = 0
    for token in TOKENS:
        for k in range(1, len(FILL) + 1):
            n += 1
            words = " ".join(FILL[:k])
            rows.append({"o": [str(n), f"{words} {token} kết quả", f"{words} {token}."]})
            body.append(f"{' '.join(['Báo cáo'] * k)} {token} về việc thực hiện {token}, theo "
                        f"{' '.join(FILL[:13 - k])} {token}.")
    meta = {
        "title": "Kiểm tra", "author": "Sở Khoa học và Công nghệ",
        "co-quan-chu-quan": "UBND TỈNH BẮC GIANG", "co-quan": "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        "so-ky-hieu": "1234/BC-KHCN", "dia-danh-ngay": "Bắc Giang, ngày 28 tháng 9 năm 2023",
        "ten-loai": "BÁO CÁO", "trich-yeu": "Kiểm tra số 221-KL/TUBG-TUHD",
        "noi-nhan": ["Lưu: VT, VP."], "quyen-han": "", "chuc-vu": "GIÁM ĐỐC",
        "nguoi-ky": "Nguyễn Văn A",
        "phu-luc": {
            "tieu-de": "Phụ lục", "ten": "BẢNG SỐ HIỆU",
            "kem-theo": "(Kèm theo Báo cáo số 1234/BC-KHCN ngày 28 tháng 9 năm 2023 của Sở Khoa "
                        "học và Công nghệ)",
            "cot": ["TT", "Hẹp", "Rộng"], "do-rong": [5, 22, 73], "dong": rows,
        },
    }
    head = "\n".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in meta.items())
    return f"---\n{head}\n---\n\n" + "\n\n".join(body) + "\n"


def _build(source: str, folder: Path, epoch: int) -> tuple[Path, Path]:
    docx, typst = build_docx(source, templates=TEMPLATES, epoch=epoch, with_typst=True)
    assert typst is not None
    write_atomic(folder / "r.docx", docx)
    (folder / "r.typ").write_text(typst, encoding="utf-8")
    write_pdf_from_typst(typst, folder / "r.pdf", templates=TEMPLATES, epoch=epoch,
                         images=bundle_images(source))
    return folder / "r.docx", folder / "r.pdf"


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> tuple[Path, Path]:
    return _build(synthetic_input(), tmp_path_factory.mktemp("synthetic"), EPOCH)


def _shipped(shipped_repo, tmp_path_factory, key: str) -> tuple[Path, Path]:
    report = shipped_repo.report(key)
    return _build(render_official_input(shipped_repo, report), tmp_path_factory.mktemp(key),
                  report_epoch(report))


@pytest.fixture(scope="module")
def shipped(shipped_repo, tmp_path_factory) -> tuple[Path, Path]:
    return _shipped(shipped_repo, tmp_path_factory, "2023-09")


@pytest.fixture(scope="module")
def shipped_may(shipped_repo, tmp_path_factory) -> tuple[Path, Path]:
    """The second shipped report: two appendices of 2024-2025 tasks, a body table, footnotes."""
    return _shipped(shipped_repo, tmp_path_factory, "2025-05")


def docx_text(path: Path) -> str:
    doc = Document(str(path))
    paragraphs = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            seen: set[int] = set()
            for cell in row.cells:
                if id(cell._tc) not in seen:  # a merged cell is listed once per grid column
                    seen.add(id(cell._tc))
                    paragraphs += [p.text for p in cell.paragraphs]
                    for inner in cell.tables:  # the header and signature blocks
                        paragraphs += [p.text for r in inner.rows for c in r.cells
                                       for p in c.paragraphs]
    return unicodedata.normalize("NFC", "\n".join(paragraphs))


def pdf_text(path: Path) -> str:
    return unicodedata.normalize("NFC", "\n".join(p.extract_text() for p in PdfReader(path).pages))


def broken_tokens(expected_text: str, text: str) -> dict[str, tuple[int, int]]:
    """Tokens of *expected_text* found whole fewer times in *text*: (found, expected)."""
    expected = Counter(tokens_of(expected_text))
    return {t: (text.count(t), expected_text.count(t)) for t in expected
            if text.count(t) < expected_text.count(t)}


def _line_ends(text: str) -> list[str]:
    """Lines that end with "/" or with a digit and "-" (the audit's signs of a broken token)."""
    return [line for line in text.splitlines() if re.search(r"(/|\d-)[ \t]*$", line)]


def _assert_whole(expected_text: str, text: str) -> None:
    """Every token of *expected_text* is found whole in *text*, and no line of it ends as a
    broken token does."""
    assert broken_tokens(expected_text, text) == {}
    assert _line_ends(text) == []


def test_synthetic_pdf_keeps_every_token_whole(synthetic):
    docx, pdf = synthetic
    expected = docx_text(docx)
    assert sum(expected.count(t) for t in TOKENS) == 9 * 60 + 1
    _assert_whole(expected, pdf_text(pdf))


def test_synthetic_docx_text_is_unchanged(synthetic):
    """python-docx reads w:noBreakHyphen as "-": the DOCX text still has every hyphen."""
    docx, _ = synthetic
    text = docx_text(docx)
    for token in TOKENS:
        # three a body paragraph, two a table row, and the trích yếu
        assert text.count(token) == 3 * 12 + 2 * 12 + (token == "221-KL/TUBG-TUHD"), token
    assert "Số: 1234/BC-KHCN" in text and "\u2011" not in text
    xml = zipfile.ZipFile(docx).read("word/document.xml").decode()
    plain = "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))
    assert not any("-" in t for t in tokens_of(plain))  # no token's hyphen is a breakable "-"
    assert xml.count("<w:noBreakHyphen/>") == sum(t.count("-") for t in tokens_of(text))


@pytest.mark.parametrize(("report", "needles"), [
    ("shipped", ("1036/KHCN-QLCN", "867/KHCN-VP", "1161/KHCN-TĐC", "221-KL/TUBG-TUHD",
                 "256-258-260", "2019-2023")),
    # May 2025: the adjustment note in the Thời hạn column of both appendices
    ("shipped_may", ("1618/UBND-KTN", "5630/UBND-KGVX", "18/2021/QĐ-UBND", "25/3/2025")),
])
def test_shipped_pdf_keeps_every_token_whole(report, needles, request):
    docx, pdf = request.getfixturevalue(report)
    expected = docx_text(docx)
    for token in needles:
        assert token in expected
    _assert_whole(expected, pdf_text(pdf))


def _page_images(pdf: Path, folder: Path, exe: str) -> list[bytes]:
    folder.mkdir()
    subprocess.run([exe, "-r", "40", "-png", str(pdf), str(folder / "p")], check=True,
                   capture_output=True)
    return [p.read_bytes() for p in sorted(folder.glob("p-*.png"))]


def test_a_box_moves_no_glyph(shipped, tmp_path):
    """On the shipped report's portrait pages no token stands where a line breaks, so the boxes
    must change no pixel there: the same typst source with every box taken out renders the same
    pages. (A box ending in a comma once stood off its neighbours on the centred trích yếu line:
    typst let the comma hang out of the box.)"""
    exe = shutil.which("pdftoppm")
    if exe is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    _, pdf = shipped
    typst = (pdf.parent / "r.typ").read_text(encoding="utf-8")
    assert len(BOX.findall(typst)) > 100
    unboxed = BOX.sub(lambda m: '#"' + m.group(1) + '";', typst)
    write_pdf_from_typst(unboxed, tmp_path / "unboxed.pdf", templates=TEMPLATES, epoch=EPOCH)
    portrait = [i for i, p in enumerate(PdfReader(pdf).pages)
                if p.mediabox.height > p.mediabox.width]
    boxed_pages = _page_images(pdf, tmp_path / "boxed", exe)
    unboxed_pages = _page_images(tmp_path / "unboxed.pdf", tmp_path / "plain", exe)
    assert portrait[:1] == [0] and len(portrait) > 10  # page 1 (the trích yếu) and the body
    for i in portrait:
        assert boxed_pages[i] == unboxed_pages[i], f"page {i + 1}"


# --------------------------------------------------------------------------------------------
# LibreOffice's rendering of the DOCX



@pytest.fixture(scope="module")
def libreoffice_pdfs(synthetic, shipped, shipped_may, tmp_path_factory) -> dict[str, Path]:
    """Both DOCX files converted to PDF by LibreOffice, with the project's fonts only."""
    files = {"synthetic": synthetic[0], "shipped": shipped[0], "shipped_may": shipped_may[0]}
    return to_pdfs(files, tmp_path_factory.mktemp("lo"))


@pytest.mark.client
@pytest.mark.parametrize("name", ["synthetic", "shipped", "shipped_may"])
def test_libreoffice_keeps_every_token_whole(name, synthetic, shipped, shipped_may,
                                             libreoffice_pdfs):
    docx = {"synthetic": synthetic, "shipped": shipped, "shipped_may": shipped_may}[name][0]
    _assert_whole(docx_text(docx), pdf_text(libreoffice_pdfs[name]))
