"""Targeted edits of top-level keys in a Markdown file's YAML front matter.

``baocao new`` and ``baocao issue`` change a few fields of ``index.md`` (status, number, date,
cutoff, fingerprint). Re-dumping the YAML would lose the editors' comments, quoting and order,
so each edit replaces only the characters of one value (keeping a trailing ``# comment`` in its
column), removes the lines of one key, or inserts one line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml
from yaml.nodes import MappingNode, ScalarNode

from .errors import FrontMatterEditError as FrontMatterEditError


@dataclass(frozen=True)
class _Key:
    name: str
    key_line: int  # index into the file's lines
    start: tuple[int, int]  # value start (line index in file, column)
    end: tuple[int, int]  # value end (exclusive)
    scalar: bool


def _span(lines: list[str]) -> tuple[int, int]:
    """(first, last) line indices of the YAML between the ``---`` lines (last exclusive)."""
    if not lines or lines[0].rstrip() != "---":
        raise FrontMatterEditError("tệp không bắt đầu bằng dòng --- (phần thông tin đầu tệp)")
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return 1, i
    raise FrontMatterEditError("phần thông tin đầu tệp không có dòng --- kết thúc")


def compose(text: str) -> yaml.Node | None:
    """The node tree of *text* for a line edit, from PyYAML's safe composer (it builds no
    object; the one place editing code reads YAML). Raises ``yaml.YAMLError``."""
    return yaml.compose(text, Loader=yaml.SafeLoader)  # noqa: S506 - compose builds nothing


def _keys(lines: list[str]) -> tuple[dict[str, _Key], int, int]:
    first, last = _span(lines)
    text = "".join(lines[first:last])
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)  # noqa: S506 - compose builds nothing
    except yaml.YAMLError as exc:
        raise FrontMatterEditError(f"lỗi cú pháp YAML trong phần thông tin đầu tệp: {exc}") from None
    keys: dict[str, _Key] = {}
    if node is None:
        return keys, first, last
    if not isinstance(node, MappingNode):
        raise FrontMatterEditError("phần thông tin đầu tệp phải là các dòng \"khóa: giá trị\"")
    for k, v in node.value:
        keys[str(k.value)] = _Key(
            str(k.value), first + k.start_mark.line,
            (first + v.start_mark.line, v.start_mark.column),
            (first + v.end_mark.line, v.end_mark.column),
            isinstance(v, ScalarNode) and v.start_mark.line == v.end_mark.line,
        )
    return keys, first, last


_COMMENT = re.compile(r"^(\s+)(#.*)$", re.S)


def _block_end(key: _Key) -> int:
    """Index of the first line after *key*'s value."""
    line, col = key.end
    return line + 1 if col > 0 else line


def set_value(text: str, name: str, value: str, *, after: str | None = None) -> str:
    """Set top-level *name* to the YAML text *value* (already quoted as needed).

    An existing one-line value is replaced in place, keeping a trailing comment in its column;
    a multi-line value becomes one line. A missing key is added after the key *after* (or at
    the end of the front matter).
    """
    lines = text.splitlines(keepends=True)
    keys, _, last = _keys(lines)
    key = keys.get(name)
    if key is None:
        at = _block_end(keys[after]) if after in keys else last
        lines.insert(at, f"{name}: {value}\n")
        return "".join(lines)
    if not key.scalar or key.start[0] != key.key_line:
        line = lines[key.key_line]
        head = line[: line.index(":") + 1] if ":" in line else f"{name}:"
        lines[key.key_line: _block_end(key)] = [f"{head} {value}\n"]
        return "".join(lines)
    line = lines[key.key_line]
    newline = "\n" if line.endswith("\n") else ""
    body = line[: len(line) - len(newline)]
    (_, start), (_, end) = key.start, key.end
    head, rest = body[:start], body[end:]
    new = f"{head}{value}" if start < end or head.endswith(" ") else f"{head} {value}"
    m = _COMMENT.match(rest)
    if m:
        column = len(head) + len(m.group(1)) + (end - start)  # where the comment was
        pad = max(1, column - len(new))
        rest = " " * pad + m.group(2)
    lines[key.key_line] = new + rest + newline
    return "".join(lines)


def remove_key(text: str, name: str) -> str:
    """Remove top-level *name* and its value's lines (no-op when absent).

    Comment lines directly above the key that belong to it (no blank line between) stay, since
    they may describe the next key too; editors rarely comment removed keys.
    """
    lines = text.splitlines(keepends=True)
    keys, _, _ = _keys(lines)
    key = keys.get(name)
    if key is None:
        return text
    del lines[key.key_line: _block_end(key)]
    return "".join(lines)


def set_block(text: str, name: str, block: list[str], *, after: str | None = None) -> str:
    """Set top-level *name* to the block of YAML lines *block* (indented, without newlines):
    in place of its old value, or after the key *after* (or at the end) when it is new."""
    lines = text.splitlines(keepends=True)
    keys, _, last = _keys(lines)
    new = [f"{name}:\n", *(f"{line}\n" for line in block)]
    key = keys.get(name)
    if key is not None:
        lines[key.key_line: _block_end(key)] = new
    else:
        at = _block_end(keys[after]) if after in keys else last
        lines[at:at] = new
    return "".join(lines)


def get_line(text: str, name: str) -> int | None:
    """1-based file line of top-level *name*, or None."""
    keys, _, _ = _keys(text.splitlines(keepends=True))
    key = keys.get(name)
    return key.key_line + 1 if key else None


def quote(value: str) -> str:
    """*value* as a double-quoted YAML string."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
