"""The one reader: section bodies → pandoc's document tree (JSON blocks), many bodies per run.

Each body is written to a file of its own and pandoc reads them with ``--file-scope`` (every file
parsed on its own: a footnote label or an unclosed construct of one body cannot reach another),
separated by files that hold one marker paragraph, so one pandoc start serves a whole report or a
whole archive. Large batches are split over the machine's cores.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import PandocError
from ..write.pandoc import run_pandoc
from .dialect import READER, Prepared, prepare

Block = dict[str, Any]

#: Bodies of at most this many characters in all go to one pandoc run; larger batches are split
#: over the cores (pandoc reads about 1 MB/s of report Markdown).
CHUNK_CHARS = 400_000


@dataclass(frozen=True)
class NoteWarning:
    """A footnote pandoc reported: ``kind`` "unused" (defined, never referenced) or "duplicate"
    (defined twice); ``line``/``col`` in the original body."""

    kind: str
    label: str
    line: int
    col: int


@dataclass(frozen=True)
class Parsed:
    """One body as the dialect reads it: its pandoc blocks and pandoc's footnote warnings."""

    prepared: Prepared
    blocks: list[Block]
    notes: tuple[NoteWarning, ...]


_UNUSED = re.compile(r"Note with key '(.*)' defined at (\S+) line (\d+) column (\d+) but not used")
_DUPLICATE = re.compile(r"Duplicate note reference '(.*)' at (\S+) line (\d+) column (\d+)")


@lru_cache(maxsize=1)
def api_version() -> list[int]:
    """pandoc-api-version of the pinned pandoc (for documents assembled from parsed blocks)."""
    raw = run_pandoc(["--from=markdown", "--to=json"], input_text="")
    version: list[int] = json.loads(raw)["pandoc-api-version"]
    return version


def available_cores() -> int:
    """The cores this process may use (pandoc batches and document workers run side by side)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def batches(sizes: Sequence[int], parts: int) -> Iterator[range]:
    """Consecutive index ranges of items of *sizes*, about equal in size, one per part (one
    range when everything fits in :data:`CHUNK_CHARS`)."""
    total = sum(sizes)
    if parts <= 1 or total <= CHUNK_CHARS:
        yield range(len(sizes))
        return
    target = max(CHUNK_CHARS // 4, total // parts + 1)
    start, acc = 0, 0
    for i, size in enumerate(sizes):
        acc += size
        if acc >= target:
            yield range(start, i + 1)
            start, acc = i + 1, 0
    if start < len(sizes):
        yield range(start, len(sizes))


def _run(prepared: Sequence[Prepared]) -> list[Parsed]:
    nonce = secrets.token_hex(8)
    marker = f"bcsep{nonce}"
    with tempfile.TemporaryDirectory(prefix="baocao-parse-") as tmp:
        folder = Path(tmp)
        sep = folder / "sep.md"
        sep.write_text(marker + "\n", encoding="utf-8")
        files: list[str] = []
        for i, p in enumerate(prepared):
            name = f"b{i}.md"
            (folder / name).write_text(p.text + "\n", encoding="utf-8")
            files += [name, "sep.md"] if i + 1 < len(prepared) else [name]
        warnings: list[str] = []
        raw = run_pandoc(["--file-scope", f"--from={READER}", "--to=json", *files],
                         cwd=folder, warnings=warnings)
    blocks: list[list[Block]] = [[]]
    for block in json.loads(raw)["blocks"]:
        if block == {"t": "Para", "c": [{"t": "Str", "c": marker}]}:
            blocks.append([])
        else:
            blocks[-1].append(block)
    if len(blocks) != len(prepared):  # pragma: no cover - --file-scope keeps files apart
        raise PandocError(f"pandoc trả về {len(blocks)} phần cho {len(prepared)} tệp nội dung")
    notes: list[list[NoteWarning]] = [[] for _ in prepared]
    for line in warnings:
        for kind, pattern in (("unused", _UNUSED), ("duplicate", _DUPLICATE)):
            m = pattern.search(line)
            if m and re.fullmatch(r"b\d+\.md", Path(m.group(2)).name):
                i = int(Path(m.group(2)).name[1:-3])
                p = prepared[i]
                notes[i].append(NoteWarning(kind, m.group(1), p.original_line(int(m.group(3))),
                                            int(m.group(4))))
    return [Parsed(p, b, tuple(n)) for p, b, n in zip(prepared, blocks, notes, strict=True)]


def parse_bodies(bodies: Sequence[str], *, split: bool = True) -> list[Parsed]:
    """Each body read by the dialect, in order. One pandoc run per ~400 KB, run side by side
    (with *split* False: one run, the caller runs batches side by side)."""
    if not bodies:
        return []
    prepared = [prepare(b) for b in bodies]
    if not split:
        return _run(prepared)
    chunks = list(batches([len(p.text) for p in prepared], available_cores()))
    if len(chunks) == 1:
        return _run(prepared)
    with ThreadPoolExecutor(max_workers=available_cores()) as pool:
        results = list(pool.map(lambda r: _run([prepared[i] for i in r]), chunks))
    return [parsed for chunk in results for parsed in chunk]


def parse_body(body: str) -> Parsed:
    return parse_bodies([body])[0]


# --------------------------------------------------------------------------------------------
# Walking the tree

def walk(node: Any) -> Iterator[dict[str, Any]]:
    """Every element (a dict with "t") inside *node*, depth first, in document order."""
    if isinstance(node, dict):
        if "t" in node:
            yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def stringify(node: Any) -> str:
    """Plain text of inlines/blocks (as pandoc.utils.stringify, spaces for breaks)."""
    out: list[str] = []
    for el in walk(node):
        t = el["t"]
        if t == "Str":
            out.append(el["c"])
        elif t in ("Space", "SoftBreak", "LineBreak"):
            out.append(" ")
        elif t == "Code":
            out.append(el["c"][1])
    return "".join(out)
