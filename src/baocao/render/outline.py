"""The reading order of a report: Phần headings, Mục headings and section bodies.

Renderers walk this outline and only decide how each kind of block looks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from .. import placeholders
from ..model import Report, Section


def one_line(text: str) -> str:
    """A title as every output but the official documents shows it: an editor's forced line
    break (a newline in the title, docs/huong-dan-bien-tap.md) read as a space."""
    return " ".join(text.split())


#: Where a title's words end: any white space but a no-break one (U+00A0, U+2007, U+202F),
#: which keeps its two words together (docs/huong-dan-bien-tap.md).
BREAKABLE_SPACE = re.compile(r"[^\S\u00a0\u2007\u202f]+")


def title_lines(text: str) -> tuple[str, ...]:
    """A title's lines as the editor broke it (one line when no break is forced), each line's
    breakable spaces made one space and its no-break spaces kept."""
    return tuple(BREAKABLE_SPACE.sub(" ", line).strip(" ") for line in text.split("\n")
                 if line.strip())


@dataclass(frozen=True)
class PartHeading:
    number: str
    #: as written: a newline is a line break the editor forces in the official documents
    written: str

    @property
    def title(self) -> str:
        return one_line(self.written)

    @property
    def label(self) -> str:
        return f"Phần {self.number}"


@dataclass(frozen=True)
class MucHeading:
    """A Mục that groups several section files (e.g. "III. Hoạt động KH&CN")."""

    number: str
    #: as written (see PartHeading)
    written: str

    @property
    def title(self) -> str:
        return one_line(self.written)

    @property
    def text(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def written_text(self) -> str:
        return f"{self.number}. {self.written}"


@dataclass(frozen=True)
class SectionBlock:
    section: Section
    #: "muc" or "khoan"
    level: str

    @property
    def label(self) -> str:
        n = self.section.number or ""
        return n.rsplit(".", 1)[-1]

    @property
    def text(self) -> str:
        return f"{self.label}. {one_line(self.section.title)}"

    @property
    def written_text(self) -> str:
        return f"{self.label}. {self.section.title}"


@dataclass(frozen=True)
class OpeningBlock:
    """Opening text (a ``kind: opening`` file): before Phần I when ``part`` is None, else
    directly under that Phần's heading, before its first Mục. No number, no heading."""

    section: Section

    @property
    def part(self) -> str | None:
        return self.section.part


Block = PartHeading | MucHeading | SectionBlock | OpeningBlock


def outline(report: Report) -> Iterator[Block]:
    """Blocks of the report body in document order."""
    opening = report.opening()
    if opening is not None:
        yield OpeningBlock(opening)
    for part in report.meta.parts:
        yield PartHeading(part.number, part.title)
        opening = report.opening(part.number)
        if opening is not None:
            yield OpeningBlock(opening)
        opened: set[str] = set()
        for s in report.body_sections:
            if s.part != part.number:
                continue
            number = s.number or ""
            if "." in number:
                muc = number.split(".", 1)[0]
                if muc not in opened:
                    opened.add(muc)
                    yield MucHeading(muc, part.headings.get(muc, ""))
            yield SectionBlock(s, s.level)


def expand_body(
    body: str, values: Mapping[str, str], blocks: Mapping[str, Callable[[], str]]
) -> str:
    """Replace placeholders in a section body (inline values and block renderings)."""
    table: dict[str, str | Callable[[], str]] = dict(values)
    table.update(blocks)
    known = set(placeholders.INLINE) | set(placeholders.BLOCK)
    for name in known - set(table):
        table[name] = ""
    return placeholders.expand(body, table).strip("\n")
