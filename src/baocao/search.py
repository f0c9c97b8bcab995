"""Stage 4 for search: the Pagefind index of a built site (DESIGN decision 2).

The site engine (mkdocs-material or Zensical) has already written the HTML. This module reads the
built pages back, cuts each report page into one search record per section (the text between
two headings, linked by the heading's own id, whatever engine made it), adds one record per task
of the register and per chapter of the editors' guide, and has Pagefind index those records into
``<site>/pagefind/``. The browser side is ``templates/site/assets/baocao-search.js``.

Why records and not pages: a reader looks for a section ("giám định tư pháp" in III.2 of
9/2023), and the filters Phần, Mục and Đơn vị only mean something per section. Pagefind indexes
HTML documents, so each record is written as a tiny HTML document into a scratch folder and the
Pagefind binary (``pagefind_bin``, from PyPI) indexes that folder. A record's file path is its
section's URL in disguise (:func:`record_path`), which the browser script turns back into one.

Vietnamese: Pagefind ≥ 1.5 folds tone and vowel marks both when indexing and when searching,
but ``đ`` has no Unicode decomposition and stays ``đ``. Each record therefore carries, in the
``khong_dau`` metadata (searched, never shown), the folded form of its words that contain
``đ``/``Đ``: "đường" -> "duong", so that "duong" finds it.

Facts that the page does not show (the unit that wrote a section, the Phần of a Mục) come from
the model; the text and anchors come from the HTML, and a heading that does not match the model
is an error, not a silent mismatch.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from lxml import html as lxml_html

from .model import Report, Repository
from .render.outline import MucHeading, PartHeading, SectionBlock, outline
from .render.site import GUIDE, REGISTER, report_page, task_anchors
from .vietnamese import fold

#: Where the bundle goes inside the site (the browser script loads <site root>/pagefind/pagefind.js).
SEARCH_DIR = "pagefind"
#: The filters' values for the search panel, written into the bundle folder.
FILTER_VALUES = "baocao-filters.json"
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
_BLOCK_TAGS = frozenset({
    "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "table", "tr", "td", "th", "caption",
    "thead", "tbody", "br", "h1", "h2", "h3", "h4", "h5", "h6", "section", "blockquote", "pre",
})
#: Inline elements that still start a new phrase (the notes under a task's content).
_BLOCK_CLASSES = frozenset({"bc-cell-note"})
_HEADINGS = ("h2", "h3", "h4", "h5", "h6")


class SearchIndexError(Exception):
    """The search index could not be written; the message is Vietnamese."""


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

_WORD = re.compile(r"\w+")


def folded_aliases(*texts: str) -> str:
    """Words containing đ/Đ, folded to ASCII-like lower case, once each, in order of appearance.

    >>> folded_aliases("Đường giao thông", "đường, Đắk Lắk")
    'duong dak'
    """
    seen: dict[str, None] = {}
    for text in texts:
        for word in _WORD.findall(text):
            if "đ" in word or "Đ" in word:
                seen.setdefault(fold(word), None)
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
        skip = (not tag or tag in ("script", "style", "template") or node.get("hidden") is not None
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
            out.append(_Expected(block.text, f"{number}. {s.title}", filters))
    if report.appendix is not None:
        out.append(_Expected("Phụ lục", f"Phụ lục: {one_line(report.appendix.title)}", base))
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


def register_records(repo: Repository, page_html: Path) -> list[SearchRecord]:
    """One record per task row of the register (nhiem-vu/): its number, content and status."""
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
        records.append(SearchRecord(_url(REGISTER, anchor), title, one_line(" ".join(parts)),
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


def collect_records(repo: Repository, site: Path) -> list[SearchRecord]:
    """Every record of a built site: report sections, tasks, the guide (when built)."""
    records: list[SearchRecord] = []
    for report in repo.reports:
        page = site / report_page(report).replace("index.md", "index.html")
        if not page.is_file():
            raise SearchIndexError(f"thiếu trang {page} của báo cáo {report.key}")
        records += report_records(report, page)
    register = site / REGISTER.replace("index.md", "index.html")
    if register.is_file():
        records += register_records(repo, register)
    guide = site / GUIDE.replace("index.md", "index.html")
    if guide.is_file():
        records += guide_records(guide)
    return records


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


#: Size of one chunk of Pagefind's word index, in postings (Pagefind's default is larger).
#: Vietnamese syllables are few and frequent, so the default chunks hold a few hundred KB of
#: postings and a query of four syllables loaded four of them (266 KB on the 120-report bench);
#: smaller chunks load only the words asked for. Pagefind 1.5 reads it from the environment
#: (PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE: marked unstable, hence the exact pin of pagefind).
INDEX_CHUNK_SIZE = 3000


def pagefind_command(records_dir: Path, bundle: Path) -> list[str]:
    """The Pagefind indexer (the binary of the pagefind_bin wheel, through `python -m pagefind`)."""
    return [sys.executable, "-m", "pagefind", "--site", str(records_dir), "--output-path",
            str(bundle), "--force-language", LANGUAGE, "--silent"]


#: Parts of the Pagefind bundle that baocao does not use (its ready-made UIs, the playground).
_UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js",
           "pagefind-modular-ui.css", "pagefind-component-ui.js", "pagefind-component-ui.css",
           "pagefind-highlight.js", "playground")


@dataclass(frozen=True)
class SearchStats:
    """What was indexed. Attributes: records; bundle (the pagefind folder); size (bytes)."""

    records: int
    bundle: Path
    size: int


def write_search_index(repo: Repository, site: Path, work: Path | None = None) -> SearchStats:
    """Index the built *site* into ``site/pagefind/`` (replacing an older bundle).

    *work* is a scratch folder for the record documents (a temporary folder by default).
    Raises SearchIndexError when a page does not match the model or Pagefind fails.
    """
    records = collect_records(repo, site)
    bundle = site / SEARCH_DIR
    scratch = Path(tempfile.mkdtemp(prefix="search-records-", dir=work))
    try:
        seen: set[str] = set()
        for record in records:
            path = record_path(record)
            if path in seen:
                raise SearchIndexError(f"hai mục tìm kiếm cùng một liên kết {record.url}")
            seen.add(path)
            target = scratch / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(record_html(record), encoding="utf-8")
        if bundle.exists():
            shutil.rmtree(bundle)
        try:
            env = dict(os.environ, PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE=str(INDEX_CHUNK_SIZE))
            proc = subprocess.run(pagefind_command(scratch, bundle), capture_output=True, text=True,
                                  encoding="utf-8", errors="replace", check=False, timeout=1800,
                                  env=env)
        except (OSError, subprocess.SubprocessError) as exc:
            raise SearchIndexError(f"không chạy được Pagefind: {exc}") from None
        if proc.returncode != 0 or not (bundle / "pagefind.js").is_file():
            tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
            raise SearchIndexError(f"Pagefind không tạo được chỉ mục tìm kiếm:\n{tail}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    (bundle / FILTER_VALUES).write_text(
        json.dumps(filter_values(records), ensure_ascii=False, separators=(",", ":")),
        encoding="utf-8")
    for name in _UNUSED:
        unused = bundle / name
        if unused.is_dir():
            shutil.rmtree(unused)
        elif unused.is_file():
            unused.unlink()
    size = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file())
    return SearchStats(len(records), bundle, size)


def filter_values(records: Sequence[SearchRecord]) -> dict[str, list[str]]:
    """Each filter's distinct values, in first-seen order, for the search panel's lists.

    Written beside the bundle (FILTER_VALUES), a few hundred bytes, so that opening the search
    box does not load Pagefind's filter index (which it loads only when a filter is used)."""
    out: dict[str, dict[str, None]] = {key: {} for key in FILTERS}
    for r in records:
        for key, values in r.filters.items():
            for v in values:
                out.setdefault(key, {}).setdefault(v, None)
    return {key: list(values) for key, values in out.items() if values}


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m baocao.search SITE [--repo DIR]``: add search to a site built by another
    engine from the tree of ``baocao build --tree`` (e.g. ``zensical build``)."""
    from .repo import load_checked

    ap = argparse.ArgumentParser(prog="python -m baocao.search", description=main.__doc__)
    ap.add_argument("site", type=Path, help="thư mục trang web đã dựng (chứa index.html)")
    ap.add_argument("--repo", type=Path, default=Path("."), help="kho nội dung (mặc định: .)")
    args = ap.parse_args(argv)
    repo, _ = load_checked(args.repo)
    try:
        stats = write_search_index(repo, args.site)
    except SearchIndexError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 1
    print(f"Đã lập chỉ mục tìm kiếm: {stats.records} mục, {stats.size // 1024} KB trong {stats.bundle}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
