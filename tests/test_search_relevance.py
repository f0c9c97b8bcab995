"""Search relevance (issue 18, Build 4): what the reader typed comes first.

Two real sites, searched in headless Chromium through the real search box and the real Pagefind
index: the shipped repository (both reports, the guide, the register) and a 120-report archive
of ``scripts/make_archive.py`` (built without its DOCX/PDF: the documents do not take part in
search, and building 120 of them would take minutes; every page and the index are the build's
own).

The order the box promises, checked on every query of the set against the records themselves
(``collect_records``: the text Pagefind indexed), never against what the script computed:

1. records with the typed words as a phrase, with the typed marks;
2. records with the typed words as a phrase, marks folded as Pagefind folds them (``đ`` stays);
3. records with every typed word, with the typed marks;
4. the rest (words found through their folded forms, or begun only).

Each query also names the record a reader expects first, checked against the content first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, copy_shipped_repo
from test_search_browser import open_context, run_search, served
from test_site_browser import Log

from baocao.write.search_records import SearchRecord, collect_records

pytestmark = pytest.mark.client


def tokens(text: str, *, fold_marks: bool) -> list[str]:
    """Words as Pagefind indexes them: lower case, split at anything not a letter or digit;
    with *fold_marks*, tone and vowel marks dropped (Pagefind's folding: ``đ`` stays)."""
    text = unicodedata.normalize("NFC", text).lower()
    if fold_marks:
        text = unicodedata.normalize("NFC", "".join(
            c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)))
    return [t for t in re.split(r"[\W_]+", text) if t]


def has_run(words: list[str], query: list[str]) -> bool:
    n = len(query)
    return any(words[i:i + n] == query for i in range(len(words) - n + 1))


def has_marks(query: str) -> bool:
    return tokens(query, fold_marks=True) != tokens(query, fold_marks=False)


def tier(record: SearchRecord, query: str) -> int:
    """The tier (1-4, see the module) *record* belongs to for *query*."""
    marks = has_marks(query)
    exact_words = tokens(query, fold_marks=False)
    folded_words = tokens(query, fold_marks=True)
    phrase_in = [tokens(record.title, fold_marks=False), tokens(record.text, fold_marks=False)]
    if marks and any(has_run(w, exact_words) for w in phrase_in):
        return 1
    if any(has_run(tokens(" ".join(w), fold_marks=True), folded_words) for w in phrase_in):
        return 2 if marks else 1
    every = set(phrase_in[0]) | set(phrase_in[1])
    if marks and all(w in every for w in exact_words):
        return 3
    return 4


# --------------------------------------------------------------------------------------------
# The two sites

def _build(root: Path, as_of: date, *, documents: bool) -> Path:
    from baocao.commands.build import build
    from baocao.repo import load_checked
    from baocao.write import site_build

    repo, _ = load_checked(root)
    with pytest.MonkeyPatch.context() as mp:
        if not documents:  # only the site: pages and index as the build writes them
            mp.setattr(site_build, "write_documents", lambda *a, **k: {})
        build(repo, root, root / "site", as_of=as_of)
    return root


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory):
    root = _build(copy_shipped_repo(tmp_path_factory.mktemp("shipped") / "repo"),
                  date(2025, 6, 20), documents=True)
    from baocao.repo import load_checked

    repo, _ = load_checked(root)
    return root / "site", collect_records(repo, root / "site")


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory):
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    from make_archive import make_archive

    root = make_archive(tmp_path_factory.mktemp("archive") / "repo", 120, seed=1)
    _build(root, date(2026, 1, 20), documents=False)
    from baocao.repo import load_checked

    repo, _ = load_checked(root)
    return root / "site", collect_records(repo, root / "site")


def searcher(browser: Any, site: Path) -> Iterator[Any]:
    for base in served(site, "/luu-tru/"):
        log = Log(base)
        contexts: list[Any] = []
        page = open_context(browser, base, log, contexts, "")
        yield base, page, log
        for ctx in contexts:
            ctx.close()


@pytest.fixture(scope="module")
def shipped_box(browser, shipped):
    yield from searcher(browser, shipped[0])


@pytest.fixture(scope="module")
def archive_box(browser, archive):
    yield from searcher(browser, archive[0])


def check_order(box: tuple[str, Any, Log], records: list[SearchRecord], query: str
                ) -> list[tuple[SearchRecord, int]]:
    base, page, log = box
    hits = run_search(page, query)
    assert hits, query
    by_url = {base + r.url: r for r in records}
    shown = [(by_url[h["href"]], tier(by_url[h["href"]], query)) for h in hits]
    tiers = [t for _, t in shown]
    assert tiers == sorted(tiers), [(r.title[:40], t) for r, t in shown]
    # Nothing of a better tier is left off the first screen while a worse one is on it.
    urls = {h["href"] for h in hits}
    left_off = [r.title[:40] for r in records
                if base + r.url not in urls and tier(r, query) < tiers[-1]]
    assert not left_off, (query, tiers, left_off)
    for h in hits:  # excerpts are text: never YAML or code
        assert not re.search(r"\b[a-z_]+: [\"']", h["excerpt"]), h["excerpt"]
    log.assert_clean()
    return shown


# (query, url prefix, title prefix of the record expected first)
SHIPPED = [
    ("giám định tư pháp", "2023/09/#", "II."),
    ("giam dinh tu phap", "2023/09/#", "II."),
    ("giám định", None, None),
    ("giam dinh", None, None),
    ("an toàn bức xạ", None, None),
    ("kiểm tra", None, None),
    ("xăng dầu", None, None),
    ("Techbifarm", "2023/09/#", "III.2."),
    ("4502/UBND-KGVX", "nhiem-vu/#nv-2023-4502-", "4502/UBND-KGVX"),
    ("KT. GIÁM ĐỐC", None, None),
]


@pytest.mark.parametrize(("query", "url", "title"), SHIPPED, ids=[q for q, *_ in SHIPPED])
def test_shipped_site_ranks_what_was_typed_first(shipped_box, shipped, query, url, title):
    shown = check_order(shipped_box, shipped[1], query)
    if url is not None:
        first = shown[0][0]
        assert first.url.startswith(url) and first.title.startswith(title), first.title


def test_giam_dinh_puts_the_phrase_before_the_guide_and_ban_giam_khao(shipped_box, shipped):
    """The finding: "giám định" listed the guide's YAML and "Ban giám khảo" before the section
    with "giám định tư pháp"."""
    shown = check_order(shipped_box, shipped[1], "giám định")
    titles = [r.title for r, _ in shown]
    section = next(i for i, (r, _) in enumerate(shown)
                   if r.url.startswith("2023/09/#") and r.title.startswith("II."))
    assert "giám định tư pháp" in shown[section][0].text.lower()
    assert shown[0][1] == shown[section][1] == 1
    others = [i for i, (r, t) in enumerate(shown) if t > 1 and (
        r.url.startswith("huong-dan-bien-tap/") or "giám khảo" in r.text.lower())]
    assert others, titles  # they are still found, after it
    assert all(i > section for i in others), titles


ARCHIVE = [
    ("giám định tư pháp", None, None),
    ("giam dinh tu phap", None, None),
    ("an toàn bức xạ", None, None),
    ("xăng dầu", None, None),
    ("chuyển đổi số", None, None),
    ("kiểm tra chất lượng", None, None),
    ("Ngày hội Khởi nghiệp", None, None),
    ("so huu tri tue", None, None),
    ("truy xuất nguồn gốc", None, None),
]


@pytest.mark.parametrize(("query", "url", "title"), ARCHIVE, ids=[q for q, *_ in ARCHIVE])
def test_archive_ranks_what_was_typed_first(archive_box, archive, query, url, title):
    shown = check_order(archive_box, archive[1], query)
    best = min(tier(r, query) for r in archive[1])
    assert shown[0][1] == best, [(r.title[:40], t) for r, t in shown]


def test_archive_tasks_are_records_of_their_year_pages(archive):
    """A register cut by year (316 tasks here): each task is one record, linked to its row on
    the page of its year of issue, none to the overview (which repeats the open ones)."""
    site, records = archive
    tasks = [r for r in records if r.url.startswith("nhiem-vu/")]
    assert (site / "nhiem-vu/2016/index.html").is_file()
    assert len(tasks) == len({r.url for r in tasks}) > 300
    for rec in tasks:
        assert re.fullmatch(r"nhiem-vu/(\d{4})/#nv-\1-[a-z0-9-]+", rec.url), rec.url
        page, anchor = rec.url.split("#")
        assert f'id="{anchor}"' in (site / page / "index.html").read_text("utf-8")
