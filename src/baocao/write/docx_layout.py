"""Measuring the official DOCX's header, signature and rules: the Liberation Serif metrics
(identical advance widths to Times New Roman) size the header/signature tables and the short
rules (spec/nd30.md R10, R13, R14, R24) from the document's metadata, read the way pandoc reads
it. The values become pandoc variables of the OpenXML template (:mod:`baocao.write.docx`)."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..document.dialect import DOCUMENT_READER
from .pandoc import PandocError, run_pandoc
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
)

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"

#: Share of the text width for the short rules under the agency name and the trích yếu
#: (ND30: "từ 1/3 đến 1/2 độ dài của dòng chữ") and under "(Kèm theo …)" (Mẫu 2.1, not regulated).
RULE_FRACTION = 0.4
RULE_FRACTION_KEM_THEO = 0.3
#: Room added to each measured header line so that rounding in a renderer never wraps it (twips).
FIT_SLACK = 60


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
    raw = run_pandoc([f"--from={DOCUMENT_READER}", "--to=json"], input_text=pandoc_input,
                     epoch=epoch)
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
        for key in ("quyen-han", "quyen-han-2", "chuc-vu", "nguoi-ky")
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
    kinh_gui = meta.get("kinh-gui-ds")
    if isinstance(kinh_gui, list) and kinh_gui:
        # Several addressees (R25): "Kính gửi:" on its line, the "- …;" lines below with their
        # dashes under its colon, the whole block centred on the text width.
        label = m.width("Kính gửi", SIZE_BODY)
        dash = m.width("- ", SIZE_BODY)
        items = max(m.width(f"- {x}", SIZE_BODY) for x in kinh_gui)
        block = max(m.width("Kính gửi:", SIZE_BODY), label + items) + FIT_SLACK
        kg_ind = max(0, (w - block) // 2)
        layout.update({"kg-ind": kg_ind, "kg-item-ind": kg_ind + label + dash, "kg-hanging": dash})
    phu_luc = meta.get("phu-luc")  # one map, or a list of maps (Phụ lục I, II, …)
    maps = phu_luc if isinstance(phu_luc, list) else [phu_luc]
    # Every appendix's "Kèm theo" line is the same text (the report's facts): one rule width.
    kem_theo = next((p["kem-theo"] for p in maps
                     if isinstance(p, dict) and isinstance(p.get("kem-theo"), str)), None)
    if kem_theo is not None:
        line = m.longest_line(kem_theo, SIZE_BODY, TEXT_W_LANDSCAPE, italic=True)
        layout["rule-kem-theo"] = max(0, (TEXT_W_LANDSCAPE - round(line * RULE_FRACTION_KEM_THEO)) // 2)
    return layout
