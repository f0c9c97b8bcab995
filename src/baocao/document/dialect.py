"""The Markdown dialect editors write, as one pandoc reader format, and the two documented
normalisations applied to a body before pandoc reads it.

The dialect is pandoc's Markdown with everything an official document cannot show, or that would
read a report's literal text as markup, switched off (documented for editors in
docs/huong-dan-bien-tap.md, chapter "Cách viết nội dung"):

- no fancy/example lists and no ``N.`` ordered lists: Nghị định 30 numbering ("1.", "1)", "(1)",
  "a)", "(a)", "(i)") is literal text, so a leading "N." is escaped before reading (``prepare``);
  only "-" and "+" items are lists;
- no smart typography: "--", "...", straight quotes stay as typed;
- no TeX, no math, no citations, no divs/spans/attributes, no line blocks, no definition lists,
  no inline notes, no YAML blocks: text that looks like them is text;
- images (issue 17): an image alone in its paragraph is a figure whose caption is its text
  (``implicit_figures``), and it may say its width (``link_attributes``:
  ``![Hình 1. …](hinh/a.png){width=60%}``); ``check`` refuses every other attribute, on an
  image or a link, and an image that is not a figure of its own;
- raw HTML is *read* (so ``check`` can refuse it with its position) and never written: ``check``
  refuses every raw element, and the build stops on that error;
- a list may follow a paragraph line directly (as CommonMark allows), and so may a pipe table
  (pandoc needs a blank line there: ``prepare`` inserts it, keeping a map of the lines).

The reader of a whole official input written by hand (tests, docs/dev/official-input.md) is the
same dialect plus the YAML metadata block and fenced divs (``::: {.phan}``) the skeleton needs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_OFF = (
    "fancy_lists", "example_lists", "startnum", "smart", "raw_tex", "tex_math_dollars",
    "latex_macros", "citations", "yaml_metadata_block", "pandoc_title_block",
    "raw_attribute", "native_divs", "native_spans", "fenced_divs", "bracketed_spans",
    "inline_notes", "definition_lists", "line_blocks", "task_lists", "auto_identifiers",
    "implicit_header_references", "header_attributes",
    "fenced_code_attributes", "inline_code_attributes", "table_attributes", "table_captions",
    "grid_tables", "multiline_tables", "simple_tables",
)
_ON = ("lists_without_preceding_blankline",)

#: pandoc's reader for a section body.
READER = "markdown" + "".join(f"-{x}" for x in _OFF) + "".join(f"+{x}" for x in _ON)

#: pandoc's reader for a whole official input: the skeleton (metadata, Phần blocks, headings) that
#: baocao writes with every content string escaped, or a hand-written input. Headings get
#: pandoc's automatic identifiers (the DOCX bookmarks); a title's line break is an empty
#: bracketed span (render/official.py TITLE_BREAK).
DOCUMENT_READER = ("markdown" + "".join(
    f"-{x}" for x in _OFF if x not in ("yaml_metadata_block", "fenced_divs", "native_divs",
                                       "auto_identifiers", "header_attributes",
                                       "bracketed_spans"))
    + "".join(f"+{x}" for x in _ON))

#: A leading "N." (after any "-"/"+" list markers) that pandoc would read as an ordered list.
_ORDERED = re.compile(r"^(?P<lead>[ \t]*(?:[-+*][ \t]+)*)(?P<num>\d{1,9})\.(?=[ \t]|$)")
_TABLE_ROW = re.compile(r"^[ \t]*\|.*\|[ \t]*$")
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_FENCE = re.compile(r"^[ \t]*(```|~~~)")


@dataclass(frozen=True)
class Prepared:
    """A body as pandoc reads it. ``lines[i]`` is the line of the original body (1-based) that
    line i+1 of ``text`` comes from (0 for an inserted blank line)."""

    text: str
    lines: tuple[int, ...]

    def original_line(self, line: int) -> int:
        """The body line of line *line* (1-based) of the prepared text."""
        if 1 <= line <= len(self.lines):
            found = self.lines[line - 1]
            return found if found else self.original_line(line + 1)
        return self.lines[-1] if self.lines else 1


def prepare(body: str) -> Prepared:
    """The body with its literal numbering escaped and a blank line before a pipe table that
    follows a paragraph line. Lines inside fenced code are left alone (``check`` refuses code)."""
    src = body.split("\n")
    out: list[str] = []
    lines: list[int] = []
    fenced = False
    for i, line in enumerate(src):
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            line = _ORDERED.sub(lambda m: f"{m.group('lead')}{m.group('num')}\\.", line, count=1)
            if (_TABLE_ROW.match(line) and i + 1 < len(src) and _TABLE_RULE.match(src[i + 1])
                    and out and out[-1].strip() and not _TABLE_ROW.match(out[-1])):
                indent = line[: len(line) - len(line.lstrip())]
                out.append(indent if out[-1].startswith(indent) else "")
                lines.append(0)
        out.append(line)
        lines.append(i + 1)
    return Prepared("\n".join(out), tuple(lines))
