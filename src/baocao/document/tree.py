"""One document tree per report for the official documents: the skeleton and the parsed bodies.

The official input of a report (``render/official.py``, contract in docs/dev/official-input.md) is
a *bundle*: JSON with the ``skeleton`` (YAML metadata, Phần blocks and headings, every content
string escaped, each section body replaced by a slot paragraph) and the section ``bodies``
(Markdown, placeholders already expanded). The skeleton is read by :data:`DOCUMENT_READER`, each
body by the dialect's reader (:func:`parse_bodies`, the same reading the site's HTML and ``check``
get); the bodies' blocks take the place of their slots, and the DOCX and typst writers read that
tree as pandoc JSON. A hand-written Markdown input (not a bundle) is read whole by
:data:`DOCUMENT_READER`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Any

from ..errors import PandocError
from ..write.pandoc import run_pandoc
from .dialect import DOCUMENT_READER, prepare
from .parse import Block, Parsed, parse_bodies

BUNDLE_FORMAT = "baocao-official-1"


def slot_marker(bodies: Sequence[str], skeleton_text: str) -> str:
    """A slot word that occurs in no content of the report (derived from the content, so the
    bundle stays deterministic)."""
    digest = hashlib.sha256("\0".join([skeleton_text, *bodies]).encode()).hexdigest()[:16]
    return f"bcbody{digest}n"


def make_bundle(skeleton: str, bodies: Sequence[str], marker: str) -> str:
    return json.dumps({"format": BUNDLE_FORMAT, "marker": marker, "skeleton": skeleton,
                       "bodies": list(bodies)}, ensure_ascii=False, indent=1) + "\n"


def read_bundle(source: str) -> dict[str, Any] | None:
    """The bundle in *source*, or None when *source* is a Markdown input."""
    if not source.lstrip().startswith("{"):
        return None
    try:
        data = json.loads(source)
    except ValueError:
        return None
    if isinstance(data, dict) and data.get("format") == BUNDLE_FORMAT:
        return data
    return None


def _splice(blocks: list[Block], marker: str, bodies: Sequence[list[Block]]) -> list[Block]:
    out: list[Block] = []
    used = 0
    for block in blocks:
        c = block.get("c")
        if (block.get("t") == "Para" and isinstance(c, list) and len(c) == 1
                and c[0].get("t") == "Str" and str(c[0].get("c", "")).startswith(marker)):
            index = int(c[0]["c"][len(marker):])
            out.extend(bodies[index])
            used += 1
        else:
            out.append(block)
    if used != len(bodies):
        raise PandocError(f"Khung văn bản có {used} chỗ đặt nội dung cho {len(bodies)} mục.")
    return out


def document_json(skeleton: str, bundle: dict[str, Any],
                  parsed: Sequence[Parsed] | None = None) -> str:
    """The pandoc JSON of a bundle: *skeleton* (the bundle's, prepared by the caller) read by
    :data:`DOCUMENT_READER`, the bodies by the dialect (or *parsed*, the same bodies already
    read)."""
    bodies: list[str] = bundle["bodies"]
    doc = json.loads(run_pandoc([f"--from={DOCUMENT_READER}", "--to=json"], input_text=skeleton))
    if parsed is None:
        parsed = parse_bodies(bodies)
    doc["blocks"] = _splice(doc["blocks"], bundle["marker"], [p.blocks for p in parsed])
    return json.dumps(doc, ensure_ascii=False)


def official_pandoc_input(source: str, prepare_skeleton: Callable[[str], str],
                          parsed: Sequence[Parsed] | None = None) -> tuple[str, str, str]:
    """What the DOCX and typst writers give pandoc for an official input *source*: the reader
    (``json`` for a bundle), the text, and the Markdown whose metadata block describes the
    document (for the layout measurements). *prepare_skeleton* readies the Markdown part (NFC,
    draft blanks)."""
    bundle = read_bundle(source)
    if bundle is None:  # a hand-written input: read whole, exactly as a body would be
        text = prepare_skeleton(source)
        return DOCUMENT_READER, prepare(text).text, text
    skeleton = prepare_skeleton(bundle["skeleton"])
    return "json", document_json(skeleton, bundle, parsed), skeleton
