"""Month arithmetic, in one place (python-dateutil's ``relativedelta``).

Reports are monthly: the next month's cut-off, a first report's period, the month after a
report, the last day of a deadline's month. Every such computation goes through here, so that
the end of a month (28, 29, 30 or 31 days) is handled the same way everywhere.
"""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from .errors import DateParseError

#: Years a report or a task may be dated in. Dates outside are typing slips ("0001-01-14",
#: "18/8/2999") that would otherwise reach the month arithmetic below and fail there (year 0,
#: year 10000), or print a report for "tháng 1/0".
FIRST_YEAR, LAST_YEAR = 1990, 2100


def year_problem(year: int) -> str | None:
    """Why *year* cannot date a report or a task (Vietnamese), or None when it can."""
    if FIRST_YEAR <= year <= LAST_YEAR:
        return None
    return f"năm {year} nằm ngoài khoảng {FIRST_YEAR}–{LAST_YEAR}"


def check_year(year: int, text: str) -> None:
    """Raise :class:`DateParseError` naming *text* when *year* is outside the range."""
    if year_problem(year) is not None:
        raise DateParseError(f"năm {year} của ngày \"{text}\" nằm ngoài khoảng "
                             f"{FIRST_YEAR}–{LAST_YEAR}")


def add_months(day: date, delta: int) -> date:
    """The same day *delta* months later (earlier when negative); the month's last day when it
    has fewer days (31/3/2024 minus one month is 29/2/2024)."""
    return day + relativedelta(months=delta)


def month_after(year: int, month: int, delta: int = 1) -> tuple[int, int]:
    """(year, month) *delta* months after the given month."""
    moved = date(year, month, 1) + relativedelta(months=delta)
    return moved.year, moved.month


def end_of_month(year: int, month: int) -> date:
    """Last day of a month."""
    return date(year, month, 1) + relativedelta(months=1, days=-1)


def default_period_start(cutoff: date, previous_cutoff: date | None) -> date:
    """The day after the previous report's cut-off; for the first report, the day after the
    same day one month back (cut-off 31/3/2024: 29/2/2024 + 1 day = 1/3/2024)."""
    if previous_cutoff is not None:
        return previous_cutoff + timedelta(days=1)
    return add_months(cutoff, -1) + timedelta(days=1)
