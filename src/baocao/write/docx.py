"""Writer of the official DOCX: pandoc input (docs/dev/official-input.md) → .docx per Nghị định 30.

The only DOCX-specific step of the official route. It
1. keeps the blanks of a draft number/date (pandoc's Markdown reader would collapse them),
2. measures the header lines with the Liberation Serif metrics (identical advance widths to
   Times New Roman) to size the header/signature tables and the short rules (spec/nd30.md R10,
   R13, R14, R24),
3. runs the pinned pandoc with the Lua filter, the generated reference DOCX and the OpenXML
   template,
4. post-processes ``word/document.xml`` for what pandoc cannot express (rows that do not split,
   pandoc tables sized to the text width of their own section), and re-zips with fixed
   timestamps: the same input gives the same bytes.
"""

from __future__ import annotations

import io
import json
import os
import re
import tempfile
import time
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree

from .blanks import keep_draft_blanks
from .pandoc import PandocError, run_pandoc, source_date_epoch
from .pdf import typst_copy_settings
from .reference_docx import (
    HEADER_DIST,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    PAGE_H,
    PAGE_W,
    SIZE_BODY,
    SIZE_CO_QUAN,
    SIZE_DIA_DANH,
    SIZE_QUOC_HIEU,
    SIZE_SO_KY_HIEU,
    SIZE_TIEU_NGU,
    TEXT_W_LANDSCAPE,
    TEXT_W_PORTRAIT,
    normalized_zip,
    reference_docx_bytes,
)

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"

#: Share of the text width for the short rules under the agency name and the trích yếu
#: (ND30: "từ 1/3 đến 1/2 độ dài của dòng chữ") and under "(Kèm theo …)" (Mẫu 2.1, not regulated).
RULE_FRACTION = 0.4
RULE_FRACTION_KEM_THEO = 0.3
#: Room added to each measured header line so that rounding in a renderer never wraps it (twips).
FIT_SLACK = 60

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS = {"w": _W}


# --------------------------------------------------------------------------------------------
# font metrics


@dataclass(frozen=True)
class FontMetrics:
    """Advance widths of the four Liberation Serif faces (metric-compatible with TNR)."""

    fonts_dir: Path

    def width(self, text: str, size: float, *, bold: bool = False, italic: bool = False) -> int:
        """Width of ``text`` at ``size`` pt in twips (no kerning, as Word sets it by default)."""
        upem, cmap, advances = _face(self.fonts_dir, bold, italic)
        units = 0
        for ch in unicodedata.normalize("NFC", text):
            glyph = cmap.get(ord(ch), ".notdef")
            units += advances.get(glyph, advances[".notdef"])
        return round(units / upem * size * 20)

    def lines(
        self, text: str, size: float, max_width: int, *, bold: bool = False, italic: bool = False
    ) -> list[str]:
        """Greedy word wrap of ``text`` into lines no wider than ``max_width`` twips."""
        out: list[str] = []
        for para in text.split("\n"):
            line = ""
            for word in para.split(" "):
                candidate = f"{line} {word}" if line else word
                if line and self.width(candidate, size, bold=bold, italic=italic) > max_width:
                    out.append(line)
                    line = word
                else:
                    line = candidate
            out.append(line)
        return out

    def longest_line(
        self, text: str, size: float, max_width: int, *, bold: bool = False, italic: bool = False
    ) -> int:
        """Width (twips) of the longest line of ``text`` wrapped at ``max_width``."""
        return max(
            self.width(line, size, bold=bold, italic=italic)
            for line in self.lines(text, size, max_width, bold=bold, italic=italic)
        )


@lru_cache(maxsize=8)
def _face(fonts_dir: Path, bold: bool, italic: bool) -> tuple[int, dict[int, str], dict[str, int]]:
    try:
        from fontTools.ttLib import TTFont  # noqa: PLC0415
    except ImportError as exc:  # pragma: no cover - dependency is declared
        raise PandocError("Thiếu gói fonttools: hãy chạy 'pip install -e .'") from exc
    style = {(False, False): "Regular", (True, False): "Bold", (False, True): "Italic",
             (True, True): "BoldItalic"}[(bold, italic)]
    path = fonts_dir / f"LiberationSerif-{style}.ttf"
    if not path.is_file():
        raise PandocError(f"Không tìm thấy phông chữ {path} (cần để tính độ rộng dòng chữ).")
    font = TTFont(str(path), lazy=True)
    advances = {name: adv for name, (adv, _lsb) in font["hmtx"].metrics.items()}
    return font["head"].unitsPerEm, dict(font.getBestCmap()), advances


def _inline_text(inlines: Iterable[dict[str, Any]]) -> str:
    out: list[str] = []
    for el in inlines:
        t: str = el["t"]
        c: Any = el.get("c")
        if t == "Str":
            out.append(c)
        elif t in ("Space", "SoftBreak"):
            out.append(" ")
        elif t == "LineBreak":
            out.append("\n")
        elif t in ("Code", "Math"):
            out.append(c[-1])
        elif t == "Quoted":
            q = ("“", "”") if c[0]["t"] == "DoubleQuote" else ("‘", "’")
            out.append(q[0] + _inline_text(c[1]) + q[1])
        elif t in ("Span", "Link", "Image", "Cite"):
            out.append(_inline_text(c[1]))  # [attr|citations, inlines, …]
        elif t in ("Emph", "Strong", "Underline", "Strikeout", "Superscript", "Subscript",
                   "SmallCaps"):
            out.append(_inline_text(c))
    return "".join(out)


def _meta_value(value: dict[str, Any]) -> Any:
    t: str = value["t"]
    c: Any = value.get("c")
    if t == "MetaMap":
        return {k: _meta_value(v) for k, v in c.items()}
    if t == "MetaList":
        return [_meta_value(v) for v in c]
    if t == "MetaInlines":
        return _inline_text(c)
    if t == "MetaBlocks":
        return "\n".join(_inline_text(b["c"]) for b in c if b["t"] in ("Para", "Plain"))
    return c  # MetaString, MetaBool


_JSON_FRONT = re.compile(r"\A---\n(\{.*?\n\})\n---\n", re.S)
_MD_ESCAPE = re.compile(r"\\(.)")


def _unescape(value: Any) -> Any:
    if isinstance(value, str):
        return _MD_ESCAPE.sub(r"\1", value)
    if isinstance(value, list):
        return [_unescape(v) for v in value]
    if isinstance(value, dict):
        return {k: _unescape(v) for k, v in value.items()}
    return value


def read_metadata(pandoc_input: str, *, epoch: int | None = None) -> dict[str, Any]:
    """The document metadata as pandoc reads it, with every text value as plain text.

    Fast path: baocao's own renderer writes the metadata as JSON whose strings are plain text
    with Markdown escapes, so it is read directly (one pandoc run less per document). Any other
    input is read by pandoc.
    """
    m = _JSON_FRONT.match(pandoc_input)
    if m:
        try:
            data = json.loads(m.group(1))
        except ValueError:
            data = None
        if isinstance(data, dict):
            return _unescape(data)
    raw = run_pandoc(["-f", "markdown", "-t", "json"], input_text=pandoc_input, epoch=epoch)
    meta = json.loads(raw.decode("utf-8"))["meta"]
    return {k: _meta_value(v) for k, v in meta.items()}


# --------------------------------------------------------------------------------------------
# layout: table widths and rule lengths (twips)


def _text(meta: dict[str, Any], key: str) -> str:
    value = meta.get(key)
    return value if isinstance(value, str) else ""


def compute_layout(meta: dict[str, Any], metrics: FontMetrics) -> dict[str, int]:
    """Column widths and rule indents for the template (all twips, see report.openxml)."""
    w = TEXT_W_PORTRAIT
    m = metrics
    chu_quan = _text(meta, "co-quan-chu-quan")
    co_quan = _text(meta, "co-quan")
    so = "Số: " + _text(meta, "so-ky-hieu")

    # Right column: Quốc hiệu, Tiêu ngữ and the date must each stay on one line (R14).
    right_need = FIT_SLACK + max(
        m.width(QUOC_HIEU, SIZE_QUOC_HIEU, bold=True),
        m.width(TIEU_NGU, SIZE_TIEU_NGU, bold=True),
        m.width(_text(meta, "dia-danh-ngay"), SIZE_DIA_DANH, italic=True),
    )
    so_need = FIT_SLACK + m.width(so, SIZE_SO_KY_HIEU)
    agency_need = FIT_SLACK + max(
        m.width(chu_quan, SIZE_CO_QUAN), m.width(co_quan, SIZE_CO_QUAN, bold=True)
    )
    left_need = max(so_need, agency_need)
    indent = 0
    if left_need + right_need <= w:  # everything fits: share the spare room evenly
        left = left_need + (w - left_need - right_need) // 2
    elif so_need + right_need <= w:  # agency names wrap (allowed by R13)
        left = w - right_need
    else:  # even "Số" would wrap: let the table reach into the (wider) left margin
        left = so_need
        indent = w - so_need - right_need
    right = w - left - indent
    width = left + right

    co_quan_line = m.longest_line(co_quan, SIZE_CO_QUAN, left, bold=True)
    rule_co_quan = round(co_quan_line * RULE_FRACTION)
    rule_tieu_ngu = m.width(TIEU_NGU, SIZE_TIEU_NGU, bold=True)
    trich_yeu_line = m.longest_line(_text(meta, "trich-yeu"), SIZE_BODY, w, bold=True)
    rule_trich_yeu = round(trich_yeu_line * RULE_FRACTION)

    # Signature block: same split as the header (signature centred under the Quốc hiệu),
    # unless the signer lines need more room.
    sig_need = FIT_SLACK + max(
        m.width(_text(meta, key).upper(), SIZE_BODY, bold=True)
        for key in ("quyen-han", "chuc-vu", "nguoi-ky")
    )
    sig_left = left if indent == 0 else w * 2 // 5
    sig_left = min(sig_left, w - sig_need)
    sig_right = w - sig_left

    layout = {
        "hb-left": left,
        "hb-right": right,
        "hb-width": width,
        "hb-ind": indent,
        "rule-co-quan": max(0, (left - rule_co_quan) // 2),
        "rule-tieu-ngu": max(0, (right - rule_tieu_ngu) // 2),
        "rule-trich-yeu": max(0, (w - rule_trich_yeu) // 2),
        "sig-left": sig_left,
        "sig-right": sig_right,
        "sig-width": w,
        "pl-page-w": PAGE_H,
        "pl-page-h": PAGE_W,
        "pl-mar-top": MARGIN_TOP,
        "pl-mar-bottom": MARGIN_BOTTOM,
        "pl-mar-left": MARGIN_LEFT,
        "pl-mar-right": MARGIN_RIGHT,
        "pl-mar-header": HEADER_DIST,
        "rule-kem-theo": TEXT_W_LANDSCAPE // 3,
    }
    phu_luc = meta.get("phu-luc")
    if isinstance(phu_luc, dict) and isinstance(phu_luc.get("kem-theo"), str):
        line = m.longest_line(phu_luc["kem-theo"], SIZE_BODY, TEXT_W_LANDSCAPE, italic=True)
        layout["rule-kem-theo"] = max(0, (TEXT_W_LANDSCAPE - round(line * RULE_FRACTION_KEM_THEO)) // 2)
    return layout


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


def _fit_table(tbl: etree._Element, total: int) -> None:
    """Scale a pandoc table's grid to ``total`` twips, give every cell its width, and keep
    every row on one page (w:cantSplit)."""
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
    p_pr = previous.find("w:pPr", _NS)
    if p_pr is None:
        p_pr = etree.Element(_q("w:pPr"))
        previous.insert(0, p_pr)
    if p_pr.find("w:keepNext", _NS) is None:
        style = p_pr.find("w:pStyle", _NS)
        p_pr.insert(0 if style is None else 1, etree.Element(_q("w:keepNext")))


def postprocess_document_xml(xml: bytes) -> bytes:
    """Rows of pandoc tables (style "Table") never split, each such table spans the text width
    of the section it is in (pandoc sizes every table for a 5.5 in portrait column), and the
    last body paragraph is kept with the signature block."""
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

    text = keep_draft_blanks(unicodedata.normalize("NFC", pandoc_input))
    meta = read_metadata(text, epoch=epoch)
    layout = compute_layout(meta, FontMetrics(fonts.resolve()))
    variables = [f"--variable={key}={value}" for key, value in sorted(layout.items())]

    typst_source: str | None = None
    with tempfile.TemporaryDirectory(prefix="baocao-docx-") as tmp:
        reference = Path(tmp) / "reference.docx"
        reference.write_bytes(reference_docx_bytes())
        raw = Path(tmp) / "pandoc.docx"
        extra: list[str] = []
        env: dict[str, str] = {}
        if with_typst:
            typst_out = Path(tmp) / "report.typ"
            extra, env = typst_copy_settings(templates, typst_out)
        run_pandoc(
            [
                "--from=markdown",
                "--to=docx",
                f"--lua-filter={lua_filter.resolve()}",
                *extra,
                f"--reference-doc={reference}",
                f"--template={template.resolve()}",
                *variables,
                f"--output={raw}",
            ],
            input_text=text,
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
