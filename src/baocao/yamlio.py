"""Reading YAML and front matter while keeping the line and column of every value.

ruamel.yaml's round-trip loader records positions on the containers it builds; it constructs
only plain containers and scalars (no Python objects), so it is safe for untrusted content.
Anchors and aliases are refused: editors never need them and they allow "billion laughs".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import frontmatter
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent

from .vietnamese import nfc

Path_ = tuple[str | int, ...]


class YamlSyntaxError(Exception):
    """YAML could not be parsed. ``line``/``col`` are 1-based, relative to the YAML text."""

    def __init__(self, message: str, line: int, col: int):
        super().__init__(message)
        self.message, self.line, self.col = message, line, col


@dataclass(frozen=True)
class Loaded:
    """Plain data (dicts, lists, scalars; strings NFC) with a position for each path."""

    data: Any
    positions: dict[Path_, tuple[int, int]]

    def pos(self, path: Path_, offset: int = 0) -> tuple[int, int]:
        """1-based (line, col) of *path*, or of its longest known prefix."""
        p = tuple(path)
        while p not in self.positions and p:
            p = p[:-1]
        line, col = self.positions.get(p, (0, 0))
        return line + 1 + offset, col + 1


_EXPLAIN = [
    ("cannot start any token", "có ký tự không hợp lệ (thường là phím Tab); chỉ thụt lề bằng dấu cách"),
    ("mapping values are not allowed", "dấu hai chấm ':' không đúng chỗ; giá trị có ': ' phải đặt "
     "trong ngoặc kép"),
    ("expected <block end>", "thụt lề không khớp hoặc thiếu dấu ngoặc kép đóng ở dòng trên"),
    ("could not find expected ':'", "thiếu dấu hai chấm ':' sau tên trường"),
    ("found unexpected end of stream", "thiếu dấu ngoặc kép đóng"),
    ("found duplicate key", "một trường được ghi hai lần"),
    ("expected ',' or ']'", "thiếu dấu ']' hoặc ',' trong danh sách [ … ]"),
    ("expected ',' or '}'", "thiếu dấu '}' hoặc ',' trong { … }"),
    ("found undefined tag", "dùng thẻ YAML (!) không được hỗ trợ"),
    ("found unknown escape character", "ký tự thoát '\\' không hợp lệ trong ngoặc kép"),
]


def _translate(err: YAMLError) -> YamlSyntaxError:
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = str(getattr(err, "problem", None) or str(err).splitlines()[0])
    for needle, text in _EXPLAIN:
        if needle in problem:
            return YamlSyntaxError(f"lỗi cú pháp YAML: {text}", line, col)
    return YamlSyntaxError(f"lỗi cú pháp YAML ({problem})", line, col)


def _new_yaml() -> YAML:
    yaml = YAML(typ="rt", pure=True)
    # Dates stay text: the schema parses them, so an impossible date is a located content error.
    yaml.constructor.add_constructor(
        "tag:yaml.org,2002:timestamp", lambda c, node: c.construct_scalar(node)
    )
    return yaml


def _plain(node: Any, path: Path_, positions: dict[Path_, tuple[int, int]]) -> Any:
    if isinstance(node, CommentedMap):
        out: dict[Any, Any] = {}
        for key, value in node.items():
            k = nfc(key) if isinstance(key, str) else key
            try:
                line, col = node.lc.key(key)
            except (KeyError, TypeError):
                line, col = node.lc.line, node.lc.col
            positions[(*path, k)] = (line, col)
            out[k] = _plain(value, (*path, k), positions)
        return out
    if isinstance(node, CommentedSeq):
        items = []
        for i, value in enumerate(node):
            try:
                line, col = node.lc.item(i)
            except (KeyError, TypeError):
                line, col = node.lc.line, node.lc.col
            positions[(*path, i)] = (line, col)
            items.append(_plain(value, (*path, i), positions))
        return items
    if isinstance(node, str):
        return nfc(str(node))
    return node


def load_yaml(text: str) -> Loaded:
    """Parse *text* (one YAML document) into :class:`Loaded`. Raises :class:`YamlSyntaxError`."""
    yaml = _new_yaml()
    try:
        for event in yaml.parse(text):
            if isinstance(event, AliasEvent):
                mark = event.start_mark
                raise YamlSyntaxError(
                    "không dùng tham chiếu YAML (anchor/alias '*'); hãy viết giá trị trực tiếp",
                    mark.line + 1,
                    mark.column + 1,
                )
        node = yaml.load(text)
    except MarkedYAMLError as err:
        raise _translate(err) from None
    except YAMLError as err:
        raise _translate(err) from None
    positions: dict[Path_, tuple[int, int]] = {}
    if isinstance(node, CommentedMap | CommentedSeq):
        positions[()] = (node.lc.line, node.lc.col)
    return Loaded(_plain(node, (), positions), positions)


@dataclass(frozen=True)
class FrontMatterFile:
    """A Markdown file split into front matter and body."""

    meta: Loaded
    body: str
    #: 1-based line number of the first body line in the file.
    body_line: int
    #: 0-based line offset of the YAML text inside the file (to add to its positions).
    meta_offset: int


_HANDLER = frontmatter.YAMLHandler()


def split_front_matter(text: str) -> FrontMatterFile | None:
    """Split ``---`` front matter from the body; None when the file has none."""
    if not _HANDLER.detect(text):
        return None
    try:
        fm_text, body = _HANDLER.split(text)
    except ValueError:
        return None
    meta = load_yaml(fm_text)
    start = text.index(fm_text) if fm_text else text.index("---") + 4
    meta_offset = text.count("\n", 0, start)
    body_start = text.index(body, start + len(fm_text)) if body else len(text)
    body_line = text.count("\n", 0, body_start) + 1
    return FrontMatterFile(meta, body, body_line, meta_offset)
