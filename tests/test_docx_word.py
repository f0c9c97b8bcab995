"""The DOCX is native to Word (issue 17, point 3): it opens in Word's current layout mode,
says which program made it, keeps every table inside the margins in either layout mode, and
passes an Office Open XML schema validation, for the shipped reports and the test corpora.

Seen before: ``word/settings.xml`` had no ``compatibilityMode``, so Word opened the file in
"[Compatibility Mode]" (Word 2007 layout), where a table's ``w:tblInd`` is measured to the text
of its first cell: the appendix table's border stood 85 twips (1.5 mm) inside the 30 mm left
margin. ``docProps/app.xml`` was pandoc's sample file: "Microsoft Word 12.0.0", 1 page, 83 words.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, copy_shipped_repo, make_site_repo
from lxml import etree
from ooxml import ooxml_errors

from baocao.render.official import render_official_input
from baocao.repo import load_checked
from baocao.write.docx import write_docx
from baocao.write.names import report_epoch
from baocao.write.reference_docx import reference_docx_bytes

TEMPLATES = ROOT / "templates"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W, "ep": "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"}
WORD_URI = "http://schemas.microsoft.com/office/word"
#: Fixture repositories whose reports are built whole (the shipped content is added below).
REPOSITORIES = ("minimal", "appendices", "shape", "one-parse")
#: Hand-written official inputs (docs/dev/official-input.md).
INPUTS = ("sample-2023-09.md", "sample-2023-09-issued.md", "pdf-sample.md")


def q(name: str) -> str:
    return f"{{{W}}}{name.split(':')[1]}"


def _repo_docx(root: Path, out: Path) -> list[Path]:
    repo, problems = load_checked(root)
    assert not problems.errors, [p.format() for p in problems.errors]
    paths = []
    for report in repo.reports:
        path = out / f"{root.name}-{report.key}.docx"
        write_docx(render_official_input(repo, report), path, templates=TEMPLATES,
                   epoch=report_epoch(report))
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every DOCX of the corpus by name: each report of the shipped content, of the site
    fixture (October 2023 with a hostile title and task) and of the fixture repositories,
    and each hand-written official input."""
    base = tmp_path_factory.mktemp("corpus")
    out = base / "docx"
    out.mkdir()
    paths = _repo_docx(copy_shipped_repo(base / "shipped"), out)
    paths += _repo_docx(make_site_repo(base / "site"), out)
    for name in REPOSITORIES:
        root = base / name
        shutil.copytree(FIXTURES / name, root, ignore=shutil.ignore_patterns("README.md"))
        (root / "templates").symlink_to(TEMPLATES)
        paths += _repo_docx(root, out)
    for name in INPUTS:
        path = out / name.replace(".md", ".docx")
        write_docx((FIXTURES / "official" / name).read_text(encoding="utf-8"), path,
                   templates=TEMPLATES)
        paths.append(path)
    return {p.stem: p for p in paths}


@pytest.fixture(scope="module")
def shipped(corpus: dict[str, Path]) -> Path:
    return corpus["shipped-2023-09"]


def _xml(path: Path, part: str) -> etree._Element:
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(part))


# --------------------------------------------------------------------------------------------
# OOXML schema validation


def test_the_corpus_is_every_kind_of_document(corpus: dict[str, Path]):
    assert {"shipped-2023-09", "site-2023-10", "appendices-2025-05", "shape-2025-05",
            "one-parse-2024-01", "minimal-2024-01", "sample-2023-09-issued"} <= corpus.keys()


def test_every_produced_docx_passes_ooxml_schema_validation(corpus: dict[str, Path]):
    errors = {name: ooxml_errors(path) for name, path in sorted(corpus.items())}
    assert {name: found for name, found in errors.items() if found} == {}


def test_the_reference_docx_passes_ooxml_schema_validation(tmp_path: Path):
    path = tmp_path / "reference.docx"
    path.write_bytes(reference_docx_bytes())
    assert ooxml_errors(path) == []


def test_the_validator_sees_element_order_and_enumerations(shipped: Path, tmp_path: Path):
    """The validation is not vacuous: an element out of schema order and a value outside its
    enumeration, planted in a copy of the shipped DOCX, are both reported."""
    xml = zipfile.ZipFile(shipped).read("word/document.xml")
    order = xml.replace(b'<w:tblW w:w="', b'<w:tblLayout w:type="fixed"/><w:tblW w:w="', 1)
    enum = xml.replace(b'<w:vAlign w:val="top"/>', b'<w:vAlign w:val="middle"/>', 1)
    for name, bad in (("order", order), ("enum", enum)):
        assert bad != xml
        copy = tmp_path / f"{name}.docx"
        with zipfile.ZipFile(shipped) as zin, zipfile.ZipFile(copy, "w") as zout:
            for item in zin.namelist():
                zout.writestr(item, bad if item == "word/document.xml" else zin.read(item))
        assert ooxml_errors(copy), name


# --------------------------------------------------------------------------------------------
# Word's current mode, and who made the file


def _compat_settings(path: Path) -> dict[str, str]:
    settings = _xml(path, "word/settings.xml")
    return {s.get(q("w:name")): s.get(q("w:val"))
            for s in settings.findall("w:compat/w:compatSetting", NS)
            if s.get(q("w:uri")) == WORD_URI}


def test_docx_opens_in_word_2013_and_later_mode(corpus: dict[str, Path]):
    for name, path in corpus.items():
        assert _compat_settings(path).get("compatibilityMode") == "15", name


def test_docx_says_which_program_made_it_and_carries_no_statistics(corpus: dict[str, Path]):
    stale = ("Pages", "Words", "Characters", "CharactersWithSpaces", "Lines", "Paragraphs",
             "TotalTime", "Template", "AppVersion")
    for name, path in corpus.items():
        app = _xml(path, "docProps/app.xml")
        assert app.findtext("ep:Application", namespaces=NS) == "baocao", name
        assert [t for t in stale if app.find(f"ep:{t}", NS) is not None] == [], name


# --------------------------------------------------------------------------------------------
# Tables inside the margins, in Word 2013+ layout and in the legacy layout


def _twips(el: etree._Element | None) -> int | None:
    if el is None or el.get(q("w:type"), "dxa") != "dxa":
        return None
    return int(el.get(q("w:w"), "0"))


class _Styles:
    def __init__(self, path: Path) -> None:
        self.by_id = {s.get(q("w:styleId")): s for s in _xml(path, "word/styles.xml").findall("w:style", NS)}

    def table_prop(self, tbl: etree._Element, xpath: str) -> etree._Element | None:
        direct = tbl.find(f"w:tblPr/{xpath}", NS)
        if direct is not None:
            return direct
        style = tbl.find("w:tblPr/w:tblStyle", NS)
        while style is not None:
            st = self.by_id.get(style.get(q("w:val")))
            if st is None:
                return None
            found = st.find(f"w:tblPr/{xpath}", NS)
            if found is not None:
                return found
            style = st.find("w:basedOn", NS)
        return None


def _sections(body: etree._Element) -> list[tuple[list[etree._Element], int]]:
    """The top-level tables of each section, with the section's text width."""
    out: list[tuple[list[etree._Element], int]] = []
    tables: list[etree._Element] = []
    for child in body:
        if child.tag == q("w:tbl"):
            tables.append(child)
            continue
        sect = child.find("w:pPr/w:sectPr", NS) if child.tag == q("w:p") else (
            child if child.tag == q("w:sectPr") else None)
        if sect is not None:
            page_w = int(sect.find("w:pgSz", NS).get(q("w:w")))
            mar = sect.find("w:pgMar", NS)
            out.append((tables, page_w - int(mar.get(q("w:left"))) - int(mar.get(q("w:right")))))
            tables = []
    assert tables == [], "tables after the last section break"
    return out


def table_edges(path: Path) -> list[tuple[str, int, int, int, int]]:
    """Per top-level table (not the borderless header and signature blocks, whose cells have
    no padding): its style, its left border from the left margin in Word 2013+ layout
    (``tblInd``) and in the legacy layout (``tblInd`` minus the first cell's left margin), its
    width and the text width of its section, in twips."""
    styles = _Styles(path)
    body = _xml(path, "word/document.xml").find("w:body", NS)
    out = []
    for tables, text_w in _sections(body):
        for tbl in tables:
            style = tbl.find("w:tblPr/w:tblStyle", NS)
            name = style.get(q("w:val")) if style is not None else ""
            ind = _twips(styles.table_prop(tbl, "w:tblInd")) or 0
            first = tbl.find("w:tr/w:tc/w:tcPr/w:tcMar/w:left", NS)
            cell_left = _twips(first if first is not None
                               else styles.table_prop(tbl, "w:tblCellMar/w:left"))
            width = _twips(tbl.find("w:tblPr/w:tblW", NS))
            assert cell_left is not None and width is not None, name
            out.append((name, ind, ind - cell_left, width, text_w))
    return out


def test_tables_stay_inside_the_margins_in_either_layout_mode(corpus: dict[str, Path]):
    checked = 0
    for name, path in corpus.items():
        for style, ind_2013, ind_legacy, width, text_w in table_edges(path):
            if style == "HeaderBlock":
                assert ind_2013 == ind_legacy, name  # no cell padding: one layout
                continue
            checked += 1
            for ind in (ind_2013, ind_legacy):
                assert ind >= 0 and ind + width <= text_w, (name, style, ind, width, text_w)
    assert checked >= 8


def test_the_appendix_table_border_is_at_most_one_cell_margin_from_the_text_edge(shipped: Path):
    """Inside the margins in both modes, and no further in than needed for that."""
    appendix = [t for t in table_edges(shipped) if t[0] == "Table"][-1]
    _, ind_2013, ind_legacy, width, text_w = appendix
    assert ind_legacy == 0 and ind_2013 + width == text_w
