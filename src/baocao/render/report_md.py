"""The whole report as one readable Markdown document (``baocao render``).

Header facts, Phần I, Phần II, Nơi nhận, signature and the appendix with its grouped table,
in document order. Used for review in merge requests and as the reference text in tests.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from ..model import Report, Repository
from .facts import (
    QUOC_HIEU,
    TABLE_COLUMNS,
    TEN_LOAI,
    TIEU_NGU,
    AppendixFacts,
    GroupRow,
    ReportFacts,
    compute_facts,
    summary_lines,
)
from .outline import (
    MucHeading,
    OpeningBlock,
    PartHeading,
    SectionBlock,
    expand_body,
    one_line,
    outline,
)


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def table_markdown(facts: ReportFacts, appendix: AppendixFacts | None = None) -> str:
    """An appendix table as a Markdown pipe table (the first appendix's by default)."""
    if appendix is None and facts.appendices:
        appendix = facts.appendices[0]
    headers = appendix.headers if appendix is not None else TABLE_COLUMNS
    table = appendix.table if appendix is not None else facts.table
    lines = [
        "| " + " | ".join(headers) + " |",
        "|" + "|".join(["---"] * len(headers)) + "|",
    ]
    for row in table:
        if isinstance(row, GroupRow):
            cells = [f"**{row.number}**", f"**{_cell(row.label)}**"] + [""] * (len(headers) - 2)
        else:
            cells = [_cell(c) for c in row.cells]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def kinh_gui_markdown(lines: tuple[str, ...]) -> list[str]:
    """"Kính gửi:" (R25): one addressee on its line, several as "- …;" lines below it."""
    if not lines:
        return []
    if len(lines) == 1:
        return [f"Kính gửi: {lines[0]}", ""]
    return ["Kính gửi:", "", *lines, ""]


def render_report_markdown(repo: Repository, report: Report,
                           facts: ReportFacts | None = None) -> str:
    """Markdown of the whole report (*facts*: the report's facts when already computed from the
    same *repo*)."""
    if facts is None:
        facts = compute_facts(repo, report)
    blocks = {
        "tom_tat_nhiem_vu": lambda: "\n".join(summary_lines(facts.values)),
        "bang_nhiem_vu": lambda: table_markdown(facts),
    }
    out: list[str] = [
        # The header block as the document lays it out: agency | Quốc hiệu, then Số | date.
        f"{facts.parent}  ",
        f"**{facts.agency_upper}**",
        "",
        f"**{QUOC_HIEU}**  ",
        f"**{TIEU_NGU}**",
        "",
        f"Số: {facts.so_ky_hieu}",
        "",
        f"*{facts.dia_danh_ngay}*",
        "",
        f"# {TEN_LOAI}",
        "",
        f"**{report.meta.title}**",
        "",
    ]
    out += kinh_gui_markdown(report.meta.addressee_lines)
    for block in outline(report):
        if isinstance(block, OpeningBlock):
            body = expand_body(block.section.body, facts.values, blocks)
            if body:
                out += [body, ""]
        elif isinstance(block, PartHeading):
            out += [f"## {block.label} {block.title}", ""]
        elif isinstance(block, MucHeading):
            out += [f"### {block.text}", ""]
        elif isinstance(block, SectionBlock):
            hashes = "###" if block.level == "muc" else "####"
            out += [f"{hashes} {block.text}", ""]
            body = expand_body(block.section.body, facts.values, blocks)
            if body:
                out += [body, ""]
    out += ["**Nơi nhận:**", ""]
    out += [f"- {r}" for r in report.meta.printed_recipients]
    signer = report.meta.signer
    out += [""]
    titles = [*signer.authority_lines, *([signer.position] if signer.position else [])]
    out += [f"**{t}**  " for t in titles[:-1]] + [f"**{titles[-1]}**", "", f"**{signer.name}**", ""]
    for appendix in facts.appendices:
        mine: dict[str, Callable[[], str]] = dict(blocks)
        mine["bang_nhiem_vu"] = partial(table_markdown, facts, appendix)
        out += ["---", "", f"## {appendix.heading}", "", f"**{one_line(appendix.title)}**", ""]
        if appendix.kem_theo:
            out += [f"*{appendix.kem_theo}*", ""]
        out += [expand_body(appendix.section.body, facts.values, mine), ""]
    return "\n".join(out).rstrip("\n") + "\n"
