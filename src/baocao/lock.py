"""The issued-report lock: what an issued report's official document is built from, and E601
when any of it changed since it was issued (DESIGN decision 14).

Issuing (``baocao issue``, commands/issue.py) records a *fingerprint* in the report's
``index.md``: a digest of everything the official document is made of (the report facts, the
agency identity in force, every section's heading and text, and each listed task's facts as
known at the cut-off). ``ban-hanh.json`` beside it keeps a digest per field, per section line
and per task field, so that ``check`` can name what changed (file and line), not only that
something did. Facts dated after the cut-off are not part of it (DESIGN decision 7): completing
a task in October never touches September.

An issued official document never changes silently: ``check``, ``docx``, ``pdf`` and the
library's ``build`` (so every caller, ``serve`` included) refuse a changed issued report until
it is reverted or re-issued (``--reissue``). Templates and renderer code are not part of the
fingerprint: they are guarded by the golden and conformance tests.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from pathlib import Path
from typing import Any

from . import yamledit
from .directives import report_rows
from .load import DIRECTIVES_FILE, ORG_FILE
from .model import Report, Repository
from .problems import ContentError, Problem, Problems
from .vietnamese import format_date_short

RECORD_NAME = "ban-hanh.json"
SCHEME = "sha256"
_META_FIELDS = ("title", "status", "number", "date", "cutoff", "period_start", "parts", "signer",
                "recipients")


# --------------------------------------------------------------------------------------------
# What the official document is built from


def _meta(repo: Repository, report: Report) -> dict[str, Any]:
    m = report.meta
    return {
        "title": m.title,
        "status": m.status,
        "number": m.number,
        "date": m.date.value.isoformat() if m.date else None,
        "cutoff": report.cutoff.isoformat(),
        "period_start": report.period_start.isoformat(),
        "parts": [{"number": p.number, "title": p.title, "headings": dict(sorted(p.headings.items()))}
                  for p in m.parts],
        "signer": {"authority": m.signer.authority, "position": m.signer.position,
                   "name": m.signer.name},
        "recipients": list(m.recipients),
    }


def _organization(report: Report) -> dict[str, Any]:
    o = report.organization
    return {"parent": o.parent, "name": o.name, "place": o.place, "symbol": o.symbol,
            "head_title": o.head_title}


def _body_lines(body: str) -> list[str]:
    return body.rstrip("\n").split("\n") if body.strip() else []


def _sections(report: Report) -> dict[str, dict[str, Any]]:
    return {
        s.src.path.rsplit("/", 1)[-1]: {
            "head": {"kind": s.kind, "part": s.part, "number": s.number, "title": s.title},
            "lines": _body_lines(s.body),
        }
        for s in report.sections
    }


def _tasks(repo: Repository, report: Report) -> dict[str, dict[str, Any]]:
    """Each listed task's facts as the report shows them at its cut-off (register order)."""
    out: dict[str, dict[str, Any]] = {}
    for row in report_rows(repo, report):
        t = row.task
        done = row.status.done
        out[t.id] = {
            "document": t.document,
            "issued": t.issued_text,
            "summary": t.summary,
            "deadline": [row.deadline.text, t.deadline.text],
            "status": row.status.value,
            "progress": row.progress,
            "completed": t.completed_text if done else "",
            "result": t.result if done else "",
        }
    return out


def manifest(repo: Repository, report: Report) -> dict[str, Any]:
    """Everything the official document of *report* is built from (plain JSON data)."""
    return {
        "v": 1,
        "report": report.key,
        "meta": _meta(repo, report),
        "organization": _organization(report),
        "sections": _sections(report),
        "tasks": _tasks(repo, report),
    }


def _canonical(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _digest(data: Any, n: int = 12) -> str:
    return hashlib.sha256(_canonical(data)).hexdigest()[:n]


def fingerprint(repo: Repository, report: Report) -> str:
    """``sha256:<hex>`` of :func:`manifest`."""
    return f"{SCHEME}:{hashlib.sha256(_canonical(manifest(repo, report))).hexdigest()}"


def record(repo: Repository, report: Report) -> dict[str, Any]:
    """The issuance record (ban-hanh.json): per-part digests that locate a later change."""
    man = manifest(repo, report)
    return {
        "note": "Hồ sơ ban hành do lệnh baocao issue ghi; không sửa tay.",
        "report": report.key,
        "number": report.meta.number,
        "date": man["meta"]["date"],
        "fingerprint": fingerprint(repo, report),
        "meta": {k: _digest(v) for k, v in man["meta"].items()},
        "organization": _digest(man["organization"]),
        "sections": {name: {"head": _digest(s["head"]), "lines": [_digest(x, 8) for x in s["lines"]]}
                     for name, s in man["sections"].items()},
        "task_order": list(man["tasks"]),
        "tasks": {tid: {k: _digest(v, 8) for k, v in facts.items()}
                  for tid, facts in man["tasks"].items()},
    }


# --------------------------------------------------------------------------------------------
# The lock: what check reports


def describe(report: Report) -> str:
    m = report.meta
    what = f"báo cáo tháng {report.month}/{report.year}"
    if m.number is not None and m.date is not None:
        what += f" (số {m.number}/BC-{report.organization.symbol} ngày {format_date_short(m.date.value)})"
    return what


def _read_record(root: Path, report: Report) -> dict[str, Any] | None:
    try:
        data = json.loads((root / report.folder / RECORD_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _index_text(root: Path, report: Report) -> str:
    try:
        return (root / report.index_src.path).read_text(encoding="utf-8")
    except OSError:
        return ""


def _key_line(text: str, key: str) -> int:
    try:
        return yamledit.get_line(text, key) or 1
    except yamledit.FrontMatterEditError:
        return 1


def lock_problems(repo: Repository, root: Path) -> list[Problem]:
    """E601 for each change to an issued report since it was issued; W601 for an issued report
    that was never fingerprinted (issued by hand)."""
    problems = Problems()
    for report in repo.reports:
        if report.meta.status != "issued":
            continue
        index = report.index_src.path
        text = _index_text(root, report)
        recorded = report.meta.fingerprint
        if not recorded:
            problems.add(index, _key_line(text, "status"), 1, "W601",
                         f"{describe(report)} ghi status: issued nhưng chưa được khóa bằng lệnh "
                         f"ban hành; chạy: baocao issue {report.key} --reissue (hoặc khóa mọi báo cáo "
                         f"như vậy: baocao issue --lock-issued)")
            continue
        if fingerprint(repo, report) == recorded:
            continue
        rec = _read_record(root, report)
        before = len(problems)
        if rec is not None and rec.get("fingerprint") == recorded:
            _locate(repo, report, rec, text, problems)
        if len(problems) == before:
            problems.add(index, _key_line(text, "fingerprint"), 1, "E601",
                         f"{describe(report)} đã ban hành nhưng nội dung đã thay đổi sau khi ban "
                         f"hành (không có {RECORD_NAME} khớp để chỉ ra chỗ thay đổi); hãy hoàn lại "
                         f"thay đổi, hoặc ban hành lại: baocao issue {report.key} --reissue")
    return problems.sorted()


_REISSUE = "hãy hoàn lại; nếu thật sự cần ban hành lại: baocao issue {key} --reissue"
_TASK_FIELDS = {"document": "document", "issued": "issued", "summary": "summary",
                "deadline": "deadline/extensions", "status": "tình trạng", "progress": "tiến độ",
                "completed": "completed", "result": "result"}


def _locate(repo: Repository, report: Report, rec: dict[str, Any], index_text: str,
            problems: Problems) -> None:
    """Name each changed part of an issued report, at its file and line."""
    man = manifest(repo, report)
    who = describe(report)
    tail = _REISSUE.format(key=report.key)
    index = report.index_src.path
    for key, value in man["meta"].items():
        if rec.get("meta", {}).get(key) != _digest(value):
            where = key if key != "period_start" or "period_start" in index_text else "cutoff"
            problems.add(index, _key_line(index_text, where), 1, "E601",
                         f"{who} đã ban hành: trường \"{key}\" đã thay đổi sau khi ban hành; {tail}")
    if rec.get("organization") != _digest(man["organization"]):
        problems.add(ORG_FILE, 1, 1, "E601",
                     f"{who} đã ban hành: tên cơ quan, địa danh áp dụng cho báo cáo này đã thay "
                     f"đổi; {tail}")
    old_sections: dict[str, Any] = rec.get("sections", {})
    by_name = {s.src.path.rsplit("/", 1)[-1]: s for s in report.sections}
    for name, sec in man["sections"].items():
        path = f"{report.folder}/{name}"
        old = old_sections.get(name)
        if old is None:
            problems.add(path, 1, 1, "E601", f"{who} đã ban hành: tệp mục này được thêm sau khi "
                         f"ban hành; {tail}")
            continue
        if old.get("head") != _digest(sec["head"]):
            problems.add(path, 2, 1, "E601", f"{who} đã ban hành: Phần, số hoặc tên mục đã thay "
                         f"đổi sau khi ban hành; {tail}")
        new_lines = [_digest(x, 8) for x in sec["lines"]]
        first = by_name[name].body_line
        matcher = difflib.SequenceMatcher(a=old.get("lines", []), b=new_lines, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                continue
            if op == "delete":
                problems.add(path, first + max(j1 - 1, 0), 1, "E601",
                             f"{who} đã ban hành: {i2 - i1} dòng ở đây đã bị xóa sau khi ban hành; "
                             f"{tail}")
                continue
            count = ("dòng này đã thay đổi" if j2 - j1 == 1
                     else f"{j2 - j1} dòng từ dòng này đã thay đổi")
            problems.add(path, first + j1, 1, "E601",
                         f"{who} đã ban hành: {count} sau khi ban hành; {tail}")
    for name in old_sections:
        if name not in man["sections"]:
            problems.add(index, 1, 1, "E601", f"{who} đã ban hành: tệp mục {name} đã bị xóa hoặc "
                         f"đổi tên sau khi ban hành; {tail}")
    old_tasks: dict[str, Any] = rec.get("tasks", {})
    for tid, facts in man["tasks"].items():
        task = repo.task(tid)
        line = task.src.line if task else 1
        old = old_tasks.get(tid)
        if old is None:
            problems.add(DIRECTIVES_FILE, line, 1, "E601",
                         f"nhiệm vụ {tid} nay được liệt kê trong phụ lục của {who}, báo cáo đã ban "
                         f"hành; nếu nhiệm vụ được ghi bổ sung, thêm mã vào tasks: exclude: của "
                         f"báo cáo đó, hoặc ban hành lại: baocao issue {report.key} --reissue")
            continue
        changed = [_TASK_FIELDS.get(k, k) for k, v in facts.items() if old.get(k) != _digest(v, 8)]
        if changed:
            problems.add(DIRECTIVES_FILE, line, 1, "E601",
                         f"nhiệm vụ {tid}: {', '.join(changed)} tính đến ngày chốt "
                         f"{format_date_short(report.cutoff)} đã khác lúc ban hành {who} (báo cáo "
                         f"đã ban hành dùng các sự kiện này); {tail}")
    for tid in rec.get("task_order", []):
        if tid not in man["tasks"]:
            task = repo.task(tid)
            problems.add(DIRECTIVES_FILE, task.src.line if task else 1, 1, "E601",
                         f"nhiệm vụ {tid} không còn trong phụ lục của {who}, báo cáo đã ban hành; "
                         f"{tail}")


def ensure_issued_unchanged(repo: Repository, root: Path) -> None:
    """Raise :class:`ContentError` when an issued report changed (build, docx, pdf call this)."""
    errors = [p for p in lock_problems(repo, root) if p.code.startswith("E")]
    if errors:
        raise ContentError(errors)
