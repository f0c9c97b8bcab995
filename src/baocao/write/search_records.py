"""Search records: what the search finds, read back from the built site (DESIGN decision 2).

The site engine (mkdocs-material or Zensical) has already written the HTML. This module reads the
built pages back and cuts each report page into one search record per section (the text between
two headings, linked by the heading's own id, whatever engine made it), plus one record per task
of the register and per chapter of the editors' guide; :mod:`baocao.write.search` has Pagefind
index them. Each record is written as a tiny HTML document (:func:`record_html`) whose file path
is its section's URL in disguise (:func:`record_path`), which the browser script turns back into
one.

Vietnamese: Pagefind ≥ 1.5 folds tone and vowel marks both when indexing and when searching,
but ``đ`` has no Unicode decomposition and stays ``đ``. Each record therefore carries, in the
``khong_dau`` metadata (searched, never shown), the folded form of its words that contain
``đ``/``Đ``: "đường" -> "duong", so that "duong" finds it.

Facts that the page does not show (the unit that wrote a section, the Phần of a Mục) come from
the model; the text and anchors come from the HTML, and a heading that does not match the model
is an error, not a silent mismatch. The records of an unchanged page are kept between builds
(:class:`RecordMemo`).
"""

from __future__ import annotations

import hashlib
import html
import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from lxml import html as lxml_html

from ..appendices import appendix_heading
from ..errors import SearchIndexError as SearchIndexError
from ..memo import JsonMemo
from ..model import Report, Repository
from ..render.outline import MucHeading, PartHeading, SectionBlock, outline
from ..render.site import GUIDE, REGISTER, register_year_page, report_page, task_anchors
from ..vietnamese import fold

LANGUAGE = "vi"
#: Filters of every record, in the order the search panel shows them (key -> label).
FILTERS: dict[str, str] = {
    "loai": "Loại",
    "nam": "Năm",
    "thang": "Tháng",
    "phan": "Phần",
    "muc": "Mục",
    "don_vi": "Đơn vị",
}
KIND_REPORT = "Báo cáo"
KIND_TASK = "Nhiệm vụ"
KIND_GUIDE = "Hướng dẫn biên tập"
#: Separates the Phần from the Mục in the "muc" filter value ("Phần I › III. Hoạt động KH&CN").
MUC_SEPARATOR = " › "
#: Parts of a page that are not its text: permalinks, edit links, buttons, navigation, captions.
SKIP_CLASSES = frozenset({
    "headerlink", "bc-edit", "bc-prevnext", "bc-downloads", "bc-legend", "bc-sr-only",
    "bc-draft", "md-source-file", "md-content__button",
    # Task tables (the appendix): each task is a record of its own, from the register, so the
    # table's rows would only repeat the same text in every report's appendix.
    "bc-table",
})
#: Elements whose text is not searched: scripts, and code blocks (the guide's YAML and command
#: examples: a result's excerpt would show `signer: authority: "KT. GIÁM ĐỐC"`, and their
#: keys and quoted values are not what a reader searches for). Inline code stays.
_SKIP_TAGS = frozenset({"script", "style", "template", "pre"})
_BLOCK_TAGS = frozenset({
    "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "table", "tr", "td", "th", "caption",
    "thead", "tbody", "br", "h1", "h2", "h3", "h4", "h5", "h6", "section", "blockquote", "pre",
})
#: Inline elements that still start a new phrase (the notes under a task's content).
_BLOCK_CLASSES = frozenset({"bc-cell-note"})
_HEADINGS = ("h2", "h3", "h4", "h5", "h6")


@dataclass(frozen=True)
class SearchRecord:
    """One search result as Pagefind stores it.

    Attributes:
        url: site-relative URL of the section ("2023/09/#2-hoat-ong-anh-gia…"), no leading slash.
        title: the section's heading with its full number ("III.2. Hoạt động đánh giá, …").
        text: the section's text as the page shows it (one line).
        filters: filter key (see FILTERS) -> values.
        sort: the "ky" sort key, newest highest ("202309"; a task's issue month; "" for none),
            used when the reader lists records by filters alone.
    """

    url: str
    title: str
    text: str
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = ""

    @property
    def aliases(self) -> str:
        """The folded forms of the words with đ/Đ of the title and text ("duong dinh")."""
        return folded_aliases(self.title, self.text)


# --------------------------------------------------------------------------------------------
# Pure helpers

#: A whole word (a maximal run of \w) that contains đ or Đ; tried only at word starts, and
#: without backtracking over a word's letters (twice as fast as \w*[đĐ]\w* on the archive).
_WORD_WITH_D = re.compile(r"(?<!\w)[^\WđĐ]*[đĐ]\w*")


#: :func:`fold` of one word: a report repeats its words with đ (đồng, định, đơn vị) thousands of
#: times, and every build turns every record into its document (the shards' cache keys).
_fold_word = lru_cache(maxsize=1 << 16)(fold)


def folded_aliases(*texts: str) -> str:
    """Words containing đ/Đ, folded to ASCII-like lower case, once each, in order of appearance.

    >>> folded_aliases("Đường giao thông", "đường, Đắk Lắk")
    'duong dak'
    """
    seen: dict[str, None] = {}
    for text in texts:
        for word in _WORD_WITH_D.findall(text):
            seen.setdefault(_fold_word(word), None)
    return " ".join(seen)


def fold_query_words(query: str) -> list[str]:
    """A query's words as the search box highlights them: folded (đ -> d, marks dropped), split
    at anything that is not a letter or digit: "4502/UBND-KGVX" -> ["4502", "ubnd", "kgvx"]."""
    return [w for w in re.split(r"[\W_]+", fold(query)) if w]


def record_matches(record: SearchRecord, query: str) -> bool:
    """Whether every word of *query* begins a word of the record's title or text, ignoring
    marks (what a reader expects a result to contain; the browser tests check their
    expectations with it)."""
    words = set(re.split(r"[\W_]+", fold(record.title + " " + record.text)))
    return all(any(w.startswith(q) for w in words) for q in fold_query_words(query))


def one_line(text: str) -> str:
    return " ".join(text.split())


def _classes(el: lxml_html.HtmlElement) -> set[str]:
    return set((el.get("class") or "").split())


def element_text(el: lxml_html.HtmlElement) -> str:
    """The visible text of *el* (one line), without permalinks, edit links and buttons."""
    parts: list[str] = []

    def walk(node: lxml_html.HtmlElement) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        skip = (not tag or tag in _SKIP_TAGS or node.get("hidden") is not None
                or bool(_classes(node) & SKIP_CLASSES))
        if not skip:
            block = tag in _BLOCK_TAGS or bool(_classes(node) & _BLOCK_CLASSES)
            if block:
                parts.append(" ")
            if node.text:
                parts.append(node.text)
            for child in node:
                walk(child)
                if child.tail:
                    parts.append(child.tail)
            if block:
                parts.append(" ")

    walk(el)
    return one_line("".join(parts))


def _article(path: Path) -> lxml_html.HtmlElement:
    try:
        doc = lxml_html.fromstring(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise SearchIndexError(f"không đọc được trang {path}: {exc}") from None
    found = doc.xpath("//article[contains(concat(' ', @class, ' '), ' md-content__inner ')]")
    if not found:
        raise SearchIndexError(f"trang {path} không có phần nội dung (article.md-content__inner)")
    article: lxml_html.HtmlElement = found[0]
    return article


def _segments(article: lxml_html.HtmlElement) -> tuple[list[lxml_html.HtmlElement],
                                                        list[tuple[lxml_html.HtmlElement,
                                                                   list[lxml_html.HtmlElement]]]]:
    """(elements before the first h2–h6, [(heading, elements up to the next heading)])."""
    before: list[lxml_html.HtmlElement] = []
    sections: list[tuple[lxml_html.HtmlElement, list[lxml_html.HtmlElement]]] = []
    for child in article:
        if not isinstance(child.tag, str):
            continue
        if child.tag in _HEADINGS:
            sections.append((child, []))
        elif sections:
            sections[-1][1].append(child)
        else:
            before.append(child)
    return before, sections


def _join(elements: Iterable[lxml_html.HtmlElement]) -> str:
    return one_line(" ".join(element_text(e) for e in elements))


def _url(page: str, anchor: str | None = None) -> str:
    """Site-relative URL of a tree page ("2023/09/index.md" -> "2023/09/")."""
    folder = page.rsplit("/", 1)[0] + "/" if "/" in page else ""
    return folder + (f"#{anchor}" if anchor else "")


# --------------------------------------------------------------------------------------------
# Records of each kind of page


@dataclass(frozen=True)
class _Expected:
    heading: str
    title: str
    filters: Mapping[str, tuple[str, ...]]


def report_headings(report: Report) -> list[_Expected]:
    """The headings the report page shows after its title, with the facts of each section."""
    base = {"loai": (KIND_REPORT,), "nam": (str(report.year),), "thang": (str(report.month),)}
    out: list[_Expected] = []
    part = ""
    muc = ""
    for block in outline(report):
        if isinstance(block, PartHeading):
            part = block.label
            text = f"{block.label}. {block.title}"
            out.append(_Expected(text, text, {**base, "phan": (part,)}))
        elif isinstance(block, MucHeading):
            muc = f"{part}{MUC_SEPARATOR}{block.text}"
            out.append(_Expected(block.text, block.text, {**base, "phan": (part,), "muc": (muc,)}))
        elif isinstance(block, SectionBlock):
            s = block.section
            number = s.number or ""
            if "." not in number:
                muc = f"{part}{MUC_SEPARATOR}{block.text}"
            filters = {**base, "phan": (part,), "muc": (muc,)}
            if s.unit:
                filters["don_vi"] = (one_line(s.unit),)
            out.append(_Expected(block.text, f"{number}. {one_line(s.title)}", filters))
    for appendix in report.appendices:  # "Phụ lục", or "Phụ lục I", "Phụ lục II", …
        heading = appendix_heading(report, appendix)
        out.append(_Expected(heading, f"{heading}: {one_line(appendix.title)}", base))
    return out


def report_records(report: Report, page_html: Path) -> list[SearchRecord]:
    """The records of one built report page: the report itself (its facts, trích yếu, Nơi
    nhận) and each section that has text."""
    page = report_page(report)
    article = _article(page_html)
    before, sections = _segments(article)
    expected = report_headings(report)
    title = f"Báo cáo tháng {report.month}/{report.year}"
    ky = f"{report.year:04d}{report.month:02d}"
    if len(sections) != len(expected):
        raise SearchIndexError(
            f"{page_html}: trang có {len(sections)} đề mục nhưng báo cáo {report.key} có "
            f"{len(expected)}; chỉ mục tìm kiếm không khớp với trang"
        )
    closing: list[lxml_html.HtmlElement] = []
    records: list[SearchRecord] = []
    for (heading, elements), want in zip(sections, expected, strict=True):
        shown = element_text(heading)
        if one_line(shown) != one_line(want.heading):
            raise SearchIndexError(
                f"{page_html}: đề mục \"{shown}\" của trang khác đề mục \"{want.heading}\" của "
                f"báo cáo {report.key}"
            )
        body: list[lxml_html.HtmlElement] = []
        for el in elements:
            (closing if "bc-closing" in _classes(el) else body).append(el)
        text = _join(body)
        anchor = heading.get("id")
        if text and anchor:
            records.append(SearchRecord(_url(page, anchor), want.title, text, want.filters, ky))
    head = [e for e in before if e.tag != "h1"]
    overview = one_line(_join(head) + " " + _join(closing))
    base = {"loai": (KIND_REPORT,), "nam": (str(report.year),), "thang": (str(report.month),)}
    records.insert(0, SearchRecord(_url(page), title, overview, base, ky))
    return records


def register_records(repo: Repository, page_html: Path, page: str = REGISTER) -> list[SearchRecord]:
    """One record per task row of a register page (*page*: nhiem-vu/, or nhiem-vu/<yyyy>/ of a
    register cut by year): its number, content and status."""
    article = _article(page_html)
    by_anchor = {a: t for t, a in task_anchors(repo.tasks).items()}
    tasks = {t.id: t for t in repo.tasks}
    records = []
    for row in article.xpath(".//tr[contains(concat(' ', @class, ' '), ' bc-task ')][@id]"):
        anchor = row.get("id")
        task_id = by_anchor.get(anchor)
        if task_id is None:
            raise SearchIndexError(f"{page_html}: dòng nhiệm vụ #{anchor} không có trong directives.yaml")
        task = tasks[task_id]
        cells = {c.get("data-label"): element_text(c) for c in row.xpath("./td")}
        title = cells.get("Số/Ký hiệu VBCĐ") or task.document
        parts = [cells.get("Nội dung công việc", ""),
                 f"Thời hạn: {cells['Thời hạn']}." if cells.get("Thời hạn") else "",
                 f"Hoàn thành ngày {cells['Ngày hoàn thành']}." if cells.get("Ngày hoàn thành") else "",
                 f"Tình trạng: {cells['Tình trạng']}." if cells.get("Tình trạng") else ""]
        filters: dict[str, tuple[str, ...]] = {
            "loai": (KIND_TASK,), "nam": (str(task.issued.year),), "thang": (str(task.issued.month),)}
        if task.unit:
            filters["don_vi"] = (one_line(task.unit),)
        records.append(SearchRecord(_url(page, anchor), title, one_line(" ".join(parts)),
                                    filters, f"{task.issued.year:04d}{task.issued.month:02d}"))
    return records


def guide_records(page_html: Path) -> list[SearchRecord]:
    """One record per chapter (h2) of the editors' guide, and one for its introduction."""
    article = _article(page_html)
    before, sections = _segments(article)
    filters = {"loai": (KIND_GUIDE,)}
    h1 = article.find(".//h1")
    title = element_text(h1) if h1 is not None else KIND_GUIDE
    records = []
    intro = _join(e for e in before if e.tag != "h1")
    if intro:
        records.append(SearchRecord(_url(GUIDE), title, intro, filters))
    chapter: tuple[str, str, list[lxml_html.HtmlElement]] | None = None
    for heading, elements in sections:
        if heading.tag == "h2" or chapter is None:
            if chapter is not None and _join(chapter[2]):
                records.append(SearchRecord(_url(GUIDE, chapter[0]), chapter[1], _join(chapter[2]),
                                            filters))
            chapter = (heading.get("id") or "", element_text(heading), list(elements))
        else:
            chapter[2].extend([heading, *elements])
    if chapter is not None and _join(chapter[2]):
        records.append(SearchRecord(_url(GUIDE, chapter[0]), chapter[1], _join(chapter[2]), filters))
    return records


def report_order(report: Report) -> tuple[int, int]:
    return (report.year, report.month)


class RecordMemo(JsonMemo):
    """A report page's records, kept between builds (``.baocao-cache/search-records.json``).

    Reading a built page back into records is most of what a build with an unchanged index
    still costs. The key is the page's bytes and the model facts the records take from the
    report (``report_headings``); the tag (``baocao.cache.cache_tag``) covers the whole package
    and the tool versions, so any change reads the page again. A damaged file is an empty memo."""

    _FORMAT = "baocao-search-records-2"

    def __init__(self, path: Path | None) -> None:
        super().__init__(path, self._FORMAT)
        self.hits = 0

    def records(self, report: Report, page: Path) -> list[SearchRecord]:
        data = page.read_bytes()
        key = hashlib.sha256(data + b"\0" + repr((report.key, report_headings(report))).encode()
                             ).hexdigest()
        rows = self.get(key)
        if isinstance(rows, list):
            try:
                found = [SearchRecord(u, t, x, {k: tuple(v) for k, v in f.items()}, o)
                         for u, t, x, f, o in rows]
            except (TypeError, ValueError, AttributeError):
                found = None
            if found is not None:
                self.hits += 1
                self.put(key, rows)
                return found
        records = report_records(report, page)
        self.put(key, [[r.url, r.title, r.text, {k: list(v) for k, v in r.filters.items()}, r.sort]
                       for r in records])
        return records


def record_groups(repo: Repository, site: Path, memo: RecordMemo | None = None
                  ) -> tuple[list[list[SearchRecord]], list[SearchRecord]]:
    """The records of a built site: one list per report, oldest report first, and the records
    of the register and the guide (when built). With *memo*, the records of a page unchanged
    since an earlier build are not read again."""
    reports = [report_page_records(r, site / report_page(r).replace("index.md", "index.html"), memo)
               for r in sorted(repo.reports, key=report_order)]
    return reports, other_records(repo, site)


def report_page_records(report: Report, page: Path, memo: RecordMemo | None = None
                        ) -> list[SearchRecord]:
    """The records of a report's built page (through *memo* when given)."""
    if not page.is_file():
        raise SearchIndexError(f"thiếu trang {page} của báo cáo {report.key}")
    return memo.records(report, page) if memo is not None else report_records(report, page)


def other_records(repo: Repository, site: Path) -> list[SearchRecord]:
    """The records of the register and the guide (when built)."""
    others: list[SearchRecord] = []
    # A register cut by year: each task is a record of its year's page (the overview repeats
    # the open ones); else the one page.
    years = sorted((p for p in (site / posixpath.dirname(REGISTER)).glob("[0-9][0-9][0-9][0-9]")
                    if (p / "index.html").is_file()), key=lambda p: p.name)
    pages = [register_year_page(int(p.name)) for p in years] or [REGISTER]
    for page in pages:
        html_file = site / page.replace("index.md", "index.html")
        if html_file.is_file():
            others += register_records(repo, html_file, page)
    guide = site / GUIDE.replace("index.md", "index.html")
    if guide.is_file():
        others += guide_records(guide)
    return others


def collect_records(repo: Repository, site: Path) -> list[SearchRecord]:
    """Every record of a built site: report sections (oldest report first), tasks, the guide."""
    reports, others = record_groups(repo, site)
    return [r for records in reports for r in records] + others


# --------------------------------------------------------------------------------------------
# Writing the index


def record_path(record: SearchRecord) -> str:
    """Where a record's document goes in the folder Pagefind indexes; Pagefind turns it into
    the result's URL ("2023/09/_/phu-luc.html" -> "/2023/09/_/phu-luc.html"), which the browser
    script reads back as "2023/09/#phu-luc". (Metadata would carry the link too, but Pagefind
    indexes metadata words, and a link's words are not the section's.)"""
    page, _, anchor = record.url.partition("#")
    if not anchor:
        return page + "index.html"
    return f"{page}_/{quote(anchor, safe='')}.html"


def record_html(record: SearchRecord) -> str:
    """A record as the small HTML document Pagefind indexes.

    The body is the text; the title and the folded aliases are metadata (searched; the title
    ranks higher); filters and the sort key sit in an ignored block so they are not text.
    """
    e = html.escape
    meta = [("title", record.title)]
    aliases = record.aliases
    if aliases:
        meta.append(("khong_dau", aliases))
    hidden = "".join(f'<p data-pagefind-meta="{k}">{e(v)}</p>' for k, v in meta)
    hidden += "".join(f'<p data-pagefind-filter="{k}">{e(v)}</p>'
                      for k, values in record.filters.items() for v in values)
    if record.sort:
        hidden += f'<p data-pagefind-sort="ky">{e(record.sort)}</p>'
    return (f'<!DOCTYPE html><html lang="{LANGUAGE}"><head><meta charset="utf-8">'
            f"<title>{e(record.title)}</title></head><body>"
            f'<main data-pagefind-body><div data-pagefind-ignore>{hidden}</div>'
            f"<p>{e(record.text)}</p></main></body></html>\n")
