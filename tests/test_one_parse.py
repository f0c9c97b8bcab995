"""Differential test of decision 11 (one parse): every snippet of the corpus reads the same on
the site, in the DOCX and in the PDF.

The corpus is the fixture repository tests/fixtures/one-parse: one report whose section files
are the snippets, one snippet per file, each under its own heading, so that every output can be
cut into the same pieces (tests/fixtures/one-parse/README.md says how to add one). The report is
built once with ``baocao build``; then, per snippet:

- site vs DOCX: the same words in the same order and the same block structure: a sequence of
  paragraph / list item (with its level) / table cell / footnote. A list marker is structure,
  not a word: the site shows it as ``<li>``, the DOCX as a literal "- " / "+ " / "* " prefix
  (templates/filters/official.lua) or as Word numbering;
- PDF vs DOCX: the same text in the same order (whitespace ignored, so line breaks do not count;
  typst does not hyphenate, ``hyphenate: false`` in templates/typst/report.typ), and the same
  footnote texts.

Then the three divergences of issue 14 are asserted with their expected reading, and the two
footnote mistakes that ``baocao check`` must refuse.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html
import pytest
import yaml
from click.testing import CliRunner
from conftest import FIXTURES, ROOT
from lxml import etree
from pypdf import PdfReader

from baocao.cli import cli

CORPUS = FIXTURES / "one-parse"
MONTH = "2024/01"
KEY = "2024-01"
SNIPPETS = sorted(p.stem for p in (CORPUS / "content" / MONTH).glob("[0-9][0-9]-*.md"))

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: Literal list prefixes of official.lua by depth ("- ", "+ ", deeper "* ").
DOCX_BULLETS = {"-": 1, "+": 2, "*": 3}
#: Characters a PDF may show for a list marker (literal prefixes or typst's list markers).
PDF_MARKERS = "-+*•‣◦–"
#: The closing block (recipients, signer) that follows the last section.
CLOSING = "Nơi nhận"
#: Stand-in for a footnote reference inside a block's text: "\x00" + key + "\x00".
_REF = re.compile(r"\x00([^\x00]*)\x00")
_SPACE = re.compile(r"[ \t\r\n]+")


def test_corpus_is_large_enough():
    assert len(SNIPPETS) >= 40


# --------------------------------------------------------------------------------------------
# Reading back: one neutral form for every output


@dataclass(frozen=True)
class Block:
    """One block of a section as a reader sees it: kind "p", "li", "cell" or "fn"; level (list
    depth, 0 otherwise); words (NFC, split on ordinary whitespace only, so a non-breaking space
    stays inside its word; a footnote reference is the word "⟨chú_thích_k⟩", k counting the
    section's distinct footnote texts in order of first reference)."""

    kind: str
    level: int
    words: tuple[str, ...]


@dataclass
class Section:
    """A section read from one output: its blocks (footnotes last) and the footnote text of
    every reference, in reference order (a note referenced twice appears twice)."""

    blocks: list[Block] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def words(self) -> list[str]:
        return [w for b in self.blocks for w in b.words]


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _words(text: str) -> tuple[str, ...]:
    return tuple(w for w in _SPACE.split(_nfc(text)) if w)


def _finish(raw: list[tuple[str, int, str]], note_text: dict[str, str]) -> Section:
    """Blocks whose text holds reference stand-ins → a Section with numbered references and
    the footnotes appended (distinct texts, in order of first reference)."""
    distinct: list[str] = []
    notes: list[str] = []

    def ref(m: re.Match[str]) -> str:
        text = " ".join(_words(note_text.get(m.group(1), f"?{m.group(1)}")))
        notes.append(text)
        if text not in distinct:
            distinct.append(text)
        return f" ⟨chú_thích_{distinct.index(text) + 1}⟩ "

    section = Section()
    for kind, level, text in raw:
        section.blocks.append(Block(kind, level, _words(_REF.sub(ref, text))))
    section.blocks += [Block("fn", 0, _words(t)) for t in distinct]
    section.notes = notes
    return section


# -- site -------------------------------------------------------------------------------------

_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def _classes(el: etree._Element) -> str:
    return f" {el.get('class') or ''} "


def _note_href(el: etree._Element) -> str | None:
    """The target id of a footnote reference (pandoc: ``a.footnote-ref``, role doc-noteref;
    Python-Markdown: ``sup > a.footnote-ref``; markdown-it: ``sup.footnote-ref > a``)."""
    if el.tag == "a" and (" footnote-ref " in _classes(el) or el.get("role") == "doc-noteref"):
        return (el.get("href") or "").lstrip("#")
    if el.tag == "sup" and not (el.text or "").strip() and len(el) == 1:
        inner = el[0]
        if _note_href(inner) is not None or (" footnote-ref " in _classes(el) and inner.tag == "a"):
            return (inner.get("href") or "").lstrip("#")
    return None


def _is_back_ref(el: etree._Element) -> bool:
    return el.tag == "a" and ("footnote-back" in _classes(el) or el.get("role") == "doc-backlink")


def _is_note_list(el: etree._Element) -> bool:
    return (el.get("role") in ("doc-endnotes", "doc-footnotes")
            or any(c == "footnote" or "footnotes" in c for c in _classes(el).split()))


def _html_inline(el: etree._Element, *, skip_blocks: bool = True) -> str:
    """Text of *el* with references as stand-ins; with *skip_blocks*, the blocks inside it
    (nested lists, tables, paragraphs of a loose item) are left out."""
    out: list[str] = [el.text or ""]
    for child in el:
        href = _note_href(child) if isinstance(child.tag, str) else None
        if href is not None:
            out.append(f" \x00{href}\x00 ")
        elif not isinstance(child.tag, str) or _is_back_ref(child) or (
                skip_blocks and child.tag in ("ul", "ol", "table", "p", "div", "section")):
            pass
        elif child.tag == "br":
            out.append(" ")
        else:
            out.append(_html_inline(child, skip_blocks=False))
        out.append(child.tail or "")
    return "".join(out)


def _html_block(el: etree._Element, depth: int, raw: list[tuple[str, int, str]]) -> None:
    """Blocks of one element of a section (*depth*: lists around it)."""
    if not isinstance(el.tag, str) or _is_note_list(el) or " bc-edit " in _classes(el):
        return
    if el.tag in ("ul", "ol"):
        for li in el.iterchildren("li"):
            paras = [c for c in li if c.tag == "p"]
            raw.append(("li", depth + 1, _html_inline(li) + (_html_inline(paras[0]) if paras else "")))
            for c in li:
                if c.tag == "p" and c is not paras[0]:
                    raw.append(("p", 0, _html_inline(c)))
                elif c.tag in ("ul", "ol"):
                    _html_block(c, depth + 1, raw)
                elif c.tag in ("table", "div", "blockquote"):
                    _html_block(c, depth, raw)
    elif el.tag == "table":
        raw += [("cell", 0, _html_inline(cell, skip_blocks=False)) for cell in el.iter("td", "th")]
    elif el.tag in ("div", "section", "blockquote"):
        for child in el:
            _html_block(child, depth, raw)
    else:
        raw.append(("p", 0, _html_inline(el, skip_blocks=False)))


def _note_text(note: etree._Element) -> str:
    return "".join(_html_inline(p, skip_blocks=False) for p in (note.findall("p") or [note]))


def read_site_section(page: etree._Element, heading: str) -> Section:
    """The section under the heading whose text is *heading*: the elements up to the next
    heading (its edit link left out), footnotes resolved inside the section first."""
    start = next((h for h in page.iter(*_HEADINGS)
                  if _nfc(h.text_content()).replace("¶", "").strip() == heading), None)
    assert start is not None, f"no heading {heading!r} on the report page"
    parts: list[etree._Element] = []
    for sib in start.itersiblings():
        if sib.tag in _HEADINGS or " bc-closing " in _classes(sib):  # the last one ends there
            break
        parts.append(sib)
    raw: list[tuple[str, int, str]] = []
    for part in parts:
        _html_block(part, 0, raw)
    notes: dict[str, str] = {}
    for key in {m.group(1) for _, _, t in raw for m in _REF.finditer(t)}:
        # Resolved inside the section first: notes numbered per section may repeat their ids.
        found = [el for part in parts for el in part.xpath(f'descendant-or-self::*[@id="{key}"]')]
        found = found or page.xpath(f'//*[@id="{key}"]')
        if found:
            notes[key] = _note_text(found[0])
    return _finish(raw, notes)


# -- DOCX -------------------------------------------------------------------------------------


def _docx_text(el: etree._Element) -> str:
    out: list[str] = []
    for node in el.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}noBreakHyphen",
                        f"{W}footnoteReference"):
        if node.tag == f"{W}t":
            out.append(node.text or "")
        elif node.tag == f"{W}noBreakHyphen":
            # the "-" inside a document number, a date or a range, which no line breaks after
            # (issue 17); python-docx reads it as "-" too
            out.append("-")
        elif node.tag == f"{W}footnoteReference":
            out.append(f" \x00{node.get(f'{W}id')}\x00 ")
        else:
            out.append(" ")
    return "".join(out)


def _style(p: etree._Element) -> str:
    style = p.find(f"{W}pPr/{W}pStyle")
    return style.get(f"{W}val") if style is not None else ""


@dataclass
class Docx:
    body: list[etree._Element]
    notes: dict[str, str]

    def elements(self, heading: str) -> list[etree._Element]:
        """The paragraphs and tables after the heading paragraph *heading*, up to the next
        heading (or the closing block, after the last section)."""
        elements = [el for el in self.body if el.tag in (f"{W}p", f"{W}tbl")]
        start = next((i for i, el in enumerate(elements) if el.tag == f"{W}p"
                      and _style(el).startswith("Heading")
                      and " ".join(_words(_docx_text(el))) == heading), None)
        assert start is not None, f"no heading {heading!r} in the DOCX"
        out: list[etree._Element] = []
        for el in elements[start + 1:]:
            if (el.tag == f"{W}p" and _style(el).startswith("Heading")) \
                    or _docx_text(el).startswith(CLOSING):
                break
            out.append(el)
        return out

    def raw_section(self, heading: str) -> list[tuple[str, int, str]]:
        """The blocks of the section under *heading*; list markers (Word numbering or a literal
        prefix) turned into the item's level."""
        raw: list[tuple[str, int, str]] = []
        for el in self.elements(heading):
            if el.tag == f"{W}tbl":
                raw += [("cell", 0, _docx_text(tc)) for tc in el.iter(f"{W}tc")]
                continue
            text = _docx_text(el)
            num = el.find(f"{W}pPr/{W}numPr/{W}ilvl")
            stripped = text.lstrip()
            if num is not None:
                raw.append(("li", int(num.get(f"{W}val") or 0) + 1, text))
            elif stripped[:1] in DOCX_BULLETS and (stripped[1:2] in (" ", "\u00a0")
                                                   or not stripped[1:].strip()):
                raw.append(("li", DOCX_BULLETS[stripped[0]], stripped[1:]))
            else:
                raw.append(("p", 0, text))
        return raw

    def section(self, heading: str) -> Section:
        return _finish(self.raw_section(heading), self.notes)


def read_docx(path: Path) -> Docx:
    with zipfile.ZipFile(path) as z:
        doc = etree.fromstring(z.read("word/document.xml"))
        names = z.namelist()
        notes_xml = etree.fromstring(z.read("word/footnotes.xml")) \
            if "word/footnotes.xml" in names else None
    notes: dict[str, str] = {}
    if notes_xml is not None:
        for fn in notes_xml.iter(f"{W}footnote"):
            if fn.get(f"{W}type") in (None, "normal"):
                notes[fn.get(f"{W}id") or ""] = " ".join(
                    _docx_text(p) for p in fn.iter(f"{W}p"))
    body = doc.find(f"{W}body")
    assert body is not None
    return Docx(list(body), notes)


# -- PDF --------------------------------------------------------------------------------------


def _squash(text: str) -> str:
    """Text without any whitespace (line breaks, spaces, non-breaking spaces), NFC."""
    return re.sub(r"\s+", "", _nfc(text))


@dataclass
class Pdf:
    #: The body text of every page (page numbers and footnote markers left out), whitespace
    #: removed, pages joined.
    body: str
    #: The footnote texts in page order, whitespace removed, their numbers left out.
    notes: list[str]
    #: All extracted text, as pypdf gives it.
    text: str


def _in_rect(x: float, y: float, rect: tuple[float, float, float, float]) -> bool:
    x0, y0, x1, y1 = rect
    return x0 - 0.5 <= x < x1 - 0.5 and y0 - 0.5 <= y <= y1 + 0.5


def read_pdf(path: Path, known_notes: list[str]) -> Pdf:
    """Footnote markers and the numbers of footnote entries are links in typst's PDF: every
    number that starts inside a link rectangle is left out. The footnote entries at the
    foot of each page are taken off its end (their texts are *known_notes*, from the DOCX)."""
    known = sorted({_squash(n) for n in known_notes if _squash(n)}, key=len, reverse=True)
    reader = PdfReader(path)
    bodies: list[str] = []
    notes: list[str] = []
    texts: list[str] = []
    for i, page in enumerate(reader.pages):
        rects = [tuple(float(v) for v in a.get_object()["/Rect"])
                 for a in page.get("/Annots") or [] if a.get_object().get("/Subtype") == "/Link"]
        frags: list[str] = []

        def visit(text: str, cm: list[float], tm: list[float], font: object, size: float,
                  frags: list[str] = frags, rects: list = rects) -> None:
            x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
            if text.strip().isdigit() and any(_in_rect(x, y, r) for r in rects):
                return
            frags.append(text)

        texts.append(page.extract_text(visitor_text=visit))
        frags = [f for f in frags if f.strip()]
        if i > 0 and frags and frags[0].strip().isdigit():  # the page number in the top margin
            frags = frags[1:]
        squashed = _squash("".join(frags))
        page_notes: list[str] = []
        stripped = True
        while stripped:
            stripped = False
            for note in known:
                if squashed.endswith(note) and len(squashed) > len(note):
                    page_notes.insert(0, note)
                    squashed = squashed[: -len(note)]
                    stripped = True
                    break
        bodies.append(squashed)
        notes += page_notes
    return Pdf("".join(bodies), notes, "\n".join(texts))


def pdf_pattern(section: Section) -> str:
    """The regular expression the PDF text of a section must match, from its DOCX reading:
    words without whitespace; a list item may start with a marker character."""
    out: list[str] = []
    for block in section.blocks:
        if block.kind == "fn":
            continue
        text = "".join(w for w in block.words if not w.startswith("⟨chú_thích_"))
        marker = f"[{re.escape(PDF_MARKERS)}]?" if block.kind == "li" else ""
        out.append(marker + re.escape(_squash(text)))
    return "".join(out)


# --------------------------------------------------------------------------------------------
# The build, once


def _heading(stem: str) -> str:
    text = (CORPUS / "content" / MONTH / f"{stem}.md").read_text(encoding="utf-8")
    meta = yaml.safe_load(text.split("\n---\n", 1)[0].removeprefix("---\n"))
    return _nfc(f"{meta['number']}. {meta['title']}")


HEADINGS = {stem: _heading(stem) for stem in SNIPPETS}


@dataclass
class Outputs:
    page: etree._Element
    page_text: str
    docx: Docx
    docx_xml: str
    pdf: Pdf


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Outputs:
    root = tmp_path_factory.mktemp("one-parse") / "repo"
    shutil.copytree(CORPUS, root, ignore=shutil.ignore_patterns("README.md"))
    (root / "templates").symlink_to(ROOT / "templates")
    result = CliRunner().invoke(cli, ["--repo", str(root), "build"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    site = root / "site" / MONTH
    page_html = (site / "index.html").read_text(encoding="utf-8")
    docx_path = site / f"bao-cao-{KEY}.docx"
    docx = read_docx(docx_path)
    with zipfile.ZipFile(docx_path) as z:
        docx_xml = "".join(z.read(n).decode("utf-8") for n in z.namelist()
                           if n.startswith("word/") and n.endswith(".xml"))
    pdf = read_pdf(site / f"bao-cao-{KEY}.pdf", list(docx.notes.values()))
    return Outputs(lxml.html.fromstring(page_html), page_html, docx, docx_xml, pdf)


def _site(outputs: Outputs, stem: str) -> Section:
    return read_site_section(outputs.page, HEADINGS[stem])


def _docx(outputs: Outputs, stem: str) -> Section:
    return outputs.docx.section(HEADINGS[stem])


def _pdf_section(outputs: Outputs, stem: str) -> str:
    """The PDF body text between this snippet's heading and the next one (whitespace removed)."""
    body = outputs.pdf.body
    start = body.find(_squash(HEADINGS[stem]))
    assert start >= 0, f"no heading {HEADINGS[stem]!r} in the PDF"
    start += len(_squash(HEADINGS[stem]))
    index = SNIPPETS.index(stem)
    if index + 1 < len(SNIPPETS):
        end = body.find(_squash(HEADINGS[SNIPPETS[index + 1]]), start)
        assert end >= 0, f"no heading {HEADINGS[SNIPPETS[index + 1]]!r} after {stem} in the PDF"
    else:
        end = body.find(_squash(CLOSING), start)
    return body[start:end]


# --------------------------------------------------------------------------------------------
# Every snippet: the same reading everywhere


@pytest.mark.parametrize("stem", SNIPPETS)
def test_site_and_docx_show_the_same_words(outputs: Outputs, stem: str):
    site, docx = _site(outputs, stem), _docx(outputs, stem)
    assert site.words, "the section is empty on the site"
    assert docx.words == site.words


@pytest.mark.parametrize("stem", SNIPPETS)
def test_site_and_docx_have_the_same_blocks(outputs: Outputs, stem: str):
    site, docx = _site(outputs, stem), _docx(outputs, stem)
    assert [(b.kind, b.level, " ".join(b.words)) for b in docx.blocks] == \
        [(b.kind, b.level, " ".join(b.words)) for b in site.blocks]


@pytest.mark.parametrize("stem", SNIPPETS)
def test_pdf_shows_the_docx_text(outputs: Outputs, stem: str):
    docx = _docx(outputs, stem)
    got = _pdf_section(outputs, stem)
    assert re.fullmatch(pdf_pattern(docx), got), (got, [b.words for b in docx.blocks])
    # Its footnotes, in order, among the PDF's footnotes.
    pdf_notes = iter(outputs.pdf.notes)
    missing = [n for n in docx.notes if not any(_squash(n) == p for p in pdf_notes)]
    assert not missing, (missing, outputs.pdf.notes)


# --------------------------------------------------------------------------------------------
# The three divergences of issue 14, with their expected reading

#: Snippet → the first word of each of its blocks, and the kind of block (Nghị định 30
#: numbering is literal text, never a list marker).
LITERAL_LABELS = {
    "01-muc-mo-ngoac-so": ("li", ["(1)", "(2)", "(3)"]),
    "02-muc-mo-ngoac-chu": ("li", ["(a)", "(b)", "(c)"]),
    "03-muc-mo-ngoac-la-ma": ("li", ["(i)", "(ii)", "(iii)"]),
    "04-muc-chu-ngoac-don": ("li", ["a)", "b)", "c)"]),
    "05-muc-so-cham": ("li", ["1.", "2.", "3."]),
    "06-muc-so-ngoac-don": ("li", ["1)", "2)", "3)"]),
    "07-doan-mo-ngoac-so": ("p", ["(1)", "(2)", "(3)"]),
    "08-doan-mo-ngoac-chu": ("p", ["(a)", "(b)"]),
    "09-doan-la-ma": ("p", ["(i)", "(ii)", "(iii)"]),
    "10-doan-chu-ngoac-don": ("p", ["a)", "b)", "đ)"]),
    "11-doan-so-cham": ("p", ["1.", "2."]),
    "12-doan-so-ngoac-don": ("p", ["1)", "2)"]),
    "13-doan-nam-dau-dong": ("p", ["2021.", "2023."]),
}


@pytest.mark.parametrize("stem", sorted(LITERAL_LABELS))
def test_numbering_at_the_start_of_an_item_is_text(outputs: Outputs, stem: str):
    kind, labels = LITERAL_LABELS[stem]
    expected = [(kind, 1 if kind == "li" else 0, label) for label in labels]
    for name, section in (("site", _site(outputs, stem)), ("DOCX", _docx(outputs, stem))):
        got = [(b.kind, b.level, b.words[0] if b.words else "") for b in section.blocks]
        assert got == expected, name
    pdf = _pdf_section(outputs, stem)
    marker = f"[{re.escape(PDF_MARKERS)}]?" if kind == "li" else ""
    pattern = ".*".join(marker + re.escape(label) + r"\w" for label in labels)
    assert re.match(pattern, pdf, re.S), pdf


#: Snippets with a pipe table: its cells, row by row.
TABLES = {
    "21-bang-khong-dong-trong": ["Phương tiện đo", "Số lượng", "Đạt", "Cột đo xăng dầu", "120",
                                 "118", "Cân thương mại", "45", "45"],
    "20-bang-co-dong-trong": ["Loại giấy phép", "Số lượng", "Ghi chú",
                              "Tiến hành công việc bức xạ", "03", "Y tế", "Gia hạn giấy phép",
                              "01", "Công nghiệp"],
}


@pytest.mark.parametrize("stem", sorted(TABLES))
def test_a_pipe_table_after_a_paragraph_line_is_a_table(outputs: Outputs, stem: str):
    for name, section in (("site", _site(outputs, stem)), ("DOCX", _docx(outputs, stem))):
        cells = [" ".join(b.words) for b in section.blocks if b.kind == "cell"]
        assert cells == TABLES[stem], name
        assert not any("|" in w for w in section.words), name
    assert "|" not in _pdf_section(outputs, stem)


#: Snippets with footnotes: the footnote text of every reference, in reference order.
FOOTNOTES = {
    "24-chu-thich-mot": ["Theo Quyết định số 215/QĐ-KHCN ngày 12/9/2023 của Giám đốc Sở."],
    "25-chu-thich-nhieu": [
        "Mỗi hội đồng gồm 07 thành viên, có 02 phản biện.",
        "Danh mục được UBND tỉnh phê duyệt tại Quyết định số 1024/QĐ-UBND.",
        "Mỗi hội đồng gồm 07 thành viên, có 02 phản biện.",
        "Công ty đặt trụ sở tại Khu công nghiệp Quang Châu, huyện Việt Yên.",
    ],
    "26-chu-thich-trong-danh-sach": [
        "Mức hỗ trợ tối đa 30 triệu đồng cho một sáng chế được cấp văn bằng.",
        "Có 210 đại biểu tham dự.",
    ],
    "27-chu-thich-dinh-nghia-truoc": ["Chỉ dẫn địa lý số 00125 do Cục Sở hữu trí tuệ cấp năm 2022."],
}


@pytest.mark.parametrize("stem", sorted(FOOTNOTES))
def test_footnotes_are_footnotes_everywhere(outputs: Outputs, stem: str):
    expected = FOOTNOTES[stem]
    for name, section in (("site", _site(outputs, stem)), ("DOCX", _docx(outputs, stem))):
        assert section.notes == expected, name
        assert [" ".join(b.words) for b in section.blocks if b.kind == "fn"] == \
            list(dict.fromkeys(expected)), name
        assert not any("[^" in w for w in section.words), name
        # A note referenced twice ([^hd] in 25) is one note: both references name it.
        distinct = list(dict.fromkeys(expected))
        assert [w for w in section.words if w.startswith("⟨chú_thích_")] == \
            [f"⟨chú_thích_{distinct.index(n) + 1}⟩" for n in expected], name
    assert "[^" not in _pdf_section(outputs, stem)
    pdf_notes = iter(outputs.pdf.notes)
    assert all(any(_squash(n) == p for p in pdf_notes) for n in expected), outputs.pdf.notes


def test_the_literal_footnote_syntax_appears_nowhere(outputs: Outputs):
    page_body = "".join(el.text_content() for el in outputs.page.find_class("bc-body"))
    assert "[^" not in page_body
    assert "[^" not in outputs.docx_xml
    assert "[^" not in outputs.pdf.text


# --------------------------------------------------------------------------------------------
# Text exactly as typed: no typographic substitution in any output

#: Snippet → strings that each output must show exactly as typed.
AS_TYPED = {
    "37-hai-gach-noi": ["Kế hoạch -- Đầu tư", "2022--2023;", "---"],
    "38-ba-cham": ["tố cáo...", "khác…"],
    "39-ngoac-kep-thang": ['"Ứng dụng', 'hồ sơ"', "'Một", "tử'"],
    "33-ngoac-kep-cong": ["“Nhung", "Thế”"],
    "34-ngoac-don-cong": ["‘Khoa", "mới’", "‘Sáng", "trẻ’"],
    "35-gach-dai": ["ngành —", "triển —"],
    "36-gach-ngang": ["2021–2025;", "19/10/1961 – 19/10/2023."],
    "42-khcn-va": ["KH&CN", "Phát thanh & Truyền", "R&D"],
    "43-nho-hon-lon-hon": ["< 5%;", "> 10 tỷ", "3 < 4 > 2 & 1."],
    "32-khoang-trang-khong-ngat": ["số\u00a0278/KH-UBND", "12\u00a0ha", "1.500\u00a0triệu"],
    "40-ky-tu-thoat": ["*,", "_,", "#,", "[", "]", "2023_KHCN_01;", "C:\\BaoCao."],
}


@pytest.mark.parametrize("stem", sorted(AS_TYPED))
def test_text_stays_as_typed(outputs: Outputs, stem: str):
    for name, section in (("site", _site(outputs, stem)), ("DOCX", _docx(outputs, stem))):
        text = " ".join(section.words)
        missing = [s for s in AS_TYPED[stem] if s not in text]
        assert not missing, (name, missing, text)
    pdf = _pdf_section(outputs, stem)
    missing = [s for s in AS_TYPED[stem] if _squash(s) not in pdf]
    assert not missing, ("PDF", missing, pdf)


# --------------------------------------------------------------------------------------------
# Inline formatting that must reach every output as formatting


def _site_body(outputs: Outputs, stem: str) -> etree._Element:
    heading = HEADINGS[stem]
    start = next(h for h in outputs.page.iter(*_HEADINGS)
                 if _nfc(h.text_content()).replace("¶", "").strip() == heading)
    return next(s for s in start.itersiblings() if " bc-body " in _classes(s))


def _docx_paras(outputs: Outputs, stem: str) -> list[etree._Element]:
    return outputs.docx.elements(HEADINGS[stem])


def _docx_runs(paras: list[etree._Element], prop: str, val: str | None = None) -> list[str]:
    """Texts of the runs that have run property *prop* (with value *val*)."""
    out = []
    for p in paras:
        for r in p.iter(f"{W}r"):
            el = r.find(f"{W}rPr/{W}{prop}")
            if el is not None and (val is None or el.get(f"{W}val") == val) \
                    and el.get(f"{W}val") not in ("0", "false"):
                out.append("".join(t.text or "" for t in r.iter(f"{W}t")))
    return out


def test_superscripts_are_superscripts(outputs: Outputs):
    stem = "31-chi-so-tren"
    sups = [s.text_content() for s in _site_body(outputs, stem).iter("sup")]
    assert sups == ["2", "3", "6"]
    assert _docx_runs(_docx_paras(outputs, stem), "vertAlign", "superscript") == ["2", "3", "6"]


def test_run_in_labels_are_bold(outputs: Outputs):
    stem = "28-nhan-dam"
    bold = [s.text_content() for s in _site_body(outputs, stem).iter("strong")]
    assert bold == ["Thanh tra hành chính:", "Thanh tra chuyên ngành:"]
    assert "".join(_docx_runs(_docx_paras(outputs, stem), "b")) == "".join(bold)


def test_hard_line_breaks_break_lines_in_one_paragraph(outputs: Outputs):
    stem = "44-ngat-dong-cung"
    body = _site_body(outputs, stem)
    assert len(body.findall(".//p")) == 1 and len(body.findall(".//br")) == 2
    paras = [p for p in _docx_paras(outputs, stem) if p.tag == f"{W}p"]
    assert len(paras) == 1 and len(paras[0].findall(f".//{W}br")) == 2
    lines = outputs.pdf.text.split("\n")
    assert any(line.strip().startswith("số 2 đường Hùng Vương") for line in lines)


# --------------------------------------------------------------------------------------------
# `baocao check` refuses a footnote the documents cannot show

CHECK_CASES = FIXTURES / "one-parse-check"


def _overlay(tmp_path: Path, case: str) -> Path:
    dest = tmp_path / case
    shutil.copytree(FIXTURES / "minimal", dest)
    overlay = CHECK_CASES / case
    for src in overlay.rglob("*"):
        if src.is_file():
            target = dest / src.relative_to(overlay)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(src, target)
    return dest


def _line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").split("\n")
    return next(i for i, line in enumerate(lines, 1) if needle in line)


@pytest.mark.parametrize(("case", "needle"), [
    ("footnote-unreferenced", "[^2]:"),  # a footnote text that nothing refers to
    ("footnote-undefined", "[^9]"),      # a reference to a note that is not written
])
def test_check_refuses_a_lone_footnote(tmp_path: Path, case: str, needle: str):
    repo = _overlay(tmp_path, case)
    rel = "content/2024/01/02-ke-hoach.md"
    line = _line_of(repo / rel, needle)
    result = CliRunner().invoke(cli, ["--repo", str(repo), "check"], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    errors = [ln for ln in result.output.splitlines()
              if re.match(rf"{re.escape(rel)}:{line}:\d+: E\d+: ", ln)]
    assert errors, result.output
    assert any(re.search(r"chú thích|ghi chú", ln, re.I) for ln in errors), errors
    assert "Traceback" not in result.output
