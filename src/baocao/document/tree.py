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

import base64
import hashlib
import json
import re
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


#: Text width of the documents' portrait pages in cm (A4, margins of spec/nd30.md R5: 30 mm
#: left, 15 mm right): an image's width in % is a share of it, and no image is wider.
TEXT_WIDTH_CM = 16.5
#: Pixels per inch at which an image without a width is shown at its own size.
NATURAL_PPI = 96


def image_entry(name: str, kind: str, width: int, height: int, data: bytes) -> dict[str, Any]:
    """An image of a bundle: its file name in the documents, its kind, its size in pixels, the
    width it takes when the body gives none (its own size at 96 ppi, at most the text width),
    and its bytes."""
    natural = min(TEXT_WIDTH_CM, round(width / NATURAL_PPI * 2.54, 2))
    return {"name": name, "kind": kind, "width": width, "height": height,
            "default_cm": natural, "data": base64.b64encode(data).decode("ascii")}


def printed_cm(shown_width: str, default_cm: float) -> float:
    """The width in cm an image is printed at in the documents (as ``splice.lua`` places it):
    a width in % is a share of the text width, in cm itself, none its *default_cm*; at most
    the text width."""
    m = re.fullmatch(r"\s*([0-9.]+)\s*(%|cm)\s*", shown_width or "")
    width = default_cm
    if m is not None:
        width = float(m.group(1)) * (TEXT_WIDTH_CM / 100 if m.group(2) == "%" else 1)
    return min(width, TEXT_WIDTH_CM)


def make_bundle(skeleton: str, bodies: Sequence[str], marker: str,
                images: dict[str, dict[str, Any]] | None = None) -> str:
    """The bundle's JSON text; *images* (target as the bodies write it → :func:`image_entry`)
    only when the bodies show images, so the bundle of a report without any stays as it was."""
    data: dict[str, Any] = {"format": BUNDLE_FORMAT, "marker": marker, "skeleton": skeleton,
                            "bodies": list(bodies)}
    if images:
        data["images"] = dict(sorted(images.items()))
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def bundle_images(source: str) -> dict[str, bytes]:
    """The image files of an official input: name → bytes (empty for a Markdown input)."""
    bundle = read_bundle(source)
    if bundle is None:
        return {}
    return {entry["name"]: base64.b64decode(entry["data"])
            for entry in bundle.get("images", {}).values()}


def bundle_image_targets(source: str) -> dict[str, str]:
    """The image files of an official input: name → the target as the bodies write it."""
    bundle = read_bundle(source)
    if bundle is None:
        return {}
    return {entry["name"]: target for target, entry in sorted(bundle.get("images", {}).items())}


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


_MIME = {"png": "image/png", "jpeg": "image/jpeg", "svg": "image/svg+xml"}

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
                          folder: Path,
                          raster: Callable[[bytes, int, int, float, str], bytes] | None = None,
                          ) -> PandocInput:
    """The pandoc input of an official input *source*. For a bundle, the skeleton is read by
    :data:`DOCUMENT_READER` and each body, prepared by the dialect (:func:`prepare`), by
    ``pandoc.read`` with the dialect's reader inside the same run (``splice.lua``; the bodies
    are written to *folder*): each body as it reads on its own, which is how the site's HTML and
    ``check`` read it, the bodies that nothing can carry over to another in one ``pandoc.read``
    call. *prepare_skeleton* readies the Markdown part (NFC, draft blanks).

    The bundle's images are written to *folder* too; the filter puts each in pandoc's media bag
    under its name (the DOCX embeds it from there; the PDF's typst reads the file of that name).
    An SVG goes into the DOCX as the PNG *raster* makes of it (bytes, width and height in
    pixels, the widest width in cm it is printed at, the target as the body writes it → PNG
    bytes): Word before 2016 and LibreOffice's older versions show no SVG."""
    bundle = read_bundle(source)
    if bundle is None:  # a hand-written input: read whole, exactly as a body would be
        text = prepare_skeleton(source)
        return PandocInput(DOCUMENT_READER, prepare(text).text, text)
    if not SPLICE_FILTER.is_file():
        raise PandocError(f"Thiếu tệp {SPLICE_FILTER} của công cụ; hãy cài lại baocao.")
    skeleton = prepare_skeleton(bundle["skeleton"])
    images: dict[str, dict[str, Any]] = {}
    for target, entry in bundle.get("images", {}).items():
        data = base64.b64decode(entry["data"])
        docx_file, mime = folder / f"media-{entry['name']}", _MIME[entry["kind"]]
        docx_file.write_bytes(data)
        if entry["kind"] == "svg" and raster is not None:
            docx_file = folder / f"media-{entry['name']}.png"
            docx_file.write_bytes(raster(data, entry["width"], entry["height"],
                                         float(entry.get("print_cm", entry["default_cm"])),
                                         target))
            mime = "image/png"
        images[target] = {"name": entry["name"], "file": str(docx_file), "mime": mime,
                          "default_cm": entry["default_cm"]}
    bodies = folder / "bodies.json"
    bodies.write_text(json.dumps({"marker": bundle["marker"], "reader": READER,
                                  "bodies": [prepare(b).text for b in bundle["bodies"]],
                                  "images": images, "text_width_cm": TEXT_WIDTH_CM},
                                 ensure_ascii=False), encoding="utf-8")
    return PandocInput(DOCUMENT_READER, skeleton, skeleton, (str(SPLICE_FILTER),),
                       {"BAOCAO_BODIES": str(bodies)})
