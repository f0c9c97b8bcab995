"""Computed values inside section bodies: ``{{ name }}``.

The syntax is deliberately tiny: a name of lower-case letters, digits and underscores between
double braces. There are no attributes, calls, filters or expressions, so content cannot reach
Python (no template engine is involved). Anything else between ``{{`` and ``}}`` is an error, as
is an unknown name. Block placeholders must stand alone on their line.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Mapping
from dataclasses import dataclass

# The inside never contains "{{" or "}}": each "{{" is scanned up to the next brace pair at most,
# so finding placeholders stays linear on hostile input ("{{{{…" or many unclosed "{{").
_ANY = re.compile(r"\{\{((?:(?!\{\{|\}\}).)*)\}\}", re.S)
_NAME = re.compile(r"^\s*([a-z][a-z0-9_]*)\s*$")
_OPEN = re.compile(r"\{\{")
_BLANK = re.compile(r"\s*")


@dataclass(frozen=True)
class Placeholder:
    name: str
    #: 0-based line within the text, 0-based column.
    line: int
    col: int
    #: True when it is alone on its line (needed for block placeholders).
    alone: bool


@dataclass(frozen=True)
class PlaceholderProblem:
    line: int
    col: int
    message: str


#: Inline placeholders (a number in a sentence) and what each means.
INLINE: dict[str, str] = {
    "tong_so": "Tổng số nhiệm vụ trong phụ lục",
    "da_thuc_hien": "Số nhiệm vụ đã hoàn thành (đúng hạn, quá hạn và không rõ ngày)",
    "hoan_thanh_dung_han": "Số nhiệm vụ hoàn thành đúng hạn",
    "thuc_hien_cham": "Số nhiệm vụ hoàn thành quá hạn (thực hiện chậm)",
    "hoan_thanh_khong_ro_ngay": "Số nhiệm vụ đã hoàn thành nhưng không rõ ngày (có thể sau hạn)",
    "dang_thuc_hien": "Số nhiệm vụ đang thực hiện (trong hạn và quá hạn)",
    "dang_thuc_hien_trong_han": "Số nhiệm vụ đang thực hiện trong hạn",
    "dang_thuc_hien_qua_han": "Số nhiệm vụ đang thực hiện quá hạn",
    "chua_thuc_hien": "Số nhiệm vụ chưa thực hiện",
    "thang_bao_cao": "Tháng báo cáo, dạng 9/2023",
    "thang_sau": "Tháng kế tiếp, dạng 10/2023",
}
#: Block placeholders (whole paragraphs or tables).
BLOCK: dict[str, str] = {
    "tom_tat_nhiem_vu": "Đoạn tổng hợp: Tổng số … nhiệm vụ và ba dòng đã/đang/chưa thực hiện",
    "bang_nhiem_vu": "Bảng phụ lục các nhiệm vụ, nhóm theo tình trạng",
}


#: Problems reported per text at most (a pasted blob must not print a million lines).
MAX_PROBLEMS = 50


def find(text: str) -> tuple[list[Placeholder], list[PlaceholderProblem]]:
    """Every placeholder in *text*, and every malformed or unknown one (the first
    :data:`MAX_PROBLEMS` of them). Linear in the length of *text*."""
    found: list[Placeholder] = []
    problems: list[PlaceholderProblem] = []
    consumed: set[int] = set()
    if "{{" not in text:
        return found, problems
    newlines = [m.start() for m in re.finditer("\n", text)]

    def where(offset: int) -> tuple[int, int, int, int]:
        """0-based line and column of *offset*, and the start and end of its line."""
        line = bisect_left(newlines, offset)
        start = newlines[line - 1] + 1 if line else 0
        end = newlines[line] if line < len(newlines) else len(text)
        return line, offset - start, start, end

    for m in _ANY.finditer(text):
        if len(problems) >= MAX_PROBLEMS:
            return found, problems
        line, col, line_start, line_end = where(m.start())
        consumed.add(m.start())
        inner = m.group(1)
        nm = _NAME.match(inner)
        if not nm:
            shown = inner.strip()[:40]
            problems.append(PlaceholderProblem(
                line, col,
                f"chỗ điền số liệu \"{{{{ {shown} }}}}\" không hợp lệ: chỉ được viết tên, "
                "ví dụ {{ tong_so }} (không có dấu chấm, ngoặc hay phép tính)",
            ))
            continue
        name = nm.group(1)
        # (fullmatch with bounds stops at the first non-blank: no slicing of long lines)
        alone = (_BLANK.fullmatch(text, line_start, m.start()) is not None
                 and _BLANK.fullmatch(text, m.end(), max(line_end, m.end())) is not None)
        if name in BLOCK:
            if not alone:
                problems.append(PlaceholderProblem(
                    line, col, f"{{{{ {name} }}}} là một khối, phải đứng riêng trên một dòng",
                ))
                continue
        elif name not in INLINE:
            known = ", ".join(sorted([*INLINE, *BLOCK]))
            problems.append(PlaceholderProblem(
                line, col, f"không có chỗ điền số liệu tên \"{name}\" (các tên hợp lệ: {known})",
            ))
            continue
        found.append(Placeholder(name, line, col, alone))
    for m in _OPEN.finditer(text):
        if len(problems) >= MAX_PROBLEMS:
            break
        if m.start() not in consumed and m.start() - 1 not in consumed:
            line, col, _, _ = where(m.start())
            problems.append(PlaceholderProblem(line, col, "thiếu \"}}\" đóng chỗ điền số liệu"))
    return found, problems


def expand(text: str, values: Mapping[str, str | Callable[[], str]]) -> str:
    """Replace every (already validated) placeholder by its value."""

    def sub(m: re.Match[str]) -> str:
        nm = _NAME.match(m.group(1))
        if not nm or nm.group(1) not in values:
            raise KeyError(m.group(0))
        v = values[nm.group(1)]
        return v() if callable(v) else v

    return _ANY.sub(sub, text)
