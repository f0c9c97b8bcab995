"""Generator of the reference DOCX (styles, page setup, page-number header) for the official report.

pandoc takes styles, theme, headers/footers and the final section properties of the DOCX it writes
from ``--reference-doc``. This module builds that file from pandoc's own default reference.docx
(so every style id pandoc emits exists) and sets the Nghị định 30/2020/NĐ-CP layout with
python-docx: Times New Roman everywhere, black, the element sizes of spec/nd30.md (size set
13/14/14, body 14 pt), A4 with margins T20 B20 L30 R15 mm, a centred PAGE field in the header and
no number on page 1. The zip is then rewritten with fixed timestamps so that the same code always
produces the same bytes.
"""

from __future__ import annotations

import io
import re
import time
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Twips

from .pandoc import DEFAULT_EPOCH, run_pandoc

FONT = "Times New Roman"

#: Page geometry in twips (1 mm = 56.69 twips): A4 portrait, margins T20 B20 L30 R15, header 10 mm.
PAGE_W, PAGE_H = 11906, 16838
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 1134, 1134, 1701, 850
HEADER_DIST = 567
#: Width of the text area of a portrait page and of a landscape page (same margins, rotated page).
TEXT_W_PORTRAIT = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT
TEXT_W_LANDSCAPE = PAGE_H - MARGIN_LEFT - MARGIN_RIGHT

#: Font sizes in points. The size set of Quốc hiệu / Tiêu ngữ / địa danh is (13, 14, 14) (R8).
SIZE_BODY = 14
SIZE_QUOC_HIEU = 13
SIZE_TIEU_NGU = 14
SIZE_DIA_DANH = 14
SIZE_CO_QUAN = 12  # both agency names; 12 pt keeps "SỞ KHOA HỌC VÀ CÔNG NGHỆ" on one line (R14)
SIZE_SO_KY_HIEU = 13
SIZE_NOI_NHAN_TIEU_DE = 12
SIZE_NOI_NHAN = 11
SIZE_TABLE = 12
#: Body paragraphs: first-line indent 1.27 cm, 6 pt before, 1.15 line spacing (R26).
FIRST_LINE = 720
SPACE_BEFORE = 120
LINE_BODY = 276
#: Room left for the signature above the signer's name (R39), twips (≈ 2.5 cm).
SIGN_SPACE = 1418
#: Left and right cell padding of the bordered tables (style "Table"), twips (1.5 mm). Such a
#: table is indented by this much and is as much narrower than the text: its border then stays
#: inside the margins in Word 2013+ layout (``w:tblInd`` measured to the border) and in the
#: legacy layout of Word 2010 and earlier (measured to the first cell's text).
TABLE_CELL_MARGIN = 85

#: python-docx/lxml element (python-docx's oxml classes carry no usable static types).
Element = Any
_ZIP_MIN_EPOCH = 315532800  # 1980-01-01: zip cannot store earlier dates


# --------------------------------------------------------------------------------------------
# small XML helpers


def _child(parent: Element, tag: str, *, first: bool = False) -> Element:
    """Return the child element ``tag`` of ``parent``, creating it if missing."""
    el = parent.find(qn(tag))
    if el is None:
        el = OxmlElement(tag)
        if first:
            parent.insert(0, el)
        else:
            parent.append(el)
    return el


def _remove(parent: Element, *tags: str) -> None:
    for tag in tags:
        for el in parent.findall(qn(tag)):
            parent.remove(el)


def _set(el: Element, **attrs: str) -> None:
    for key, value in attrs.items():
        el.set(qn(f"w:{key}"), value)


# Element order inside w:rPr and w:pPr matters for strict consumers (Word); keep schema order.
_RPR_ORDER = [
    "w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike",
    "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof", "w:snapToGrid",
    "w:vanish", "w:webHidden", "w:color", "w:spacing", "w:w", "w:kern", "w:position", "w:sz",
    "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign",
    "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath",
]
_PPR_ORDER = [
    "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl",
    "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens",
    "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE",
    "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
    "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
    "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr",
    "w:sectPr", "w:pPrChange",
]


def _sort_children(el: Element, order: list[str]) -> None:
    rank = {qn(tag): i for i, tag in enumerate(order)}
    children = list(el)
    children.sort(key=lambda c: rank.get(c.tag, len(rank)))
    for c in children:
        el.remove(c)
        el.append(c)


def _rpr(
    rpr: Element,
    *,
    size: float | None = None,
    bold: bool | None = None,
    italic: bool | None = None,
    caps: bool | None = None,
) -> None:
    """Times New Roman, black, and the given size/bold/italic/caps on a w:rPr element."""
    fonts = _child(rpr, "w:rFonts")
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    _set(fonts, ascii=FONT, hAnsi=FONT, eastAsia=FONT, cs=FONT)
    _remove(rpr, "w:color")
    _set(_child(rpr, "w:color"), val="000000")
    if size is not None:
        half = str(round(size * 2))
        _set(_child(rpr, "w:sz"), val=half)
        _set(_child(rpr, "w:szCs"), val=half)
    for tags, flag in ((("w:b", "w:bCs"), bold), (("w:i", "w:iCs"), italic), (("w:caps",), caps)):
        if flag is None:
            continue
        _remove(rpr, *tags)
        for tag in tags:
            _set(_child(rpr, tag), val="1" if flag else "0")
    _sort_children(rpr, _RPR_ORDER)


def _ppr(
    ppr: Element,
    *,
    jc: str | None = None,
    first_line: int | None = None,
    left: int | None = None,
    hanging: int | None = None,
    before: int | None = None,
    after: int | None = None,
    line: int | None = None,
    line_rule: str = "auto",
    keep_next: bool | None = None,
    keep_lines: bool | None = None,
) -> None:
    if jc is not None:
        _set(_child(ppr, "w:jc"), val=jc)
    if first_line is not None or left is not None or hanging is not None:
        _remove(ppr, "w:ind")
        ind = _child(ppr, "w:ind")
        _set(ind, left=str(left or 0), right="0")
        if hanging:
            _set(ind, hanging=str(hanging))
        else:
            _set(ind, firstLine=str(first_line or 0))
    if before is not None or after is not None or line is not None:
        sp = _child(ppr, "w:spacing")
        if before is not None:
            _set(sp, before=str(before))
        if after is not None:
            _set(sp, after=str(after))
        if line is not None:
            _set(sp, line=str(line), lineRule=line_rule)
    for tag, flag in (("w:keepNext", keep_next), ("w:keepLines", keep_lines)):
        if flag is None:
            continue
        _remove(ppr, tag)
        if flag:
            _child(ppr, tag)
    _sort_children(ppr, _PPR_ORDER)


def _style_el(
    doc: Element, style_id: str, kind: str = "paragraph", *, based_on: str | None = "Normal"
) -> Element:
    """The w:style element with ``style_id``; created (custom style) if missing."""
    root = doc.styles.element
    for st in root.findall(qn("w:style")):
        if st.get(qn("w:styleId")) == style_id:
            return st
    wd_type = {
        "paragraph": WD_STYLE_TYPE.PARAGRAPH,
        "character": WD_STYLE_TYPE.CHARACTER,
        "table": WD_STYLE_TYPE.TABLE,
    }[kind]
    style = doc.styles.add_style(style_id, wd_type)
    st = style.element
    st.set(qn("w:styleId"), style_id)
    if based_on:
        _set(_child(st, "w:basedOn"), val=based_on)
    _child(st, "w:qFormat")
    _sort_children(st, ["w:name", "w:aliases", "w:basedOn", "w:next", "w:link", "w:uiPriority",
                        "w:semiHidden", "w:unhideWhenUsed", "w:qFormat", "w:rsid", "w:pPr",
                        "w:rPr", "w:tblPr", "w:trPr", "w:tcPr", "w:tblStylePr"])
    return st


def _para_style(
    doc: Element,
    style_id: str,
    *,
    size: float,
    bold: bool = False,
    italic: bool = False,
    caps: bool | None = None,
    jc: str = "center",
    first_line: int = 0,
    left: int | None = None,
    hanging: int | None = None,
    before: int = 0,
    after: int = 0,
    line: int = 240,
    line_rule: str = "auto",
    keep_next: bool | None = None,
    keep_lines: bool | None = None,
    based_on: str | None = "Normal",
) -> None:
    st = _style_el(doc, style_id, based_on=based_on)
    ppr = _child(st, "w:pPr")
    _remove(ppr, "w:numPr")  # no Word numbering anywhere (R29, R33)
    _ppr(ppr, jc=jc, first_line=first_line, left=left, hanging=hanging, before=before,
         after=after, line=line, line_rule=line_rule, keep_next=keep_next, keep_lines=keep_lines)
    _rpr(_child(st, "w:rPr"), size=size, bold=bold, italic=italic, caps=caps)
    _sort_children(st, ["w:name", "w:aliases", "w:basedOn", "w:next", "w:link", "w:autoRedefine",
                        "w:hidden", "w:uiPriority", "w:semiHidden", "w:unhideWhenUsed",
                        "w:qFormat", "w:locked", "w:personal", "w:rsid", "w:pPr", "w:rPr",
                        "w:tblPr", "w:trPr", "w:tcPr", "w:tblStylePr"])


def _outline_level(doc: Element, style_id: str, level: int) -> None:
    """Give a paragraph style an outline level (0 = top): Word's navigation pane lists it."""
    ppr = _child(_style_el(doc, style_id), "w:pPr")
    _remove(ppr, "w:outlineLvl")
    _set(_child(ppr, "w:outlineLvl"), val=str(level))
    _sort_children(ppr, _PPR_ORDER)


def _borders(parent_tag: str, val: str, sz: str = "4") -> Element:
    el = OxmlElement(parent_tag)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        b = OxmlElement(f"w:{side}")
        if val == "nil":
            _set(b, val="nil")
        else:
            _set(b, val=val, sz=sz, space="0", color="000000")
        el.append(b)
    return el


def _cell_margins(left: int, right: int, top: int = 0, bottom: int = 0) -> Element:
    mar = OxmlElement("w:tblCellMar")
    for side, value in (("top", top), ("left", left), ("bottom", bottom), ("right", right)):
        m = OxmlElement(f"w:{side}")
        _set(m, w=str(value), type="dxa")
        mar.append(m)
    return mar


def _table_style(doc: Element, style_id: str, *, borders: bool, margin: int) -> None:
    st = _style_el(doc, style_id, "table", based_on=None)
    # pandoc's "Table" is based on a "TableNormal" its reference doc does not define: drop that.
    _remove(st, "w:basedOn", "w:tblStylePr", "w:tblPr", "w:pPr", "w:rPr", "w:trPr", "w:tcPr")
    tblpr = OxmlElement("w:tblPr")
    ind = OxmlElement("w:tblInd")
    _set(ind, w=str(margin), type="dxa")
    tblpr.append(ind)
    tblpr.append(_borders("w:tblBorders", "single" if borders else "nil"))
    tblpr.append(_cell_margins(margin, margin))
    st.append(tblpr)
    rpr = OxmlElement("w:rPr")
    st.append(rpr)
    _rpr(rpr)
    _sort_children(st, ["w:name", "w:aliases", "w:basedOn", "w:next", "w:link", "w:uiPriority",
                        "w:semiHidden", "w:unhideWhenUsed", "w:qFormat", "w:rsid", "w:pPr",
                        "w:rPr", "w:tblPr", "w:trPr", "w:tcPr", "w:tblStylePr"])


# --------------------------------------------------------------------------------------------
# the build


def _fix_all_fonts_and_colours(doc: Element) -> None:
    """Drop theme font/colour references everywhere in styles.xml: TNR and black win."""
    root = doc.styles.element
    for fonts in root.iter(qn("w:rFonts")):
        for attr in list(fonts.attrib):
            del fonts.attrib[attr]
        _set(fonts, ascii=FONT, hAnsi=FONT, eastAsia=FONT, cs=FONT)
    for color in list(root.iter(qn("w:color"))):
        for attr in list(color.attrib):
            del color.attrib[attr]
        _set(color, val="000000")


def _doc_defaults(doc: Element) -> None:
    root = doc.styles.element
    defaults = _child(root, "w:docDefaults", first=True)
    rpr = _child(_child(defaults, "w:rPrDefault"), "w:rPr")
    _rpr(rpr, size=SIZE_BODY)
    ppr_default = _child(defaults, "w:pPrDefault")
    ppr = _child(ppr_default, "w:pPr")
    _remove(ppr, "w:spacing")
    _ppr(ppr, before=0, after=0, line=240)
    _sort_children(defaults, ["w:rPrDefault", "w:pPrDefault"])


def _styles(doc: Element) -> None:
    _para_style(doc, "Normal", size=SIZE_BODY, jc="left", based_on=None)
    for sid, base in (("BodyText", "Normal"), ("FirstParagraph", "BodyText"),
                      ("BlockText", "BodyText")):
        _para_style(doc, sid, size=SIZE_BODY, jc="both", first_line=FIRST_LINE,
                    before=SPACE_BEFORE, after=0, line=LINE_BODY, based_on=base)
    # Compact is what pandoc gives table cells (and tight lists, which the Lua filter removes).
    _para_style(doc, "Compact", size=SIZE_TABLE, jc="left", before=40, after=40, line=240,
                based_on="Normal")
    # Headings by outline level: Phần (centred, label + title on two lines), then Mục and khoản
    # (bold, indented like a body paragraph but ragged right: a justified heading stretches its
    # first line; their breaks are balanced, write/title_lines.py). A Mục's capitals are its
    # text (render/official.py), not a formatting, so that the navigation pane and a copy show
    # what is printed; a khoản right under a Phần is a level-2 heading and must not turn into
    # capitals.
    _para_style(doc, "Heading1", size=SIZE_BODY, bold=True, jc="center", before=240, after=120,
                line=LINE_BODY, keep_next=True, keep_lines=True)
    for level in (2, 3):
        _para_style(doc, f"Heading{level}", size=SIZE_BODY, bold=True, caps=False, jc="left",
                    first_line=FIRST_LINE, before=SPACE_BEFORE, line=LINE_BODY, keep_next=True,
                    keep_lines=True)
    for level in range(4, 10):
        _para_style(doc, f"Heading{level}", size=SIZE_BODY, bold=True, italic=True, jc="left",
                    first_line=FIRST_LINE, before=SPACE_BEFORE, line=LINE_BODY, keep_next=True,
                    keep_lines=True)
    for sid in ("Title", "Subtitle", "Author", "Date", "AbstractTitle", "Abstract", "TOCHeading"):
        _para_style(doc, sid, size=SIZE_BODY, bold=sid in ("Title", "AbstractTitle"))
    _para_style(doc, "FootnoteText", size=12, jc="both", based_on="Normal")
    _para_style(doc, "Header", size=SIZE_BODY, jc="center")
    _para_style(doc, "Footer", size=SIZE_BODY, jc="center")
    for sid in ("Caption", "TableCaption"):
        _para_style(doc, sid, size=SIZE_TABLE, italic=True)
    # An image (issue 17): centred on its own line, no indent, kept on the page of its caption,
    # which is centred, italic, under it (the editor writes "Hình 1. …" in it).
    for sid in ("Figure", "CaptionedFigure"):
        _para_style(doc, sid, size=SIZE_BODY, jc="center", before=SPACE_BEFORE * 2,
                    keep_next=True, keep_lines=True)
    _para_style(doc, "ImageCaption", size=SIZE_TABLE, italic=True, after=SPACE_BEFORE * 2,
                keep_lines=True)
    # Character styles: black, no theme colours; hyperlinks black too (R6).
    for st in doc.styles.element.findall(qn("w:style")):
        if st.get(qn("w:type")) == "character":
            rpr = _child(st, "w:rPr")
            linked = st.find(qn("w:link")) is not None  # e.g. Heading1Char: body size too
            _rpr(rpr, size=SIZE_BODY if linked else None)
            if st.get(qn("w:styleId")) == "Hyperlink":
                _remove(rpr, "w:u")
            _sort_children(st, ["w:name", "w:basedOn", "w:link", "w:uiPriority", "w:semiHidden",
                                "w:unhideWhenUsed", "w:qFormat", "w:rsid", "w:pPr", "w:rPr"])

    # The parts of the ND30 layout (spec/nd30.md sections C-L).
    _para_style(doc, "CoQuanChuQuan", size=SIZE_CO_QUAN)
    _para_style(doc, "CoQuanBanHanh", size=SIZE_CO_QUAN, bold=True)
    _para_style(doc, "QuocHieu", size=SIZE_QUOC_HIEU, bold=True)
    _para_style(doc, "TieuNgu", size=SIZE_TIEU_NGU, bold=True)
    _para_style(doc, "SoKyHieu", size=SIZE_SO_KY_HIEU, before=120)
    _para_style(doc, "DiaDanh", size=SIZE_DIA_DANH, italic=True, before=120)
    _para_style(doc, "TenLoaiVanBan", size=SIZE_BODY, bold=True, before=480, keep_next=True)
    _para_style(doc, "TrichYeu", size=SIZE_BODY, bold=True, keep_next=True)
    # Carrier paragraph for the short horizontal rules: 2 pt tall, the rule is its bottom border.
    _para_style(doc, "KeNgang", size=1, line=40, line_rule="exact", keep_next=True)
    _para_style(doc, "NoiNhanTieuDe", size=SIZE_NOI_NHAN_TIEU_DE, bold=True, italic=True,
                jc="left", before=SPACE_BEFORE)
    _para_style(doc, "NoiNhan", size=SIZE_NOI_NHAN, jc="left", left=113, hanging=113)
    _para_style(doc, "ChucVu", size=SIZE_BODY, bold=True, caps=True)
    _para_style(doc, "HoTen", size=SIZE_BODY, bold=True, before=SIGN_SPACE)
    _para_style(doc, "PhuLucTieuDe", size=SIZE_BODY, bold=True, keep_next=True)
    _outline_level(doc, "PhuLucTieuDe", 0)  # "Phụ lục" in the navigation pane, beside the Phần
    _para_style(doc, "PhuLucTen", size=SIZE_BODY, bold=True, caps=True, keep_next=True)
    _para_style(doc, "KemTheo", size=SIZE_BODY, italic=True, keep_next=True)
    # Table styles: pandoc's "Table" gets single borders everywhere (the appendix table);
    # "HeaderBlock" (header and signature blocks) has none and no cell padding.
    _table_style(doc, "Table", borders=True, margin=TABLE_CELL_MARGIN)
    _table_style(doc, "HeaderBlock", borders=False, margin=0)


def _page_field(paragraph: Element) -> None:
    """Append a complex PAGE field (14 pt) to a header paragraph."""
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"),
                       ("end", None)):
        run = paragraph.add_run()
        rpr = run._r.get_or_add_rPr()
        _rpr(rpr, size=SIZE_BODY)
        if kind:
            fld = OxmlElement("w:fldChar")
            _set(fld, fldCharType=kind)
            run._r.append(fld)
        elif text and text.strip() == "PAGE":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text


def _section(doc: Element) -> None:
    sec = doc.sections[0]
    sec.page_width = Twips(PAGE_W)
    sec.page_height = Twips(PAGE_H)
    sec.top_margin = Twips(MARGIN_TOP)
    sec.bottom_margin = Twips(MARGIN_BOTTOM)
    sec.left_margin = Twips(MARGIN_LEFT)
    sec.right_margin = Twips(MARGIN_RIGHT)
    sec.header_distance = Twips(HEADER_DIST)
    sec.footer_distance = Twips(HEADER_DIST)
    sec.gutter = Twips(0)
    sec.different_first_page_header_footer = True
    header = sec.header
    header.is_linked_to_previous = False
    para = header.paragraphs[0]
    para.style = doc.styles["Header"]
    _page_field(para)
    first = sec.first_page_header
    first.is_linked_to_previous = False
    first.paragraphs[0].style = doc.styles["Header"]
    # The reference doc's body is ignored by pandoc; keep only the section properties.
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


#: Word's name space of compatibility settings; compatibilityMode 15 is Word 2013 and later.
WORD_COMPAT_URI = "http://schemas.microsoft.com/office/word"
COMPATIBILITY_MODE = "15"
#: The children of w:settings that come after w:compat in the schema (CT_Settings sequence).
_AFTER_COMPAT = (
    "w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema", "w:themeFontLang",
    "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures",
    "w:forceUpgrade", "w:captions", "w:readModeInkLockDown", "w:smartTagType",
    "sl:schemaLibrary", "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol",
    "w:listSeparator",
)


def _compatibility_mode(doc: Element) -> None:
    """Ask for Word 2013+ layout: without ``compatibilityMode`` Word opens the file in
    "[Compatibility Mode]" (Word 2007 layout), where e.g. a table's ``w:tblInd`` is measured
    to the text of its first cell instead of to its border."""
    settings = doc.settings.element
    _remove(settings, "w:compat")
    compat = OxmlElement("w:compat")
    setting = OxmlElement("w:compatSetting")
    _set(setting, name="compatibilityMode", uri=WORD_COMPAT_URI, val=COMPATIBILITY_MODE)
    compat.append(setting)
    after = {qn(tag) for tag in _AFTER_COMPAT}
    following = next((c for c in settings if c.tag in after), None)
    if following is None:
        settings.append(compat)
    else:
        following.addprevious(compat)


#: docProps/app.xml: the program that made the file, and no statistics (pandoc's sample file
#: said "Microsoft Word 12.0.0", 1 page, 83 words). No version: a new baocao release must not
#: change the bytes of an issued document whose layout it does not change.
APP_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
    b' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Application>baocao</Application></Properties>"
)


def _theme_fonts(xml: bytes) -> bytes:
    """Point the theme's major/minor Latin fonts at Times New Roman as well."""
    return re.sub(rb"<a:latin [^>]*/>", b'<a:latin typeface="' + FONT.encode() + b'"/>', xml)


def normalized_zip(data: bytes, epoch: int, *, patch: dict[str, bytes] | None = None) -> bytes:
    """Rewrite a zip (DOCX) deterministically: fixed timestamps and permissions,
    ``[Content_Types].xml`` first, the other entries in their original order."""
    patch = patch or {}
    # a zip entry's date is 1980-2107 (MS-DOS format); a later report date is clamped
    date_time = min(time.gmtime(max(epoch, _ZIP_MIN_EPOCH))[:6], (2107, 12, 31, 23, 59, 58))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        names = zin.namelist()
        names.sort(key=lambda n: n != "[Content_Types].xml")  # stable: keeps the rest in order
        with zipfile.ZipFile(out, "w") as zout:
            for name in names:
                info = zipfile.ZipInfo(name, date_time=date_time)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 0
                info.external_attr = 0o644 << 16
                zout.writestr(info, patch.get(name, zin.read(name)), compresslevel=6)
    return out.getvalue()


@lru_cache(maxsize=1)
def reference_docx_bytes() -> bytes:
    """The reference DOCX as bytes (built once per process; always the same bytes)."""
    default = run_pandoc(["--print-default-data-file", "reference.docx"],
                         epoch=DEFAULT_EPOCH)
    doc = Document(io.BytesIO(default))
    _fix_all_fonts_and_colours(doc)
    _doc_defaults(doc)
    _styles(doc)
    _section(doc)
    _compatibility_mode(doc)
    buf = io.BytesIO()
    doc.save(buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
        theme = z.read("word/theme/theme1.xml")
    return normalized_zip(buf.getvalue(), DEFAULT_EPOCH,
                          patch={"word/theme/theme1.xml": _theme_fonts(theme),
                                 "docProps/app.xml": APP_XML})


def build_reference_docx(path: Path) -> None:
    """Write the ND30 reference DOCX to ``path`` (same call twice gives identical bytes)."""
    path.write_bytes(reference_docx_bytes())
