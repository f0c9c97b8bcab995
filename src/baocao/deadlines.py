"""Deadlines as people write them in task tables, and the due date each one means.

"18/8/2023" is due that day; "Tháng 5/2025" / "6/2025" at the end of the month; "Quý II/2025"
at the end of the quarter; "2025" / "Năm 2025" on 31 December; "Thường xuyên" / "Hằng năm" is
recurring (never overdue); "Không có hạn" or nothing means no deadline. The text is kept for
display exactly as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .errors import DeadlineParseError as DeadlineParseError
from .months import end_of_month, year_problem
from .vietnamese import (
    DateParseError,
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
_NONE = {"", "không có hạn", "không thời hạn", "không có thời hạn", "không hạn", "-", "—"}

_MONTH = [
    re.compile(r"^(?:tháng\s*|t)?(\d{1,2})\s*[/.\-]\s*(\d{4})$"),
    re.compile(r"^tháng\s+(\d{1,2})\s*(?:,\s*)?năm\s+(\d{4})$"),
]
_QUARTER = [
    re.compile(r"^(?:quý|q)\s*([ivx]+|\d)\s*[/.\-]\s*(\d{4})$"),
    re.compile(r"^(?:quý|q)\s*([ivx]+|\d)\s*(?:,\s*)?năm\s+(\d{4})$"),
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
    if key in _RECURRING:
        return Deadline(text, DeadlineKind.RECURRING, None)
    try:
        day = parse_date(text)
    except DateParseError as err:
        if "không tồn tại" in str(err):
            raise DeadlineParseError(f"thời hạn là ngày không tồn tại: \"{text}\"") from None
    else:
        _check_year(day.year, text)
        return Deadline(text, DeadlineKind.DATE, day)
    for form in _MONTH:
        m = form.match(key)
        if m:
            month, year = int(m.group(1)), int(m.group(2))
            if not 1 <= month <= 12:
                raise DeadlineParseError(f"tháng không hợp lệ trong thời hạn \"{text}\"")
            _check_year(year, text)
            return Deadline(text, DeadlineKind.MONTH, end_of_month(year, month))
    for form in _QUARTER:
        m = form.match(key)
        if m:
            q_raw, year = m.group(1), int(m.group(2))
            q = int(q_raw) if q_raw.isdigit() else parse_roman(q_raw)
            if q is None or not 1 <= q <= 4:
                raise DeadlineParseError(f"quý không hợp lệ trong thời hạn \"{text}\"")
            _check_year(year, text)
            return Deadline(text, DeadlineKind.QUARTER, end_of_month(year, q * 3))
    m = _YEAR.match(key)
    if m:
        _check_year(int(m.group(1)), text)
        return Deadline(text, DeadlineKind.YEAR, date(int(m.group(1)), 12, 31))
    raise DeadlineParseError(
        f"không hiểu thời hạn \"{text}\" (dùng ngày 18/8/2023, tháng 5/2025, Quý II/2025, năm 2025,"
        " \"Thường xuyên\" hoặc \"Không có hạn\")"
    )
