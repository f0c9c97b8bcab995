"""``baocao check``: validate the whole repository and list every problem."""

from __future__ import annotations

from pathlib import Path

from ..load import load_repository
from ..lock import lock_problems
from ..problems import Problem


def check(root: Path) -> list[Problem]:
    """Every problem of the repository at *root*, sorted by file, line and column.

    Besides the content itself: issued reports must not have changed since they were issued
    (baocao.lock).
    """
    repo, problems = load_repository(root)
    problems.extend(lock_problems(repo, root.resolve()))
    return problems.sorted()
