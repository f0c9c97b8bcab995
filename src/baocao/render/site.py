"""Stage 3 for the website: the plain Markdown tree that a Material-compatible engine builds.

``render_site`` returns ``{docs-relative path: text}`` for every page (home, archive, one page per
year and per report, the task register, the editors' guide); ``render_nav`` and ``site_config``
return the navigation and the engine configuration that go with it. Nothing here reads content
or runs a program: the build (``commands/build.py``) gathers what the pages need (git history,
document sizes, the guide's text, ``mkdocs.yml``) into a :class:`SiteContext` and writes the
result. The tree uses no plugin or hook of our own, so mkdocs-material and Zensical build it
alike (DESIGN decision 1).

Content safety (DESIGN decision 9). Every value that comes from content and is placed in a page
is escaped where it lands: page templates are Jinja2 with HTML autoescaping, and the ``md`` filter
additionally escapes Markdown punctuation in the few Markdown contexts (headings). Section bodies
are rendered to HTML here, by the same CommonMark parser the loader checks them with, with raw
HTML disabled and unsafe link schemes dropped, so the engine only passes them through. No content
value goes into front matter or the navigation: titles there are built from numbers.

Links inside the generated HTML are written relative to the page (directory URLs), and a test
checks that every one of them resolves inside the tree.
"""

from __future__ import annotations

import hashlib
import html
import json
import posixpath
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from ..directives import (
    REGISTER_ORDER,
    Status,
    Summary,
    TaskRow,
    change_note,
    done_by,
    latest_progress,
    register_rows,
)
from ..document import html as document_html
from ..model import DEFAULT_APPENDIX, Report, Repository, Section, Task
from ..repofiles import GUIDE_FILE
from ..settings import engine_settings
from ..vietnamese import fold, format_count, format_date_short, format_month, site_dates
from .facts import (
    TABLE_COLUMNS,
    AppendixFacts,
    GroupRow,
    ReportFacts,
    TaskTableRow,
    compute_facts,
    scaled_widths,
    summary_lines,
)
from .memo import RenderMemo
from .outline import (
    MucHeading,
    OpeningBlock,
    PartHeading,
    SectionBlock,
    expand_body,
    outline,
)

# --------------------------------------------------------------------------------------------
# Where pages live in the tree (docs-relative paths; every page is a folder's index.md, so its
# URL is the folder with directory URLs)

HOME = "index.md"
ARCHIVE = "luu-tru/index.md"
REGISTER = "nhiem-vu/index.md"
#: The task register is one page up to this many tasks (about 1.2 KB of HTML each); beyond, it
#: is an overview (counts, the open tasks, the years) with one page per year of issue
#: (:func:`register_year_page`), so that no page grows with the archive.
REGISTER_PAGE_TASKS = 100
GUIDE = "huong-dan-bien-tap/index.md"
#: Theme files copied from templates/site/assets into the tree, and linked from the config.
STYLESHEET = "assets/baocao.css"
SCRIPT = "assets/baocao.js"
#: The search box's script (Pagefind; the index is written by baocao.write.search after the engine ran).
SEARCH_SCRIPT = "assets/baocao-search.js"
#: mkdocs hook copied from baocao/render/prerendered_hook.py: pages baocao rendered to HTML itself
#: (front matter ``bc_prerendered: true``) skip Python-Markdown's HTML parser. Zensical and a
#: plain mkdocs build give the same pages without it, only slower (docs/dev/performance.md).
PRERENDERED_HOOK = "hooks/prerendered.py"
#: The editors' guide in the content repository (the site page is generated from it).
GUIDE_SOURCE = GUIDE_FILE
DIRECTIVES_SOURCE = "directives.yaml"


def report_page(report: Report) -> str:
    return f"{report.year}/{report.month:02d}/index.md"


def year_page(year: int) -> str:
    return f"{year}/index.md"


def register_year_page(year: int) -> str:
    """The register's page of the tasks issued in *year* (a large register only)."""
    return f"nhiem-vu/{year}/index.md"


def register_split(task_count: int) -> bool:
    """Whether a register of *task_count* tasks is cut into year pages."""
    return task_count > REGISTER_PAGE_TASKS


def document_path(report: Report, ext: str) -> str:
    """Where a report's DOCX/PDF sits in the tree (beside its page)."""
    return f"{report.year}/{report.month:02d}/bao-cao-{report.key}.{ext}"


def page_url_dir(page: str) -> str:
    """The folder a page is served from: "2023/09/index.md" -> "2023/09"; "index.md" -> "."."""
    folder = posixpath.dirname(page)
    return folder or "."


def rel_url(from_page: str, target: str, anchor: str = "") -> str:
    """URL of *target* (a page or a file of the tree) relative to the page *from_page*."""
    base = page_url_dir(from_page)
    if target.endswith("index.md"):
        dest = page_url_dir(target)
        url = posixpath.relpath(dest, base)
        url = "./" if url == "." else url + "/"
    else:
        url = posixpath.relpath(target, base)
    return url + (f"#{anchor}" if anchor else "")


# --------------------------------------------------------------------------------------------
# The context the build hands to the renderer


@dataclass(frozen=True)
class Revision:
    """What git history says about a group of source files.

    Attributes:
        date: day of the most recent commit that touched them (committer date).
        authors: distinct author names, most recent first.
    """

    date: date
    authors: tuple[str, ...] = ()


@dataclass(frozen=True)
class SiteContext:
    """Everything the site renderer needs; the build computes it, the renderer only reads it.

    Attributes:
        repo: the validated content repository.
        as_of: the day the task register computes statuses for (the build date by default).
        site_name: the site's name (``site_name`` of mkdocs.yml), shown on the home page.
        edit_base: URL that a repository-relative path is appended to for "edit" links, i.e.
            ``repo_url`` + ``edit_uri`` of mkdocs.yml; None when either is unset (no links).
        revisions: git history by source: a report folder ("content/2023/09"),
            "directives.yaml" or "docs/huong-dan-bien-tap.md"; missing outside git.
        documents: sizes in bytes of each report's documents: report key -> {"docx": n, "pdf": n}.
        guide: Markdown text of docs/huong-dan-bien-tap.md, or None when the file is absent.
        memo: rendered section HTML kept between builds (``render/memo.py``), or None.
        facts: each report's facts as the renderer computed them (report key -> facts), filled
            while rendering, so that the build's other outputs of the same model (the
            assembled Markdown) reuse them instead of computing them again.
    """

    repo: Repository
    as_of: date
    site_name: str = "Lưu trữ báo cáo"
    edit_base: str | None = None
    revisions: Mapping[str, Revision] = field(default_factory=dict)
    documents: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    guide: str | None = None
    memo: RenderMemo | None = None
    facts: dict[str, ReportFacts] = field(default_factory=dict, compare=False)


def edit_base_from_config(config: Mapping[str, Any]) -> str | None:
    """``repo_url`` + ``edit_uri`` (MkDocs semantics: edit_uri is relative to repo_url)."""
    repo_url = config.get("repo_url")
    edit_uri = config.get("edit_uri")
    if not isinstance(repo_url, str) or not repo_url.strip():
        return None
    if not isinstance(edit_uri, str) or not edit_uri.strip():
        return None
    edit_uri = edit_uri.strip()
    if re.match(r"^[a-z][a-z0-9+.-]*://", edit_uri, re.I):
        base = edit_uri
    else:
        base = repo_url.strip().rstrip("/") + "/" + edit_uri.lstrip("/")
    return base if base.endswith("/") else base + "/"


# --------------------------------------------------------------------------------------------
# Escaping and small text helpers

# Python-Markdown's backslash escapes that matter inside one line of text: emphasis, code, links,
# attribute lists, table cells and closing hashes of a heading.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]|#])")


def md_escape(text: object) -> Markup:
    """Text for a Markdown context (a heading): one line, HTML-escaped, punctuation escaped."""
    one_line = " ".join(str(text).split())
    return Markup(_MD_SPECIAL.sub(r"\\\1", html.escape(one_line, quote=False)))


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def _yaml_string(text: object) -> Markup:
    """A front-matter scalar: JSON strings are valid YAML."""
    return Markup(json.dumps(str(text), ensure_ascii=False))


def capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def status_text(status: Status, labels: Mapping[str, str] | None = None) -> str:
    """The status as shown on the site: "Đang thực hiện quá hạn", or the department's label
    (organization.yaml status_labels) when *labels* has one."""
    label = (labels or {}).get(status.value)
    return label if label else capitalize(status.label)


def task_anchor(task_id: str) -> str:
    """HTML id of a task's row: ASCII letters, digits and dashes ("nv-2023-4502-ubnd-kgvx")."""
    return "nv-" + (re.sub(r"[^a-z0-9]+", "-", fold(task_id)).strip("-") or "x")


def task_anchors(tasks: Sequence[Task]) -> dict[str, str]:
    """A unique anchor per task id (two ids may fold to the same text); the search index uses
    the same map to find each task's row."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for t in tasks:
        base = task_anchor(t.id)
        anchor, n = base, 2
        while anchor in used:
            anchor, n = f"{base}-{n}", n + 1
        used.add(anchor)
        out[t.id] = anchor
    return out


def size_text(size: int) -> str:
    """File size as Vietnamese readers write it: "27 KB", "1,2 MB"."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")


def month_title(report: Report) -> str:
    return f"Tháng {report.month}/{report.year}"


def report_title(report: Report) -> str:
    return f"Báo cáo tháng {report.month}/{report.year}"


# --------------------------------------------------------------------------------------------
# Section bodies: the one parse's HTML (baocao.document.html), memoised, with block placeholders

#: Stand-in for a block placeholder while the body goes through the Markdown parser.
_SLOT = "bcslot{}x7f3a9c"


def bodies_html(markdowns: Sequence[str], memo: RenderMemo | None = None) -> list[str]:
    """The HTML of each body (footnotes as tokens, see :func:`baocao.document.html.number_notes`),
    read by the one dialect and written by pandoc; with *memo*, bodies an earlier build rendered
    are taken from it and the rest are converted in one batch."""
    found: dict[str, str] = {}
    todo: list[str] = []
    for markdown in markdowns:
        key = hashlib.sha256(markdown.encode("utf-8")).hexdigest()
        cached = memo.lookup(key) if memo is not None else None
        if cached is not None:
            found[markdown] = cached
        elif markdown not in found:
            found[markdown] = ""
            todo.append(markdown)
    for markdown, html_text in zip(todo, document_html.bodies_html(todo), strict=True):
        found[markdown] = html_text
        if memo is not None:
            memo.store(hashlib.sha256(markdown.encode("utf-8")).hexdigest(), html_text)
    return [found[m] for m in markdowns]


def render_body(markdown: str, blocks: Mapping[str, str] | None = None, *,
                memo: RenderMemo | None = None, first_note: int = 1) -> str:
    """HTML of a section body; *blocks* maps a slot name to trusted HTML put in its place;
    footnotes are numbered from *first_note*."""
    out = document_html.number_notes(bodies_html([markdown], memo)[0], first_note)
    return fill_slots(out, blocks)


def fill_slots(html_text: str, blocks: Mapping[str, str] | None) -> str:
    for name, block in (blocks or {}).items():
        html_text = html_text.replace(f"<p>{name}</p>", block)
    return html_text.strip()


# --------------------------------------------------------------------------------------------
# View models: what the page templates receive (precomputed text and URLs; templates only lay out)


@dataclass(frozen=True)
class Link:
    """A link in a page. Attributes: text (plain text, escaped by the template); url."""

    text: str
    url: str


@dataclass(frozen=True)
class Download:
    """A download button. Attributes: kind ("docx"/"pdf"); label; url; size ("27 KB" or "")."""

    kind: str
    label: str
    url: str
    size: str


@dataclass(frozen=True)
class StatusCount:
    """One status with a count. Attributes: status (enum value, used as CSS class); text; count."""

    status: str
    text: str
    count: int


@dataclass(frozen=True)
class TaskCell:
    """One cell of a task table.

    Attributes: label (the column's name, shown before the value on phones); text; notes (extra
    lines under the text, e.g. "Kết quả: …").
    """

    label: str
    text: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class TaskLine:
    """A task row of a task table.

    Attributes:
        anchor: HTML id of the row (reports and the register link to it).
        status: Status value (CSS class and filter key). status_text: the status in words.
        cells: the cells before the status cell, in column order.
        links: the reports that list the task (register only).
        year, unit, due_month: the register's filter values of the row.
    """

    anchor: str
    status: str
    status_text: str
    cells: tuple[TaskCell, ...]
    links: tuple[Link, ...] = ()
    #: Register only, for its filters: year of issue ("2023"), unit ("" without), month of the
    #: deadline in force ("1/2024", "" without a due day).
    year: str = ""
    unit: str = ""
    due_month: str = ""


@dataclass(frozen=True)
class FilterIndex:
    """One filter of the register without JavaScript: each value with links to its rows.

    Attributes: key ("nam", "don_vi", "han"); label ("Năm giao"); values: (value, row links),
    in display order.
    """

    key: str
    label: str
    values: tuple[tuple[str, tuple[Link, ...]], ...]


@dataclass(frozen=True)
class TaskGroup:
    """A group of rows under a heading row ("I. ĐÃ THỰC HIỆN: 04 nhiệm vụ").

    Attributes: key (HTML id of the group: a status value in the register); heading; lines.
    """

    key: str
    heading: str
    lines: tuple[TaskLine, ...]


@dataclass(frozen=True)
class TaskTable:
    """A task table (templates/site/pages/_task_table.html.j2).

    Attributes: kind ("appendix" or "register"); caption (for screen readers); headers (column
    names, the status column last but one for the register); groups; widths (percent per
    column of an appendix declaring its own columns, else ()).
    """

    kind: str
    caption: str
    headers: tuple[str, ...]
    groups: tuple[TaskGroup, ...]
    #: The default tables' widths come from the stylesheet.
    widths: tuple[float, ...] = ()


@dataclass(frozen=True)
class ReportBlock:
    """A heading of the report body with the section below it.

    Attributes:
        level: heading level (2 Phần, 3 Mục, 4 khoản; 0 for an opening, which has none).
        heading: heading text (plain; the template escapes it for Markdown); "" for an opening.
        html: the section body as HTML (trusted: rendered and sanitised here); may be "".
        edit_url: link to edit the section's file, or "".
    """

    level: int
    heading: str
    html: str = ""
    edit_url: str = ""


@dataclass(frozen=True)
class ReportSummary:
    """A report in a listing (home, year page, archive).

    Attributes:
        key: "2023-09". month: 9. year: 2023.
        title: "Báo cáo tháng 9/2023". month_title: "Tháng 9/2023".
        subject: the trích yếu. draft: True for a draft.
        number_text: "Số 123/BC-KHCN, ngày 15/9/2023" or "Dự thảo, chưa cấp số".
        url: URL of the report page from the listing page.
        downloads: the DOCX/PDF buttons.
    """

    key: str
    year: int
    month: int
    title: str
    month_title: str
    subject: str
    draft: bool
    number_text: str
    url: str
    downloads: tuple[Download, ...]


@dataclass(frozen=True)
class AppendixPage:
    """An appendix on a report page.

    Attributes: heading ("Phụ lục" or "Phụ lục II"); title; note ("(Kèm theo Báo cáo số …)", or
    "" when the appendix declares kem_theo: false); html (its body, with the table); edit_url.
    """

    heading: str
    title: str
    note: str
    html: str
    edit_url: str


@dataclass(frozen=True)
class ReportPageContext:
    """Template context of a report page (templates/site/pages/report.md.j2).

    Attributes:
        title: "Báo cáo tháng 9/2023" (page title and H1).
        subject: the trích yếu.
        draft: True for a draft: the page shows the "Dự thảo" banner.
        meta: (label, value) pairs shown at the top (agency, number, dates, signer, updates).
        meta_edit_url: link to edit index.md, or "".
        downloads: DOCX/PDF buttons.
        previous: link to the previous month's report, or None. next: the next one, or None.
        blocks: the body in reading order.
        recipients: Nơi nhận lines ("Như trên;" first when there is a Kính gửi).
        signer: lines of the signature block (quyền hạn lines, chức vụ, name).
        addressees: the "Kính gửi" lines, or () without.
        appendices: the appendices in file order ("Phụ lục", or "Phụ lục I", "Phụ lục II", …).
        legend: the status colours, for the legend above the table.
        revision_date: last update from git ("15/9/2023"), or "".
    """

    title: str
    subject: str
    draft: bool
    meta: tuple[tuple[str, str], ...]
    meta_edit_url: str
    downloads: tuple[Download, ...]
    previous: Link | None
    next: Link | None
    blocks: tuple[ReportBlock, ...]
    recipients: tuple[str, ...]
    signer: tuple[str, ...]
    appendices: tuple[AppendixPage, ...]
    legend: tuple[StatusCount, ...]
    revision_date: str
    #: "Kính gửi" lines (R25): one addressee, or "- …;" lines; empty without.
    addressees: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChartBar:
    """One month of the on-time chart.

    Attributes: label ("9/2023"); rate (0..1, or None when nothing was due); done_on_time;
    done_late; overdue; url (the report page).
    """

    label: str
    rate: float | None
    done_on_time: int
    done_late: int
    overdue: int
    url: str


@dataclass(frozen=True)
class HomePageContext:
    """Template context of the home page (templates/site/pages/home.md.j2).

    Attributes:
        site_name: the site's name (H1).
        latest: the latest report, or None for an empty archive.
        latest_outline: the Phần of the latest report ("Phần I. …").
        as_of_text: the cut-off date of the latest report ("14/9/2023").
        counts: tasks by status as of that cut-off (the dashboard); total: their number.
        chart_svg: the on-time chart as inline SVG (trusted: built here), or "".
        chart_summary: one sentence describing the chart (its text equivalent).
        chart: the chart's numbers (the data table under it).
        recent: the most recent reports, newest first.
        archive_url, register_url, guide_url: links to the other parts ("" when absent).
    """

    site_name: str
    latest: ReportSummary | None
    latest_outline: tuple[str, ...]
    as_of_text: str
    counts: tuple[StatusCount, ...]
    total: int
    chart_svg: str
    chart_summary: str
    chart: tuple[ChartBar, ...]
    recent: tuple[ReportSummary, ...]
    archive_url: str
    register_url: str
    guide_url: str


@dataclass(frozen=True)
class YearPageContext:
    """Template context of a year page. Attributes: year; reports (in month order)."""

    year: int
    reports: tuple[ReportSummary, ...]


@dataclass(frozen=True)
class ArchiveYear:
    """A year of the archive grid. Attributes: year; url (the year page); months: 12 entries of
    (month number, URL or "" when that month has no report, draft flag)."""

    year: int
    url: str
    months: tuple[tuple[int, str, bool], ...]


@dataclass(frozen=True)
class ArchivePageContext:
    """Template context of the archive page. Attributes: years (newest first); count."""

    years: tuple[ArchiveYear, ...]
    count: int


@dataclass(frozen=True)
class RegisterPageContext:
    """Template context of a page of the task register (templates/site/pages/register.md.j2).

    A small register is one page; a large one (:data:`REGISTER_PAGE_TASKS`) is an overview, with
    the open tasks, and one page per year of issue.

    Attributes:
        title: the H1 ("Sổ theo dõi nhiệm vụ UBND tỉnh giao", "… giao năm 2023").
        lead: the sentence under it.
        as_of_text: the day statuses are computed for ("28/11/2026").
        counts: the table's tasks by status, in register order (overdue first); total: their
            number.
        table: the page's tasks, one group per non-empty status, in register order.
        years: the year pages (a large register), with each year's task count in the text;
            current: the year of this page ("" on the overview and a one-page register).
        overview_url: link to the overview from a year page, else "".
        more_note: on the overview, what the open-task table leaves out, else "".
        indexes: the filters without JavaScript (year, unit, deadline month): links to rows.
        edit_url: link to edit directives.yaml, or "".
        revision_date: last update of directives.yaml from git, or "".
        updated_text: "15/9/2023, Nguyễn Văn A" for the page, or "".
    """

    title: str
    lead: str
    as_of_text: str
    counts: tuple[StatusCount, ...]
    total: int
    table: TaskTable
    years: tuple[Link, ...]
    current: str
    overview_url: str
    more_note: str
    indexes: tuple[FilterIndex, ...]
    edit_url: str
    revision_date: str
    updated_text: str


@dataclass(frozen=True)
class GuidePageContext:
    """Template context of the editors' guide. Attributes: markdown (the guide, trusted: it is
    part of the repository's documentation, not content); revision_date."""

    markdown: str
    revision_date: str


PAGE_CONTEXTS = (
    TaskTable, ReportPageContext, HomePageContext, YearPageContext, ArchivePageContext, RegisterPageContext,
    GuidePageContext, FilterIndex,
)


# --------------------------------------------------------------------------------------------
# Building the view models


def _edit_url(ctx: SiteContext, path: str) -> str:
    if not ctx.edit_base:
        return ""
    from urllib.parse import quote

    return ctx.edit_base + quote(path)


def _downloads(ctx: SiteContext, report: Report, from_page: str) -> tuple[Download, ...]:
    sizes = ctx.documents.get(report.key, {})
    out = []
    for kind, label in (("docx", "Tải DOCX"), ("pdf", "Tải PDF")):
        if kind in sizes:
            size = size_text(sizes[kind])
            out.append(Download(kind, label, rel_url(from_page, document_path(report, kind)), size))
    return tuple(out)


def _number_text(report: Report) -> str:
    meta = report.meta
    if report.is_draft or meta.number is None:
        return "Dự thảo, chưa cấp số"
    n = f"{meta.number:02d}" if meta.number < 10 else str(meta.number)
    text = f"Số {n}/BC-{report.organization.symbol}"
    if meta.date is not None:
        text += f", ngày {format_date_short(meta.date.value)}"
    return text


def _summary(ctx: SiteContext, report: Report, from_page: str) -> ReportSummary:
    return ReportSummary(
        key=report.key, year=report.year, month=report.month, title=report_title(report),
        month_title=month_title(report), subject=_one_line(report.meta.title),
        draft=report.is_draft, number_text=_number_text(report),
        url=rel_url(from_page, report_page(report)), downloads=_downloads(ctx, report, from_page),
    )


#: Statuses shown on a dashboard or in a legend only where a task has them: most departments
#: never record a completion without its date, and a tile or legend entry that is always empty
#: would only puzzle readers.
RARE_STATUSES = frozenset({Status.DONE_UNDATED})


def _counts(summary: Summary) -> tuple[StatusCount, ...]:
    values = {
        Status.OVERDUE: summary.overdue, Status.NOT_STARTED: summary.not_started,
        Status.IN_PROGRESS: summary.in_progress, Status.DONE_LATE: summary.done_late,
        Status.DONE_UNDATED: summary.done_undated, Status.DONE_ON_TIME: summary.done_on_time,
    }
    return tuple(StatusCount(s.value, status_text(s), values[s]) for s in REGISTER_ORDER
                 if values[s] or s not in RARE_STATUSES)


def _legend(rows: Sequence[TaskRow] = (),
            labels: Mapping[str, str] | None = None) -> tuple[StatusCount, ...]:
    """The colours of the statuses with their names (a rare status only when a row has it). A
    department label shared by several statuses (status_labels: "Hoàn thành" for every done
    status) names each colour with the engine's status too, so that the legend still tells the
    colours apart."""
    present = {r.status for r in rows}
    shown = [s for s in REGISTER_ORDER if s in present or s not in RARE_STATUSES]
    texts = [status_text(s, labels) for s in shown]
    return tuple(
        StatusCount(s.value, text if texts.count(text) == 1 else f"{text} ({s.label})", 0)
        for s, text in zip(shown, texts, strict=True)
    )


def _chip_text(row: TaskTableRow, labels: Mapping[str, str] | None = None) -> str:
    text = status_text(row.status, labels)
    if row.status is Status.NOT_STARTED and row.progress == "Quá hạn":
        text += " (quá hạn)"
    return text


APPENDIX_HEADERS = tuple(c for i, c in enumerate(TABLE_COLUMNS) if i != 5) + (TABLE_COLUMNS[5],)
REGISTER_HEADERS = ("TT", "Số/Ký hiệu VBCĐ", "Nội dung công việc", "Thời hạn", "Ngày hoàn thành",
                    "Tình trạng", "Báo cáo")


#: Columns the site shows as the status chip (last column) rather than as text.
_CHIP_COLUMNS = ("tien_do", "tinh_trang")
#: Columns of dates: the site writes their dates its one way (``vietnamese.site_dates``); the
#: documents print them as the source says.
_DATE_COLUMNS = frozenset({"van_ban", "thoi_han", "ngay_hoan_thanh"})


def appendix_table(facts: ReportFacts | AppendixFacts, anchors: Mapping[str, str],
                   labels: Mapping[str, str] | None = None) -> TaskTable:
    """An appendix table as the site shows it: the official rows and groups, with the status
    shown by colour and in words (in the last column, headed like the "Tiến độ" or "Tình
    trạng" column of the declaration). *facts*: one appendix (a report's facts: its first)."""
    if isinstance(facts, ReportFacts):
        appendix = facts.appendices[0] if facts.appendices else None
        table = facts.table if appendix is None else appendix.table
        columns = DEFAULT_APPENDIX.columns if appendix is None else appendix.columns
    else:
        table, columns = facts.table, facts.columns
    shown = [i for i, c in enumerate(columns) if c.key not in _CHIP_COLUMNS]
    chip_header = next((c.title for c in columns if c.key in _CHIP_COLUMNS), "Tình trạng")
    groups: list[TaskGroup] = []
    heading, key = "", ""
    lines: list[TaskLine] = []
    started = False
    for row in [*table, None]:
        if row is None or isinstance(row, GroupRow):
            if started:
                groups.append(TaskGroup(key, heading, tuple(lines)))
            if row is not None:
                key, lines, started = _group_id(row.number), [], True
                heading = f"{row.number}. {_one_line(row.label)}"
            continue
        assert isinstance(row, TaskTableRow)
        if not started:  # a table without groups (group: none): one group with no heading
            key, heading, lines, started = "nhom-tat-ca", "", [], True
        cells = tuple(TaskCell(columns[i].title, _site_cell(columns[i].key, row.cells[i]))
                      for i in shown)
        lines.append(TaskLine(anchors.get(row.task_id, task_anchor(row.task_id)), row.status.value,
                              _chip_text(row, labels), cells))
    widths: tuple[float, ...] = ()
    if tuple(c.key for c in columns) != tuple(c.key for c in DEFAULT_APPENDIX.columns):
        # Declared widths are percents of the table: the others share the rest, as in print.
        given = (scaled_widths(columns) if any(c.declared for c in columns)
                 else tuple(c.width for c in columns))
        chip_width = next((given[i] for i, c in enumerate(columns) if c.key in _CHIP_COLUMNS), 11)
        # TT keeps the stylesheet's 5 % (two digits and the cell padding).
        raw = [max(given[i], 5) if columns[i].key == "tt" else given[i]
               for i in shown] + [chip_width]
        widths = tuple(round(w * 100 / sum(raw), 1) for w in raw)
    return TaskTable("appendix", "Các nhiệm vụ của phụ lục, nhóm theo tình trạng tại ngày chốt "
                     "số liệu", tuple(columns[i].title for i in shown) + (chip_header,),
                     tuple(groups), widths)


def _site_cell(key: str, text: str) -> str:
    return site_dates(_one_line(text)) if key in _DATE_COLUMNS else _one_line(text)


def _group_id(number: str) -> str:
    """HTML id of a group: "nhom-i" (status groups I, II, III, as before), "nhom-<topic>"."""
    return "nhom-" + (re.sub(r"[^a-z0-9]+", "-", fold(number).lower()).strip("-") or "x")


def _deadline_text(row: TaskRow, as_of: date) -> str:
    """The deadline in force, with the change that set it: an extension or an adjustment."""
    text = site_dates(row.deadline.text) or "Không có hạn"
    note = site_dates(change_note(row.task, as_of))
    return f"{text} {note}" if note else text


def _completion_text(task: Task, as_of: date) -> str:
    """The completion cell as known at *as_of*: the day, or for a task done on an unknown day
    the latest day it is known to be done by (never a made-up day)."""
    day = done_by(task, as_of)
    if day is None:
        return ""
    if task.completed is None:
        return f"Không rõ ngày (chậm nhất {site_dates(task.completed_by_text)})"
    return site_dates(task.completed_text)


def _revision_texts(rev: Revision | None) -> tuple[str, str]:
    """(date, "date, authors") of a revision, or empty strings."""
    if rev is None:
        return "", ""
    day = format_date_short(rev.date)
    return day, day + (", " + ", ".join(rev.authors) if rev.authors else "")


class _Renderer:
    """Renders every page of one site; computes each report's facts once."""

    def __init__(self, ctx: SiteContext, env: jinja2.Environment) -> None:
        self.ctx = ctx
        self.env = env
        self.repo = ctx.repo
        self.anchors = task_anchors(ctx.repo.tasks)
        self.memo = ctx.memo if ctx.memo is not None else RenderMemo(None)
        self._bodies: dict[str, list[tuple[Section, str, dict[str, str]]]] = {}
        self._facts = ctx.facts

    def facts(self, report: Report) -> ReportFacts:
        if report.key not in self._facts:
            self._facts[report.key] = compute_facts(self.repo, report)
        return self._facts[report.key]

    def render(self, template: str, page: Any) -> str:
        return self.env.get_template(template).render(page=page)

    # -- report pages ---------------------------------------------------------------------

    def _table_html(self, facts: ReportFacts | AppendixFacts) -> str:
        table = appendix_table(facts, self.anchors, dict(self.repo.status_labels))
        return self.env.get_template("_task_table.html.j2").render(table=table).strip()

    def _body_markdown(self, section: Section, facts: ReportFacts,
                       slots: dict[str, str]) -> str:
        mine = next((a for a in facts.appendices if a.section is section), None)

        def table() -> str:
            name = _SLOT.format(len(slots))
            slots[name] = self._table_html(mine if mine is not None else facts)
            return f"\n\n{name}\n\n"

        blocks: dict[str, Callable[[], str]] = {
            "tom_tat_nhiem_vu": lambda: "\n".join(summary_lines(facts.values)),
            "bang_nhiem_vu": table,
        }
        return expand_body(section.body, facts.values, blocks)

    def bodies(self, report: Report) -> list[tuple[Section, str, dict[str, str]]]:
        """Each section of *report* in document order (the appendix last, as in the documents)
        with its expanded Markdown and the HTML of its block placeholders (made once per report:
        :meth:`prime` and the page both use them)."""
        if report.key in self._bodies:
            return self._bodies[report.key]
        facts = self.facts(report)
        out = []
        sections = [b.section for b in outline(report)
                    if isinstance(b, SectionBlock | OpeningBlock)]
        sections.extend(report.appendices)
        for section in sections:
            slots: dict[str, str] = {}
            out.append((section, self._body_markdown(section, facts, slots), slots))
        self._bodies[report.key] = out
        return out

    def bodies_html(self, report: Report) -> dict[str, str]:
        """The HTML of every section of *report* by source path, footnotes numbered straight
        through the report as in its DOCX and PDF."""
        items = self.bodies(report)
        converted = bodies_html([markdown for _, markdown, _ in items], self.memo)
        out: dict[str, str] = {}
        note = 1
        for (section, _, slots), html_text in zip(items, converted, strict=True):
            out[section.src.path] = fill_slots(document_html.number_notes(html_text, note), slots)
            note += document_html.note_count(html_text)
        return out

    def prime(self, reports: Sequence[Report]) -> None:
        """Convert the bodies of *reports* that the memo lacks in one batch (pandoc reads a batch
        much faster than one body at a time)."""
        markdowns = [m for r in reports for _, m, _ in self.bodies(r)]
        bodies_html(markdowns, self.memo)

    def report_page(self, report: Report) -> str:
        ctx, page = self.ctx, report_page(report)
        facts = self.facts(report)
        meta = report.meta
        org = report.organization
        rev = ctx.revisions.get(report.folder)
        signer = meta.signer
        titles = (*signer.authority_lines, *((signer.position,) if signer.position else ()))
        signer_line = ", ".join(titles)
        rows: list[tuple[str, str]] = [
            # As organization.yaml states them: the governing body, then the agency.
            ("Cơ quan chủ quản", org.parent),
            ("Cơ quan ban hành", org.name),
            ("Số, ký hiệu", "Chưa cấp số (dự thảo)" if report.is_draft or meta.number is None
             else facts.so_ky_hieu),
            ("Ngày ban hành", format_date_short(meta.date.value)
             if meta.date is not None and not report.is_draft else "Chưa ban hành"),
            ("Tình trạng", "Dự thảo" if report.is_draft else "Đã ban hành"),
            ("Kỳ báo cáo", f"{format_date_short(report.period_start)} – "
                           f"{format_date_short(report.cutoff)}"),
            ("Ngày chốt số liệu nhiệm vụ", format_date_short(report.cutoff)),
            ("Người ký", f"{signer.name} ({signer_line})" if signer_line else signer.name),
        ]
        revision_date = ""
        if rev is not None:
            revision_date = format_date_short(rev.date)
            rows.append(("Cập nhật lần cuối", revision_date))
            if rev.authors:
                rows.append(("Người cập nhật", ", ".join(rev.authors)))
        blocks: list[ReportBlock] = []
        bodies = self.bodies_html(report)
        for block in outline(report):
            if isinstance(block, OpeningBlock):  # no heading: Nghị định 30 gives it none
                blocks.append(ReportBlock(0, "", bodies[block.section.src.path],
                                          _edit_url(ctx, block.section.src.path)))
            elif isinstance(block, PartHeading):
                blocks.append(ReportBlock(2, f"{block.label}. {block.title}"))
            elif isinstance(block, MucHeading):
                blocks.append(ReportBlock(3, block.text))
            elif isinstance(block, SectionBlock):
                s = block.section
                # "III.1" sits under its Mục heading; "II" and Phần II's "1" directly under Phần.
                level = 4 if "." in (s.number or "") else 3
                blocks.append(ReportBlock(level, block.text, bodies[s.src.path],
                                          _edit_url(ctx, s.src.path)))
        prev, nxt = self.repo.previous(report), self.repo.next(report)
        appendices = tuple(
            AppendixPage(
                heading=a.heading,
                title=_one_line(a.title),
                # A draft's blanks for the number and day (spaces in the document) read as "…":
                # "số …/BC-KHCN ngày … tháng 9 năm 2023".
                note=re.sub(r" {2,}(/?)", lambda m: " …" + (m.group(1) or " "), a.kem_theo),
                html=bodies[a.section.src.path],
                edit_url=_edit_url(ctx, a.section.src.path),
            )
            for a in facts.appendices
        )
        context = ReportPageContext(
            title=report_title(report),
            subject=_one_line(meta.title),
            draft=report.is_draft,
            meta=tuple((k, _one_line(v)) for k, v in rows),
            meta_edit_url=_edit_url(ctx, report.index_src.path),
            downloads=_downloads(ctx, report, page),
            previous=Link(report_title(prev), rel_url(page, report_page(prev))) if prev else None,
            next=Link(report_title(nxt), rel_url(page, report_page(nxt))) if nxt else None,
            blocks=tuple(blocks),
            recipients=tuple(_one_line(r) for r in meta.printed_recipients),
            signer=tuple(_one_line(x) for x in (*titles, signer.name) if x),
            appendices=appendices,
            legend=_legend([r for a in facts.appendices for r in a.rows],
                           dict(self.repo.status_labels)),
            revision_date=revision_date,
            addressees=tuple(_one_line(a) for a in meta.addressee_lines),
        )
        return self.render("report.md.j2", context)

    # -- listings ---------------------------------------------------------------------------

    def year_page(self, year: int) -> str:
        page = year_page(year)
        reports = tuple(_summary(self.ctx, r, page) for r in self.repo.reports if r.year == year)
        return self.render("year.md.j2", YearPageContext(year, reports))

    def archive_page(self, years: Sequence[int]) -> str:
        by_key = {(r.year, r.month): r for r in self.repo.reports}
        out = []
        for year in years:
            months = []
            for m in range(1, 13):
                r = by_key.get((year, m))
                months.append((m, rel_url(ARCHIVE, report_page(r)) if r else "",
                               bool(r and r.is_draft)))
            out.append(ArchiveYear(year, rel_url(ARCHIVE, year_page(year)), tuple(months)))
        return self.render("archive.md.j2", ArchivePageContext(tuple(out), len(self.repo.reports)))

    def chart(self) -> tuple[ChartBar, ...]:
        bars = []
        for r in self.repo.reports:
            s = self.facts(r).summary
            bars.append(ChartBar(f"{r.month}/{r.year}", s.on_time_rate, s.done_on_time, s.done_late,
                                 s.overdue, rel_url(HOME, report_page(r))))
        return tuple(bars)

    def home_page(self, has_guide: bool) -> str:
        ctx = self.ctx
        reports = self.repo.reports
        latest = reports[-1] if reports else None
        counts: tuple[StatusCount, ...] = ()
        total = 0
        outline_lines: tuple[str, ...] = ()
        as_of_text = ""
        if latest is not None:
            facts = self.facts(latest)
            counts, total = _counts(facts.summary), facts.summary.total
            as_of_text = format_date_short(latest.cutoff)
            outline_lines = tuple(f"Phần {p.number}. {_one_line(p.title)}" for p in latest.meta.parts)
            if latest.appendix is not None:
                outline_lines += (f"Phụ lục: {_one_line(latest.appendix.title)}",)
        bars = self.chart()
        context = HomePageContext(
            site_name=ctx.site_name,
            latest=_summary(ctx, latest, HOME) if latest else None,
            latest_outline=outline_lines,
            as_of_text=as_of_text,
            counts=counts,
            total=total,
            chart_svg=chart_svg(bars),
            chart_summary=chart_summary(bars),
            chart=bars,
            recent=tuple(_summary(ctx, r, HOME) for r in reversed(reports[-7:-1])),
            archive_url=rel_url(HOME, ARCHIVE),
            register_url=rel_url(HOME, REGISTER),
            guide_url=rel_url(HOME, GUIDE) if has_guide else "",
        )
        return self.render("home.md.j2", context)

    # -- the task register --------------------------------------------------------------------

    def _register_line(self, i: int, row: TaskRow, listed: Mapping[str, list[Report]],
                       page: str) -> TaskLine:
        ctx = self.ctx
        t = row.task
        notes = []
        if t.unit:
            notes.append(f"Đơn vị chủ trì: {_one_line(t.unit)}")
        if t.required_result:
            notes.append(f"Kết quả yêu cầu: {_one_line(t.required_result)}")
        if row.status.done and t.result:
            notes.append(f"Kết quả: {_one_line(t.result)}")
        else:  # open, or done without a result written: how it stood last
            note = latest_progress(t, ctx.as_of)
            if note is not None:
                notes.append(f"Tình hình đến {format_date_short(note.date)}: "
                             f"{_one_line(note.text)}")
        cells = (
            TaskCell("TT", str(i)),
            TaskCell("Số/Ký hiệu VBCĐ", f"{t.document} ngày {format_date_short(t.issued)}"),
            TaskCell("Nội dung công việc", _one_line(t.summary), tuple(notes)),
            TaskCell("Thời hạn", _deadline_text(row, ctx.as_of)),
            TaskCell("Ngày hoàn thành", _completion_text(t, ctx.as_of)),
        )
        links = tuple(Link(f"{r.month}/{r.year}", rel_url(page, report_page(r), self.anchors[t.id]))
                      for r in listed.get(t.id, []))
        due = row.deadline.due
        return TaskLine(self.anchors[t.id], row.status.value, status_text(row.status), cells, links,
                        year=str(t.issued.year), unit=_one_line(t.unit or ""),
                        due_month=format_month(due.year, due.month) if due else "")

    def _register_table(self, rows: Sequence[TaskRow], listed: Mapping[str, list[Report]],
                        page: str) -> tuple[TaskTable, tuple[StatusCount, ...]]:
        groups = []
        counts = []
        for status in REGISTER_ORDER:
            group = [row for row in rows if row.status is status]
            counts.append(StatusCount(status.value, status_text(status), len(group)))
            if not group:
                continue
            lines = tuple(self._register_line(i, row, listed, page) for i, row in enumerate(group, 1))
            heading = f"{status_text(status)}: {format_count(len(group))} nhiệm vụ"
            groups.append(TaskGroup(status.value, heading, lines))
        table = TaskTable("register", f"Các nhiệm vụ UBND tỉnh giao, tình trạng đến ngày "
                          f"{format_date_short(self.ctx.as_of)}", REGISTER_HEADERS, tuple(groups))
        return table, tuple(counts)

    def register_pages(self) -> dict[str, str]:
        """The task register: one page (``REGISTER``) while it is small, else the overview with
        the open tasks and one page per year of issue (``register_year_page``)."""
        ctx = self.ctx
        listed: dict[str, list[Report]] = {}
        for r in self.repo.reports:
            for row in self.facts(r).rows:
                listed.setdefault(row.task.id, []).append(r)
        rows = register_rows(self.repo, ctx.as_of)
        day, updated = _revision_texts(ctx.revisions.get(DIRECTIVES_SOURCE))
        as_of_text = format_date_short(ctx.as_of)
        edit_url = _edit_url(ctx, DIRECTIVES_SOURCE)

        def page_context(page: str, title: str, lead: str, page_rows: Sequence[TaskRow],
                         years: tuple[Link, ...] = (), current: str = "",
                         more_note: str = "", total: int | None = None) -> RegisterPageContext:
            table, counts = self._register_table(page_rows, listed, page)
            if total is not None:  # the overview: counts of the whole register
                counts = tuple(StatusCount(s.value, status_text(s),
                                           sum(1 for r in rows if r.status is s))
                               for s in REGISTER_ORDER)
            return RegisterPageContext(
                title=title, lead=lead, as_of_text=as_of_text, counts=counts,
                total=len(page_rows) if total is None else total, table=table, years=years,
                current=current,
                overview_url=rel_url(page, REGISTER) if page != REGISTER else "",
                more_note=more_note, indexes=_filter_indexes(table, bool(years)),
                edit_url=edit_url, revision_date=day, updated_text=updated)

        heading = "Sổ theo dõi nhiệm vụ UBND tỉnh giao"
        if not register_split(len(rows)):
            lead = (f"Tình trạng của {len(rows)} nhiệm vụ tính đến ngày {as_of_text}; nhiệm vụ "
                    "quá hạn đứng đầu. Mỗi nhiệm vụ dẫn đến các báo cáo tháng có liệt kê nó.")
            return {REGISTER: self.render("register.md.j2",
                                          page_context(REGISTER, heading, lead, rows))}
        by_year: dict[int, list[TaskRow]] = {}
        for row in rows:
            by_year.setdefault(row.task.issued.year, []).append(row)
        years = sorted(by_year, reverse=True)

        def year_links(page: str) -> tuple[Link, ...]:
            return tuple(Link(f"{y} ({len(by_year[y])})", rel_url(page, register_year_page(y)))
                         for y in years)

        pages: dict[str, str] = {}
        open_rows = [r for r in rows if not r.status.done]
        shown = open_rows[:REGISTER_PAGE_TASKS]
        more = (f"Bảng chỉ liệt kê {len(shown)} trong {len(open_rows)} nhiệm vụ chưa hoàn thành "
                "(quá hạn trước); xem đủ trong trang của từng năm." if len(shown) < len(open_rows)
                else "")
        lead = (f"Tình trạng của {len(rows)} nhiệm vụ tính đến ngày {as_of_text}. Trang này liệt "
                f"kê {len(open_rows)} nhiệm vụ chưa hoàn thành, quá hạn đứng đầu; mọi nhiệm vụ, kể "
                "cả đã hoàn thành, ở trang của năm giao. Mỗi nhiệm vụ dẫn đến các báo cáo tháng có "
                "liệt kê nó.")
        pages[REGISTER] = self.render("register.md.j2", page_context(
            REGISTER, heading, lead, shown, year_links(REGISTER), more_note=more, total=len(rows)))
        for y in years:
            page = register_year_page(y)
            lead = (f"Tình trạng của {len(by_year[y])} nhiệm vụ giao năm {y}, tính đến ngày "
                    f"{as_of_text}; nhiệm vụ quá hạn đứng đầu.")
            pages[page] = self.render("register.md.j2", page_context(
                page, f"{heading} năm {y}", lead, by_year[y], year_links(page), current=str(y)))
        return pages

    def guide_page(self, text: str) -> str:
        day, _ = _revision_texts(self.ctx.revisions.get(GUIDE_SOURCE))
        return self.render("guide.md.j2", GuidePageContext(_strip_front_matter(text), day))


#: The register's filters without JavaScript, in the order the page shows them.
_FILTER_KEYS = (("nam", "Năm giao", "year"), ("don_vi", "Đơn vị chủ trì", "unit"),
                ("han", "Tháng đến hạn", "due_month"))


def _month_order(text: str) -> tuple[int, int]:
    month, _, year = text.partition("/")
    return (int(year), int(month))


def _filter_indexes(table: TaskTable, split: bool) -> tuple[FilterIndex, ...]:
    """For each filter (year of issue: not on the pages of a register cut by year), its values
    with links to their rows: what the filter does without JavaScript."""
    out = []
    lines = [line for g in table.groups for line in g.lines]
    for key, label, attr in _FILTER_KEYS:
        if key == "nam" and split:
            continue
        values: dict[str, list[Link]] = {}
        for line in lines:
            value = getattr(line, attr)
            if value:
                values.setdefault(value, []).append(
                    Link(line.cells[1].text.split(" ngày ")[0], f"#{line.anchor}"))
        if key == "don_vi":
            order = sorted(values, key=lambda v: fold(v))
        else:
            order = sorted(values, key=_month_order if key == "han" else int, reverse=key == "nam")
        if len(values) > 1:  # one value filters nothing
            out.append(FilterIndex(key, label, tuple((v, tuple(values[v])) for v in order)))
    return tuple(out)


def _strip_front_matter(text: str) -> str:
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end >= 0:
            return text[end + 5:]
    return text


# --------------------------------------------------------------------------------------------
# The on-time chart (SVG, drawn at build time)

_CHART_W, _CHART_H = 640, 260
_PLOT_L, _PLOT_R, _PLOT_T, _PLOT_B = 48, 12, 16, 44


def chart_summary(bars: Sequence[ChartBar]) -> str:
    """One sentence that says what the chart shows (its short text equivalent)."""
    rated = [b for b in bars if b.rate is not None]
    if not bars:
        return "Chưa có báo cáo nào."
    if not rated:
        return "Chưa có nhiệm vụ nào đến hạn trong các báo cáo."
    pct = [round(b.rate * 100) for b in rated if b.rate is not None]
    last = rated[-1]
    assert last.rate is not None
    text = (f"Tỷ lệ nhiệm vụ hoàn thành đúng hạn theo tháng, từ {bars[0].label} đến "
            f"{bars[-1].label}: tháng gần nhất ({last.label}) đạt {round(last.rate * 100)}%")
    if len(pct) > 1:
        text += f"; thấp nhất {min(pct)}%, cao nhất {max(pct)}%"
    return text + "."


def chart_svg(bars: Sequence[ChartBar]) -> str:
    """A bar chart of the on-time rate per report month, as inline SVG (styled by CSS classes).

    The bar of a month with nothing due is absent and its label says so; the data table under the
    chart (home page) carries the same numbers as text.
    """
    if not bars:
        return ""
    esc = html.escape
    plot_w = _CHART_W - _PLOT_L - _PLOT_R
    plot_h = _CHART_H - _PLOT_T - _PLOT_B
    step = plot_w / len(bars)
    bar_w = max(1.0, min(48.0, step * 0.7))
    out = [
        f'<svg class="bc-chart__svg" viewBox="0 0 {_CHART_W} {_CHART_H}" role="img" '
        f'aria-labelledby="bc-chart-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="bc-chart-title">{esc(chart_summary(bars))}</title>',
    ]
    for pct in (0, 25, 50, 75, 100):
        y = _PLOT_T + plot_h * (1 - pct / 100)
        out.append(f'<line class="bc-chart__grid" x1="{_PLOT_L}" x2="{_CHART_W - _PLOT_R}" '
                   f'y1="{y:.1f}" y2="{y:.1f}"/>')
        out.append(f'<text class="bc-chart__axis" x="{_PLOT_L - 6}" y="{y + 4:.1f}" '
                   f'text-anchor="end">{pct}%</text>')
    # Label every month when few, else the first month of each year (and the first bar).
    dense = len(bars) > 12
    for i, b in enumerate(bars):
        x = _PLOT_L + step * i + (step - bar_w) / 2
        cx = _PLOT_L + step * (i + 0.5)
        if b.rate is not None:
            h = plot_h * b.rate
            y = _PLOT_T + plot_h - max(h, 2)
            tip = f"{b.label}: {round(b.rate * 100)}% đúng hạn"
            out.append(f'<rect class="bc-chart__bar" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" '
                       f'height="{max(h, 2):.1f}"><title>{esc(tip)}</title></rect>')
            if not dense:
                out.append(f'<text class="bc-chart__value" x="{cx:.1f}" y="{y - 4:.1f}" '
                           f'text-anchor="middle">{round(b.rate * 100)}%</text>')
        elif not dense:
            out.append(f'<text class="bc-chart__value" x="{cx:.1f}" y="{_PLOT_T + plot_h - 4:.1f}" '
                       'text-anchor="middle">–</text>')
        month, year = b.label.split("/")
        if not dense:
            out.append(f'<text class="bc-chart__axis" x="{cx:.1f}" y="{_CHART_H - _PLOT_B + 18}" '
                       f'text-anchor="middle">{esc(b.label)}</text>')
        elif i == 0 or month == "1":
            out.append(f'<text class="bc-chart__axis" x="{_PLOT_L + step * i:.1f}" '
                       f'y="{_CHART_H - _PLOT_B + 18}">{esc(year)}</text>')
    out.append("</svg>")
    return "".join(out)


# --------------------------------------------------------------------------------------------
# Entry points


@cache
def _environment(templates: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(templates) / "site" / "pages")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md"] = md_escape
    env.filters["yaml"] = _yaml_string
    return env


def render_site(ctx: SiteContext, templates: Path) -> dict[str, str]:
    """Every page of the site: ``{docs-relative path: Markdown text}``.

    *templates* is the repository's templates/ folder (page templates in templates/site/pages).
    Theme assets (templates/site/assets, templates/site/overrides) are copied by the build.
    """
    r = _Renderer(ctx, _environment(str(templates.resolve())))
    r.prime(ctx.repo.reports)
    years = sorted({rep.year for rep in ctx.repo.reports}, reverse=True)
    pages: dict[str, str] = {
        HOME: r.home_page(ctx.guide is not None),
        ARCHIVE: r.archive_page(years),
    }
    pages.update(r.register_pages())
    for year in years:
        pages[year_page(year)] = r.year_page(year)
    for report in ctx.repo.reports:
        pages[report_page(report)] = r.report_page(report)
    if ctx.guide is not None:
        pages[GUIDE] = r.guide_page(ctx.guide)
    return pages


def render_register(ctx: SiteContext, templates: Path) -> dict[str, str]:
    """The task register's pages alone (``render_site`` renders them with every other page):
    ``{docs-relative path: Markdown text}``."""
    return _Renderer(ctx, _environment(str(templates.resolve()))).register_pages()


def render_nav(ctx: SiteContext) -> list[Any]:
    """The ``nav`` of the engine config: home, archive (years newest first), register, guide."""
    archive: list[Any] = [ARCHIVE]
    years = sorted({r.year for r in ctx.repo.reports}, reverse=True)
    for year in years:
        months: list[Any] = [year_page(year)]
        months += [{f"Tháng {r.month}": report_page(r)} for r in ctx.repo.reports if r.year == year]
        archive.append({f"Năm {year}": months})
    nav: list[Any] = [{"Trang chủ": HOME}, {"Lưu trữ": archive}, {"Nhiệm vụ": REGISTER}]
    if ctx.guide is not None:
        nav.append({"Hướng dẫn biên tập": GUIDE})
    return nav


#: Markdown extensions of the generated tree: only what the pages need. In particular no
#: attr_list or md_in_html, which would let text in a page add attributes such as onclick.
MARKDOWN_EXTENSIONS: list[Any] = [
    {"toc": {"permalink": True, "permalink_title": "Liên kết đến mục này"}},
    "tables",
    "admonition",
]
_DEFAULT_PALETTE = [
    {"media": "(prefers-color-scheme: light)", "scheme": "default", "primary": "indigo",
     "accent": "indigo",
     "toggle": {"icon": "material/weather-night", "name": "Chuyển sang giao diện tối"}},
    {"media": "(prefers-color-scheme: dark)", "scheme": "slate", "primary": "indigo",
     "accent": "indigo",
     "toggle": {"icon": "material/weather-sunny", "name": "Chuyển sang giao diện sáng"}},
]


def site_config(base: Mapping[str, Any], nav: list[Any]) -> dict[str, Any]:
    """The engine config of the generated tree, derived from the repository's mkdocs.yml.

    Paths are relative to the tree (mkdocs.yml, docs/, overrides/ side by side), so the tree can
    be built where it is by MkDocs or Zensical. Intranet safety is not left to the user's file:
    only the allowed settings pass, their text HTML-escaped (``settings.engine_settings``: no
    INHERIT, hook or analytics can reach the engine, which loads this file with PyYAML's full
    loader), the theme never loads web fonts, the built-in search is off (Pagefind replaces it:
    the header's search box is templates/site/overrides/partials/search.html) and repo_url is
    dropped, because the theme would ask the git host's API for repository facts.
    """
    cfg = engine_settings(base)
    cfg.setdefault("site_name", "Lưu trữ báo cáo")
    theme = dict(cfg.get("theme") or {})
    theme["name"] = "material"
    theme["custom_dir"] = "overrides"
    theme["font"] = False
    theme.setdefault("language", "vi")
    theme.setdefault("palette", _DEFAULT_PALETTE)
    # Only the visible part of the navigation goes into each page: the full tree in every page
    # makes the build quadratic in the number of reports (and pages a third larger at 120).
    features = [f for f in theme.get("features") or [] if isinstance(f, str)]
    if "navigation.prune" not in features and "navigation.expand" not in features:
        features.append("navigation.prune")
    theme["features"] = features
    cfg["theme"] = theme
    cfg.update({
        "docs_dir": "docs",
        "site_dir": "site",
        "use_directory_urls": True,
        "nav": nav,
        "plugins": [{"search": {"enabled": False}}],
        "hooks": [PRERENDERED_HOOK],
        "markdown_extensions": MARKDOWN_EXTENSIONS,
        "extra_css": [STYLESHEET],
        "extra_javascript": [SCRIPT, SEARCH_SCRIPT],
    })
    return cfg
