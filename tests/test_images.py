"""Repository images (issue 17, Build 8): the same figure, at the size the body gives and with
its caption, in the DOCX, the PDF and the site; part of what a report is built from (the build
redoes the documents when an image changes, the issue lock fires, the cache decides nothing);
SVG treated as untrusted text.

The shipped May 2025 report carries two figures (content/2025/05):
- Hình 2 in 06-chuyen-doi-so.md, an SVG (600 x 300 px), ``{width=75%}``;
- Hình 1 in 05-tieu-chuan-do-luong.md, a PNG (1333 x 354 px), ``{width=80%}``.
Expected sizes are worked out here from the text width of the documents' portrait pages
(A4 210 mm less the 30 mm and 15 mm margins of spec/nd30.md R5: 165 mm).
"""

from __future__ import annotations

import functools
import http.server
import io
import shutil
import subprocess
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, copy_content, copy_shipped_repo
from lxml import etree
from ooxml import ooxml_errors
from PIL import Image
from pypdf import PdfReader

from baocao.cli import cli

KEY = "2025-05"
FOLDER = "content/2025/05"
CAPTION_1 = ("Hình 2. Tỷ lệ hồ sơ thủ tục hành chính trực tuyến toàn trình, tháng 1 đến "
             "tháng 5/2025")
CAPTION_2 = "Hình 1. Kết quả kiểm định, thử nghiệm lũy kế so với kế hoạch năm 2025"
TEXT_WIDTH_CM = 21.0 - 3.0 - 1.5
EMU_PER_CM = 360_000
PT_PER_CM = 72 / 2.54
SVG_PX, PNG_PX = (600, 300), (1333, 354)
BAR_COLOUR = (0x1F, 0x4E, 0x79)  # the chart's dark bars (both figures)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {
    "w": W,
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}


def run(repo: Path, *args: str):
    return CliRunner().invoke(cli, ["--repo", str(repo), *args], catch_exceptions=False)


def _ok(repo: Path, *args: str) -> str:
    result = run(repo, *args)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def may_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docx") / "bc.docx"
    _ok(ROOT, "docx", KEY, "-o", str(out))
    return out


@pytest.fixture(scope="module")
def may_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pdf") / "bc.pdf"
    _ok(ROOT, "pdf", KEY, "-o", str(out))
    return out


# --------------------------------------------------------------------------------------------
# DOCX


def _text(el: etree._Element) -> str:
    return "".join(t.text or "" for t in el.iter(f"{{{W}}}t"))


def _figures(path: Path) -> list[dict[str, object]]:
    """Each drawing of the DOCX: its paragraph's style, the caption paragraph after it (style,
    text), its extent in EMU and the media part it embeds (name, content type, bytes)."""
    with zipfile.ZipFile(path) as z:
        doc = etree.fromstring(z.read("word/document.xml"))
        rels = etree.fromstring(z.read("word/_rels/document.xml.rels"))
        types = etree.fromstring(z.read("[Content_Types].xml"))
        targets = {r.get("Id"): r.get("Target") for r in rels}
        defaults = {d.get("Extension"): d.get("ContentType") for d in types
                    if d.tag.endswith("Default")}
        overrides = {d.get("PartName"): d.get("ContentType") for d in types
                     if d.tag.endswith("Override")}
        out: list[dict[str, object]] = []
        for p in doc.iter(f"{{{W}}}p"):
            drawing = p.find(".//w:drawing", NS)
            if drawing is None:
                continue
            extent = drawing.find(".//wp:extent", NS)
            blip = drawing.find(".//a:blip", NS)
            assert extent is not None and blip is not None
            target = targets[blip.get(f"{{{NS['r']}}}embed")]
            caption = p.getnext()
            out.append({
                "style": p.find("w:pPr/w:pStyle", NS).get(f"{{{W}}}val"),
                "caption_style": caption.find("w:pPr/w:pStyle", NS).get(f"{{{W}}}val"),
                "caption": _text(caption),
                "cx": int(extent.get("cx")), "cy": int(extent.get("cy")),
                "media": target, "type": overrides.get(f"/word/{target}",
                                                       defaults.get(target.rsplit(".", 1)[-1])),
                "bytes": z.read(f"word/{target}"),
            })
        return out


def test_docx_embeds_both_figures_at_their_size_with_their_caption(may_docx: Path) -> None:
    figures = _figures(may_docx)
    assert [f["caption"] for f in figures] == [CAPTION_2, CAPTION_1]  # III.3 comes before IV
    for fig, share, (px_w, px_h) in ((figures[0], 0.80, PNG_PX), (figures[1], 0.75, SVG_PX)):
        assert fig["style"] == "CaptionedFigure" and fig["caption_style"] == "ImageCaption"
        assert fig["cx"] == pytest.approx(share * TEXT_WIDTH_CM * EMU_PER_CM, abs=400)
        assert fig["cy"] == pytest.approx(fig["cx"] * px_h / px_w, rel=0.01)
        assert fig["type"] == "image/png"
        with Image.open(io.BytesIO(fig["bytes"])) as img:
            assert img.format == "PNG"
            # the PNG as it is in the repository; the SVG drawn to a PNG of its aspect ratio
            assert img.size[0] / img.size[1] == pytest.approx(px_w / px_h, rel=0.01)
    png = (ROOT / FOLDER / "hinh/ke-hoach-kiem-dinh.png").read_bytes()
    assert figures[0]["bytes"] == png
    with Image.open(io.BytesIO(figures[1]["bytes"])) as drawn:
        # print quality: about 200 ppi at the width it is printed (75 % of the text width)
        assert drawn.size[0] == pytest.approx(0.75 * TEXT_WIDTH_CM / 2.54 * 200, abs=2)
        assert BAR_COLOUR in {c for _, c in drawn.convert("RGB").getcolors(1 << 20) or []}


def test_docx_figure_styles_are_centred(may_docx: Path) -> None:
    with zipfile.ZipFile(may_docx) as z:
        styles = etree.fromstring(z.read("word/styles.xml"))
    for sid in ("CaptionedFigure", "ImageCaption"):
        style = styles.find(f"w:style[@w:styleId='{sid}']", NS)
        assert style is not None, sid
        assert style.find("w:pPr/w:jc", NS).get(f"{{{W}}}val") == "center", sid
    caption = styles.find("w:style[@w:styleId='ImageCaption']", NS)
    assert caption.find("w:rPr/w:i", NS) is not None
    figure = styles.find("w:style[@w:styleId='CaptionedFigure']", NS)
    assert figure.find("w:pPr/w:keepNext", NS) is not None  # the image stays with its caption


def test_docx_with_figures_passes_ooxml_validation(may_docx: Path) -> None:
    assert ooxml_errors(may_docx) == []


def test_documents_are_byte_identical_when_built_again(may_docx: Path, may_pdf: Path,
                                                       tmp_path: Path) -> None:
    _ok(ROOT, "docx", KEY, "-o", str(tmp_path / "again.docx"))
    _ok(ROOT, "pdf", KEY, "-o", str(tmp_path / "again.pdf"))
    assert (tmp_path / "again.docx").read_bytes() == may_docx.read_bytes()
    assert (tmp_path / "again.pdf").read_bytes() == may_pdf.read_bytes()


# --------------------------------------------------------------------------------------------
# PDF


def _drawn_images(page) -> list[tuple[str, float, float, int, int]]:
    """(name, width pt, height pt, pixel width, pixel height) of each image XObject the page
    draws, its size taken from the transformation in force at its Do."""
    from pypdf.generic import ContentStream

    xobjects = page["/Resources"].get("/XObject")
    xobjects = xobjects.get_object() if xobjects is not None else {}
    stack: list[list[float]] = []
    ctm = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
    out = []
    for operands, op in ContentStream(page.get_contents(), page.pdf).operations:
        if op == b"q":
            stack.append(ctm)
        elif op == b"Q":
            ctm = stack.pop()
        elif op == b"cm":
            a, b, c, d, e, f = (float(x) for x in operands)
            A, B, C, D, E, F = ctm
            ctm = [a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
                   e * A + f * C + E, e * B + f * D + F]
        elif op == b"Do":
            xo = xobjects[operands[0]].get_object()
            if xo.get("/Subtype") == "/Image":
                out.append((str(operands[0]), abs(ctm[0]), abs(ctm[3]), int(xo["/Width"]),
                            int(xo["/Height"])))
    return out


def _page_with(reader: PdfReader, text: str) -> int:
    pages = [i for i, p in enumerate(reader.pages)
             if text in " ".join((p.extract_text() or "").split())]
    assert pages, text
    return pages[0]


def test_pdf_draws_the_png_at_its_size_above_its_caption(may_pdf: Path) -> None:
    reader = PdfReader(may_pdf)
    page = _page_with(reader, CAPTION_2)
    images = _drawn_images(reader.pages[page])
    assert len(images) == 1
    _, width, height, px_w, px_h = images[0]
    assert (px_w, px_h) == PNG_PX  # the repository's PNG, not resampled
    assert width == pytest.approx(0.80 * TEXT_WIDTH_CM * PT_PER_CM, abs=0.5)
    assert height == pytest.approx(width * px_h / px_w, abs=0.5)
    # no image anywhere else: the SVG is drawn as vector graphics, not as a picture
    assert sum(len(_drawn_images(p)) for p in reader.pages) == 1


def test_pdf_captions_are_the_editors_text_without_a_number_of_typst(may_pdf: Path) -> None:
    reader = PdfReader(may_pdf)
    full = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert "tăng đều qua các tháng: " in full
    for caption in (CAPTION_1, CAPTION_2):
        assert full.count(caption) == 1
    assert "Hình 1: " not in full and "Hình 2: " not in full and "Figure" not in full


def test_pdf_shows_the_svg_chart(may_pdf: Path, tmp_path: Path) -> None:
    """The page of Hình 2 (the SVG chart) has the chart's bars in its colour, where a PDF without the figure
    has none (typst draws an SVG as vector graphics: rendered, then looked at)."""
    reader = PdfReader(may_pdf)
    page = _page_with(reader, CAPTION_1) + 1
    subprocess.run(["pdftoppm", "-f", str(page), "-l", str(page), "-r", "50", "-png",
                    str(may_pdf), str(tmp_path / "p")], check=True)
    with Image.open(next(tmp_path.glob("p*.png"))) as img:
        colours = {c: n for n, c in img.convert("RGB").getcolors(1 << 20) or []}
    near = sum(n for c, n in colours.items()
               if all(abs(x - y) <= 6 for x, y in zip(c, BAR_COLOUR, strict=True)))
    assert near > 100


# --------------------------------------------------------------------------------------------
# The site


@pytest.fixture(scope="module")
def may_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_shipped_repo(tmp_path_factory.mktemp("site") / "repo", years=("2025",))
    _ok(root, "build", "-o", str(root / "site"))
    return root / "site"


@pytest.fixture(scope="module")
def served(may_site: Path) -> Iterator[str]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(may_site))
    handler.log_message = lambda *a: None  # type: ignore[method-assign]
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def _c14n(svg: bytes) -> bytes:
    """An SVG's tree in canonical XML, comments and processing instructions left out."""
    parser = etree.XMLParser(remove_comments=True, remove_pis=True)
    return etree.tostring(etree.fromstring(svg, parser), method="c14n")


def test_site_copies_the_images_beside_the_page(may_site: Path) -> None:
    """The PNG as it is; the SVG as its checked tree written again (its drawing unchanged:
    the same canonical XML; the bytes lose the file's final line break)."""
    folder = may_site / "2025" / "05" / "hinh"
    png = "ke-hoach-kiem-dinh.png"
    assert (folder / png).read_bytes() == (ROOT / FOLDER / "hinh" / png).read_bytes()
    svg = "ty-le-ho-so-truc-tuyen.svg"
    assert _c14n((folder / svg).read_bytes()) == _c14n((ROOT / FOLDER / "hinh" / svg).read_bytes())


def test_site_figures_load_in_chromium(served: str, browser) -> None:
    page = browser.new_page()
    try:
        page.goto(f"{served}/2025/05/")
        figures = page.locator("article figure")
        assert figures.count() == 2
        found = []
        for i in range(2):
            fig = figures.nth(i)
            fig.scroll_into_view_if_needed()  # lazy: loaded when scrolled to
            img = fig.locator("img")
            page.wait_for_function("e => e.complete && e.naturalWidth > 0", arg=img.element_handle())
            found.append(img.evaluate(
                "e => [e.naturalWidth, e.naturalHeight, e.getAttribute('loading'), e.alt,"
                " e.closest('figure').querySelector('figcaption').textContent.trim(),"
                " e.getBoundingClientRect().width]"))
        assert [f[:5] for f in found] == [
            [*PNG_PX, "lazy", CAPTION_2, CAPTION_2],
            [*SVG_PX, "lazy", CAPTION_1, CAPTION_1],
        ]
        assert all(f[5] > 100 for f in found)
    finally:
        page.close()


# --------------------------------------------------------------------------------------------
# An image is an input of the report


def _hashes(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file()}


def test_a_changed_image_rebuilds_the_documents_and_the_cache_decides_nothing(
        tmp_path: Path) -> None:
    root = copy_shipped_repo(tmp_path / "repo", years=("2025",))
    _ok(root, "build", "-o", str(root / "site"))
    before = _hashes(root / "site")
    assert "Không có thay đổi" in _ok(root, "build", "-o", str(root / "site")) or \
        _hashes(root / "site") == before
    svg = root / FOLDER / "hinh/ty-le-ho-so-truc-tuyen.svg"
    svg.write_text(svg.read_text(encoding="utf-8").replace("#1f4e79", "#8b1a1a"),
                   encoding="utf-8")
    _ok(root, "build", "-o", str(root / "site"))
    after = _hashes(root / "site")
    changed = {k for k in before if before[k] != after.get(k)}
    assert {"2025/05/bao-cao-2025-05.docx", "2025/05/bao-cao-2025-05.pdf",
            "2025/05/hinh/ty-le-ho-so-truc-tuyen.svg"} <= changed
    assert _c14n(after["2025/05/hinh/ty-le-ho-so-truc-tuyen.svg"]) == _c14n(svg.read_bytes())
    # without the cache, the same bytes
    shutil.rmtree(root / ".baocao-cache")
    _ok(root, "build", "-o", str(tmp_path / "fresh"))
    assert _hashes(tmp_path / "fresh") == after


def test_the_issue_lock_fires_when_an_image_of_an_issued_report_changes(tmp_path: Path) -> None:
    root = copy_content(tmp_path / "repo")
    _ok(root, "issue", KEY, "--number", "1618", "--date", "2025-05-20")
    assert run(root, "check").exit_code == 0
    png = root / FOLDER / "hinh/ke-hoach-kiem-dinh.png"
    original = png.read_bytes()
    with Image.open(io.BytesIO(original)) as img:
        changed = img.copy()
    changed.putpixel((5, 5), (255, 0, 0, 255))
    out = io.BytesIO()
    changed.save(out, format="PNG")
    png.write_bytes(out.getvalue())
    section = root / FOLDER / "05-tieu-chuan-do-luong.md"
    line = next(i for i, t in enumerate(section.read_text(encoding="utf-8").splitlines(), 1)
                if "hinh/ke-hoach-kiem-dinh.png" in t)
    result = run(root, "check")
    assert result.exit_code == 1
    assert (f"{FOLDER}/05-tieu-chuan-do-luong.md:{line}:1: E601: báo cáo tháng 5/2025 "
            "(số 1618/BC-KHCN ngày 20/5/2025) đã ban hành: tệp ảnh "
            "\"hinh/ke-hoach-kiem-dinh.png\" đã thay đổi sau khi ban hành") in result.output
    docx = run(root, "docx", KEY, "-o", str(tmp_path / "x.docx"))
    assert docx.exit_code == 1 and not (tmp_path / "x.docx").exists()
    png.write_bytes(original)
    assert run(root, "check").exit_code == 0


def test_an_image_moved_out_of_its_report_folder_by_a_link_is_refused(tmp_path: Path) -> None:
    root = copy_content(tmp_path / "repo")
    png = root / FOLDER / "hinh/ke-hoach-kiem-dinh.png"
    outside = tmp_path / "elsewhere.png"
    shutil.move(png, outside)
    png.symlink_to(outside)
    result = run(root, "check")
    assert result.exit_code == 1
    assert "05-tieu-chuan-do-luong.md:" in result.output and "E504" in result.output
    # a link inside the repository is not followed either
    png.unlink()
    shutil.move(outside, root / "content" / "a.png")
    png.symlink_to(root / "content" / "a.png")
    result = run(root, "check")
    assert result.exit_code == 1
    assert "E508: ảnh \"hinh/ke-hoach-kiem-dinh.png\": tệp là liên kết tượng trưng" in result.output


# --------------------------------------------------------------------------------------------
# SVG: untrusted text


SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" ' \
      'width="20" height="10">{}</svg>'


@pytest.mark.parametrize("inner", [
    '<rect width="5" height="5" fill="url(#g)"/><linearGradient id="g"/>',
    '<use xlink:href="#r"/><rect id="r" width="1" height="1"/>',
    '<text x="1" y="9" style="font-weight: bold">Hà Nội</text>',
])
def test_a_plain_svg_passes(inner: str) -> None:
    from baocao.images import svg_problem

    assert svg_problem(SVG.format(inner).encode()) is None


@pytest.mark.parametrize(("inner", "said"), [
    ("<script>alert(1)</script>", "<script>"),
    ('<rect width="1" height="1" onclick="alert(1)"/>', "onclick"),
    ('<a href="https://example.com"><text>x</text></a>', "<a>"),
    ('<image href="data:image/png;base64,AAAA" width="1" height="1"/>', "<image>"),
    ('<use href="other.svg#x"/>', "other.svg#x"),
    ('<use xlink:href="javascript:alert(1)"/>', "javascript:alert(1)"),
    ('<rect width="1" height="1" style="fill: url(https://x.test/a.svg#p)"/>', "url(…)"),
    ("<style>@import url(https://x.test/a.css);</style>", "@import"),
    ('<foreignObject width="1" height="1"/>', "foreignObject"),
    ('<set attributeName="href" to="https://x.test"/>', "<set>"),
    ('<animate attributeName="href" values="javascript:alert(1)"/>', "<animate>"),
])
def test_an_svg_that_could_run_or_fetch_is_refused(inner: str, said: str) -> None:
    from baocao.images import svg_problem

    why = svg_problem(SVG.format(inner).encode())
    assert why is not None and said in why


def test_an_svg_with_a_doctype_is_refused_in_any_encoding() -> None:
    from baocao.images import svg_problem

    text = ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE svg [<!ENTITY a "b">]>'
            '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><text>&a;</text></svg>')
    for data in (text.replace("UTF-16", "UTF-8").encode(), text.encode("utf-16")):
        why = svg_problem(data)
        assert why is not None and "DOCTYPE" in why



# --------------------------------------------------------------------------------------------
# The dialect: attributes


def test_attributes_on_links_never_reach_the_page_and_autolinks_keep_theirs() -> None:
    from baocao.document.html import bodies_html

    html = bodies_html(['Xem [trang](https://a.vn){onclick=alert(1) #x .y} và <https://b.vn>.\n'
                        '\n![Hình 1. A](hinh/a.png){width=50% onload=alert(1)}\n'])[0]
    assert "onclick" not in html and "onload" not in html and 'id="x"' not in html
    assert '<a href="https://b.vn" class="uri">' in html
    assert '<img src="hinh/a.png" style="width:50.0%" loading="lazy" alt="Hình 1. A" />' in html


def test_check_accepts_an_autolink_beside_a_footnote(tmp_path: Path) -> None:
    """An autolink carries pandoc's class "uri": not an attribute of the editor's (E504)."""
    root = copy_content(tmp_path / "repo", years=("2025",))
    section = root / FOLDER / "06-chuyen-doi-so.md"
    section.write_text(section.read_text(encoding="utf-8")
                       + "\nCổng dịch vụ công <https://dichvucong.gov.vn>[^9].\n\n[^9]: Cổng quốc gia.\n",
                       encoding="utf-8")
    result = run(root, "check")
    assert "E504" not in result.output, result.output


def test_a_jpeg_without_width_keeps_its_own_size_in_both_documents(tmp_path: Path) -> None:
    """A photograph (JPEG) written without {width=…}: its own size at 96 ppi (300 px = 7.94 cm,
    rounded to the hundredth of a cm), embedded as JPEG in the DOCX and drawn so in the PDF."""
    root = copy_content(tmp_path / "repo", years=("2025",))
    photo = Image.new("RGB", (300, 150), (200, 120, 40))
    photo.save(root / FOLDER / "hinh/hoi-nghi.jpg", format="JPEG", quality=80)
    section = root / FOLDER / "07-thanh-tra-hanh-chinh.md"
    section.write_text(section.read_text(encoding="utf-8")
                       + "\n![Hình 3. Hội nghị giao ban tháng 5/2025](hinh/hoi-nghi.jpg)\n",
                       encoding="utf-8")
    _ok(root, "docx", KEY, "-o", str(tmp_path / "r.docx"))
    _ok(root, "pdf", KEY, "-o", str(tmp_path / "r.pdf"))
    photo_fig = [f for f in _figures(tmp_path / "r.docx") if f["caption"].startswith("Hình 3.")]
    assert len(photo_fig) == 1
    assert photo_fig[0]["type"] == "image/jpeg"
    assert photo_fig[0]["bytes"] == (root / FOLDER / "hinh/hoi-nghi.jpg").read_bytes()
    assert photo_fig[0]["cx"] == pytest.approx(7.94 * EMU_PER_CM, abs=400)
    assert photo_fig[0]["cy"] == pytest.approx(photo_fig[0]["cx"] / 2, rel=0.01)
    reader = PdfReader(tmp_path / "r.pdf")
    drawn = [d for p in reader.pages for d in _drawn_images(p) if d[3:] == (300, 150)]
    assert len(drawn) == 1
    assert drawn[0][1] == pytest.approx(7.94 * PT_PER_CM, abs=0.5)
    assert ooxml_errors(tmp_path / "r.docx") == []


# --------------------------------------------------------------------------------------------
# Review of 2026-12-06: what reaches a reader is what was checked


def _svg_repo(tmp_path: Path, svg: bytes, width: str = "", name: str = "hinh/x.svg") -> Path:
    """The shipped May 2025 report with one more figure, *svg* (or any image's bytes) at
    *name*, in 07-thanh-tra-hanh-chinh.md."""
    root = copy_shipped_repo(tmp_path / "repo", years=("2025",))
    path = root / FOLDER / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(svg)
    section = root / FOLDER / "07-thanh-tra-hanh-chinh.md"
    attr = f"{{width={width}}}" if width else ""
    section.write_text(section.read_text(encoding="utf-8")
                       + f"\n![Hình 3. Hình thêm]({name}){attr}\n", encoding="utf-8")
    return root


@pytest.mark.parametrize("svg", [
    # XSLT that would run script on the site's origin when the file is opened by itself
    '<?xml version="1.0"?>\n<?xml-stylesheet type="text/xsl" href="data:text/xml;base64,AA"?>\n'
    '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"/>',
    # CSS fetched from another host; a PI after the root and one inside it
    '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><?xml-stylesheet '
    'type="text/css" href="http://x.test/a.css"?></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"/><?other x?>',
])
def test_an_svg_with_a_processing_instruction_is_refused(svg: str) -> None:
    from baocao.images import ImageRefused, identify, svg_problem

    why = svg_problem(svg.encode())
    assert why is not None and "chỉ thị xử lý <?" in why
    with pytest.raises(ImageRefused) as err:
        identify(svg.encode(), "x.svg")
    assert err.value.code == "E509"


def test_the_xml_declaration_alone_passes() -> None:
    from baocao.images import svg_problem

    svg = '<?xml version="1.0" encoding="UTF-8"?>\n' + SVG.format('<rect width="5" height="5"/>')
    assert svg_problem(svg.encode()) is None


def test_the_site_and_the_documents_get_the_checked_tree_not_the_file(tmp_path: Path) -> None:
    """A comment (the checker drops comments) never reaches the site, the DOCX or the PDF: all
    three are given the tree that was checked, written again."""
    svg = ('<?xml version="1.0"?>\n<!-- secret note of the editor -->\n'
           '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">'
           '<!-- second note --><rect width="200" height="100" fill="#1f4e79"/></svg>\n')
    root = _svg_repo(tmp_path, svg.encode())
    _ok(root, "build", "-o", str(root / "site"))
    site_svg = (root / "site" / "2025/05/hinh/x.svg").read_bytes()
    assert b"note" not in site_svg and b"<?" not in site_svg and b"<!--" not in site_svg
    assert _c14n(site_svg) == _c14n(svg.encode())
    with zipfile.ZipFile(root / "site/2025/05/bao-cao-2025-05.docx") as z:
        assert not [n for n in z.namelist() if b"secret" in z.read(n) or b"second" in z.read(n)]
    pdf = (root / "site/2025/05/bao-cao-2025-05.pdf").read_bytes()
    assert b"secret" not in pdf and b"second" not in pdf


def _assert_e509(inner: str, said: str) -> None:
    from baocao.images import ImageRefused, identify

    with pytest.raises(ImageRefused) as err:
        identify(SVG.format(inner).encode(), "x.svg")
    assert err.value.code == "E509" and said in err.value.message


@pytest.mark.parametrize(("inner", "said"), [
    # the reviewer's bypasses (each fetched from another host in Chromium before the fix)
    ('<rect width="10" height="10" style="fill: u\\72l(http://x.test/attr.png)"/>', "u\\72l("),
    ('<style>svg{background-image:image-set("http://x.test/i.png" 1x)}</style>', "image-set"),
    ('<style>@IMPORT "http://x.test/import-upper.css";</style>', "@IMPORT"),
    ('<style>@\\69mport "http://x.test/import-esc.css";</style>', "@\\69mport"),
    # and what an allow-list refuses besides
    ('<style>/* a */ rect{fill:red}</style>', "/*"),
    ('<style>rect{fill:red}<g/>@import "http://x.test/b.css";</style>', "<style>"),
    ('<rect width="1" height="1" style="cursor: image-set(\'http://x.test/c.png\' 1x)"/>',
     "image-set"),
    ('<rect width="1" height="1" cursor="u\\72l(http://x.test/c.png)"/>', "cursor"),
    ('<rect width="1" height="1" cursor="image-set(\'http://x.test/c.png\' 1x)"/>', "cursor"),
    ('<rect width="1" height="1" style="fill: src(\'http://x.test/d.png\')"/>', "src("),
])
def test_svg_css_is_an_allow_list(inner: str, said: str) -> None:
    _assert_e509(inner, said)


@pytest.mark.parametrize("inner", [
    '<style>rect.bar, text > tspan { fill: #1f4e79; font-weight: bold } .a{opacity:.5}</style>',
    '<text style="font-family: \'Liberation Serif\', serif; font-size: 14px">Hà Nội</text>',
    '<rect width="5" height="5" style="fill: rgba(31, 78, 121, 0.5); stroke: url(#g)"/>',
    '<g transform="translate(10,20) rotate(45)"><rect width="5" height="5"/></g>',
])
def test_plain_css_still_passes(inner: str) -> None:
    from baocao.images import svg_problem

    assert svg_problem(SVG.format(inner).encode()) is None


def test_the_shipped_svg_passes_the_allow_list() -> None:
    from baocao.images import svg_problem

    for svg in sorted((ROOT / FOLDER / "hinh").glob("*.svg")):
        assert svg_problem(svg.read_bytes()) is None, svg


def _use_bomb(levels: int, fan: int) -> str:
    parts = ['<defs><rect id="l0" width="1" height="1"/>']
    for i in range(1, levels + 1):
        parts.append(f'<g id="l{i}">' + "".join(
            f'<use href="#l{i - 1}" x="{k}"/>' for k in range(fan)) + "</g>")
    return "".join(parts) + f'</defs><use href="#l{levels}"/>'


@pytest.mark.parametrize(("inner", "said"), [
    (_use_bomb(8, 10), "<use> lồng nhau"),  # the reviewer's: 10^8 elements once expanded
    ('<g id="a"><use href="#a"/></g>', "vòng"),
    ('<use id="a" href="#b"/><use id="b" href="#a"/>', "vòng"),
])
def test_use_expansion_is_bounded(inner: str, said: str) -> None:
    _assert_e509(inner, said)


def test_a_few_uses_pass() -> None:
    from baocao.images import svg_problem

    assert svg_problem(SVG.format(_use_bomb(2, 10)).encode()) is None


def test_an_svg_typst_cannot_draw_is_named_in_vietnamese(tmp_path: Path) -> None:
    """Should an SVG pass the check and typst still refuse it, the DOCX and the PDF say which
    image, in Vietnamese, without typst's English."""
    from baocao.errors import DocumentError
    from baocao.write.pdf import compile_typst, svg_to_png

    bomb = SVG.format(_use_bomb(8, 10)).encode()  # refused by check; typst gives up on it
    with pytest.raises(DocumentError) as err:
        svg_to_png(bomb, 20, 10, 5.0, "hinh/bom.svg", templates=ROOT / "templates")
    assert "hinh/bom.svg" in str(err.value) and "Không vẽ được ảnh SVG" in str(err.value)
    assert "failed" not in str(err.value) and "typst:" not in str(err.value)
    with pytest.raises(DocumentError) as err:
        compile_typst('#image("b.svg", width: 2cm)\n', templates=ROOT / "templates",
                      images={"b.svg": bomb}, shown={"b.svg": "hinh/bom.svg"})
    assert "hinh/bom.svg" in str(err.value) and "failed" not in str(err.value)


def test_the_docx_png_of_an_svg_is_drawn_for_its_printed_width(tmp_path: Path) -> None:
    """A 6000 x 6000 SVG printed 50 % wide (8.25 cm) becomes a PNG of 8.25 cm at 200 ppi
    (650 px), not of its declared size (12 500 px at 200 ppi of 96 ppi pixels)."""
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" width="6000" height="6000">'
           b'<rect width="6000" height="6000" fill="#1f4e79"/></svg>')
    root = _svg_repo(tmp_path, svg, width="50%")
    _ok(root, "docx", KEY, "-o", str(tmp_path / "r.docx"))
    fig = [f for f in _figures(tmp_path / "r.docx") if str(f["caption"]).startswith("Hình 3.")]
    assert len(fig) == 1 and fig[0]["type"] == "image/png"
    assert fig[0]["cx"] == pytest.approx(TEXT_WIDTH_CM / 2 * EMU_PER_CM, abs=400)
    png = Image.open(io.BytesIO(fig[0]["bytes"]))  # type: ignore[arg-type]
    expected = round(TEXT_WIDTH_CM / 2 / 2.54 * 200)
    assert abs(png.size[0] - expected) <= 2 and abs(png.size[1] - expected) <= 2


def test_a_tall_svg_png_stays_bounded() -> None:
    from baocao.write.pdf import MAX_RASTER_PIXELS, svg_to_png

    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="6000">'
           b'<rect width="100" height="6000" fill="#1f4e79"/></svg>')
    png = Image.open(io.BytesIO(svg_to_png(svg, 100, 6000, 16.5, "x.svg",
                                           templates=ROOT / "templates")))
    assert png.size[0] * png.size[1] <= MAX_RASTER_PIXELS * 1.01
    assert png.size[1] == pytest.approx(png.size[0] * 60, rel=0.01)


def test_image_depth_agrees_with_the_change_snapshot(tmp_path: Path) -> None:
    """Every image the check accepts is one the build's change detection lists, at any depth:
    deeper ones are refused (E508), so a change can never leave a stale site."""
    from baocao.images import ImageRefused, read_image
    from baocao.repofiles import walk_repository

    root = tmp_path / "repo"
    folder = root / "content/2024/01"
    png = Image.new("RGB", (4, 2), (1, 2, 3))
    accepted = refused = 0
    for depth in range(1, 8):
        rel = "/".join(f"d{i}" for i in range(depth)) + "/a.png"
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        png.save(folder / rel)
        listed = {a for m in walk_repository(root).months for a in m.assets}
        try:
            read_image(root, "content/2024/01", rel)
        except ImageRefused as err:
            assert err.code == "E508" and "quá sâu" in err.message
            refused += 1
            continue
        assert rel in listed, rel
        accepted += 1
    assert accepted and refused


def test_a_deep_image_that_changes_rebuilds_the_site(tmp_path: Path) -> None:
    """The deepest image the check accepts: a change to it rebuilds the site."""
    from baocao.repofiles import ASSET_DEPTH

    name = "hinh/" + "/".join("abcdefgh"[:ASSET_DEPTH - 1]) + "/sau.png"
    Image.new("RGB", (120, 60), (0, 0, 255)).save(tmp_path / "p.png")
    root = _svg_repo(tmp_path, (tmp_path / "p.png").read_bytes(), name=name)
    path = root / FOLDER / name
    _ok(root, "build", "-o", str(root / "site"))
    Image.new("RGB", (120, 60), (255, 0, 0)).save(path)
    out = _ok(root, "build", "-o", str(root / "site"))
    assert "Không có thay đổi" not in out
    assert (root / "site/2025/05" / name).read_bytes() == path.read_bytes()


def test_a_fifo_image_is_refused_as_an_image(tmp_path: Path) -> None:
    import os

    from baocao.images import ImageRefused, read_image

    folder = tmp_path / "content/2024/01/hinh"
    folder.mkdir(parents=True)
    os.mkfifo(folder / "ong.png")
    with pytest.raises(ImageRefused) as err:
        read_image(tmp_path, "content/2024/01", "hinh/ong.png")
    assert err.value.code == "E508"
    assert "FIFO" in err.value.message and "tệp ảnh" in err.value.message
    assert "văn bản" not in err.value.message
