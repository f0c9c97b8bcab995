"""The search box in a real browser: headless Chromium (Debian's package) driven by Playwright.

The site of ``search_build`` (conftest: September as shipped, October with its own sections and
units) is served from a sub-path, as GitLab Pages serves a project (``/nhom/bao-cao/``), by a
plain static file server that answers 404 outside it. Each test types into the real search box
in the header and reads the real result list. Every expected result is first checked against the
content (the expected section really contains the query), so a test cannot pass on a wrong
expectation. Every page must make no request outside the sub-path and log no error.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from test_search import zensical_site
from test_site_browser import Log

from baocao.vietnamese import fold
from baocao.write.search import write_search_index
from baocao.write.search_records import FILTERS, SearchRecord, collect_records, record_matches

pytestmark = pytest.mark.client

PREFIX = "/nhom/bao-cao/"


class _SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site folder under *prefix* only, like a GitLab Pages project."""

    prefix = "/"

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.prefix):
            return "/nonexistent/" + path
        return super().translate_path("/" + path[len(self.prefix):])

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass


def serve(site: Path, prefix: str) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = type("Handler", (_SubPathHandler,), {"prefix": prefix})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                            functools.partial(handler, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_port}{prefix}"


def served(site: Path, prefix: str) -> Iterator[str]:
    """The URL of *site* served under *prefix* for the life of a (module) fixture."""
    httpd, url = serve(site, prefix)
    try:
        yield url
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def base(search_build) -> Iterator[str]:
    yield from served(search_build.site, PREFIX)


@pytest.fixture(scope="module")
def records(search_build) -> list[SearchRecord]:
    return collect_records(search_build.repo, search_build.site)


def open_context(chromium: Any, base: str, log: Log, contexts: list[Any], path: str,
                 **options: Any) -> Any:
    options.setdefault("viewport", {"width": 1280, "height": 900})
    ctx = chromium.new_context(**options)
    contexts.append(ctx)
    # Nothing may leave the site's sub-path: record, and refuse, anything else.
    ctx.route(lambda url: not url.startswith(base),
              lambda route: (log.foreign.append(route.request.url), route.abort()))
    page = ctx.new_page()
    page.on("request", lambda r: log.requests.append(r.url))
    page.on("console", lambda m: log.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: log.page_errors.append(str(e)))
    page.on("dialog", lambda d: (log.dialogs.append(d.message), d.dismiss()))
    page.goto(base + path)
    return page


@pytest.fixture
def visit(browser: Any, base: str) -> Iterator[Callable[..., tuple[Any, Log]]]:
    contexts: list[Any] = []
    log = Log(base)

    def open_page(path: str = "", **options: Any) -> tuple[Any, Log]:
        return open_context(browser, base, log, contexts, path, **options), log

    yield open_page
    for ctx in contexts:
        ctx.close()


def run_search(page: Any, query: str, filters: dict[str, str] | None = None) -> list[dict]:
    """Type *query* into the search box (opening it first), choose *filters*, and return the
    hits as shown: where, title, href, excerpt text, highlighted words."""
    filters = filters or {}
    box = page.locator("[data-bc-search]")
    if not page.locator("#bc-search-dialog").evaluate("d => d.open"):
        box.locator(".bc-search__open").click()
    page.locator(".bc-search__filters--ready").wait_for()
    for key in FILTERS:
        select = page.locator(f"select[name={key}]")
        if select.count():
            select.select_option(filters.get(key, ""))
    page.locator("#bc-search-input").fill(query)
    page.wait_for_function(
        """([q, f]) => {
            const b = document.querySelector('[data-bc-search]');
            if (!['done', 'empty'].includes(b.dataset.state) || b.dataset.query !== q) return false;
            const got = JSON.parse(b.dataset.filters || '{}');
            return JSON.stringify(Object.entries(got).sort()) === JSON.stringify(Object.entries(f).sort());
        }""", arg=[query.strip(), filters])
    return page.locator(".bc-hit").evaluate_all("""hits => hits.map(h => ({
        where: h.querySelector('.bc-hit__where').textContent,
        title: h.querySelector('.bc-hit__title').textContent,
        href: h.querySelector('a').href,
        excerpt: h.querySelector('.bc-hit__excerpt').textContent,
        marks: [...h.querySelectorAll('.bc-hit__excerpt mark')].map(m => m.textContent),
        title_marks: [...h.querySelectorAll('.bc-hit__title mark')].map(m => m.textContent),
    }))""")


def status(page: Any) -> str:
    return page.locator("[data-bc-search-status]").inner_text()


def find_record(records: list[SearchRecord], url_prefix: str, title_prefix: str) -> SearchRecord:
    found = [r for r in records if r.url.startswith(url_prefix) and r.title.startswith(title_prefix)]
    assert len(found) == 1, (url_prefix, title_prefix, [r.url for r in found])
    return found[0]


# --------------------------------------------------------------------------------------------
# Queries whose right answer is one section (or task): (query, filters, url prefix, title prefix)

QUERIES = [
    ("giam dinh tu phap", {}, "2023/09/", "II."),
    ("giám định tư pháp", {}, "2023/09/", "II."),
    ("4502/UBND-KGVX", {}, "nhiem-vu/#nv-2023-4502-", "4502/UBND-KGVX"),
    ("4502", {}, "nhiem-vu/#nv-2023-4502-", "4502/UBND-KGVX"),
    ("ma QR thong nhat ve TTHC", {}, "nhiem-vu/#nv-2023-339-", "339/TB-UBND"),
    ("duong lieu chan gio", {}, "2023/10/", "III.1."),
    ("dương liễu", {}, "2023/10/", "III.1."),
    ("cửa hàng xăng dầu", {}, "2023/10/", "III.6."),
    ("xang dau Luc Nam", {}, "2023/10/", "III.6."),
    ("Techbifarm", {}, "2023/09/", "III.2."),
    ("Dao My Lang Giang", {}, "2023/09/", "III.2."),
    ("nguyen duc van", {}, "2023/09/", "III.2."),
    ("duong giao thong nong thon", {}, "2023/10/", "III.2."),
    ("bieu ghi co so du lieu thong ke", {}, "2023/10/", "III.3."),
    ("quy che quan ly nhiem vu", {}, "2023/10/", "II."),
    ("bức xạ", {"thang": "10", "phan": "Phần I"}, "2023/10/", "III.2."),
    ("buc xa", {"don_vi": "Phòng Quản lý công nghệ"}, "2023/10/", "III.2."),
]


@pytest.mark.parametrize(("query", "filters", "url", "title"), QUERIES,
                         ids=[f"{q}{' + ' + ','.join(f.values()) if f else ''}" for q, f, *_ in QUERIES])
def test_query_finds_the_right_section_first(visit, base, records, query, filters, url, title):
    want = find_record(records, url, title)
    assert record_matches(want, query), f"the expected section does not contain {query!r}"
    for key, value in filters.items():
        assert value in want.filters.get(key, ()), (key, value)
    page, log = visit("2023/09/")
    hits = run_search(page, query, filters)
    assert hits, status(page)
    assert hits[0]["href"] == base + want.url, [h["title"] for h in hits[:3]]
    assert hits[0]["title"] == want.title
    words = set(query_words(query))
    marks = hits[0]["marks"] + hits[0]["title_marks"]
    assert marks, "the first hit highlights nothing"
    assert all(any(fold(m).startswith(w) for w in words) for m in marks), marks
    log.assert_clean()


def query_words(query: str) -> list[str]:
    from baocao.write.search_records import fold_query_words

    return fold_query_words(query)


def test_results_show_month_and_section_with_highlighted_excerpt(visit, base, records):
    page, log = visit("")
    hits = run_search(page, "giam dinh tu phap")
    first = hits[0]
    assert first["where"] == "Báo cáo tháng 9/2023 › Phần I"
    assert first["title"].startswith("II. Xây dựng cơ chế")
    assert [fold(m) for m in first["marks"][:4]] == ["giam", "dinh", "tu", "phap"]
    assert first["title_marks"] == ["pháp"]  # "pháp luật" in the heading
    assert "Giám định tư pháp" in first["excerpt"]
    khoan = run_search(page, "Techbifarm")[0]
    assert khoan["where"] == "Báo cáo tháng 9/2023 › Phần I › III. Hoạt động KH&CN"
    task = run_search(page, "4502")[0]
    assert task["where"] == "Sổ theo dõi nhiệm vụ › Đơn vị: Phòng Quản lý công nghệ"
    assert status(page) == f"Tìm thấy {len(run_search(page, '4502'))} kết quả cho “4502”."
    log.assert_clean()


def test_duong_finds_words_with_d_stroke(visit, records):
    page, log = visit("")
    with_d = {r.url for r in records if "đường" in r.text.lower() and r.url.startswith("2023/")}
    assert len(with_d) >= 2
    hits = run_search(page, "duong")
    found = {h["href"].split(PREFIX, 1)[1] for h in hits}
    more = page.locator("[data-bc-search-more]")
    while more.is_visible():
        more.click()
        page.wait_for_function("n => document.querySelectorAll('.bc-hit').length > n", arg=len(found))
        found = {h.split(PREFIX, 1)[1] for h in page.locator(".bc-hit a").evaluate_all(
            "as => as.map(a => a.href)")}
    assert with_d <= found
    hit = next(h for h in hits if h["href"].endswith(next(iter(sorted(with_d)))))
    assert any(m.lower() == "đường" for m in hit["marks"])
    log.assert_clean()


def test_query_with_marks_lists_exact_matches_first(visit, base, records):
    page, log = visit("")
    hits = run_search(page, "dương")
    by_url = {base + r.url: r for r in records}

    def exact(rec: SearchRecord) -> bool:
        text = unicodedata.normalize("NFC", f"{rec.title} {rec.text}").lower()
        return any(w.strip(".,;:()“”\"") == "dương" for w in text.split())

    flags = [exact(by_url[h["href"]]) for h in hits]
    assert True in flags and False in flags, flags  # both kinds are there
    assert flags == sorted(flags, reverse=True), flags  # and every exact one comes first
    log.assert_clean()


def test_no_match_shows_a_vietnamese_message(visit, records):
    query = "zzqj"
    assert not any(record_matches(r, query) for r in records)
    page, log = visit("")
    assert run_search(page, query) == []
    assert status(page) == ("Không tìm thấy kết quả nào cho “zzqj”. Hãy thử từ khác, bớt từ, "
                            "hoặc bỏ bộ lọc.")
    log.assert_clean()


def test_filters_offer_the_values_of_the_content(visit, records):
    page, log = visit("")
    run_search(page, "bao cao")
    for key in FILTERS:
        values = {v for r in records for v in r.filters.get(key, ())}
        select = page.locator(f"select[name={key}]")
        if not values:
            assert select.count() == 0, key
            continue
        options = select.locator("option").evaluate_all("os => os.map(o => o.value)")
        assert options[0] == ""
        assert set(options[1:]) == values, key
    assert page.locator("select[name=thang] option[value='10']").inner_text() == "Tháng 10"
    groups = page.locator("select[name=muc] optgroup").evaluate_all("gs => gs.map(g => g.label)")
    assert groups == ["Phần I", "Phần II"]
    # Filters alone list their records, newest first.
    hits = run_search(page, "", {"don_vi": "Thanh tra Sở"})
    assert [h["title"] for h in hits] == [r.title for r in records
                                         if r.filters.get("don_vi") == ("Thanh tra Sở",)]
    hits = run_search(page, "hoat dong", {"nam": "2023", "thang": "9"})
    assert hits and all(h["where"].startswith("Báo cáo tháng 9/2023") for h in hits)
    page.locator(".bc-search__clear").click()
    page.wait_for_function("() => document.querySelector('[data-bc-search]').dataset.filters === '{}'")
    log.assert_clean()


def test_a_result_opens_its_section(visit, base, records):
    from playwright.sync_api import expect

    page, log = visit("")
    want = find_record(records, "2023/09/", "III.2.")
    run_search(page, "Techbifarm")
    page.locator(".bc-hit a").first.click()
    page.wait_for_url(base + want.url)
    anchor = want.url.split("#", 1)[1]
    expect(page.locator(f"[id='{anchor}']")).to_be_in_viewport()
    assert not page.locator("#bc-search-dialog").evaluate("d => d.open")
    # A task opens its row of the register.
    run_search(page, "4502/UBND-KGVX")
    page.locator(".bc-hit a").first.click()
    page.wait_for_url(base + "nhiem-vu/#nv-2023-4502-ubnd-kgvx")
    expect(page.locator("#nv-2023-4502-ubnd-kgvx")).to_be_in_viewport()
    log.assert_clean()


def test_one_search_box_in_the_header_with_keyboard_access(visit):
    page, log = visit("2023/09/")
    assert page.locator(".md-search, [data-md-component=search]").count() == 0
    button = page.locator("header .bc-search__open")
    assert button.count() == 1 and button.is_visible()
    assert button.inner_text().split("\n")[0].strip() == "Tìm kiếm"
    page.keyboard.press("/")
    dialog = page.locator("#bc-search-dialog")
    assert dialog.evaluate("d => d.open")
    assert page.evaluate("document.activeElement.id") == "bc-search-input"
    assert page.locator("label[for=bc-search-input]").inner_text() == \
        "Tìm trong báo cáo, nhiệm vụ và hướng dẫn"
    page.keyboard.press("Escape")
    assert not dialog.evaluate("d => d.open")
    log.assert_clean()


def test_escape_closes_at_once_and_filters_in_force_are_named(visit, records):
    """Esc closes the box at the first press, also with text typed (a search field first
    clears its text); the text and the filters stay for the next opening, and the status line
    names the filters in force until "Bỏ lọc" clears them."""
    page, log = visit("2023/09/")
    hits = run_search(page, "bức xạ", {"thang": "10"})
    assert hits
    dialog = page.locator("#bc-search-dialog")
    assert status(page) == (f"Tìm thấy {len(hits)} kết quả cho “bức xạ”, lọc theo "
                            "Tháng: Tháng 10.")
    assert page.locator(".bc-search__filter--on select[name=thang]").count() == 1
    page.locator("#bc-search-input").focus()
    page.keyboard.press("Escape")
    assert not dialog.evaluate("d => d.open")
    page.keyboard.press("/")
    assert dialog.evaluate("d => d.open")
    assert page.locator("#bc-search-input").input_value() == "bức xạ"
    assert "lọc theo Tháng: Tháng 10" in status(page)
    assert page.locator(".bc-search__clear").is_visible()
    page.locator(".bc-search__clear").click()
    page.wait_for_function("() => document.querySelector('[data-bc-search]').dataset.filters === '{}'")
    assert "lọc theo" not in status(page)
    assert page.locator(".bc-search__filter--on").count() == 0
    log.assert_clean()


def test_without_javascript_there_is_no_search_box(visit):
    page, log = visit("", java_script_enabled=False)
    assert page.locator("[data-bc-search]").count() == 1
    assert not page.locator(".bc-search__open").is_visible()
    log.assert_clean()


def test_opened_from_a_file_the_box_says_it_needs_a_web_server(browser, search_build):
    ctx = browser.new_context()
    try:
        page = ctx.new_page()
        page.goto((search_build.site / "2023/09/index.html").as_uri())
        page.locator(".bc-search__open").click()
        page.locator("#bc-search-input").fill("bao cao")
        page.wait_for_function("document.querySelector('[data-bc-search]').dataset.state === 'error'")
        assert status(page).startswith("Không tải được chỉ mục tìm kiếm. Trang lưu trữ cần được "
                                       "mở qua máy chủ web")
    finally:
        ctx.close()


def test_content_that_looks_like_markup_stays_text_in_results(visit):
    page, log = visit("")
    hits = run_search(page, "quy che quan ly nhiem vu")
    assert hits[0]["title"].startswith('II. Cơ chế <img src=x onerror="window.__xss=2">')
    task = run_search(page, "9999")
    assert "<script>window.__xss = 1</script>" in task[0]["excerpt"]
    assert page.locator(".bc-hit img, .bc-hit script, .bc-hit b").count() == 0
    assert page.evaluate("window.__xss") is None
    log.assert_clean()


def _axe(page: Any) -> list[str]:
    from test_site_browser import _axe_script

    page.add_script_tag(path=str(_axe_script()))
    result = page.evaluate("async () => await axe.run(document.querySelector('#bc-search-dialog'))")
    return [f"{v['impact']} {v['id']}: {v['help']} ({', '.join(str(n['target']) for n in v['nodes'][:3])})"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_search_dialog_has_no_serious_accessibility_violation(visit, scheme):
    page, log = visit("", color_scheme=scheme)
    run_search(page, "giam dinh tu phap")
    bad = _axe(page)
    assert not bad, "\n".join(bad)
    log.assert_clean()


def test_phone_width_dialog_fits(visit):
    page, log = visit("2023/09/", viewport={"width": 390, "height": 844}, is_mobile=True,
                      has_touch=True)
    assert page.locator(".bc-search__open").is_visible()
    hits = run_search(page, "buc xa")
    assert hits
    width = page.evaluate("document.querySelector('#bc-search-dialog').scrollWidth")
    assert width <= 390
    box = page.locator("#bc-search-dialog").bounding_box()
    assert box and box["width"] <= 390
    log.assert_clean()


def test_zensical_site_searches_too(browser, search_build, records, tmp_path: Path):
    """The same tree built by Zensical, indexed by ``python -m baocao.write.search``, served at the
    root: the header has our search box and a result opens the heading Zensical wrote."""
    from playwright.sync_api import expect

    site = zensical_site(search_build.tree, tmp_path / "zsite")
    write_search_index(search_build.repo, site)
    httpd, url = serve(site, "/")
    log = Log(url)
    contexts: list[Any] = []
    try:
        page = open_context(browser, url, log, contexts, "")
        hits = run_search(page, "giam dinh tu phap")
        assert hits[0]["where"] == "Báo cáo tháng 9/2023 › Phần I"
        page.locator(".bc-hit a").first.click()
        page.wait_for_load_state()
        anchor = page.url.split("#", 1)[1]
        assert page.url.startswith(url + "2023/09/#")
        expect(page.locator(f"[id='{anchor}']")).to_be_in_viewport()
        assert page.locator(f"[id='{anchor}']").inner_text().startswith("II. Xây dựng cơ chế")
        log.assert_clean()
    finally:
        for ctx in contexts:
            ctx.close()
        httpd.shutdown()
        httpd.server_close()


def test_search_screenshots(visit):
    """Screenshots of the search results (desktop light and dark, phone) for a person."""
    out = os.environ.get("BAOCAO_SCREENSHOTS")
    if not out:
        pytest.skip("set BAOCAO_SCREENSHOTS=DIR to save screenshots")
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    for name, options in (("desktop", {}), ("dark", {"color_scheme": "dark"}),
                          ("mobile", {"viewport": {"width": 390, "height": 844}})):
        page, log = visit("2023/09/", **options)
        run_search(page, "giam dinh tu phap")
        page.screenshot(path=str(folder / f"search-{name}.png"))
        run_search(page, "zzqj")
        page.screenshot(path=str(folder / f"search-none-{name}.png"))
    log.assert_clean()


# --------------------------------------------------------------------------------------------
# An index in shards (conftest.sharded_build: [09, 10], [11, 12], [2024/01 + tasks + guide]):
# the older shards are merged into the newest by the script


@pytest.fixture(scope="module")
def sharded_base(sharded_build) -> Iterator[str]:
    yield from served(sharded_build.site, PREFIX)


@pytest.fixture(scope="module")
def sharded_records(sharded_build) -> list[SearchRecord]:
    return collect_records(sharded_build.repo, sharded_build.site)


def shard_of_folder(build: Any, folder: str) -> list[SearchRecord]:
    """The records of the shard whose bundle is pagefind/<folder>."""
    from conftest import SHARD_REPORTS_TEST

    from baocao.write import search, search_records

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(search, "SHARD_REPORTS", SHARD_REPORTS_TEST)
        shards = search.shard_records(*search_records.record_groups(build.repo, build.site))
    return next(s for k, s in enumerate(shards) if search.shard_folder(k, len(shards)) == folder)


@pytest.fixture
def visit_sharded(browser: Any, sharded_base: str) -> Iterator[Callable[..., tuple[Any, Log]]]:
    contexts: list[Any] = []
    log = Log(sharded_base)

    def open_page(path: str = "", **options: Any) -> tuple[Any, Log]:
        return open_context(browser, sharded_base, log, contexts, path, **options), log

    yield open_page
    for ctx in contexts:
        ctx.close()


#: (query, filters, url prefix, title prefix, shard folder of the expected record)
SHARDED_QUERIES = [
    ("cửa hàng xăng dầu", {}, "2023/10/", "III.6.", "shards/0/"),
    ("buc xa", {"don_vi": "Phòng Quản lý công nghệ"}, "2023/10/", "III.2.", "shards/0/"),
    ("kiem tra nhan hang hoa mu bao hiem", {}, "2024/01/", "III.6.", ""),
    ("mũ bảo hiểm", {"nam": "2024", "phan": "Phần I"}, "2024/01/", "III.6.", ""),
    ("4502/UBND-KGVX", {}, "nhiem-vu/#nv-2023-4502-", "4502/UBND-KGVX", ""),
]


@pytest.mark.parametrize(("query", "filters", "url", "title", "folder"), SHARDED_QUERIES,
                         ids=[f"{q}{' + ' + ','.join(f.values()) if f else ''}"
                              for q, f, *_ in SHARDED_QUERIES])
def test_sharded_index_finds_sections_of_every_shard(visit_sharded, sharded_base, sharded_build,
                                                     sharded_records, query, filters, url, title,
                                                     folder):
    want = find_record(sharded_records, url, title)
    assert record_matches(want, query), f"the expected section does not contain {query!r}"
    for key, value in filters.items():
        assert value in want.filters.get(key, ()), (key, value)
    # The expected record really lives in that shard's bundle.
    assert want in shard_of_folder(sharded_build, folder)
    page, log = visit_sharded("2023/09/")
    hits = run_search(page, query, filters)
    assert hits, status(page)
    assert hits[0]["href"] == sharded_base + want.url, [h["title"] for h in hits[:3]]
    assert hits[0]["title"] == want.title
    # Every shard's bundle was merged, from the sub-path.
    for shard in ("shards/0/", "shards/1/"):
        assert any(r.startswith(f"{sharded_base}pagefind/{shard}pagefind-entry.json")
                   for r in log.requests), shard
    log.assert_clean()


def test_sharded_index_lists_exact_matches_first_across_shards(visit_sharded, sharded_base,
                                                               sharded_records):
    page, log = visit_sharded("")
    hits = run_search(page, "dương")
    more = page.locator("[data-bc-search-more]")
    while more.is_visible():
        n = page.locator(".bc-hit").count()
        more.click()
        page.wait_for_function("n => document.querySelectorAll('.bc-hit').length > n", arg=n)
    hrefs = page.locator(".bc-hit a").evaluate_all("as => as.map(a => a.href)")
    by_url = {sharded_base + r.url: r for r in sharded_records}

    def exact(rec: SearchRecord) -> bool:
        text = unicodedata.normalize("NFC", f"{rec.title} {rec.text}").lower()
        return any(w.strip(".,;:()“”\"") == "dương" for w in text.split())

    flags = [exact(by_url[h]) for h in hrefs]
    assert True in flags and False in flags, flags
    assert flags == sorted(flags, reverse=True), flags
    # Exact matches from old shards are among them (exactDiacritics reaches every shard).
    assert any(f and (h.startswith(sharded_base + "2023/09/") or h.startswith(sharded_base + "2023/1"))
               for f, h in zip(flags, hrefs, strict=True))
    # Two Pagefind instances over three shards, and the WebAssembly was downloaded once.
    wasm = [r for r in log.requests if ".pagefind" in r and "/wasm." in r]
    assert wasm == [f"{sharded_base}pagefind/wasm.unknown.pagefind"], wasm
    assert hits
    log.assert_clean()


def test_sharded_index_lists_filtered_records_newest_shard_first(visit_sharded, sharded_base,
                                                                 sharded_records):
    """Filters alone: the records of the reports come newest month first across the shards."""
    page, log = visit_sharded("")
    filters = {"loai": "Báo cáo", "phan": "Phần II"}
    run_search(page, "", filters)
    more = page.locator("[data-bc-search-more]")
    while more.is_visible():
        n = page.locator(".bc-hit").count()
        more.click()
        page.wait_for_function("n => document.querySelectorAll('.bc-hit').length > n", arg=n)
    hrefs = page.locator(".bc-hit a").evaluate_all("as => as.map(a => a.href)")
    want = [r for r in sharded_records
            if r.filters.get("loai") == ("Báo cáo",) and r.filters.get("phan") == ("Phần II",)]
    assert sorted(hrefs) == sorted(sharded_base + r.url for r in want)
    months = [h[len(sharded_base):len(sharded_base) + 7] for h in hrefs]
    assert len(set(months)) == 5
    assert months == sorted(months, reverse=True), months
    log.assert_clean()
