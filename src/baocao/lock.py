"""The issued-report lock: what an issued report's official document is built from, and E601
when any of it changed since it was issued (DESIGN decision 14).

Issuing (``baocao issue``, commands/issue.py) records a *fingerprint* in the report's
``index.md``: a digest of everything the official document is made of, in document order (the
report facts, the agency identity in force, every section's heading and text in outline order,
and each listed task's facts as known at the cut-off, in the order that numbers the appendix
rows). ``ban-hanh.json`` beside it, the *issuance record*, keeps a digest per field, per section
line and per task field, and the task order, so that ``check`` can name what changed (file and
line), not only that something did; and the SHA-256 of the DOCX and PDF as issued. Facts dated
after the cut-off are not part of it (DESIGN decision 7): completing a task in October never
touches September.

The record is authoritative: while it exists, the report is issued whatever ``index.md`` says.
Setting ``status`` back to ``draft``, deleting the ``fingerprint:`` line or editing it are
errors (E602); the only ways out are ``baocao issue --reissue --reason "…"`` (recorded, the
previous issue kept in the record's history) or removing the record in a reviewed commit.

The fingerprint covers the *facts* the documents are rendered from, not the renderer: templates,
Lua filters and the package are code, changed through reviewed commits, and a baocao upgrade must
not turn every issued report into a content error. What such a change does to an issued document
is found by its bytes instead: a build whose DOCX or PDF differs from the SHA-256 recorded at
issue time, while the fingerprint still matches, warns (W602, :func:`document_changes`), so the
clerk knows before CI publishes it.

Fingerprints are versioned: ``sha256:<hex>`` (v1, keyed dictionaries: the task order was lost)
is still verified for reports issued before v2, and its record's ``task_order`` now locks the
order; ``baocao issue`` writes ``sha256:v2:<hex>``.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from . import repofiles, yamledit
from .directives import Status, TaskRow, deadline_change, latest_progress, report_rows
from .load import DIRECTIVES_FILE, ORG_FILE
from .model import DEFAULT_APPENDIX, Adjustment, AppendixSpec, Report, Repository, Section
from .problems import ContentError, Problem, Problems
from .render.facts import GroupRow, compute_facts
from .render.outline import OpeningBlock, SectionBlock, outline
from .repofiles import RefusedFile, read_repo_bytes
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
        # issue 16: only when used, so that the fingerprints of earlier reports stay as issued
        **({"addressees": list(m.addressees)} if m.addressees else {}),
    }


def _organization(report: Report) -> dict[str, Any]:
    o = report.organization
    return {"parent": o.parent, "name": o.name, "place": o.place, "symbol": o.symbol,
            "head_title": o.head_title}


def _body_lines(body: str) -> list[str]:
    return body.rstrip("\n").split("\n") if body.strip() else []


def _section_order(report: Report) -> list[Section]:
    """The sections in the order of the document: the outline (Phần by Phần), the appendix last."""
    ordered = [b.section for b in outline(report) if isinstance(b, SectionBlock | OpeningBlock)]
    rest = [s for s in report.sections if s not in ordered and s.kind != "section"]
    return ordered + rest


def _section(s: Section) -> dict[str, Any]:
    head: dict[str, Any] = {"kind": s.kind, "part": s.part, "number": s.number, "title": s.title}
    declaration = _declaration(s)
    if declaration is not None:  # only when not the default: older fingerprints stay valid
        head["appendix"] = declaration
    out: dict[str, Any] = {"head": head, "lines": _body_lines(s.body)}
    if s.images:  # issue 17: only when the body shows images, so earlier fingerprints stay
        out["images"] = [[img.target, img.sha256] for img in s.images]
    return out


def _declaration_data(spec: AppendixSpec) -> dict[str, Any]:
    return {
        # A declared width joins its column only when given: older fingerprints stay valid.
        "columns": [[c.key, c.title, c.width] if c.declared else [c.key, c.title]
                    for c in spec.columns], "group": spec.group,
        "topics": [[t.key, t.title] for t in spec.topics], "numbering": spec.numbering,
        "select": spec.select, "tasks": list(spec.tasks), "kem_theo": spec.kem_theo,
    }


def _declaration(s: Section) -> dict[str, Any] | None:
    """An appendix file's table declaration, or None for the default one (and other files)."""
    if s.appendix is None:
        return None
    data = _declaration_data(s.appendix)
    return None if data == _declaration_data(DEFAULT_APPENDIX) else data


def _tables(repo: Repository, report: Report) -> list[list[list[str]]] | None:
    """The cells of every appendix table, when a report declares its own tables (or has
    several): their rows come from other selections and show other facts than ``tasks``."""
    appendices = report.appendices
    if len(appendices) <= 1 and all(_declaration(s) is None for s in appendices):
        return None
    return [
        [[row.number, row.label] if isinstance(row, GroupRow) else list(row.cells)
         for row in a.table]
        for a in compute_facts(repo, report).appendices
    ]


def _group(row: TaskRow) -> int:
    """The appendix group of a row (I done, II in progress, III not started: render/facts.py)."""
    if row.status.done:
        return 0
    return 1 if row.status in (Status.IN_PROGRESS, Status.OVERDUE) else 2


def _numbers(rows: list[TaskRow]) -> dict[str, int]:
    """The TT of each row: numbered within its group, in the given order."""
    count = [0, 0, 0]
    out = {}
    for row in rows:
        count[_group(row)] += 1
        out[row.task.id] = count[_group(row)]
    return out


def _rows(repo: Repository, report: Report) -> list[TaskRow]:
    """The appendix rows in document order: by group, then in register order."""
    return sorted(report_rows(repo, report), key=_group)


def _task(row: TaskRow, cutoff: date) -> dict[str, Any]:
    """A listed task's facts as the report shows them at its cut-off. The facts of issue 16
    are added only when a task has them, so the fingerprints of reports issued before stay."""
    t = row.task
    done = row.status.done
    facts: dict[str, Any] = {
        "document": t.document,
        "issued": t.issued_text,
        "summary": t.summary,
        "deadline": [row.deadline.text, t.deadline.text],
        "status": row.status.value,
        "progress": row.progress,
        "completed": t.completed_text if done else "",
        "result": t.result if done else "",
    }
    change = deadline_change(t, cutoff)
    if isinstance(change, Adjustment):
        facts["adjustment"] = [change.date.isoformat(), change.document]
    note = latest_progress(t, cutoff)
    if note is not None:
        facts["progress_note"] = [note.date_text, note.text]
    if done and t.completed is None and t.completed_by is not None:
        facts["completed_by"] = t.completed_by_text
    if t.required_result:
        facts["required_result"] = t.required_result
    if t.topic:
        facts["topic"] = t.topic
    return facts


def manifest(repo: Repository, report: Report, version: int = 2) -> dict[str, Any]:
    """Everything the official document of *report* is built from (plain JSON data).

    Version 2 keeps the document order: sections in outline order, tasks in the order of the
    appendix rows. Version 1 (keyed dictionaries, sorted when digested: no order) is kept to
    verify the fingerprints of reports issued before it.
    """
    sections = _section_order(report) if version >= 2 else report.sections
    rows = _rows(repo, report) if version >= 2 else report_rows(repo, report)
    if version < 2:
        return {
            "v": 1, "report": report.key, "meta": _meta(repo, report),
            "organization": _organization(report),
            "sections": {_name(s): _section(s) for s in sections},
            "tasks": {r.task.id: _task(r, report.cutoff) for r in rows},
        }
    out = {
        "v": 2, "report": report.key, "meta": _meta(repo, report),
        "organization": _organization(report),
        "sections": [{"file": _name(s), **_section(s)} for s in sections],
        "tasks": [{"id": r.task.id, **_task(r, report.cutoff)} for r in rows],
    }
    tables = _tables(repo, report)
    if tables is not None:
        out["tables"] = tables
    return out


def _name(s: Section) -> str:
    return s.src.path.rsplit("/", 1)[-1]


def _canonical(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _digest(data: Any, n: int = 12) -> str:
    return hashlib.sha256(_canonical(data)).hexdigest()[:n]


def _version(fp: str | None) -> int | None:
    """The scheme version of a fingerprint, or None when it is not one."""
    if not isinstance(fp, str):
        return None
    if re.fullmatch(rf"{SCHEME}:v2:[0-9a-f]{{64}}", fp):
        return 2
    if re.fullmatch(rf"{SCHEME}:[0-9a-f]{{64}}", fp):
        return 1
    return None


def fingerprint(repo: Repository, report: Report, version: int = 2) -> str:
    """``sha256:v2:<hex>`` of :func:`manifest` (``sha256:<hex>`` for version 1)."""
    digest = hashlib.sha256(_canonical(manifest(repo, report, version))).hexdigest()
    return f"{SCHEME}:v2:{digest}" if version >= 2 else f"{SCHEME}:{digest}"


def _by_key(man: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The sections by file name and the tasks by id, in order, of a manifest of any version."""
    if man["v"] < 2:
        return man["sections"], man["tasks"]
    sections = {s["file"]: {k: v for k, v in s.items() if k != "file"} for s in man["sections"]}
    tasks = {t["id"]: {k: v for k, v in t.items() if k != "id"} for t in man["tasks"]}
    return sections, tasks


def file_digest(data: bytes) -> str:
    return f"{SCHEME}:{hashlib.sha256(data).hexdigest()}"


def record(repo: Repository, report: Report, *, documents: dict[str, str] | None = None,
           replaces: dict[str, Any] | None = None, reason: str = "") -> dict[str, Any]:
    """The issuance record (ban-hanh.json): per-part digests that locate a later change, the
    order of the appendix rows, the digests of the issued *documents* (format → ``sha256:…``,
    when they were built) and the history: every earlier issue, the record this one *replaces*
    last, each with the *reason* it was replaced (``--reason``) and the day."""
    man = manifest(repo, report)
    sections, tasks = _by_key(man)
    rec: dict[str, Any] = {
        "note": "Hồ sơ ban hành do lệnh baocao issue ghi; không sửa tay.",
        "v": 2,
        "report": report.key,
        "number": report.meta.number,
        "date": man["meta"]["date"],
        "fingerprint": fingerprint(repo, report),
        "documents": dict(sorted((documents or {}).items())),
        "meta": {k: _digest(v) for k, v in man["meta"].items()},
        "organization": _digest(man["organization"]),
        "sections": {name: {"head": _digest(s["head"]), "lines": [_digest(x, 8) for x in s["lines"]],
                            **({"images": {t: d[:16] for t, d in s["images"]}}
                               if s.get("images") else {})}
                     for name, s in sections.items()},
        "task_order": list(tasks),
        "tasks": {tid: {k: _digest(v, 8) for k, v in facts.items()}
                  for tid, facts in tasks.items()},
    }
    history: list[dict[str, Any]] = []
    if replaces is not None:
        previous = {k: replaces.get(k) for k in ("number", "date", "fingerprint", "documents")}
        previous.update(replaced_on=date.today().isoformat(), reason=reason)
        history = [*replaces.get("history", []), previous]
    rec["history"] = history
    return rec


# --------------------------------------------------------------------------------------------
# The lock: what check reports


def describe(report: Report) -> str:
    m = report.meta
    what = f"báo cáo tháng {report.month}/{report.year}"
    if m.number is not None and m.date is not None:
        what += f" (số {m.number}/BC-{report.organization.symbol} ngày {format_date_short(m.date.value)})"
    return what


#: A record is a few kilobytes; anything far larger is not one (and is not read whole).
_RECORD_LIMIT = 4 * 1024 * 1024


def read_record(root: Path, report: Report) -> tuple[dict[str, Any] | None, str | None]:
    """The issuance record of *report*: (record, None), (None, None) when there is none, or
    (None, why) when there is one that cannot be read (a link, a special file, not JSON)."""
    path = root / report.folder / RECORD_NAME
    if not path.is_symlink() and not path.exists():
        return None, None
    if path.is_symlink() or not path.is_file():
        return None, "không phải tệp thường (liên kết hoặc tệp đặc biệt)"
    try:
        raw = read_repo_bytes(root, f"{report.folder}/{RECORD_NAME}", _RECORD_LIMIT)
        data = json.loads(raw.decode("utf-8"))
    except RefusedFile as err:  # no link followed anywhere on the way, bounded read
        return None, ("tệp quá lớn" if err.code == "E102"
                      else "không phải tệp thường (liên kết hoặc tệp đặc biệt)")
    except (OSError, UnicodeDecodeError, ValueError):
        return None, "không phải JSON UTF-8 hợp lệ"
    if not isinstance(data, dict) or not isinstance(data.get("fingerprint"), str):
        return None, "thiếu dấu vân tay"
    return data, None


def _index_text(root: Path, report: Report) -> str:
    try:
        return read_repo_bytes(root, report.index_src.path).decode("utf-8")
    except (OSError, ValueError, RefusedFile):
        return ""


def _key_line(text: str, key: str) -> int:
    try:
        return yamledit.get_line(text, key) or 1
    except yamledit.FrontMatterEditError:
        return 1


def _reissue(key: str) -> str:
    return f'nếu thật sự cần ban hành lại: baocao issue {key} --reissue --reason "…"'


def lock_problems(repo: Repository, root: Path) -> list[Problem]:
    """E601 for each change to an issued report since it was issued; E602 when the issuance
    record says issued and index.md does not agree (status, fingerprint line), or the record
    cannot be read; W601 for an issued report that was never fingerprinted (issued by hand)."""
    with repofiles.reading(root):
        return _lock_problems(repo, root)


def _lock_problems(repo: Repository, root: Path) -> list[Problem]:
    problems = Problems()
    for report in repo.reports:
        index = report.index_src.path
        text = _index_text(root, report)
        rec, unreadable = read_record(root, report)
        rec_path = f"{report.folder}/{RECORD_NAME}"
        who = describe(report)
        if unreadable is not None:
            problems.add(rec_path, 1, 1, "E602",
                         f"hồ sơ ban hành không đọc được ({unreadable}); hồ sơ do lệnh baocao issue "
                         f"ghi và là căn cứ của báo cáo đã ban hành: hãy lấy lại tệp từ lịch sử git")
            continue
        if rec is None:
            _unrecorded(repo, report, text, problems)
            continue
        if rec.get("report") != report.key:
            problems.add(rec_path, 1, 1, "E602",
                         f"hồ sơ ban hành này ghi cho báo cáo {rec.get('report')}, không phải "
                         f"{who}; hồ sơ không được chép sang tháng khác: hãy xóa tệp này")
            continue
        expected: str = rec["fingerprint"]
        if report.meta.status != "issued":
            problems.add(index, _key_line(text, "status"), 1, "E602",
                         f"{who} có hồ sơ ban hành {rec_path} nhưng index.md ghi status: "
                         f"{report.meta.status}; hồ sơ ban hành là căn cứ, báo cáo vẫn bị khóa: "
                         f"hãy hoàn lại status: issued; {_reissue(report.key)}")
            continue
        if not report.meta.fingerprint:
            problems.add(index, _key_line(text, "status"), 1, "E602",
                         f"{who} có hồ sơ ban hành {rec_path} nhưng dòng fingerprint: đã bị xóa "
                         f"khỏi index.md; hồ sơ ban hành là căn cứ, báo cáo vẫn bị khóa: hãy hoàn "
                         f"lại dòng đó; {_reissue(report.key)}")
        elif report.meta.fingerprint != expected:
            problems.add(index, _key_line(text, "fingerprint"), 1, "E602",
                         f"{who}: dấu vân tay trong index.md khác dấu vân tay trong hồ sơ ban hành "
                         f"{rec_path}; hồ sơ ban hành là căn cứ: hãy hoàn lại dòng fingerprint: "
                         f"như trong hồ sơ; {_reissue(report.key)}")
        _compare(repo, report, expected, rec, text, problems)
    return problems.sorted()


def _unrecorded(repo: Repository, report: Report, text: str, problems: Problems) -> None:
    """An issued report without issuance record: locked by its fingerprint alone (the record
    was removed in a commit, or the report was issued by hand)."""
    if report.meta.status != "issued":
        return
    if not report.meta.fingerprint:
        problems.add(report.index_src.path, _key_line(text, "status"), 1, "W601",
                     f"{describe(report)} ghi status: issued nhưng chưa được khóa bằng lệnh "
                     f"ban hành; chạy: baocao issue {report.key} --reissue --reason \"…\" (hoặc "
                     f"khóa mọi báo cáo như vậy: baocao issue --lock-issued)")
        return
    _compare(repo, report, report.meta.fingerprint, None, text, problems)


def _compare(repo: Repository, report: Report, expected: str, rec: dict[str, Any] | None,
             text: str, problems: Problems) -> None:
    """E601 for what changed since *expected* was recorded, located through *rec* if any."""
    version = _version(expected)
    before = len(problems)
    if version is not None and fingerprint(repo, report, version) == expected:
        if version < 2 and rec is not None:
            # A v1 fingerprint does not cover the order of the appendix rows; its record does.
            _order_problems(repo, report, rec, problems)
        return
    if rec is not None and version is not None:
        _locate(repo, report, rec, text, problems)
    if len(problems) == before:
        problems.add(report.index_src.path, _key_line(text, "fingerprint"), 1, "E601",
                     f"{describe(report)} đã ban hành nhưng nội dung đã thay đổi sau khi ban "
                     f"hành (không có {RECORD_NAME} khớp để chỉ ra chỗ thay đổi); hãy hoàn lại "
                     f"thay đổi; {_reissue(report.key)}")


_TASK_FIELDS = {"document": "document", "issued": "issued", "summary": "summary",
                "deadline": "deadline/extensions", "status": "tình trạng", "progress": "tiến độ",
                "completed": "completed", "result": "result"}


def _locate(repo: Repository, report: Report, rec: dict[str, Any], index_text: str,
            problems: Problems) -> None:
    """Name each changed part of an issued report, at its file and line."""
    man = manifest(repo, report)
    sections, tasks = _by_key(man)
    who = describe(report)
    tail = f"hãy hoàn lại; {_reissue(report.key)}"
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
    by_name = {_name(s): s for s in report.sections}
    for name, sec in sections.items():
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
        _image_changes(path, by_name[name], old.get("images", {}), sec.get("images", []),
                       f"{who} đã ban hành", tail, problems)
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
        if name not in sections:
            problems.add(index, 1, 1, "E601", f"{who} đã ban hành: tệp mục {name} đã bị xóa hoặc "
                         f"đổi tên sau khi ban hành; {tail}")
    old_tasks: dict[str, Any] = rec.get("tasks", {})
    for tid, facts in tasks.items():
        task = repo.task(tid)
        line = task.src.line if task else 1
        old = old_tasks.get(tid)
        if old is None:
            problems.add(DIRECTIVES_FILE, line, 1, "E601",
                         f"nhiệm vụ {tid} nay được liệt kê trong phụ lục của {who}, báo cáo đã ban "
                         f"hành; nếu nhiệm vụ được ghi bổ sung, thêm mã vào tasks: exclude: của "
                         f"báo cáo đó; {_reissue(report.key)}")
            continue
        changed = [_TASK_FIELDS.get(k, k) for k, v in facts.items() if old.get(k) != _digest(v, 8)]
        if changed:
            problems.add(DIRECTIVES_FILE, line, 1, "E601",
                         f"nhiệm vụ {tid}: {', '.join(changed)} tính đến ngày chốt "
                         f"{format_date_short(report.cutoff)} đã khác lúc ban hành {who} (báo cáo "
                         f"đã ban hành dùng các sự kiện này); {tail}")
    for tid in rec.get("task_order", []):
        if tid not in tasks:
            task = repo.task(tid)
            problems.add(DIRECTIVES_FILE, task.src.line if task else 1, 1, "E601",
                         f"nhiệm vụ {tid} không còn trong phụ lục của {who}, báo cáo đã ban hành; "
                         f"{tail}")
    _order_problems(repo, report, rec, problems)


def _image_changes(path: str, section: Section, old: dict[str, str], new: list[list[str]],
                   who: str, tail: str, problems: Problems) -> None:
    """E601 at the body line that shows each image whose file changed, was added or removed
    since the report was issued (the line itself may be unchanged: the picture is not)."""
    lines = section.body.split("\n")
    new_map = {t: d[:16] for t, d in new}
    for target in [*new_map, *[t for t in old if t not in new_map]]:
        if old.get(target) == new_map.get(target):
            continue
        line = next((i for i, text in enumerate(lines) if target in text), 0)
        what = ("tệp ảnh \"" + target + "\" đã thay đổi" if target in old and target in new_map
                else "ảnh \"" + target + "\" được thêm" if target in new_map
                else "ảnh \"" + target + "\" đã bị bỏ")
        problems.add(path, section.body_line + line, 1, "E601",
                     f"{who}: {what} sau khi ban hành; {tail}")


def _order_problems(repo: Repository, report: Report, rec: dict[str, Any],
                    problems: Problems) -> None:
    """E601 for each task whose row number (TT) in the appendix differs from the issued one
    because the tasks were reordered in directives.yaml (the tasks added or removed since, and
    changed statuses, are named by _locate; only the tasks in both are compared here)."""
    rows = {r.task.id: r for r in _rows(repo, report)}
    old_order = [tid for tid in rec.get("task_order", []) if isinstance(tid, str) and tid in rows]
    kept = set(old_order)
    old = _numbers([rows[tid] for tid in old_order])
    new = _numbers([r for tid, r in rows.items() if tid in kept])
    for tid in old_order:
        if old[tid] == new[tid]:
            continue
        task = repo.task(tid)
        problems.add(DIRECTIVES_FILE, task.src.line if task else 1, 1, "E601",
                     f"nhiệm vụ {tid}: thứ tự trong phụ lục của {describe(report)} đã thay đổi "
                     f"sau khi ban hành (dòng TT {old[tid]} nay là TT {new[tid]}); hãy hoàn lại thứ "
                     f"tự các nhiệm vụ trong directives.yaml; {_reissue(report.key)}")


def ensure_issued_unchanged(repo: Repository, root: Path) -> None:
    """Raise :class:`ContentError` when an issued report changed (build, docx, pdf call this)."""
    errors = [p for p in lock_problems(repo, root) if p.code.startswith("E")]
    if errors:
        raise ContentError(errors)


# --------------------------------------------------------------------------------------------
# Documents that would change for a template or tool reason


def document_changes(repo: Repository, root: Path, site: Path) -> list[Problem]:
    """W602 for each issued document in the built *site* whose bytes differ from the digest
    recorded when it was issued, although its content is unchanged (the lock passed): a
    template, a Lua filter, the fonts, pandoc, typst or baocao itself changed it. Not an error
    (DESIGN decision 13: such changes are reviewed commits), but the clerk must know before CI
    publishes the changed document; a re-issue records it and ends the warning."""
    with repofiles.reading(root):
        return _document_changes(repo, root, site)


def _document_changes(repo: Repository, root: Path, site: Path) -> list[Problem]:
    from .write.names import document_name

    problems = Problems()
    for report in repo.reports:
        rec, _ = read_record(root, report)
        documents = rec.get("documents") if rec is not None else None
        if not isinstance(documents, dict) or report.meta.status != "issued":
            continue
        rec_path = f"{report.folder}/{RECORD_NAME}"
        rec_text = read_repo_bytes(root, rec_path, _RECORD_LIMIT).decode("utf-8")
        for fmt, digest in sorted(documents.items()):
            built = site / str(report.year) / f"{report.month:02d}" / document_name(report, fmt)
            if not built.is_file() or file_digest(built.read_bytes()) == digest:
                continue
            line = next((i for i, text in enumerate(rec_text.splitlines(), 1)
                         if text.strip().startswith(f'"{fmt}":')), 1)
            problems.add(rec_path, line, 1, "W602",
                         f"{describe(report)}: tệp {fmt.upper()} của bản dựng này khác tệp đã ban "
                         f"hành, dù nội dung không đổi (mẫu trong templates/ hoặc công cụ đã thay "
                         f"đổi); hãy xem lại trước khi đăng; nếu chấp nhận, ghi lại: baocao issue "
                         f"{report.key} --reissue --reason \"…\"")
    return problems.sorted()
