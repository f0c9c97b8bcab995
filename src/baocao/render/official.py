"""The pandoc input of the official document (DOCX and PDF): YAML metadata + Markdown body.

The format is the contract in docs/dev/official-input.md. Metadata strings are escaped so
that text from content is never read as Markdown markup by pandoc.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..document.tree import image_entry, make_bundle, printed_cm, slot_marker
from ..model import Report, Repository
from .facts import (
    TEN_LOAI,
    AppendixFacts,
    GroupRow,
    ReportFacts,
    compute_facts,
    summary_lines,
)
from .outline import (
    MucHeading,
    OpeningBlock,
    PartHeading,
    SectionBlock,
    expand_body,
    outline,
    title_lines,
)

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|$^~@])")
_PROGRESS_KEY = {
    "hoan-thanh-dung-han": "dung-han",
    "hoan-thanh-qua-han": "qua-han",
    "hoan-thanh-khong-ro-ngay": "khong-ro",
    "dang-thuc-hien-trong-han": "chua-den-han",
    "dang-thuc-hien-qua-han": "qua-han",
    "chua-thuc-hien": "chua-thuc-hien",
}


def md_escape(text: str) -> str:
    """Escape *text* so pandoc reads it literally as inline Markdown (spaces kept)."""
    escaped = _MD_SPECIAL.sub(r"\\\1", " ".join(text.split("\n")))
    # Runs of spaces (draft blanks) would collapse: keep them as non-breaking spaces.
    return re.sub(r" {2,}", lambda m: "\u00a0" * len(m.group(0)), escaped)


#: Where a title's line ends in the official documents: an empty span that
#: templates/filters/official.lua turns into a line break (written for an editor's newline here,
#: and by src/baocao/write/title_lines.py where the balanced breaks fall). md_escape escapes
#: "[", "]", "{" and "}", so no content can write it.
TITLE_BREAK = "[]{.xuong-dong}"


def title_escape(text: str) -> str:
    """A title as Markdown text: escaped, each newline the editor typed a break mark."""
    return f" {TITLE_BREAK} ".join(md_escape(line) for line in title_lines(text))


def _appendix_meta(appendix: AppendixFacts) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    for row in appendix.table:
        if isinstance(row, GroupRow):
            rows.append({"nhom": md_escape(row.number), "nhan": md_escape(row.label)})
        else:
            rows.append({
                "o": [md_escape(c) for c in row.cells],
                "tien-do": _PROGRESS_KEY[row.status.value],
            })
    out: dict[str, Any] = {
        "tieu-de": md_escape(appendix.heading),
        "ten": title_escape(appendix.title),
        "kem-theo": md_escape(appendix.kem_theo),
        "cot": [md_escape(c) for c in appendix.headers],
        "do-rong": list(appendix.widths),
        "dong": rows,
    }
    if not appendix.kem_theo:
        del out["kem-theo"]
    return out


def appendices_meta(facts: ReportFacts) -> dict[str, Any] | list[dict[str, Any]] | None:
    """``phu-luc``: one map for a report with one appendix (as before issue 16), a list of maps
    (Phụ lục I, II, …) for several, None without appendix (docs/dev/official-input.md)."""
    maps = [_appendix_meta(a) for a in facts.appendices]
    if not maps:
        return None
    return maps[0] if len(maps) == 1 else maps


def official_metadata(repo: Repository, report: Report, facts: ReportFacts) -> dict[str, Any]:
    meta = report.meta
    signer = meta.signer
    authority = signer.authority_lines
    data: dict[str, Any] = {
        "lang": "vi-VN",
        "title": md_escape(f"Báo cáo {meta.title[:1].lower()}{meta.title[1:]}"),
        "author": md_escape(report.organization.name),
        "date": report.meta.date.value.isoformat() if report.meta.date else None,
        "co-quan-chu-quan": md_escape(facts.parent),
        "co-quan": md_escape(facts.agency_upper),
        "so-ky-hieu": md_escape(facts.so_ky_hieu),
        "dia-danh-ngay": md_escape(facts.dia_danh_ngay),
        "ten-loai": TEN_LOAI,
        "trich-yeu": md_escape(meta.title),
        "draft": report.is_draft,
        "noi-nhan": [md_escape(r) for r in meta.printed_recipients],
        "quyen-han": md_escape(authority[0] if authority else ""),
        "chuc-vu": md_escape(signer.position),
        "nguoi-ky": md_escape(signer.name),
    }
    if data["date"] is None:
        del data["date"]
    # Keys of issue 16's report shape are only written when used, so that a report without
    # them has the official input it had before.
    if len(authority) > 1:
        data["quyen-han-2"] = md_escape(authority[1])
    kinh_gui = meta.addressee_items  # the templates add each line's "- " (as for noi-nhan)
    if len(kinh_gui) == 1:
        data["kinh-gui"] = md_escape(kinh_gui[0])
    elif kinh_gui:
        data["kinh-gui-ds"] = [md_escape(line) for line in kinh_gui]
    appendix = appendices_meta(facts)
    if appendix is not None:
        data["phu-luc"] = appendix
    return data


def _heading(block: MucHeading | SectionBlock) -> str:
    """A Mục or khoản heading of the official input. Levels follow the document's structure
    (Phần 1, Mục 2, khoản 3; a khoản right under a Phần, with no Mục, 2), so that no level is
    skipped in Word's navigation pane or the PDF's bookmarks. A Mục title is stored in
    capitals, as Nghị định 30 prints it (Phụ lục I: Mục in hoa, đậm): not a formatting that
    the navigation pane, a copy or a screen reader would not see."""
    if isinstance(block, MucHeading) or block.level == "muc":
        return f"## {title_escape(block.written_text.upper())}"
    under_muc = "." in (block.section.number or "")
    return f"{'###' if under_muc else '##'} {title_escape(block.written_text)}"


def render_official_input(repo: Repository, report: Report) -> str:
    """The complete official input of *report*: a bundle (``baocao.document.tree``) of the
    skeleton (YAML metadata, Phần blocks, headings) and the section bodies, each body read
    later by the one dialect, exactly as the site reads it."""
    facts = compute_facts(repo, report)
    # JSON is valid YAML and needs no further escaping rules.
    meta = json.dumps(official_metadata(repo, report, facts), ensure_ascii=False, indent=1)
    blocks = {
        "tom_tat_nhiem_vu": lambda: "\n".join(summary_lines(facts.values)),
        "bang_nhiem_vu": lambda: "",
    }
    out = ["---", meta, "---", ""]
    bodies: list[str] = []
    for block in outline(report):
        if isinstance(block, OpeningBlock):
            body = expand_body(block.section.body, facts.values, blocks)
            if body:
                out += [_SLOT.format(len(bodies)), ""]
                bodies.append(body)
        elif isinstance(block, PartHeading):
            out += ["::: {.phan}", block.label, "", title_escape(block.written), ":::", ""]
        elif isinstance(block, (MucHeading, SectionBlock)):
            out += [_heading(block), ""]
        if isinstance(block, SectionBlock):
            body = expand_body(block.section.body, facts.values, blocks)
            if body:
                out += [_SLOT.format(len(bodies)), ""]
                bodies.append(body)
    skeleton = "\n".join(out).rstrip("\n") + "\n"
    marker = slot_marker(bodies, skeleton)
    skeleton = _SLOT_WORD.sub(lambda m: f"{marker}{m.group(1)}", skeleton)
    images = {img.target: image_entry(img.name, img.kind, img.width, img.height, img.data)
              for section in report.sections for img in section.images}
    for section in report.sections:  # an SVG's PNG (DOCX) is drawn for its widest print
        for img in section.images:
            if img.kind == "svg":
                entry = images[img.target]
                entry["print_cm"] = max(entry.get("print_cm", 0.0),
                                        round(printed_cm(img.shown_width, entry["default_cm"]), 3))
    return make_bundle(skeleton, bodies, marker, images)


#: A body's place in the skeleton until the bundle's marker is known (a control character:
#: nothing from content can contain it, md_escape keeps it out of the escaped strings).
_SLOT = "\x00{}\x00"
_SLOT_WORD = re.compile("\x00(\\d+)\x00")
