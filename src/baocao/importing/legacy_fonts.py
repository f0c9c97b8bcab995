"""Text typed with a legacy Vietnamese font inside a DOCX, converted before pandoc reads it.

Older documents were typed with TCVN3 (ABC) fonts (.VnTime, .VnArial; the capitals-only
.VnTimeH, .VnArialH) or VNI fonts (VNI-Times): the file holds Latin-1 letters that only the font
draws as Vietnamese. A run whose font is one of these is read in that encoding (capitals for the
"H" fonts) and given a Unicode font; the DOCX is rebuilt in memory, nothing is written.
"""

from __future__ import annotations

import io
import re
import zipfile

from lxml import etree

from ..vietnamese import legacy_to_unicode

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PARTS = re.compile(r"word/(document|footnotes|endnotes|header\d*|footer\d*)\.xml")
_TCVN3_FONT = re.compile(r"^\.vn", re.I)
_VNI_FONT = re.compile(r"^vni[-_ ]", re.I)
#: The Unicode font a converted run gets.
UNICODE_FONT = "Times New Roman"


def _encoding(font: str) -> tuple[str, bool] | None:
    """(encoding, capitals only) of a legacy font name, or None."""
    if _TCVN3_FONT.match(font):
        return "TCVN3 (ABC)", font.rstrip().upper().endswith("H")
    if _VNI_FONT.match(font):
        return "VNI", False
    return None


def recode(data: bytes) -> tuple[bytes, list[str]]:
    """*data* (a DOCX) with every legacy-font run in Unicode, and the fonts met (none: *data*
    unchanged)."""
    try:
        src = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return data, []
    changed: dict[str, bytes] = {}
    fonts: set[str] = set()
    for name in src.namelist():
        if not _PARTS.fullmatch(name):
            continue
        root = etree.fromstring(src.read(name), etree.XMLParser(resolve_entities=False,
                                                                  no_network=True))
        hit = False
        for run in root.iter(f"{_W}r"):
            rfonts = run.find(f"{_W}rPr/{_W}rFonts")
            if rfonts is None:
                continue
            font = rfonts.get(f"{_W}ascii") or rfonts.get(f"{_W}hAnsi") or ""
            found = _encoding(font)
            if found is None:
                continue
            encoding, capitals = found
            for t in run.iter(f"{_W}t"):
                text = legacy_to_unicode(t.text or "", encoding)
                t.text = text.upper() if capitals else text
            for attr in ("ascii", "hAnsi", "cs"):
                if rfonts.get(f"{_W}{attr}") is not None:
                    rfonts.set(f"{_W}{attr}", UNICODE_FONT)
            fonts.add(font)
            hit = True
        if hit:
            changed[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                           standalone=True)
    if not changed:
        return data, []
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dest:
        for info in src.infolist():
            dest.writestr(info, changed.get(info.filename) or src.read(info.filename))
    return out.getvalue(), sorted(fonts)
