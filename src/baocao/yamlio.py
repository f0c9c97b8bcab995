"""Reading YAML and front matter while keeping the line and column of every value.

PyYAML's composer (the C one from libyaml when available) builds a node graph with the position
of every node and constructs nothing, so it is safe for untrusted content and fast. Plain data is
built from the nodes here: dates stay text (the schema parses them, so an impossible date is a
located content error), and anchors/aliases are refused: editors never need them and they allow
"billion laughs" attacks. A key written twice is an error (YAML would silently keep the last).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import frontmatter
import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import ReadError
from .errors import YamlSyntaxError as YamlSyntaxError
from .vietnamese import nfc

Path_ = tuple[str | int, ...]

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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
    ("found unexpected end of stream", "dấu ngoặc kép mở ở đây không có dấu đóng"),
    ("did not find expected key", "thụt lề không khớp hoặc thiếu dấu ngoặc kép đóng ở dòng trên"),
    ("did not find expected ',' or ']'", "thiếu dấu ']' hoặc ',' trong danh sách [ … ]"),
    ("expected ',' or ']'", "thiếu dấu ']' hoặc ',' trong danh sách [ … ]"),
    ("did not find expected ',' or '}'", "thiếu dấu '}' hoặc ',' trong { … }"),
    ("expected ',' or '}'", "thiếu dấu '}' hoặc ',' trong { … }"),
    ("found undefined tag", "dùng thẻ YAML (!) không được hỗ trợ"),
    ("found unknown escape character", "ký tự thoát '\\\\' không hợp lệ trong ngoặc kép"),
    ("control characters are not allowed", "tệp chứa ký tự điều khiển không hợp lệ"),
    ("special characters are not allowed", "tệp chứa ký tự điều khiển không hợp lệ"),
    ("exceeded maximum nesting depth", "lồng nhau quá sâu (quá nhiều dấu [ hoặc { lồng nhau)"),
    ("found undefined alias", "dùng tham chiếu '*' tới một anchor '&' không có"),
    ("found duplicate anchor", "anchor '&' được đặt hai lần"),
    ("found a tab character", "có ký tự Tab ở đầu dòng; chỉ thụt lề bằng dấu cách"),
    ("found character that cannot start any token", "có ký tự không hợp lệ (thường là phím Tab)"),
]


#: Characters YAML does not allow in a document.
_NOT_YAML = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _translate(err: yaml.YAMLError, text: str) -> YamlSyntaxError:
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    context_mark = getattr(err, "context_mark", None)
    if context_mark is not None and "while scanning a quoted scalar" in str(getattr(err, "context", "")):
        mark = context_mark  # the opening quote, not the end of the file
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    bad = _NOT_YAML.search(text) if isinstance(err, yaml.reader.ReaderError) else None
    if bad is not None:  # (libyaml gives a byte offset only: find the character instead)
        pos = bad.start()
        line, col = text.count("\n", 0, pos) + 1, pos - (text.rfind("\n", 0, pos) + 1) + 1
    problem = str(getattr(err, "problem", None) or str(err).splitlines()[0])
    context = str(getattr(err, "context", None) or "")
    for needle, text in _EXPLAIN:
        if needle in problem or needle in context:
            return YamlSyntaxError(f"lỗi cú pháp YAML: {text}", line, col)
    return YamlSyntaxError(f"lỗi cú pháp YAML ({problem})", line, col)


_YAML_TAG = "tag:yaml.org,2002:"
_COLLECTION_TAGS = (_YAML_TAG + "map", _YAML_TAG + "seq")
_BOOL = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}


def _scalar(node: ScalarNode) -> Any:
    tag, value = node.tag, node.value
    if tag.endswith(":null"):
        return None
    if tag.endswith(":bool"):
        return _BOOL.get(value.lower(), value)
    if tag.endswith(":int"):
        try:
            return int(value.replace("_", ""), 0)
        except ValueError:
            return value
    if tag.endswith(":float"):
        try:
            return float(value.replace("_", ""))
        except ValueError:
            return value
    if tag.endswith((":str", ":timestamp")):
        return nfc(value)
    raise YamlSyntaxError(
        f"lỗi cú pháp YAML: thẻ \"{_shown_tag(tag)}\" không được hỗ trợ",
        node.start_mark.line + 1, node.start_mark.column + 1,
    )


def _shown_tag(tag: str) -> str:
    """A tag as it was written: "!!python/name:os.system", not its resolved URI."""
    return "!!" + tag.removeprefix(_YAML_TAG) if tag.startswith(_YAML_TAG) else tag


class _AliasUsed(ReadError):
    """A node reached twice: the document uses an alias (refused, see the module docstring)."""


class _Builder:
    def __init__(self) -> None:
        self.positions: dict[Path_, tuple[int, int]] = {}
        self.seen: set[int] = set()

    def build(self, node: Node, path: Path_) -> Any:
        if id(node) in self.seen:
            raise _AliasUsed
        self.seen.add(id(node))
        if isinstance(node, (MappingNode, SequenceNode)) and node.tag not in _COLLECTION_TAGS:
            raise YamlSyntaxError(
                f"lỗi cú pháp YAML: thẻ \"{_shown_tag(node.tag)}\" không được hỗ trợ",
                node.start_mark.line + 1, node.start_mark.column + 1,
            )
        if isinstance(node, MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, ScalarNode):
                    raise YamlSyntaxError("lỗi cú pháp YAML: tên trường phải là chữ",
                                          key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                key = _scalar(key_node)
                key = nfc(key) if isinstance(key, str) else key
                if key in out:
                    raise YamlSyntaxError(
                        f"lỗi cú pháp YAML: trường \"{key}\" được ghi hai lần",
                        key_node.start_mark.line + 1, key_node.start_mark.column + 1,
                    )
                self.positions[(*path, key)] = (key_node.start_mark.line, key_node.start_mark.column)
                out[key] = self.build(value_node, (*path, key))
            return out
        if isinstance(node, SequenceNode):
            items = []
            for i, item in enumerate(node.value):
                self.positions[(*path, i)] = (item.start_mark.line, item.start_mark.column)
                items.append(self.build(item, (*path, i)))
            return items
        assert isinstance(node, ScalarNode)
        return _scalar(node)


def _first_alias(text: str) -> tuple[int, int]:
    """1-based position of the first alias ('*name') in *text* (only called on the error path)."""
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent):
                return event.start_mark.line + 1, event.start_mark.column + 1
    except yaml.YAMLError:
        pass
    return 1, 1


def load_yaml(text: str) -> Loaded:
    """Parse *text* (one YAML document) into :class:`Loaded`. Raises :class:`YamlSyntaxError`."""
    try:
        node = yaml.compose(text, Loader=_Loader)  # noqa: S506 - compose constructs nothing
    except yaml.YAMLError as err:
        raise _translate(err, text) from None
    except RecursionError:  # the pure-Python composer on deeply nested input
        raise YamlSyntaxError(
            "lỗi cú pháp YAML: lồng nhau quá sâu (quá nhiều dấu [ hoặc { lồng nhau)", 1, 1
        ) from None
    if node is None:
        return Loaded(None, {})
    builder = _Builder()
    builder.positions[()] = (node.start_mark.line, node.start_mark.column)
    try:
        data = builder.build(node, ())
    except _AliasUsed:
        line, col = _first_alias(text)
        raise YamlSyntaxError(
            "không dùng tham chiếu YAML (anchor '&' / alias '*'); hãy viết giá trị trực tiếp",
            line, col,
        ) from None
    except RecursionError:
        raise YamlSyntaxError(
            "lỗi cú pháp YAML: lồng nhau quá sâu (quá nhiều dấu [ hoặc { lồng nhau)", 1, 1
        ) from None
    return Loaded(data, builder.positions)


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
    """Split ``---`` front matter from the body; None when the file has none.

    Raises :class:`YamlSyntaxError` with the line of the file (not of the front matter)."""
    if not _HANDLER.detect(text):
        return None
    try:
        fm_text, body = _HANDLER.split(text)
    except ValueError:
        return None
    start = text.index(fm_text) if fm_text else text.index("---") + 4
    meta_offset = text.count("\n", 0, start)
    try:
        meta = load_yaml(fm_text)
    except YamlSyntaxError as err:  # make the line a line of the file
        raise YamlSyntaxError(err.message, err.line + meta_offset, err.col) from None
    body_start = text.index(body, start + len(fm_text)) if body else len(text)
    body_line = text.count("\n", 0, body_start) + 1
    return FrontMatterFile(meta, body, body_line, meta_offset)
