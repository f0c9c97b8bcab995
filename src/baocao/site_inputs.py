"""Stage 1 for the site: what the website is built from besides the content, read once per build:
the repository's mkdocs.yml (plain data only) and the git history that the pages show."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from .errors import SiteBuildError as SiteBuildError
from .render.site import DIRECTIVES_SOURCE, GUIDE_SOURCE, Revision
from .repofiles import read_setting_text

SITE_CONFIG = "mkdocs.yml"


def read_site_config(root: Path) -> dict[str, Any]:
    """The repository's mkdocs.yml (empty when absent). Only plain YAML is accepted: no
    ``!!python`` or ``!ENV`` tags, which Zensical does not read and which would run code."""
    try:
        text = read_setting_text(root, SITE_CONFIG)  # no link, no special file (E108)
        if text is None:
            return {}
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{SITE_CONFIG}:{mark.line + 1}:{mark.column + 1}" if mark else SITE_CONFIG
        raise SiteBuildError(
            f"{where}: không đọc được cấu hình trang web ({exc.problem}); tệp chỉ được dùng YAML "
            "thường, không dùng thẻ như !!python/name hay !ENV"
        ) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SiteBuildError(f"{SITE_CONFIG}: không đọc được cấu hình trang web: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SiteBuildError(f"{SITE_CONFIG}: cấu hình trang web phải là các dòng \"khóa: giá trị\"")
    return data


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
