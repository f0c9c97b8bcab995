"""The archive website: pure rendering (escaping, register order, banner, prev/next, edit links,
links), the engine configuration, git history, and ``build()`` (strict MkDocs, Zensical, atomic
publish). Browser tests are in test_site_browser.py."""

from __future__ import annotations

import dataclasses
import os
import posixpath
import re
import shutil
import subprocess
import sys
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from click.testing import CliRunner
from conftest import FIXTURES, HOSTILE_TASK, ROOT, lay_over, make_site_repo

from baocao.commands import build as build_mod
from baocao.commands.build import build
from baocao.directives import REGISTER_ORDER
from baocao.load import load_repository
from baocao.problems import ContentError
from baocao.render import site
from baocao.render.site import (
    MARKDOWN_EXTENSIONS,
    Revision,
    SiteContext,
    chart_summary,
    chart_svg,
    md_escape,
    render_body,
    render_nav,
    render_site,
    site_config,
)
from baocao.site_inputs import SiteBuildError, parse_git_log, read_git_history, read_site_config
from baocao.write import site_engine

TEMPLATES = ROOT / "templates"
EDIT = "https://git.example.gov.vn/so-khcn/bao-cao/-/edit/main/"


# --------------------------------------------------------------------------------------------
# Fixtures: a three-month archive (August issued, September and October drafts)


@pytest.fixture(scope="module")
def archive_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """make_site_repo() with tests/fixtures/archive/ laid over it: August 2023, a copy of
    September issued as number 1050 on 20/8/2023 (cut-off 14/8/2023)."""
    return lay_over(make_site_repo(tmp_path_factory.mktemp("archive") / "repo"), FIXTURES / "archive")


@pytest.fixture(scope="module")
def archive(archive_root: Path):
    repo, problems = load_repository(archive_root)
    assert not problems.errors, [p.format() for p in problems.errors]
    return repo


def context(repo, **kw) -> SiteContext:
    base = {"as_of": date(2023, 10, 20), "edit_base": EDIT, "guide": "# Hướng dẫn\n\nNội dung.\n",
            "documents": {r.key: {"docx": 27_000, "pdf": 201_000} for r in repo.reports}}
    base.update(kw)
    return SiteContext(repo, **base)


@pytest.fixture(scope="module")
def pages(archive) -> dict[str, str]:
    return render_site(context(archive), TEMPLATES)


def to_html(text: str) -> str:
    """A page as the engine renders its Markdown (front matter dropped)."""
    body = text.split("\n---\n", 1)[1] if text.startswith("---\n") else text
    return markdown.markdown(body, extensions=[
        next(iter(e)) if isinstance(e, dict) else e for e in MARKDOWN_EXTENSIONS])


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(text: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(to_html(text))
    return parser.tags


# --------------------------------------------------------------------------------------------
# Escaping


def test_md_escape_neutralises_markdown_and_html():
    out = md_escape('a *b* _c_ [d](e) <f> & {: onclick=x } | #\nnew')
    assert str(out) == r'a \*b\* \_c\_ \[d\](e) &lt;f&gt; &amp; \{: onclick=x \} \| \# new'
    assert markdown.markdown(f"## {out}", extensions=["toc"]) .count("<em>") == 0


def test_interpolated_text_never_becomes_markup(pages: dict[str, str]):
    """<script> in directives.yaml and <img onerror> in a section title show as text."""
    allowed = {"a", "p", "div", "span", "ul", "ol", "li", "strong", "em", "dl", "dt", "dd", "nav",
               "h1", "h2", "h3", "h4", "table", "caption", "thead", "tbody", "tr", "th", "td",
               "figure", "figcaption", "svg", "title", "line", "text", "rect", "details",
               "summary", "code", "pre", "br", "hr", "blockquote"}
    for path, text in pages.items():
        for tag, attrs in tags(text):
            assert tag in allowed, (path, tag)
            assert not [k for k in attrs if k.startswith("on")], (path, tag, attrs)
            for key in ("href", "src"):
                value = (attrs.get(key) or "").strip().lower()
                assert not value.startswith(("javascript:", "vbscript:", "data:")), (path, value)
    register = pages["nhiem-vu/index.md"]
    assert "&lt;script&gt;window.__xss = 1&lt;/script&gt; &amp; &lt;b&gt;đậm&lt;/b&gt;" in register
    assert "9999/&lt;i&gt;UBND&lt;/i&gt;" in register
    october = to_html(pages["2023/10/index.md"])
    assert "II. Cơ chế &lt;img src=x onerror=" in october
    assert "{: onclick=alert(1) } *x*</h3>" in october  # attribute-list syntax stays text


def test_section_bodies_are_sanitised():
    html = render_body(
        "[bấm](javascript:alert(1)) [ok](https://example.gov.vn/a)\n\n"
        "![ảnh ngoài](http://example.com/x.png) ![ảnh](hinh.png)\n\n<script>alert(1)</script>\n")
    assert "javascript:" not in html.replace("[bấm](javascript:alert(1))", "")
    assert '<a href="https://example.gov.vn/a">ok</a>' in html
    assert '<a href="http://example.com/x.png">ảnh ngoài</a>' in html  # no request to outside
    assert '<img src="hinh.png" loading="lazy" alt="ảnh"' in html  # lazy: issue 17
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_front_matter_and_nav_hold_no_content_text(archive, pages: dict[str, str]):
    for text in pages.values():
        front = text.split("\n---\n", 1)[0]
        assert "<" not in front and "Cơ chế" not in front
    flat = repr(render_nav(context(archive)))
    assert "<" not in flat


# --------------------------------------------------------------------------------------------
# Pages


def test_register_lists_overdue_first_and_links_reports(pages: dict[str, str]):
    text = pages["nhiem-vu/index.md"]
    statuses = re.findall(r'<tr id="[^"]+" class="bc-task" data-status="([^"]+)"', text)
    order = [s.value for s in REGISTER_ORDER]
    assert statuses == sorted(statuses, key=order.index)
    assert statuses[0] == "dang-thuc-hien-qua-han"
    assert statuses.count("dang-thuc-hien-qua-han") == 2  # 1922/UBND-KGVX and the 9999 task
    assert "Tình trạng của 15 nhiệm vụ tính đến ngày 20/10/2023" in text
    row = re.search(r'<tr id="nv-2023-9999-ubnd-kgvx".*?</tr>', text).group(0)
    assert re.findall(r'href="([^"]+)"', row) == ["../2023/10/#nv-2023-9999-ubnd-kgvx"]
    row = re.search(r'<tr id="nv-2023-1922-ubnd-kgvx".*?</tr>', text).group(0)
    assert re.findall(r'href="([^"]+)"', row) == [
        "../2023/08/#nv-2023-1922-ubnd-kgvx", "../2023/09/#nv-2023-1922-ubnd-kgvx",
        "../2023/10/#nv-2023-1922-ubnd-kgvx"]
    # The filter works without JavaScript: each link jumps to its status group.
    assert '<a class="bc-filter__item bc-filter__item--dang-thuc-hien-qua-han" ' \
           'href="#dang-thuc-hien-qua-han" data-filter="dang-thuc-hien-qua-han">' in text
    assert '<tbody id="dang-thuc-hien-qua-han" data-group="dang-thuc-hien-qua-han">' in text


def test_register_date_is_the_context_date(archive):
    text = render_site(context(archive, as_of=date(2023, 8, 1)), TEMPLATES)["nhiem-vu/index.md"]
    assert "tính đến ngày 01/8/2023" in text
    assert "9999" not in text  # assigned later


def test_draft_banner_only_on_drafts(pages: dict[str, str]):
    assert 'class="bc-draft"' in pages["2023/09/index.md"]
    assert 'class="bc-draft"' in pages["2023/10/index.md"]
    august = pages["2023/08/index.md"]
    assert 'class="bc-draft"' not in august
    assert "<dt>Số, ký hiệu</dt><dd>1050/BC-KHCN</dd>" in august
    assert "<dt>Ngày ban hành</dt><dd>20/8/2023</dd>" in august
    assert 'Dự thảo</span>' in pages["2023/index.md"]


def test_previous_and_next_month(pages: dict[str, str]):
    def links(key: str) -> list[tuple[str, str]]:
        nav = pages[key].split('<nav class="bc-prevnext"', 1)[1].split("</nav>", 1)[0]
        return re.findall(r'href="([^"]+)" rel="(prev|next)"', nav)

    assert links("2023/08/index.md") == [("../09/", "next")]
    assert links("2023/09/index.md") == [("../08/", "prev"), ("../10/", "next")]
    assert links("2023/10/index.md") == [("../09/", "prev")]


def test_edit_links_point_at_each_section_file(archive, pages: dict[str, str]):
    text = pages["2023/09/index.md"]
    report = archive.report("2023-09")
    urls = re.findall(r'<p class="bc-edit"><a href="([^"]+)"', text)
    assert urls == [EDIT + report.index_src.path] + [EDIT + s.src.path for s in report.sections]
    assert EDIT + "directives.yaml" in pages["nhiem-vu/index.md"]
    bare = render_site(context(archive, edit_base=None), TEMPLATES)
    assert not any("bc-edit" in t for t in bare.values())


def test_edit_base_from_mkdocs_yml():
    assert site.edit_base_from_config({"repo_url": "https://g.vn/a/b/", "edit_uri": "-/edit/main/"}) \
        == "https://g.vn/a/b/-/edit/main/"
    assert site.edit_base_from_config({"repo_url": "https://g.vn/a/b"}) is None
    assert site.edit_base_from_config({"edit_uri": "x"}) is None


def test_report_page_reads_in_document_order(shipped_repo):
    text = render_site(context(shipped_repo), TEMPLATES)["2023/09/index.md"]
    order = ["# Báo cáo tháng 9/2023", "Dự thảo", "<dt>Kỳ báo cáo</dt><dd>15/8/2023 – 14/9/2023</dd>",
             "bao-cao-2023-09.docx", "## Phần I. TÌNH HÌNH", "### III. Hoạt động KH&amp;CN",
             "#### 1. Hoạt động nghiên cứu", "## Phần II. NHIỆM VỤ CÔNG TÁC THÁNG 10/2023",
             "\n### 1. Hoạt động nghiên cứu", "<strong>Nơi nhận:</strong>", "<p>PHÓ GIÁM ĐỐC</p>",
             "## Phụ lục", "(Kèm theo Báo cáo số …/BC-KHCN ngày … tháng 9 năm 2023 của",
             "I. ĐÃ THỰC HIỆN: 04 nhiệm vụ"]
    positions = [text.index(s) for s in order]
    assert positions == sorted(positions)
    assert text.count('class="bc-task"') == 14
    assert "Tổng số: 14 nhiệm vụ." in text  # placeholders filled


def test_home_dashboard_and_chart(pages: dict[str, str], archive):
    from baocao.directives import report_rows, summarize

    home = pages["index.md"]
    assert '<a href="2023/10/">Báo cáo tháng 10/2023</a>' in home
    summary = summarize(report_rows(archive, archive.report("2023-10")))
    assert summary.total == 12 and summary.overdue == 2
    assert '<li class="bc-stat bc-stat--total"><span class="bc-stat__value">12</span>' in home
    assert ('<li class="bc-stat bc-stat--dang-thuc-hien-qua-han"><span class="bc-stat__value">2'
            '</span> <span class="bc-stat__label">Đang thực hiện quá hạn</span></li>') in home
    assert home.count('class="bc-chart__bar"') == 3
    assert '<svg class="bc-chart__svg"' in home and 'role="img"' in home
    assert "<summary>Bảng số liệu của biểu đồ</summary>" in home


def test_chart_handles_months_with_nothing_due():
    bars = [site.ChartBar("9/2023", None, 0, 0, 0, "a/"), site.ChartBar("10/2023", 0.5, 1, 0, 1, "b/")]
    svg = chart_svg(bars)
    assert svg.count('class="bc-chart__bar"') == 1
    assert chart_summary(bars).startswith("Tỷ lệ nhiệm vụ hoàn thành đúng hạn theo tháng, từ 9/2023")
    assert chart_svg([]) == "" and chart_summary([]) == "Chưa có báo cáo nào."
    many = [site.ChartBar(f"{m % 12 + 1}/{2015 + m // 12}", 0.8, 4, 1, 0, "x/") for m in range(120)]
    assert chart_svg(many).count("<rect") == 120


def test_every_link_in_the_tree_resolves(pages: dict[str, str], archive):
    """Links in generated HTML are not checked by the engine, so they are checked here."""
    assert_links_resolve(pages, archive)


def test_a_large_register_is_cut_by_year_and_its_links_resolve(archive, monkeypatch):
    """Beyond REGISTER_PAGE_TASKS tasks the register is an overview (the open tasks, the year
    links) and one page per year of issue; every task is on its year's page once."""
    monkeypatch.setattr(site, "REGISTER_PAGE_TASKS", 5)
    pages = render_site(context(archive), TEMPLATES)
    years = sorted({t.issued.year for t in archive.tasks if t.issued <= date(2023, 10, 20)})
    register = {p for p in pages if p.startswith("nhiem-vu/")}
    assert register == {"nhiem-vu/index.md"} | {f"nhiem-vu/{y}/index.md" for y in years}
    overview = pages["nhiem-vu/index.md"]
    statuses = re.findall(r'class="bc-task" data-status="([^"]+)"', overview)
    assert statuses and not {"hoan-thanh-dung-han", "hoan-thanh-qua-han"} & set(statuses)
    assert "Tình trạng của 15 nhiệm vụ tính đến ngày 20/10/2023" in overview
    year_rows = re.findall(r'<tr id="([^"]+)" class="bc-task"',
                           "".join(pages[f"nhiem-vu/{y}/index.md"] for y in years))
    assert len(year_rows) == len(set(year_rows)) == 15
    assert_links_resolve(pages, archive)


def assert_links_resolve(pages: dict[str, str], archive) -> None:
    files = set(pages) | {site.document_path(r, ext) for r in archive.reports for ext in ("docx", "pdf")}
    ids: dict[str, set[str]] = {p: set(re.findall(r'\bid="([^"]+)"', t)) for p, t in pages.items()}
    for path, text in pages.items():
        for tag, attrs in tags(text):
            href = attrs.get("href") if tag == "a" else None
            if not href or href.startswith(("http://", "https://", "mailto:")):
                continue
            target, _, anchor = href.partition("#")
            base = posixpath.dirname(path)
            if not target:
                dest = path
            elif target.endswith("/"):
                dest = posixpath.normpath(posixpath.join(base, target, "index.md"))
            else:
                dest = posixpath.normpath(posixpath.join(base, target))
            assert dest in files, (path, href)
            if anchor and dest in ids:
                assert anchor in ids[dest], (path, href)


def test_empty_archive_renders(tmp_path: Path):
    root = tmp_path / "empty"
    shutil.copytree(FIXTURES / "minimal", root)
    shutil.rmtree(root / "content/2024")
    repo, problems = load_repository(root)
    assert not problems.errors
    out = render_site(context(repo, guide=None), TEMPLATES)
    assert set(out) == {"index.md", "luu-tru/index.md", "nhiem-vu/index.md"}
    assert "Chưa có báo cáo nào." in out["index.md"]


def test_page_contexts_document_every_field():
    for cls in (*site.PAGE_CONTEXTS, SiteContext, Revision, site.ReportSummary, site.TaskLine,
                site.TaskGroup, site.TaskCell, site.ReportBlock, site.ChartBar, site.ArchiveYear):
        doc = cls.__doc__ or ""
        missing = [f.name for f in dataclasses.fields(cls) if f.name not in doc]
        assert not missing, (cls.__name__, missing)


# --------------------------------------------------------------------------------------------
# Engine configuration and git history


def test_site_config_is_engine_neutral_and_intranet_safe():
    base = {"site_name": "X", "repo_url": "https://g.vn/a", "edit_uri": "e/", "hooks": ["h.py"],
            "plugins": ["blog", "privacy"], "markdown_extensions": ["attr_list", "md_in_html"],
            "theme": {"name": "readthedocs", "font": {"text": "Roboto"}, "language": "vi"}}
    cfg = site_config(base, [{"Trang chủ": "index.md"}])
    assert cfg["theme"]["font"] is False and cfg["theme"]["name"] == "material"
    assert cfg["theme"]["custom_dir"] == "overrides"
    assert cfg["plugins"] == [{"search": {"enabled": False}}]
    assert cfg["hooks"] == [site.PRERENDERED_HOOK]  # the user's hooks are dropped, ours only
    assert "repo_url" not in cfg and "edit_uri" not in cfg
    assert "attr_list" not in repr(cfg["markdown_extensions"])
    assert (cfg["docs_dir"], cfg["site_dir"], cfg["use_directory_urls"]) == ("docs", "site", True)
    assert cfg["extra_css"] == [site.STYLESHEET]
    assert cfg["extra_javascript"] == [site.SCRIPT, site.SEARCH_SCRIPT]


def test_shipped_mkdocs_yml_is_plain_yaml():
    cfg = read_site_config(ROOT)
    assert cfg["theme"]["language"] == "vi" and cfg["theme"]["font"] is False
    assert "plugins" not in cfg and "hooks" not in cfg


def test_python_tags_in_mkdocs_yml_are_refused(tmp_path: Path):
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: x\nmarkdown_extensions:\n  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:  # the loader's problems, as `check` lists them
        read_site_config(tmp_path)
    assert [p.format() for p in caught.value.problems if p.line == 4] == [
        'mkdocs.yml:4:20: E701: không dùng thẻ YAML "!!python/name:material.extensions.emoji.'
        'twemoji": cấu hình trang web chỉ là dữ liệu thường (thẻ có thể chạy mã hoặc đọc biến '
        'môi trường)']


def test_parse_git_log_groups_by_report_folder():
    log = ("\x1e2024-02-03\x1fNguyễn Văn B\n\ncontent/2024/01/02-ke-hoach.md\ndirectives.yaml\n"
           "\x1e2024-01-20\x1fTrần Thị A\n\ncontent/2024/01/index.md\ncontent/2024/01/01-x.md\n"
           "\x1e2024-01-10\x1fNguyễn Văn B\n\ncontent/2024/01/01-x.md\n")
    revs = parse_git_log(log)
    assert revs["content/2024/01"] == Revision(date(2024, 2, 3), ("Nguyễn Văn B", "Trần Thị A"))
    assert revs["directives.yaml"] == Revision(date(2024, 2, 3), ("Nguyễn Văn B",))


def test_git_history_from_a_repository_and_outside_one(tmp_path: Path):
    git = shutil.which("git")
    if git is None:
        pytest.skip("git not installed")
    root = tmp_path / "kho"
    shutil.copytree(FIXTURES / "minimal", root)
    assert read_git_history(root) == {}  # not a git work tree: no dates, no error
    env = {"GIT_AUTHOR_NAME": "Trần Thị A", "GIT_AUTHOR_EMAIL": "a@example.vn",
           "GIT_COMMITTER_NAME": "Trần Thị A", "GIT_COMMITTER_EMAIL": "a@example.vn",
           "GIT_AUTHOR_DATE": "2024-01-26T09:00:00+07:00",
           "GIT_COMMITTER_DATE": "2024-01-26T09:00:00+07:00", "HOME": str(tmp_path),
           "GIT_CONFIG_NOSYSTEM": "1"}
    for args in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "Tháng 1"]):
        subprocess.run([git, "-C", str(root), *args], check=True, env=env, capture_output=True)
    revs = read_git_history(root)
    assert revs["content/2024/01"] == Revision(date(2024, 1, 26), ("Trần Thị A",))
    assert revs["directives.yaml"].date == date(2024, 1, 26)


# --------------------------------------------------------------------------------------------
# build(): the session build (tests/conftest.py site_build), Zensical, failure, CLI


def test_build_writes_site_and_documents_with_a_strict_quiet_engine(site_build):
    out = site_build.result.engine_output
    assert "WARNING" not in out and "Documentation built" in out
    s = site_build.site
    for rel in ("index.html", "luu-tru/index.html", "2023/index.html", "2023/09/index.html",
                "2023/10/index.html", "nhiem-vu/index.html", "huong-dan-bien-tap/index.html",
                "assets/baocao.css", "assets/baocao.js"):
        assert (s / rel).is_file(), rel
    for key in ("2023/09/bao-cao-2023-09", "2023/10/bao-cao-2023-10"):
        assert (s / f"{key}.docx").read_bytes()[:2] == b"PK"
        assert (s / f"{key}.pdf").read_bytes()[:5] == b"%PDF-"
        assert (s / f"{key}.md").read_text(encoding="utf-8").startswith("UBND TỈNH BẮC GIANG")
    assert not list(site_build.root.glob(".site.*"))  # staging removed
    assert (site_build.tree / ".baocao-tree").is_file() and (site_build.tree / "mkdocs.yml").is_file()
    html = (s / "index.html").read_text(encoding="utf-8")
    assert '<html lang="vi"' in html and "fonts.googleapis" not in html
    external = set(re.findall(r'(?:src|href)="(https?://[^"]+)"', html))
    assert not {u for u in external if not u.startswith("https://git.example.gov.vn/")}, external


def test_zensical_builds_the_same_tree(site_build, tmp_path: Path):
    tree = tmp_path / "tree"
    shutil.copytree(site_build.tree, tree)
    proc = subprocess.run([sys.executable, "-m", "zensical", "build", "-f", str(tree / "mkdocs.yml")],
                          capture_output=True, text=True, cwd=tree, check=False)
    if proc.returncode != 0 and "No module named zensical" in proc.stderr:
        exe = shutil.which("zensical")
        assert exe, "zensical is not installed (pip install -e '.[test]')"
        proc = subprocess.run([exe, "build", "-f", str(tree / "mkdocs.yml")], capture_output=True,
                              text=True, cwd=tree, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    page = (tree / "site/2023/09/index.html").read_text(encoding="utf-8")
    assert page.count('class="bc-task"') == 14
    assert (tree / "site/2023/09/bao-cao-2023-09.pdf").is_file()
    assert "&lt;script&gt;window.__xss" in (tree / "site/nhiem-vu/index.html").read_text("utf-8")


def _small_repo(tmp_path: Path) -> Path:
    root = tmp_path / "kho"
    shutil.copytree(FIXTURES / "minimal", root)
    (root / "templates").symlink_to(TEMPLATES)
    return root


def test_failing_build_leaves_the_previous_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    root = _small_repo(tmp_path)
    repo, _ = load_repository(root)
    old = root / "site"
    old.mkdir()
    (old / "index.html").write_text("trang cũ", encoding="utf-8")
    # A real engine failure: a link to a missing page is a warning, fatal under --strict.
    # (An unknown key in mkdocs.yml no longer reaches the engine: baocao.settings drops it.)
    from baocao.write import site_build

    render = site_build.render_site
    monkeypatch.setattr(site_build, "render_site", lambda ctx, templates: {
        **render(ctx, templates), "lac.md": "# Lạc\n\n[đi](khong-co-trang-nay.md)\n"})
    with pytest.raises(SiteBuildError, match="khong-co-trang-nay"):
        build(repo, root, old, as_of=date(2024, 2, 1))
    monkeypatch.setattr(site_build, "render_site", render)
    assert (old / "index.html").read_text(encoding="utf-8") == "trang cũ"
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(".site")) == []
    # A crash of the engine itself.
    (root / "mkdocs.yml").write_text("site_name: Thử\n", encoding="utf-8")
    monkeypatch.setattr(site_engine, "engine_command", lambda cfg, out: [
        sys.executable, "-c", "import sys; print('ERROR - hỏng'); sys.exit(3)"])
    with pytest.raises(SiteBuildError, match="ERROR - hỏng"):
        build(repo, root, old, as_of=date(2024, 2, 1))
    assert (old / "index.html").read_text(encoding="utf-8") == "trang cũ"
    assert not [p for p in root.iterdir() if p.name.startswith(".site")]


def test_tree_folder_must_be_ours(tmp_path: Path):
    root = _small_repo(tmp_path)
    repo, _ = load_repository(root)
    foreign = tmp_path / "khac"
    foreign.mkdir()
    (foreign / "quan-trong.txt").write_text("x", encoding="utf-8")
    with pytest.raises(SiteBuildError, match="không trống"):
        build(repo, root, root / "site", tree_dir=foreign)
    assert (foreign / "quan-trong.txt").is_file() and not (root / "site").exists()


def test_cli_build_passes_as_of_and_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from baocao.cli import cli

    seen = {}

    def fake_build(repo, root, target, progress=None, *, as_of=None, tree_dir=None, force=False,
                   snapshot=None):
        seen.update(target=target, as_of=as_of, tree_dir=tree_dir, force=force,
                    snapshot=snapshot == build_mod.content_snapshot(root))
        return build_mod.BuildResult(target)

    monkeypatch.setattr(build_mod, "build", fake_build)
    root = _small_repo(tmp_path)
    result = CliRunner().invoke(cli, ["--repo", str(root), "build", "--as-of", "20/10/2023",
                                      "--tree", str(tmp_path / "cay")])
    assert result.exit_code == 0, result.output
    assert seen == {"target": root.resolve() / "site", "as_of": date(2023, 10, 20),
                    "tree_dir": tmp_path / "cay", "force": False, "snapshot": True}
    bad = CliRunner().invoke(cli, ["--repo", str(root), "build", "--as-of", "31/2/2023"])
    assert bad.exit_code == 2 and "ngày không tồn tại" in bad.output

    def failing_build(*args, **kwargs):
        raise SiteBuildError("dựng trang web thất bại (mkdocs):\nWARNING - [/lạ] x")

    monkeypatch.setattr(build_mod, "build", failing_build)
    failed = CliRunner().invoke(cli, ["--repo", str(root), "build"])
    assert failed.exit_code == 1
    assert "Lỗi: dựng trang web thất bại (mkdocs):\nWARNING - [/lạ] x" in failed.output
    assert "được giữ nguyên" in failed.output and "Traceback" not in failed.output


def test_hostile_task_fixture_is_loaded(site_build):
    assert HOSTILE_TASK.strip().startswith("- id: 2023-9999")
    assert site_build.repo.task("2023-9999-UBND-KGVX") is not None


def test_prerendered_hook_changes_no_page(site_build, tmp_path: Path):
    """The mkdocs hook that spares Python-Markdown our own HTML gives the same pages as a build
    without it (as Zensical or a plain mkdocs build would make them), blank lines aside."""
    import yaml

    tree = site_build.tree
    config = yaml.safe_load((tree / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["hooks"] == [site.PRERENDERED_HOOK]
    report_md = next((tree / "docs").glob("20*/*/index.md")).read_text(encoding="utf-8")
    assert "bc_prerendered: true" in report_md
    del config["hooks"]
    (tree / "mkdocs-nohook.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "nohook"
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(tree / "mkdocs-nohook.yml"),
                    "-d", str(out)], cwd=tree, check=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    pages = sorted(p.relative_to(out) for p in out.rglob("*.html"))
    assert len(pages) >= 5

    def lines(path: Path) -> list[str]:
        return [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    for rel in pages:
        assert lines(site_build.site / rel) == lines(out / rel), rel
