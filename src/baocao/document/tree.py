"""One document tree per report for the official documents: the skeleton and the parsed bodies.

The official input of a report (``render/official.py``, contract in docs/dev/official-input.md) is
a *bundle*: JSON with the ``skeleton`` (YAML metadata, Phần blocks and headings, every content
string escaped, each section body replaced by a slot paragraph) and the section ``bodies``
(Markdown, placeholders already expanded). In the one pandoc run that writes the DOCX (and the
typst source of the PDF), the skeleton is read by :data:`DOCUMENT_READER` and each body by the
dialect's reader (``splice.lua``: the same reader and extensions as the site's HTML and
``check``); the bodies' blocks take the place of their slots. A hand-written Markdown input
(not a bundle) is read whole by :data:`DOCUMENT_READER`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import PandocError
from .dialect import DOCUMENT_READER, READER, prepare

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


def bundle_markdown(source: str) -> str:
    """The bundle as one Markdown document: the skeleton with each body in its slot's place
    (what the official input was before the one parse; the benchmark's bare-pandoc baseline
    converts it). Not how the documents are made: bodies read inside the skeleton could reach
    one another."""
    bundle = read_bundle(source)
    if bundle is None:
        return source
    text: str = bundle["skeleton"]
    for i, body in enumerate(bundle["bodies"]):
        text = text.replace(f"{bundle['marker']}{i}\n", body.rstrip("\n") + "\n", 1)
    return text


#: The Lua filter that puts the parsed bodies in their slots (first filter of the DOCX/typst run).
SPLICE_FILTER = Path(__file__).with_name("splice.lua")


@dataclass(frozen=True)
class PandocInput:
    """What the DOCX and typst writers give pandoc for an official input: the reader and the
    text, the Markdown whose metadata block describes the document (for the layout
    measurements), and the Lua filter (first of all) and environment that splice the bodies in."""

    reader: str
    text: str
    meta_text: str
    filters: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)


def official_pandoc_input(source: str, prepare_skeleton: Callable[[str], str],
                          folder: Path) -> PandocInput:
    """The pandoc input of an official input *source*. For a bundle, the skeleton is read by
    :data:`DOCUMENT_READER` and each body, prepared by the dialect (:func:`prepare`), by
    ``pandoc.read`` with the dialect's reader inside the same run (``splice.lua``; the bodies
    are written to *folder*): each body as it reads on its own, which is how the site's HTML and
    ``check`` read it, the bodies that nothing can carry over to another in one ``pandoc.read``
    call. *prepare_skeleton* readies the Markdown part (NFC, draft blanks)."""
    bundle = read_bundle(source)
    if bundle is None:  # a hand-written input: read whole, exactly as a body would be
        text = prepare_skeleton(source)
        return PandocInput(DOCUMENT_READER, prepare(text).text, text)
    if not SPLICE_FILTER.is_file():
        raise PandocError(f"Thiếu tệp {SPLICE_FILTER} của công cụ; hãy cài lại baocao.")
    skeleton = prepare_skeleton(bundle["skeleton"])
    bodies = folder / "bodies.json"
    bodies.write_text(json.dumps({"marker": bundle["marker"], "reader": READER,
                                  "bodies": [prepare(b).text for b in bundle["bodies"]]},
                                 ensure_ascii=False), encoding="utf-8")
    return PandocInput(DOCUMENT_READER, skeleton, skeleton, (str(SPLICE_FILTER),),
                       {"BAOCAO_BODIES": str(bodies)})
