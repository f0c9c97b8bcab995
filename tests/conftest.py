"""Shared fixtures: the shipped repository, fixture repositories, and real-client gating."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = FIXTURES / "seed" / "2023-09.txt"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", default=False,
        help="rewrite tests/golden/ from this build instead of comparing (tests/test_golden.py)")


def require_client(name: str, path: str | None) -> str:
    """Skip when a real client is missing, or fail under BAOCAO_REQUIRE_CLIENTS=1."""
    if path:
        return path
    if os.environ.get("BAOCAO_REQUIRE_CLIENTS") == "1":
        pytest.fail(f"{name} is required (BAOCAO_REQUIRE_CLIENTS=1) but was not found")
    pytest.skip(f"{name} not installed")
    raise AssertionError  # unreachable


def soffice() -> str:
    """LibreOffice's program (the real client that opens a DOCX), per :func:`require_client`."""
    return require_client("LibreOffice (soffice)",
                          shutil.which("soffice") or shutil.which("libreoffice"))


def libreoffice_pdfs(files: dict[str, Path], folder: Path) -> dict[str, Path]:
    """Each DOCX of *files* (name: path) converted to PDF by LibreOffice in one run, with the
    project's fonts only (templates/fonts through a fontconfig file): name -> PDF in *folder*."""
    exe = soffice()
    folder.mkdir(parents=True, exist_ok=True)
    for name, path in files.items():
        shutil.copy(path, folder / f"{name}.docx")
    conf = folder / "fonts.conf"
    conf.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                    '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
                    f'<dir>{ROOT / "templates" / "fonts"}</dir></fontconfig>', encoding="utf-8")
    env = {**os.environ, "FONTCONFIG_FILE": str(conf), "HOME": str(folder)}
    subprocess.run([exe, f"-env:UserInstallation=file://{folder}/profile", "--headless",
                    "--convert-to", "pdf", "--outdir", str(folder),
                    *[str(folder / f"{n}.docx") for n in files]],
                   check=True, capture_output=True, timeout=300, env=env)
    return {name: folder / f"{name}.pdf" for name in files}


@pytest.fixture(scope="session")
def shipped_repo():
    """The repository's own content, loaded once."""
    from baocao.load import load_repository

    repo, problems = load_repository(ROOT)
    assert not problems.errors, [p.format() for p in problems.errors]
    return repo


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped content (content/, directives.yaml, organization.yaml)."""
    return copy_content(tmp_path / "repo")


@pytest.fixture
def repo_copy_2023(tmp_path: Path) -> Path:
    """repo_copy() with only the shipped 2023 (September): for the tests about that report and
    the months a test adds after it."""
    return copy_content(tmp_path / "repo", years=("2023",))


def copy_content(dest: Path, *, years: tuple[str, ...] | None = None) -> Path:
    """A writable copy of the shipped content at *dest* (only the *years* of content/ when
    given), templates linked."""
    dest.mkdir()
    if years is None:
        shutil.copytree(ROOT / "content", dest / "content")
    for year in years or ():
        shutil.copytree(ROOT / "content" / year, dest / "content" / year)
    for name in ("directives.yaml", "organization.yaml"):
        shutil.copy(ROOT / name, dest / name)
    if (ROOT / "templates").is_dir():
        (dest / "templates").symlink_to(ROOT / "templates")
    return dest


def lay_over(dest: Path, layer: Path, *, skip: tuple[str, ...] = ()) -> Path:
    """Copy every file of the fixture folder *layer* onto *dest*: whole files, added or
    replacing the file of the same path (no text is patched)."""
    for src in sorted(layer.rglob("*")):
        if src.is_file() and src.name not in skip:
            target = dest / src.relative_to(layer)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(src, target)
    return dest


#: In a fixture folder: symbolic links and special files to make at test time, one a line:
#: "PATH -> TARGET" (a link, as git stores it) or "PATH fifo"; PATH replaces what is there.
LINKS_FILE = "links.txt"


def make_links(dest: Path, spec: Path) -> Path:
    """Make the links and special files that *spec* (a LINKS_FILE) lists inside *dest*."""
    if not spec.is_file():
        return dest
    for line in spec.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rel, kind = (line.split(" -> ", 1) if " -> " in line else line.rsplit(" ", 1))
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif os.path.lexists(path):
            path.unlink()
        if " -> " in line:
            path.symlink_to(kind)
        elif kind == "fifo":
            os.mkfifo(path)
        else:
            raise ValueError(f"{spec}: {line!r}")
    return dest


def make_repo(tmp_path: Path, case: str) -> Path:
    """The minimal fixture repository with the files of tests/fixtures/bad/<case> laid over it
    (and the links of its LINKS_FILE made)."""
    dest = tmp_path / case
    shutil.copytree(FIXTURES / "minimal", dest)
    layer = FIXTURES / "bad" / case
    lay_over(dest, layer, skip=("expected.txt", LINKS_FILE))
    return make_links(dest, layer / LINKS_FILE)


#: The files of the shipped repository that a site is built from (git history aside).
SHIPPED_FILES = ("content", "directives.yaml", "organization.yaml", "mkdocs.yml",
                 "docs/huong-dan-bien-tap.md")


def copy_shipped_repo(dest: Path, *, years: tuple[str, ...] | None = None) -> Path:
    """A copy of the shipped repository's SHIPPED_FILES, templates linked: what a user builds.
    *years*: only these years of content/ (the tests about September 2023 take "2023")."""
    dest.mkdir(parents=True)
    for name in SHIPPED_FILES:
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        if name == "content" and years is not None:
            for year in years:
                shutil.copytree(ROOT / name / year, dest / name / year)
        elif (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, dest / name)
        else:
            shutil.copy(ROOT / name, dest / name)
    (dest / "templates").symlink_to(ROOT / "templates")
    return dest


# --------------------------------------------------------------------------------------------
# The website, built once per test session (tests/test_site.py, tests/test_site_browser.py)

#: A task that is only in the register and in October's appendix, whose text tries to be markup.
HOSTILE_TASK = """
  - id: 2023-9999-UBND-KGVX
    document: "9999/<i>UBND</i>"
    issued: "02/10/2023"
    summary: "<script>window.__xss = 1</script> & <b>đậm</b> {: onclick=alert(1) } *nghiêng*"
    deadline: "05/10/2023"
"""
HOSTILE_TITLE = 'Cơ chế <img src=x onerror="window.__xss=2"> {: onclick=alert(1) } *x*'


def official_sample(root: Path, key: str) -> str:
    """The official input (docs/dev/official-input.md) of report *key* of the repository at
    *root*, as the Markdown of the contract: its metadata one key a line, each value in JSON
    (which is YAML), the form of tests/fixtures/official/ (tests edit it as text).

    Without the report's figures (May 2025 has two): an image travels only in the bundle, with
    its bytes, and a Markdown input has no way to carry it (pandoc runs sandboxed).
    tests/test_images.py checks the figures in the documents built from the bundle."""
    import json
    import re

    from baocao.document.tree import bundle_markdown
    from baocao.load import load_repository
    from baocao.render.official import render_official_input

    repo, problems = load_repository(root)
    assert not problems.errors, [p.format() for p in problems.errors]
    report = repo.report(key)
    assert report is not None, key
    text = bundle_markdown(render_official_input(repo, report))
    found = re.match(r"\A---\n(.*?\n)---\n(.*)\Z", text, re.DOTALL)
    assert found is not None
    meta, body = found.groups()
    body = re.sub(r"^!\[[^\n]*\]\([^)\s]*\)(?:\{[^}\n]*\})?\n\n", "", body, flags=re.MULTILINE)
    lines = [f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in json.loads(meta).items()]
    return "---\n" + "\n".join(lines) + f"\n---\n{body}"


def edit_text(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def fixture_text(layer: str, path: str) -> str:
    return (FIXTURES / layer / path).read_text(encoding="utf-8")


def make_site_repo(dest: Path) -> Path:
    """The shipped repository's 2023 (the site tests are about September 2023 and the month after
    it) with tests/fixtures/site/ laid over it: October 2023 (a copy of
    September with cut-off 14/10/2023, a hostile section title and, in II, a javascript: link
    written as code, which the loader accepts: its text must reach the page as inert text),
    the register with HOSTILE_TASK, and mkdocs.yml with edit links."""
    root = lay_over(copy_shipped_repo(dest, years=("2023",)), FIXTURES / "site")
    # The tests assert on these strings; the fixture files must still hold them.
    assert HOSTILE_TASK in fixture_text("site", "directives.yaml")
    assert f"title: '{HOSTILE_TITLE}'" in fixture_text("site", "content/2023/10/02-co-che-chinh-sach.md")
    return root


def build_kept_tree(base: Path, make: Callable[[Path], Path]):
    """``build()`` of the repository *make* writes into *base*/repo, register as of 20/10/2023,
    the generated tree kept in *base*/tree; its root, site, tree, result and repository."""
    from datetime import date
    from types import SimpleNamespace

    from baocao.commands.build import build
    from baocao.repo import load_checked

    root = make(base / "repo")
    repo, _ = load_checked(root)
    result = build(repo, root, root / "site", as_of=date(2023, 10, 20), tree_dir=base / "tree")
    return SimpleNamespace(root=root, site=root / "site", tree=base / "tree", result=result,
                           repo=repo)


@pytest.fixture(scope="session")
def site_build(tmp_path_factory: pytest.TempPathFactory):
    """``build()`` of make_site_repo() with the register as of 20/10/2023; the tree is kept."""
    return build_kept_tree(tmp_path_factory.mktemp("site"), make_site_repo)


def ast_words(doc: dict) -> str:
    """All Str text of a pandoc JSON AST in document order, keeping only letters and digits."""
    import re

    out: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("t") == "Str":
                out.append(node["c"])
            elif "c" in node:
                walk(node["c"])
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(doc["blocks"])
    return re.sub(r"\W", "", "".join(out))


# --------------------------------------------------------------------------------------------
# Search (tests/test_search.py, tests/test_search_browser.py): a site whose two months differ

#: October's own section bodies (September's stay as shipped), so that a query has one right
#: report and section. Front matter keys other than the body are kept from September's file.
SEARCH_OCTOBER = {
    "02-co-che-chinh-sach.md": "- Trình UBND tỉnh dự thảo Quyết định ban hành Quy chế quản lý "
    "nhiệm vụ khoa học và công nghệ cấp tỉnh.\n",
    "03-nghien-cuu-khoa-hoc.md": "- Tổ chức nghiệm thu đề tài “Nghiên cứu trồng thử nghiệm cây "
    "dương liễu chắn gió trên đất cát ven sông” do Trường Đại học Nông Lâm Bắc Giang chủ trì.\n"
    "- Hội đồng tuyển chọn nhiệm vụ KH&CN cấp tỉnh năm 2024 họp ngày 12/10/2023.\n",
    "04-danh-gia-tham-dinh.md": "- Thẩm định công nghệ dự án nâng cấp đường giao thông nông thôn "
    "xã Đồng Sơn, huyện Yên Dũng.\n- Cấp 03 giấy phép tiến hành công việc bức xạ trong y tế.\n",
    "05-thong-tin-dich-vu.md": "- Cập nhật 1.250 biểu ghi vào cơ sở dữ liệu thống kê KH&CN; "
    "phát hành bản tin Khoa học và Công nghệ số 10.\n",
    "08-thanh-tra.md": "- Thanh tra việc chấp hành pháp luật về đo lường đối với 12 cửa hàng "
    "xăng dầu trên địa bàn huyện Lục Nam; xử phạt vi phạm hành chính 02 cơ sở.\n",
}
#: Units that wrote October's sections (front matter `unit`), and the unit of task 4502.
SEARCH_UNITS = {"04-danh-gia-tham-dinh.md": "Phòng Quản lý công nghệ",
                "08-thanh-tra.md": "Thanh tra Sở"}
SEARCH_TASK_UNIT = "Phòng Quản lý công nghệ"


def make_search_repo(dest: Path) -> Path:
    """make_site_repo() with tests/fixtures/search/ laid over it: October's sections of
    SEARCH_OCTOBER with their own bodies (and without the javascript: link), units on two of
    them (SEARCH_UNITS) and on task 4502 (SEARCH_TASK_UNIT)."""
    root = lay_over(make_site_repo(dest), FIXTURES / "search")
    for name, body in SEARCH_OCTOBER.items():
        text = fixture_text("search", f"content/2023/10/{name}")
        assert text.endswith("\n---\n\n" + body), name
        assert (f'\nunit: "{SEARCH_UNITS.get(name)}"\n---' in text) == (name in SEARCH_UNITS), name
    assert f'document: "4502/UBND-KGVX"\n    unit: "{SEARCH_TASK_UNIT}"\n' in fixture_text(
        "search", "directives.yaml")
    return root


@pytest.fixture(scope="session")
def search_build(tmp_path_factory: pytest.TempPathFactory):
    """``build()`` of make_search_repo() (register as of 20/10/2023); the tree is kept."""
    return build_kept_tree(tmp_path_factory.mktemp("search"), make_search_repo)


# --------------------------------------------------------------------------------------------
# One headless Chromium for every browser test (test_site_browser.py, test_search_browser.py):
# Playwright's sync API can be started only once per thread, so the fixture lives here.

CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
]


def chromium_path() -> str | None:
    for candidate in (shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


@pytest.fixture(scope="session")
def browser():
    exe = require_client("Chromium (apt-get install chromium)", chromium_path())
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    try:
        b = pw.chromium.launch(executable_path=exe, args=CHROMIUM_FLAGS)
        yield b
        b.close()
    finally:
        pw.stop()


# --------------------------------------------------------------------------------------------
# Search in shards (search.SHARD_REPORTS made small): five months, three shards of two reports

#: Months added to make_search_repo() as copies of September (cut-off moved), oldest first.
SHARD_MONTHS = ("2023/11", "2023/12", "2024/01")
#: The newest report's own text for its III.6 section (found only there, in the newest shard).
SHARD_NEWEST_TEXT = ("- Kiểm tra nhãn hàng hóa mũ bảo hiểm tại 15 cửa hàng trên địa bàn thành "
                     "phố Bắc Giang; nhắc nhở 03 cơ sở.\n")
SHARD_REPORTS_TEST = 2


def make_sharded_repo(dest: Path) -> Path:
    """make_search_repo() with tests/fixtures/sharded/ laid over it: November 2023 to January
    2024 (SHARD_MONTHS, copies of September with their own cut-off on the 14th); January's
    III.6 says SHARD_NEWEST_TEXT. With SHARD_REPORTS_TEST reports a shard: [09, 10], [11, 12],
    [2024/01 + tasks + guide]."""
    root = lay_over(make_search_repo(dest), FIXTURES / "sharded")
    for month in SHARD_MONTHS:
        assert (root / "content" / month / "index.md").is_file(), month
    assert fixture_text("sharded", f"content/{SHARD_MONTHS[-1]}/08-thanh-tra.md").endswith(
        "\n---\n\n" + SHARD_NEWEST_TEXT)
    return root


def build_sharded(root: Path, shard_reports: int = SHARD_REPORTS_TEST, **options):
    """``build()`` of *root* (register as of 20/01/2024) with search.SHARD_REPORTS set to
    *shard_reports*; returns (repository, BuildResult)."""
    from datetime import date

    from baocao.commands.build import build
    from baocao.repo import load_checked
    from baocao.write import search

    repo, _ = load_checked(root)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(search, "SHARD_REPORTS", shard_reports)
        result = build(repo, root, root / "site", as_of=date(2024, 1, 20), **options)
    return repo, result


@pytest.fixture(scope="session")
def sharded_build(tmp_path_factory: pytest.TempPathFactory):
    """build_sharded() of make_sharded_repo(): a site whose index is three shards."""
    from types import SimpleNamespace

    base = tmp_path_factory.mktemp("sharded")
    root = make_sharded_repo(base / "repo")
    repo, result = build_sharded(root)
    return SimpleNamespace(root=root, site=root / "site", result=result, repo=repo)
