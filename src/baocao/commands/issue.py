"""``baocao issue``: issue a report (number, date, status) and lock what its document is built from.

Issuing fills in the number and date, sets ``status: issued`` (line edits: comments and
formatting stay), builds the DOCX and PDF once to record their SHA-256, and records the report's
fingerprint in ``index.md`` and its issuance record ``ban-hanh.json``. While the record exists
the report is issued: only ``--reissue`` with a ``--reason`` changes it, and the record keeps
the previous issue in its history. What the fingerprint covers, and how ``check``, ``build``,
``docx`` and ``pdf`` find and refuse a later change (E601, E602), is :mod:`baocao.lock`.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .. import yamledit
from ..errors import IssueError as IssueError
from ..lock import RECORD_NAME, describe, file_digest, fingerprint, read_record, record
from ..model import Report, Repository, number_problem
from ..render.official import render_official_input
from ..repo import load_checked
from ..vietnamese import format_date_short
from ..write.documents import produce
from ..write.names import FORMATS, report_epoch, templates_dir

# --------------------------------------------------------------------------------------------
# Issuing


@dataclass(frozen=True)
class IssueResult:
    report: Report
    fingerprint: str
    record_path: Path
    reissued: bool


def _documents(root: Path, repo: Repository, report: Report) -> dict[str, str]:
    """SHA-256 of the DOCX and PDF as issued: what a later build is compared with (W602)."""
    with tempfile.TemporaryDirectory(prefix="baocao-issue-") as tmp:
        outs = {fmt: Path(tmp) / f"issued.{fmt}" for fmt in FORMATS}
        produce(render_official_input(repo, report), outs, templates_dir(root),
                report_epoch(report))
        return {fmt: file_digest(path.read_bytes()) for fmt, path in outs.items()}


def issue(root: Path, key: str, number: int | None, day: date | None, *,
          reissue: bool = False, reason: str | None = None) -> IssueResult:
    """Fill in number and date, mark *key* issued, record its fingerprint and issuance record.

    Only the ``status``, ``number``, ``date`` and ``fingerprint`` lines of index.md change;
    comments and formatting stay. A report that is issued (``status: issued`` or an issuance
    record) is issued again only with *reissue* and a *reason*.
    """
    repo, _ = load_checked(root)
    report = repo.report(key)
    if report is None:
        raise IssueError(f"không có báo cáo tháng {key} trong content/")
    meta = report.meta
    old, unreadable = read_record(root, report)
    rec_name = f"{report.folder}/{RECORD_NAME}"
    was_issued = meta.status == "issued" or old is not None or unreadable is not None
    if was_issued and not reissue:
        raise IssueError(
            f"{describe(report)} đã ban hành (hồ sơ ban hành: {rec_name}); văn bản đã ban hành "
            f"không được thay đổi lặng lẽ. Nếu thật sự cần ban hành lại, thêm --reissue "
            f"--reason \"…\""
        )
    reason = (reason or "").strip()
    if reissue and not reason:
        raise IssueError('ban hành lại cần ghi lý do: --reason "…"')
    if unreadable is not None:
        raise IssueError(f"{rec_name}: hồ sơ ban hành không đọc được ({unreadable}); hãy lấy "
                         "lại tệp từ lịch sử git")
    if number is None:
        number = meta.number if (reissue and meta.number is not None) else None
    if day is None and reissue and meta.date is not None:
        day = meta.date.value
    if number is None or day is None:
        raise IssueError("cần số văn bản (--number) và ngày ban hành (--date)")
    why = number_problem(number)
    if why is not None:
        raise IssueError(why)
    if day < report.cutoff:
        raise IssueError(f"ngày ban hành {format_date_short(day)} trước ngày chốt số liệu "
                         f"{format_date_short(report.cutoff)} của báo cáo")
    index = root / report.index_src.path
    record_path = root / report.folder / RECORD_NAME
    original = index.read_text(encoding="utf-8")
    original_record = record_path.read_bytes() if old is not None else None
    try:
        text = yamledit.set_value(original, "status", "issued")
        text = yamledit.set_value(text, "number", str(number), after="status")
        text = yamledit.set_value(text, "date", day.isoformat(), after="number")
    except yamledit.FrontMatterEditError as exc:
        raise IssueError(f"{report.index_src.path}: {exc}") from None
    index.write_text(text, encoding="utf-8")
    try:
        repo, _ = load_checked(root)
        issued = repo.report(key)
        assert issued is not None
        fp = fingerprint(repo, issued)
        rec = record(repo, issued, documents=_documents(root, repo, issued),
                     replaces=old, reason=reason)
        text = yamledit.set_value(text, "fingerprint", yamledit.quote(fp), after="date")
        record_path.write_text(json.dumps(rec, ensure_ascii=False, indent=1) + "\n",
                               encoding="utf-8")
        index.write_text(text, encoding="utf-8")
    except BaseException:
        index.write_text(original, encoding="utf-8")
        if original_record is None:
            record_path.unlink(missing_ok=True)
        else:
            record_path.write_bytes(original_record)
        raise
    repo, _ = load_checked(root)
    final = repo.report(key)
    assert final is not None
    return IssueResult(final, fp, record_path, was_issued)


def lock_issued(root: Path) -> list[Report]:
    """Fingerprint every report marked issued by hand (no fingerprint yet), e.g. an archive
    brought over from before ``baocao issue`` existed. Returns the reports locked."""
    repo, _ = load_checked(root)
    locked = []
    for report in repo.reports:
        if report.meta.status != "issued" or report.meta.fingerprint:
            continue
        index = root / report.index_src.path
        text = index.read_text(encoding="utf-8")
        fp = fingerprint(repo, report)
        try:
            text = yamledit.set_value(text, "fingerprint", yamledit.quote(fp), after="date")
        except yamledit.FrontMatterEditError as exc:
            raise IssueError(f"{report.index_src.path}: {exc}") from None
        (root / report.folder / RECORD_NAME).write_text(
            json.dumps(record(repo, report), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        index.write_text(text, encoding="utf-8")
        locked.append(report)
    return locked
