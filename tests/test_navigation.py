"""Outline and navigation (issue 17, point 6): the PDF's bookmarks and Word's navigation pane
show the same outline, Phần, Mục, khoản and every Phụ lục, with the text as printed.

Seen before, on the shipped September 2023 report:
- the PDF bookmark of a Phần read "Phần ITÌNH HÌNH…": the space was lost at the line break
  between the label and the title (typst's bookmark text of ``Phần I#linebreak();TÌNH``);
- neither the PDF outline nor Word's navigation pane had the Phụ lục;
- Mục headings were stored in sentence case and shown in capitals by formatting (``w:caps``
  in the DOCX, ``upper()`` in typst), so Word's navigation pane, a copy and a screen reader
  gave sentence case where Nghị định 30 prints capitals;
- Phần II went from Heading 1 straight to Heading 3 (its khoản have no Mục above them).

The outline is read from the DOCX (paragraphs with an outline level, through the style chain;
a line break reads as a space, as Word's navigation pane and LibreOffice show it) and from the
PDF (pypdf's bookmarks, nested), for the shipped report, the test repository of issue 16
(three Phần, openings) and the one with two appendices.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, copy_shipped_repo, soffice
from lxml import etree
from pypdf import PdfReader

from baocao.document.tree import bundle_images
from baocao.render.official import render_official_input
from baocao.repo import load_checked
from baocao.write.docx import build_docx
from baocao.write.names import report_epoch
from baocao.write.pdf import write_pdf_from_typst

TEMPLATES = ROOT / "templates"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

Outline = list[tuple[int, str]]


def docx_outline(path: Path) -> Outline:
    """(level from 1, text) of every body paragraph with an outline level."""
    with zipfile.ZipFile(path) as z:
        doc = etree.fromstring(z.read("word/document.xml"))
        styles = {s.get(f"{W}styleId"): s
                  for s in etree.fromstring(z.read("word/styles.xml")).iter(f"{W}style")}

    def level(p: etree._Element) -> int | None:
        ppr = p.find(f"{W}pPr")
        direct = ppr.find(f"{W}outlineLvl") if ppr is not None else None
        if direct is not None:
            return int(direct.get(f"{W}val"))
        style = ppr.find(f"{W}pStyle") if ppr is not None else None
        sid = style.get(f"{W}val") if style is not None else "Normal"
        while sid in styles:
            found = styles[sid].find(f"{W}pPr/{W}outlineLvl")
            if found is not None:
                return int(found.get(f"{W}val"))
            based = styles[sid].find(f"{W}basedOn")
            sid = based.get(f"{W}val") if based is not None else None
        return None

    out: Outline = []
    for p in doc.find(f"{W}body").iter(f"{W}p"):
        lvl = level(p)
        if lvl is None or lvl > 8:  # 9 is "body text"
            continue
        text = "".join(n.text or "" if n.tag == f"{W}t" else " "
                       for n in p.iter(f"{W}t", f"{W}br"))
        out.append((lvl + 1, " ".join(text.split())))
    return out


def pdf_outline(path: Path) -> Outline:
    reader = PdfReader(path)
    out: Outline = []

    def walk(items: list, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                out.append((depth, item.title))

    walk(reader.outline, 1)
    return out


def pdf_bookmark_pages(path: Path) -> dict[str, int]:
    reader = PdfReader(path)
    return {item.title: reader.get_destination_page_number(item)
            for item in reader.outline if not isinstance(item, list)}


def typst_heading_levels(source: str) -> list[int]:
    return [len(m.group(1)) for m in re.finditer(r"(?m)^(=+) ", source)]


class Built:
    def __init__(self, docx: Path, pdf: Path, typst: str) -> None:
        self.docx, self.pdf, self.typst = docx, pdf, typst
        self.docx_outline = docx_outline(docx)
        self.pdf_outline = pdf_outline(pdf)


def _build(root: Path, key: str, out: Path) -> Built:
    repo, problems = load_checked(root)
    assert not problems.errors
    report = repo.report(key)
    assert report is not None
    source = render_official_input(repo, report)
    data, typst = build_docx(source, templates=TEMPLATES, epoch=report_epoch(report),
                             with_typst=True)
    assert typst is not None
    docx, pdf = out / f"{key}.docx", out / f"{key}.pdf"
    docx.write_bytes(data)
    write_pdf_from_typst(typst, pdf, templates=TEMPLATES, epoch=report_epoch(report),
                         images=bundle_images(source))
    return Built(docx, pdf, typst)


def _fixture(base: Path, name: str) -> Path:
    root = base / name
    shutil.copytree(FIXTURES / name, root)
    (root / "templates").symlink_to(TEMPLATES)
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    base = tmp_path_factory.mktemp("nav")
    shipped = copy_shipped_repo(base / "shipped")
    return {
        "shipped": _build(shipped, "2023-09", base),
        "may2025": _build(shipped, "2025-05", base),
        "shape": _build(_fixture(base, "shape"), "2025-05", base / "shape"),
        "appendices": _build(_fixture(base, "appendices"), "2025-05", base / "appendices"),
    }


CASES = ("shipped", "may2025", "shape", "appendices")


# --------------------------------------------------------------------------------------------


def test_shipped_outline_as_printed(built: dict[str, Built]):
    outline = built["shipped"].docx_outline
    assert outline[:4] == [
        (1, "Phần I TÌNH HÌNH, KẾT QUẢ HOẠT ĐỘNG QUẢN LÝ NHÀ NƯỚC VỀ KHOA HỌC VÀ CÔNG NGHỆ"),
        (2, "I. THỰC HIỆN NHIỆM VỤ DO UBND TỈNH, CHỦ TỊCH UBND TỈNH GIAO"),
        (2, "II. XÂY DỰNG CƠ CHẾ, CHÍNH SÁCH, PHÁP LUẬT VỀ KH&CN"),
        (2, "III. HOẠT ĐỘNG KH&CN"),
    ]
    assert (3, "1. Hoạt động nghiên cứu khoa học và phát triển công nghệ") in outline
    part_two = outline.index((1, "Phần II NHIỆM VỤ CÔNG TÁC THÁNG 10/2023"))
    assert outline[part_two + 1] == (2, "1. Hoạt động nghiên cứu khoa học và phát triển công nghệ")
    assert outline[-1] == (1, "Phụ lục")


def test_may_2025_outline_as_printed(built: dict[str, Built]):
    """The second shipped report: opening paragraphs, Mục I-V, khoản of Mục III, Phần II with
    khoản only, and two appendices at the level of a Phần."""
    outline = built["may2025"].docx_outline
    assert outline[0][0] == 1 and outline[0][1].startswith("Phần I ")
    muc = [t for level, t in outline if level == 2 and re.match(r"[IVX]+\. ", t)]
    assert [t.split(".")[0] for t in muc] == ["I", "II", "III", "IV", "V"]
    assert all(t == t.upper() for t in muc)
    assert outline[-2:] == [(1, "Phụ lục I"), (1, "Phụ lục II")]
    assert built["may2025"].pdf_outline[-2:] == [(1, "Phụ lục I"), (1, "Phụ lục II")]


@pytest.mark.parametrize("case", CASES)
def test_pdf_bookmarks_are_word_s_navigation_pane(built: dict[str, Built], case: str):
    """The same outline, level and text, in both documents."""
    assert built[case].pdf_outline == built[case].docx_outline


@pytest.mark.parametrize("case", CASES)
def test_phan_bookmark_keeps_the_space_at_the_line_break(built: dict[str, Built], case: str):
    parts = [t for lvl, t in built[case].pdf_outline if t.startswith("Phần")]
    assert parts and all(re.match(r"Phần [IVXLC]+ \S", t) for t in parts), parts


@pytest.mark.parametrize("case", CASES)
def test_every_phu_luc_is_in_the_outline_at_its_first_page(built: dict[str, Built], case: str):
    titles = [t for lvl, t in built[case].pdf_outline if lvl == 1 and t.startswith("Phụ lục")]
    expected = (["Phụ lục I", "Phụ lục II"] if case in ("appendices", "may2025") else ["Phụ lục"])
    assert titles == expected
    assert [t for lvl, t in built[case].docx_outline if t.startswith("Phụ lục")] == expected
    reader = PdfReader(built[case].pdf)
    landscape = [i for i, p in enumerate(reader.pages)
                 if float(p.mediabox.width) > float(p.mediabox.height)]
    pages = pdf_bookmark_pages(built[case].pdf)
    assert pages[expected[0]] == landscape[0]


@pytest.mark.parametrize("case", CASES)
def test_muc_headings_are_stored_in_capitals(built: dict[str, Built], case: str):
    """Nghị định 30 prints a Mục title in capitals: the text is capitals, not a formatting."""
    muc = [t for lvl, t in built[case].docx_outline if re.match(r"[IVXLC]+\. ", t)]
    assert muc and all(t == t.upper() for t in muc), muc


def test_heading_styles_do_not_change_the_case(built: dict[str, Built]):
    """What the navigation pane, a copy and a screen reader get is what is printed."""
    with zipfile.ZipFile(built["shipped"].docx) as z:
        styles = etree.fromstring(z.read("word/styles.xml"))
    for st in styles.iter(f"{W}style"):
        if (st.get(f"{W}styleId") or "").startswith("Heading"):
            caps = st.find(f"{W}rPr/{W}caps")
            assert caps is None or caps.get(f"{W}val") in ("0", "false"), st.get(f"{W}styleId")
    assert "upper(it.body)" not in (TEMPLATES / "typst" / "report.typ").read_text(encoding="utf-8")


@pytest.mark.parametrize("case", CASES)
def test_no_heading_level_is_skipped(built: dict[str, Built], case: str):
    for levels in ([lvl for lvl, _ in built[case].docx_outline],
                   typst_heading_levels(built[case].typst)):
        assert levels[0] == 1
        assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels


@pytest.mark.client
def test_libreoffice_reads_the_docx_outline_as_the_pdf_has_it(built: dict[str, Built],
                                                             tmp_path: Path):
    """A real office client: LibreOffice's bookmarks of the DOCX (its navigator's headings)
    are the PDF's bookmarks, Phụ lục included."""
    exe = soffice()
    fonts_conf = tmp_path / "fonts.conf"
    fonts_conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"<dir>{TEMPLATES / 'fonts'}</dir></fontconfig>", encoding="utf-8")
    env = {**os.environ, "FONTCONFIG_FILE": str(fonts_conf), "HOME": str(tmp_path)}
    docx = built["shipped"].docx
    subprocess.run([exe, f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx)],
                   check=True, capture_output=True, timeout=180, env=env)
    assert pdf_outline(tmp_path / f"{docx.stem}.pdf") == built["shipped"].pdf_outline
