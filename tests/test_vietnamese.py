"""Vietnamese date, number and label helpers (examples and properties)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from baocao.vietnamese import (
    DIEM_LETTERS,
    DateParseError,
    diem_label,
    fold,
    format_count,
    format_date_long,
    format_date_short,
    nfc,
    parse_date,
    parse_roman,
    roman,
)


@pytest.mark.parametrize(("d", "text"), [
    (date(2023, 9, 5), "ngày 05 tháng 9 năm 2023"),
    (date(2024, 1, 15), "ngày 15 tháng 01 năm 2024"),
    (date(2024, 2, 9), "ngày 09 tháng 02 năm 2024"),
    (date(2023, 12, 25), "ngày 25 tháng 12 năm 2023"),
    (date(2019, 6, 29), "ngày 29 tháng 6 năm 2019"),
])
def test_long_date_follows_nd30(d, text):
    assert format_date_long(d) == text


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_date_forms_people_type_parse_back(d):
    for text in (f"{d.day}/{d.month}/{d.year}", f"{d.day:02d}/{d.month:02d}/{d.year}",
                 d.isoformat(), format_date_short(d), format_date_long(d),
                 f"{d.day}-{d.month}-{d.year}", f"{d.day}.{d.month}.{d.year}"):
        assert parse_date(text) == d


@pytest.mark.parametrize("bad", ["31/2/2023", "2023-02-30", "0/1/2024", "12/13/2024", "hôm qua",
                                 "", "18/8"])
def test_impossible_or_unreadable_dates_are_refused(bad):
    with pytest.raises(DateParseError):
        parse_date(bad)


def test_diem_letters_follow_vietnamese_alphabet():
    labels = [diem_label(i) for i in range(len(DIEM_LETTERS))]
    assert labels[:7] == ["a", "b", "c", "d", "đ", "e", "g"]
    assert not {"f", "j", "w", "z"} & set(labels)
    assert diem_label(len(DIEM_LETTERS)) == "aa"


@pytest.mark.parametrize(("n", "text"), [(0, "0"), (4, "04"), (9, "09"), (10, "10"), (123, "123")])
def test_counts_written_as_the_report_writes_them(n, text):
    assert format_count(n) == text


@given(st.integers(min_value=1, max_value=3999))
def test_roman_round_trip(n):
    assert parse_roman(roman(n)) == n


def test_nfc_and_fold():
    decomposed = "Đu\u031bo\u031b\u0300ng"  # "Đường" typed with combining marks
    assert nfc(decomposed) == "Đường"
    assert fold("Giám định tư pháp") == "giam dinh tu phap"
    assert fold("Đường") == "duong"
