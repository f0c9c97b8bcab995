"""The site's HTML of section bodies, written by pandoc from the one parse (:mod:`.parse`).

Footnotes: the official documents number a report's footnotes straight through (Word and typst
count them), so the site does too. A body's HTML is made once with its notes numbered from 1
as :data:`NOTE_TOKEN` words, kept in the memo like that, and :func:`number_notes` gives the
numbers of the body's place in its report. Each body's notes are listed at its end
(``div.footnotes``), each with a link back to its reference.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ..errors import PandocError
from ..write.pandoc import run_pandoc
from .parse import Block, Parsed, api_version, available_cores, batches, parse_bodies

#: Stands for the number of a body's k-th note in its memoised HTML ("bcfn7q3k2z" is note 2).
NOTE_TOKEN = "bcfn7q3k{}z"
_NOTE_WORD = re.compile(r"bcfn7q3k(\d+)z")
_REF_CLASS = 'class="footnote-ref"'


_SCHEME = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:|//)", re.I)
_SAFE_SCHEMES = ("http:", "https:", "mailto:", "tel:")


def is_remote(url: str) -> bool:
    """*url* names a scheme or a host (not a path inside the site)."""
    return bool(_SCHEME.match(url))


def safe_url(url: str) -> bool:
    """A link target the site may carry: a relative path, an anchor, or http(s)/mailto/tel."""
    compact = re.sub(r"[\x00-\x20]", "", url).lower()
    return not is_remote(compact) or compact.startswith(_SAFE_SCHEMES)


def _str(text: str) -> Block:
    return {"t": "Str", "c": text}


def _raw(html: str) -> Block:
    return {"t": "RawBlock", "c": ["html", html]}


def _attr(ident: str = "", classes: Sequence[str] = (),
          pairs: Sequence[tuple[str, str]] = ()) -> list[Any]:
    return [ident, list(classes), [list(p) for p in pairs]]


def _with_notes(blocks: list[Block]) -> list[Block]:
    """*blocks* with every Note replaced by a numbered reference, and the notes listed after."""
    notes: list[list[Block]] = []

    def inlines(items: list[Any]) -> list[Any]:
        out = []
        for el in items:
            if isinstance(el, dict) and el.get("t") == "Note":
                notes.append(el["c"])
                token = NOTE_TOKEN.format(len(notes))
                out.append({"t": "Link", "c": [
                    _attr(f"fnref-{token}", ["footnote-ref"], [("role", "doc-noteref")]),
                    [{"t": "Superscript", "c": [_str(token)]}],
                    [f"#fn-{token}", ""],
                ]})
            else:
                out.append(walk(el))
        return out

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            if node and all(isinstance(x, dict) and "t" in x for x in node):
                return inlines(node)
            return [walk(x) for x in node]
        if isinstance(node, dict):
            return walk_element(node)
        return node

    def walk_element(el: dict[str, Any]) -> Any:
        # Defence in depth: ``check`` refuses all of these, and a build stops on its errors;
        # should one get through anyway, the page shows it as text, never as markup.
        t, c = el.get("t"), el.get("c")  # type: Any, Any
        if t == "RawInline":
            return _str(c[1])
        if t == "RawBlock":
            return {"t": "Para", "c": [_str(c[1])]}
        if t == "Link" and not safe_url(c[2][0]):
            return {"t": "Span", "c": [_attr(), walk(c[1])]}
        if t == "Link" and (c[0][0] or c[0][2] or set(c[0][1]) - {"uri", "email"}):
            # check refuses attributes on links (E504)
            classes = [k for k in c[0][1] if k in ("uri", "email")]  # pandoc's, of autolinks
            return {"t": "Link", "c": [_attr("", classes), walk(c[1]), c[2]]}
        if t == "Image" and not is_remote(c[2][0]):
            # the image file sits beside the page (write/site_build.py); only its width is
            # kept (check refuses other attributes: E510), and it loads when scrolled to
            width = [(k, v) for k, v in c[0][2] if k == "width"][:1]
            return {"t": "Image", "c": [_attr("", (), [*width, ("loading", "lazy")]),
                                        walk(c[1]), c[2]]}
        if t == "Image" and is_remote(c[2][0]):
            # a remote image would make the reader's browser leave the intranet
            return {"t": "Link", "c": [_attr(), walk(c[1]) or [_str(c[2][0])], [c[2][0], ""]]} \
                if safe_url(c[2][0]) else {"t": "Span", "c": [_attr(), walk(c[1])]}
        return {k: walk(v) for k, v in el.items()}

    out: list[Block] = walk(blocks)
    if notes:
        # pandoc's own markup for notes, numbered by tokens (see number_notes)
        out.append(_raw(f'<section class="footnotes" role="doc-endnotes">\n'
                        f'<ol start="{NOTE_TOKEN.format(1)}">'))
        for k, note in enumerate(notes, 1):
            token = NOTE_TOKEN.format(k)
            back = {"t": "Link", "c": [_attr("", ["footnote-back"], [("role", "doc-backlink")]),
                                       [_str("↩︎")], [f"#fnref-{token}", ""]]}
            body = [walk(b) for b in note]
            if body and body[-1]["t"] in ("Para", "Plain"):
                body[-1] = {"t": body[-1]["t"], "c": body[-1]["c"] + [{"t": "Space"}, back]}
            else:
                body.append({"t": "Para", "c": [back]})
            out += [_raw(f'<li id="fn-{token}">'), *body, _raw("</li>")]
        out.append(_raw("</ol>\n</section>"))
    return out


def _write(parsed: Sequence[Parsed]) -> list[str]:
    nonce = secrets.token_hex(8)
    blocks: list[Block] = []
    for i, p in enumerate(parsed):
        blocks.append({"t": "RawBlock", "c": ["html", f"<!--bc{nonce}-{i}-->"]})
        blocks.extend(_with_notes(p.blocks))
    doc = {"pandoc-api-version": api_version(), "meta": {}, "blocks": blocks}
    html = run_pandoc(["--from=json", "--to=html", "--wrap=none"],
                      input_text=json.dumps(doc, ensure_ascii=False)).decode("utf-8")
    parts = re.split(rf"<!--bc{nonce}-\d+-->\n?", html)
    if len(parts) != len(parsed) + 1:  # pragma: no cover - markers are raw HTML of our own
        raise PandocError("pandoc không giữ được ranh giới giữa các mục nội dung")
    return [part.strip() for part in parts[1:]]


def bodies_html(bodies: Sequence[str]) -> list[str]:
    """The HTML of each Markdown body (notes as :data:`NOTE_TOKEN` words, see
    :func:`number_notes`): read by the dialect, written by pandoc; batches run side by side."""
    if not bodies:
        return []

    def convert(part: range) -> list[str]:
        # parse and write one batch at a time: a batch's tree is dropped once written (the
        # trees of a whole archive would take hundreds of MB)
        return _write(parse_bodies([bodies[i] for i in part], split=False))

    chunks = list(batches([len(b) for b in bodies], available_cores()))
    if len(chunks) == 1:
        return convert(chunks[0])
    # batches small enough that each core has several: memory stays a few batches' trees
    small = [range(r.start + k, min(r.stop, r.start + k + 40)) for r in chunks
             for k in range(0, len(r), 40)]
    with ThreadPoolExecutor(max_workers=available_cores()) as pool:
        results = list(pool.map(convert, small))
    return [html for chunk in results for html in chunk]


def note_count(html: str) -> int:
    """How many notes a body's HTML refers to."""
    return html.count(_REF_CLASS)


def number_notes(html: str, first: int) -> str:
    """*html* with its notes numbered from *first* (their numbers in the report)."""
    return _NOTE_WORD.sub(lambda m: str(first + int(m.group(1)) - 1), html)
