"""DOCX conformance suite: one test per checkable rule of spec/nd30.md (named test_R<n>_…).

The suite runs over both shipped reports (REPORTS): September 2023 from
tests/fixtures/official/sample-2023-09.md (a draft) and its "final" variant (number and day
filled in), and May 2025 from the shipped content (content/2025/05: Kính gửi, the director
signing alone, a body table, two appendices), as a draft and as issued by ``baocao issue`` on a
copy. What differs between the two reports (the signature lines, the number of Nơi nhận lines,
the appendices, …) is written out by hand in REPORTS. The checks read the file with python-docx
and the raw XML; effective formatting is resolved through the style chain (run → character
style → paragraph style → basedOn … → docDefaults). Text widths are measured here with
fontTools independently of baocao.write.docx.
"""

from __future__ import annotations

import os
import re
import subprocess
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import copy_shipped_repo, official_sample, soffice
from docx import Document
from docx.enum.section import WD_ORIENT
from lxml import etree
from ooxml import ooxml_errors

from baocao.cli import cli
from baocao.document.dialect import DOCUMENT_READER, prepare
from baocao.write.blanks import keep_draft_blanks
from baocao.write.docx import write_docx
from baocao.write.docx_layout import read_metadata
from baocao.write.pandoc import PandocError, run_pandoc
from baocao.write.reference_docx import build_reference_docx, reference_docx_bytes

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"
FIXTURE = ROOT / "tests" / "fixtures" / "official" / "sample-2023-09.md"
#: The same input as an issued document: number and day filled in, not a draft.
FIXTURE_ISSUED = FIXTURE.with_name("sample-2023-09-issued.md")
FONTS = TEMPLATES / "fonts"

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
TNR = "Times New Roman"
QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
VI_LETTERS = [*"abcd", "đ", *"eghiklmnopqrstuvxy"]


@dataclass(frozen=True)
class AppendixExpect:
    """One appendix as the report must print it (written out by hand)."""

    heading: str
    # The table (test_R49); other modules that run some of these rules on their own report
    # (tests/test_report_shape.py) may leave it out.
    rows: int | None = None  # table rows: header, group rows, task rows
    headers: tuple[str, ...] = ()
    widths: tuple[float, ...] = ()  # relative column widths, summing to 100
    first_group: str = ""  # label of the first group row


@dataclass(frozen=True)
class ReportExpect:
    """What differs between the shipped reports, as each must print it."""

    id: str
    signer: tuple[str, ...]  # the signature cell's lines above the name (quyền hạn, chức vụ)
    name: str
    noi_nhan: int  # Nơi nhận lines
    diem: tuple[str, ...]  # điểm labels a) b) … of the body, in order (R29)
    kem_theo_month: str  # "(Kèm theo Báo cáo số … ngày … tháng 9 năm 2023 …)"
    kem_theo_issued: str  # number and date of the issued report, as the Kèm theo line writes them
    appendices: tuple[AppendixExpect, ...]
    needles: tuple[str, ...]  # text read back from the DOCX (pandoc, LibreOffice)
    kinh_gui: str | None = None  # the one addressee (R25)


SEPTEMBER_2023 = ReportExpect(
    id="2023-09",
    signer=("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"),
    name="Triệu Ngọc Trung",
    noi_nhan=14,
    diem=tuple(VI_LETTERS[:7]),  # a) b) c) d) đ) e) g): đ present, no f
    kem_theo_month="tháng 9 năm 2023",
    kem_theo_issued="1234/BC-KHCN ngày 28 tháng 9 năm 2023",
    appendices=(AppendixExpect(
        heading="Phụ lục",  # lower case, not "PHỤ LỤC"; one appendix: no number
        rows=1 + 3 + 14,  # header, 3 groups, 14 tasks
        headers=("TT", "Số/Ký hiệu VBCĐ", "Nội dung công việc", "Thời hạn", "Ngày hoàn thành",
                 "Tiến độ", "Kết quả xử lý"),
        widths=(5, 15, 35, 10, 10, 10, 15),
        first_group="ĐÃ THỰC HIỆN: 04 nhiệm vụ",
    ),),
    needles=("ĐANG THỰC HIỆN: 10 nhiệm vụ (trong hạn)", "Công văn số 1161/KHCN-TĐC Ngày 13/9/2023"),
)
MAY_2025 = ReportExpect(
    id="2025-05",
    signer=("GIÁM ĐỐC",),  # the director signs: the title alone, no "KT."
    name="Đặng Văn Quân",
    noi_nhan=1 + 8,  # "Như trên;" (Kính gửi) and the eight lines of index.md
    diem=tuple(VI_LETTERS[:4]),  # Mục IV: a) b) c) d)
    kem_theo_month="tháng 5 năm 2025",
    kem_theo_issued="123/BC-KHCN ngày 20 tháng 5 năm 2025",
    appendices=(
        AppendixExpect(
            heading="Phụ lục I",
            rows=1 + 4 + 23,  # header, topics I-IV, 23 tasks of the period
            headers=("TT", "Số/Ký hiệu VBCĐ", "Nội dung công việc", "Đơn vị chủ trì",
                     "Kết quả yêu cầu", "Thời hạn", "Tình trạng", "Kết quả thực hiện"),
            widths=(4, 16, 21, 10, 10, 14, 9, 16),  # declared in 90-phu-luc-nhiem-vu.md; TT 4
            first_group="LĨNH VỰC QUẢN LÝ KHOA HỌC, SỞ HỮU TRÍ TUỆ",
        ),
        AppendixExpect(
            heading="Phụ lục II",
            rows=1 + 3 + 8,  # header, 3 status groups, 8 tasks due 16/4-15/5/2025
            headers=("TT", "Số/Ký hiệu VBCĐ", "Nội dung công việc", "Thời hạn",
                     "Ngày hoàn thành", "Tiến độ", "Kết quả xử lý", "Ghi chú"),
            widths=(4, 16, 20, 14, 10, 11, 15, 10),
            first_group="ĐÃ THỰC HIỆN: 05 nhiệm vụ (đúng hạn: 03; quá hạn: 01; không rõ ngày: 01)",
        ),
    ),
    needles=("ĐANG THỰC HIỆN: 02 nhiệm vụ (trong hạn: 01; quá hạn: 01)",
             "Báo cáo số 121/BC-KHCN ngày 12/5/2025", "Kính gửi: Ủy ban nhân dân tỉnh Bắc Giang"),
    kinh_gui="Ủy ban nhân dân tỉnh Bắc Giang",
)
REPORTS = (SEPTEMBER_2023, MAY_2025)


def q(name: str) -> str:
    return f"{{{W}}}{name.split(':')[1]}"


# ------------------------------------------------------------------------------------------
# reading a DOCX


@dataclass
class Para:
    el: etree._Element
    doc: Docx

    @property
    def text(self) -> str:
        out = []
        for node in self.el.iter(q("w:t"), q("w:br"), q("w:tab"), q("w:noBreakHyphen")):
            if node.tag == q("w:t"):
                out.append(node.text or "")
            elif node.tag == q("w:br"):
                out.append("\n")
            elif node.tag == q("w:noBreakHyphen"):  # a "-" no line breaks after (as python-docx)
                out.append("-")
            else:
                out.append("\t")
        return "".join(out)

    @property
    def style(self) -> str:
        s = self.el.find("w:pPr/w:pStyle", NS)
        return s.get(q("w:val")) if s is not None else "Normal"

    @property
    def runs(self) -> list[etree._Element]:
        return [r for r in self.el.iter(q("w:r")) if r.find("w:t", NS) is not None]

    def ppr(self, tag: str) -> etree._Element | None:
        return self.doc.pprop(self.el, tag)

    def rpr(self, tag: str, run: etree._Element | None = None) -> etree._Element | None:
        runs = [run] if run is not None else self.runs
        found = [self.doc.rprop(self.el, r, tag) for r in runs] or [self.doc.rprop(self.el, None, tag)]
        return found[0]

    def size(self) -> float:
        sizes = {self.doc.size(self.el, r) for r in self.runs} or {self.doc.size(self.el, None)}
        assert len(sizes) == 1, f"mixed sizes in {self.text!r}: {sizes}"
        return sizes.pop()

    def flag(self, tag: str) -> bool:
        values = {on(self.doc.rprop(self.el, r, tag)) for r in self.runs}
        assert len(values) == 1, f"mixed {tag} in {self.text!r}"
        return values.pop()

    @property
    def jc(self) -> str:
        el = self.ppr("w:jc")
        return el.get(q("w:val")) if el is not None else "left"

    def spacing(self, attr: str, default: int = 0) -> int:
        """Nearest explicit spacing attribute (direct, then style chain, then defaults)."""
        for ppr in self.doc.ppr_chain(self.el):
            sp = ppr.find("w:spacing", NS)
            if sp is not None and sp.get(q(f"w:{attr}")) is not None:
                return int(sp.get(q(f"w:{attr}")))
        return default

    def indent(self, attr: str) -> int:
        for ppr in self.doc.ppr_chain(self.el):
            ind = ppr.find("w:ind", NS)
            if ind is not None and ind.get(q(f"w:{attr}")) is not None:
                return int(ind.get(q(f"w:{attr}")))
        return 0


def on(el: etree._Element | None) -> bool:
    return el is not None and el.get(q("w:val"), "1") not in ("0", "false", "off")


class Docx:
    def __init__(self, path: Path) -> None:
        self.path = path
        with zipfile.ZipFile(path) as z:
            self.parts = {n: z.read(n) for n in z.namelist()}
        self.root = etree.fromstring(self.parts["word/document.xml"])
        self.body = self.root.find("w:body", NS)
        self.styles_root = etree.fromstring(self.parts["word/styles.xml"])
        self.styles = {
            s.get(q("w:styleId")): s for s in self.styles_root.findall("w:style", NS)
        }

    @cached_property
    def python_docx(self):  # type: ignore[no-untyped-def]
        return Document(str(self.path))

    # style resolution
    def style_chain(self, style_id: str | None) -> Iterator[etree._Element]:
        seen = set()
        while style_id and style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            st = self.styles[style_id]
            yield st
            based = st.find("w:basedOn", NS)
            style_id = based.get(q("w:val")) if based is not None else None

    def ppr_chain(self, p: etree._Element) -> Iterator[etree._Element]:
        ppr = p.find("w:pPr", NS)
        if ppr is not None:
            yield ppr
        pstyle = p.find("w:pPr/w:pStyle", NS)
        for st in self.style_chain(pstyle.get(q("w:val")) if pstyle is not None else "Normal"):
            sppr = st.find("w:pPr", NS)
            if sppr is not None:
                yield sppr
        default = self.styles_root.find("w:docDefaults/w:pPrDefault/w:pPr", NS)
        if default is not None:
            yield default

    def pprop(self, p: etree._Element, tag: str) -> etree._Element | None:
        for ppr in self.ppr_chain(p):
            el = ppr.find(tag, NS)
            if el is not None:
                return el
        return None

    def rpr_chain(self, p: etree._Element, r: etree._Element | None) -> Iterator[etree._Element]:
        if r is not None:
            rpr = r.find("w:rPr", NS)
            if rpr is not None:
                yield rpr
                rstyle = rpr.find("w:rStyle", NS)
                if rstyle is not None:
                    for st in self.style_chain(rstyle.get(q("w:val"))):
                        srpr = st.find("w:rPr", NS)
                        if srpr is not None:
                            yield srpr
        pstyle = p.find("w:pPr/w:pStyle", NS) if p is not None else None
        for st in self.style_chain(pstyle.get(q("w:val")) if pstyle is not None else "Normal"):
            srpr = st.find("w:rPr", NS)
            if srpr is not None:
                yield srpr
        default = self.styles_root.find("w:docDefaults/w:rPrDefault/w:rPr", NS)
        if default is not None:
            yield default

    def rprop(self, p: etree._Element, r: etree._Element | None, tag: str) -> etree._Element | None:
        for rpr in self.rpr_chain(p, r):
            el = rpr.find(tag, NS)
            if el is not None:
                return el
        return None

    def size(self, p: etree._Element, r: etree._Element | None) -> float:
        el = self.rprop(p, r, "w:sz")
        return int(el.get(q("w:val"))) / 2 if el is not None else 10.0

    def fonts(self, p: etree._Element, r: etree._Element | None) -> dict[str, str]:
        out: dict[str, str] = {}
        for rpr in self.rpr_chain(p, r):
            f = rpr.find("w:rFonts", NS)
            if f is None:
                continue
            for attr in ("ascii", "hAnsi", "cs", "eastAsia"):
                if attr not in out and f.get(q(f"w:{attr}")) is not None:
                    out[attr] = f.get(q(f"w:{attr}"))
        return out

    # document structure
    def paragraphs(self, root: etree._Element | None = None) -> list[Para]:
        return [Para(p, self) for p in (self.body if root is None else root).iter(q("w:p"))]

    def by_style(self, style: str) -> list[Para]:
        return [p for p in self.paragraphs() if p.style == style]

    def one(self, style: str) -> Para:
        found = self.by_style(style)
        assert len(found) == 1, f"{style}: {len(found)} paragraphs"
        return found[0]

    @property
    def tables(self) -> list[etree._Element]:
        return self.body.findall("w:tbl", NS)

    def table_style(self, tbl: etree._Element) -> str | None:
        style = tbl.find("w:tblPr/w:tblStyle", NS)
        return style.get(q("w:val")) if style is not None else None

    @property
    def layout_tables(self) -> list[etree._Element]:
        """The borderless layout tables (HeaderBlock): the header, then the signature."""
        return [t for t in self.tables if self.table_style(t) == "HeaderBlock"]

    @property
    def header_table(self) -> etree._Element:
        return self.layout_tables[0]

    @property
    def signature_table(self) -> etree._Element:
        return self.layout_tables[1]

    @property
    def appendix_tables(self) -> list[etree._Element]:
        """The bordered tables after the signature: one per appendix (a body table, which
        comes before the signature, is not one)."""
        after = self.tables[self.tables.index(self.signature_table) + 1:]
        return [t for t in after if self.table_style(t) == "Table"]

    def cell(self, tbl: etree._Element, row: int, col: int) -> etree._Element:
        return tbl.findall("w:tr", NS)[row].findall("w:tc", NS)[col]

    def cell_width(self, tbl: etree._Element, col: int) -> int:
        return int(tbl.findall("w:tblGrid/w:gridCol", NS)[col].get(q("w:w")))

    @property
    def sect_prs(self) -> list[etree._Element]:
        inner = [s for s in self.body.iter(q("w:sectPr")) if s.getparent().tag == q("w:pPr")]
        return [*inner, self.body.find("w:sectPr", NS)]

    def body_paragraphs(self) -> list[Para]:
        """Paragraphs between the trích yếu rule and the signature table (the $body$)."""
        children = list(self.body)
        start = children.index(self.one("TrichYeu").el) + 2
        end = children.index(self.signature_table)
        return [Para(c, self) for c in children[start:end] if c.tag == q("w:p")]

    def part_xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.parts[name])

    def header_parts(self) -> dict[str, etree._Element]:
        rels = etree.fromstring(self.parts["word/_rels/document.xml.rels"])
        targets = {r.get("Id"): r.get("Target") for r in rels}
        out = {}
        for ref in self.sect_prs[0].findall("w:headerReference", NS):
            rid = ref.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
            out[ref.get(q("w:type"))] = self.part_xml("word/" + targets[rid])
        return out


# ------------------------------------------------------------------------------------------
# independent text measurement (fontTools, Liberation Serif = TNR advance widths)


@lru_cache(maxsize=4)
def _font(bold: bool, italic: bool):  # type: ignore[no-untyped-def]
    from fontTools.ttLib import TTFont

    name = {(0, 0): "Regular", (1, 0): "Bold", (0, 1): "Italic", (1, 1): "BoldItalic"}
    return TTFont(str(FONTS / f"LiberationSerif-{name[(int(bold), int(italic))]}.ttf"))


def text_width(text: str, size: float, bold: bool = False, italic: bool = False) -> float:
    """Width in twips."""
    font = _font(bold, italic)
    cmap, hmtx = font.getBestCmap(), font["hmtx"]
    units = sum(hmtx[cmap.get(ord(c), ".notdef")][0] for c in text)
    return units / font["head"].unitsPerEm * size * 20


def para_width(p: Para) -> float:
    return text_width(p.text, p.size(), p.flag("w:b"), p.flag("w:i"))


def rule_length(p: Para, container: int) -> int:
    """Length of the bottom-border rule of an empty KeNgang paragraph in a box ``container``."""
    assert p.style == "KeNgang" and p.text == ""
    assert p.el.find("w:pPr/w:pBdr/w:bottom", NS).get(q("w:val")) == "single"
    left, right = p.indent("left"), p.indent("right")
    assert left == right, "rule not centred"
    return container - left - right


def following(p: Para) -> Para:
    nxt = p.el.getnext()
    assert nxt is not None and nxt.tag == q("w:p")
    return Para(nxt, p.doc)


# ------------------------------------------------------------------------------------------
# fixtures


def test_issued_fixture_is_the_draft_with_number_and_date() -> None:
    """The two fixture inputs differ only in what issuing fills in, so the R16/R18/R20 tests
    compare the same document as a draft and as issued."""
    draft = FIXTURE.read_text(encoding="utf-8").splitlines()
    issued = FIXTURE_ISSUED.read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(draft, issued, strict=True) if a != b]
    assert changed == [
        ('so-ky-hieu: "      /BC-KHCN"', 'so-ky-hieu: "1234/BC-KHCN"'),
        ('dia-danh-ngay: "Bắc Giang, ngày    tháng 9 năm 2023"',
         'dia-danh-ngay: "Bắc Giang, ngày 28 tháng 9 năm 2023"'),
        ("draft: true", "draft: false"),
        ('  kem-theo: "(Kèm theo Báo cáo số      /BC-KHCN ngày    tháng 9 năm 2023 của Sở Khoa '
         'học và Công nghệ)"',
         '  kem-theo: "(Kèm theo Báo cáo số 1234/BC-KHCN ngày 28 tháng 9 năm 2023 của Sở Khoa '
         'học và Công nghệ)"'),
    ]


@pytest.fixture(scope="module", params=REPORTS, ids=[r.id for r in REPORTS])
def case(request: pytest.FixtureRequest) -> ReportExpect:
    return request.param


@pytest.fixture(scope="module")
def source(case: ReportExpect) -> str:
    if case is SEPTEMBER_2023:
        return FIXTURE.read_text(encoding="utf-8")
    return official_sample(ROOT, case.id)


def _issued_source(case: ReportExpect, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The report as issued: the September fixture's issued variant; May 2025 issued by
    ``baocao issue`` on a copy of the shipped repository (number 123, 20/5/2025)."""
    if case is SEPTEMBER_2023:
        return FIXTURE_ISSUED.read_text(encoding="utf-8")
    root = copy_shipped_repo(tmp_path_factory.mktemp("issued") / "repo")
    result = CliRunner().invoke(cli, ["--repo", str(root), "issue", case.id, "--number", "123",
                                      "--date", "2025-05-20"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return official_sample(root, case.id)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, source: str) -> Path:
    out = tmp_path_factory.mktemp("docx") / "bao-cao.docx"
    write_docx(source, out, templates=TEMPLATES)
    return out


@pytest.fixture(scope="module")
def doc(built: Path) -> Docx:
    return Docx(built)


@pytest.fixture(scope="module")
def final_doc(tmp_path_factory: pytest.TempPathFactory, case: ReportExpect) -> Docx:
    out = tmp_path_factory.mktemp("final") / "bao-cao.docx"
    write_docx(_issued_source(case, tmp_path_factory), out, templates=TEMPLATES)
    return Docx(out)


def test_may_2025_issued_differs_from_the_draft_in_number_and_date_only(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    """As for September's fixtures: the R16/R18/R20 tests compare one document as a draft and
    as issued; issuing fills in the number and the date (and the appendices' "Kèm theo")."""
    def split(text: str) -> tuple[dict, str]:
        head, body = text.split("\n---\n", 1)
        return yaml.safe_load(head.removeprefix("---\n")), body

    draft, draft_body = split(official_sample(ROOT, MAY_2025.id))
    issued, issued_body = split(_issued_source(MAY_2025, tmp_path_factory))
    assert issued_body == draft_body
    changed = {k for k in {*draft, *issued} if draft.get(k) != issued.get(k)}
    assert changed == {"date", "so-ky-hieu", "dia-danh-ngay", "draft", "phu-luc"}
    assert draft["so-ky-hieu"] == "\u00a0" * 6 + "/BC-KHCN" and draft["draft"] is True
    assert draft["dia-danh-ngay"] == "Bắc Giang, ngày" + "\u00a0" * 5 + "tháng 5 năm 2025"
    assert "date" not in draft and issued["date"] == "2025-05-20"
    assert issued["so-ky-hieu"] == "123/BC-KHCN" and issued["draft"] is False
    assert issued["dia-danh-ngay"] == "Bắc Giang, ngày 20 tháng 5 năm 2025"
    for before, after in zip(draft["phu-luc"], issued["phu-luc"], strict=True):
        assert {**before, "kem-theo": None} == {**after, "kem-theo": None}
        assert after["kem-theo"] == ("(Kèm theo Báo cáo số 123/BC-KHCN ngày 20 tháng 5 năm 2025 của Sở "
                                     "Khoa học và Công nghệ)")


# ------------------------------------------------------------------------------------------
# A. page setup


def test_R1_paper_a4(doc: Docx) -> None:
    for sect in doc.sect_prs:
        size = sect.find("w:pgSz", NS)
        dims = sorted((int(size.get(q("w:w"))), int(size.get(q("w:h")))))
        assert abs(dims[0] - 11906) <= 2 and abs(dims[1] - 16838) <= 2


def test_R2_body_portrait_appendix_landscape(doc: Docx, case: ReportExpect) -> None:
    sections = doc.python_docx.sections
    assert len(sections) == 1 + len(case.appendices)  # the body, then one per appendix
    assert sections[0].orientation == WD_ORIENT.PORTRAIT
    assert sections[0].page_width < sections[0].page_height
    for appendix in sections[1:]:
        assert appendix.orientation == WD_ORIENT.LANDSCAPE
        assert appendix.page_width > appendix.page_height
    # The landscape sections hold the appendices only: everything after the first break.
    children = list(doc.body)
    brk = next(i for i, c in enumerate(children) if c.find("w:pPr/w:sectPr", NS) is not None)
    after = children[brk + 1:]
    assert len(doc.appendix_tables) == len(case.appendices)
    assert all(t in after for t in doc.appendix_tables)
    assert doc.signature_table not in after
    assert not [c for c in after if c.find("w:pPr/w:pStyle[@w:val='BodyText']", NS) is not None]


def _margins(sect: etree._Element) -> dict[str, int]:
    mar = sect.find("w:pgMar", NS)
    return {k: int(mar.get(q(f"w:{k}"))) for k in ("top", "bottom", "left", "right", "header")}


def _assert_r3(m: dict[str, int]) -> None:
    assert 1133 <= m["top"] <= 1418 and 1133 <= m["bottom"] <= 1418
    assert 1700 <= m["left"] <= 1985
    assert 849 <= m["right"] <= 1135


def test_R3_margins(doc: Docx) -> None:
    m = _margins(doc.sect_prs[0])
    _assert_r3(m)
    assert m["header"] == 567
    sec = doc.python_docx.sections[0]
    assert round(sec.left_margin.mm) == 30 and round(sec.right_margin.mm) == 15
    assert round(sec.top_margin.mm) == 20 and round(sec.bottom_margin.mm) == 20


def test_R4_single_sided(doc: Docx) -> None:
    settings = doc.part_xml("word/settings.xml")
    assert settings.find("w:mirrorMargins", NS) is None
    assert settings.find("w:evenAndOddHeaders", NS) is None
    assert settings.find("w:gutterAtTop", NS) is None
    for sect in doc.sect_prs:
        assert int(sect.find("w:pgMar", NS).get(q("w:gutter"), "0")) == 0


def test_R5_landscape_margins(doc: Docx) -> None:
    for landscape in doc.sect_prs[1:]:
        assert landscape.find("w:pgSz", NS).get(q("w:orient")) == "landscape"
        _assert_r3(_margins(landscape))


# ------------------------------------------------------------------------------------------
# B. font, colour, encoding


def _all_runs(doc: Docx) -> Iterator[tuple[etree._Element, etree._Element]]:
    roots = [doc.root, *doc.header_parts().values()]
    for root in roots:
        for p in root.iter(q("w:p")):
            for r in p.iter(q("w:r")):
                yield p, r


def test_R6_font_colour_encoding(doc: Docx) -> None:
    n = 0
    for p, r in _all_runs(doc):
        fonts = doc.fonts(p, r)
        assert fonts == {"ascii": TNR, "hAnsi": TNR, "cs": TNR, "eastAsia": TNR}, fonts
        color = doc.rprop(p, r, "w:color")
        assert color is None or color.get(q("w:val")) in ("000000", "auto")
        n += 1
    assert n > 150
    # No theme fonts or theme colours can override TNR/black anywhere in the style sheet.
    styles_xml = doc.parts["word/styles.xml"].decode()
    assert "Theme" not in re.sub(r"<w:latentStyles.*?</w:latentStyles>|<w:latentStyles[^>]*/>",
                                 "", styles_xml, flags=re.S)
    assert "themeColor" not in styles_xml
    for name in ("word/document.xml", "word/styles.xml", "word/header1.xml"):
        text = doc.parts[name].decode("utf-8")
        assert unicodedata.is_normalized("NFC", text)
        assert not re.search(r"[\ue000-\uf8ff]", text), "private-use code points"


def test_R8_size_set(doc: Docx) -> None:
    sizes = tuple(doc.one(s).size() for s in ("QuocHieu", "TieuNgu", "DiaDanh"))
    assert sizes in {(13, 14, 14), (12, 13, 13)}
    assert sizes == (13, 14, 14)


# ------------------------------------------------------------------------------------------
# C. header block


def test_R9_quoc_hieu(doc: Docx) -> None:
    assert doc.body[0] is doc.header_table  # first thing on page 1
    p = Para(doc.cell(doc.header_table, 0, 1).find("w:p", NS), doc)
    assert p.text == QUOC_HIEU
    assert p.flag("w:b") and not p.flag("w:i")
    assert p.size() in (12, 13)
    assert p.jc == "center"


def test_R10_tieu_ngu_and_rule(doc: Docx) -> None:
    p = doc.one("TieuNgu")
    assert p.text == TIEU_NGU
    assert "\u2013" not in p.text and p.text.count(" - ") == 2
    assert p.flag("w:b") and not p.flag("w:i")
    assert p.size() in (13, 14) and p.jc == "center"
    assert p.el.getparent() is doc.cell(doc.header_table, 0, 1)
    rule = rule_length(following(p), doc.cell_width(doc.header_table, 1))
    expected = para_width(p)  # ≈ 6.05 cm at 14 pt bold
    assert abs(rule - expected) <= 0.10 * expected, (rule, expected)
    assert abs(expected / 567 - 6.05) < 0.1


def test_R11_quoc_hieu_tieu_ngu_single_spacing(doc: Docx) -> None:
    qh, tn = doc.one("QuocHieu"), doc.one("TieuNgu")
    assert qh.el.getnext() is tn.el  # no empty paragraph between
    for p in (qh, tn):
        assert p.spacing("line", 240) == 240
        assert p.ppr("w:spacing").get(q("w:lineRule"), "auto") == "auto"
    assert qh.spacing("after") == 0 and tn.spacing("before") == 0


def test_R12_co_quan_chu_quan(doc: Docx) -> None:
    p = doc.one("CoQuanChuQuan")
    assert p.text == "UBND TỈNH BẮC GIANG" and p.text == p.text.upper()
    assert not p.flag("w:b") and not p.flag("w:i")
    assert p.size() in (12, 13) and p.jc == "center"
    assert p.el.getparent() is doc.cell(doc.header_table, 0, 0)


def test_R13_co_quan_and_rule(doc: Docx) -> None:
    p = doc.one("CoQuanBanHanh")
    assert p.text == "SỞ KHOA HỌC VÀ CÔNG NGHỆ" and p.text == p.text.upper()
    assert p.flag("w:b") and not p.flag("w:i")
    assert p.size() in (12, 13) and p.jc == "center"
    assert doc.one("CoQuanChuQuan").el.getnext() is p.el
    rule = rule_length(following(p), doc.cell_width(doc.header_table, 0))
    width = para_width(p)
    assert width / 3 * 0.9 <= rule <= width / 2 * 1.1, (rule, width)


def test_R14_header_lines_fit_and_positions(doc: Docx) -> None:
    tbl = doc.header_table
    total = sum(doc.cell_width(tbl, c) for c in (0, 1))
    text_width_tw = 11906 - 1701 - 850
    assert total <= text_width_tw + 1
    margins = tbl.find("w:tblPr/w:tblCellMar", NS)
    pad = sum(int(margins.find(f"w:{s}", NS).get(q("w:w"))) for s in ("left", "right"))
    for row in range(2):
        for col in range(2):
            width = doc.cell_width(tbl, col) - pad
            for p in doc.paragraphs(doc.cell(tbl, row, col)):
                if p.text:
                    assert para_width(p) <= width, f"{p.text!r} would wrap"
    assert doc.one("QuocHieu").el.getparent() is doc.cell(tbl, 0, 1)  # ô 1: top right
    assert doc.one("CoQuanBanHanh").el.getparent() is doc.cell(tbl, 0, 0)  # ô 2: top left


def test_R15_header_table_borderless_fixed(doc: Docx) -> None:
    tbl = doc.header_table
    tbl_pr = tbl.find("w:tblPr", NS)
    assert tbl_pr.find("w:tblStyle", NS).get(q("w:val")) == "HeaderBlock"
    assert tbl_pr.find("w:tblLayout", NS).get(q("w:type")) == "fixed"
    for b in tbl_pr.find("w:tblBorders", NS):
        assert b.get(q("w:val")) in ("nil", "none")
    style_borders = doc.styles["HeaderBlock"].find("w:tblPr/w:tblBorders", NS)
    assert all(b.get(q("w:val")) in ("nil", "none") for b in style_borders)
    grid = [int(g.get(q("w:w"))) for g in tbl.findall("w:tblGrid/w:gridCol", NS)]
    assert len(grid) == 2 and sum(grid) == int(tbl_pr.find("w:tblW", NS).get(q("w:w")))
    for tc in tbl.iter(q("w:tc")):
        assert tc.find("w:tcPr/w:vAlign", NS).get(q("w:val")) == "top"
        for b in tc.find("w:tcPr/w:tcBorders", NS):
            assert b.get(q("w:val")) in ("nil", "none")
    # The rules are borders of empty paragraphs, never underscore characters.
    assert "___" not in "".join(p.text for p in doc.paragraphs())


# ------------------------------------------------------------------------------------------
# D, E. Số, ký hiệu, địa danh, ngày


def test_R16_so_ky_hieu(doc: Docx, final_doc: Docx) -> None:
    draft = doc.one("SoKyHieu")
    assert re.fullmatch(r"Số:[ \u00a0]{2,}/BC-[A-ZĐ0-9]+", draft.text), draft.text
    final = final_doc.one("SoKyHieu")
    assert re.fullmatch(r"Số: (0[1-9]|[1-9]\d+)/BC-[A-ZĐ0-9]+", final.text), final.text
    for p in (draft, final):
        assert p.size() == 13 and not p.flag("w:b") and not p.flag("w:i")


def test_R17_so_position(doc: Docx) -> None:
    p = doc.one("SoKyHieu")
    assert p.el.getparent() is doc.cell(doc.header_table, 1, 0)  # left column, below the agency
    assert p.jc == "center"


def test_R18_ky_hieu_bc(final_doc: Docx) -> None:
    ky_hieu = final_doc.one("SoKyHieu").text.split("/", 1)[1]
    assert ky_hieu.startswith("BC-") and ky_hieu == ky_hieu.upper() and " " not in ky_hieu


def test_R20_date_format(doc: Docx, final_doc: Docx) -> None:
    assert re.fullmatch(r"Bắc Giang, ngày[ \u00a0]+tháng (0[12]|[3-9]|1[0-2]) năm \d{4}",
                        doc.one("DiaDanh").text)
    assert re.fullmatch(
        r"Bắc Giang, ngày (0[1-9]|[12]\d|3[01]) tháng (0[12]|[3-9]|1[0-2]) năm \d{4}",
        final_doc.one("DiaDanh").text,
    )


def test_R21_date_style_and_row(doc: Docx) -> None:
    p = doc.one("DiaDanh")
    assert p.flag("w:i") and not p.flag("w:b")
    assert p.size() == doc.one("TieuNgu").size()
    assert p.jc == "center"
    assert p.el.getparent() is doc.cell(doc.header_table, 1, 1)  # same row as "Số"


# ------------------------------------------------------------------------------------------
# F. tên loại, trích yếu


def test_R22_ten_loai(doc: Docx) -> None:
    p = doc.one("TenLoaiVanBan")
    assert p.text == "BÁO CÁO"
    assert p.flag("w:b") and not p.flag("w:i") and p.size() in (13, 14) and p.jc == "center"


def test_R23_trich_yeu(doc: Docx) -> None:
    p = doc.one("TrichYeu")
    assert doc.one("TenLoaiVanBan").el.getnext() is p.el
    assert p.text.startswith("Kết quả công tác") and p.text != p.text.upper()
    assert not p.text.startswith("V/v")
    assert p.flag("w:b") and not p.flag("w:i") and p.size() in (13, 14) and p.jc == "center"


def test_R24_trich_yeu_rule(doc: Docx) -> None:
    p = doc.one("TrichYeu")
    rule = rule_length(following(p), 11906 - 1701 - 850)
    width = para_width(p)
    assert width < 11906 - 1701 - 850  # one line here (≈ 13.5 cm), so it is the longest line
    assert width / 3 * 0.9 <= rule <= width / 2 * 1.1, (rule, width)


def test_R25_kinh_gui(doc: Docx, case: ReportExpect) -> None:
    """A report sent to a superior names it under the trích yếu: "Kính gửi: …" (one addressee
    on the line), upright, not bold, centred; a report without addressees has none."""
    lines = [p for p in doc.paragraphs() if p.text.startswith("Kính gửi")]
    if case.kinh_gui is None:
        assert not lines
        return
    assert [p.text for p in lines] == [f"Kính gửi: {case.kinh_gui}"]
    p = lines[0]
    assert p.el.getprevious() is following(doc.one("TrichYeu")).el  # right under the rule
    assert p.size() in (13, 14) and not p.flag("w:b") and not p.flag("w:i") and p.jc == "center"
    assert para_width(p) <= 11906 - 1701 - 850  # on one line
    assert p.el in [b.el for b in doc.body_paragraphs()][:1]  # before any body text


# ------------------------------------------------------------------------------------------
# G, H. body text, headings, labels


def test_R26_body_paragraphs(doc: Docx) -> None:
    body = [p for p in doc.body_paragraphs() if p.style in ("BodyText", "FirstParagraph")]
    assert len(body) > 30
    previous_after = 0
    for p in body:
        assert p.jc == "both", p.text
        assert p.size() in (13, 14)
        assert abs(p.indent("firstLine") - 720) <= 10 or abs(p.indent("firstLine") - 567) <= 10
        assert p.ppr("w:contextualSpacing") is None
        assert previous_after + p.spacing("before") >= 120
        spacing = p.ppr("w:spacing")
        assert spacing.get(q("w:lineRule"), "auto") == "auto"
        assert 240 <= p.spacing("line", 240) <= 360
        assert not on(doc.rprop(p.el, None, "w:i")), "body style must be upright"
        assert not on(doc.rprop(p.el, p.runs[0], "w:i"))  # emphasis inside is content
        previous_after = p.spacing("after")


def test_R27_body_ends_with_terminator(doc: Docx) -> None:
    last = [p for p in doc.body_paragraphs() if p.text][-1]
    assert last.text.endswith("./.")


def test_R29_diem_labels_vietnamese(doc: Docx, case: ReportExpect) -> None:
    labels = [
        m.group(1)
        for p in doc.body_paragraphs()
        if (m := re.match(r"^(\w{1,2})\) ", p.text))
    ]
    assert labels == list(case.diem)  # Vietnamese letters: a) b) c) d) đ) e) g), no f
    assert "f" not in labels
    xml = doc.parts["word/document.xml"].decode()
    assert "<w:numPr" not in xml, "Word numbering must not be used"
    for p in doc.body_paragraphs():
        assert not re.match(r"^[a-z]\. ", p.text), f"Latin lettered label: {p.text!r}"


def test_R30_heading_numbering(doc: Docx) -> None:
    """Phần (Heading1) → Mục "I." (Heading2, its title in capitals) → khoản "1." (Heading3);
    a khoản right under a Phần, with no Mục above it, is Heading2: no level is skipped."""
    h1 = [p.text for p in doc.by_style("Heading1")]
    # the label on its own line, then the title (on as many lines as its balanced breaks give)
    assert h1 and all(re.fullmatch(r"Phần [IVXLC]+\n\S.+", t, re.S) for t in h1), h1
    h2 = [p.text for p in doc.by_style("Heading2")]
    assert h2 and all(re.match(r"^[IVXLC]+\. \S", t) and t == t.upper()
                      or re.match(r"^\d+\. \S", t) for t in h2), h2
    h3 = [p.text for p in doc.by_style("Heading3")]
    assert h3 and all(re.match(r"^\d+\. \S", t) for t in h3), h3
    levels = [int(p.style[-1]) for p in doc.body_paragraphs()
              if re.fullmatch(r"Heading[1-9]", p.style)]
    assert levels[0] == 1 and all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))


def test_R31_bullet_levels_literal(doc: Docx) -> None:
    texts = [p.text for p in doc.body_paragraphs()]
    assert any(t.startswith("- ") for t in texts)
    assert any(t.startswith("+ ") for t in texts)
    assert not any("•" in t for t in texts)
    for p in doc.body_paragraphs():
        if p.text[:2] in ("- ", "+ "):
            assert p.style in ("BodyText", "FirstParagraph")
            assert not on(doc.rprop(p.el, p.runs[0], "w:i")) and p.size() in (13, 14)
    # "+" items come after a "-" item that introduces them.
    first_plus = next(i for i, t in enumerate(texts) if t.startswith("+ "))
    assert texts[first_plus - 1].startswith("- ")


def test_R32_headings_have_titles(doc: Docx) -> None:
    for style in ("Heading1", "Heading2", "Heading3"):
        for p in doc.by_style(style):
            title = re.sub(r"^(Phần [IVXLC]+\n|[IVXLC]+\. |\d+\. )", "", p.text)
            assert len(title.strip()) > 3, p.text


def test_R33_heading_styles(doc: Docx) -> None:
    for style in ("Heading1", "Heading2", "Heading3"):
        for p in doc.by_style(style):
            assert p.flag("w:b") and not p.flag("w:i")
            assert p.size() == 14
            assert doc.fonts(p.el, p.runs[0])["ascii"] == TNR
            color = p.rpr("w:color")
            assert color is None or color.get(q("w:val")) in ("000000", "auto")
            assert on(p.ppr("w:keepNext"))
            assert p.ppr("w:numPr") is None
    assert doc.by_style("Heading1")[0].jc == "center"
    # Mục in capitals (IN HOA): the text itself, no formatting that changes the case (Word's
    # navigation pane and a copy show the text; tests/test_navigation.py)
    muc = [p for p in doc.by_style("Heading2") if re.match(r"[IVXLC]+\. ", p.text)]
    assert muc and all(p.text == p.text.upper() for p in muc)
    for style in ("Heading1", "Heading2", "Heading3"):
        for p in doc.by_style(style):
            assert not on(p.rpr("w:caps"))


# ------------------------------------------------------------------------------------------
# I. page numbering


def test_R34_page_numbers(doc: Docx) -> None:
    first_section = doc.sect_prs[0]
    assert first_section.find("w:titlePg", NS) is not None
    pg_num = first_section.find("w:pgNumType", NS)
    assert pg_num is None or pg_num.get(q("w:start"), "1") == "1"
    assert first_section.find("w:footerReference", NS) is None
    headers = doc.header_parts()
    first = headers["first"]
    assert "".join(first.itertext()).strip() == ""
    assert first.find(".//w:fldChar", NS) is None and first.find(".//w:fldSimple", NS) is None
    default = headers["default"]
    instr = "".join(t.text for t in default.iter(q("w:instrText")))
    assert instr.strip() == "PAGE"
    p = Para(default.find("w:p", NS), doc)
    assert p.jc == "center"
    for r in default.iter(q("w:r")):
        assert doc.size(p.el, r) in (13, 14)
        assert not on(doc.rprop(p.el, r, "w:b")) and not on(doc.rprop(p.el, r, "w:i"))


def test_R35_appendix_page_numbering(doc: Docx, case: ReportExpect) -> None:
    appendices = doc.sect_prs[1:]  # each appendix is a section of its own
    assert len(appendices) == len(case.appendices)
    for appendix in appendices:
        assert appendix.find("w:pgNumType", NS).get(q("w:start")) == "1"
        assert appendix.find("w:titlePg", NS) is not None  # its page 1 unnumbered (first header)
        # No own header references: it inherits the numbered default and the empty first header.
        assert appendix.find("w:headerReference", NS) is None
    assert {"default", "first"} <= set(doc.header_parts())


# ------------------------------------------------------------------------------------------
# J, K. signature, Nơi nhận


def _signature_cell(doc: Docx) -> list[Para]:
    return doc.paragraphs(doc.cell(doc.signature_table, 0, 1))


def test_R36_quyen_han(doc: Docx, case: ReportExpect) -> None:
    texts = [p.text for p in _signature_cell(doc)]
    assert texts[:len(case.signer)] == list(case.signer)  # KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC, …
    assert [t for t in texts if t] == [*case.signer, case.name]
    if case.signer == ("GIÁM ĐỐC",):  # the head signs: no authority line at all
        assert not any(re.match(r"(KT|TM|TL|TUQ|Q)\. ", t) for t in texts)


def test_R37_signer_title_style(doc: Docx) -> None:
    for p in doc.by_style("ChucVu"):
        assert p.text == p.text.upper() or on(p.rpr("w:caps"))
        assert p.flag("w:b") and not p.flag("w:i") and p.size() in (13, 14) and p.jc == "center"


def test_R38_signer_name(doc: Docx, case: ReportExpect) -> None:
    p = doc.one("HoTen")
    assert p.text == case.name and p.text != p.text.upper()
    assert not re.match(r"^(TS|ThS|PGS|GS|KS|BS|CN)\.", p.text)
    assert p.flag("w:b") and not p.flag("w:i") and p.size() in (13, 14) and p.jc == "center"
    assert not on(p.rpr("w:caps"))


def test_R39_signature_space(doc: Docx) -> None:
    assert doc.one("HoTen").spacing("before") >= 1134  # ≥ 2 cm to sign and stamp


def test_R40_signature_table(doc: Docx) -> None:
    assert len(doc.layout_tables) == 2  # the header block and the signature block, no other
    tbl = doc.signature_table
    assert tbl.find("w:tblPr/w:tblStyle", NS).get(q("w:val")) == "HeaderBlock"
    assert tbl.find("w:tblPr/w:tblLayout", NS).get(q("w:type")) == "fixed"
    assert all(b.get(q("w:val")) in ("nil", "none") for b in tbl.find("w:tblPr/w:tblBorders", NS))
    assert len(tbl.findall("w:tblGrid/w:gridCol", NS)) == 2
    rows = tbl.findall("w:tr", NS)
    assert len(rows) == 1 and rows[0].find("w:trPr/w:cantSplit", NS) is not None
    assert all(p.jc == "center" for p in _signature_cell(doc))
    # Never a signature alone on a page: the last body paragraph keeps with the block.
    last = [p for p in doc.body_paragraphs() if p.text][-1]
    between = last.el.getnext()
    while between is not None and between.tag == q("w:bookmarkEnd"):  # pandoc's section marks
        between = between.getnext()
    assert between is tbl and on(last.ppr("w:keepNext"))


def test_R41_noi_nhan_label(doc: Docx, case: ReportExpect) -> None:
    p = doc.one("NoiNhanTieuDe")
    assert p.text == "Nơi nhận:"
    assert p.size() == 12 and p.flag("w:b") and p.flag("w:i") and p.jc == "left"
    left = doc.cell(doc.signature_table, 0, 0)
    assert left.find("w:p", NS) is p.el and p.indent("left") == 0
    # Same row as "KT. GIÁM ĐỐC" (or "GIÁM ĐỐC"), both first in their cells, same space above.
    sig = _signature_cell(doc)[0]
    assert sig.text == case.signer[0] and sig.spacing("before") == p.spacing("before")


def test_R42_noi_nhan_items(doc: Docx, case: ReportExpect) -> None:
    items = doc.by_style("NoiNhan")
    assert len(items) == case.noi_nhan
    if case.kinh_gui:  # sent to a superior (R25): the list opens with "Như trên", once
        assert items[0].text == "- Như trên;"
        assert [p.text for p in items].count("- Như trên;") == 1
    for p in items:
        assert p.size() == 11 and not p.flag("w:b") and not p.flag("w:i")
        assert p.text.startswith("- ")
        assert p.indent("left") - p.indent("hanging") == 0  # dash flush left
    assert all(p.text.endswith(";") for p in items[:-1])


def test_R43_luu_line(doc: Docx) -> None:
    assert re.fullmatch(r"- Lưu: VT, [^.;]+\.", doc.by_style("NoiNhan")[-1].text)


# ------------------------------------------------------------------------------------------
# L. Phụ lục


def test_R45_body_mentions_appendix(doc: Docx) -> None:
    assert "phụ lục" in " ".join(p.text for p in doc.body_paragraphs()).lower()


def test_R46_appendix_heading(doc: Docx, case: ReportExpect) -> None:
    headings = doc.by_style("PhuLucTieuDe")
    # lower case, not "PHỤ LỤC"; numbered I, II, … when there are several
    assert [p.text for p in headings] == [a.heading for a in case.appendices]
    names = doc.by_style("PhuLucTen")
    assert len(names) == len(headings)
    for p, name in zip(headings, names, strict=True):
        assert p.size() == 14 and p.flag("w:b") and not p.flag("w:i") and p.jc == "center"
        assert p.el.getnext() is name.el
        assert name.text == name.text.upper()
        assert name.flag("w:b") and name.size() in (13, 14) and name.jc == "center"
        # The heading opens a landscape section.
        assert p.el.getprevious().find("w:pPr/w:sectPr", NS) is not None


def test_R47_kem_theo(doc: Docx, final_doc: Docx, case: ReportExpect) -> None:
    lines = doc.by_style("KemTheo")
    assert len(lines) == len(case.appendices)
    for p, name in zip(lines, doc.by_style("PhuLucTen"), strict=True):
        assert name.el.getnext() is p.el
        # "(Kèm theo văn bản số …/…-… ngày …. tháng ….năm ….)": the draft keeps the blanks
        assert re.fullmatch(r"\(Kèm theo Báo cáo số[ \u00a0]+/BC-KHCN ngày[ \u00a0]+"
                            + re.escape(case.kem_theo_month)
                            + r" của Sở Khoa học và Công nghệ\)", p.text), p.text
        assert p.flag("w:i") and not p.flag("w:b") and p.size() in (13, 14) and p.jc == "center"
    assert [p.text for p in final_doc.by_style("KemTheo")] == [
        f"(Kèm theo Báo cáo số {case.kem_theo_issued} của Sở Khoa học và Công nghệ)"
    ] * len(case.appendices)


def test_R49_appendix_table(doc: Docx, case: ReportExpect) -> None:
    assert len(doc.appendix_tables) == len(case.appendices)
    children = list(doc.body)
    for tbl, expect in zip(doc.appendix_tables, case.appendices, strict=True):
        assert expect.rows is not None and expect.headers and expect.widths and expect.first_group
        assert children.index(tbl) > children.index(doc.signature_table)  # after the signature
        assert tbl.find("w:tblPr/w:tblStyle", NS).get(q("w:val")) == "Table"
        rows = tbl.findall("w:tr", NS)
        assert len(rows) == expect.rows
        assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
        assert all(r.find("w:trPr/w:tblHeader", NS) is None for r in rows[1:])
        assert all(r.find("w:trPr/w:cantSplit", NS) is not None for r in rows)
        header = [Para(p, doc) for p in rows[0].iter(q("w:p"))]
        assert [p.text for p in header] == list(expect.headers)
        assert all(p.flag("w:b") and p.jc == "center" for p in header)
        # The relative widths (September: [5, 15, 35, 10, 10, 10, 15]) spread over the
        # landscape text width but the table's indent of one cell padding (85 twips: inside
        # the margins in both of Word's layout modes, tests/test_docx_word.py).
        grid = [int(g.get(q("w:w"))) for g in tbl.findall("w:tblGrid/w:gridCol", NS)]
        landscape_text = 16838 - 1701 - 850
        assert tbl.find("w:tblPr/w:tblInd", NS).get(q("w:w")) == "85"
        assert sum(grid) == landscape_text - 85
        for got, rel in zip(grid, expect.widths, strict=True):
            assert abs(got - (landscape_text - 85) * rel / 100) <= 15  # pandoc rounds first
        assert tbl.find("w:tblPr/w:tblLayout", NS).get(q("w:type")) == "fixed"
        # Group rows: the group's number, then a label spanning the other columns, bold.
        group = rows[1].findall("w:tc", NS)
        span = group[1].find("w:tcPr/w:gridSpan", NS).get(q("w:val"))
        assert len(group) == 2 and span == str(len(expect.headers) - 1)
        assert Para(group[1].find("w:p", NS), doc).text == expect.first_group
        for p in doc.paragraphs(tbl):
            for r in p.runs:
                assert doc.size(p.el, r) >= 10
                assert doc.fonts(p.el, r)["ascii"] == TNR
            assert p.indent("firstLine") == 0


# ------------------------------------------------------------------------------------------
# determinism, round trip, the Lua filter on its own, errors


def test_determinism_same_bytes(built: Path, source: str, tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    again = tmp_path / "elsewhere" / "again.docx"
    write_docx(source, again, templates=TEMPLATES)
    assert again.read_bytes() == built.read_bytes()
    with zipfile.ZipFile(again) as z:
        assert z.namelist()[0] == "[Content_Types].xml"
        assert {i.date_time for i in z.infolist()} == {(2025, 10, 31, 0, 0, 0)}


def test_epoch_is_written(source: str, tmp_path: Path) -> None:
    out = tmp_path / "e.docx"
    write_docx(source, out, templates=TEMPLATES, epoch=1700000000)
    with zipfile.ZipFile(out) as z:
        assert b"2023-11-14T22:13:20Z" in z.read("docProps/core.xml")
        assert {i.date_time for i in z.infolist()} == {(2023, 11, 14, 22, 13, 20)}


def test_reference_docx_deterministic(tmp_path: Path) -> None:
    reference_docx_bytes.cache_clear()
    build_reference_docx(tmp_path / "a.docx")
    reference_docx_bytes.cache_clear()
    build_reference_docx(tmp_path / "b.docx")
    assert (tmp_path / "a.docx").read_bytes() == (tmp_path / "b.docx").read_bytes()


def _plain(text: str) -> str:
    # pandoc reads w:noBreakHyphen (the "-" inside a document number) as U+2011
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\u2011", "-")
    return re.sub(r"\s+", " ", text).strip().casefold()


def test_pandoc_reads_the_text_back(built: Path, source: str, case: ReportExpect) -> None:
    back = _plain(run_pandoc(["-f", "docx", "-t", "plain", "--wrap=none", str(built)]).decode())
    expected = run_pandoc(
        [f"--from={DOCUMENT_READER}", "-t", "plain", "--wrap=none",
         f"--lua-filter={TEMPLATES / 'filters' / 'official.lua'}"],
        input_text=prepare(source).text,
    ).decode()
    paragraphs = [_plain(p) for p in expected.split("\n\n") if p.strip()]
    assert len(paragraphs) > 40
    for para in paragraphs:
        assert para in back, para
    for needle in (QUOC_HIEU, TIEU_NGU, "Nơi nhận:", "- Lưu: VT, VP.", case.name,
                   *(a.heading for a in case.appendices), *case.needles):
        assert _plain(needle) in back, needle


def test_draft_blanks_survive_the_markdown_reader() -> None:
    nbsp = "\u00a0"
    text = (
        '---\nso-ky-hieu: "      /BC-KHCN"\n'
        "dia-danh-ngay: Bắc Giang, ngày    tháng 9 năm 2023\n"
        "trich-yeu: Hai  dấu cách\n---\n\nThân  bài.\n"
    )
    fixed = keep_draft_blanks(text)
    assert fixed.endswith("---\n\nThân  bài.\n")  # body untouched
    meta = read_metadata(fixed)
    assert meta["so-ky-hieu"] == nbsp * 6 + "/BC-KHCN"
    assert meta["dia-danh-ngay"] == f"Bắc Giang, ngày{nbsp * 4}tháng 9 năm 2023"
    assert meta["trich-yeu"] == "Hai dấu cách"  # other keys keep Markdown's collapsing
    assert keep_draft_blanks("Không có YAML.\n") == "Không có YAML.\n"
    # render/official.py writes the metadata block as JSON (pretty or on one line).
    for json_block in (
        '{\n "so-ky-hieu": "      /BC-KHCN",\n "phu-luc": {\n  "kem-theo": "(số    /BC)"\n }\n}',
        '{"so-ky-hieu": "      /BC-KHCN", "phu-luc": {"kem-theo": "(số    /BC)"}}',
    ):
        meta = read_metadata(keep_draft_blanks(f"---\n{json_block}\n---\n\nx\n"))
        assert meta["so-ky-hieu"] == nbsp * 6 + "/BC-KHCN"
        assert meta["phu-luc"]["kem-theo"] == f"(số{nbsp * 4}/BC)"


@pytest.fixture(scope="module")
def september_source() -> str:
    """The September fixture alone, for the tests of the writer and its filter that edit it."""
    return FIXTURE.read_text(encoding="utf-8")


def test_filter_is_format_agnostic(september_source: str) -> None:
    source = september_source
    typ = run_pandoc(
        [f"--from={DOCUMENT_READER}", "-t", "typst", "--wrap=none",
         f"--lua-filter={TEMPLATES / 'filters' / 'official.lua'}"],
        input_text=prepare(source).text,
    ).decode()
    assert "= Phần I \\\nTÌNH HÌNH" in typ
    assert "\nđ) " in typ and "\ng) " in typ and "\nf) " not in typ
    assert not re.search(r"^(- |\+ |\d+\. )", typ, flags=re.M), "typst list markers"


def test_appendix_errors_are_vietnamese(september_source: str, tmp_path: Path) -> None:
    source = september_source
    bad = source.replace("do-rong: [5, 15, 35, 10, 10, 10, 15]", "do-rong: [5, 15]")
    with pytest.raises(PandocError, match="'do-rong' có 2 giá trị nhưng bảng có 7 cột"):
        write_docx(bad, tmp_path / "bad.docx", templates=TEMPLATES)
    assert not (tmp_path / "bad.docx").exists()
    with pytest.raises(PandocError, match="Không tìm thấy tệp mẫu"):
        write_docx(source, tmp_path / "x.docx", templates=tmp_path)


def test_without_appendix_single_portrait_section(september_source: str, tmp_path: Path) -> None:
    head, body = september_source.split("\n---\n", 1)
    head = head.split("\nphu-luc:")[0].replace('quyen-han: "KT. GIÁM ĐỐC"', 'quyen-han: ""')
    out = tmp_path / "no-appendix.docx"
    write_docx(head + "\n---\n" + body, out, templates=TEMPLATES)
    d = Docx(out)
    assert len(d.sect_prs) == 1 and d.sect_prs[0].find("w:titlePg", NS) is not None
    assert d.python_docx.sections[0].orientation == WD_ORIENT.PORTRAIT
    assert [p.text for p in _signature_cell(d)] == ["PHÓ GIÁM ĐỐC", "Triệu Ngọc Trung"]
    assert not d.by_style("PhuLucTieuDe")
    assert ooxml_errors(out) == []


# ------------------------------------------------------------------------------------------
# real client: LibreOffice



def _top_band_text(page) -> str:  # type: ignore[no-untyped-def]
    """Text drawn in the top 20 mm of a pypdf page."""
    height = float(page.mediabox.height)
    parts: list[str] = []

    def visit(text, cm, tm, _font, _size):  # type: ignore[no-untyped-def]
        y = cm[5] + tm[5] * cm[3] if cm[3] else tm[5]
        if y > height - 20 / 25.4 * 72:
            parts.append(text)

    page.extract_text(visitor_text=visit)
    return "".join(parts).strip()


@pytest.mark.client
def test_libreoffice_renders(built: Path, tmp_path: Path, case: ReportExpect) -> None:
    from pypdf import PdfReader

    exe = soffice()
    fonts_conf = tmp_path / "fonts.conf"
    fonts_conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"<dir>{FONTS}</dir></fontconfig>",
        encoding="utf-8",
    )
    env = {**os.environ, "FONTCONFIG_FILE": str(fonts_conf), "HOME": str(tmp_path)}
    subprocess.run(
        [exe, f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(built)],
        check=True, capture_output=True, timeout=120, env=env,
    )
    reader = PdfReader(str(tmp_path / (built.stem + ".pdf")))
    shapes = ["portrait" if p.mediabox.height > p.mediabox.width else "landscape"
              for p in reader.pages]
    assert shapes[0] == "portrait" and shapes[-1] == "landscape"
    first_landscape = shapes.index("landscape")
    assert all(s == "portrait" for s in shapes[:first_landscape])
    assert all(s == "landscape" for s in shapes[first_landscape:])
    assert first_landscape >= 2 and len(shapes) - first_landscape >= 2
    for page in reader.pages:
        assert float(page.mediabox.width) * float(page.mediabox.height) == pytest.approx(
            595.3 * 841.9, rel=0.01)
    # Each appendix starts a page with its heading ("Phụ lục", "Phụ lục II", …).
    page_texts = [re.sub(r"\s+", " ", unicodedata.normalize("NFC", p.extract_text())).strip()
                  for p in reader.pages]
    starts = [i for i in range(first_landscape, len(shapes))
              if page_texts[i].startswith("Phụ lục")]
    assert starts[0] == first_landscape and len(starts) == len(case.appendices)
    for start, expect in zip(starts, case.appendices, strict=True):
        assert page_texts[start].startswith(expect.heading + " ")
    # Page numbers: none on page 1 nor on an appendix's first page, then 2, 3, … (every
    # appendix numbered on its own and at least two pages long)
    assert not re.search(r"\d", _top_band_text(reader.pages[0]))
    assert _top_band_text(reader.pages[1]) == "2"
    for start, end in zip(starts, [*starts[1:], len(shapes)], strict=True):
        assert end - start >= 2
        assert not re.search(r"\d", _top_band_text(reader.pages[start]))
        for i in range(start + 1, end):
            assert _top_band_text(reader.pages[i]) == str(i - start + 1)
    flat = " ".join(page_texts)
    for needle in (QUOC_HIEU, TIEU_NGU, "BÁO CÁO", "Nơi nhận:", *case.signer, case.name,
                   "Phụ lục", "Kết quả xử lý", "./."):
        assert needle in flat, needle
