"""mkdocs hook: pages that baocao already rendered to HTML skip Python-Markdown's HTML parser.

Copied into the generated tree as hooks/prerendered.py.

baocao writes report, year, archive and register pages as Markdown headings (so that mkdocs
builds the table of contents and the heading anchors as usual) with blocks of HTML between them
that baocao rendered itself. Python-Markdown would parse every tag of those blocks again with
``html.parser`` only to copy them through unchanged; on a ten-year archive that was half of the
mkdocs build. Pages that say ``bc_prerendered: true`` in their front matter get each such block
set aside before Markdown runs (a placeholder paragraph stands in for it) and put back after.

Only a chunk between two headings that starts with ``<`` and ends with ``>`` is set aside; any
other text goes through Markdown as before. Without this hook (``zensical build``, or a plain
``mkdocs build`` of an edited config) the same pages build to the same HTML, only slower.
"""

from __future__ import annotations

import re
from typing import Any

_HEADING = re.compile(r"^(#{1,6} .*)$", re.MULTILINE)
_PLACEHOLDER = re.compile(r"<p>bcprerendered(\d+)x</p>")
_stash: dict[str, list[str]] = {}


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    if page.meta.get("bc_prerendered") is not True:
        return markdown
    parts = _HEADING.split(markdown)
    blocks: list[str] = []
    for i in range(0, len(parts), 2):  # even items are the text between headings
        chunk = parts[i].strip()
        if chunk.startswith("<") and chunk.endswith(">"):
            parts[i] = f"\n\nbcprerendered{len(blocks)}x\n\n"
            blocks.append(chunk)
    _stash[page.file.src_uri] = blocks
    return "".join(parts)


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    blocks = _stash.pop(page.file.src_uri, None)
    if not blocks:
        return html
    return _PLACEHOLDER.sub(lambda m: blocks[int(m.group(1))], html)
