"""Titles, margins and appendix columns of the official documents (issue 17, Build 5 and 7).

The audit of the September 2023 report found:

* the Phần I title wrapped as "…NHÀ NƯỚC VỀ KHOA ⏎ HỌC VÀ CÔNG NGHỆ" (a word split across
  lines); the justified Mục I heading stretched its first line and left "TỈNH GIAO" alone; the
  appendix title wrapped as one long line and a short tail, where a balanced break after
  "UBND TỈNH," reads better;
* commas, colons and hyphens at line ends hung up to 1.2 mm into the right margin of the PDF
  (typst's text overhang, 16 characters);
* the appendix gave "Nội dung công việc" 32 % of the width while "Kết quả xử lý" (38 mm) stood
  empty in 10 of 14 rows: rows grew tall and the last page held 2 rows.

Each is checked here on the real documents: the PDF through poppler's word boxes
(``pdftotext -bbox-layout``), the DOCX read back (its ``w:br`` and paragraph alignment) and,
where LibreOffice is installed, LibreOffice's rendering of the DOCX. Title breaks are computed
once and written to both documents, so both break every title at the same words.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT, copy_shipped_repo, edit_text, libreoffice_pdfs
from lxml import etree

from baocao.document.tree import bundle_images
from baocao.load import load_repository
from baocao.render.official import render_official_input
from baocao.write.docx import build_docx, write_atomic
from baocao.write.names import report_epoch
from baocao.write.pdf import write_pdf_from_typst

TEMPLATES = ROOT / "templates"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
MM = 72 / 25.4
#: Compound words of the shipped titles that must not be split across lines (the audit's and
#: the titles' own; the test's list, not the code's).
COMPOUNDS = ("KHOA HỌC", "CÔNG NGHỆ", "NHÀ NƯỚC", "NHIỆM VỤ", "CHỦ TỊCH", "KẾT QUẢ",
             "HOẠT ĐỘNG", "QUẢN LÝ", "TÌNH HÌNH", "THỰC HIỆN", "KẾT LUẬN", "CHỈ ĐẠO",
             "CÔNG TÁC", "CHÍNH SÁCH", "CƠ CHẾ", "ĐỔI MỚI", "SÁNG TẠO", "CHUYỂN ĐỔI",
             "THANH TRA", "CẢI CÁCH", "HÀNH CHÍNH", "DANH MỤC", "THEO DÕI", "THỜI HẠN",
             "BÁO CÁO", "THAM MƯU", "XÂY DỰNG", "BƯU CHÍNH", "VIỄN THÔNG", "ỦY BAN",
             "NHÂN DÂN")


# --------------------------------------------------------------------------------------------
# building and reading the documents


def _build(source: str, folder: Path, epoch: int) -> tuple[Path, Path]:
    docx, typst = build_docx(source, templates=TEMPLATES, epoch=epoch, with_typst=True)
    assert typst is not None
    write_atomic(folder / "r.docx", docx)
    write_pdf_from_typst(typst, folder / "r.pdf", templates=TEMPLATES, epoch=epoch,
                         images=bundle_images(source))
    return folder / "r.docx", folder / "r.pdf"


def _build_report(repo_root: Path, key: str, folder: Path) -> tuple[Path, Path]:
    repo, problems = load_repository(repo_root)
    assert not problems.errors, [p.format() for p in problems.errors]
    report = repo.report(key)
    assert report is not None
    return _build(render_official_input(repo, report), folder, report_epoch(report))


@pytest.fixture(scope="module")
def september(shipped_repo, tmp_path_factory) -> tuple[Path, Path]:
    report = shipped_repo.report("2023-09")
    return _build(render_official_input(shipped_repo, report),
                  tmp_path_factory.mktemp("sep"), report_epoch(report))


@pytest.fixture(scope="module")
def may(shipped_repo, tmp_path_factory) -> tuple[Path, Path]:
    report = shipped_repo.report("2025-05")
    return _build(render_official_input(shipped_repo, report),
                  tmp_path_factory.mktemp("may"), report_epoch(report))


@dataclass(frozen=True)
class Word:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass(frozen=True)
class Line:
    page: int
    page_width: float
    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1


_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_LINE = re.compile(r"<line [^>]*>(.*?)</line>", re.S)
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                   r"([^<]*)</word>")


def pdf_lines(pdf: Path) -> list[Line]:
    """Every line of the PDF as poppler sees it, in reading order."""
    out = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    lines: list[Line] = []
    for n, page in enumerate(_PAGE.finditer(out), 1):
        for line in _LINE.finditer(page.group(3)):
            words = tuple(Word(n, float(a), float(b), float(c), float(d),
                               unicodedata.normalize("NFC", html.unescape(t)))
                          for a, b, c, d, t in _WORD.findall(line.group(1)))
            if words:
                lines.append(Line(n, float(page.group(1)), words))
    return lines


def title_lines(lines: list[Line], title: str) -> list[str]:
    """The consecutive lines of *lines* whose words are exactly the words of *title*."""
    target = title.split()
    for i, line in enumerate(lines):
        if target[:len(line.words)] != [w.text for w in line.words]:
            continue
        got: list[str] = []
        j = i
        while j < len(lines) and len(" ".join(got).split()) < len(target):
            got.append(lines[j].text)
            j += 1
        if " ".join(got).split() == target:
            return got
    raise AssertionError(f"title not found in the PDF: {title}")


def docx_paragraphs(docx: Path) -> list[etree._Element]:
    with zipfile.ZipFile(docx) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    return list(root.iter(f"{{{W}}}p"))


def paragraph_lines(p: etree._Element) -> list[str]:
    """The text of a DOCX paragraph split at its w:br (what a reader of the DOCX sees as
    the paragraph's forced lines)."""
    parts = [""]
    for el in p.iter(f"{{{W}}}t", f"{{{W}}}br", f"{{{W}}}noBreakHyphen", f"{{{W}}}tab"):
        if el.tag == f"{{{W}}}br":
            parts.append("")
        elif el.tag == f"{{{W}}}noBreakHyphen":
            parts[-1] += "-"
        elif el.tag == f"{{{W}}}tab":
            parts[-1] += " "
        else:
            parts[-1] += el.text or ""
    return [" ".join(x.split()) for x in parts]


def docx_title(docx: Path, title: str) -> etree._Element:
    target = title.split()
    for p in docx_paragraphs(docx):
        if " ".join(paragraph_lines(p)).split()[-len(target):] == target:
            return p
    raise AssertionError(f"title not found in the DOCX: {title}")


def style_of(docx: Path, p: etree._Element) -> dict[str, str]:
    """The paragraph's alignment and first-line indent, from its own pPr, else its style
    chain (styles.xml)."""
    with zipfile.ZipFile(docx) as z:
        styles = etree.fromstring(z.read("word/styles.xml"))
    got: dict[str, str] = {}

    def take(ppr: etree._Element | None) -> None:
        if ppr is None:
            return
        jc = ppr.find("w:jc", NS)
        if jc is not None and "jc" not in got:
            got["jc"] = jc.get(f"{{{W}}}val")

    take(p.find("w:pPr", NS))
    style = p.find("w:pPr/w:pStyle", NS)
    sid = style.get(f"{{{W}}}val") if style is not None else "Normal"
    while sid:
        st = styles.find(f"w:style[@w:styleId='{sid}']", NS)
        if st is None:
            break
        take(st.find("w:pPr", NS))
        based = st.find("w:basedOn", NS)
        sid = based.get(f"{{{W}}}val") if based is not None else None
    return got


# --------------------------------------------------------------------------------------------
# the audit's titles (September 2023)

PHAN_I = "TÌNH HÌNH, KẾT QUẢ HOẠT ĐỘNG QUẢN LÝ NHÀ NƯỚC VỀ KHOA HỌC VÀ CÔNG NGHỆ"
MUC_I = "I. THỰC HIỆN NHIỆM VỤ DO UBND TỈNH, CHỦ TỊCH UBND TỈNH GIAO"
PHU_LUC = ("BÁO CÁO KẾT QUẢ THỰC HIỆN NHIỆM VỤ, KẾT LUẬN, CHỈ ĐẠO UBND TỈNH, CHỦ TỊCH UBND "
           "TỈNH GIAO THÁNG 9 NĂM 2023")


def _split_compounds(lines: list[str]) -> list[str]:
    out = []
    for a, b in zip(lines, lines[1:], strict=False):
        pair = f"{a.split()[-1]} {b.split()[0]}".upper()
        if pair in COMPOUNDS:
            out.append(pair)
    return out


def _widths(lines: list[Line], title: str) -> list[float]:
    """The printed widths of the lines of *title* in the PDF (points)."""
    texts = title_lines(lines, title)
    start = next(i for i, line in enumerate(lines) if line.text == texts[0])
    return [line.x1 - line.x0 for line in lines[start:start + len(texts)]]


def test_phan_title_keeps_words_whole_and_balanced(september):
    docx, pdf = september
    lines = pdf_lines(pdf)
    printed = title_lines(lines, PHAN_I)
    assert len(printed) == 2
    assert _split_compounds(printed) == []  # not "…VỀ KHOA ⏎ HỌC VÀ CÔNG NGHỆ"
    widths = _widths(lines, PHAN_I)
    assert min(widths) / max(widths) > 0.5, printed  # balanced, not a long line and a tail
    # the DOCX breaks the title at the same words (a w:br), after the "Phần I" label line
    assert paragraph_lines(docx_title(docx, PHAN_I)) == ["Phần I", *printed]


def test_muc_heading_not_justified_and_balanced(september):
    docx, pdf = september
    lines = pdf_lines(pdf)
    printed = title_lines(lines, MUC_I)
    assert len(printed) == 2
    assert printed[-1] != "TỈNH GIAO" and len(printed[-1].split()) >= 3
    widths = _widths(lines, MUC_I)
    assert min(widths) / max(widths) > 0.5, printed
    # not stretched: the gaps between the words of the first line are plain spaces (3.5 pt at
    # 14 pt bold), not a justified line's wider ones
    start = next(i for i, line in enumerate(lines) if line.text == printed[0])
    words = lines[start].words
    gaps = [b.x0 - a.x1 for a, b in zip(words, words[1:], strict=False)]
    assert max(gaps) < 4.0, gaps
    p = docx_title(docx, MUC_I)
    assert paragraph_lines(p) == printed
    assert style_of(docx, p).get("jc") not in ("both", "distribute")


def test_appendix_title_balanced_after_comma(september):
    docx, pdf = september
    lines = pdf_lines(pdf)
    printed = title_lines(lines, PHU_LUC)
    assert len(printed) == 2
    assert printed[0].endswith("UBND TỈNH,"), printed
    assert _split_compounds(printed) == []
    widths = _widths(lines, PHU_LUC)
    assert min(widths) / max(widths) > 0.5, printed
    assert paragraph_lines(docx_title(docx, PHU_LUC)) == printed


def _heading_texts(pdf_lines_: list[Line]) -> list[str]:
    return [line.text for line in pdf_lines_]


@pytest.mark.parametrize("which", ["september", "may"])
def test_no_heading_is_justified_and_no_compound_split(which, request):
    """Every Phần, Mục and khoản heading and every appendix title of both shipped reports:
    the DOCX lines (w:br) hold no split compound word, and no heading paragraph is justified."""
    docx, _ = request.getfixturevalue(which)
    with zipfile.ZipFile(docx) as z:
        styles = etree.fromstring(z.read("word/styles.xml"))
    headings = [p for p in docx_paragraphs(docx)
                if (s := p.find("w:pPr/w:pStyle", NS)) is not None
                and (s.get(f"{{{W}}}val").startswith("Heading")
                     or s.get(f"{{{W}}}val") == "PhuLucTen")]
    assert len(headings) >= 5
    for p in headings:
        assert _split_compounds(paragraph_lines(p)) == [], paragraph_lines(p)
        assert style_of(docx, p).get("jc") not in ("both", "distribute"), paragraph_lines(p)
    assert styles is not None


# --------------------------------------------------------------------------------------------
# hanging punctuation


@pytest.mark.parametrize("which", ["september", "may"])
def test_no_glyph_hangs_into_the_right_margin(which, request):
    """No word of the PDF reaches past the right margin (15 mm), portrait or landscape: typst's
    overhang let line-end commas, colons and hyphens hang up to 1.2 mm into it."""
    _, pdf = request.getfixturevalue(which)
    past = [(line.page, line.words[-1].text, round(line.x1 - (line.page_width - 15 * MM), 2))
            for line in pdf_lines(pdf) if line.x1 > line.page_width - 15 * MM + 0.05]
    assert past == []


# --------------------------------------------------------------------------------------------
# editor-forced break


def test_editor_forces_a_title_break(tmp_path):
    """A newline in a title (YAML "\\n") is a line break in both documents, at that word, and a
    space everywhere else (the site, the bookmarks)."""
    root = copy_shipped_repo(tmp_path / "repo", years=("2023",))
    edit_text(root / "content/2023/09/index.md",
              'title: "TÌNH HÌNH, KẾT QUẢ HOẠT ĐỘNG QUẢN LÝ NHÀ NƯỚC VỀ KHOA HỌC VÀ CÔNG NGHỆ"',
              'title: "TÌNH HÌNH, KẾT QUẢ HOẠT ĐỘNG\\nQUẢN LÝ NHÀ NƯỚC VỀ KHOA HỌC VÀ CÔNG NGHỆ"')
    docx, pdf = _build_report(root, "2023-09", tmp_path)
    want = ["TÌNH HÌNH, KẾT QUẢ HOẠT ĐỘNG", "QUẢN LÝ NHÀ NƯỚC VỀ KHOA HỌC VÀ CÔNG NGHỆ"]
    assert title_lines(pdf_lines(pdf), PHAN_I) == want
    assert paragraph_lines(docx_title(docx, PHAN_I)) == ["Phần I", *want]
    out = subprocess.run([sys.executable, "-m", "baocao", "-C", str(root), "render", "2023-09"],
                         check=True, capture_output=True, text=True).stdout
    assert PHAN_I in out  # the Markdown view reads the title on one line


# --------------------------------------------------------------------------------------------
# LibreOffice: the DOCX's title lines as Word-like software lays them out


def _libreoffice_pdf(docx: Path, folder: Path) -> Path:
    return libreoffice_pdfs({"lo": docx}, folder)["lo"]


@pytest.mark.client
def test_libreoffice_breaks_titles_as_the_pdf(september, tmp_path):
    docx, pdf = september
    lo = pdf_lines(_libreoffice_pdf(docx, tmp_path / "lo"))
    typst = pdf_lines(pdf)
    for title in (PHAN_I, MUC_I, PHU_LUC):
        assert title_lines(lo, title) == title_lines(typst, title)


# --------------------------------------------------------------------------------------------
# the rules, on titles of no report (write/title_lines.py, with the project's fonts)


def _lines_of(title: str, room) -> list[str]:
    from baocao.render.official import TITLE_BREAK, title_escape
    from baocao.write.docx_layout import FontMetrics
    from baocao.write.title_lines import break_title

    marked = break_title(title_escape(title), room, FontMetrics(TEMPLATES / "fonts"))
    return [" ".join(part.split()).replace("\\", "") for part in marked.split(TITLE_BREAK)]


def test_rules_on_synthetic_titles():
    from baocao.write.title_lines import HEADING, PHAN, PHU_LUC

    # never a number at the head of a line, never a heading's label alone
    title = ("IV. NHIỆM VỤ TRỌNG TÂM CỦA SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH BẮC GIANG TRONG "
             "THÁNG 12 NĂM 2025")
    lines = _lines_of(title, HEADING)
    assert len(lines) == 2 and " ".join(lines) == title
    assert not any(line.split()[0][0].isdigit() for line in lines), lines
    assert lines[0] != "IV."
    assert _split_compounds(lines) == []
    # a title that fits stays on one line
    assert _lines_of("NHIỆM VỤ CÔNG TÁC THÁNG 10/2023", PHAN) == ["NHIỆM VỤ CÔNG TÁC THÁNG 10/2023"]
    # an editor's break is kept, and a part still too long is balanced on its own
    forced = _lines_of("DANH MỤC\nNHIỆM VỤ UBND TỈNH, CHỦ TỊCH UBND TỈNH GIAO THEO DÕI TRONG "
                       "THÁNG 5/2025 VÀ CÁC NHIỆM VỤ CÓ THỜI HẠN TRONG KỲ BÁO CÁO", PHU_LUC)
    assert forced[0] == "DANH MỤC" and len(forced) == 3, forced
    assert _split_compounds(forced[1:]) == []



def _cost(lines, measure, first, rest):
    """The objective of :func:`baocao.write.title_lines.balanced_lines`, written out again."""
    from baocao.write.title_lines import _break_cost
    total, previous, space = 0.0, None, measure(" ")
    for k, line in enumerate(lines):
        slack = ((first if k == 0 else rest) - sum(map(measure, line)) - space * (len(line) - 1)) / rest
        if slack < 0:
            return None
        total += slack ** 2 + (2 * (previous - slack) ** 2 if previous is not None
                               and slack < previous else 0)
        previous = slack
        if k:
            total += _break_cost(lines[k - 1][-1], line[0], k == 1 and len(lines[0]) == 1)
    return total


def test_balanced_lines_is_the_best_of_every_set_of_breaks():
    """The dynamic programme finds breaks as good as the best an exhaustive search over every
    set of breaks finds (random titles of up to 14 words in 1 to 5 lines; equal costs may pick
    different breaks), so a very long heading costs little and changes no result."""
    import random
    from itertools import combinations

    from baocao.write.title_lines import balanced_lines
    vocab = ["KHOA", "HỌC", "VÀ", "CÔNG", "NGHỆ,", "NHÀ", "NƯỚC", "VỀ", "THÁNG", "9", "NĂM",
             "2023", "TÌNH", "HÌNH", "THỰC", "HIỆN", "NHIỆM", "VỤ", "DO", "UBND", "TỈNH;", "I."]
    rng = random.Random(17)
    seen_lines = set()
    for _ in range(300):
        words = [rng.choice(vocab) for _ in range(rng.randint(2, 14))]
        first = rng.randint(1500, 4000)
        rest = first + rng.choice([0, 300])

        def measure(s: str) -> int:
            return 100 * len(s) + 13 * s.count("Ư")
        got = balanced_lines(words, measure, first, rest)
        assert [w for line in got for w in line] == words
        n, count = len(words), len(got)
        costs = [c for cuts in combinations(range(1, n), count - 1)
                 if (c := _cost([words[a:b] for a, b in zip((0, *cuts), (*cuts, n), strict=True)],
                                measure, first, rest)) is not None]
        if costs:  # a title that cannot be set in *count* lines is left to the renderer
            assert _cost(got, measure, first, rest) <= min(costs) + 1e-9, (words, got)
        seen_lines.add(count)
    assert {1, 2, 3, 4} <= seen_lines


def test_no_break_space_in_a_title_is_kept(tmp_path):
    """docs/huong-dan-bien-tap.md: a no-break space (U+00A0) keeps its two words on one line.
    Without it, this Mục heading's balanced break falls exactly between "giao" and "tại"."""
    root = copy_shipped_repo(tmp_path / "repo", years=("2023",))
    edit_text(root / "content/2023/09/02-co-che-chinh-sach.md",
              'title: "Xây dựng cơ chế, chính sách, pháp luật về KH&CN"',
              'title: "Kết quả thực hiện các nhiệm vụ được giao\u00a0tại Quyết định số 123/QĐ-UBND '
              'ngày 15/9/2023 của Ủy ban nhân dân tỉnh"')
    repo, problems = load_repository(root)
    assert not problems.errors, [p.format() for p in problems.errors]
    report = repo.report("2023-09")
    assert report is not None
    docx, _ = build_docx(render_official_input(repo, report), templates=TEMPLATES,
                         epoch=report_epoch(report))
    write_atomic(tmp_path / "r.docx", docx)
    p = docx_title(tmp_path / "r.docx", "CỦA ỦY BAN NHÂN DÂN TỈNH")
    text = "".join(t.text or "" for t in p.iter(f"{{{W}}}t"))
    assert "GIAO\u00a0TẠI" in text, text  # the no-break space itself is kept
    lines = paragraph_lines(p)
    assert len(lines) >= 2, lines  # the heading is still broken, elsewhere
    assert not any(line.endswith("GIAO") for line in lines), lines
