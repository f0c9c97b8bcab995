"""Vietnamese text helpers used by every stage: dates, numbers, labels, normalisation, folding.

Pure functions only. Dates follow Nghị định 30/2020/NĐ-CP (Phụ lục I, II.4.b): the day is
zero-padded below 10, the month only for January and February.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from .errors import DateParseError as DateParseError

#: Letters that label "điểm" in order (ND30 II.6.đ): the Vietnamese alphabet, with đ, without f j w z.
DIEM_LETTERS: tuple[str, ...] = tuple("a b c d đ e g h i k l m n o p q r s t u v x y".split())  # noqa: SIM905

_ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
          (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


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


#: The letters and digits of a number token: ASCII, and the Latin letters of Latin-1,
#: Latin Extended-A/B and Latin Extended Additional (every Vietnamese letter in NFC: Đ, Ơ, Ư, Ạ…).
#: ``templates/filters/typst.lua`` (``is_alnum``) has the same classes; a test compares the two.
_TOKEN_CHAR = "0-9A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
_TOKEN = re.compile(f"(?<![{_TOKEN_CHAR}])[{_TOKEN_CHAR}]+(?:[-/.][{_TOKEN_CHAR}]+)+")
_DIGIT = re.compile("[0-9]")


def number_tokens(text: str) -> list[tuple[int, int]]:
    """Where *text* has a document number, a date or a number range, which no line may break:
    letters and digits joined by "/", "-" or "." (each joiner between two of them), starting at
    the start of a word, with at least one digit. "1036/KHCN-QLCN", "221-KL/TUBG-TUHD",
    "01/2024/NĐ-CP", "15/9/2023", "2019-2023", "256-258-260", "19/10/1961-19/10/2023", and
    "10/2023" of "10/2023./."; not "X-quang", "V/v", "KH&CN", "bacgiang.gov.vn" (no digit), nor
    "-2025" of "2023 -2025" (a joiner must stand between two). Returns (start, end) pairs."""
    return [m.span() for m in _TOKEN.finditer(text) if _DIGIT.search(m.group())]


def format_month(year: int, month: int) -> str:
    """ "9/2023" as reports write a month."""
    return f"{month}/{year}"


#: A day ("15/1/2024", "5-01-2024") or a month ("05/2016") standing alone in a date field's text:
#: not part of a document number ("15/2024/NĐ-CP", "1618/UBND-KTN") or of a longer number.
_DAY_IN_TEXT = re.compile(r"(?<![\w/.\-])(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?![\w/.\-]|\.\w)")
_MONTH_IN_TEXT = re.compile(r"(?<![\w/.\-])(\d{1,2})/(\d{4})(?![\w/\-]|\.\w)")


def site_dates(text: str) -> str:
    """The dates of a date field (a task's issue day, deadline, completion day, progress note
    day) written the one way the website shows dates (docs/dev/site.md, "Dates"): a day as
    :func:`format_date_short` ("05/9/2023", "15/01/2024"), a month as :func:`format_month`
    ("1/2024"), whatever form the editor typed; other words are kept ("Quý II/2025",
    "trước ngày 15/1/2024" -> "trước ngày 15/01/2024", "Văn bản số 12/2023"). Not for
    official documents, which print the source text, nor for free text (section bodies,
    summaries).

    >>> site_dates("10/1/2024 (gia hạn, hạn cũ 05/2016)")
    '10/01/2024 (gia hạn, hạn cũ 5/2016)'
    """
    def numbered(m: re.Match[str]) -> bool:  # "Văn bản số 12/2023": a number, not a month
        return m.string[:m.start()].rstrip().lower().endswith("số")

    def day(m: re.Match[str]) -> str:
        if numbered(m):
            return m.group(0)
        try:
            return format_date_short(date(int(m.group(3)), int(m.group(2)), int(m.group(1))))
        except ValueError:
            return m.group(0)

    def month(m: re.Match[str]) -> str:
        number, year = int(m.group(1)), int(m.group(2))
        if numbered(m) or not 1 <= number <= 12:
            return m.group(0)
        return format_month(year, number)

    return _MONTH_IN_TEXT.sub(month, _DAY_IN_TEXT.sub(day, text))


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


# --------------------------------------------------------------------------------------------
# Legacy Vietnamese encodings (TCVN3/ABC and VNI) typed into a UTF-8 file

#: TCVN3 (TCVN 5712:1993, "ABC", fonts .VnTime): one byte per letter. Read as Latin-1 the bytes
#: show as "Së Khoa häc vµ C«ng nghÖ" ("Sở Khoa học và Công nghệ").
_TCVN3 = dict(zip(
    "¡¢£¤¥¦§¨©ª«¬­®µ¶·¸¹»¼½¾ÆÇÈÉÊËÌÎÏÐÑÒÓÔÕÖ×ØÜÝÞßáâãäåæçèéêëìíîïñòóôõö÷øùúûüýþ",
    "ĂÂÊÔƠƯĐăâêôơưđàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ",
    strict=True,
))
_TCVN3_TABLE = str.maketrans(_TCVN3)

_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_CIRC, _BREVE = "\u0302", "\u0306"
#: VNI (fonts VNI-Times): a base letter followed by a byte that adds the marks: "Vieät Nam",
#: "Sôû Khoa hoïc" ("Việt Nam", "Sở Khoa học"). Value: (shape mark, tone mark).
_VNI_MARKS: dict[str, tuple[str, str]] = {}
for _chars, _marks in (
    ("ùÙ", ("", _ACUTE)), ("øØ", ("", _GRAVE)), ("ûÛ", ("", _HOOK)), ("õÕ", ("", _TILDE)),
    ("ïÏ", ("", _DOT)), ("âÂ", (_CIRC, "")), ("áÁ", (_CIRC, _ACUTE)), ("àÀ", (_CIRC, _GRAVE)),
    ("åÅ", (_CIRC, _HOOK)), ("ãÃ", (_CIRC, _TILDE)), ("äÄ", (_CIRC, _DOT)), ("êÊ", (_BREVE, "")),
    ("éÉ", (_BREVE, _ACUTE)), ("èÈ", (_BREVE, _GRAVE)), ("úÚ", (_BREVE, _HOOK)),
    ("üÜ", (_BREVE, _TILDE)), ("ëË", (_BREVE, _DOT)),
):
    for _ch in _chars:
        _VNI_MARKS[_ch] = _marks
#: VNI letters written with one byte: ơ ư đ and the i/y forms.
_VNI_SINGLE = dict(zip("ôÔöÖñÑæÆòÒóÓîÎ", "ơƠưƯđĐỉỈịỊĩĨỵỴ", strict=True))
_VNI_BASES = set("aeiouyAEIOUYơưƠƯ")

_TONES = (_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT)
#: Every letter of Vietnamese (NFC), with the Latin letters that loanwords use.
_VIET_LETTERS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZđĐ"
    + "".join(
        unicodedata.normalize("NFC", base + tone)
        for base in "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY"
        for tone in ("", *_TONES)
    )
)
#: Latin-1 letters and signs that never occur in Vietnamese text but make up TCVN3/VNI text.
_LEGACY_CHARS = "".join(sorted(
    {c for c in (*_TCVN3, *_VNI_MARKS, *_VNI_SINGLE) if c not in _VIET_LETTERS}
))
_LEGACY_HINT = re.compile("[" + re.escape(_LEGACY_CHARS) + "]")
#: A word: letters of any script and the legacy signs ("C«ng", "B¸o", "yếu»" is one word).
_WORD = re.compile("(?:[^\\W\\d_]|[" + re.escape(_LEGACY_CHARS) + "])+")
_ASCII_LETTER = re.compile("[A-Za-z]")
#: Words needed before a text is called TCVN3/VNI (a stray "für" or "naïve" is not enough).
LEGACY_MIN_WORDS = 3


def _decode_vni(word: str) -> str:
    out: list[str] = []
    for ch in word:
        marks = _VNI_MARKS.get(ch)
        if marks is not None and out and out[-1] in _VNI_BASES:
            shape, tone = marks
            base = out[-1]
            if shape == _CIRC and base.lower() not in "aeo":
                return word
            if shape == _BREVE and base.lower() != "a":
                return word
            out[-1] = unicodedata.normalize("NFC", base + shape + tone)
        else:
            out.append(_VNI_SINGLE.get(ch, ch))
    return "".join(out)


_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?"
)


def _is_vietnamese_word(word: str) -> bool:
    """A Vietnamese syllable: its letters, one tone mark at most, onset + vowels + final."""
    if not all(ch in _VIET_LETTERS for ch in word):
        return False
    if _SYLLABLE.fullmatch(fold(word)) is None:
        return False
    tones = sum(1 for ch in word if any(t in unicodedata.normalize("NFD", ch) for t in _TONES))
    return tones <= 1


@dataclass(frozen=True)
class LegacyText:
    """Text typed in a legacy encoding: its name, where, and one word with its reading."""

    encoding: str
    #: 0-based offset of the first such word in the text.
    offset: int
    word: str
    reading: str


def detect_legacy_encoding(text: str) -> LegacyText | None:
    """Name the legacy encoding (TCVN3/ABC or VNI) that *text* was typed in, if any.

    Such text arrives when a document typed with a .VnTime or VNI-Times font is pasted into a
    UTF-8 file (or a file saved in that encoding is read as Latin-1): each word has Latin-1
    letters that Vietnamese never uses. A word counts when it reads as a Vietnamese word in
    that encoding; at least :data:`LEGACY_MIN_WORDS` are needed. Cheap when nothing looks odd:
    one regular-expression search.
    """
    if _LEGACY_HINT.search(text) is None:
        return None
    hits: dict[str, list[tuple[int, str, str]]] = {"TCVN3 (ABC)": [], "VNI": []}
    for m in _WORD.finditer(text):
        word = m.group(0)
        if _LEGACY_HINT.search(word) is None or _ASCII_LETTER.search(word) is None:
            continue
        for name, reading in (("TCVN3 (ABC)", word.translate(_TCVN3_TABLE)),
                              ("VNI", _decode_vni(word))):
            if reading != word and _is_vietnamese_word(reading):
                hits[name].append((m.start(), word, reading))
    name, found = max(hits.items(), key=lambda kv: len(kv[1]))
    if len(found) < LEGACY_MIN_WORDS:
        return None
    offset, word, reading = found[0]
    return LegacyText(name, offset, word, reading)


def is_syllable(word: str) -> bool:
    """True when *word* reads as one Vietnamese syllable ("THÔNG" yes; "UBND", "KH&CN" no)."""
    return _is_vietnamese_word(word)


def legacy_to_unicode(text: str, encoding: str) -> str:
    """*text* known to be typed in *encoding* (its font says so: .VnTime is TCVN3, VNI-Times is
    VNI), every letter read as Unicode."""
    if encoding.startswith("TCVN3"):
        return text.translate(_TCVN3_TABLE)
    return _WORD.sub(lambda m: _decode_vni(m.group(0)), text)


def has_legacy_sign(text: str) -> bool:
    """True when *text* has a Latin-1 sign that Vietnamese never uses but TCVN3/VNI text does."""
    return _LEGACY_HINT.search(text) is not None


def decode_legacy(text: str, encoding: str, *, whole: bool = False) -> str:
    """*text* with each word typed in *encoding* (a name :func:`detect_legacy_encoding` gives)
    read as Unicode: a word changes when its reading is a Vietnamese word and it has a legacy
    sign, mixes cases after its first letter ("kÕt") or is not a Vietnamese word itself; Unicode
    words and foreign words stay as they are (a VNI word made only of Vietnamese letters, such as
    "Coâng", is left: it cannot be told from Unicode text). *whole*: the text is known to be
    typed in *encoding* (a paragraph with legacy signs): every word that reads as Vietnamese
    changes ("vô" is "vụ" there)."""

    def read(m: re.Match[str]) -> str:
        word = m.group(0)
        reading = (word.translate(_TCVN3_TABLE) if encoding.startswith("TCVN3")
                   else _decode_vni(word))
        if reading == word or not _is_vietnamese_word(reading):
            return word
        if whole:
            return reading
        mixed = word[1:] != word[1:].lower() and word[1:] != word[1:].upper()  # "kÕt"
        if _LEGACY_HINT.search(word) is None and not mixed and _is_vietnamese_word(word):
            return word
        return reading

    return _WORD.sub(read, text)

