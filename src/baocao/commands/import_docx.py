"""``baocao import FILE.docx|FOLDER``: earlier reports from Word into the content format.

Reads each DOCX (:mod:`baocao.importing`), plans its report folder and the register's new
facts, and writes them inside the repository only: a month that exists is never overwritten,
and ``--dry-run`` writes nothing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import yaml

from ..errors import BaocaoError, ImportRefused
from ..importing.docx_read import read_docx
from ..importing.plan import build_plan, repo_path
from ..importing.report import read_report
from ..importing.tasks import Note
from ..importing.summary import FileResult
from ..load import load_organization, organization_on, tasks_from_text
from ..problems import Problems
from ..repofiles import DIRECTIVES_FILE, ORG_FILE


def _read(root: Path, rel: str) -> str | None:
    path = root / rel
    if not path.is_file() or path.is_symlink():
        return None
    return path.read_text(encoding="utf-8")


def _previous_cutoff(root: Path, year: int, month: int) -> date | None:
    """The cut-off of the latest report before *year*-*month* in the repository."""
    best: date | None = None
    content = root / "content"
    if not content.is_dir():
        return None
    for index in sorted(content.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/index.md")):
        y, m = int(index.parent.parent.name), int(index.parent.name)
        if (y, m) >= (year, month):
            continue
        text = index.read_text(encoding="utf-8")
        found = re.search(r"^cutoff:\s*(\d{4}-\d{2}-\d{2})", text, re.M)
        if found:
            day = date.fromisoformat(found.group(1))
            best = day if best is None or day > best else best
    return best


def import_file(root: Path, path: Path, *, month: str | None = None, cutoff: date | None = None,
                dry_run: bool = False) -> FileResult:
    """Import one DOCX into *root*; raises ImportRefused for a month that exists."""
    items, legacy = read_docx(path)
    rep = read_report(items)
    if legacy is not None:
        rep.notes.append(Note("guess", "toàn văn bản", f"chữ gõ bằng bảng mã {legacy.encoding} đã "
                              f"được chuyển sang Unicode (ví dụ \"{legacy.word}\" thành "
                              f"\"{legacy.reading}\"); kiểm tra lại chữ in hoa của phông .VnTimeH"))
    if not rep.sections:
        raise ImportRefused(f"{path.name}: không nhận ra cấu trúc báo cáo (Phần, Mục) trong tệp")
    directives_text = _read(root, DIRECTIVES_FILE) or ""
    problems = Problems()
    tasks = tasks_from_text(directives_text, problems) if directives_text.strip() else ()
    if problems.items:
        raise ImportRefused(f"{DIRECTIVES_FILE} đang có lỗi ({problems.items[0].format()}): "
                            "hãy sửa trước khi nhập")
    org_text = _read(root, ORG_FILE)
    org = None
    try:
        plan_month = _month_hint(rep, path, month)
    except ValueError:
        raise ImportRefused(f"{path.name}: không xác định được tháng báo cáo; hãy ghi --month "
                            "YYYY-MM") from None
    if org_text is not None:
        orgs = load_organization(root, Problems())
        org = organization_on(orgs, date(plan_month[0], plan_month[1], 1))
    plan = build_plan(rep, name=path.name, month=month, cutoff=cutoff,
                      directives_text=directives_text, tasks=tasks,
                      previous_cutoff=_previous_cutoff(root, *plan_month),
                      org_text=org_text, org_on_day=org)
    folder = root / plan.folder
    if os.path.lexists(folder):
        raise ImportRefused(f"{path.name}: tháng {plan.month[1]}/{plan.month[0]} đã có trong kho "
                            f"({plan.folder}); không ghi đè")
    result = FileResult(path, plan)
    if dry_run:
        return result
    for rel, text in plan.files.items():
        target = repo_path(root, rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "x", encoding="utf-8") as fh:
            fh.write(text)
        result.written.append(rel)
    if plan.directives is not None:
        _replace(root, DIRECTIVES_FILE, plan.directives)
        result.written.append(DIRECTIVES_FILE)
    if plan.organization is not None and org_text is None:
        with open(repo_path(root, ORG_FILE), "x", encoding="utf-8") as fh:
            fh.write(plan.organization)
        result.written.append(ORG_FILE)
    return result


def _month_hint(rep: object, path: Path, month: str | None) -> tuple[int, int]:
    from ..importing.plan import month_of  # noqa: PLC0415
    return month_of(rep, path.name, month, [])  # type: ignore[arg-type]


def _replace(root: Path, rel: str, text: str) -> None:
    target = repo_path(root, rel)
    tmp = target.with_name(target.name + ".import-tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, target)


def import_paths(root: Path, paths: list[Path], *, month: str | None, cutoff: date | None,
                 dry_run: bool, progress: Callable[[Path], None] | None = None) -> list[FileResult]:
    """Each DOCX in *paths* (a folder: its *.docx, by name), oldest month first; one failing
    file does not stop the others."""
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(sorted(x for x in p.iterdir() if x.suffix.lower() == ".docx"
                                and not x.name.startswith("~$")))
        else:
            files.append(p)
    results = []
    for f in files:
        if progress is not None:
            progress(f)
        try:
            results.append(import_file(root, f, month=month if len(files) == 1 else None,
                                       cutoff=cutoff, dry_run=dry_run))
        except BaocaoError as exc:
            results.append(FileResult(f, error=exc.message))
        except (OSError, ValueError, KeyError, yaml.YAMLError) as exc:
            results.append(FileResult(f, error=f"không đọc được tệp: {exc}"))
    return results
