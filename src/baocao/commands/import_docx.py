"""``baocao import FILE.docx|FOLDER``: earlier reports from Word into the content format.

Reads each DOCX (:mod:`baocao.importing`), plans its report folder and the register's new
facts, and writes them inside the repository only: a month that exists is never overwritten,
and ``--dry-run`` writes nothing.
"""

from __future__ import annotations

import os
import zipfile
import zlib
from collections.abc import Callable
from datetime import date
from pathlib import Path

import yaml
from lxml import etree

from ..errors import BaocaoError, ImportRefused, PandocError, describe_os_error
from ..importing.docx_read import read_docx_images
from ..importing.existing import current_register, previous_cutoff, read_repo_text
from ..importing.plan import build_plan, replace_repo_file, repo_path
from ..importing.report import ReadReport, read_report
from ..importing.summary import FileResult
from ..importing.tasks import Note
from ..load import load_organization, organization_on
from ..problems import Problems
from ..repofiles import DIRECTIVES_FILE, ORG_FILE


def read_file(path: Path) -> ReadReport:
    """The report recognised in one DOCX; ImportRefused when it cannot be read or has no
    report structure."""
    try:
        items, legacy, dropped, images = read_docx_images(path)
    except (PandocError, zipfile.BadZipFile, etree.XMLSyntaxError, zlib.error, EOFError,
            KeyError, NotImplementedError, RuntimeError):  # RuntimeError: an encrypted zip part
        raise ImportRefused(f"{path.name}: không đọc được tệp Word (tệp hỏng, có mật khẩu hoặc "
                            "không phải .docx)") from None
    except OSError as exc:
        raise ImportRefused(f"{path.name}: không đọc được: {describe_os_error(exc)}") from None
    rep = read_report(items)
    rep.images = images
    rep.notes.extend(Note("guess", "toàn văn bản", text) for text in legacy)
    rep.notes.extend(Note("unmapped", where, text) for where, text in dropped)
    if not rep.sections:
        raise ImportRefused(f"{path.name}: không nhận ra cấu trúc báo cáo (Phần, Mục) trong tệp")
    return rep


def import_file(root: Path, path: Path, *, month: str | None = None, cutoff: date | None = None,
                dry_run: bool = False, rep: ReadReport | None = None) -> FileResult:
    """Import one DOCX into *root*; raises ImportRefused for a month that exists."""
    rep = rep if rep is not None else read_file(path)
    directives_text, tasks = current_register(root)
    org_text = read_repo_text(root, ORG_FILE)
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
                      previous_cutoff=previous_cutoff(root, *plan_month),
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
    for rel, data in plan.images.items():
        target = repo_path(root, rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "xb") as fh:
            fh.write(data)
        result.written.append(rel)
    if plan.directives is not None:
        replace_repo_file(root, DIRECTIVES_FILE, plan.directives)
        result.written.append(DIRECTIVES_FILE)
    if plan.organization is not None and org_text is None:
        with open(repo_path(root, ORG_FILE), "x", encoding="utf-8") as fh:
            fh.write(plan.organization)
        result.written.append(ORG_FILE)
    return result


def _month_hint(rep: object, path: Path, month: str | None) -> tuple[int, int]:
    from ..importing.plan import month_of  # noqa: PLC0415
    return month_of(rep, path.name, month, [])  # type: ignore[arg-type]


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
    results: list[FileResult] = []
    read: list[tuple[tuple[int, int], Path, ReadReport]] = []
    for f in files:  # every file read first: imported oldest month first (periods chain)
        if progress is not None:
            progress(f)
        try:
            rep = read_file(f)
            read.append((_month_hint(rep, f, month if len(files) == 1 else None), f, rep))
        except BaocaoError as exc:
            results.append(FileResult(f, error=exc.message))
        except ValueError:
            results.append(FileResult(f, error=f"{f.name}: không xác định được tháng báo cáo"))
    for _, f, rep in sorted(read, key=lambda x: (x[0], x[1].name)):
        try:
            results.append(import_file(root, f, month=month if len(files) == 1 else None,
                                       cutoff=cutoff, dry_run=dry_run, rep=rep))
        except BaocaoError as exc:
            results.append(FileResult(f, error=exc.message))
        except OSError as exc:
            results.append(FileResult(f, error=f"{f.name}: không nhập được: "
                                               f"{describe_os_error(exc)}"))
        except (KeyError, yaml.YAMLError) as exc:
            results.append(FileResult(f, error=f"{f.name}: không nhập được: {exc}"))
    return sorted(results, key=lambda r: r.path.name)
