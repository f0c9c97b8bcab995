"""The archive website in a real browser: headless Chromium (Debian's package) driven by
Playwright, with the site served by a local threaded HTTP server.

Skipped when Chromium is missing, failed instead under BAOCAO_REQUIRE_CLIENTS=1. Every test
checks that the pages it opened made no request beyond the local server, logged no console
error and raised no script error or dialog. axe-core (bundled with axe-playwright-python) checks
accessibility. Set BAOCAO_SCREENSHOTS=DIR to also save screenshots for a person to look at.
"""

from __future__ import annotations

import functools
import http.server
import io
import os
import threading
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.client

# The `browser` fixture (one headless Chromium for the session) is in conftest.py, shared with
# test_search_browser.py: Playwright's sync API can be started only once per thread.


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass


@pytest.fixture(scope="session")
def server(site_build) -> Iterator[str]:
    """The built site over HTTP on 127.0.0.1 (a free port); yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(site_build.site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


@dataclass
class Log:
    """What pages did: requests outside the server, console errors, script errors, dialogs."""

    base: str
    requests: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert self.requests, "no request was recorded"
        assert not self.foreign, f"requests that left the local server: {self.foreign}"
        assert not self.console_errors, self.console_errors
        assert not self.page_errors, self.page_errors
        assert not self.dialogs, self.dialogs


@pytest.fixture
def visit(browser: Any, server: str) -> Iterator[Callable[..., tuple[Any, Log]]]:
    """visit(path, **context options) -> (page, log); one browser context per test."""
    contexts: list[Any] = []
    log = Log(server)

    def on_request(request: Any) -> None:
        url = request.url
        log.requests.append(url)
        if not url.startswith((server, "data:", "blob:", "about:")):
            log.foreign.append(url)

    def open_page(path: str = "", **options: Any) -> tuple[Any, Log]:
        options.setdefault("viewport", {"width": 1280, "height": 900})
        ctx = browser.new_context(**options)
        contexts.append(ctx)
        # Nothing may leave the machine: record, and refuse, any request to another host.
        ctx.route(lambda url: not url.startswith(server),
                  lambda route: (log.foreign.append(route.request.url), route.abort()))
        page = ctx.new_page()
        page.on("request", on_request)
        page.on("console", lambda m: log.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: log.page_errors.append(str(e)))
        page.on("dialog", lambda d: (log.dialogs.append(d.message), d.dismiss()))
        page.goto(server + path)
        return page, log

    yield open_page
    for ctx in contexts:
        ctx.close()


def path_of(page: Any, server: str) -> str:
    return page.url.removeprefix(server)


def heading(page: Any, selector: str = "h1") -> str:
    """A heading's text without the permalink sign the theme appends."""
    return page.locator(selector).first.inner_text().removesuffix("¶").strip()


# --------------------------------------------------------------------------------------------


def test_home_loads(visit, site_build):
    page, log = visit("")
    assert page.title().startswith("Trang chủ")
    assert heading(page) == "Lưu trữ báo cáo công tác tháng"
    assert page.locator("html").get_attribute("lang") == "vi"
    latest = page.locator(".bc-latest__title a")
    assert latest.inner_text() == "Báo cáo tháng 10/2023"
    total = page.locator(".bc-stat--total .bc-stat__value").inner_text()
    assert total == "12"
    chart = page.locator("svg.bc-chart__svg")
    assert chart.get_attribute("role") == "img"
    assert page.locator("#bc-chart-title").text_content().startswith("Tỷ lệ nhiệm vụ hoàn thành")
    assert page.locator("svg.bc-chart__svg rect.bc-chart__bar").count() == 2
    page.locator(".bc-chart-data summary").click()
    assert page.locator(".bc-chart-data tbody tr").count() == 2
    log.assert_clean()


def test_year_month_report_navigation(visit, server):
    page, log = visit("")

    def follow(link: Any, path: str) -> None:
        link.click()
        page.wait_for_url(server + path)
        page.wait_for_load_state()

    follow(page.locator(".md-tabs__link", has_text="Lưu trữ"), "luu-tru/")
    follow(page.get_by_role("link", name="Danh sách báo cáo năm 2023"), "2023/")
    assert heading(page) == "Báo cáo năm 2023"
    follow(page.get_by_role("link", name="Báo cáo tháng 9/2023"), "2023/09/")
    assert heading(page) == "Báo cáo tháng 9/2023"
    # The archive's month grid, then previous/next month.
    page.goto(server + "luu-tru/")
    follow(page.locator(".bc-months a", has_text="Tháng 10"), "2023/10/")
    follow(page.locator(".bc-prevnext__prev").first, "2023/09/")
    follow(page.locator(".bc-prevnext__next").first, "2023/10/")
    assert heading(page) == "Báo cáo tháng 10/2023"
    log.assert_clean()


def test_download_links_return_the_documents(visit):
    page, log = visit("2023/09/")
    links = page.locator(".bc-downloads a.bc-download")
    assert links.count() == 2
    hrefs = [links.nth(i).evaluate("a => a.href") for i in range(2)]
    docx, pdf = (page.request.get(h) for h in hrefs)
    assert docx.ok and pdf.ok
    with zipfile.ZipFile(io.BytesIO(docx.body())) as z:
        assert "word/document.xml" in z.namelist()
    assert pdf.body().startswith(b"%PDF-")
    log.assert_clean()


def test_appendix_shows_14_tasks_with_status_colour_and_text(visit):
    page, log = visit("2023/09/")
    rows = page.locator(".bc-appendix tr.bc-task")
    assert rows.count() == 14
    chips = page.locator(".bc-appendix tr.bc-task .bc-chip")
    texts = chips.all_inner_texts()
    assert texts.count("Hoàn thành đúng hạn") == 4
    assert texts.count("Đang thực hiện trong hạn") == 10
    colours = {chips.nth(i).evaluate("e => getComputedStyle(e).backgroundColor") for i in (0, 13)}
    assert len(colours) == 2  # done and in progress look different
    groups = page.locator(".bc-appendix th[scope=rowgroup]").all_inner_texts()
    assert groups == ["I. ĐÃ THỰC HIỆN: 04 nhiệm vụ", "II. ĐANG THỰC HIỆN: 10 nhiệm vụ (trong hạn)",
                      "III. Chưa thực hiện: 0"]
    banner = page.locator(".bc-draft")
    assert banner.is_visible() and "Dự thảo" in banner.text_content()
    log.assert_clean()


def test_register_filter_with_javascript(visit, server):
    from playwright.sync_api import expect

    page, log = visit("nhiem-vu/")
    rows = page.locator("tr.bc-task")
    assert rows.count() == 15
    assert rows.first.get_attribute("data-status") == "dang-thuc-hien-qua-han"
    page.locator(".bc-filter__item", has_text="Đang thực hiện quá hạn").click()
    visible = page.locator("tr.bc-task:visible")
    assert visible.count() == 2
    assert set(visible.evaluate_all("rs => rs.map(r => r.dataset.status)")) == {"dang-thuc-hien-qua-han"}
    assert page.locator(".bc-filter__result").inner_text() == "Đang hiển thị 2 trên 15 nhiệm vụ."
    assert page.url.endswith("#dang-thuc-hien-qua-han")
    page.reload()
    assert page.locator("tr.bc-task:visible").count() == 2  # the choice survives in the address
    page.locator(".bc-filter__item", has_text="Tất cả").click()
    assert page.locator("tr.bc-task:visible").count() == 15
    # Each task links to the reports that list it, at its row.
    page.locator("#nv-2023-9999-ubnd-kgvx a", has_text="10/2023").click()
    page.wait_for_load_state()
    assert path_of(page, server) == "2023/10/#nv-2023-9999-ubnd-kgvx"
    expect(page.locator("#nv-2023-9999-ubnd-kgvx")).to_be_in_viewport()
    log.assert_clean()


def test_register_filter_without_javascript(visit):
    page, log = visit("nhiem-vu/", java_script_enabled=False)
    assert page.locator("tr.bc-task:visible").count() == 15
    link = page.locator(".bc-filter__item", has_text="Hoàn thành đúng hạn")
    link.click()
    assert page.url.endswith("#hoan-thanh-dung-han")
    assert page.locator("#hoan-thanh-dung-han tr.bc-task").count() == 4
    log.assert_clean()


def test_register_narrows_by_deadline_month_at_once(visit):
    """The lists made from the rows (here: deadline month; one year, no unit in this register)
    narrow the rows at once, with the status filter; the link lists for readers without
    JavaScript are hidden then."""
    page, log = visit("nhiem-vu/")
    rows = page.locator("tr.bc-task")
    due = rows.evaluate_all("rs => rs.map(r => r.dataset.han)")
    assert due.count("1/2024") == 3
    assert page.locator("select[name=nam]").count() == 0  # one year: nothing to choose
    assert not page.locator("[data-bc-index]").is_visible()
    select = page.locator("select[name=han]")
    options = select.locator("option").evaluate_all("os => os.map(o => o.textContent)")
    assert options[0] == "Tất cả" and "Tháng 1/2024" in options
    select.select_option("1/2024")
    visible = page.locator("tr.bc-task:visible")
    assert visible.count() == 3
    assert set(visible.evaluate_all("rs => rs.map(r => r.dataset.han)")) == {"1/2024"}
    assert page.locator(".bc-filter__result").inner_text() == "Đang hiển thị 3 trên 15 nhiệm vụ."
    page.locator(".bc-filter__item", has_text="Hoàn thành đúng hạn").click()
    assert page.locator("tr.bc-task:visible").count() == 0
    assert page.locator("tbody[data-group]:visible").count() == 0
    select.select_option("")
    assert page.locator("tr.bc-task:visible").count() == 4
    log.assert_clean()
    # Without JavaScript: the lists link each month to its rows.
    page, log = visit("nhiem-vu/", java_script_enabled=False)
    index = page.locator("[data-bc-index]")
    index.locator("summary").click()
    item = index.locator("li", has_text="Tháng 1/2024")
    assert item.locator("a").evaluate_all("as => as.map(a => a.getAttribute('href'))") == [
        "#nv-2023-25-kh-ubnd", "#nv-2023-30-kh-ubnd", "#nv-2023-31-kh-ubnd"]
    log.assert_clean()


def test_markup_in_content_shows_as_text(visit):
    page, log = visit("nhiem-vu/")
    row = page.locator("#nv-2023-9999-ubnd-kgvx")
    assert "<script>window.__xss = 1</script> & <b>đậm</b> {: onclick=alert(1) } *nghiêng*" \
        in row.inner_text()
    assert "9999/<i>UBND</i>" in row.inner_text()
    assert row.locator("script, b, i").count() == 0
    page.goto(page.url.replace("nhiem-vu/", "2023/10/"))
    title = page.locator("h3", has_text="Cơ chế")
    assert '<img src=x onerror="window.__xss=2"> {: onclick=alert(1) } *x*' in title.inner_text()
    assert title.locator("img").count() == 0 and title.get_attribute("onclick") is None
    assert page.locator("a[href^='javascript']").count() == 0
    assert "[bấm vào đây](javascript:window.__xss=3)" in page.locator(".bc-body").all_inner_texts()[1]
    assert page.evaluate("window.__xss") is None
    log.assert_clean()


def test_mobile_layout_has_no_sideways_scroll(visit):
    for path in ("", "2023/09/", "nhiem-vu/", "luu-tru/"):
        page, log = visit(path, viewport={"width": 390, "height": 844}, is_mobile=True,
                          has_touch=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)
    page, _ = visit("2023/09/", viewport={"width": 390, "height": 844})
    row = page.locator(".bc-appendix tr.bc-task").first
    assert row.evaluate("r => getComputedStyle(r).display") == "block"  # a card per task
    log.assert_clean()


def test_dark_mode_and_print(visit):
    page, log = visit("2023/09/", color_scheme="dark")
    assert page.locator("body").get_attribute("data-md-color-scheme") == "slate"
    page.emulate_media(media="print")
    for selector in (".md-header", ".bc-downloads", ".bc-prevnext", ".md-sidebar--primary"):
        assert not page.locator(selector).first.is_visible(), selector
    assert page.locator(".bc-draft").is_visible()
    assert page.locator(".bc-appendix tr.bc-task").first.is_visible()
    log.assert_clean()


def _axe_script() -> Path:
    import axe_playwright_python

    path = Path(axe_playwright_python.__file__).with_name("axe.min.js")
    assert path.is_file(), path
    return path


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["", "2023/09/", "nhiem-vu/"])
def test_no_serious_accessibility_violation(visit, path: str, scheme: str):
    page, log = visit(path, color_scheme=scheme)
    page.add_script_tag(path=str(_axe_script()))
    result = page.evaluate("async () => await axe.run(document)")
    bad = [
        f"{v['impact']} {v['id']}: {v['help']} ({', '.join(str(n['target']) for n in v['nodes'][:3])})"
        for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]
    assert not bad, "\n".join(bad)
    log.assert_clean()


def test_screenshots(visit):
    """Screenshots of home and a report at desktop and phone widths, for a person to look at."""
    out = os.environ.get("BAOCAO_SCREENSHOTS")
    if not out:
        pytest.skip("set BAOCAO_SCREENSHOTS=DIR to save screenshots")
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    for name, width in (("desktop", 1280), ("mobile", 390)):
        for page_name, path in (("home", ""), ("report", "2023/09/"), ("register", "nhiem-vu/")):
            page, log = visit(path, viewport={"width": width, "height": 900})
            page.screenshot(path=str(folder / f"{page_name}-{name}.png"), full_page=True)
    log.assert_clean()
