"""Finding the content repository and loading it once for a command."""

from __future__ import annotations

from pathlib import Path

from .errors import RepoNotFound as RepoNotFound
from .load import CONTENT_DIR, ORG_FILE, load_repository
from .model import Repository
from .problems import ContentError, Problems


def find_root(start: Path) -> Path:
    """The folder holding content/ and organization.yaml, at or above *start*."""
    start = start.resolve()
    for candidate in (start, *start.parents):
        if (candidate / CONTENT_DIR).is_dir() or (candidate / ORG_FILE).is_file():
            return candidate
    raise RepoNotFound(
        f"không tìm thấy kho nội dung (thư mục có content/ và {ORG_FILE}) tại {start} "
        "hoặc các thư mục cha; hãy chạy lệnh trong kho hoặc dùng --repo"
    )


def load_checked(root: Path) -> tuple[Repository, Problems]:
    """Load the repository; raise :class:`ContentError` (with every problem) on any error."""
    repo, problems = load_repository(root)
    if problems.errors:
        raise ContentError(problems.sorted())
    return repo, problems
