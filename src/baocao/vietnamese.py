"""Vietnamese text helpers used by every stage: dates, numbers, labels, normalisation, folding.

Pure functions only. Dates follow Nghị định 30/2020/NĐ-CP (Phụ lục I, II.4.b): the day is
zero-padded below 10, the month only for January and February.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date

#: Letters that label "điểm" in order (ND30 II.6.đ): the Vietnamese alphabet, with đ, without f j w z.
DIEM_LETTERS: tuple[str, ...] = tuple("a b c d đ e g h i k l m n o p q r s t u v x y".split())  # noqa: SIM905

_ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
          (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


class DateParseError(ValueError):
    """A date typed by a person could not be read; the message is Vietnamese."""


def nfc(text: str) -> str:
    """Unicode NFC ("Unicode dựng sẵn"), the form TCVN 6909:2001 documents use."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower-case and strip every diacritic, folding đ/Đ to d: "Đường" -> "duong".

    Used for diacritic-insensitive matching (search index, fuzzy key suggestions).
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", stripped).lower()


def roman(n: int) -> str:
    """Roman numeral for Phần/Mục numbers: 4 -> "IV"."""
    if n <= 0:
        raise ValueError("roman numerals start at 1")
    out = []
    for value, sym in _ROMAN:
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)


def parse_roman(text: str) -> int | None:
    """Inverse of :func:`roman`; None when *text* is not a canonical Roman numeral."""
    t = text.strip().upper()
    if not t or any(ch not in "IVXLCDM" for ch in t):
        return None
    total, prev = 0, 0
    for ch in reversed(t):
        v = dict((s, val) for val, s in _ROMAN if len(s) == 1)[ch]
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return total if roman(total) == t else None


def diem_label(index: int) -> str:
    """Label of the *index*-th điểm (0-based): 0 -> "a", 4 -> "đ", 23 -> "aa"."""
    n = len(DIEM_LETTERS)
    if index < n:
        return DIEM_LETTERS[index]
    return diem_label(index // n - 1) + DIEM_LETTERS[index % n]


def format_count(n: int) -> str:
    """A count as reports write it: 0 -> "0", 4 -> "04", 10 -> "10"."""
    if n < 0:
        raise ValueError("counts are not negative")
    return f"{n:02d}" if 0 < n < 10 else str(n)


def _day(d: int) -> str:
    return f"{d:02d}"


def _month(m: int) -> str:
    return f"{m:02d}" if m <= 2 else str(m)


def format_date_long(d: date) -> str:
    """ND30 long form: "ngày 05 tháng 9 năm 2023", "ngày 15 tháng 01 năm 2024"."""
    return f"ngày {_day(d.day)} tháng {_month(d.month)} năm {d.year}"


def format_date_short(d: date) -> str:
    """Short numeric form with the same padding rule: "09/8/2023", "15/01/2024"."""
    return f"{_day(d.day)}/{_month(d.month)}/{d.year}"


def format_month(year: int, month: int) -> str:
    """ "9/2023" as reports write a month."""
    return f"{month}/{year}"


_DATE_FORMS = [
    # 18/8/2023, 18-8-2023, 18.8.2023, with optional "ngày"
    re.compile(r"^(?:ngày\s*)?(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$"),
    # ngày 18 tháng 8 năm 2023
    re.compile(r"^(?:ngày\s+)?(\d{1,2})\s+tháng\s+(\d{1,2})\s*(?:,\s*)?năm\s+(\d{4})$"),
]
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_date(value: object) -> date:
    """Read a date as people type it: 9/8/2023, 09/08/2023, 2023-08-09, "ngày 9 tháng 8 năm 2023".

    A ``datetime.date`` passes through. Raises :class:`DateParseError` (Vietnamese message)
    for anything else, including impossible dates such as 31/2/2023.
    """
    if isinstance(value, date):
        return value if type(value) is date else date(value.year, value.month, value.day)
    if not isinstance(value, str):
        raise DateParseError(f"không phải ngày tháng: {value!r}")
    text = nfc(value).strip().lower()
    m = _ISO.match(text)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        for form in _DATE_FORMS:
            m = form.match(text)
            if m:
                d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
                break
        else:
            raise DateParseError(
                f"không đọc được ngày \"{value}\" (viết dạng ngày/tháng/năm, ví dụ 18/8/2023)"
            )
    try:
        return date(y, mo, d)
    except ValueError:
        raise DateParseError(f"ngày không tồn tại: \"{value}\"") from None


def end_of_month(year: int, month: int) -> date:
    """Last day of a month."""
    return date(year, month, calendar.monthrange(year, month)[1])
