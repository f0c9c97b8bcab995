"""Issue 18: ``baocao serve``'s banner tells the truth. With no good build yet it says so and lists
the errors (once); after a good build, an error puts the banner over the last good page; the
content's warnings show with their "có phải ý bạn là …?" hints, in the page and the terminal."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, edit_text
from lxml import html as lxml_html
from test_serve import BUDGET, Server, wait_for

SECTION = "content/2024/01/02-ke-hoach.md"
INDEX = "content/2024/01/index.md"
#: A tag written over two lines (its column is the one the editor sees, issue 18).
BAD_LINE = '- Chữ <span\n  class="x">đậm</span> trong dòng.\n'
#: An unknown key of index.md: a warning with a hint.
TYPO = "cutof: 2024-01-15\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    import shutil

    dest = tmp_path / "kho"
    shutil.copytree(FIXTURES / "minimal", dest)
    (dest / "templates").symlink_to(ROOT / "templates")
    text = (dest / INDEX).read_text(encoding="utf-8")
    (dest / INDEX).write_text(text.replace("\n---\n", f"\n{TYPO}---\n", 1), encoding="utf-8")
    return dest


def banners(page: str) -> list[lxml_html.HtmlElement]:
    return lxml_html.fromstring(page).xpath(
        '//*[@id="baocao-preview-error" or @id="baocao-preview-warnings"]')


def text_of(element: lxml_html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def add_error(repo: Path) -> None:
    with (repo / SECTION).open("a", encoding="utf-8") as f:
        f.write("\n" + BAD_LINE)


def test_no_good_build_yet_says_so_and_lists_errors_and_warnings(repo: Path):
    add_error(repo)
    srv = Server(repo)
    try:
        wait_for(lambda: "Xem trước tại" in srv.output, 90, "the server")
        page = srv.page("/")
        found = banners(page)
        assert len(found) == 1, page  # once, not twice
        said = text_of(found[0])
        assert "Chưa dựng được bản xem trước" in said
        assert "bản dựng tốt gần nhất" not in said  # there is none
        assert "Có 2 lỗi và 1 cảnh báo." in said
        items = [text_of(li) for li in found[0].iter("li")]
        # the count is not a list item; the errors at the tag's own line and column
        assert not any(item.startswith("Có ") for item in items)
        assert items[0].startswith(f"{SECTION}:") and " E503: " in items[0]
        line_of_tag = (repo / SECTION).read_text(encoding="utf-8").splitlines().index("- Chữ <span") + 1
        assert items[0].startswith(f"{SECTION}:{line_of_tag}:7: E503: "), items
        warning = next(item for item in items if "cutof" in item)
        assert re.match(rf"{INDEX}:\d+:1: W\d+: .*có phải ý bạn là .*cutoff", warning), warning
        assert "livereload(" in page
        # every page is that page while there is no build
        assert len(banners(srv.page("/2024/01/"))) == 1
    finally:
        srv.stop()
    out = srv.output.splitlines()
    assert any(re.match(rf"{INDEX}:\d+:1: W\d+: .*có phải ý bạn là", line) for line in out), out
    assert sum(f"{SECTION}:{line_of_tag}:7: E503: " in line for line in out) == 1, out
    assert "Chưa có bản xem trước" in srv.output and "Traceback" not in srv.output


def test_after_a_good_build_an_error_banner_sits_over_the_last_good_page(repo: Path):
    srv = Server(repo)
    try:
        wait_for(lambda: "Xem trước tại" in srv.output, 90, "the first build")
        page = srv.page("/2024/01/")
        # a good build with a warning: the warning and its hint, no error
        (warn,) = banners(page)
        assert "Nội dung có 1 cảnh báo" in text_of(warn) and "có phải ý bạn là" in text_of(warn)
        assert warn.get("role") == "status" and warn.get("id") == "baocao-preview-warnings"
        assert "Tiếp tục thực hiện" in page or "<h1" in page
        good_title = lxml_html.fromstring(page).findtext(".//title")
        add_error(repo)
        wait_for(lambda: "lỗi" in text_of(banners(srv.page("/2024/01/"))[0]), BUDGET,
                 "the error banner")
        page = srv.page("/2024/01/")
        (found,) = banners(page)
        said = text_of(found)
        assert "Trang đang hiện bản dựng tốt gần nhất" in said
        assert "Có 2 lỗi và 1 cảnh báo." in said and "cutof" in said
        assert found.get("role") == "alert" and found.get("id") == "baocao-preview-error"
        assert lxml_html.fromstring(page).findtext(".//title") == good_title  # the good page
        edit_text(repo / INDEX, TYPO, "")
        text = (repo / SECTION).read_text(encoding="utf-8")
        (repo / SECTION).write_text(text.replace(BAD_LINE, ""), encoding="utf-8")
        wait_for(lambda: not banners(srv.page("/2024/01/")), BUDGET, "no banner once fixed")
    finally:
        srv.stop()
    assert "Traceback" not in srv.output


def test_a_message_of_several_lines_counts_as_one_error(repo: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch):
    """A tool's error (pandoc, the site build) is one problem however many lines it has: the
    banner and the terminal say "Có 1 lỗi", and show every line."""
    from baocao import preview
    from baocao.errors import PandocError

    def failing_build(*args: object, **kwargs: object) -> None:
        raise PandocError("Lỗi pandoc: dòng một\ndòng hai\ndòng ba")

    monkeypatch.setattr(preview, "build", failing_build)
    said: list[str] = []
    p = preview.Preview(repo, tmp_path / "site", as_of=None, say=said.append)
    p.rebuild()
    page = preview.banner(p.state).decode()
    text = text_of(banners(f"<html><body>{page}</body></html>")[0])
    assert "Có 1 lỗi và 1 cảnh báo" in text, text
    assert "dòng một" in text and "dòng ba" in text, text
    assert any(line.startswith("Có 1 lỗi và 1 cảnh báo") for line in said), said
