"""Input preparation shared by the DOCX and PDF writers: the blanks of a draft's number and date.

A draft leaves its number and day blank ("Số:      /BC-KHCN", "ngày    tháng 9"); pandoc's
Markdown reader would collapse those runs of spaces, so both writers turn them into no-break
spaces first (:func:`keep_draft_blanks`)."""

from __future__ import annotations

import re

# Metadata keys whose draft blanks ("Số:      /BC-KHCN", "ngày    tháng 9") must survive.
_BLANK_KEYS = ("so-ky-hieu", "dia-danh-ngay", "kem-theo")
_FRONT_MATTER = re.compile(r"\A(---[ \t]*\n)(.*?\n)((?:---|\.\.\.)[ \t]*(?:\n|\Z))", re.DOTALL)
_KEY = r"""(?<![\w-])(?P<key>["']?(?:""" + "|".join(_BLANK_KEYS) + r""")["']?[ \t]*:[ \t]*)"""
# A quoted value anywhere (YAML block or flow style, or JSON, which the generator writes).
_BLANK_QUOTED = re.compile(_KEY + r"""(?P<value>"(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*')""")
# A plain (unquoted) YAML scalar: the rest of the line.
_BLANK_PLAIN = re.compile(r"^[ \t]*" + _KEY + r"""(?P<value>[^\s"'{\[].*?)[ \t]*$""", re.MULTILINE)
NBSP = "\u00a0"


def keep_draft_blanks(pandoc_input: str) -> str:
    """Turn runs of 2+ spaces in ``so-ky-hieu``, ``dia-danh-ngay`` and ``kem-theo`` into
    no-break spaces, so that the blanks of a draft ("Số:      /BC-KHCN") survive pandoc's
    Markdown reader. Only single-line scalars of the leading metadata block are touched; the
    block may be YAML (block or flow style) or JSON."""
    m = _FRONT_MATTER.match(pandoc_input)
    if not m:
        return pandoc_input

    def nbsp(run: re.Match[str]) -> str:
        return NBSP * len(run.group())

    def quoted(found: re.Match[str]) -> str:
        value = found.group("value")
        return found.group("key") + value[0] + re.sub(r" {2,}", nbsp, value[1:-1]) + value[-1]

    def plain(found: re.Match[str]) -> str:  # YAML strips a plain scalar's outer spaces anyway
        value = re.sub(r"(?<=\S) {2,}(?=\S)", nbsp, found.group("value"))
        return found.group(0).replace(found.group("value"), value, 1)

    meta = _BLANK_PLAIN.sub(plain, _BLANK_QUOTED.sub(quoted, m.group(2)))
    return m.group(1) + meta + m.group(3) + pandoc_input[m.end():]
