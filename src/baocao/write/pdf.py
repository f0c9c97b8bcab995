"""PDF writer for the official report: pandoc input -> typst source -> PDF.

Part of the *write* stage. ``render/official.py`` produces the pandoc input (a Markdown document
with YAML metadata, see ``docs/dev/official-input.md``); this module turns it into the PDF:

1. the pinned pandoc (``baocao.write.pandoc.run_pandoc``, sandboxed) converts it to typst with the
   template ``templates/typst/report.typ`` and the Lua filters ``templates/filters/official.lua``
   (shared with the DOCX) and ``templates/filters/typst.lua`` (PDF only);
2. the ``typst`` Python package compiles the typst source in-process, with
   ``templates/fonts/`` as the only font source (no system font, no LaTeX, no LibreOffice).

Output is reproducible: the same input, templates and fonts give the same bytes (the creation
date is the fixed epoch, never the current time). One byte-level touch follows the compile
(:func:`quiet_mark_info`), of the same length, so typst's cross-reference table stays exact.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..document.tree import bundle_image_targets, bundle_images, official_pandoc_input
from ..errors import DocumentError as DocumentError
from .blanks import keep_draft_blanks
from .docx_layout import FontMetrics
from .pandoc import run_pandoc, source_date_epoch
from .title_lines import break_titles

__all__ = [
    "DocumentError", "TypstResult", "compile_typst", "render_typst_source", "typst_copy_settings",
    "quiet_mark_info", "write_pdf", "write_pdf_from_typst",
]

TEMPLATE = Path("typst") / "report.typ"
FILTERS = (Path("filters") / "official.lua", Path("filters") / "typst.lua")
FONTS = Path("fonts")


@dataclass(frozen=True)
class TypstResult:
    """A compiled PDF and the warnings typst reported (one line each)."""

    pdf: bytes
    warnings: tuple[str, ...]


def _template_files(templates: Path) -> tuple[Path, list[Path], Path]:
    template = templates / TEMPLATE
    if not template.is_file():
        raise DocumentError(f"Không tìm thấy mẫu trình bày PDF: {template}")
    filters = [templates / f for f in FILTERS if (templates / f).is_file()]
    if not (templates / FILTERS[0]).is_file():
        raise DocumentError(f"Không tìm thấy bộ lọc Lua dùng chung: {templates / FILTERS[0]}")
    fonts = templates / FONTS
    if not any(fonts.glob("*.ttf")):
        raise DocumentError(f"Không tìm thấy phông chữ trong thư mục {fonts}")
    return template, filters, fonts


def typst_copy_settings(templates: Path, out: Path) -> tuple[list[str], dict[str, str]]:
    """pandoc arguments and environment that make a DOCX run also write the typst source of the
    PDF to ``out`` (``templates/filters/typst-copy.lua``; same template and filters as
    :func:`render_typst_source`)."""
    template, filters, _ = _template_files(templates)
    copier = templates / "filters" / "typst-copy.lua"
    if not copier.is_file():
        raise DocumentError(f"Không tìm thấy bộ lọc Lua: {copier}")
    # filters[0] is official.lua, which the DOCX run already applies; the rest are PDF-only
    pdf_only = [f.resolve() for f in filters[1:]]
    if len(pdf_only) != 1:
        raise DocumentError(f"Không tìm thấy bộ lọc Lua của PDF: {templates / FILTERS[1]}")
    env = {
        "BAOCAO_TYPST_OUT": str(out),
        "BAOCAO_TYPST_TEMPLATE": str(template.resolve()),
        "BAOCAO_TYPST_FILTER": str(pdf_only[0]),
    }
    return [f"--lua-filter={copier.resolve()}"], env


def render_typst_source(pandoc_input: str, *, templates: Path, epoch: int | None = None) -> str:
    """Convert the pandoc input (Markdown + YAML metadata) to the typst source of the PDF.

    Arguments:
        pandoc_input: the document, as produced by ``render/official.py``.
        templates: the project's ``templates/`` folder.
        epoch: SOURCE_DATE_EPOCH for pandoc (default: :func:`baocao.write.pandoc.source_date_epoch`).

    Raises:
        PandocError: pandoc failed (the message is Vietnamese).
    """
    template, filters, fonts = _template_files(templates)
    metrics = FontMetrics(fonts.resolve())
    # Same preparation as the DOCX: NFC, draft blanks typed as runs of ordinary spaces in
    # so-ky-hieu / dia-danh-ngay / kem-theo become no-break spaces (pandoc would collapse them),
    # and the titles' line breaks (title_lines.py), so both documents break them alike.
    with tempfile.TemporaryDirectory(prefix="baocao-typst-input-") as tmp:
        pin = official_pandoc_input(unicodedata.normalize("NFC", pandoc_input),
                                    lambda s: break_titles(keep_draft_blanks(s), metrics),
                                    Path(tmp))
        args = [
            f"--from={pin.reader}",
            "--to=typst",
            "--standalone",
            f"--template={template}",
            *[f"--lua-filter={f}" for f in (*pin.filters, *filters)],
            "--wrap=none",
        ]
        return run_pandoc(args, input_text=pin.text, epoch=epoch,
                          extra_env=pin.env).decode("utf-8")


#: typst (its PDF library, krilla) spells out the default of /Suspects in the catalog's
#: mark-information dictionary. That is valid PDF (ISO 32000-1, table 321: a boolean, default
#: false), but poppler up to 25.11 accepts only ``true`` there and prints "Syntax Error: Suspects
#: object is wrong type (boolean)" from pdfinfo, pdftotext and every program built on it.
_MARK_INFO = b"/MarkInfo<</Marked true/Suspects false>>"
_MARK_INFO_QUIET = b"/MarkInfo<</Marked true" + b" " * len(b"/Suspects false") + b">>"


def quiet_mark_info(pdf: bytes) -> bytes:
    """``pdf`` with the default ``/Suspects false`` of its catalog blanked out by spaces.

    The same number of bytes, so every offset of the cross-reference table stays right and the
    meaning is unchanged (false is the default). Left as it is unless typst wrote the one
    dictionary exactly as expected (a later typst may write it otherwise, or compressed)."""
    if pdf.count(_MARK_INFO) != 1:
        return pdf
    return pdf.replace(_MARK_INFO, _MARK_INFO_QUIET)


_FAILED = "Không tạo được tệp PDF, typst báo lỗi:"
_LOCATION = re.compile(r"┌─ \S+?:(\d+):(\d+)")


def _format_diagnostic(diag: object) -> str:
    """One line: typst's message, the line:column in the typst source, and its hints."""
    message = str(getattr(diag, "message", None) or diag).strip()
    parts = [message]
    where = _LOCATION.search(str(getattr(diag, "diagnostic", "") or ""))
    if where:
        parts.append(f"(dòng {where.group(1)}, cột {where.group(2)} của mã typst)")
    parts += [f"(gợi ý: {h.strip()})" for h in getattr(diag, "hints", None) or []]
    return " ".join(parts)


def _typst_fonts(templates: Path) -> object:
    import typst  # noqa: PLC0415 - heavy native module, only needed here

    _, _, fonts_dir = _template_files(templates)
    return typst.Fonts(include_system_fonts=False, include_embedded_fonts=False,
                       font_paths=[str(fonts_dir)])


#: Pixels per inch of the PNG that stands for an SVG in the DOCX, at the size it is printed.
SVG_RASTER_PPI = 200
#: Most pixels of that PNG (a very tall drawing is drawn at a lower ppi): memory stays bounded
#: whatever size the SVG declares.
MAX_RASTER_PIXELS = 6_000_000


def _svg_failed(shown: str, where: str) -> DocumentError:
    return DocumentError(f"Không vẽ được ảnh SVG \"{shown}\" {where}: chương trình vẽ (typst) "
                         "không đọc được ảnh này. Hãy xuất lại ảnh ở dạng SVG đơn giản hơn "
                         "(SVG thuần, ít phần tử lồng nhau) hoặc lưu thành PNG.")


def raster_ppi(width: int, height: int, print_cm: float) -> float:
    """The ppi at which an SVG of *width* x *height* (its proportions) printed *print_cm* wide
    is drawn: :data:`SVG_RASTER_PPI`, lower when the PNG would exceed :data:`MAX_RASTER_PIXELS`."""
    px_w = print_cm / 2.54 * SVG_RASTER_PPI
    pixels = px_w * px_w * height / width
    if pixels <= MAX_RASTER_PIXELS:
        return float(SVG_RASTER_PPI)
    return SVG_RASTER_PPI * (MAX_RASTER_PIXELS / pixels) ** 0.5


def svg_to_png(svg: bytes, width: int, height: int, print_cm: float, shown: str = "",
               *, templates: Path) -> bytes:
    """A PNG of the SVG *svg* (*width* x *height* pixels as it declares: its proportions) for
    the DOCX, drawn by typst with the project's fonts only, *print_cm* wide (the widest it is
    printed, at most the text width) at :func:`raster_ppi`: the declared size never decides the
    cost. *shown* names the image in a failure. Deterministic: the same SVG gives the same
    bytes."""
    import typst  # noqa: PLC0415 - heavy native module, only needed here

    width_pt = print_cm / 2.54 * 72
    source = ("#set page(width: auto, height: auto, margin: 0pt, fill: white)\n"
              f"#image(\"i.svg\", width: {width_pt:.3f}pt)\n")
    with tempfile.TemporaryDirectory(prefix="baocao-svg-") as root:
        Path(root, "i.svg").write_bytes(svg)
        try:
            png = typst.compile(  # type: ignore[call-overload]
                source.encode("utf-8"), root=root, font_paths=_typst_fonts(templates),
                ignore_system_fonts=True, format="png",
                ppi=round(raster_ppi(width, height, print_cm), 3))
        except (typst.TypstError, RuntimeError) as exc:
            raise _svg_failed(shown or "ảnh", "thành PNG cho văn bản DOCX") from exc
    if not isinstance(png, bytes):  # pragma: no cover - one page gives one PNG
        raise DocumentError("typst không trả về ảnh PNG.")
    return png


def _failing_svg(images: dict[str, bytes], fonts: object) -> str | None:
    """The name of the first SVG of *images* that typst cannot draw (None: they all draw)."""
    import typst  # noqa: PLC0415 - heavy native module, only needed here

    for name, data in sorted(images.items()):
        if not name.endswith(".svg"):
            continue
        with tempfile.TemporaryDirectory(prefix="baocao-svg-") as root:
            Path(root, "i.svg").write_bytes(data)
            try:
                typst.compile(b'#image("i.svg", width: 1cm)\n',  # type: ignore[call-overload]
                              root=root, font_paths=fonts, ignore_system_fonts=True,
                              format="svg")
            except (typst.TypstError, RuntimeError):
                return name
    return None


def compile_typst(source: str, *, templates: Path, epoch: int | None = None,
                  images: dict[str, bytes] | None = None,
                  shown: dict[str, str] | None = None) -> TypstResult:
    """Compile typst source to PDF bytes with the project's fonts only.

    Arguments:
        source: typst source (from :func:`render_typst_source`).
        templates: the project's ``templates/`` folder (fonts are taken from ``fonts/``).
        epoch: creation date written into the PDF, in Unix seconds (default: SOURCE_DATE_EPOCH
            or baocao's fixed default).
        images: the report's image files (name → bytes, checked by the loader), the only files
            the document may read.
        shown: the images' names as the bodies write them (name → target), for a failure.

    Raises:
        DocumentError: typst failed to compile the document.
    """
    try:
        import typst  # noqa: PLC0415 - heavy native module, only needed here
    except ImportError as exc:  # pragma: no cover - dependency is required
        raise DocumentError("Thiếu gói typst: hãy chạy 'pip install -e .'") from exc

    _, _, fonts_dir = _template_files(templates)
    fonts = typst.Fonts(
        include_system_fonts=False,
        include_embedded_fonts=False,
        font_paths=[str(fonts_dir)],
    )
    timestamp = epoch if epoch is not None else source_date_epoch()
    # A root with the report's images only: the document may not read any other file.
    with tempfile.TemporaryDirectory(prefix="baocao-typst-") as root:
        for name, data in sorted((images or {}).items()):
            if "/" in name or name.startswith("."):  # names are digests (baocao.images)
                raise DocumentError(f"Tên tệp ảnh không hợp lệ: {name}")
            Path(root, name).write_bytes(data)
        try:
            # (the stub's TypeVar wants `input` and `root` of one type; bytes + str is valid)
            pdf, warnings = typst.compile_with_warnings(  # type: ignore[call-overload]
                source.encode("utf-8"),
                root=root,
                font_paths=fonts,
                ignore_system_fonts=True,
                format="pdf",
                timestamp=timestamp,
            )
        except typst.TypstError as exc:
            bad = _failing_svg(images or {}, fonts)
            if bad is not None:  # an SVG that the check let through but typst refuses
                raise _svg_failed((shown or {}).get(bad, bad), "trong bản PDF") from exc
            raise DocumentError(f"{_FAILED} {_format_diagnostic(exc)}") from exc
        except RuntimeError as exc:  # older typst-py versions raise plain RuntimeError
            raise DocumentError(f"{_FAILED} {exc}") from exc
    if not isinstance(pdf, bytes):  # pragma: no cover - format="pdf" always gives bytes
        raise DocumentError("typst không trả về tệp PDF.")
    return TypstResult(pdf=quiet_mark_info(pdf),
                       warnings=tuple(_format_diagnostic(w) for w in warnings))


def write_pdf(pandoc_input: str, out: Path, *, templates: Path, epoch: int | None = None) -> None:
    """Build the official PDF of one report and write it to ``out``.

    Arguments:
        pandoc_input: the document (Markdown with YAML metadata, ``docs/dev/official-input.md``).
        out: where to write the PDF; written atomically (a temporary file, then a rename).
        templates: the project's ``templates/`` folder.
        epoch: SOURCE_DATE_EPOCH for the build (default: the environment, else baocao's default).

    Raises:
        PandocError: pandoc failed; DocumentError (a PandocError) when typst failed. Both carry
            a Vietnamese message.
    """
    source = render_typst_source(pandoc_input, templates=templates, epoch=epoch)
    write_pdf_from_typst(source, out, templates=templates, epoch=epoch,
                         images=bundle_images(pandoc_input),
                         shown=bundle_image_targets(pandoc_input))


def write_pdf_from_typst(source: str, out: Path, *, templates: Path, epoch: int | None = None,
                         images: dict[str, bytes] | None = None,
                         shown: dict[str, str] | None = None) -> None:
    """Compile typst ``source`` (from :func:`render_typst_source`, or from the same pandoc run as
    the DOCX, :func:`baocao.write.docx.build_docx`) and write the PDF to ``out`` atomically.

    Raises:
        DocumentError: typst failed (the message is Vietnamese).
    """
    result = compile_typst(source, templates=templates, epoch=epoch, images=images, shown=shown)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(result.pdf)
        os.chmod(tmp_name, 0o644)  # mkstemp creates 0600; the PDF is published
        os.replace(tmp_name, out)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
