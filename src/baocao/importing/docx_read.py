"""A DOCX as a flat list of paragraphs and tables, read with pandoc's DOCX reader.

Word heading styles arrive as headings, Word list numbering as list items (a bullet as "-",
a number as its literal text "1.", "a)", …), tables cell by cell, footnotes as notes. Every
paragraph keeps two forms: its plain text (for recognising the report's structure) and its
Markdown in the editors' dialect (for the section bodies).
"""

from __future__ import annotations

import io
import json
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ImportRefused
from ..images import MAX_IMAGE_BYTES, ImageRefused, identify
from ..vietnamese import decode_legacy, detect_legacy_encoding, has_legacy_sign
from ..write.pandoc import run_pandoc
from .legacy_fonts import recode

#: Characters the DOCX writer uses that an editor types differently: the non-breaking hyphen
#: kept inside document numbers ("99‑KL/TU") is a hyphen in the content.
_TYPED = str.maketrans({"\u2011": "-", "\u00ad": ""})
#: The largest DOCX read (a monthly report is well under 5 MB; images make the rest).
MAX_DOCX_BYTES = 100 << 20
#: Characters that are Markdown in the dialect when typed in a body: escaped. Braces too: Word
#: text like "{{ x }}" or "{=html}" stays text (a placeholder is never made of "\{\{").
_MD_SPECIAL = set("\\*_`[]<>~^$#|{}")


@dataclass
class Para:
    """One paragraph. ``index`` counts the document's paragraphs from 1 (for messages)."""

    text: str
    md: str
    index: int
    heading: int = 0  # Word heading level (0: none)
    bold: bool = False  # the whole paragraph is bold
    marker: str = ""  # Word list numbering: "-" for a bullet, "1." / "a)" … for a number
    depth: int = 0  # nesting of a Word list item (0: top)
    notes: list[str] = field(default_factory=list)  # footnotes in this paragraph (Markdown)


@dataclass
class Cell:
    paras: list[Para]
    colspan: int = 1

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paras).strip()

    @property
    def md(self) -> str:
        return " ".join(p.md for p in self.paras if p.md).strip()


@dataclass
class Table:
    rows: list[list[Cell]]
    index: int  # paragraph count before it (its place in the document)
    header_rows: int = 0
    #: Each column's share of the table's width (0 when Word gives none).
    widths: list[float] = field(default_factory=list)


Item = Para | Table

#: The text width of the official documents (16.5 cm) in inches: a figure's printed width in
#: the DOCX becomes a share of it (``{width=…%}``).
_TEXT_WIDTH_IN = 16.5 / 2.54
_LENGTH = re.compile(r"^\s*([0-9.]+)\s*(in|cm|mm|pt|px)?\s*$")
_PER_INCH = {"in": 1.0, "cm": 2.54, "mm": 25.4, "pt": 72.0, "px": 96.0, None: 96.0}


def _media(data: bytes) -> dict[str, bytes]:
    """The images stored in a DOCX (``word/media/…``), by the path pandoc names them with
    (``media/…``); each at most the size a report image may have (larger ones are left out and
    reported where they are shown)."""
    out: dict[str, bytes] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in z.infolist():
            name = info.filename
            if name.startswith("word/media/") and 0 < info.file_size <= MAX_IMAGE_BYTES:
                out[name.removeprefix("word/")] = z.read(info)
    return out


def read_docx(path: Path) -> tuple[list[Item], list[str], list[tuple[str, str]]]:
    """:func:`read_docx_images` without the figures' files."""
    items, said, dropped, _ = read_docx_images(path)
    return items, said, dropped


def read_docx_images(path: Path) -> tuple[list[Item], list[str], list[tuple[str, str]],
                                          dict[str, bytes]]:
    """The paragraphs and tables of *path* in document order, and what was converted from a
    legacy encoding (Vietnamese messages for the import report). Runs in a TCVN3 or VNI font
    are converted by their font (:mod:`.legacy_fonts`); text in such an encoding left without its
    font (pasted, or the font set by a style) is found by :func:`detect_legacy_encoding` and
    converted paragraph by paragraph. Last, what the content format cannot hold (an image, a
    formula): (where, message) for the import report. Last, the figures carried over: their
    path in the report folder (``hinh/hinh-1.png``) and their bytes (a PNG or JPEG that
    ``check`` accepts; other images are reported)."""
    if path.stat().st_size > MAX_DOCX_BYTES:
        raise ImportRefused(f"{path.name}: tệp lớn hơn {MAX_DOCX_BYTES >> 20} MB, không nhập")
    data, fonts = recode(path.read_bytes())
    out = run_pandoc(["-f", "docx", "-t", "json"], input_bytes=data)
    doc = json.loads(out.decode("utf-8"))
    said: list[str] = []
    if fonts:
        said.append(f"chữ gõ bằng phông {', '.join(fonts)} (bảng mã cũ) đã được chuyển sang "
                    "Unicode theo phông")
    strings: list[dict[str, Any]] = []
    _strings(doc["blocks"], strings)
    legacy = detect_legacy_encoding(" ".join(s["c"] for s in strings))
    if legacy is not None:
        for para in _paragraphs(doc["blocks"]):
            words: list[dict[str, Any]] = []
            _strings(para, words)
            whole = any(has_legacy_sign(w["c"]) for w in words)
            for w in words:
                w["c"] = decode_legacy(w["c"], legacy.encoding, whole=whole)
        said.append(f"chữ gõ bằng bảng mã {legacy.encoding} (không rõ phông) đã được chuyển sang "
                    f"Unicode theo từng đoạn (ví dụ \"{legacy.word}\" thành \"{legacy.reading}\"): "
                    "đọc lại các đoạn này")
    flat = Flattener(_media(data))
    items = flat.blocks(doc["blocks"])
    said.extend(f"{where}: {text}" for where, text in flat.guesses)
    return items, said, flat.dropped, flat.images


def _paragraphs(node: Any) -> list[list[dict[str, Any]]]:
    """The inlines of every paragraph (Para, Plain, Header) of pandoc's tree; a footnote's
    paragraphs are their own."""
    out: list[list[dict[str, Any]]] = []

    def walk(n: Any) -> None:
        if isinstance(n, dict):
            t = n.get("t")
            if t in ("Para", "Plain"):
                out.append(n["c"])
                _notes(n["c"])
            elif t == "Header":
                out.append(n["c"][2])
            elif "c" in n:
                walk(n["c"])
        elif isinstance(n, list):
            for x in n:
                walk(x)

    def _notes(inlines: Any) -> None:
        if isinstance(inlines, dict):
            if inlines.get("t") == "Note":
                walk(inlines["c"])
            elif "c" in inlines:
                _notes(inlines["c"])
        elif isinstance(inlines, list):
            for x in inlines:
                _notes(x)

    walk(node)
    return out


def _strings(node: Any, out: list[dict[str, Any]]) -> None:
    """Every Str node of pandoc's tree, in document order."""
    if isinstance(node, dict):
        if node.get("t") == "Str":
            out.append(node)
        elif "c" in node:
            _strings(node["c"], out)
    elif isinstance(node, list):
        for x in node:
            _strings(x, out)


def _roman_lower(n: int) -> str:
    vals = [(10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = ""
    for v, s in vals:
        while n >= v:
            out += s
            n -= v
    return out


def _number_label(n: int, style: str, delim: str) -> str:
    if style in ("LowerAlpha", "UpperAlpha"):
        label = chr(ord("a") + (n - 1) % 26)
        label = label.upper() if style == "UpperAlpha" else label
    elif style in ("LowerRoman", "UpperRoman"):
        label = _roman_lower(n)
        label = label.upper() if style == "UpperRoman" else label
    else:
        label = str(n)
    if delim == "OneParen":
        return f"{label})"
    if delim == "TwoParens":
        return f"({label})"
    if style in ("LowerAlpha",) and delim == "DefaultDelim":
        return f"{label})"
    return f"{label}."


class Flattener:
    """Walks pandoc's blocks; numbers the paragraphs."""

    def __init__(self, media: dict[str, bytes] | None = None) -> None:
        self.count = 0
        #: What could not be kept: (where, message).
        self.dropped: list[tuple[str, str]] = []
        #: The DOCX's stored images by pandoc's name for them (``media/rId26.png``).
        self.media = media or {}
        #: The figures carried over: path in the report folder -> bytes.
        self.images: dict[str, bytes] = {}
        #: What was carried over by a guess: (where, message).
        self.guesses: list[tuple[str, str]] = []

    # ---- inlines -------------------------------------------------------------------------
    def plain(self, inlines: list[dict[str, Any]]) -> str:
        out: list[str] = []
        for il in inlines:
            t = il["t"]
            if t == "Str":
                out.append(il["c"].translate(_TYPED))
            elif t in ("Space", "SoftBreak"):
                out.append(" ")
            elif t == "LineBreak":
                out.append("\n")
            elif t in ("Emph", "Strong", "Underline", "Strikeout", "SmallCaps", "Superscript",
                       "Subscript"):
                out.append(self.plain(il["c"]))
            elif t in ("Span", "Link"):
                out.append(self.plain(il["c"][1]))
            elif t == "Quoted":
                q = ("“", "”") if il["c"][0]["t"] == "DoubleQuote" else ("‘", "’")
                out.append(q[0] + self.plain(il["c"][1]) + q[1])
            elif t == "Code":
                out.append(il["c"][1])
        return "".join(out)

    def md(self, inlines: list[dict[str, Any]], notes: list[str]) -> str:
        out: list[str] = []
        for il in inlines:
            t = il["t"]
            if t == "Str":
                s = il["c"].translate(_TYPED)
                out.append("".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in s))
            elif t in ("Space", "SoftBreak"):
                out.append(" ")
            elif t == "LineBreak":
                out.append("\\\n")
            elif t in ("Emph", "Strong"):
                inner = self.md(il["c"], notes)
                mark = "*" if t == "Emph" else "**"
                stripped = inner.strip()
                if stripped:
                    lead = inner[: len(inner) - len(inner.lstrip())]
                    trail = inner[len(inner.rstrip()):]
                    out.append(f"{lead}{mark}{stripped}{mark}{trail}")
                else:
                    out.append(inner)
            elif t == "Superscript":
                out.append("^" + self.md(il["c"], notes).replace(" ", "\\ ") + "^")
            elif t == "Subscript":
                out.append("~" + self.md(il["c"], notes).replace(" ", "\\ ") + "~")
            elif t in ("Underline", "Strikeout", "SmallCaps"):
                out.append(self.md(il["c"], notes))
            elif t == "Span":
                out.append(self.md(il["c"][1], notes))
            elif t == "Link":
                text = self.md(il["c"][1], notes)
                url = il["c"][2][0]
                out.append(f"[{text}](<{url}>)" if url.startswith(("http://", "https://", "mailto:"))
                           else text)
            elif t == "Quoted":
                q = ("“", "”") if il["c"][0]["t"] == "DoubleQuote" else ("‘", "’")
                out.append(q[0] + self.md(il["c"][1], notes) + q[1])
            elif t == "Code":
                out.append("".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in il["c"][1]))
            elif t == "Image":
                caption = " ".join(self.plain(il["c"][1]).split())  # a figure's: its caption
                shown = caption if len(caption) <= 120 else caption[:119] + "…"
                what = f"hình \"{shown}\"" if caption else "ảnh"
                self.dropped.append((f"đoạn {self.count}", f"{what} không được chép sang tự động: "
                                     "lưu ảnh thành tệp PNG hoặc JPEG trong thư mục hinh/ của "
                                     "báo cáo rồi chèn bằng ![Hình … Chú thích](hinh/ten-tep.png) "
                                     "thành một đoạn riêng (hướng dẫn biên tập, \"Chèn hình\")"))
            elif t == "Math":
                out.append(il["c"][1])
                self.dropped.append((f"đoạn {self.count}", f"công thức \"{il['c'][1][:40]}\" "
                                     "được giữ dạng chữ"))
            elif t == "Note":
                body = " ".join(self._note_text(b, notes) for b in il["c"]).strip()
                notes.append(body)
                out.append(f"[^{len(notes)}]")
        return "".join(out)

    def _note_text(self, block: dict[str, Any], notes: list[str]) -> str:
        if block["t"] in ("Para", "Plain"):
            return self.md(block["c"], notes).replace("\\\n", " ")
        return ""

    # ---- blocks --------------------------------------------------------------------------
    def para(self, inlines: list[dict[str, Any]], heading: int = 0, marker: str = "",
             depth: int = 0) -> Para:
        self.count += 1
        notes: list[str] = []
        md = self.md(inlines, notes).strip()
        text = self.plain(inlines).strip(" \t")
        visible = [il for il in inlines if il["t"] not in ("Space", "SoftBreak", "LineBreak")]
        bold = bool(visible) and all(il["t"] == "Strong" for il in visible)
        return Para(text=text, md=md, index=self.count, heading=heading, bold=bold,
                    marker=marker, depth=depth, notes=notes)

    def blocks(self, blocks: list[dict[str, Any]], depth: int = 0) -> list[Item]:
        out: list[Item] = []
        for b in blocks:
            t = b["t"]
            if t in ("Para", "Plain"):
                out.append(self.lone_picture(b["c"]) or self.para(b["c"]))
            elif t == "Header":
                out.append(self.para(b["c"][2], heading=b["c"][0]))
            elif t == "BulletList":
                out.extend(self._items(b["c"], lambda _n: "-", depth))
            elif t == "OrderedList":
                start, style, delim = b["c"][0][0], b["c"][0][1]["t"], b["c"][0][2]["t"]
                out.extend(self._items(
                    b["c"][1], lambda n, s=start, st=style, d=delim: _number_label(s + n, st, d),
                    depth))
            elif t == "BlockQuote" or t == "Div":
                out.extend(self.blocks(b["c"] if t == "BlockQuote" else b["c"][1], depth))
            elif t == "LineBlock":
                for line in b["c"]:
                    out.append(self.para(line))
            elif t == "Table":
                out.append(self.table(b["c"]))
            elif t == "Figure":
                figure = self.figure(b)
                out.extend([figure] if figure is not None else self.blocks(b["c"][2], depth))
            elif t in ("CodeBlock", "RawBlock"):
                text = b["c"][1]
                self.dropped.append((f"sau đoạn {self.count}", f"khối \"{text[:40]}\" không "
                                     "nhập được"))
        return out

    def figure(self, block: dict[str, Any]) -> Para | None:
        """A figure (an image with its caption, as Word's caption style or the DOCX baocao
        writes gives it) as a paragraph ``![caption](hinh/hinh-N.png){width=…%}``, its image
        kept in :attr:`images`; None when it is not one image or its file cannot be kept (the
        caller then reads its blocks, which reports the image)."""
        caption = " ".join(" ".join(self.plain(c["c"]) for c in block["c"][1][1]
                                    if c["t"] in ("Para", "Plain")).split())
        inner = [il for b in block["c"][2] if b["t"] in ("Para", "Plain") for il in b["c"]
                 if il["t"] not in ("Space", "SoftBreak")]
        if not caption:
            return None
        return self.picture(inner, caption)

    def lone_picture(self, inlines: list[dict[str, Any]]) -> Para | None:
        """A paragraph holding only an image and no caption (pasted into Word): carried over
        with its alternative text, or "Ảnh N", as its caption (a guess the import report
        names)."""
        inner = [il for il in inlines if il["t"] not in ("Space", "SoftBreak")]
        if len(inner) != 1 or inner[0]["t"] != "Image":
            return None
        alt = " ".join(self.plain(inner[0]["c"][1]).split())
        caption = alt or f"Ảnh {sum(g[1].startswith('ảnh không') for g in self.guesses) + 1}"
        para = self.picture(inner, caption)
        if para is not None:
            self.guesses.append((f"đoạn {para.index}", f"ảnh không có chú thích: ghi tạm chú "
                                 f"thích \"{caption}\"; sửa lại (ví dụ \"Hình 1. …\")"))
        return para

    def picture(self, inner: list[dict[str, Any]], caption: str) -> Para | None:
        if len(inner) != 1 or inner[0]["t"] != "Image":
            return None
        attr, _alt, (src, _title) = inner[0]["c"]
        data = self.media.get(posixpath.normpath(src))
        if data is None:
            return None
        try:
            kind, _w, _h = identify(data, src)
        except ImageRefused:
            return None
        if kind == "svg":
            return None
        name = f"hinh/hinh-{len(self.images) + 1}.{'png' if kind == 'png' else 'jpg'}"
        self.images[name] = data
        width = ""
        m = _LENGTH.match(dict(attr[2]).get("width", ""))
        if m:
            inches = float(m.group(1)) / _PER_INCH[m.group(2)]
            share = max(1, min(100, round(100 * inches / _TEXT_WIDTH_IN)))
            width = f"{{width={share}%}}"
        self.count += 1
        text = "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in caption)
        return Para(text=caption, md=f"![{text}]({name}){width}", index=self.count)

    def _items(self, items: list[list[dict[str, Any]]], label: Any, depth: int) -> list[Item]:
        out: list[Item] = []
        for n, item in enumerate(items):
            first = True
            for b in item:
                if first and b["t"] in ("Para", "Plain"):
                    out.append(self.para(b["c"], marker=label(n), depth=depth))
                    first = False
                elif b["t"] in ("BulletList", "OrderedList"):
                    out.extend(self.blocks([b], depth + 1))
                else:
                    out.extend(self.blocks([b], depth))
        return out

    def table(self, c: list[Any]) -> Table:
        index = self.count
        rows: list[list[Cell]] = []
        head_rows = c[3][1]
        for row in head_rows:
            rows.append(self._row(row))
        for body in c[4]:
            for row in body[2] + body[3]:
                rows.append(self._row(row))
        for row in c[5][1]:
            rows.append(self._row(row))
        widths = [spec[1]["c"] if spec[1].get("t") == "ColWidth" else 0.0 for spec in c[2]]
        return Table(rows=rows, index=index, header_rows=len(head_rows), widths=widths)

    def _row(self, row: list[Any]) -> list[Cell]:
        cells: list[Cell] = []
        for cell in row[1]:
            colspan = cell[3]
            paras = [p for p in self.blocks(cell[4]) if isinstance(p, Para)]
            cells.append(Cell(paras, colspan))
        return cells
