"""Stage 1 of the pipeline: read the content repository into the validated model.

Reads organization.yaml, directives.yaml and every content/<yyyy>/<mm>/ folder, normalises text
to NFC, validates against the schema classes, cross-checks (dates, task ids, section numbers,
placeholders) and collects every problem with its file:line. Nothing is rendered here.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from pydantic import BaseModel, ValidationError

from . import placeholders, repofiles
from .appendices import appendix_problems
from .confusables import difference, skeleton
from .deadlines import DeadlineParseError
from .document.checks import BodyCheck, check_bodies
from .images import ImageFile, read_image, svg_text
from .model import (
    APPENDIX_COLUMNS,
    DEFAULT_APPENDIX_COLUMNS,
    MIN_COLUMN_WIDTH,
    STATUS_KEYS,
    Adjustment,
    AppendixColumn,
    AppendixSpec,
    AppendixTopic,
    ColumnEntry,
    DirectivesFile,
    Extension,
    Organization,
    OrganizationFile,
    ProgressNote,
    Report,
    ReportMeta,
    Repository,
    Section,
    SectionMeta,
    SourceRef,
    Task,
    TaskEntry,
    TypedDate,
    addressee_text,
    is_nhu_tren,
)
from .months import FIRST_YEAR, LAST_YEAR, default_period_start, year_problem
from .problems import Problems
from .repofiles import (
    CONTENT_DIR,
    DIRECTIVES_FILE,
    GUIDE_FILE,
    ORG_FILE,
    SECTION_NAME,
    SITE_CONFIG_FILE,
    MonthFolder,
    RefusedFile,
    walk_repository,
)
from .repofiles import MAX_FILE_BYTES as MAX_FILE_BYTES
from .settings import SITE_CONFIG, read_settings
from .vietnamese import DateParseError, detect_legacy_encoding, nfc, parse_roman
from .yamlio import Loaded, YamlSyntaxError, load_yaml, split_front_matter

#: Longest section body (about 60 printed pages; the longest shipped section has 15 000). Keeps
#: the Markdown checks, pandoc and typst far from pathological run times on hostile input.
MAX_BODY_CHARS = 200_000

_TYPE_NAMES = {
    "string": "chuỗi văn bản",
    "int": "số nguyên",
    "bool": "true hoặc false",
    "list": "danh sách",
    "dict": "bảng khóa: giá trị",
    "model": "bảng khóa: giá trị",
    "date": "ngày",
}


# --------------------------------------------------------------------------------------------
# Reading files


def read_text(path: Path, rel: str, problems: Problems) -> str | None:
    """Read a UTF-8 text file: BOM dropped, CRLF made LF, NFC with a warning when it changes.

    The file is read through :mod:`baocao.repofiles` as *rel* inside its repository: a file or
    folder on the way that is a symbolic link or a special file is refused (E108) and one larger
    than :data:`MAX_FILE_BYTES` (checked on the opened file, and the read is bounded) gives
    E102; both give None without reading. A binary file, a file saved in another encoding
    (TCVN3/ABC and VNI are named) gives an error and None. Text typed in a legacy encoding, and
    characters the documents' font lacks, are reported too.
    """
    try:
        raw = repofiles.read_repo_bytes(_repo_root(path, rel), rel)
    except RefusedFile as err:
        problems.add(err.rel, 1, 1, err.code, err.reason)
        return None
    except OSError as err:
        problems.add(rel, 1, 1, "E102", f"không đọc được tệp: {err.strerror}")
        return None
    if b"\x00" in raw:
        problems.add(rel, 1, 1, "E105", "tệp nhị phân (ví dụ ảnh, tệp Word), không phải văn bản; "
                     "nội dung phải là văn bản Markdown hoặc YAML")
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        legacy = detect_legacy_encoding(raw.decode("latin-1"))
        if legacy is not None:
            line = raw.count(b"\n", 0, legacy.offset) + 1
            problems.add(rel, line, 1, "E106",
                         f"tệp được lưu bằng bảng mã {legacy.encoding}, không phải UTF-8 (ví dụ "
                         f"\"{legacy.word}\" là \"{legacy.reading}\"); hãy chuyển mã sang Unicode "
                         "(Unikey: Công cụ chuyển mã) và lưu dạng UTF-8")
            return None
        line = raw.count(b"\n", 0, err.start) + 1
        problems.add(rel, line, 1, "E105", "tệp không được lưu bằng mã UTF-8; hãy lưu lại dạng UTF-8")
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    normal = nfc(text)
    if normal != text:
        first = next(i for i, (a, b) in enumerate(zip(text, normal, strict=False)) if a != b)
        line = text.count("\n", 0, first) + 1
        problems.add(
            rel, line, 1, "W502",
            "văn bản có dấu tổ hợp (Unicode NFD); đã tự chuẩn hóa sang dựng sẵn (NFC)",
        )
    legacy = detect_legacy_encoding(normal)
    if legacy is not None:
        line, col = _line_col(normal, legacy.offset)
        problems.add(rel, line, col, "E106",
                     f"văn bản gõ bằng bảng mã cũ {legacy.encoding} (ví dụ \"{legacy.word}\" là "
                     f"\"{legacy.reading}\"); hãy chuyển mã sang Unicode dựng sẵn (Unikey: Công cụ "
                     "chuyển mã) rồi dán lại")
    _check_bidi(normal, rel, problems)
    _check_glyphs(normal, rel, _repo_root(path, rel), problems)
    return normal


def _line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of *offset* in *text*."""
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _repo_root(path: Path, rel: str) -> Path:
    """The repository folder of a file read as *rel* (its repository-relative path)."""
    text = str(path)
    if text.endswith(os.sep + rel.replace("/", os.sep)):
        return _root_path(text[: len(text) - len(rel) - 1])
    return path.parents[len(rel.split("/")) - 1]


@lru_cache(maxsize=16)
def _root_path(text: str) -> Path:
    """One Path per repository folder: three are asked for each of a repository's thousands of
    files, and making a Path is most of what that costs."""
    return Path(text)


# --------------------------------------------------------------------------------------------
# Invisible bidi controls

#: Unicode's explicit directional formatting characters (UAX #9): embeddings and overrides
#: U+202A–U+202E, isolates U+2066–U+2069, the marks U+200E/U+200F and the Arabic letter mark
#: U+061C. Vietnamese text never needs them; pasted, they make a name or a number display
#: reversed ("Trojan Source") on the site and in the documents, while the file reads right.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
#: Bidi controls reported per file at most.
MAX_BIDI_PROBLEMS = 20


def _check_bidi(text: str, rel: str, problems: Problems) -> None:
    """Refuse every bidi control, wherever it is: a field, a comment or body text."""
    for n, m in enumerate(BIDI_CONTROLS.finditer(text)):
        if n >= MAX_BIDI_PROBLEMS:
            return
        line, col = _line_col(text, m.start())
        problems.add(rel, line, col, "E107",
                     f"có ký tự điều khiển hướng chữ vô hình (U+{ord(m.group()):04X}) làm chữ hiện "
                     "sai thứ tự; hãy xóa ký tự này (gõ lại đoạn chữ quanh nó)")


# --------------------------------------------------------------------------------------------
# Characters the documents' font cannot show

#: Characters that Liberation Serif certainly has (tests/test_bad_content.py checks this against
#: templates/fonts): text made only of these never loads the font files.
_COVERED = re.compile("[^\t\n\x20-\x7e\u00a0-\u036f\u1ea0-\u1ef9\u2012-\u2022\u2026]")
#: The tool's own templates/fonts, used for a content repository without one.
SHIPPED_FONTS = Path(__file__).resolve().parents[2] / "templates" / "fonts"
#: Characters reported per file at most.
MAX_GLYPH_PROBLEMS = 20


def fonts_dir(root: Path) -> Path | None:
    """The fonts the PDF is set in: the repository's templates/fonts, else the shipped ones."""
    for folder in (root / "templates" / "fonts", SHIPPED_FONTS):
        if folder.is_dir() and any(folder.glob("*.ttf")):
            return folder
    return None


@lru_cache(maxsize=4)
def _font_chars(folder: str, stamp: tuple[tuple[str, int, int], ...]) -> frozenset[int]:
    """Code points that every font file in *folder* has (read once per process)."""
    from fontTools.ttLib import TTFont  # noqa: PLC0415 - only when an unusual character shows up

    chars: set[int] | None = None
    for name, _size, _mtime in stamp:
        try:
            cmap = set(TTFont(Path(folder) / name, lazy=True).getBestCmap() or {})
        except Exception:  # noqa: BLE001 - a broken font file is the build's error, not content's
            continue
        chars = cmap if chars is None else chars & cmap
    return frozenset(chars or ())


def font_chars(folder: Path) -> frozenset[int]:
    files = sorted(folder.glob("*.ttf"))
    return _font_chars(str(folder), tuple((p.name, p.stat().st_size, p.stat().st_mtime_ns)
                                          for p in files))


def _check_glyphs(text: str, rel: str, root: Path, problems: Problems) -> None:
    """Warn once per character that the PDF font lacks (it would print as an empty box)."""
    if _COVERED.search(text) is None:
        return
    folder = fonts_dir(root)
    if folder is None:
        return
    chars = font_chars(folder)
    if not chars:
        return
    seen: set[str] = set()
    for m in _COVERED.finditer(text):
        ch = m.group(0)
        if ch in seen or ord(ch) in chars or BIDI_CONTROLS.match(ch):  # bidi: E107
            continue
        seen.add(ch)
        line, col = _line_col(text, m.start())
        if unicodedata.category(ch) == "Cc":
            problems.add(rel, line, col, "W503",
                         f"ký tự điều khiển (U+{ord(ch):04X}) không in được; hãy xóa ký tự này")
        else:
            shown = f"\"{ch}\" " if ch.isprintable() and not ch.isspace() else ""
            problems.add(rel, line, col, "W503",
                         f"ký tự {shown}(U+{ord(ch):04X}) không có trong phông chữ của văn bản "
                         "(templates/fonts); bản PDF sẽ in nó thành ô trống")
        if len(seen) >= MAX_GLYPH_PROBLEMS:
            return


def _load_yaml_file(text: str, rel: str, problems: Problems, offset: int = 0) -> Loaded | None:
    try:
        return load_yaml(text)
    except YamlSyntaxError as err:
        problems.add(rel, err.line + offset, err.col, "E101", err.message)
        return None


# --------------------------------------------------------------------------------------------
# Schema validation with positions


def _suggest(key: str, allowed: Sequence[str]) -> str:
    close = difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.6)
    return f" (có phải ý bạn là \"{close[0]}\"?)" if close else ""


def _allowed_keys(model: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items()]


def _field_name(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if not isinstance(p, int)]
    return ".".join(parts) if parts else "(giá trị)"


def _drop(data: Any, loc: tuple[Any, ...]) -> None:
    cur = data
    for step in loc[:-1]:
        cur = cur[step]
    if isinstance(cur, dict):
        cur.pop(loc[-1], None)


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The schema class that owns the last key of *loc* (for did-you-mean suggestions)."""
    cur: Any = model
    for step in loc[:-1]:
        if isinstance(step, int):
            continue
        field = None
        for name, f in cur.model_fields.items():
            if step in (name, f.alias):
                field = f
        if field is None:
            return None
        nxt = _schema_class_in(field.annotation)
        if nxt is None:
            return None
        cur = nxt
    return cur


def _schema_class_in(ann: Any) -> type[BaseModel] | None:
    """The schema class inside a field's type (list[X] | None, list[str | X], …), or None."""
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    for inner in getattr(ann, "__args__", ()) or ():
        found = _schema_class_in(inner)
        if found is not None:
            return found
    return None


def validate(
    model: type[BaseModel],
    data: Any,
    loaded: Loaded,
    rel: str,
    problems: Problems,
    *,
    offset: int = 0,
    prefix: tuple[Any, ...] = (),
) -> Any:
    """Validate *data* with *model*; unknown keys become warnings; errors become problems.

    Returns the model instance, or None when there were errors.
    """
    for _ in range(20):  # each round removes the unknown keys pydantic reported
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            errors = _branch_errors(exc.errors(), data)
        extra = [e for e in errors if e["type"] == "extra_forbidden"]
        if extra:
            for e in extra:
                loc = tuple(e["loc"])
                line, col = loaded.pos((*prefix, *loc), offset)
                owner = _model_at(model, loc)
                hint = _suggest(str(loc[-1]), _allowed_keys(owner)) if owner else ""
                problems.add(
                    rel, line, col, "W201",
                    f"trường \"{_field_name(loc)}\" không được hỗ trợ và bị bỏ qua{hint}",
                )
                _drop(data, loc)
            continue
        for e in errors:
            _report_error(dict(e), loaded, rel, problems, offset, prefix)
        return None
    return None


#: Names pydantic gives the plain branches of a union in an error's location.
_PLAIN_BRANCHES = frozenset(("str", "int", "bool", "float", "list", "dict"))


def _branch_errors(errors: list[Any], data: Any) -> list[dict[str, Any]]:
    """The errors of a union field (a column is "tt" or {key: tt, width: 12}) name the branch
    in their location ("str", "ColumnEntry"): keep the errors of the branch the input is
    written as (a mapping: the schema class; anything else: the plain value), without the
    branch name, so that each problem is reported once, at the key it is about."""
    kept: list[dict[str, Any]] = []
    for error in errors:
        e = dict(error)
        loc: list[Any] = []
        cur, keep = data, True
        for step in e["loc"]:
            if ((isinstance(cur, dict) and step in cur)
                    or (isinstance(cur, list) and isinstance(step, int) and 0 <= step < len(cur))):
                cur = cur[step]
            elif isinstance(step, str) and (step in _PLAIN_BRANCHES or step[:1].isupper()):
                # a branch name: right for a mapping only when it names a schema class
                keep = keep and (isinstance(cur, dict) != (step in _PLAIN_BRANCHES))
                continue
            else:
                cur = None
            loc.append(step)
        if keep:
            e["loc"] = tuple(loc)
            kept.append(e)
    return kept


def _report_error(
    e: dict[str, Any], loaded: Loaded, rel: str, problems: Problems, offset: int,
    prefix: tuple[Any, ...],
) -> None:
    loc = tuple(x for x in e["loc"] if not (isinstance(x, str) and x.startswith("function-")))
    line, col = loaded.pos((*prefix, *loc), offset)
    name = _field_name(loc)
    etype: str = e["type"]
    ctx = e.get("ctx") or {}
    if etype == "missing":
        problems.add(rel, line, col, "E201", f"thiếu trường bắt buộc \"{name}\"")
    elif etype == "value_error":
        err = ctx.get("error")
        msg = str(err) if err is not None else e["msg"]
        code = "E302" if isinstance(err, DeadlineParseError) else (
            "E301" if isinstance(err, DateParseError) else "E203")
        problems.add(rel, line, col, code, f"\"{name}\": {msg}")
    elif etype == "literal_error":
        problems.add(
            rel, line, col, "E203",
            f"\"{name}\": giá trị {e['input']!r} không hợp lệ; chọn một trong: "
            f"{str(ctx.get('expected')).replace(' or ', ' hoặc ')}",
        )
    elif etype in ("string_too_short", "too_short"):
        problems.add(rel, line, col, "E203", f"\"{name}\" không được để trống")
    elif etype in ("greater_than_equal", "less_than_equal"):
        bound = "nhỏ nhất là" if etype == "greater_than_equal" else "lớn nhất là"
        limit = ctx.get("ge", ctx.get("le"))
        problems.add(rel, line, col, "E203",
                     f"\"{name}\": {e['input']!r} ngoài khoảng cho phép ({bound} {limit})")
    elif etype == "string_pattern_mismatch":
        problems.add(
            rel, line, col, "E203",
            f"\"{name}\": {e['input']!r} chỉ được gồm chữ, số và các dấu . _ / -",
        )
    elif etype.endswith("_type") or etype.endswith("_parsing"):
        kind = etype.split("_")[0]
        want = _TYPE_NAMES.get(kind, kind)
        problems.add(
            rel, line, col, "E202", f"\"{name}\" phải là {want}, nhưng đang là {e['input']!r}"
        )
    else:
        problems.add(rel, line, col, "E203", f"\"{name}\": {e['msg']}")


# --------------------------------------------------------------------------------------------
# mkdocs.yml, organization.yaml and directives.yaml


def load_site_settings(root: Path, problems: Problems) -> dict[str, Any]:
    """The allowed part of mkdocs.yml as plain data (empty when absent); refused keys, tags and
    values are problems (baocao.settings). Every command reads the settings through here."""
    path = root / SITE_CONFIG
    if not path.exists():
        return {}
    text = read_text(path, SITE_CONFIG, problems)
    return read_settings(text, problems, root) if text is not None else {}


def load_organization(root: Path, problems: Problems) -> tuple[Organization, ...]:
    return _load_organization(root, problems)[0]


def _load_organization(
    root: Path, problems: Problems,
) -> tuple[tuple[Organization, ...], tuple[tuple[str, str], ...]]:
    """The agency's identities over time and its status vocabulary (status value, label)."""
    path = root / ORG_FILE
    if not os.path.lexists(path):  # a link is not "missing": read_text refuses it
        problems.add(ORG_FILE, 1, 1, "E104", "thiếu tệp organization.yaml (tên cơ quan, địa danh)")
        return (), ()
    text = read_text(path, ORG_FILE, problems)
    loaded = _load_yaml_file(text, ORG_FILE, problems) if text is not None else None
    if loaded is None:
        return (), ()
    parsed = validate(OrganizationFile, loaded.data, loaded, ORG_FILE, problems)
    if parsed is None:
        return (), ()
    periods = sorted(parsed.periods, key=lambda p: p.valid_from.value)
    labels: list[tuple[str, str]] = []
    for key, label in parsed.status_labels.items():
        line, col = loaded.pos(("status_labels", key))
        if key not in STATUS_KEYS:
            problems.add(ORG_FILE, line, col, "E203",
                         f"\"status_labels\": không có tình trạng \"{key}\""
                         f"{_suggest(key, STATUS_KEYS)}; các tình trạng: {', '.join(STATUS_KEYS)}")
        elif not label.strip():
            problems.add(ORG_FILE, line, col, "E203",
                         f"\"status_labels.{key}\": nhãn tình trạng không được để trống")
        else:
            labels.append((key, " ".join(label.split())))
    orgs = tuple(
        Organization(p.valid_from.value, p.parent, p.name, p.place, p.symbol, p.head_title)
        for p in periods
    )
    return orgs, tuple(labels)


def organization_on(orgs: Sequence[Organization], day: date) -> Organization | None:
    """The identity in force on *day* (the latest period starting on or before it)."""
    current = None
    for org in orgs:
        if org.valid_from <= day:
            current = org
    return current


def load_tasks(root: Path, problems: Problems) -> tuple[Task, ...]:
    path = root / DIRECTIVES_FILE
    if not os.path.lexists(path):
        return ()
    text = read_text(path, DIRECTIVES_FILE, problems)
    return tasks_from_text(text, problems) if text is not None else ()


def tasks_from_text(text: str, problems: Problems) -> tuple[Task, ...]:
    """The tasks of a ``directives.yaml`` text (the importer checks a register before writing
    it)."""
    loaded = _load_yaml_file(text, DIRECTIVES_FILE, problems)
    if loaded is None:
        return ()
    if loaded.data is None:
        return ()
    top = validate(DirectivesFile, loaded.data, loaded, DIRECTIVES_FILE, problems)
    if top is None:
        return ()
    tasks: list[Task] = []
    seen: dict[str, int] = {}
    look_alikes: dict[tuple[str, str], tuple[str, int]] = {}
    seen_content: dict[tuple[str, str], int] = {}
    for i, raw in enumerate(top.tasks):
        prefix = ("tasks", i)
        line, _ = loaded.pos(prefix)
        entry = validate(TaskEntry, raw, loaded, DIRECTIVES_FILE, problems, prefix=prefix)
        if entry is None:
            continue
        id_line, id_col = loaded.pos((*prefix, "id"))
        if entry.id in seen:
            problems.add(
                DIRECTIVES_FILE, id_line, id_col, "E401",
                f"mã nhiệm vụ \"{entry.id}\" bị trùng (đã dùng ở dòng {seen[entry.id]})",
            )
            continue
        seen[entry.id] = id_line
        _check_look_alikes(entry, loaded, prefix, look_alikes, problems)
        content_key = (" ".join(entry.document.split()).lower(), " ".join(entry.summary.split()).lower())
        if content_key in seen_content:
            problems.add(
                DIRECTIVES_FILE, id_line, id_col, "W401",
                f"nhiệm vụ \"{entry.id}\" trùng văn bản và nội dung với nhiệm vụ ở dòng "
                f"{seen_content[content_key]}",
            )
        else:
            seen_content[content_key] = line
        _check_task_dates(entry, loaded, prefix, problems)
        tasks.append(Task(
            id=entry.id,
            document=" ".join(entry.document.split()),
            issued=entry.issued.value,
            issued_text=entry.issued.text,
            summary=entry.summary.strip(),
            deadline=entry.deadline,
            completed=entry.completed.value if entry.completed else None,
            completed_text=entry.completed.text if entry.completed else "",
            result=entry.result.strip(),
            unit=entry.unit,
            extensions=tuple(Extension(x.deadline, x.approved.value, x.document)
                             for x in entry.extensions),
            not_started=entry.not_started,
            started=entry.started.value if entry.started else None,
            notes=entry.notes,
            src=SourceRef(DIRECTIVES_FILE, line),
            topic=_one_line(entry.topic),
            required_result=_one_line(entry.required_result),
            adjustments=tuple(Adjustment(a.deadline, a.date.value, _one_line(a.document))
                              for a in entry.adjustments),
            progress=tuple(ProgressNote(n.date.value, n.date.text, n.text)
                           for n in entry.progress),
            # completed wins when both are written (an error above): one completion only
            completed_by=(entry.completed_by.value if entry.completed_by and not entry.completed
                          else None),
            completed_by_text=(entry.completed_by.text if entry.completed_by
                               and not entry.completed else ""),
        ))
    return tuple(tasks)


def _check_look_alikes(entry: TaskEntry, loaded: Loaded, prefix: tuple[Any, ...],
                       seen: dict[tuple[str, str], tuple[str, int]], problems: Problems) -> None:
    """W402 for an id or document number that looks exactly like an earlier one but is made of
    other characters (a Cyrillic "Х" for "X"): two tasks that read the same, counted twice."""
    document = " ".join(entry.document.split())
    for key, value, what in (("id", entry.id, "mã nhiệm vụ"), ("document", document, "số văn bản")):
        line, col = loaded.pos((*prefix, key))
        first = seen.setdefault((key, skeleton(value)), (value, line))
        if first[0] == value:
            continue
        diff = difference(value, first[0])
        where = f" ({diff})" if diff else ""
        problems.add(DIRECTIVES_FILE, line, col, "W402",
                     f"{what} \"{value}\" trông giống hệt {what} \"{first[0]}\" ở dòng {first[1]} "
                     f"nhưng khác ký tự{where}; có phải cùng một văn bản, nhiệm vụ? Hãy gõ lại "
                     "bằng chữ Latin (thường do dán từ văn bản khác)")


def _one_line(text: str | None) -> str | None:
    """*text* on one line (runs of blanks made one space); None when absent or blank."""
    if text is None:
        return None
    return " ".join(text.split()) or None


def _check_task_dates(
    entry: TaskEntry, loaded: Loaded, prefix: tuple[Any, ...], problems: Problems
) -> None:
    """E303 for the dates that really must be ordered, and no others (issue 16).

    A change of the deadline (adjustment or extension) and a progress note come from documents
    written after the assigning one, so they are dated on or after ``issued``; two changes on
    one day would leave the deadline in force undecided; progress notes are a history, in date
    order; work cannot be finished before it started. A deadline before ``issued`` (set
    retroactively) and a completion before ``issued`` (the document listed work already done)
    are real and allowed.
    """
    issued = entry.issued.value

    def err(key: tuple[Any, ...], msg: str) -> None:
        line, col = loaded.pos((*prefix, *key))
        problems.add(DIRECTIVES_FILE, line, col, "E303", msg)

    if entry.completed and entry.completed_by:
        err(("completed_by",), f"đã ghi ngày hoàn thành (completed: {entry.completed.text}); "
            "completed_by chỉ dùng khi không rõ ngày hoàn thành, hãy bỏ một trong hai")
    if entry.started:
        for name, done in (("completed", entry.completed), ("completed_by", entry.completed_by)):
            if done and done.value < entry.started.value:
                err((name,), f"ngày hoàn thành {done.text} trước ngày bắt đầu thực hiện "
                    f"{entry.started.text}")
    changes: dict[date, int] = {}
    dated: list[tuple[tuple[Any, ...], TypedDate, str]] = [
        (("adjustments", j, "date"), a.date, "ngày điều chỉnh thời hạn")
             for j, a in enumerate(entry.adjustments)]
    dated += [(("extensions", j, "approved"), x.approved, "ngày gia hạn")
              for j, x in enumerate(entry.extensions)]
    for key, when, what in sorted(dated, key=lambda d: loaded.pos((*prefix, *d[0]))):
        if when.value < issued:
            err(key, f"{what} {when.text} trước ngày giao {entry.issued.text}")
        line, _ = loaded.pos((*prefix, *key))
        if when.value in changes:
            err(key, f"{what} {when.text} trùng ngày với một lần thay đổi thời hạn khác (dòng "
                f"{changes[when.value]}); mỗi ngày chỉ có một thời hạn, hãy gộp lại")
        else:
            changes[when.value] = line
    latest = None  # the latest note so far: every note is dated on or after it
    for j, note in enumerate(entry.progress):
        if note.date.value < issued:
            err(("progress", j, "date"),
                f"ngày ghi tình hình {note.date.text} trước ngày giao {entry.issued.text}")
        elif latest is not None and note.date.value < latest.value:
            err(("progress", j, "date"),
                f"tình hình thực hiện ngày {note.date.text} ghi sau tình hình ngày "
                f"{latest.text}; hãy ghi theo thứ tự thời gian, cũ trước mới sau")
        if latest is None or note.date.value > latest.value:
            latest = note.date


# --------------------------------------------------------------------------------------------
# content/<yyyy>/<mm>/


_LIST_ITEM = re.compile(r"^\s*(?:[-+*]|\d+[.)])\s+(.*)$")
#: pandoc's raw attribute (`#code`{=typst}, ```{=openxml}): text passed to the output format as is.
_RAW_ATTRIBUTE = re.compile(r"\{\s*=\s*[A-Za-z][A-Za-z0-9_+-]*\s*\}")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
LINK_SCHEMES = ("http", "https", "mailto", "tel")


def _shown(url: str) -> str:
    return url if len(url) <= 60 else url[:57] + "…"


def _target_problem(url: str, image: bool, folder: str, root: str) -> str | None:
    """Why a link or image target is refused, or None when it is fine."""
    compact = re.sub(r"[\x00-\x20]", "", url).lower()
    what = "ảnh" if image else "liên kết"
    m = _SCHEME.match(compact)
    if compact.startswith("//") or (m and m.group(1) in ("http", "https")):
        if image:
            return (f"ảnh từ Internet (\"{_shown(url)}\") không dùng được trong văn bản; hãy lưu "
                    "ảnh vào kho nội dung và ghi đường dẫn tương đối")
        return None
    if m and len(m.group(1)) > 1:
        if not image and m.group(1) in LINK_SCHEMES:
            return None
        allowed = "" if image else " (chỉ dùng http:, https:, mailto:, tel: hoặc tệp trong kho)"
        return f"{what} dạng \"{m.group(1)}:\" không được phép{allowed}"
    target = unquote(url.split("#", 1)[0].split("?", 1)[0]).replace("\\", "/").strip()
    if not target:
        return None
    if target.startswith("/") or m:  # "/etc/passwd", "C:/…"
        return (f"{what} tới \"{_shown(url)}\" là đường dẫn tuyệt đối, nằm ngoài kho nội dung; "
                "chỉ dùng tệp trong kho, ghi đường dẫn tương đối")
    # realpath: a symbolic link inside the repository that points out of it is outside too.
    resolved, base = os.path.realpath(os.path.join(folder, target)), os.path.realpath(root)
    if os.path.commonpath([resolved, base]) != base:
        return (f"{what} tới \"{_shown(url)}\" nằm ngoài kho nội dung; chỉ dùng tệp trong kho")
    return None  # an image inside the repository: read and checked by _read_image


def _read_image(target: str, report_folder: str, root: str) -> ImageFile:
    """The image *target* of a body of the report folder *report_folder* (ImageRefused)."""
    return read_image(Path(root), report_folder, target)


#: A caption that numbers its figure: "Hình 2.", "Biểu đồ 1:", "Sơ đồ 3 -" (each kind counted
#: on its own, as reports number them).
_FIGURE_NUMBER = re.compile(r"^\s*(Hình|Biểu đồ|Sơ đồ|Ảnh)\s+(\d+)(?=[\s.:\-–]|$)", re.IGNORECASE)


#: The errors of an image written in a body (the file, an unsafe SVG, written wrong).
_IMAGE_ERRORS = frozenset({"E504", "E508", "E509", "E510"})


def _check_figure_numbers(report: Report, problems: Problems) -> None:
    """W513 where a caption's typed number is not its figure's place in the report (document
    order, each kind of figure counted on its own): "Hình 2" shown before "Hình 1"."""
    folder = report.folder.rstrip("/") + "/"
    if any(p.code in _IMAGE_ERRORS and p.path.startswith(folder) for p in problems):
        return  # a refused image is not in the count: the numbers would be judged wrongly
    seen: dict[str, int] = {}
    for section in report.sections:
        for img in section.images:
            m = _FIGURE_NUMBER.match(unicodedata.normalize("NFC", img.caption))
            if m is None:
                continue
            kind = m.group(1).capitalize()
            seen[kind] = seen.get(kind, 0) + 1
            if int(m.group(2)) != seen[kind]:
                problems.add(section.src.path, img.line, img.col, "W513",
                             f"chú thích ghi \"{kind} {m.group(2)}\" nhưng đây là "
                             f"{kind.lower()} thứ {seen[kind]} của báo cáo (theo thứ tự trong văn "
                             f"bản); hãy đánh số lại: {kind} {seen[kind]}")


def _check_svg_glyphs(img: ImageFile, item: BodyCheck, root: Path, problems: Problems) -> None:
    """W503 for the characters of an SVG's text that the documents' font lacks: typst draws
    an SVG's text with the project's fonts only (PDF, and the DOCX's PNG of it)."""
    text = svg_text(img.data) if img.kind == "svg" else ""
    if _COVERED.search(text) is None:
        return
    folder = fonts_dir(root)
    chars = font_chars(folder) if folder is not None else frozenset()
    missing = sorted({ch for ch in _COVERED.findall(text)
                      if chars and ord(ch) not in chars and not ch.isspace()})
    if not missing:
        return
    line, col = _line_col(item.body, max(item.body.find(img.target), 0))
    shown = ", ".join(f"\"{ch}\" (U+{ord(ch):04X})" for ch in missing[:5])
    problems.add(item.rel, item.body_line + line - 1, col, "W503",
                 f"ảnh SVG \"{img.target}\" có ký tự {shown} không có trong phông chữ của văn bản "
                 "(templates/fonts); bản PDF và DOCX sẽ in thành ô trống")


def _body_line(text: str, first: int, last: int, needle: str) -> tuple[int, int]:
    """0-based line (within [first, last)) and column of *needle*; (first, 0) when not found."""
    lines = text.split("\n")[first:max(last, first + 1)]
    for i, line in enumerate(lines):
        col = line.find(needle)
        if col >= 0:
            return first + i, col
    return first, 0


def _check_body(text: str, rel: str, body_line: int, problems: Problems,
                folder: str | None = None, root: str | None = None,
                pending: list[BodyCheck] | None = None) -> None:
    """Placeholders, raw HTML and raw output code, links and images, list items written twice."""
    found, bad = placeholders.find(text)
    del found
    for p in bad:
        problems.add(rel, body_line + p.line, p.col + 1, "E501", p.message)
    if "{" in text:
        for raw_attr in _RAW_ATTRIBUTE.finditer(text):
            line, col = _line_col(text, raw_attr.start())
            problems.add(rel, body_line + line - 1, col, "E503",
                         f"không được chèn mã định dạng thô ({raw_attr.group(0)}) vào nội dung")
    # Raw HTML, links, images, footnotes, code and headings: from the one parse, in a batch at
    # the end of loading (document/checks.py).
    if pending is not None and folder is not None and root is not None:
        pending.append(BodyCheck(rel, text, body_line, folder, root, rel.rsplit("/", 1)[0]))
    seen: dict[str, int] = {}
    for i, line_text in enumerate(text.split("\n")):
        m = _LIST_ITEM.match(line_text)
        if not m:
            continue
        key = " ".join(m.group(1).split()).rstrip(";.,: ").lower()
        if len(key) < 20:
            continue
        if key in seen:
            problems.add(
                rel, body_line + i, 1, "W501",
                f"mục liệt kê này đã có ở dòng {seen[key]} của cùng tệp",
            )
        else:
            seen[key] = body_line + i


def _load_section(path: Path, rel: str, order: int, problems: Problems,
                  pending: list[BodyCheck] | None = None) -> Section | None:
    text = read_text(path, rel, problems)
    if text is None:
        return None
    if not text.strip():
        problems.add(rel, 1, 1, "E103", "tệp rỗng; cần phần thông tin đầu tệp (---) và nội dung")
        return None
    try:
        fm = split_front_matter(text)
    except YamlSyntaxError as err:
        problems.add(rel, err.line, err.col, "E101", err.message)
        return None
    if fm is None:
        if text.startswith("---"):
            problems.add(rel, 1, 1, "E103", "phần thông tin đầu tệp mở bằng dòng --- nhưng thiếu "
                         "dòng --- đóng")
        else:
            problems.add(rel, 1, 1, "E103",
                         "thiếu phần thông tin đầu tệp (bắt đầu và kết thúc bằng ---)")
        return None
    if not isinstance(fm.meta.data, dict):
        problems.add(rel, 2, 1, "E202", "phần thông tin đầu tệp phải là các dòng \"khóa: giá trị\"")
        return None
    meta = validate(SectionMeta, fm.meta.data, fm.meta, rel, problems, offset=fm.meta_offset)
    if len(fm.body) > MAX_BODY_CHARS:
        problems.add(rel, fm.body_line, 1, "E102",
                     f"nội dung mục quá dài ({len(fm.body):,} ký tự; tối đa {MAX_BODY_CHARS:,}); "
                     "hãy chia thành nhiều mục".replace(",", "."))
        return None
    root = _repo_root(path, rel)
    _check_body(fm.body, rel, fm.body_line, problems, str(path.parent), str(root), pending)
    if meta is None:
        return None
    if meta.kind == "section":
        for key in ("part", "number"):
            if getattr(meta, key) is None:
                problems.add(rel, 2, 1, "E201", f"thiếu trường bắt buộc \"{key}\"")
                return None
    if meta.kind == "opening":
        # The opening is the text before the first Mục (or directly under a Phần heading):
        # Nghị định 30 gives it no number and no title, so a heading would be invented.
        for key, what in (("number", "số"), ("title", "tên")):
            if getattr(meta, key) is not None:
                line, col = fm.meta.pos((key,), fm.meta_offset)
                problems.add(rel, line, col, "E502",
                             f"đoạn mở đầu (kind: opening) không có {what} (\"{key}\"); hãy xóa "
                             f"dòng này, hoặc đổi thành một mục (bỏ \"kind: opening\")")
    elif meta.title is None:
        line, col = fm.meta.pos(("title",), fm.meta_offset)
        problems.add(rel, line, col, "E201", "thiếu trường bắt buộc \"title\"")
        return None
    spec = _appendix_spec(meta, fm.meta, fm.meta_offset, rel, problems)
    part_line = fm.meta.pos(("part",), fm.meta_offset)[0] if meta.part is not None else 2
    return Section(
        src=SourceRef(rel, 1), order=order, kind=meta.kind, part=meta.part,
        number=str(meta.number) if meta.number is not None and meta.kind != "opening" else None,
        title=(meta.title or "").strip() if meta.kind != "opening" else "",
        unit=meta.unit, body=fm.body, body_line=fm.body_line, part_line=part_line,
        appendix=spec,
    )


#: Front-matter keys that declare an appendix table (meaningless in another section file).
_APPENDIX_KEYS = ("columns", "group", "topics", "numbering", "select", "tasks", "kem_theo")


def _appendix_spec(meta: SectionMeta, loaded: Loaded, offset: int, rel: str,
                   problems: Problems) -> AppendixSpec | None:
    """The table declaration of an appendix file, checked key by key (each problem at its
    line); None for other sections (where a declaration key is a warning)."""
    written = loaded.data if isinstance(loaded.data, dict) else {}

    def at(*path: Any) -> tuple[int, int]:
        return loaded.pos(path, offset)

    if meta.kind != "appendix":
        for key in _APPENDIX_KEYS:
            if key in written:
                problems.add(rel, *at(key), "W201",
                             f"trường \"{key}\" chỉ dùng trong tệp phụ lục (kind: appendix) và "
                             "bị bỏ qua")
        return None
    columns: list[AppendixColumn] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(meta.columns if meta.columns is not None
                             else DEFAULT_APPENDIX_COLUMNS):
        key, title, declared = ((item.key, item.title, item.width)
                                if isinstance(item, ColumnEntry) else (item, None, None))
        where = at("columns", i, "key") if isinstance(item, ColumnEntry) else at("columns", i)
        if key not in APPENDIX_COLUMNS:
            hint = _suggest(key, list(APPENDIX_COLUMNS))
            problems.add(rel, *where, "E203",
                         f"\"columns\": không có cột \"{key}\"{hint}; các cột: "
                         + ", ".join(APPENDIX_COLUMNS))
            continue
        if key in seen:
            problems.add(rel, *where, "E203",
                         f"\"columns\": cột \"{key}\" ghi hai lần (đã có ở dòng {seen[key]})")
            continue
        seen[key] = where[0]
        default_title, width = APPENDIX_COLUMNS[key]
        columns.append(AppendixColumn(key, " ".join((title or default_title).split()),
                                      width if declared is None else declared,
                                      declared=declared is not None))
    if meta.columns is not None and not meta.columns:
        problems.add(rel, *at("columns"), "E203",
                     "\"columns\" không được để trống (bỏ dòng này để dùng các cột mặc định)")
    _check_widths(columns, at, rel, problems)
    topics: list[AppendixTopic] = []
    topic_keys: dict[str, int] = {}
    for i, t in enumerate(meta.topics):
        if t.key in topic_keys:
            problems.add(rel, *at("topics", i, "key"), "E203",
                         f"\"topics\": nhóm \"{t.key}\" ghi hai lần (đã có ở dòng "
                         f"{topic_keys[t.key]})")
            continue
        topic_keys[t.key] = at("topics", i, "key")[0]
        topics.append(AppendixTopic(t.key, " ".join(t.title.split())))
    if meta.group == "topic" and not meta.topics:
        problems.add(rel, *at("group"), "E201",
                     "phụ lục nhóm theo lĩnh vực (group: topic) cần danh sách \"topics\" "
                     "(thứ tự và tên các nhóm)")
    if meta.topics and meta.group != "topic":
        problems.add(rel, *at("topics"), "W201",
                     "\"topics\" chỉ dùng khi group: topic và bị bỏ qua")
    if meta.select == "list" and not meta.tasks:
        problems.add(rel, *at("select"), "E201",
                     "phụ lục chọn theo danh sách (select: list) cần danh sách mã nhiệm vụ "
                     "\"tasks\"")
    if meta.tasks and meta.select != "list":
        problems.add(rel, *at("tasks"), "W201",
                     "\"tasks\" chỉ dùng khi select: list và bị bỏ qua")
    listed: dict[str, tuple[int, int]] = {}
    for i, task_id in enumerate(meta.tasks):
        if task_id in listed:
            problems.add(rel, *at("tasks", i), "E203",
                         f"\"tasks\": nhiệm vụ \"{task_id}\" ghi hai lần (đã có ở dòng "
                         f"{listed[task_id][0]})")
        listed.setdefault(task_id, at("tasks", i))
    return AppendixSpec(
        columns=tuple(columns), group=meta.group, topics=tuple(topics),
        numbering=meta.numbering, select=meta.select,
        tasks=tuple(dict.fromkeys(meta.tasks)) if meta.select == "list" else (),
        kem_theo=meta.kem_theo,
        task_places=tuple(listed.values()) if meta.select == "list" else (),
        group_line=at("group")[0] if "group" in written else 2,
        select_line=at("select")[0] if "select" in written else 2,
    )


def _check_widths(columns: list[AppendixColumn], at: Callable[..., tuple[int, int]], rel: str,
                  problems: Problems) -> None:
    """Declared column widths are percents of the table: together at most 100, and leaving
    every column without a width at least the smallest width (MIN_COLUMN_WIDTH)."""
    declared = sum(c.width for c in columns if c.declared)
    rest = sum(1 for c in columns if not c.declared)
    if not declared or declared + rest * MIN_COLUMN_WIDTH <= 100:
        return
    why = (f"không còn đủ chỗ cho {rest} cột không ghi độ rộng (mỗi cột ít nhất "
           f"{MIN_COLUMN_WIDTH}%)" if rest else "quá 100% bề rộng bảng")
    problems.add(rel, *at("columns"), "E203",
                 f"\"columns\": độ rộng các cột cộng lại {declared}%, {why}")


def _check_structure(meta: ReportMeta, sections: list[Section], problems: Problems) -> None:
    parts = {p.number for p in meta.parts}
    seen: dict[tuple[str | None, str | None], str] = {}
    appendices = 0
    openings: dict[str | None, str] = {}
    for s in sections:
        rel = s.src.path
        if s.kind == "opening":
            where = "trước Phần I" if s.part is None else f"dưới Phần {s.part}"
            if s.part is not None and s.part not in parts:
                problems.add(rel, s.part_line, 1, "E502",
                             f"đoạn mở đầu đặt dưới Phần \"{s.part}\" nhưng index.md không có "
                             f"Phần này (các Phần: {', '.join(p.number for p in meta.parts)})")
            elif s.part in openings:
                problems.add(rel, s.part_line, 1, "E502",
                             f"hai đoạn mở đầu cho cùng một chỗ ({where}): tệp này và tệp "
                             f"{openings[s.part]}; hãy gộp thành một tệp")
            else:
                openings[s.part] = rel
            continue
        if s.kind == "appendix":
            appendices += 1  # several: Phụ lục I, II, … in file order (R45)
            if re.sub(r"\s", "", s.body) != "{{bang_nhiem_vu}}":
                problems.add(rel, s.body_line, 1, "E502",
                             "nội dung tệp phụ lục chỉ gồm dòng {{ bang_nhiem_vu }} "
                             "(tên phụ lục ghi ở trường title)")
            continue
        if s.part not in parts:
            problems.add(rel, 2, 1, "E502",
                         f"Phần \"{s.part}\" không có trong index.md (các Phần: {', '.join(sorted(parts))})")
        number = s.number or ""
        head, _, tail = number.partition(".")
        ok = (parse_roman(head) is not None and (not tail or tail.isdigit())) or number.isdigit()
        if not ok:
            problems.add(rel, 3, 1, "E502",
                         f"số mục \"{number}\" không hợp lệ (dùng II, III.1 hoặc 1)")
        key = (s.part, s.number)
        if key in seen:
            problems.add(rel, 3, 1, "E502",
                         f"trùng số mục {s.number} của Phần {s.part} với tệp {seen[key]}")
        seen[key] = rel


#: The authority forms of Nghị định 30 (R36, R37): the abbreviation with its period, a space,
#: then the position in capitals ("KT. GIÁM ĐỐC").
AUTHORITY_FORMS = ("TM", "KT", "TL", "TUQ", "Q")
_AUTHORITY = re.compile(r"(TM|KT|TL|TUQ|Q)\. +(\S.*)")
#: What editors type instead of an abbreviation: "K.T", "KT", "T/M", "Kt.", "Ký thay", …
_AUTHORITY_WORDS = {
    "KT": "KT", "KÝTHAY": "KT", "TM": "TM", "THAYMẶT": "TM", "TL": "TL", "THỪALỆNH": "TL",
    "TUQ": "TUQ", "THỪAỦYQUYỀN": "TUQ", "THỪAUỶQUYỀN": "TUQ", "Q": "Q", "QUYỀN": "Q",
}
_AS_TYPED = re.compile(r"(?i)\s*((?:k[ýy]\s*thay|thay\s*m[ặa]t|th[ừu]a\s*l[ệe]nh|"
                       r"th[ừu]a\s*[ủu]y\s*quy[ềe]n|quy[ềe]n|[a-zđ][./ ]*){1,3}?)[.:/ ]*\s+(\S.*)")


def _authority_hint(line: str) -> str:
    """ "K.T GIÁM ĐỐC" -> the form the editor meant ("KT. GIÁM ĐỐC"), or ""."""
    m = _AS_TYPED.fullmatch(line.strip())
    if m is None:
        return ""
    word = re.sub(r"[\s./]", "", m.group(1)).upper()
    form = _AUTHORITY_WORDS.get(word)
    return f"{form}. {m.group(2).strip().upper()}" if form else ""


def authority_problem(line: str, index: int) -> str | None:
    """Why *line* (the *index*-th authority line) is not a form of Nghị định 30, or None."""
    text = " ".join(line.split())
    if not text:
        return "dòng quyền hạn ký để trống; hãy xóa dòng này"
    m = _AUTHORITY.fullmatch(text)
    if m is None:
        hint = _authority_hint(text)
        meant = (f" (có phải ý bạn là \"{hint}\"?)" if hint else
                 "; nếu chỉ ghi chức vụ người ký, để \"authority\" trống (\"\") và ghi chức vụ "
                 "ở \"position\"")
        return (f"quyền hạn ký \"{text}\" không đúng Nghị định 30: viết chữ viết tắt TM., KT., "
                f"TL., TUQ. hoặc Q. (chữ in hoa, có dấu chấm) rồi chức vụ, ví dụ \"KT. GIÁM ĐỐC\""
                f"{meant}")
    form, rest = m.group(1), m.group(2)
    if rest != rest.upper():
        return (f"quyền hạn ký \"{text}\": chức vụ sau {form}. viết chữ in hoa (Nghị định 30): "
                f"\"{form}. {rest.upper()}\"")
    if index > 0 and form == "TM":
        return (f"\"{text}\": TM. (thay mặt tập thể) chỉ đứng ở dòng đầu, ví dụ "
                "[\"TM. ỦY BAN NHÂN DÂN\", \"KT. CHỦ TỊCH\"]")
    return None


def _check_signer(meta: ReportMeta, loaded: Loaded, offset: int, rel: str,
                  problems: Problems) -> None:
    """The signature forms of Nghị định 30 (R36-R38): each authority line, and the position
    that must (or, after "Q.", need not) follow it."""
    signer = meta.signer
    many = isinstance(signer.authority, list)
    lines: list[str] = (list(signer.authority) if isinstance(signer.authority, list)
                        else [signer.authority])
    if many and not 1 <= len(lines) <= 2:
        line, col = loaded.pos(("signer", "authority"), offset)
        problems.add(rel, line, col, "E511",
                     f"quyền hạn ký có {len(lines)} dòng; chỉ được một dòng hoặc hai dòng, ví dụ "
                     "[\"TM. ỦY BAN NHÂN DÂN\", \"KT. CHỦ TỊCH\"]")
        return
    for i, text in enumerate(lines):
        if not many and not text.strip():
            continue  # "": the signer's own title alone
        why = authority_problem(text, i)
        if why is not None:
            key = ("signer", "authority", i) if many else ("signer", "authority")
            line, col = loaded.pos(key, offset)
            problems.add(rel, line, col, "E511", why)
    last = " ".join(signer.authority_lines[-1].split()) if signer.authority_lines else ""
    m = _AUTHORITY.fullmatch(last)
    position = " ".join(signer.position.split())
    line, col = loaded.pos(("signer", "position"), offset)
    if not position:
        if m is None or m.group(1) != "Q":
            problems.add(rel, line, col, "E511",
                         "thiếu chức vụ người ký (\"position\", ví dụ PHÓ GIÁM ĐỐC); chỉ để trống "
                         "khi ký quyền (\"Q. GIÁM ĐỐC\")")
    elif m is not None and position.upper() in (m.group(2), last):
        what = ("ký quyền (Q.) thì chức vụ đã ở dòng quyền hạn; để trống \"position\""
                if m.group(1) == "Q" else
                f"chức vụ người ký lặp lại dòng quyền hạn \"{last}\"; ghi chức vụ của chính "
                "người ký (ví dụ PHÓ GIÁM ĐỐC)")
        problems.add(rel, line, col, "E511", what)


def _check_addressees(meta: ReportMeta, loaded: Loaded, offset: int, rel: str,
                      problems: Problems) -> None:
    """Kính gửi (R25): the tool lays the lines out and adds their punctuation; Nơi nhận then
    starts with "- Như trên;", which the tool adds too."""
    for i, name in enumerate(meta.addressees):
        line, col = loaded.pos(("addressees", i), offset)
        text = name.strip()
        if not text.strip("-;.,: "):
            problems.add(rel, line, col, "E203", "\"addressees\": dòng Kính gửi để trống")
        elif text != addressee_text(text):
            problems.add(rel, line, col, "W512",
                         f"Kính gửi \"{text}\": không gõ gạch đầu dòng hay dấu ; . cuối dòng; công "
                         "cụ tự trình bày theo Nghị định 30 (một nơi: cùng dòng với \"Kính gửi:\"; "
                         "nhiều nơi: \"- …;\", dòng cuối \"- ….\")")
    for i, name in enumerate(meta.recipients):
        if is_nhu_tren(name):
            line, col = loaded.pos(("recipients", i), offset)
            if meta.addressees:
                problems.add(rel, line, col, "W511",
                             "không cần ghi \"Như trên\": khi có Kính gửi (addressees), công cụ tự "
                             "thêm dòng \"- Như trên;\" đầu Nơi nhận; dòng này bị bỏ qua")
            else:
                problems.add(rel, line, col, "W511",
                             "\"Như trên\" chỉ các nơi ở Kính gửi, nhưng báo cáo không có Kính gửi "
                             "(addressees); hãy ghi Kính gửi hoặc xóa dòng này")


def load_report(
    root: Path, listing: MonthFolder, orgs: Sequence[Organization], problems: Problems,
    pending: list[BodyCheck] | None = None,
) -> tuple[ReportMeta, Loaded, int, list[Section]] | None:
    """One month folder, as the walk listed it (:func:`repofiles.walk_repository`): only the
    regular files named there are read (links and special files were refused by the walk)."""
    rel_folder, folder = listing.rel, root / listing.rel
    year, month = int(listing.year), int(listing.name)
    index = folder / "index.md"
    rel_index = f"{rel_folder}/index.md"
    if "index.md" not in listing.files:
        if not os.path.lexists(index) or (index.is_dir() and not index.is_symlink()):
            problems.add(rel_index, 1, 1, "E104", "thiếu tệp index.md (thông tin chung của báo cáo)")
        return None
    sections: list[Section] = []
    orders: dict[int, str] = {}
    for name in listing.files:
        if name == "index.md" or Path(name).suffix.lower() != ".md":
            continue
        path = folder / name
        rel = f"{rel_folder}/{name}"
        m = SECTION_NAME.match(name)
        if not m:
            problems.add(rel, 1, 1, "E502",
                         "tên tệp mục phải có dạng NN-ten-muc.md (ví dụ 03-nghien-cuu-khoa-hoc.md)")
            continue
        order = int(m.group(1))
        if order in orders:
            problems.add(rel, 1, 1, "E502", f"trùng số thứ tự {m.group(1)} với tệp {orders[order]}")
        orders[order] = name
        section = _load_section(path, rel, order, problems, pending)
        if section is not None:
            sections.append(section)
    text = read_text(index, rel_index, problems)
    if text is None:
        return None
    try:
        fm = split_front_matter(text)
    except YamlSyntaxError as err:
        problems.add(rel_index, err.line, err.col, "E101", err.message)
        return None
    if fm is None or not isinstance(fm.meta.data, dict):
        problems.add(rel_index, 1, 1, "E103", "thiếu phần thông tin đầu tệp (---) của báo cáo")
        return None
    meta = validate(ReportMeta, fm.meta.data, fm.meta, rel_index, problems, offset=fm.meta_offset)
    if meta is None:
        return None
    _check_signer(meta, fm.meta, fm.meta_offset, rel_index, problems)
    _check_addressees(meta, fm.meta, fm.meta_offset, rel_index, problems)
    if meta.status == "issued":
        for key in ("number", "date"):
            if getattr(meta, key) is None:
                line, col = fm.meta.pos(("status",), fm.meta_offset)
                problems.add(rel_index, line, col, "E201",
                             f"báo cáo đã ban hành (issued) phải có \"{key}\"")
    if organization_on(orgs, meta.cutoff.value) is None and orgs:
        line, col = fm.meta.pos(("cutoff",), fm.meta_offset)
        problems.add(rel_index, line, col, "E203",
                     "không có thông tin cơ quan (organization.yaml) áp dụng cho ngày chốt này")
    cut = meta.cutoff.value
    if (cut.year, cut.month) not in ((year, month), (year + (month == 12), month % 12 + 1)):
        line, col = fm.meta.pos(("cutoff",), fm.meta_offset)
        problems.add(rel_index, line, col, "W301",
                     f"ngày chốt {meta.cutoff.text} không thuộc tháng {month}/{year} hoặc tháng sau")
    _check_structure(meta, sections, problems)
    return meta, fm.meta, fm.meta_offset, sections


def load_repository(root: Path) -> tuple[Repository, Problems]:
    """Load and validate the whole repository at *root*; every problem is collected."""
    root = root.resolve()
    with repofiles.reading(root):  # each folder opened once for the files read from it
        return _load_repository(root)


def _load_repository(root: Path) -> tuple[Repository, Problems]:
    problems = Problems()
    orgs, status_labels = _load_organization(root, problems)
    tasks = load_tasks(root, problems)
    task_ids = {t.id for t in tasks}
    walk = walk_repository(root)
    for refused in walk.refused:
        problems.add(refused.rel, 1, 1, refused.code, refused.reason)
    for rel in (SITE_CONFIG_FILE, GUIDE_FILE):  # read by the site build: refused here already
        if (unsafe := repofiles.check_repo_file(root, rel)) is not None:
            problems.add(unsafe.rel, 1, 1, unsafe.code, unsafe.reason)
    pending: list[BodyCheck] = []
    loaded: list[tuple[int, int, str, ReportMeta, Loaded, int, list[Section]]] = []
    if walk.content == "missing":
        problems.add(CONTENT_DIR, 1, 1, "E104", "thiếu thư mục content/")
    for year_name in walk.years:
        if year_problem(int(year_name)) is not None:  # content/0000/01: "tháng 1/0"
            problems.add(f"{CONTENT_DIR}/{year_name}", 1, 1, "E502",
                         f"thư mục năm \"{year_name}\" nằm ngoài khoảng {FIRST_YEAR}–"
                         f"{LAST_YEAR} (thư mục báo cáo có dạng content/<năm>/<tháng>, ví dụ "
                         "content/2023/09)")
    for mdir in walk.months:
        if year_problem(int(mdir.year)) is not None:
            continue  # the year folder is reported above
        if not mdir.valid:
            problems.add(mdir.rel, 1, 1, "E502", "thư mục tháng phải có dạng 01 … 12")
            continue
        res = load_report(root, mdir, orgs, problems, pending)
        if res is not None:
            loaded.append((int(mdir.year), int(mdir.name), mdir.rel, *res))
    # the one parse of the bodies: raw HTML, links, images (read and checked here), notes
    images: dict[str, list[ImageFile]] = {}
    for finding in check_bodies(pending, _target_problem, _read_image, images):
        problems.add(*finding)
    for item in pending:
        for img in images.get(item.rel, []):
            _check_svg_glyphs(img, item, root, problems)
    reports: list[Report] = []
    prev_cutoff: date | None = None
    prev_key = ""
    for year, month, rel_folder, meta, fm_meta, off, sections in loaded:
        sections = [dataclasses.replace(s, images=tuple(images[s.src.path]))
                    if s.src.path in images else s for s in sections]
        rel_index = f"{rel_folder}/index.md"
        start = meta.period_start.value if meta.period_start else default_period_start(
            meta.cutoff.value, prev_cutoff)
        if start > meta.cutoff.value:
            line, col = fm_meta.pos(("period_start",), off)
            problems.add(rel_index, line, col, "E303", "ngày đầu kỳ sau ngày chốt số liệu")
        if prev_cutoff is not None and start <= prev_cutoff:
            line, col = fm_meta.pos(("period_start",) if meta.period_start else ("cutoff",),
                                    off)
            problems.add(rel_index, line, col, "E303",
                         f"kỳ báo cáo chồng lên kỳ của báo cáo {prev_key} (chốt ngày {prev_cutoff:%d/%m/%Y})")
        for key in ("include", "exclude"):
            for j, task_id in enumerate(getattr(meta.tasks, key)):
                if task_id not in task_ids:
                    line, col = fm_meta.pos(("tasks", key, j), off)
                    hint = _suggest(task_id, sorted(task_ids))
                    problems.add(rel_index, line, col, "E402",
                                 f"không có nhiệm vụ mã \"{task_id}\" trong directives.yaml{hint}")
        org = organization_on(orgs, meta.cutoff.value)
        prev_cutoff, prev_key = meta.cutoff.value, f"{year}-{month:02d}"
        if org is None:
            continue
        reports.append(Report(
            key=f"{year}-{month:02d}", year=year, month=month, folder=rel_folder, meta=meta,
            period_start=start, organization=org,
            sections=tuple(sorted(sections, key=lambda s: s.order)),
            index_src=SourceRef(rel_index, 1),
        ))
    for report in reports:
        _check_figure_numbers(report, problems)
    load_site_settings(root, problems)
    repo = Repository(root=str(root), organization=orgs, tasks=tasks, reports=tuple(reports),
                      status_labels=status_labels)
    for finding in appendix_problems(repo):
        problems.add(*finding)
    return repo, problems
