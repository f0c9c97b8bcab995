"""The shipped report's DOCX, read back by pandoc's DOCX reader, has the assembled report's text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import ROOT, ast_words

from baocao.render.official import render_official_input
from baocao.render.report_md import render_report_markdown
from baocao.write.docx import write_docx
from baocao.write.names import report_epoch
from baocao.write.pandoc import run_pandoc


@pytest.fixture(scope="module")
def shipped_docx(shipped_repo, tmp_path_factory) -> Path:
    report = shipped_repo.report("2023-09")
    out = tmp_path_factory.mktemp("docx") / "r.docx"
    write_docx(render_official_input(shipped_repo, report), out, templates=ROOT / "templates",
               epoch=report_epoch(report))
    return out


def _muc_in_capitals(doc: dict) -> dict:
    """The AST with every Mục heading ("I. …", "II. …") in capitals, as the official documents
    print it (Nghị định 30); the assembled Markdown keeps the title as the editors typed it."""
    for block in doc["blocks"]:
        if block["t"] == "Header":
            inlines = block["c"][2]
            if inlines and inlines[0]["t"] == "Str" and re.fullmatch(r"[IVXLC]+\.", inlines[0]["c"]):
                for inline in inlines:
                    if inline["t"] == "Str":
                        inline["c"] = inline["c"].upper()
    return doc


def test_docx_text_equals_assembled_report(shipped_repo, shipped_docx):
    md = render_report_markdown(shipped_repo, shipped_repo.report("2023-09"))
    expected = ast_words(_muc_in_capitals(
        json.loads(run_pandoc(["-f", "markdown", "-t", "json"], input_text=md))))
    got = ast_words(json.loads(run_pandoc(["-f", "docx", "-t", "json", str(shipped_docx)])))
    assert len(expected) > 20000
    assert got == expected


def test_docx_has_the_fourteen_task_rows(shipped_docx):
    doc = json.loads(run_pandoc(["-f", "docx", "-t", "json", str(shipped_docx)]))
    # pandoc reads w:noBreakHyphen (the "-" inside a document number) as U+2011
    text = json.dumps(doc, ensure_ascii=False).replace("\u2011", "-")
    for number in ("4502/UBND-KGVX", "339/TB-UBND", "3149/UBND-NC", "31/KH-UBND"):
        assert number in text
