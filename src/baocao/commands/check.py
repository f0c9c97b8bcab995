"""``baocao check``: validate the whole repository and list every problem."""

from __future__ import annotations

from pathlib import Path

from ..load import load_repository
from ..problems import Problem


def check(root: Path) -> list[Problem]:
    """Every problem of the repository at *root*, sorted by file, line and column."""
    _, problems = load_repository(root)
    return problems.sorted()
