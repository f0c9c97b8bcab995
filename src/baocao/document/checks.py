"""What ``check`` finds in the one parse: constructs an official document cannot show.

A body is read by the same reader as every output (:func:`.parse.parse_bodies`) and its tree is
inspected: raw HTML (E503), links and images that leave the repository or carry a script, and
attributes on a link (E504), image files that cannot be shown (E508) or SVGs that could run or
fetch something (E509, :mod:`baocao.images`), an image that is not a figure of its own, has no
caption or an attribute other than its width (E510),
footnotes defined but never referred to, defined twice, or referred to but never defined (E505),
code blocks and headings inside a section body, and block quotes and lists nested deeper than
:data:`MAX_NESTING` levels (E506); runs of "[", "<" or "`" that pandoc's
reader would take minutes over are refused before reading (E507). pandoc's tree has no positions, so each
finding is placed by finding its text in the body, in order.

Only bodies that contain a character one of these constructs needs are parsed (:func:`needs_parse`):
the rest read as plain paragraphs and lists, and ``check`` stays fast on a large archive.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..images import ImageFile, ImageRefused
from .parse import Block, Parsed, parse_bodies, stringify, walk

#: Reads and checks the image a body names: (target, report folder, repository root).
ImageReader = Callable[[str, str, str], ImageFile]

#: A body needs the parse if it has one of these: "<" (raw HTML, autolinks), "[" (links, images,
#: notes), "`"/"~" (code), "#" or a rule line (headings), a line indented like code, a ">"
#: (block quote) or a second list marker at the start of a line, or an indentation of two steps
#: or more (a list three levels deep): the last three are where nesting could exceed the limit.
_SUSPECT = re.compile(
    r"[<\[`~]|^[ \t]*#|^[ \t]*(?:=+|-{2,})[ \t]*$|^(?: {4}|\t)[ \t]*(?![-+*][ \t])\S"
    r"|^[ \t]*(?:[-+*][ \t]+)*>|^[ \t]*[-+*][ \t]+[-+*][ \t]|^(?: {0,3}\t| {4}){2}", re.M)

#: Deepest nesting of block quotes and lists together that the documents lay out (ND30 reports
#: use "-" items and "+" sub-items; typst fails on very deep nesting at a generated line).
MAX_NESTING = 4
_NESTING = ("BlockQuote", "BulletList", "OrderedList")


#: pandoc's Markdown reader slows down with the square of some runs that no report contains
#: (measured on pandoc 3.9: 4 000 unclosed "[" take 16 s, 12 000 "<" 12 s): a body past these
#: limits is refused before it is read.
MAX_OPEN_BRACKETS = 64
MAX_ANGLE = 500
MAX_BACKTICKS = 500


def hostile(body: str) -> tuple[int, int, str] | None:
    """(0-based line, column, message) of the first run pandoc could not read in reasonable
    time, or None. Linear in the length of *body*."""
    if "[" in body:
        depth = 0
        for m in re.finditer(r"[\[\]]", body):
            depth = depth + 1 if m.group() == "[" else max(0, depth - 1)
            if depth > MAX_OPEN_BRACKETS:
                return (*_line_col(body, m.start()),
                        f"có hơn {MAX_OPEN_BRACKETS} dấu \"[\" chưa đóng liền nhau; công cụ không "
                        "đọc được đoạn này, hãy kiểm tra lại văn bản (thường do dán nhầm)")
    for char, limit in (("<", MAX_ANGLE), ("`", MAX_BACKTICKS)):
        if body.count(char) > limit:
            at = [m.start() for m in re.finditer(re.escape(char), body)][limit]
            return (*_line_col(body, at),
                    f"mục có hơn {limit} ký tự \"{char}\"; công cụ không đọc được nội dung như "
                    "vậy, hãy kiểm tra lại văn bản (thường do dán nhầm)")
    return None


def _line_col(body: str, pos: int) -> tuple[int, int]:
    return body.count("\n", 0, pos), pos - (body.rfind("\n", 0, pos) + 1)


#: A "<" that can start neither raw HTML nor a link other than an http(s) autolink: a comparison
#: ("a < b", "<5%") or a plain web address in angle brackets, which reads as a safe link.
_HARMLESS_ANGLE = re.compile(r"<(?:[\s\d=<]|https?://[^\s<>\"'`]*>)")


def needs_parse(body: str) -> bool:
    """Whether *body* holds anything the parse could refuse (cheap, conservative)."""
    if "<" in body and len(_HARMLESS_ANGLE.findall(body)) != body.count("<"):
        return True
    return bool(_SUSPECT.search(body.replace("<", " ")))


@dataclass(frozen=True)
class BodyCheck:
    """A section body to inspect: its file (*rel*), the file line where the body starts, and for
    link targets the folder of the file and the repository root."""

    rel: str
    body: str
    body_line: int
    folder: str
    root: str
    #: The report folder, repository-relative (where the body's images must lie).
    report_folder: str = ""


#: (rel, line, col, code, message) for Problems.add
Finding = tuple[str, int, int, str, str]


class _Locator:
    """Finds successive texts in a body: each search starts after the last one found."""

    def __init__(self, body: str) -> None:
        self.body = body
        self.at = 0

    def find(self, *needles: str) -> tuple[int, int] | None:
        """0-based line and column of the first of *needles* found after the last finding
        (None if none is there)."""
        for needle in needles:
            pos = self.body.find(needle, self.at) if needle else -1
            end = pos + len(needle)
            if pos < 0 and needle.split():
                # pandoc hands back some texts with their line breaks and indents folded (a
                # tag written over two lines): the same words with any white space between.
                m = re.compile(r"\s+".join(map(re.escape, needle.split()))).search(self.body, self.at)
                pos, end = (m.start(), m.end()) if m else (-1, -1)
            if pos >= 0:
                self.at = end
                line = self.body.count("\n", 0, pos)
                return line, pos - (self.body.rfind("\n", 0, pos) + 1)
        return None


def _first_line(text: str) -> str:
    for line in text.split("\n"):
        if line.strip():
            return line.strip()
    return ""


#: An image's width: a share of the text width, or centimetres.
_WIDTH = re.compile(r"^(?P<value>\d{1,3}(?:\.\d{1,2})?)(?P<unit>%|cm)$")
#: Widest image: the text width of the documents' portrait pages (16.5 cm).
MAX_WIDTH_CM = 16.5


def plain_link_attr(attr: Any) -> bool:
    """A link without attributes of the editor's: none, or the class pandoc's reader gives an
    autolink (``<https://…>``: "uri", ``<a@b.vn>``: "email")."""
    ident, classes, pairs = attr
    return not ident and not pairs and set(classes) <= {"uri", "email"}


def width_problem(attr: Any) -> str | None:
    """Why an image's attributes are refused (E510), or None: only ``width=N%`` (1-100) or
    ``width=Ncm`` (up to :data:`MAX_WIDTH_CM`)."""
    ident, classes, pairs = attr
    extra = ([f"#{ident}"] if ident else []) + [f".{c}" for c in classes] + [
        k for k, _ in pairs if k != "width"]
    if extra:
        return (f"ảnh chỉ nhận thuộc tính width (ví dụ {{width=60%}}), không nhận "
                f"{', '.join(extra[:3])}")
    for _, value in pairs:
        m = _WIDTH.match(value.strip())
        number = float(m.group("value")) if m else 0.0
        if m is None or number <= 0 or (m.group("unit") == "%" and number > 100) or (
                m.group("unit") == "cm" and number > MAX_WIDTH_CM):
            return (f"độ rộng ảnh \"{value}\" không hợp lệ: ghi phần trăm bề rộng dòng chữ "
                    f"(1% đến 100%, ví dụ width=60%) hoặc xăng-ti-mét (tối đa "
                    f"{str(MAX_WIDTH_CM).replace('.', ',')} cm, ví dụ width=8cm)")
    return None


def findings(item: BodyCheck, parsed: Parsed,
             target_problem: Callable[[str, bool, str, str], str | None],
             image_reader: ImageReader | None = None,
             images: list[ImageFile] | None = None) -> list[Finding]:
    """The problems of one parsed body, each with its file position; the images it shows,
    read and checked by *image_reader*, are appended to *images*."""
    out: list[Finding] = []
    loc = _Locator(item.body)
    in_figure: set[int] = set()

    def add(found: tuple[int, int] | None, code: str, message: str) -> None:
        line, col = found if found is not None else (0, 0)
        out.append((item.rel, item.body_line + line, col + 1, code, message))

    for el in walk(parsed.blocks):
        t: Any = el["t"]
        c: Any = el.get("c")
        if t == "RawBlock":
            add(loc.find(_first_line(c[1])), "E503",
                "không được chèn mã HTML vào nội dung; hãy viết bằng Markdown")
        elif t == "RawInline":
            add(loc.find(c[1]), "E503",
                f"không được chèn mã HTML ({' '.join(c[1].split())[:30]}) vào nội dung")
        elif t == "Figure":
            in_figure.update(id(x) for x in walk(c[2]) if x["t"] == "Image")
        elif t in ("Link", "Image"):
            url = c[2][0]
            image = t == "Image"
            raw = url if "://" in url or ":" not in url else url.split(":", 1)[0] + ":"
            label = stringify(c[1])
            why = target_problem(url, image, item.folder, item.root)
            where = None
            if why is not None:
                where = loc.find(raw, f"[{label}]" if label else "", url.split(":", 1)[0])
                add(where, "E504", why)
                continue
            if not image:
                if not plain_link_attr(c[0]):
                    add(loc.find(f"[{label}]" if label else raw, raw), "E504",
                        "liên kết không nhận thuộc tính {…} (như {.lop} hay {onclick=…}); hãy "
                        "bỏ phần {…} sau liên kết")
                continue
            caption_at = loc.find(f"[{label}]") if label else None
            where = loc.find(raw) or caption_at
            why = width_problem(c[0])
            if why is None and not label.strip():
                why = ("ảnh chưa có chú thích: ghi chú thích trong ngoặc vuông, ví dụ "
                       "![Hình 1. Tên hình](hinh/a.png); chú thích in dưới ảnh")
            if why is None and id(el) not in in_figure:
                why = ("ảnh phải đứng riêng một đoạn (một dòng riêng, có dòng trống trước và "
                       "sau), chú thích viết trong ngoặc vuông: ![Hình 1. Tên hình](hinh/a.png)")
            if why is not None:
                add(where, "E510", why)
                continue
            if image_reader is not None:
                try:
                    found = image_reader(url, item.report_folder, item.root)
                except ImageRefused as err:
                    add(where, err.code, err.message)
                    continue
                if images is not None:
                    # the caption's place (where its number is written), for the numbering check
                    line, col = (caption_at or where or (0, 0))
                    col += 1 if caption_at else 0
                    images.append(replace(
                        found, caption=label, line=item.body_line + line, col=col + 1,
                        shown_width=str(dict(c[0][2]).get("width", "")).strip()))
        elif t == "Str" and "[^" in c:
            label = c[c.index("[^"):].split("]", 1)[0] + "]"
            add(loc.find(label), "E505",
                f"chú thích {label} chưa có nội dung: thêm một dòng \"{label}: nội dung chú "
                "thích\" ở cuối mục, hoặc bỏ dấu chú thích")
        elif t == "CodeBlock":
            add(loc.find(_first_line(c[1])), "E506",
                "dòng này bị hiểu là khối mã (thụt lề từ 4 dấu cách hoặc nằm giữa hai dòng ``` / "
                "~~~), văn bản hành chính không có khối mã; bỏ thụt lề, hoặc đặt nó dưới một ý "
                "\"- \" nếu là ý con")
        elif t == "Header":
            add(loc.find(_first_line(stringify(c[2]))), "E506",
                "không đặt đề mục (dòng bắt đầu bằng #, hoặc dòng chữ có dòng === / --- ngay "
                "dưới) trong nội dung mục: đề mục do công cụ tạo từ trường number và title; "
                "hãy viết thành đoạn văn, hoặc tách thành một mục riêng")
    out.extend(_nesting_findings(item, parsed.blocks))
    for note in parsed.notes:
        line, col = note.line - 1, note.col - 1
        if note.kind == "unused":
            message = (f"chú thích [^{note.label}] có nội dung nhưng không được dẫn ở đâu trong "
                       f"mục (văn bản sẽ bỏ mất nó); thêm [^{note.label}] vào chỗ cần chú thích "
                       "hoặc xóa dòng này")
        else:
            message = (f"chú thích [^{note.label}] được viết nội dung hai lần; mỗi chú thích "
                       "chỉ có một dòng nội dung")
        out.append((item.rel, item.body_line + line, col + 1, "E505", message))
    return out


def _depth(node: Any) -> int:
    """How deep block quotes and lists nest inside *node* (itself included)."""
    best = 0
    stack: list[tuple[Any, int]] = [(node, 0)]
    while stack:  # iterative: a hostile body may nest deeper than Python's recursion limit
        cur, depth = stack.pop()
        if isinstance(cur, dict):
            if cur.get("t") in _NESTING:
                depth += 1
                best = max(best, depth)
            stack.extend((v, depth) for v in cur.values())
        elif isinstance(cur, list):
            stack.extend((v, depth) for v in cur)
    return best


def _first_text(node: Any) -> list[str]:
    """Texts to find the first line of *node* by: the first line of its first paragraph, then
    that line's first word."""
    para = next((el for el in walk(node) if el["t"] in ("Para", "Plain")), None)
    words: list[str] = []
    for el in walk(para["c"] if para is not None else []):
        t = el["t"]
        if t == "Str":
            words.append(el["c"])
        elif t == "Space" and words:
            words.append(" ")
        elif t in ("SoftBreak", "LineBreak") and words:
            break
    return ["".join(words).strip(), words[0]] if words else []


def _nesting_findings(item: BodyCheck, blocks: list[Block]) -> list[Finding]:
    """E506 for each block nested deeper than :data:`MAX_NESTING`, at the line of its text."""
    out: list[Finding] = []
    loc = _Locator(item.body)

    def visit(node: Any, depth: int) -> None:
        if isinstance(node, list):
            for value in node:
                visit(value, depth)
            return
        if not isinstance(node, dict):
            return
        if node.get("t") in _NESTING:
            depth += 1
            if depth > MAX_NESTING:
                found = loc.find(*_first_text(node))
                line, col = found if found is not None else (0, 0)
                out.append((item.rel, item.body_line + line, col + 1, "E506",
                            f"khối trích dẫn và danh sách lồng nhau quá {MAX_NESTING} cấp (ở đây "
                            f"{depth - 1 + _depth(node)} cấp); văn bản hành chính chỉ dùng ý "
                            "\"- \" và ý con \"+ \", hãy bớt cấp lồng"))
                return  # one finding for the whole too-deep block
        for value in node.values():
            visit(value, depth)

    visit(blocks, 0)
    return out


def check_bodies(items: Sequence[BodyCheck],
                 target_problem: Callable[[str, bool, str, str], str | None],
                 image_reader: ImageReader | None = None,
                 images: dict[str, list[ImageFile]] | None = None) -> list[Finding]:
    """Problems of every body of *items* that :func:`needs_parse`, all read in one batch; the
    images of each body (read by *image_reader*) go to *images* under the body's file."""
    out: list[Finding] = []
    todo = []
    for item in items:
        found = hostile(item.body)
        if found is not None:
            line, col, message = found
            out.append((item.rel, item.body_line + line, col + 1, "E507", message))
        elif needs_parse(item.body):
            todo.append(item)
    for item, parsed in zip(todo, parse_bodies([i.body for i in todo]), strict=True):
        shown: list[ImageFile] = []
        out.extend(findings(item, parsed, target_problem, image_reader, shown))
        if shown and images is not None:
            images.setdefault(item.rel, []).extend(shown)
    return out
