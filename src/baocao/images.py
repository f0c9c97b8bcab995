"""The images of a report: which files a section body may show, read and checked once.

An image is part of a report's content (DESIGN decisions 13 and 14), so it crosses the same door
as the text: its path is relative to the section file and must lie inside the report's own folder
(``content/<yyyy>/<mm>/``, or a folder below it); it is read by
:func:`baocao.repofiles.read_repo_bytes`
(no symbolic link anywhere on the way, a regular file, bounded size); its type is found from its
content (and the name must agree); and an SVG, which is a program for the reader's browser as much as a
picture, is accepted only when it holds shapes and text: no script, no event handler, no
``foreignObject``, no reference to anything but its own ``#fragments``, no DOCTYPE or entity.

What is refused raises :class:`ImageRefused`, whose code is E508 (the file: missing, outside the
folder, not a PNG/JPEG/SVG, too large) or E509 (an SVG that could run or fetch something).

The checked image (:class:`ImageFile`) travels in the model with its section: the official
documents embed its bytes, the site copies them next to the page, the issued-report lock digests
them, and the build's change detection reads the report folder's files (``repofiles``).
"""

from __future__ import annotations

import errno
import hashlib
import io
import posixpath
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

from . import repofiles
from .errors import ReadError
from .repofiles import RefusedFile, shown_target

#: Largest image file (a chart or a photograph of an event, reduced for a report).
MAX_IMAGE_BYTES = 2 * 1024 * 1024
#: Largest image in pixels (width x height): 4000 x 3000 and the like; a larger one is a
#: camera original that would make each document several megabytes heavier.
MAX_IMAGE_PIXELS = 12_000_000
#: Longest side in pixels.
MAX_IMAGE_SIDE = 6000
#: SVG: deepest element nesting and most elements (a hand-drawn or generated chart has hundreds).
MAX_SVG_ELEMENTS = 20_000

KINDS = {"png": "image/png", "jpeg": "image/jpeg", "svg": "image/svg+xml"}
_EXT = {"png": "png", "jpeg": "jpg", "svg": "svg"}
#: The file name endings each kind may have (checked after the content decided the kind).
_SUFFIXES = {"png": (".png",), "jpeg": (".jpg", ".jpeg"), "svg": (".svg",)}


class ImageRefused(ReadError):
    """An image a body may not show: *code* E508 (the file) or E509 (an unsafe SVG)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


@dataclass(frozen=True)
class ImageFile:
    """A checked image of a section body.

    ``target`` is the path as the body writes it (pandoc's reading of it), ``rel`` the repository
    path it names, ``kind`` "png", "jpeg" or "svg", ``width``/``height`` its size in pixels (an
    SVG's from its width/height or viewBox), ``sha256`` the digest of its bytes (``data``)."""

    target: str
    rel: str
    kind: str
    width: int
    height: int
    sha256: str
    data: bytes = field(repr=False, compare=False)
    #: The caption as the body writes it, and where the image stands (file line and column):
    #: the report-wide figure numbering check reads them (baocao.load).
    caption: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)
    col: int = field(default=0, compare=False)
    #: The ``{width=…}`` the body gives it ("" for none): the DOCX's PNG of an SVG is drawn
    #: for the width it is printed at.
    shown_width: str = field(default="", compare=False)

    @property
    def name(self) -> str:
        """The image's file name inside the documents and the site: its digest, so two
        images never share a name and the same image is stored once."""
        return f"{self.sha256[:20]}.{_EXT[self.kind]}"

    @property
    def mime(self) -> str:
        return KINDS[self.kind]


def image_rel(folder_rel: str, target: str) -> str:
    """The repository path of *target*, written in a section file of *folder_rel* (a report
    folder), or raise E508 when it leaves that folder."""
    path = unquote(target.split("#", 1)[0].split("?", 1)[0]).replace("\\", "/").strip()
    shown = shown_target(target)
    if not path or path.startswith("/") or re.match(r"^[A-Za-z]:", path):
        raise ImageRefused("E508", f"ảnh \"{shown}\": hãy ghi đường dẫn tương đối tới tệp ảnh "
                           "trong thư mục báo cáo, ví dụ hinh/bieu-do.png")
    rel = posixpath.normpath(posixpath.join(folder_rel, path))
    if not rel.startswith(folder_rel.rstrip("/") + "/"):
        raise ImageRefused("E508", f"ảnh \"{shown}\" nằm ngoài thư mục của báo cáo "
                           f"({folder_rel}/); hãy chép ảnh vào thư mục này (ví dụ "
                           f"{folder_rel}/hinh/) và ghi đường dẫn tương đối")
    # the build's change detection lists a report folder's files this deep (repofiles): an
    # image below would be read but its changes never seen (a stale site)
    if rel[len(folder_rel.rstrip("/")) + 1:].count("/") > repofiles.ASSET_DEPTH:
        raise ImageRefused("E508", f"ảnh \"{shown}\" nằm quá sâu trong thư mục của báo cáo "
                           f"(tối đa {repofiles.ASSET_DEPTH} tầng thư mục); hãy chép ảnh lên gần "
                           f"hơn, ví dụ {folder_rel}/hinh/")
    return rel


def _os_reason(err: OSError) -> str:
    """Why a file could not be read, in Vietnamese (never the system's English text)."""
    if err.errno in (errno.EACCES, errno.EPERM):
        return "không có quyền đọc tệp"
    if err.errno == errno.ELOOP:
        return "đường dẫn có liên kết tượng trưng"
    if err.errno == errno.ENAMETOOLONG:
        return "tên tệp quá dài"
    return f"lỗi hệ thống (mã {err.errno})" if err.errno else "lỗi hệ thống"


def read_image(root: Path, folder_rel: str, target: str) -> ImageFile:
    """The image *target* of a section file of the report folder *folder_rel*, read and
    checked; raises :class:`ImageRefused`."""
    rel = image_rel(folder_rel, target)
    shown = shown_target(target)
    try:
        data = repofiles.read_repo_bytes(root, rel, MAX_IMAGE_BYTES, noun="tệp ảnh")
    except RefusedFile as err:
        if err.code == "E102":
            raise ImageRefused("E508", f"tệp ảnh \"{shown}\" quá lớn (tối đa "
                               f"{MAX_IMAGE_BYTES // 1024 // 1024} MB); hãy thu nhỏ ảnh") from err
        raise ImageRefused("E508", f"ảnh \"{shown}\": {err.reason}") from err
    except (FileNotFoundError, NotADirectoryError) as err:
        raise ImageRefused("E508", f"không có tệp ảnh \"{shown}\" ({rel}); hãy kiểm tra tên "
                           "tệp và thư mục (phân biệt chữ hoa, chữ thường)") from err
    except IsADirectoryError as err:
        raise ImageRefused("E508", f"\"{shown}\" ({rel}) là thư mục, không phải tệp ảnh; hãy "
                           "ghi đường dẫn tới chính tệp ảnh, ví dụ hinh/bieu-do.png") from err
    except OSError as err:
        raise ImageRefused("E508", f"không đọc được tệp ảnh \"{shown}\" ({rel}): "
                           f"{_os_reason(err)}") from err
    kind, width, height, data = _identify(data, shown)
    suffix = posixpath.splitext(rel)[1].lower()
    if suffix not in _SUFFIXES[kind]:
        # the site serves the file by its name: a PNG named .html or .md must not pass
        raise ImageRefused("E508", f"tệp \"{shown}\" là ảnh {kind.upper()} nhưng tên có đuôi "
                           f"\"{suffix or '(không có)'}\"; hãy đổi tên thành "
                           f"…{_SUFFIXES[kind][0]}")
    return ImageFile(target, rel, kind, width, height, hashlib.sha256(data).hexdigest(), data)


def identify(data: bytes, shown: str) -> tuple[str, int, int]:
    """(kind, width, height) of an image's bytes, judged by their content; E508/E509."""
    return _identify(data, shown)[:3]


def _identify(data: bytes, shown: str) -> tuple[str, int, int, bytes]:
    """:func:`identify`, and the bytes to publish: a raster file's own, an SVG's checked tree
    written again (:func:`checked_svg`; parsed once)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff"):
        return (*_raster(data, shown), data)
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<?xml") or head.startswith(b"<svg") or head.startswith(b"<!--") \
            or head.startswith(b"<!doctype"):
        root = _svg_tree(data, shown)
        return ("svg", *_svg_size(root, shown), etree.tostring(root, encoding="UTF-8"))
    raise ImageRefused("E508", f"tệp \"{shown}\" không phải ảnh PNG, JPEG hay SVG (xét theo nội "
                       "dung tệp, không theo đuôi tên); hãy lưu lại ảnh ở một trong ba dạng này")


def _raster(data: bytes, shown: str) -> tuple[str, int, int]:
    from PIL import Image, UnidentifiedImageError  # noqa: PLC0415 - only when a body has images

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=("PNG", "JPEG")) as img:
                kind = "png" if img.format == "PNG" else "jpeg"
                width, height = img.size
                if width > MAX_IMAGE_SIDE or height > MAX_IMAGE_SIDE \
                        or width * height > MAX_IMAGE_PIXELS:
                    raise ImageRefused(
                        "E508", f"ảnh \"{shown}\" quá lớn ({width} × {height} điểm ảnh; tối đa "
                        f"{MAX_IMAGE_SIDE} điểm mỗi chiều và {MAX_IMAGE_PIXELS // 1_000_000} triệu "
                        "điểm ảnh); hãy thu nhỏ ảnh")
                img.load()  # the whole image decodes: not a truncated or damaged file
    except ImageRefused:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError,
            Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
        raise ImageRefused("E508", f"tệp ảnh \"{shown}\" bị hỏng hoặc không đọc được "
                           f"({type(err).__name__}); hãy lưu lại ảnh") from err
    if width < 1 or height < 1:
        raise ImageRefused("E508", f"ảnh \"{shown}\" không có kích thước")
    return kind, width, height


# --------------------------------------------------------------------------------------------
# SVG: untrusted text

_SVG_NS = "http://www.w3.org/2000/svg"
_XLINK = "{http://www.w3.org/1999/xlink}href"
#: Elements that run, embed or fetch something, refused wherever they are.
_SVG_REFUSED = {"script", "foreignobject", "iframe", "object", "embed", "handler", "listener",
                "audio", "video", "animate", "set", "animatemotion", "animatetransform",
                "discard", "image", "feimage", "a"}
_URL_REF = re.compile(r"url\(\s*['\"]?\s*([^)'\"\s]*)", re.I)
_NUMBER = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*(px)?\s*$")


def _svg_refuse(shown: str, what: str) -> ImageRefused:
    return ImageRefused("E509", f"ảnh SVG \"{shown}\" {what}; ảnh SVG chỉ được chứa hình và chữ "
                        "(không mã lệnh, không nội dung nhúng, không dẫn tới tệp hay trang khác)")


def _local_ref(value: str) -> bool:
    """A reference that stays inside the SVG: empty or "#fragment"."""
    value = value.strip()
    return value == "" or (value.startswith("#") and "(" not in value)


def svg_size(data: bytes, shown: str) -> tuple[int, int]:
    """The size in pixels of a safe SVG (:func:`svg_problem` first), or E509/E508."""
    return _svg_size(_svg_tree(data, shown), shown)


def _svg_size(root: etree._Element, shown: str) -> tuple[int, int]:
    width, height = (_length(root.get(k)) for k in ("width", "height"))
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if (width is None or height is None) and len(box) == 4:
        try:
            bw, bh = float(box[2]), float(box[3])
        except ValueError:
            bw = bh = 0.0
        if bw > 0 and bh > 0:
            if width is None and height is None:
                width, height = bw, bh
            elif width is None and height is not None:
                width = height * bw / bh
            elif height is None and width is not None:
                height = width * bh / bw
    if not width or not height:
        raise ImageRefused("E508", f"ảnh SVG \"{shown}\" không ghi kích thước: hãy ghi width và "
                           "height (số điểm ảnh) hoặc viewBox ở thẻ <svg>")
    w, h = round(width), round(height)
    if w < 1 or h < 1 or w > MAX_IMAGE_SIDE or h > MAX_IMAGE_SIDE:
        raise ImageRefused("E508", f"ảnh SVG \"{shown}\" có kích thước không hợp lệ ({w} × {h}); "
                           f"mỗi chiều từ 1 đến {MAX_IMAGE_SIDE}")
    return w, h


def _length(value: str | None) -> float | None:
    if value is None:
        return None
    m = _NUMBER.match(value)
    return float(m.group(1)) if m else None


def _svg_tree(data: bytes, shown: str) -> etree._Element:
    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        raise _svg_refuse(shown, "có khai báo DOCTYPE hoặc ENTITY")
    # processing instructions are kept to be refused (<?xml-stylesheet?> runs XSLT or fetches
    # CSS when the file is opened by itself); the XML declaration is not one
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True, remove_pis=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as err:
        raise ImageRefused("E508", f"tệp SVG \"{shown}\" không đọc được (XML sai: "
                           f"{err.msg})") from err
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None:
        raise _svg_refuse(shown, "có khai báo DOCTYPE hoặc ENTITY")
    for pi in (*root.itersiblings(preceding=True), *root.itersiblings(), *root.iter(etree.PI)):
        if isinstance(pi, etree._ProcessingInstruction):
            raise _svg_refuse(shown, f"có chỉ thị xử lý <?{pi.target} …?>")
    if root.tag != f"{{{_SVG_NS}}}svg":
        raise ImageRefused("E508", f"tệp \"{shown}\" không phải ảnh SVG (thẻ gốc phải là <svg> "
                           f"với xmlns=\"{_SVG_NS}\")")
    count = 0
    for el in root.iter():
        count += 1
        if count > MAX_SVG_ELEMENTS:
            raise ImageRefused("E508", f"ảnh SVG \"{shown}\" có hơn {MAX_SVG_ELEMENTS} phần tử")
        if not isinstance(el.tag, str):
            continue
        local = etree.QName(el).localname.lower()
        if local in _SVG_REFUSED:
            raise _svg_refuse(shown, f"có thẻ <{etree.QName(el).localname}>")
        if etree.QName(el).namespace not in (_SVG_NS, None):
            raise _svg_refuse(shown, f"có thẻ lạ <{etree.QName(el).localname}> (không thuộc SVG)")
        if local == "style":
            if len(el):
                raise _svg_refuse(shown, "có thẻ <style> chứa thẻ khác")
            _check_stylesheet(el.text or "", shown)
        for key, value in el.attrib.items():
            name = etree.QName(key).localname.lower()
            if name.startswith("on"):
                raise _svg_refuse(shown, f"có thuộc tính xử lý sự kiện {name}=\"…\"")
            if (name == "href" or key == _XLINK) and not _local_ref(value):
                raise _svg_refuse(shown, f"dẫn tới \"{shown_target(value)}\" (chỉ được dẫn "
                                  "tới phần tử trong chính ảnh, dạng #ten)")
            if name == "style":
                _check_declarations(value, shown)
            elif "\\" in value or _external_urls(value) or _unsafe_function(value):
                raise _svg_refuse(shown, f"có thuộc tính {name} dẫn tới tệp bên ngoài hoặc ghi "
                                  "hàm, ký tự \\ không được phép")
    _check_expansion(root, shown)
    return root


def checked_svg(data: bytes, shown: str = "ảnh") -> bytes:
    """The bytes of an SVG as the site and the documents get them: the checked tree written
    again (UTF-8, no XML declaration, comments dropped), so nothing the check did not look at
    reaches a reader. Deterministic: the same file gives the same bytes."""
    return etree.tostring(_svg_tree(data, shown), encoding="UTF-8")


# CSS: an allow-list. A style attribute or <style> element holds only declarations
# "name: value" whose value is made of plain words, numbers, colours, quoted font names,
# rgb()/rgba() of numbers and url(#fragment): no backslash (CSS escapes), no at-rule (@import),
# no comment, no other function (image-set(), src(), …), whatever their case.
_CSS_VALUE_PART = re.compile(
    r"\s*(?:rgba?\(\s*[0-9.,%\s]*\)|url\(\s*#[A-Za-z0-9_.:-]+\s*\)"
    r"|\"[A-Za-z0-9 ,._-]*\"|'[A-Za-z0-9 ,._-]*'|[A-Za-z0-9#.,%_-]+)\s*")
_CSS_PROPERTY = re.compile(r"\s*-?[A-Za-z][A-Za-z0-9-]*\s*")
_CSS_SELECTOR = re.compile(r"[A-Za-z0-9_.#,\s>*+~:-]+")
_CSS_RULE = re.compile(r"\s*([^{}]*)\{([^{}]*)\}\s*")


def _css_value_ok(value: str) -> bool:
    pos = 0
    while pos < len(value):
        m = _CSS_VALUE_PART.match(value, pos)
        if m is None or m.end() == pos:
            return False
        pos = m.end()
    return True


def _css_refuse(shown: str, text: str) -> ImageRefused:
    text = " ".join(text.split())
    return _svg_refuse(shown, f"có CSS không được phép (\"{shown_target(text)}\"); CSS trong "
                       "ảnh chỉ được ghi thuộc tính: giá trị đơn giản (ví dụ fill: #1f4e79; "
                       "font-weight: bold), không @import, không url(…) ra ngoài, không hàm, "
                       "không ký tự \\")


def _check_declarations(text: str, shown: str) -> None:
    """E509 unless *text* is a list of simple declarations (a style attribute's value)."""
    for decl in text.split(";"):
        if not decl.strip():
            continue
        name, colon, value = decl.partition(":")
        if not colon or not _CSS_PROPERTY.fullmatch(name) or not value.strip() \
                or not _css_value_ok(value):
            raise _css_refuse(shown, decl)


def _check_stylesheet(text: str, shown: str) -> None:
    """E509 unless *text* (a <style> element) is rules "selectors { declarations }" only."""
    pos = 0
    while pos < len(text):
        if not text[pos:].strip():
            return
        m = _CSS_RULE.match(text, pos)
        if m is None or not _CSS_SELECTOR.fullmatch(m.group(1)):
            raise _css_refuse(shown, text[pos:pos + 60])
        _check_declarations(m.group(2), shown)
        pos = m.end()


#: Functions an attribute (not CSS) may write: colours and transforms.
_ATTR_FUNCTIONS = {"rgb", "rgba", "hsl", "hsla", "url", "translate", "rotate", "scale",
                   "matrix", "skewx", "skewy"}
_FUNCTION = re.compile(r"([A-Za-z_-][A-Za-z0-9_-]*)\s*\(")


def _unsafe_function(value: str) -> bool:
    return any(m.lower() not in _ATTR_FUNCTIONS for m in _FUNCTION.findall(value))


#: Most elements an SVG may draw once its <use> (and other #references) are expanded.
MAX_SVG_EXPANDED = MAX_SVG_ELEMENTS
_REF = re.compile(r"url\(\s*['\"]?\s*#([^)'\"\s]+)", re.I)


def _check_expansion(root: etree._Element, shown: str) -> None:
    """E509 when the SVG's references (<use href="#…">, url(#…)) expand it to more than
    :data:`MAX_SVG_EXPANDED` elements, or refer to themselves: a few bytes of nested <use>
    would make the documents' SVG reader give up (or run out of memory)."""
    ids: dict[str, etree._Element] = {}
    for el in root.iter():
        if isinstance(el.tag, str) and el.get("id") is not None:
            ids.setdefault(el.get("id", ""), el)

    def deps(el: etree._Element) -> list[etree._Element]:
        out = [c for c in el if isinstance(c.tag, str)]
        for key, value in el.attrib.items():
            if etree.QName(key).localname == "href" and value.strip().startswith("#"):
                out += [ids[value.strip()[1:]]] if value.strip()[1:] in ids else []
            out += [ids[r] for r in _REF.findall(value) if r in ids]
        return out

    size: dict[etree._Element, int] = {}
    busy: set[etree._Element] = set()
    stack: list[tuple[etree._Element, list[etree._Element]]] = [(root, deps(root))]
    busy.add(root)
    while stack:
        el, todo = stack[-1]
        while todo and todo[-1] in size:
            todo.pop()
        if todo:
            nxt = todo.pop()
            if nxt in busy:
                raise _svg_refuse(shown, "có thẻ <use> (hoặc url(#…)) dẫn vòng về chính nó")
            todo.append(nxt)  # counted once its size is known
            busy.add(nxt)
            stack.append((nxt, deps(nxt)))
            continue
        stack.pop()
        busy.discard(el)
        total = 1 + sum(size[d] for d in deps(el))
        if total > MAX_SVG_EXPANDED:
            raise _svg_refuse(shown, f"có thẻ <use> lồng nhau, bung ra hơn {MAX_SVG_EXPANDED} "
                              "phần tử khi vẽ")
        size[el] = total


def _external_urls(text: str) -> bool:
    return any(not _local_ref(m) for m in _URL_REF.findall(text))


def svg_text(data: bytes) -> str:
    """The text an SVG (already checked) shows, for the font coverage warning (W503)."""
    try:
        root = _svg_tree(data, "ảnh")
    except ImageRefused:
        return ""
    return " ".join(t for el in root.iter() if isinstance(el.tag, str)
                    and etree.QName(el).localname in ("text", "tspan", "textPath")
                    for t in (el.text, el.tail) if t)


def svg_problem(data: bytes, shown: str = "ảnh") -> str | None:
    """Why an SVG is refused, or None (for tests and tools)."""
    try:
        svg_size(data, shown)
    except ImageRefused as err:
        return err.message
    return None
