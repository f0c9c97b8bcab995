"""The PDF route (baocao.write.pdf): pandoc input -> typst -> PDF, checked with pypdf.

The sample inputs follow docs/dev/official-input.md: the shared fixture
tests/fixtures/official/sample-2023-09.md (draft blanks typed as spaces, as in the contract),
tests/fixtures/official/pdf-sample.md (draft blanks as no-break spaces, as render/official.py
emits them; also a lettered list), issue 16's shape repository and the shipped May 2025 report
(two appendices, each numbered from its own page 1). Every expectation about the text is
derived from the sample itself.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pytest
import yaml
from conftest import official_sample, require_client
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

import baocao
from baocao.render.official import render_official_input
from baocao.write.names import report_epoch
from baocao.write.pandoc import PandocError
from baocao.write.pdf import (
    DocumentError,
    compile_typst,
    quiet_mark_info,
    render_typst_source,
    write_pdf,
)

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"
OFFICIAL = Path(__file__).resolve().parent / "fixtures" / "official"
EPOCH = 1761868800  # 2025-10-31 00:00 UTC

MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)
MARGIN_TOP, MARGIN_LEFT, MARGIN_RIGHT = 20 * MM, 30 * MM, 15 * MM
PAGE_NUMBER_SIZE = 14.0  # pt; Liberation Serif digits are 0.5 em wide


#: (id, file or repository, report of the repository): a repository's official input is made
#: when the module runs, so it is always the current one. Issue 16's test repository (Kính
#: gửi, openings, three Phần) and the shipped May 2025 report (Kính gửi, the director signing
#: alone, a body table, two appendices).
SAMPLES: list[tuple[str, Path, str | None]] = [
    (p.stem, p, None) for p in (OFFICIAL / "sample-2023-09.md", OFFICIAL / "pdf-sample.md")
    if p.is_file()]
SAMPLES.append(("shape", OFFICIAL.parent / "shape", "2025-05"))
SAMPLES.append(("shipped-2025-05", ROOT, "2025-05"))


def norm(text: str) -> str:
    """NFC, no-break spaces as spaces, runs of white space as one space."""
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip()


def squash(text: str) -> str:
    """NFC without any white space (for table cells, whose lines wrap anywhere)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text))


def md_plain(text: str) -> str:
    """Plain text of a Markdown-escaped metadata string or heading (backslash escapes only)."""
    return re.sub(r"\\(.)", r"\1", str(text))


def split_input(text: str) -> tuple[dict[str, Any], str]:
    m = re.match(r"\A---\n(.*?\n)---\n(.*)\Z", text, re.DOTALL)
    assert m, "the sample has no YAML metadata block"
    meta = yaml.safe_load(m.group(1))
    return meta, m.group(2)


@dataclass(frozen=True)
class Run:
    """A piece of text on a page: baseline position from the top-left corner, font, size."""

    text: str
    x: float
    y: float
    font: str
    size: float


def page_runs(reader: PdfReader, index: int) -> list[Run]:
    page = reader.pages[index]
    height = float(page.mediabox.height)
    runs: list[Run] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if not text.strip():
            return
        a, b, c, d, e, f = cm
        x = tm[4] * a + tm[5] * c + e
        y = tm[4] * b + tm[5] * d + f
        name = str(font.get("/BaseFont", "")) if font else ""
        scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (a**2 + b**2) ** 0.5
        runs.append(Run(text, x, height - y, name.split("+")[-1], size * scale))

    page.extract_text(visitor_text=visit)
    return runs


def top_band(reader: PdfReader, index: int) -> list[Run]:
    """Text whose baseline lies in the top margin of the page."""
    return [r for r in page_runs(reader, index) if r.y < MARGIN_TOP]


def is_landscape(reader: PdfReader, index: int) -> bool:
    box = reader.pages[index].mediabox
    return float(box.width) > float(box.height)


# --------------------------------------------------------------------------------------------
# fixtures


@pytest.fixture(scope="module", params=SAMPLES, ids=[i for i, _, _ in SAMPLES])
def sample_path(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    name, path, key = request.param
    if key is not None:  # a content repository: the report's official input, as Markdown
        out = tmp_path_factory.mktemp("sample") / f"{name}.md"
        out.write_text(official_sample(path, key), encoding="utf-8")
        return out
    return path


@pytest.fixture(scope="module")
def sample_text(sample_path: Path) -> str:
    return sample_path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def sample_meta(sample_text: str) -> dict[str, Any]:
    return split_input(sample_text)[0]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, sample_text: str) -> Path:
    out = tmp_path_factory.mktemp("pdf") / "report.pdf"
    write_pdf(sample_text, out, templates=TEMPLATES, epoch=EPOCH)
    return out


@pytest.fixture(scope="module")
def reader(built: Path) -> PdfReader:
    return PdfReader(built)


@pytest.fixture(scope="module")
def full_text(reader: PdfReader) -> str:
    return norm("\n".join(page.extract_text() for page in reader.pages))


@pytest.fixture(scope="module")
def appendix_start(reader: PdfReader) -> int:
    """Index of the first landscape page."""
    for i in range(len(reader.pages)):
        if is_landscape(reader, i):
            return i
    pytest.fail("the sample has no landscape appendix page")


@pytest.fixture(scope="module")
def appendices(sample_meta: dict[str, Any]) -> list[dict[str, Any]]:
    """The appendices of the sample's metadata (one map, or a list of maps, per the contract)."""
    pl = sample_meta["phu-luc"]
    return pl if isinstance(pl, list) else [pl]


@pytest.fixture(scope="module")
def appendix_pages(reader: PdfReader, appendix_start: int,
                   appendices: list[dict[str, Any]]) -> list[range]:
    """The pages of each appendix: each starts a page with its heading ("Phụ lục II")."""
    starts = [i for i in range(appendix_start, len(reader.pages))
              if norm(reader.pages[i].extract_text()).startswith("Phụ lục")]
    assert starts and starts[0] == appendix_start
    assert len(starts) == len(appendices)
    for start, pl in zip(starts, appendices, strict=True):
        assert norm(reader.pages[start].extract_text()).startswith(
            norm(md_plain(pl["tieu-de"])) + " ")
    return [range(a, b) for a, b in zip(starts, [*starts[1:], len(reader.pages)], strict=True)]


# --------------------------------------------------------------------------------------------
# pages


def test_pages_are_a4_portrait_then_landscape_appendix(reader: PdfReader, appendix_start: int) -> None:
    sizes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]
    assert appendix_start >= 2, "the sample should fill at least two portrait pages"
    for i, (w, h) in enumerate(sizes):
        expected = A4 if i < appendix_start else (A4[1], A4[0])
        assert w == pytest.approx(expected[0], abs=0.5), f"page {i + 1}: width {w}"
        assert h == pytest.approx(expected[1], abs=0.5), f"page {i + 1}: height {h}"
    assert len(sizes) - appendix_start >= 2, "the appendix should span at least two pages"
    assert norm(reader.pages[appendix_start].extract_text()).startswith("Phụ lục")


def test_fonts_are_embedded_liberation_serif(reader: PdfReader) -> None:
    seen: set[str] = set()
    for page in reader.pages:
        resources = cast(DictionaryObject, page["/Resources"].get_object())
        fonts = cast(DictionaryObject, resources.get("/Font", DictionaryObject()).get_object())
        for ref in fonts.values():
            font = ref.get_object()
            base = str(font["/BaseFont"]).split("+")[-1]
            seen.add(base)
            desc = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = desc["/FontDescriptor"].get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), (
                f"{base} is not embedded"
            )
    assert seen == {
        "LiberationSerif",
        "LiberationSerif-Bold",
        "LiberationSerif-Italic",
        "LiberationSerif-BoldItalic",
    }


def test_document_properties(reader: PdfReader, sample_meta: dict[str, Any]) -> None:
    info = reader.metadata
    assert info is not None
    assert info.title == norm(md_plain(sample_meta["title"]))
    assert info.author == norm(md_plain(sample_meta["author"]))
    catalog = cast(DictionaryObject, reader.trailer["/Root"].get_object())
    assert str(catalog["/Lang"]).startswith("vi")
    assert info["/CreationDate"] == "D:20251031000000Z"


# --------------------------------------------------------------------------------------------
# text


def test_header_block_and_title(full_text: str, sample_meta: dict[str, Any]) -> None:
    for expected in (
        md_plain(sample_meta["co-quan-chu-quan"]).upper(),
        md_plain(sample_meta["co-quan"]).upper(),
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: " + md_plain(sample_meta["so-ky-hieu"]),
        md_plain(sample_meta["dia-danh-ngay"]),
        md_plain(sample_meta["ten-loai"]),
        md_plain(sample_meta["trich-yeu"]),
    ):
        assert norm(expected) in full_text


def test_draft_blanks_keep_their_width(reader: PdfReader, sample_meta: dict[str, Any]) -> None:
    """A draft's number and day are blank but keep their room (no-break spaces in the PDF)."""
    page1 = unicodedata.normalize("NFC", reader.pages[0].extract_text())
    so = md_plain(sample_meta["so-ky-hieu"])
    if not so.lstrip(" \u00a0").startswith("/"):
        pytest.skip("the sample is not a draft")
    assert re.search(r"Số: \u00a0{6}/BC-", page1)
    assert re.search(r"ngày\u00a0{4,}tháng", page1)


def test_draft_blanks_typed_as_spaces_are_kept(tmp_path: Path, sample_text: str) -> None:
    """The contract's form with ordinary spaces works too (pandoc alone would collapse them)."""
    text = re.sub(r'so-ky-hieu: ".*?"', 'so-ky-hieu: "      /BC-KHCN"', sample_text, count=1)
    text = re.sub(
        r'dia-danh-ngay: ".*?"',
        'dia-danh-ngay: "Bắc Giang, ngày    tháng 9 năm 2023"',
        text,
        count=1,
    )
    source = render_typst_source(text, templates=TEMPLATES, epoch=EPOCH)
    assert "so: [~~~~~~/BC-KHCN]" in source
    assert "ngày~~~~tháng 9 năm 2023" in source


def test_headings(full_text: str, sample_text: str) -> None:
    _, body = split_input(sample_text)
    phan = re.findall(r"^::: *\{\.phan\}\n(.+?)\n\n(.+?)\n:::", body, re.MULTILINE)
    assert phan, "the sample has no Phần"
    for label, title in phan:
        assert norm(f"{md_plain(label)} {md_plain(title)}") in full_text
    headings = re.findall(r"^#{2,3} (.+)$", body, re.MULTILINE)
    muc = [h for h in headings if re.match(r"[IVXLC]+\. ", h)]
    assert muc and len(headings) > len(muc)
    assert all(h == h.upper() for h in muc)  # the input holds a Mục in capitals, as printed
    for heading in headings:
        assert norm(md_plain(heading)) in full_text  # as the input has it


def test_lists_are_literal_paragraphs(full_text: str, sample_text: str) -> None:
    _, body = split_input(sample_text)
    first_item = re.search(r"^- (.+)$", body, re.MULTILINE)
    assert first_item
    assert norm("- " + md_plain(first_item.group(1))) in full_text
    nested = re.search(r"^ {2,}[+-] (.+)$", body, re.MULTILINE)
    if nested:
        assert norm("+ " + md_plain(nested.group(1))) in full_text
    assert "•" not in full_text


def test_body_ends_with_terminator(full_text: str) -> None:
    assert "./." in full_text


def test_noi_nhan_and_signature(
    reader: PdfReader, full_text: str, sample_meta: dict[str, Any], appendix_start: int
) -> None:
    assert "Nơi nhận:" in full_text
    for item in sample_meta["noi-nhan"]:
        assert norm("- " + md_plain(item)) in full_text
    signer = [sample_meta.get("quyen-han"), sample_meta["chuc-vu"], sample_meta["nguoi-ky"]]
    for line in filter(None, signer):
        assert norm(md_plain(line)) in full_text
    # the whole block is on one page, the last portrait page
    last = norm(reader.pages[appendix_start - 1].extract_text())
    assert "Nơi nhận:" in last and norm(md_plain(sample_meta["nguoi-ky"])) in last
    assert norm(md_plain(sample_meta["noi-nhan"][-1])) in last


def test_noi_nhan_label_shares_the_signature_baseline(
    reader: PdfReader, sample_meta: dict[str, Any], appendix_start: int
) -> None:
    runs = page_runs(reader, appendix_start - 1)
    label = next(r for r in runs if r.text.startswith("Nơi nhận"))
    first_sig = norm(md_plain(sample_meta.get("quyen-han") or sample_meta["chuc-vu"]))
    sig = next(r for r in runs if norm(r.text).startswith(first_sig))
    assert label.font == "LiberationSerif-BoldItalic"
    assert label.size == pytest.approx(12, abs=0.01)
    assert label.y == pytest.approx(sig.y, abs=0.2)
    assert label.x == pytest.approx(MARGIN_LEFT, abs=0.5)


def test_appendix_text(reader: PdfReader, appendices: list[dict[str, Any]],
                       appendix_pages: list[range]) -> None:
    for pl, pages in zip(appendices, appendix_pages, strict=True):
        text = norm("\n".join(reader.pages[i].extract_text() for i in pages))
        assert text.startswith(norm(md_plain(pl["tieu-de"])))
        assert norm(md_plain(pl["ten"])).upper() in text
        if pl.get("kem-theo"):
            assert norm(md_plain(pl["kem-theo"])) in text
        squashed = squash(text)
        numbers = [md_plain(row["o"][1]) for row in pl["dong"] if "o" in row]
        assert len(numbers) >= 2
        for number in numbers:
            doc_no = re.split(r"\s+[Nn]gày\b", number)[0]
            assert squash(doc_no) in squashed, doc_no
        for row in pl["dong"]:
            if "nhan" in row:
                assert squash(md_plain(row["nhan"])) in squashed


def test_appendix_header_row_repeats(
    reader: PdfReader, appendices: list[dict[str, Any]], appendix_pages: list[range]
) -> None:
    for pl, pages in zip(appendices, appendix_pages, strict=True):
        first_col, last_col = (md_plain(c) for c in (pl["cot"][0], pl["cot"][-1]))
        for i in pages:
            text = norm(reader.pages[i].extract_text())
            assert first_col in text and norm(last_col) in text, f"page {i + 1}"


# --------------------------------------------------------------------------------------------
# page numbers (R34, R35)


def _centre_of_text_area(reader: PdfReader, index: int) -> float:
    width = float(reader.pages[index].mediabox.width)
    return MARGIN_LEFT + (width - MARGIN_LEFT - MARGIN_RIGHT) / 2


def _assert_page_number(reader: PdfReader, index: int, expected: int) -> None:
    band = top_band(reader, index)
    assert len(band) == 1, f"page {index + 1}: top band {[r.text for r in band]}"
    run = band[0]
    assert run.text.strip() == str(expected), f"page {index + 1}"
    width = 0.5 * PAGE_NUMBER_SIZE * len(run.text.strip())
    assert run.x + width / 2 == pytest.approx(_centre_of_text_area(reader, index), abs=0.5)
    assert run.font == "LiberationSerif" and run.size == pytest.approx(PAGE_NUMBER_SIZE)


def test_page_one_has_no_number(reader: PdfReader) -> None:
    band = top_band(reader, 0)
    assert not any(ch.isdigit() for r in band for ch in r.text), [r.text for r in band]


def test_following_pages_are_numbered_in_the_top_margin(reader: PdfReader, appendix_start: int) -> None:
    for i in range(1, appendix_start):
        _assert_page_number(reader, i, i + 1)


def test_appendix_is_numbered_separately(reader: PdfReader, appendix_pages: list[range]) -> None:
    for pages in appendix_pages:  # each appendix from its own page 1
        assert not top_band(reader, pages[0]), "first appendix page must show no number"
        for i in pages[1:]:
            _assert_page_number(reader, i, i - pages[0] + 1)


# --------------------------------------------------------------------------------------------
# build properties


def test_rebuild_is_byte_identical(tmp_path: Path, sample_text: str, built: Path) -> None:
    again = tmp_path / "elsewhere" / "again.pdf"
    write_pdf(sample_text, again, templates=TEMPLATES, epoch=EPOCH)
    assert again.read_bytes() == built.read_bytes()


def test_typst_source_and_no_warnings(sample_text: str) -> None:
    source = render_typst_source(sample_text, templates=TEMPLATES, epoch=EPOCH)
    assert '#metadata("phu-luc") <phu-luc-start>' in source
    # the appendix table may break across pages: no figure around it
    assert "#figure(" not in source[source.index('#metadata("phu-luc") <phu-luc-start>'):]
    if not re.search(r"^\|", split_input(sample_text)[1], re.MULTILINE):
        assert "#figure(" not in source  # no table in the body: no figure at all
    # a table of the body is a figure (pandoc's), which the template lets break across pages
    assert "#show figure.where(kind: table): set block(breakable: true)" in source
    assert "#set page(flipped: true" in source
    result = compile_typst(source, templates=TEMPLATES, epoch=EPOCH)
    assert result.warnings == ()
    assert result.pdf.startswith(b"%PDF-")


def test_typst_error_is_reported_in_vietnamese() -> None:
    with pytest.raises(DocumentError) as info:
        compile_typst("#let x = (", templates=TEMPLATES, epoch=EPOCH)
    assert str(info.value).startswith("Không tạo được tệp PDF, typst báo lỗi:")
    assert "dòng 1" in str(info.value)
    assert isinstance(info.value, PandocError)


def test_missing_templates_are_reported(tmp_path: Path, sample_text: str) -> None:
    with pytest.raises(PandocError, match="Không tìm thấy"):
        write_pdf(sample_text, tmp_path / "x.pdf", templates=tmp_path, epoch=EPOCH)
    assert not (tmp_path / "x.pdf").exists()


def test_a_long_body_table_breaks_across_pages_and_keeps_its_lead_in(tmp_path: Path) -> None:
    """A body table longer than the rest of the page starts under its lead-in and goes on over
    the next page, its header row repeated (a figure would move whole to the next page)."""
    filler = "\n\n".join(f"Đoạn văn thứ {i} của báo cáo, viết đủ dài để chiếm một dòng trên "
                          "trang giấy khổ A4 của văn bản." for i in range(1, 19))
    rows = "\n".join(f"| Chỉ tiêu số {i} | {i * 7} | {i * 11} |" for i in range(1, 61))
    table = "| Nội dung | Tháng này | Lũy kế |\n|---|---|---|\n" + rows
    doc = LETTERS_DOC.replace("{s}\n\n**{s}**\n\n*{s}*\n\n***{s}***\n",
                              f"{filler}\n\nKết quả thực hiện các chỉ tiêu:\n\n{table}\n")
    out = tmp_path / "table.pdf"
    write_pdf(doc, out, templates=TEMPLATES, epoch=EPOCH)
    reader = PdfReader(out)
    pages = [norm(p.extract_text()) for p in reader.pages]
    lead = next(i for i, t in enumerate(pages) if "Kết quả thực hiện các chỉ tiêu:" in t)
    assert "Chỉ tiêu số 1 " in pages[lead]  # the table starts on the page of its lead-in
    last = next(i for i, t in enumerate(pages) if "Chỉ tiêu số 60 " in t)
    assert last > lead  # … and goes on over the next page
    for i in range(lead, last + 1):
        assert "Nội dung Tháng này Lũy kế" in pages[i], f"page {i + 1}"


# --------------------------------------------------------------------------------------------
# Vietnamese letters in the four faces

VOWELS = ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"]
TONES = ["", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"]  # none, sắc, huyền, hỏi, ngã, nặng


def vietnamese_letters() -> str:
    lower = [unicodedata.normalize("NFC", v + t) for v in VOWELS for t in TONES]
    letters = lower + [c.upper() for c in lower] + ["đ", "Đ"]
    assert len(set(letters)) == 146 and all(len(c) == 1 for c in letters)
    return " ".join(letters)


LETTERS_DOC = """---
title: "Kiểm tra chữ Việt"
author: "Sở Khoa học và Công nghệ"
co-quan-chu-quan: "UBND TỈNH BẮC GIANG"
co-quan: "SỞ KHOA HỌC VÀ CÔNG NGHỆ"
so-ky-hieu: "01/BC-KHCN"
dia-danh-ngay: "Bắc Giang, ngày 05 tháng 01 năm 2024"
ten-loai: "BÁO CÁO"
trich-yeu: "Kiểm tra chữ Việt"
noi-nhan: ["Lưu: VT, VP."]
quyen-han: ""
chuc-vu: "GIÁM ĐỐC"
nguoi-ky: "Nguyễn Văn A"
---

{s}

**{s}**

*{s}*

***{s}***
"""


def test_every_vietnamese_letter_extracts_exactly_in_every_face(tmp_path: Path) -> None:
    """Every vowel under every tone mark, upper and lower case, and đ Đ, in the four faces."""
    letters = vietnamese_letters()
    out = tmp_path / "letters.pdf"
    write_pdf(LETTERS_DOC.format(s=letters), out, templates=TEMPLATES, epoch=EPOCH)
    reader = PdfReader(out)
    by_face: dict[str, str] = defaultdict(str)
    for i in range(len(reader.pages)):
        for run in page_runs(reader, i):
            by_face[run.font] += " " + run.text
    for face in (
        "LiberationSerif",
        "LiberationSerif-Bold",
        "LiberationSerif-Italic",
        "LiberationSerif-BoldItalic",
    ):
        text = re.sub(r"\s+", " ", by_face[face])  # extraction must already be NFC
        assert letters in text, face
    full = "\n".join(p.extract_text() for p in reader.pages)
    assert unicodedata.is_normalized("NFC", full)
    assert re.sub(r"\s+", " ", full).count(letters) == 4


# --------------------------------------------------------------------------------------------
# no system tool or font


CHILD = """
import json, shutil, sys
from pathlib import Path
from baocao.write.pdf import write_pdf
write_pdf(Path(sys.argv[1]).read_text(encoding="utf-8"), Path(sys.argv[2]),
          templates=Path(sys.argv[3]), epoch=int(sys.argv[4]))
tools = ("soffice", "libreoffice", "chromium", "latex", "pdflatex", "xelatex", "lualatex",
         "pandoc", "typst", "fc-list")
print(json.dumps({t: shutil.which(t) for t in tools}))
"""


def test_builds_without_system_fonts_or_programs(tmp_path: Path, built: Path, sample_path: Path) -> None:
    """A bare environment: empty fontconfig, PATH with only python, no HOME content."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)
    fontconfig = tmp_path / "fonts.conf"
    fontconfig.write_text('<?xml version="1.0"?>\n<fontconfig></fontconfig>\n', encoding="utf-8")
    home = tmp_path / "home"
    home.mkdir()
    env = {
        "PATH": str(bin_dir),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "FONTCONFIG_FILE": str(fontconfig),
        "FONTCONFIG_PATH": str(tmp_path),
        "XDG_DATA_HOME": str(home),
        "XDG_CACHE_HOME": str(home),
        # the code under test, wherever it was imported from (a worktree's src/, not the one an
        # editable install of another checkout would give the child)
        "PYTHONPATH": str(Path(baocao.__file__).resolve().parents[1]),
    }
    out = tmp_path / "child.pdf"
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(sample_path), str(out), str(TEMPLATES), str(EPOCH)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout.strip().splitlines()[-1])
    assert not any(found.values()), found
    # Same bytes as the build in the normal environment: nothing came from the host.
    assert hashlib.sha256(out.read_bytes()).digest() == hashlib.sha256(built.read_bytes()).digest()


# --------------------------------------------------------------------------------------------
# poppler reads the PDF without a complaint (issue 17, point 7)

POPPLER = ("pdfinfo", "pdftotext", "pdffonts")


def poppler_complaints(pdf: Path) -> dict[str, str]:
    """What poppler's tools print on stderr for *pdf*, per tool (only the tools that do)."""
    out = {}
    for tool in POPPLER:
        path = require_client(tool, shutil.which(tool))
        args = [path, str(pdf)] + (["-"] if tool == "pdftotext" else [])
        proc = subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
        assert proc.returncode == 0, (tool, proc.stderr)
        if proc.stderr:
            out[tool] = proc.stderr
    return out


@pytest.mark.client
def test_poppler_reads_the_pdf_without_complaint(built: Path) -> None:
    """Seen before: "Syntax Error: Suspects object is wrong type (boolean)" from every tool on
    every PDF: typst writes the valid ``/MarkInfo<</Marked true/Suspects false>>``, which
    poppler up to 25.11 reports as a syntax error."""
    assert poppler_complaints(built) == {}


@pytest.mark.client
def test_poppler_reads_the_shipped_report_without_complaint(shipped_repo, tmp_path: Path) -> None:
    for report in shipped_repo.reports:
        out = tmp_path / f"{report.key}.pdf"
        write_pdf(render_official_input(shipped_repo, report), out, templates=TEMPLATES,
                  epoch=report_epoch(report))
        assert poppler_complaints(out) == {}, report.key
        # still a tagged PDF that says so: the fix removed a default, not the tags
        catalog = PdfReader(out).trailer["/Root"]
        assert bool(catalog["/MarkInfo"]["/Marked"]) is True
        assert "/Suspects" not in catalog["/MarkInfo"] and "/StructTreeRoot" in catalog


def test_quieting_mark_info_keeps_every_offset() -> None:
    """The fix is a same-length edit of the one dictionary typst writes, nothing else."""
    before = b"%PDF-1.7\n1 0 obj\n<</Type/Catalog/MarkInfo<</Marked true/Suspects false>>>>\nendobj\n"
    after = quiet_mark_info(before)
    assert len(after) == len(before) and b"/Suspects" not in after
    assert after.replace(b" ", b"") == before.replace(b" ", b"").replace(b"/Suspectsfalse", b"")
    twice = before + before  # not the one dictionary typst writes: left alone
    assert quiet_mark_info(twice) == twice
    other = before.replace(b"/Marked true", b"/Marked false")
    assert quiet_mark_info(other) == other
