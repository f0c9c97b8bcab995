"""Look-alike characters: a skeleton under which texts that look the same compare equal.

Task ids and document numbers are typed, pasted from PDFs and e-mails, and sometimes come with a
Cyrillic "Х" or a Greek "Ο" instead of the Latin letter: the register then holds two tasks that
read the same and are counted twice. :func:`skeleton` maps a text to a form in which such twins
are equal, so the loader can warn (W402). It is UTS #39's idea of a skeleton, cut down to what
Vietnamese administrative text needs: NFKC (full-width forms, ligatures, compatibility digits),
then the table below of Cyrillic and Greek letters that are drawn like Latin ones, and of dash
and slash look-alikes. Vietnamese letters keep their marks ("Đơn" and "Don" differ), because
their marks are visible. The table is small and maintained here rather than taken from a
package: Unicode's full confusables list also folds Latin letters into each other ("rn" → "m",
"l" → "I"), which would call ordinary document numbers twins.
"""

from __future__ import annotations

import unicodedata

#: Character → the Latin (or ASCII) character it is drawn like.
LOOK_ALIKES: dict[str, str] = {
    # Cyrillic capitals
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "У": "Y", "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J", "Ԛ": "Q",
    "Ԝ": "W", "Ү": "Y", "Ӏ": "I",
    # Cyrillic small letters
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "ѕ": "s",
    "і": "i", "ј": "j", "ԛ": "q", "ԝ": "w", "ү": "y", "һ": "h", "ԁ": "d", "ӏ": "l",
    # Greek capitals
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
    "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    # Greek small letters
    "ο": "o", "ν": "v", "ρ": "p", "κ": "k", "ι": "i", "υ": "u", "α": "a",
    # Latin look-alikes of Vietnamese letters: Icelandic eth, African D
    "Ð": "Đ", "Ɖ": "Đ",
    # dashes and slashes in document numbers ("4502/UBND-KGVX")
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2212": "-", "\u2043": "-",
    "\u2044": "/", "\u2215": "/", "\u29f8": "/",
}
_TABLE = str.maketrans(LOOK_ALIKES)


def skeleton(text: str) -> str:
    """*text* with look-alike characters replaced by the character they are drawn like."""
    return unicodedata.normalize("NFKC", text).translate(_TABLE)


def difference(a: str, b: str) -> str:
    """Where two texts with the same skeleton differ, for a message: '"Х" U+0425 thay cho
    "X"' (the first differing character of *a*, and *b*'s), or "" when it cannot be told."""
    a, b = unicodedata.normalize("NFKC", a), unicodedata.normalize("NFKC", b)
    if len(a) != len(b):
        return ""
    for x, y in zip(a, b, strict=True):
        if x != y:
            return f"\"{x}\" U+{ord(x):04X} thay cho \"{y}\""
    return ""
