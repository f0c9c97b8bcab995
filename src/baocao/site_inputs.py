"""Stage 1 for the site: what the website is built from besides the content, read once per build:
the repository's mkdocs.yml (plain data, validated: baocao.settings) and the git history that the
pages show."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path
from typing import Any

from .errors import SiteBuildError as SiteBuildError
from .load import load_site_settings
from .problems import ContentError, Problems
from .render.site import DIRECTIVES_SOURCE, GUIDE_SOURCE, Revision
from .settings import SITE_CONFIG as SITE_CONFIG


def read_site_config(root: Path) -> dict[str, Any]:
    """The allowed part of the repository's mkdocs.yml (empty when absent), read by the same
    loader as ``check`` (:func:`baocao.load.load_site_settings`): a build called with a
    repository loaded before the file changed still refuses what ``check`` refuses.

    Raises ContentError (every problem, with file:line) when the file has errors."""
    problems = Problems()
    config = load_site_settings(root.resolve(), problems)
    if problems.errors:
        raise ContentError(problems.errors)
    return config


def revision_group(path: str) -> str:
    """The source a changed file belongs to: its report folder, or the file itself."""
    parts = path.split("/")
    if len(parts) >= 4 and parts[0] == "content":
        return "/".join(parts[:3])
    return path


def parse_git_log(text: str) -> dict[str, Revision]:
    """Revisions from ``git log --format=%x1e%cs%x1f%aN --name-only`` output (newest first)."""
    days: dict[str, date] = {}
    authors: dict[str, list[str]] = {}
    for record in text.split("\x1e"):
        head, _, files = record.partition("\n")
        if "\x1f" not in head:
            continue
        day_text, author = head.split("\x1f", 1)
        try:
            day = date.fromisoformat(day_text.strip())
        except ValueError:
            continue
        author = author.strip()
        for name in files.split("\n"):
            name = name.strip()
            if not name:
                continue
            group = revision_group(name)
            days.setdefault(group, day)
            seen = authors.setdefault(group, [])
            if author and author not in seen:
                seen.append(author)
    return {g: Revision(days[g], tuple(authors[g])) for g in days}


def read_git_history(root: Path) -> dict[str, Revision]:
    """Last change and authors of each report folder, directives.yaml and the guide.

    Empty outside a git work tree or without git: the site then shows no update dates. Empty
    in a shallow clone too (CI's default fetch depth): there the oldest commit fetched would
    seem to have made every file, giving every report its date and author, so the history is
    shown as unknown rather than wrong (the pipeline fetches it whole: ``GIT_DEPTH: 0``).
    """
    try:
        shallow = subprocess.run(["git", "-C", str(root), "rev-parse", "--is-shallow-repository"],
                                 capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return {}
    if shallow.returncode != 0 or shallow.stdout.strip() != "false":
        return {}
    cmd = ["git", "-C", str(root), "-c", "core.quotepath=off", "log", "--relative",
           "--no-renames", "--format=%x1e%cs%x1f%aN", "--name-only", "--",
           "content", DIRECTIVES_SOURCE, GUIDE_SOURCE]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8",
                              errors="replace", timeout=120, check=False)
    except (OSError, subprocess.SubprocessError):
        return {}
    if proc.returncode != 0:
        return {}
    return parse_git_log(proc.stdout)
