"""Writer of the official DOCX: pandoc input (docs/dev/official-input.md) → .docx per Nghị định 30.

The only DOCX-specific step of the official route. It
1. keeps the blanks of a draft number/date (pandoc's Markdown reader would collapse them),
2. measures the header lines with the Liberation Serif metrics (identical advance widths to
   Times New Roman) to size the header/signature tables and the short rules (spec/nd30.md R10,
   R13, R14, R24; :mod:`baocao.write.docx_layout`),
3. runs the pinned pandoc with the Lua filter, the generated reference DOCX and the OpenXML
   template,
4. post-processes ``word/document.xml`` for what pandoc cannot express (rows that do not split,
   pandoc tables sized to the text width of their own section and inside its margins in
   both of Word's layout modes), and re-zips with fixed
   timestamps: the same input gives the same bytes.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import time
import unicodedata
import zipfile
from pathlib import Path

from lxml import etree

from ..document.tree import official_pandoc_input
from ..vietnamese import number_tokens
from .blanks import keep_draft_blanks
from .docx_layout import FontMetrics, compute_layout, read_metadata
from .pandoc import PandocError, run_pandoc, source_date_epoch
from .pdf import svg_to_png, typst_copy_settings
from .reference_docx import (
    MARGIN_LEFT,
    MARGIN_RIGHT,
    PAGE_W,
    TABLE_CELL_MARGIN,
    TEXT_W_PORTRAIT,
    normalized_zip,
    reference_docx_bytes,
)
from .title_lines import break_titles

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS = {"w": _W}
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


# --------------------------------------------------------------------------------------------
# post-processing of word/document.xml


def _q(tag: str) -> str:
    prefix, local = tag.split(":")
    assert prefix == "w"
    return f"{{{_W}}}{local}"


def _section_text_width(sect_pr: etree._Element) -> int:
    size = sect_pr.find("w:pgSz", _NS)
    mar = sect_pr.find("w:pgMar", _NS)
    if size is None or mar is None:
        return TEXT_W_PORTRAIT
    page_w = int(size.get(_q("w:w"), PAGE_W))
    return page_w - int(mar.get(_q("w:left"), MARGIN_LEFT)) - int(mar.get(_q("w:right"), MARGIN_RIGHT))


# Children of w:tblPr that come before w:tblInd in the schema (CT_TblPr sequence).
_BEFORE_TBL_IND = ("w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual",
                   "w:tblStyleRowBandSize", "w:tblStyleColBandSize", "w:tblW", "w:jc",
                   "w:tblCellSpacing")


def _indent_table(tbl: etree._Element, indent: int) -> None:
    """Set the table's w:tblInd (in schema order inside w:tblPr)."""
    tbl_pr = tbl.find("w:tblPr", _NS)
    if tbl_pr is None:
        tbl_pr = etree.Element(_q("w:tblPr"))
        tbl.insert(0, tbl_pr)
    for old in tbl_pr.findall("w:tblInd", _NS):
        tbl_pr.remove(old)
    ind = etree.Element(_q("w:tblInd"))
    ind.set(_q("w:w"), str(indent))
    ind.set(_q("w:type"), "dxa")
    before = {_q(tag) for tag in _BEFORE_TBL_IND}
    position = sum(1 for child in tbl_pr if child.tag in before)
    tbl_pr.insert(position, ind)


def _fit_table(tbl: etree._Element, text_width: int) -> None:
    """Indent a pandoc table by its cell padding and scale its grid to the rest of
    ``text_width``, give every cell its width, and keep every row on one page (w:cantSplit).

    The indent keeps the border inside the margins in both of Word's layouts: Word 2013+
    measures ``w:tblInd`` to the border (here one cell padding inside the left margin, the
    right border on the right margin), Word 2010 and earlier to the text of the first cell
    (the border on the left margin, one cell padding inside the right one)."""
    _indent_table(tbl, TABLE_CELL_MARGIN)
    total = text_width - TABLE_CELL_MARGIN
    grid = tbl.find("w:tblGrid", _NS)
    cols = grid.findall("w:gridCol", _NS) if grid is not None else []
    old = [int(c.get(_q("w:w"), "0")) for c in cols]
    if cols and sum(old) > 0:
        new = [old_w * total // sum(old) for old_w in old]
        new[-1] = total - sum(new[:-1])
        for col, value in zip(cols, new, strict=True):
            col.set(_q("w:w"), str(value))
        tbl_pr = tbl.find("w:tblPr", _NS)
        if tbl_pr is not None:
            tbl_w = tbl_pr.find("w:tblW", _NS)
            if tbl_w is not None:
                tbl_w.set(_q("w:type"), "dxa")
                tbl_w.set(_q("w:w"), str(total))
        for tr in tbl.findall("w:tr", _NS):
            index = 0
            for tc in tr.findall("w:tc", _NS):
                tc_pr = tc.find("w:tcPr", _NS)
                if tc_pr is None:
                    tc_pr = etree.Element(_q("w:tcPr"))
                    tc.insert(0, tc_pr)
                span_el = tc_pr.find("w:gridSpan", _NS)
                span = int(span_el.get(_q("w:val"), "1")) if span_el is not None else 1
                for old_w in tc_pr.findall("w:tcW", _NS):
                    tc_pr.remove(old_w)
                tc_w = etree.Element(_q("w:tcW"))
                tc_w.set(_q("w:w"), str(sum(new[index:index + span])))
                tc_w.set(_q("w:type"), "dxa")
                position = 1 if tc_pr.find("w:cnfStyle", _NS) is not None else 0
                tc_pr.insert(position, tc_w)
                index += span
    for tr in tbl.findall("w:tr", _NS):
        tr_pr = tr.find("w:trPr", _NS)
        if tr_pr is None:
            tr_pr = etree.Element(_q("w:trPr"))
            after = tr.find("w:tblPrEx", _NS)
            tr.insert(0 if after is None else 1, tr_pr)
        if tr_pr.find("w:cantSplit", _NS) is None:
            tr_pr.insert(0, etree.Element(_q("w:cantSplit")))
        if tr_pr.find("w:tblHeader", _NS) is not None:  # header row: titles centred vertically
            for tc_pr in tr.findall("w:tc/w:tcPr", _NS):
                if tc_pr.find("w:vAlign", _NS) is None:
                    v_align = etree.SubElement(tc_pr, _q("w:vAlign"))
                    v_align.set(_q("w:val"), "center")


def _keep_with_signature(body: etree._Element) -> None:
    """The last body paragraph stays on the page of the Nơi nhận/signature table (the last
    borderless HeaderBlock table): a signature must never stand alone on a page."""
    blocks = [
        t for t in body.findall("w:tbl", _NS)
        if (s := t.find("w:tblPr/w:tblStyle", _NS)) is not None
        and s.get(_q("w:val")) == "HeaderBlock"
    ]
    if len(blocks) < 2:
        return
    previous = blocks[-1].getprevious()
    while previous is not None and previous.tag != _q("w:p"):
        previous = previous.getprevious()  # e.g. a bookmarkEnd
    if previous is None:
        return
    _keep_next(previous)


def _keep_next(p: etree._Element) -> None:
    p_pr = p.find("w:pPr", _NS)
    if p_pr is None:
        p_pr = etree.Element(_q("w:pPr"))
        p.insert(0, p_pr)
    if p_pr.find("w:keepNext", _NS) is None:
        style = p_pr.find("w:pStyle", _NS)
        p_pr.insert(0 if style is None else 1, etree.Element(_q("w:keepNext")))


def _keep_lead_ins(body: etree._Element) -> None:
    """A paragraph right before a table of the body (before the signature block; its lead-in,
    "Kết quả …:") stays on the page where the table starts."""
    blocks = [t for t in body.findall("w:tbl", _NS)
              if (s := t.find("w:tblPr/w:tblStyle", _NS)) is not None
              and s.get(_q("w:val")) == "HeaderBlock"]
    if len(blocks) < 2:
        return
    for child in body:
        if child is blocks[-1]:
            break
        style = child.find("w:tblPr/w:tblStyle", _NS) if child.tag == _q("w:tbl") else None
        if style is None or style.get(_q("w:val")) != "Table":
            continue
        previous = child.getprevious()
        while previous is not None and previous.tag == _q("w:bookmarkEnd"):
            previous = previous.getprevious()
        if previous is not None and previous.tag == _q("w:p"):
            _keep_next(previous)


def _join_number_hyphens(root: etree._Element) -> None:
    """No line breaks inside a document number, a date or a number range
    (:func:`baocao.vietnamese.number_tokens`): each "-" inside one becomes a non-breaking hyphen
    (``w:noBreakHyphen``; Word and LibreOffice break after a hyphen, as in "2019- ⏎ 2023"). The
    text is unchanged: python-docx reads ``w:noBreakHyphen`` as "-" (pandoc's reader as U+2011).
    LibreOffice does not break "1036/KHCN" after its "/" (tested); OOXML has no no-break form of
    "/" that keeps the text, and Word was not available to test."""
    for t in list(root.iter(_q("w:t"))):
        text = t.text or ""
        cuts = [start + i for start, end in number_tokens(text)
                for i, ch in enumerate(text[start:end]) if ch == "-"]
        if not cuts:
            continue
        parent = t.getparent()
        assert parent is not None
        at = parent.index(t)
        parent.remove(t)
        pieces, previous = [], 0
        for cut in cuts:
            pieces.append(text[previous:cut])
            previous = cut + 1
        pieces.append(text[previous:])
        new: list[etree._Element] = []
        for i, piece in enumerate(pieces):
            if i:
                new.append(etree.Element(_q("w:noBreakHyphen")))
            if piece:
                part = etree.Element(_q("w:t"))
                part.text = piece
                part.set(_XML_SPACE, "preserve")
                new.append(part)
        for offset, element in enumerate(new):
            parent.insert(at + offset, element)


def postprocess_document_xml(xml: bytes) -> bytes:
    """Rows of pandoc tables (style "Table") never split, each such table fills the text width
    of the section it is in but its indent (pandoc sizes every table for a 5.5 in portrait
    column; :func:`_fit_table`), the last body paragraph is kept with the signature block, a
    paragraph right before a body table with the table, and no line breaks inside a document
    number, a date or a number range."""
    root = etree.fromstring(xml)
    body = root.find("w:body", _NS)
    if body is None:
        return xml
    pending: list[etree._Element] = []
    for child in body:
        if child.tag == _q("w:tbl"):
            style = child.find("w:tblPr/w:tblStyle", _NS)
            if style is not None and style.get(_q("w:val")) == "Table":
                pending.append(child)
            continue
        sect_pr = None
        if child.tag == _q("w:p"):
            sect_pr = child.find("w:pPr/w:sectPr", _NS)
        elif child.tag == _q("w:sectPr"):
            sect_pr = child
        if sect_pr is not None:
            width = _section_text_width(sect_pr)
            for tbl in pending:
                _fit_table(tbl, width)
            pending = []
    for tbl in pending:  # no final sectPr (should not happen): assume portrait
        _fit_table(tbl, TEXT_W_PORTRAIT)
    _keep_with_signature(body)
    _keep_lead_ins(body)
    _join_number_hyphens(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def stamp_core_properties(xml: bytes, epoch: int) -> bytes:
    """Set dcterms:created/modified to ``epoch``: under ``--sandbox`` pandoc ignores
    SOURCE_DATE_EPOCH and writes 1970-01-01 there."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch)).encode()
    return re.sub(
        rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)",
        lambda m: m.group(1) + stamp + m.group(3),
        xml,
    )


# --------------------------------------------------------------------------------------------
# entry point


def write_docx(
    pandoc_input: str, out: Path, *, templates: Path, epoch: int | None = None
) -> None:
    """Write the official DOCX of ``pandoc_input`` to ``out``.

    Arguments:
        pandoc_input: the Markdown + YAML document described in docs/dev/official-input.md.
        out: the .docx file to write (replaced atomically).
        templates: the repository's ``templates/`` folder (filters/, docx/, fonts/).
        epoch: timestamp written into the file (default: $SOURCE_DATE_EPOCH or a fixed date).

    Raises:
        PandocError: pandoc or a template is missing, or the conversion failed (Vietnamese text).
    """
    final, _ = build_docx(pandoc_input, templates=templates, epoch=epoch)
    write_atomic(out, final)


def build_docx(
    pandoc_input: str, *, templates: Path, epoch: int | None = None, with_typst: bool = False
) -> tuple[bytes, str | None]:
    """The official DOCX of ``pandoc_input`` as bytes, and with ``with_typst`` also the typst
    source of its PDF, from the same pandoc run (``templates/filters/typst-copy.lua``): the
    Markdown is read once for both documents. The typst source is the same text that
    :func:`baocao.write.pdf.render_typst_source` gives.

    Raises:
        PandocError: pandoc or a template is missing, or the conversion failed (Vietnamese text).
    """
    epoch = source_date_epoch() if epoch is None else epoch
    lua_filter = templates / "filters" / "official.lua"
    template = templates / "docx" / "report.openxml"
    fonts = templates / "fonts"
    for needed in (lua_filter, template, fonts):
        if not needed.exists():
            raise PandocError(f"Không tìm thấy tệp mẫu {needed}: thư mục templates/ chưa đầy đủ.")

    text = unicodedata.normalize("NFC", pandoc_input)
    typst_source: str | None = None
    with tempfile.TemporaryDirectory(prefix="baocao-docx-") as tmp:
        metrics = FontMetrics(fonts.resolve())
        pin = official_pandoc_input(
            text, lambda s: break_titles(keep_draft_blanks(s), metrics), Path(tmp),
            lambda svg, w, h, cm, shown: svg_to_png(svg, w, h, cm, shown, templates=templates))
        meta = read_metadata(pin.meta_text, epoch=epoch)
        layout = compute_layout(meta, metrics)
        variables = [f"--variable={key}={value}" for key, value in sorted(layout.items())]
        reference = Path(tmp) / "reference.docx"
        reference.write_bytes(reference_docx_bytes())
        raw = Path(tmp) / "pandoc.docx"
        extra: list[str] = []
        env: dict[str, str] = dict(pin.env)
        if with_typst:
            typst_out = Path(tmp) / "report.typ"
            extra, typst_env = typst_copy_settings(templates, typst_out)
            env.update(typst_env)
        run_pandoc(
            [
                f"--from={pin.reader}",
                "--to=docx",
                *[f"--lua-filter={f}" for f in pin.filters],
                f"--lua-filter={lua_filter.resolve()}",
                *extra,
                f"--reference-doc={reference}",
                f"--template={template.resolve()}",
                *variables,
                f"--output={raw}",
            ],
            input_text=pin.text,
            epoch=epoch,
            extra_env=env,
        )
        data = raw.read_bytes()
        if with_typst:
            typst_source = typst_out.read_text(encoding="utf-8")

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            patch = {
                "word/document.xml": postprocess_document_xml(z.read("word/document.xml")),
                "docProps/core.xml": stamp_core_properties(z.read("docProps/core.xml"), epoch),
            }
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as exc:
        raise PandocError(f"Tệp DOCX do pandoc tạo ra bị hỏng: {exc}") from exc
    return normalized_zip(data, epoch, patch=patch), typst_source


def write_atomic(out: Path, data: bytes) -> None:
    """Write ``data`` to ``out`` through a temporary file and a rename (never a partial file)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")
    partial.write_bytes(data)
    os.replace(partial, out)
