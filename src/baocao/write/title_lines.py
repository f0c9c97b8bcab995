"""Line breaks of the official documents' titles: Phần, Mục and khoản headings, Phụ lục titles.

Word sets a heading first-fit and cannot balance its lines; typst could, but the two documents
must break every title at the same words. So the breaks are decided once, here, before the one
pandoc run that writes both documents, with the real font metrics (Liberation Serif, the advance
widths of Times New Roman) against the real text width, and written into the pandoc input as
break marks (:data:`baocao.render.official.TITLE_BREAK`); ``templates/filters/official.lua``
turns each mark into a line break, which the DOCX writes as ``w:br`` and the PDF as typst's
``linebreak()``.

A title that fits on one line is left alone. A longer one gets the fewest lines it needs, with
the breaks chosen so that the lines are as even as possible (their ends, measured against each
line's room: a heading's first line is shorter by the first-line indent), and narrowing
downwards rather than widening (the shape of Nghị định 30's own titles), preferring:

* a break after a comma, semicolon or colon (a phrase ends there);
* a break before a linking word (:data:`LINKING_WORDS`: "VỀ", "VÀ", "CỦA", "DO", …), where the
  next phrase starts;

and never, unless nothing else fits:

* a break inside a two-syllable word of :data:`COMPOUNDS` ("KHOA ⏎ HỌC", "NHÀ ⏎ NƯỚC");
* a break before a number ("THÁNG ⏎ 9") or right after a heading's own label ("I. ⏎ THỰC").

An editor forces a break by a newline in the title (docs/huong-dan-bien-tap.md); the mark is
already in the input (render/official.py), and each part between forced breaks is balanced on
its own when it does not fit on one line.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..render.official import TITLE_BREAK
from ..render.outline import BREAKABLE_SPACE
from .docx_layout import FIT_SLACK, FontMetrics
from .reference_docx import FIRST_LINE, SIZE_BODY, TEXT_W_LANDSCAPE, TEXT_W_PORTRAIT

#: Two-syllable words of report titles that a line break must not split (upper case, NFC).
#: Not a dictionary: the words of Nghị định 30's headings and of a science and technology
#: department's titles; a pair missing here is still kept together when a phrase boundary is
#: near (the rules above), and an editor can force a break.
COMPOUNDS = frozenset("""
    BÁO CÁO|BAN HÀNH|BƯU CHÍNH|CẢI CÁCH|CHẤT LƯỢNG|CHỈ ĐẠO|CHÍNH PHỦ|CHÍNH SÁCH|CHỦ TỊCH|
    CHUYỂN ĐỔI|CHƯƠNG TRÌNH|CÔNG NGHỆ|CÔNG TÁC|CÔNG VĂN|CƠ CHẾ|CƠ QUAN|DANH MỤC|DỊCH VỤ|
    DỰ ÁN|ĐÁNH GIÁ|ĐỀ ÁN|ĐO LƯỜNG|ĐỔI MỚI|ĐƠN VỊ|HÀNH CHÍNH|HẠ TẦNG|HOẠT ĐỘNG|HỘI ĐỒNG|
    KẾ HOẠCH|KẾT LUẬN|KẾT QUẢ|KHOA HỌC|KIỂM TRA|KINH TẾ|KỸ THUẬT|LĨNH VỰC|NGHIÊN CỨU|
    NHÀ NƯỚC|NHÂN DÂN|NHIỆM VỤ|PHÁP LUẬT|PHÁT TRIỂN|PHƯƠNG HƯỚNG|QUẢN LÝ|QUY ĐỊNH|SÁNG TẠO|
    SỞ HỮU|THAM MƯU|THANH TRA|THẨM ĐỊNH|THEO DÕI|THỜI HẠN|THÔNG TIN|THỰC HIỆN|TIÊU CHUẨN|
    TÌNH HÌNH|TỔ CHỨC|TRÍ TUỆ|TRỌNG TÂM|ỦY BAN|ỨNG DỤNG|VĂN BẢN|VIỄN THÔNG|XÃ HỘI|XÂY DỰNG|
    ĐỊA PHƯƠNG|ĐẦU TƯ|TÀI CHÍNH|GIÁO DỤC|Y TẾ|MÔI TRƯỜNG|DOANH NGHIỆP|CHUYÊN MÔN|
    CHUYỂN GIAO|AN TOÀN|BỨC XẠ|HẠT NHÂN|SÁNG KIẾN|CƠ SỞ|ĐIỆN TỬ|DỮ LIỆU|HỆ THỐNG|TẬP HUẤN|
    HƯỚNG DẪN|TRIỂN KHAI|TỔNG HỢP|KHIẾU NẠI|TỐ CÁO|PHÒNG CHỐNG|THAM NHŨNG|CHÍNH QUYỀN
""".replace("\n", "").replace("    ", "").split("|"))

#: Words a phrase starts with in a Vietnamese title: a break right before one reads well.
LINKING_WORDS = frozenset({
    "VÀ", "VỀ", "CỦA", "DO", "CHO", "TRONG", "THEO", "VỚI", "TẠI", "ĐỂ", "TỪ", "ĐẾN", "TRÊN",
    "GIỮA", "HOẶC", "NHẰM", "THUỘC", "CÁC", "NHỮNG", "GIAI", "NĂM", "THÁNG", "QUÝ",
})

_PUNCT_END = (",", ";", ":")
_LABEL = re.compile(r"^(?:[IVXLCDM]+|\d+)(?:\.\d+)*\.$")
_MD_ESCAPE = re.compile(r"\\(.)")


@dataclass(frozen=True)
class Room:
    """The room of a title's lines (twips) and its font."""

    first: int
    rest: int
    bold: bool = True
    italic: bool = False
    upper: bool = False


def _key(word: str) -> str:
    return unicodedata.normalize("NFC", word).upper().strip("()[]\"'“”‘’")


def _break_cost(before: str, after: str, first: bool) -> float:
    """The cost of a line break between the words *before* and *after* (their displayed text),
    in the units of :func:`balanced_lines` (a line's free room as a share of the text width,
    squared). Negative for a good place; large for a place never chosen unless nothing else
    fits."""
    a, b = _key(before), _key(after)
    if first and _LABEL.match(a):
        return 1e6  # "I." alone on a line
    if b[:1].isdigit():
        return 1e6  # "THÁNG ⏎ 9", "NĂM ⏎ 2023"
    if f"{a} {b}" in COMPOUNDS:
        return 1e6
    if a.endswith(_PUNCT_END):
        return -0.25
    if b in LINKING_WORDS:
        return -0.08
    return 0.0


def balanced_lines(words: Sequence[str], measure: Callable[[str], int], first: int,
                   rest: int) -> list[list[str]]:
    """*words* in the fewest lines that fit (the first line in *first* twips, the others in
    *rest*), with the breaks as even and as well placed as the rules of the module allow.
    A title that fits on one line, or a word wider than a line, gives one line."""
    n = len(words)
    space = measure(" ")
    widths = [measure(w) for w in words]

    def width(i: int, j: int) -> int:
        return sum(widths[i:j]) + space * (j - i - 1)

    if n < 2 or width(0, n) <= first:
        return [list(words)]
    # the fewest lines: first-fit
    count, i = 0, 0
    while i < n:
        room = first if count == 0 else rest
        j = i + 1
        while j < n and width(i, j + 1) <= room:
            j += 1
        if width(i, j) > room:
            return [list(words)]  # a word wider than the line: leave it to the renderer
        count, i = count + 1, j
    # The best breaks, by dynamic programming over (line, its first word, the previous line's
    # first word): a line's cost depends on its own slack and on the slack of the line above,
    # and a line holds few words, so this stays small however long the title (an exhaustive
    # search over every set of breaks grows as n^lines).
    memo: dict[tuple[int, int, int], tuple[float, tuple[int, ...]] | None] = {}

    def slack_of(k: int, i: int, j: int) -> float:
        return ((first if k == 0 else rest) - width(i, j)) / rest

    def best_from(k: int, i: int, before: int) -> tuple[float, tuple[int, ...]] | None:
        """The cheapest way to set words[i:] as lines k.. when line k-1 began at *before*."""
        key = (k, i, before)
        if key in memo:
            return memo[key]
        previous = slack_of(k - 1, before, i) if k else None
        result: tuple[float, tuple[int, ...]] | None = None
        ends = [n] if k == count - 1 else range(i + 1, n - (count - 1 - k) + 1)
        for j in ends:
            slack = slack_of(k, i, j)
            if slack < 0:
                break
            cost = slack ** 2
            if previous is not None and slack < previous:
                # a line reaching further right than the one above it: titles narrow downwards
                cost += 2 * (previous - slack) ** 2
            if k == count - 1:
                tail: tuple[float, tuple[int, ...]] | None = (0.0, ())
            else:
                cost += _break_cost(words[j - 1], words[j], j == 1)
                tail = best_from(k + 1, j, i)
            if tail is not None and (result is None or cost + tail[0] < result[0]):
                result = (cost + tail[0], ((j,) if k < count - 1 else ()) + tail[1])
        memo[key] = result
        return result

    best = best_from(0, 0, 0)
    if best is None:
        return [list(words)]
    bounds = (0, *best[1], n)
    return [list(words[bounds[k]:bounds[k + 1]]) for k in range(count)]


def break_title(escaped: str, room: Room, metrics: FontMetrics) -> str:
    """*escaped* (a title as Markdown text, with the editor's break marks) with break marks
    where its lines end."""

    def measure(text: str) -> int:
        shown = _MD_ESCAPE.sub(r"\1", text)
        return metrics.width(shown.upper() if room.upper else shown, SIZE_BODY, bold=room.bold,
                             italic=room.italic)

    out: list[str] = []
    for n, part in enumerate(escaped.split(TITLE_BREAK)):
        words = [w for w in BREAKABLE_SPACE.split(part) if w]  # a no-break space joins
        first = (room.first if n == 0 else room.rest) - FIT_SLACK
        lines = balanced_lines(words, measure, first, room.rest - FIT_SLACK)
        out.append(f" {TITLE_BREAK} ".join(" ".join(line) for line in lines))
    return f" {TITLE_BREAK} ".join(out)


#: Phần titles: centred on the portrait text width.
PHAN = Room(TEXT_W_PORTRAIT, TEXT_W_PORTRAIT)
#: Mục and khoản headings: bold, the first line indented (reference_docx, report.typ).
HEADING = Room(TEXT_W_PORTRAIT - FIRST_LINE, TEXT_W_PORTRAIT)
#: Phụ lục titles: bold capitals, centred on the landscape text width.
PHU_LUC = Room(TEXT_W_LANDSCAPE, TEXT_W_LANDSCAPE, upper=True)

_FRONT = re.compile(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*\n", re.S)
_TEN = re.compile(r'(?P<key>"ten"[ \t]*:[ \t]*)(?P<value>"(?:[^"\\\n]|\\.)*")')
_PHAN = re.compile(r"^(::: \{\.phan\}\n[^\n]+\n\n)([^\n]+)(\n:::)$", re.M)
_HEADING = re.compile(r"^(#{2,3} )(.+)$", re.M)


def break_titles(skeleton: str, metrics: FontMetrics) -> str:
    """The official input's skeleton (docs/dev/official-input.md) with the line breaks of its
    Phần titles, Mục and khoản headings and Phụ lục titles (``phu-luc.ten``) marked."""
    front = _FRONT.match(skeleton)
    head, body = (skeleton[:front.end()], skeleton[front.end():]) if front else ("", skeleton)

    def ten(m: re.Match[str]) -> str:
        value = json.loads(m.group("value"))
        return m.group("key") + json.dumps(break_title(value, PHU_LUC, metrics),
                                           ensure_ascii=False)

    head = _TEN.sub(ten, head)
    body = _PHAN.sub(lambda m: m.group(1) + break_title(m.group(2), PHAN, metrics)
                     + m.group(3), body)
    body = _HEADING.sub(lambda m: m.group(1) + break_title(m.group(2), HEADING, metrics), body)
    return head + body
