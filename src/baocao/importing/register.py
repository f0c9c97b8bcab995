"""Edits of ``directives.yaml`` that keep its comments, quoting and order.

New tasks are appended at the end of the ``tasks:`` list, in the register's style (one
``- id:`` line, then ``key: "value"`` lines); a changed fact of an existing task replaces only
the characters of its value, and a new fact is one line inserted after the task's last line.
Nothing here re-dumps the YAML.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from ..errors import FrontMatterEditError
from ..yamledit import compose, quote

#: Header of a register the importer creates.
NEW_REGISTER = (
    "# yaml-language-server: $schema=./schemas/directives.schema.json\n"
    "# Sổ theo dõi nhiệm vụ do UBND tỉnh, Chủ tịch UBND tỉnh giao (nhập từ báo cáo cũ bằng\n"
    "# baocao import). Chỉ ghi SỰ KIỆN; tình trạng và mọi con số do baocao tự tính.\n"
    "# Hướng dẫn: docs/huong-dan-bien-tap.md\n"
    "tasks:\n"
)
#: Facts a task entry may carry, in the register's order.
FACT_ORDER = ("id", "document", "issued", "summary", "deadline", "extensions", "adjustments",
              "completed", "completed_by",
              "result", "unit", "required_result", "topic", "not_started", "progress", "notes")
#: Facts written as YAML booleans, not strings.
FLAGS = ("not_started",)


@dataclass(frozen=True)
class _Item:
    first: int  # line index of "- id:"
    last: int  # line index of its last value line (inclusive)
    indent: int  # column of its keys
    keys: dict[str, tuple[int, int, int, int, bool]]  # key -> value span, one-line scalar


def _items(text: str) -> tuple[dict[str, _Item], SequenceNode | None]:
    try:
        node = compose(text)
    except yaml.YAMLError as exc:
        raise FrontMatterEditError(f"directives.yaml có lỗi cú pháp YAML: {exc}") from None
    if not isinstance(node, MappingNode):
        return {}, None
    seq = next((v for k, v in node.value if k.value == "tasks"), None)
    if not isinstance(seq, SequenceNode):
        return {}, None
    out: dict[str, _Item] = {}
    for item in seq.value:
        if not isinstance(item, MappingNode) or not item.value:
            continue
        keys = {}
        for k, v in item.value:
            keys[str(k.value)] = (v.start_mark.line, v.start_mark.column, v.end_mark.line,
                                  v.end_mark.column,
                                  isinstance(v, ScalarNode) and v.start_mark.line == v.end_mark.line)
        last_v = item.value[-1][1]
        last = last_v.end_mark.line - (1 if last_v.end_mark.column == 0 else 0)
        task_id = next((str(v.value) for k, v in item.value if k.value == "id"), None)
        if task_id is not None:
            out[task_id] = _Item(item.start_mark.line, last, item.value[0][0].start_mark.column,
                                 keys)
    return out, seq


def entry_lines(entry: dict[str, str]) -> list[str]:
    """A new task as register lines (two-space list indent, as the shipped register)."""
    lines: list[str] = []
    for key in FACT_ORDER:
        value = entry.get(key)
        if not value:
            continue
        if key in ("adjustments", "extensions"):  # "deadline|date|document"
            new, day, doc = value.split("|", 2)
            lines += [f"    {key}:\n", f"      - deadline: {quote(new)}\n",
                      f"        {'date' if key == 'adjustments' else 'approved'}: {quote(day)}\n"]
            if doc:
                lines.append(f"        document: {quote(doc)}\n")
            continue
        if key == "progress":  # "date|text": one dated note
            day, _, text = value.partition("|")
            lines += ["    progress:\n", f"      - date: {quote(day)}\n",
                      f"        text: {quote(text)}\n"]
            continue
        prefix = "  - " if key == "id" else "    "
        shown = value if key in FLAGS else quote(value)
        lines.append(f"{prefix}{key}: {shown}\n")
    return lines


def append_tasks(text: str, entries: list[dict[str, str]]) -> str:
    """*text* (or a new register) with *entries* added after the last task."""
    if not entries:
        return text
    if not text.strip():
        text = NEW_REGISTER
    _, seq = _items(text)
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    if seq is None:
        if any(line.startswith("tasks:") for line in lines):
            # "tasks:" with no list (or "tasks: []"): start the list there
            i = next(i for i, line in enumerate(lines) if line.startswith("tasks:"))
            lines[i] = "tasks:\n"
        else:
            lines.append("tasks:\n")
    block: list[str] = []
    for entry in entries:
        block.append("\n")
        block.extend(entry_lines(entry))
    return "".join(lines + block)


def update_task(text: str, task_id: str, changes: dict[str, str]) -> str:
    """*text* with the facts in *changes* set on task *task_id* (a one-line value is replaced in
    place, a missing key is a new line after the task's last line). Raises
    FrontMatterEditError when the task is not there or a value spans several lines."""
    for key, value in changes.items():
        items, _ = _items(text)
        item = items.get(task_id)
        if item is None:
            raise FrontMatterEditError(f"không thấy nhiệm vụ \"{task_id}\" trong directives.yaml")
        lines = text.splitlines(keepends=True)
        span = item.keys.get(key)
        if span is not None:
            sl, sc, el, ec, one_line = span
            if not one_line:
                raise FrontMatterEditError(
                    f"nhiệm vụ \"{task_id}\": trường {key} viết trên nhiều dòng, không sửa tự động")
            line = lines[sl]
            lines[sl] = line[:sc] + (value if key in FLAGS else quote(value)) + line[ec:]
        else:
            at = item.last + 1
            shown = value if key in FLAGS else quote(value)
            lines.insert(at, " " * item.indent + f"{key}: {shown}\n")
        text = "".join(lines)
    return text


def insert_task(text: str, entry: dict[str, str], before: str) -> str:
    """*text* with *entry* placed just before task *before* (and the comment lines right above
    it), so that a report listing both keeps its order."""
    items, _ = _items(text)
    item = items.get(before)
    if item is None:
        return append_tasks(text, [entry])
    lines = text.splitlines(keepends=True)
    at = item.first
    while at > 0 and lines[at - 1].lstrip().startswith("#"):
        at -= 1
    block = entry_lines(entry) + ["\n"]
    return "".join(lines[:at] + block + lines[at:])
