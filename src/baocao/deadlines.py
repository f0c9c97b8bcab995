"""Deadlines as people write them in task tables, and the due date each one means.

"18/8/2023" is due that day; "Trước ngày 30/6/2025" the day before (29/6/2025); "Tháng 5/2025",
"6/2025" and "Trong tháng 6/2025" at the end of the month; "Quý II/2025" at the end of the
quarter; "6 tháng đầu năm 2025" / "6 tháng cuối năm 2025" on 30 June / 31 December; "2025" /
"Năm 2025" on 31 December ("Trong …" and "Cuối …" before a month, quarter or year mean the same
end), and a range of years ("2023-2025", "Giai đoạn 2023 - 2025") on 31
December of its last year. "Thường xuyên", "Hằng năm", a phrase that starts with such a word
("Hằng năm, trước ngày 15/12", "Định kỳ 6 tháng") and an open-ended year ("Từ năm 2025", "Năm
2025 và những năm tiếp theo") are recurring (never overdue); "Không có hạn", "Không quy định",
"x", "/", … or nothing means no deadline. The text is kept for display exactly as written; an
unknown form is an error with a "có phải ý bạn là …?" hint (docs/huong-dan-bien-tap.md lists
every form).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from .errors import DeadlineParseError as DeadlineParseError
from .months import end_of_month, year_problem
from .vietnamese import (
    DateParseError,
    fold,
    format_date_short,
    nfc,
    parse_date,
    parse_roman,
)


class DeadlineKind(StrEnum):
    DATE = "date"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    #: A range of years ("2023-2025"): due at the end of its last year.
    RANGE = "range"
    #: A half-year ("6 tháng đầu năm 2025"): due on 30 June or 31 December.
    HALF = "half"
    RECURRING = "recurring"
    NONE = "none"


@dataclass(frozen=True)
class Deadline:
    """A deadline: the text as written, its kind, and the due date (end of the period)."""

    text: str
    kind: DeadlineKind
    due: date | None

    @property
    def has_due(self) -> bool:
        return self.due is not None


_RECURRING = {
    "thường xuyên", "hằng năm", "hàng năm", "hằng tháng", "hàng tháng", "hằng quý", "hàng quý",
    "hằng tuần", "hàng tuần", "định kỳ", "liên tục",
}
_NONE = {
    "", "không có hạn", "không thời hạn", "không có thời hạn", "không hạn", "-", "—", "--",
    "không", "không quy định", "không xác định", "không có", "chưa xác định", "x", "/",
}
#: A recurring word opening a phrase: "Hằng năm, trước ngày 15/12", "Định kỳ 6 tháng".
_RECURRING_PHRASE = re.compile(
    "^(?:" + "|".join(sorted(map(re.escape, _RECURRING), key=len, reverse=True)) + r")[\s,;:.(]"
)
#: An open-ended year: "Từ năm 2025", "Năm 2025 và những năm tiếp theo".
_OPEN_ENDED = [
    re.compile(r"^từ\s+năm\s+(\d{4})(?:\s+trở\s+đi)?$"),
    re.compile(r"^(?:năm\s+)?(\d{4})\s+và\s+(?:những|các)\s+năm\s+(?:tiếp\s+theo|sau)$"),
]
_RANGE = re.compile(r"^(?:(?:năm|giai\s+đoạn)\s+)?(\d{4})\s*[-–—]\s*(\d{4})$")
_BEFORE = re.compile(r"^trước\s+(?:ngày\s+)?(.+)$")
_DURING = re.compile(r"^(?:trong|cuối)\s+(.+)$")
_HALF = re.compile(r"^(?:6|sáu)\s+tháng\s+(đầu|cuối)\s+năm\s+(\d{4})$")

_MONTH = [
    re.compile(r"^(?:tháng\s*|t)?(\d{1,2})\s*[/.\-]\s*(\d{4})$"),
    re.compile(r"^tháng\s+(\d{1,2})\s*(?:,\s*)?năm\s+(\d{4})$"),
]
_QUARTER = [
    re.compile(r"^(?:quý|quí|q)\s*([ivx]+|\d)\s*[/.\-]\s*(\d{4})$"),
    re.compile(r"^(?:quý|quí|q)\s*([ivx]+|\d)\s*(?:,\s*)?năm\s+(\d{4})$"),
]
_YEAR = re.compile(r"^(?:năm\s+)?(\d{4})$")


def _check_year(year: int, text: str) -> None:
    why = year_problem(year)
    if why is not None:  # before any month arithmetic: year 0 or 10000 cannot be computed
        raise DeadlineParseError(f"thời hạn \"{text}\": {why}")


def parse_deadline(value: object) -> Deadline:
    """Parse a deadline cell. Raises :class:`DeadlineParseError` when it is not understood or
    its year is outside the years reports are written for (:data:`.months.FIRST_YEAR` …)."""
    if value is None:
        return Deadline("", DeadlineKind.NONE, None)
    if isinstance(value, date):
        d = parse_date(value)
        _check_year(d.year, format_date_short(d))
        return Deadline(format_date_short(d), DeadlineKind.DATE, d)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise DeadlineParseError(f"thời hạn không hợp lệ: {value!r}")
    text = " ".join(nfc(value).split())
    key = text.lower()
    if key in _NONE:
        return Deadline(text, DeadlineKind.NONE, None)
    if key in _RECURRING or _RECURRING_PHRASE.match(key):
        return Deadline(text, DeadlineKind.RECURRING, None)
    for form in _OPEN_ENDED:
        m = form.match(key)
        if m:
            _check_year(int(m.group(1)), text)
            return Deadline(text, DeadlineKind.RECURRING, None)
    m = _BEFORE.match(key)
    if m:
        # "Trước ngày 30/6/2025": done on 30/6 is already late, so the last day is 29/6.
        day = _date_in(m.group(1), text)
        if day is not None:
            return Deadline(text, DeadlineKind.DATE, day - timedelta(days=1))
        raise DeadlineParseError(_unknown(text))
    m = _DURING.match(key)
    if m:
        # "Trong tháng 6/2025", "Trong quý III/2025", "Cuối năm 2025": the end of that period.
        inner = _period(m.group(1), text)
        if inner is not None:
            return Deadline(text, inner[0], inner[1])
        raise DeadlineParseError(_unknown(text))
    day = _date_in(key, text)
    if day is not None:
        return Deadline(text, DeadlineKind.DATE, day)
    found = _period(key, text)
    if found is not None:
        return Deadline(text, found[0], found[1])
    raise DeadlineParseError(_unknown(text))


def _date_in(key: str, text: str) -> date | None:
    """The day *key* names (18/8/2023), None when it is no day; an impossible day is an error."""
    if _RANGE.match(key):  # "2023-2025" is a range of years, not an ISO date gone wrong
        return None
    try:
        day = parse_date(key)
    except DateParseError as err:
        if "không tồn tại" in str(err):
            raise DeadlineParseError(f"thời hạn là ngày không tồn tại: \"{text}\"") from None
        return None
    _check_year(day.year, text)
    return day


def _period(key: str, text: str) -> tuple[DeadlineKind, date] | None:
    """Kind and last day of a month, quarter, half-year, year or range of years; else None."""
    for form in _MONTH:
        m = form.match(key)
        if m:
            month, year = int(m.group(1)), int(m.group(2))
            if not 1 <= month <= 12:
                raise DeadlineParseError(f"tháng không hợp lệ trong thời hạn \"{text}\"")
            _check_year(year, text)
            return DeadlineKind.MONTH, end_of_month(year, month)
    for form in _QUARTER:
        m = form.match(key)
        if m:
            q_raw, year = m.group(1), int(m.group(2))
            q = int(q_raw) if q_raw.isdigit() else parse_roman(q_raw)
            if q is None or not 1 <= q <= 4:
                raise DeadlineParseError(f"quý không hợp lệ trong thời hạn \"{text}\"")
            _check_year(year, text)
            return DeadlineKind.QUARTER, end_of_month(year, q * 3)
    m = _HALF.match(key)
    if m:
        year = int(m.group(2))
        _check_year(year, text)
        return DeadlineKind.HALF, date(year, 6, 30) if m.group(1) == "đầu" else date(year, 12, 31)
    m = _RANGE.match(key)
    if m:
        first, last = int(m.group(1)), int(m.group(2))
        _check_year(first, text)
        _check_year(last, text)
        if first > last:
            raise DeadlineParseError(
                f"thời hạn \"{text}\": năm đầu ({first}) sau năm cuối ({last}) của giai đoạn")
        return DeadlineKind.RANGE, date(last, 12, 31)
    m = _YEAR.match(key)
    if m:
        _check_year(int(m.group(1)), text)
        return DeadlineKind.YEAR, date(int(m.group(1)), 12, 31)
    return None


#: One example of every form, for the "có phải ý bạn là …?" hint of an unknown one.
HINT_FORMS = (
    "18/8/2025", "Trước ngày 30/6/2025", "Tháng 6/2025", "Trong tháng 6/2025",
    "Cuối tháng 6/2025", "Cuối năm 2025", "Quý II/2025",
    "6 tháng đầu năm 2025", "6 tháng cuối năm 2025", "Năm 2025", "Giai đoạn 2023 - 2025",
    "Năm 2023-2025", "Từ năm 2025", "Năm 2025 và những năm tiếp theo", "Thường xuyên",
    "Hằng năm", "Hằng quý", "Hằng tháng", "Định kỳ", "Không có hạn", "Không quy định",
    "Không xác định", "Chưa xác định",
)
_NUMBER = re.compile(r"\d+")


def _shape(text: str) -> str:
    """The form of *text* without its numbers and marks: "Trươc ngay 30/6/2025" -> "truoc ngay #/#/#"."""
    return _NUMBER.sub("#", fold(text))


def suggest_deadline(text: str) -> str | None:
    """The known form closest to *text*, with the numbers *text* has, or None.

    Compared without marks and numbers (difflib, as the did-you-mean of unknown keys), so a form
    typed without marks or with a slip ("Truoc ngay 30/6/2025", "Thường xuyen") finds its
    model; the model's numbers are replaced by the ones typed when they are as many."""
    shapes = {_shape(form): form for form in HINT_FORMS}
    close = difflib.get_close_matches(_shape(text), list(shapes), n=1, cutoff=0.6)
    if not close:
        return None
    form = shapes[close[0]]
    # The numbers typed replace the model's from the right (the year is last): "Sau thang dau
    # nam 2024" -> "6 tháng đầu năm 2024".
    model, typed = _NUMBER.findall(form), _NUMBER.findall(text)
    keep = max(len(model) - len(typed), 0)
    numbers = iter(model[:keep] + typed[len(typed) - (len(model) - keep):])
    return _NUMBER.sub(lambda _: next(numbers), form)


def _unknown(text: str) -> str:
    hint = suggest_deadline(text)
    if hint is not None and hint != text:
        return f"không hiểu thời hạn \"{text}\" (có phải ý bạn là \"{hint}\"?)"
    return (f"không hiểu thời hạn \"{text}\" (dùng ngày 18/8/2023, tháng 5/2025, Quý II/2025, "
            "năm 2025, \"Trước ngày 30/6/2025\", \"6 tháng đầu năm 2025\", \"2023-2025\", "
            "\"Thường xuyên\" hoặc \"Không có hạn\"; các dạng khác: xem Hướng dẫn biên tập)")
