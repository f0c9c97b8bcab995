"""Golden files: the outputs of the shipped September 2023 report, pinned under tests/golden/.

Each golden file is one output of the report, produced by the same commands a user runs on a copy
of the shipped repository (no git history, register as of GOLDEN_AS_OF) and normalised only where
an output is not meant to be read as text (the DOCX is a zip: its word/document.xml is
pretty-printed; the built HTML page is cut to its <article> and pretty-printed between blocks).
A difference fails with a unified diff. After an intended change, regenerate all of them with

    python -m pytest tests/test_golden.py --update-golden

and review the diff of tests/golden/ before committing (docs/dev/testing.md).
"""

from __future__ import annotations

import difflib
import io
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, copy_shipped_repo
from lxml import etree
from lxml import html as lxml_html

GOLDEN = Path(__file__).resolve().parent / "golden"
MONTH = "2023-09"
#: The task register's date in the site goldens (the page says "tính đến ngày 20/10/2023").
GOLDEN_AS_OF = date(2023, 10, 20)
UPDATE_COMMAND = "python -m pytest tests/test_golden.py --update-golden"

# --------------------------------------------------------------------------------------------
# Normalisers (pure; tested below on small inputs so that they cannot hide a difference)

#: Attributes that Word or other editors write with random or time-dependent values. The
#: documents baocao writes have none today (they are byte-identical between builds); the
#: normaliser drops them so that a template edited in Word does not make every build differ.
VOLATILE_DOCX_ATTRIBUTES = ("rsid", "paraId", "textId", "durableId")


def normalise_document_xml(data: bytes) -> str:
    """word/document.xml pretty-printed (two spaces a level), volatile attributes removed.

    Only whitespace between elements that have element children changes; the text of runs
    (``w:t``, which has no children) is never touched, so blanks in the text stay as written."""
    root = etree.fromstring(data)
    for el in root.iter():
        for name in list(el.attrib):
            local = etree.QName(name).localname
            if any(local.startswith(prefix) for prefix in VOLATILE_DOCX_ATTRIBUTES):
                del el.attrib[name]
    etree.indent(root, space="  ")
    return etree.tostring(root, encoding="unicode") + "\n"


#: Elements that start a block in HTML: whitespace around them is not rendered.
HTML_BLOCKS = frozenset((
    "address", "article", "aside", "blockquote", "body", "caption", "details", "dd", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "li", "main", "nav", "ol", "p", "section", "summary", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "ul",
))


def _is_block(el: etree._Element) -> bool:
    return isinstance(el.tag, str) and el.tag in HTML_BLOCKS


def _indent_html(el: etree._Element, depth: int) -> None:
    children = list(el)
    if not children or el.tag == "pre" or not any(_is_block(c) for c in children):
        return  # inline content (and <pre>) is kept exactly as it is
    pad, close = "\n" + "  " * (depth + 1), "\n" + "  " * depth
    if _is_block(children[0]) and not (el.text or "").strip():
        el.text = pad
    for i, child in enumerate(children):
        _indent_html(child, depth + 1)
        last = i == len(children) - 1
        # Whitespace after a child is insignificant only next to a block (or at the end).
        if (child.tail or "").strip() or not (last or _is_block(child) or _is_block(children[i + 1])):
            continue
        child.tail = close if last else pad


def normalise_article(page: str) -> str:
    """The <article> of a built page, each block on its own line, inline content untouched."""
    doc = lxml_html.document_fromstring(page)
    articles = doc.xpath("//article")
    assert len(articles) == 1, f"expected one <article>, found {len(articles)}"
    article = articles[0]
    article.tail = None
    _indent_html(article, 0)
    return lxml_html.tostring(article, encoding="unicode") + "\n"


def test_document_xml_normaliser_keeps_run_text_and_drops_volatile_ids():
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    w14 = "http://schemas.microsoft.com/office/word/2010/wordml"
    xml = (f'<w:document xmlns:w="{w}" xmlns:w14="{w14}"><w:body><w:p w:rsidR="00AB12" '
           f'w14:paraId="1A2B3C4D"><w:r><w:t xml:space="preserve">      /BC-KHCN</w:t></w:r>'
           f'</w:p></w:body></w:document>').encode()
    out = normalise_document_xml(xml)
    assert "rsid" not in out and "paraId" not in out
    assert '<w:t xml:space="preserve">      /BC-KHCN</w:t>' in out
    assert "\n    <w:p>\n      <w:r>" in out


def test_article_normaliser_keeps_inline_whitespace():
    page = ("<html><body><article><h1>Tiêu đề</h1><p>Một <strong>hai</strong> <em>ba</em>"
            "<em>bốn</em></p>\n\n\n<ul><li>x</li><li><p>y</p></li></ul></article></body></html>")
    out = normalise_article(page)
    assert "<p>Một <strong>hai</strong> <em>ba</em><em>bốn</em></p>" in out
    assert out == ("<article>\n  <h1>Tiêu đề</h1>\n  <p>Một <strong>hai</strong> <em>ba</em>"
                   "<em>bốn</em></p>\n  <ul>\n    <li>x</li>\n    <li>\n      <p>y</p>\n    </li>\n"
                   "  </ul>\n</article>\n")


# --------------------------------------------------------------------------------------------
# The outputs


def run_cli(root: Path, *args: str) -> str:
    from baocao.cli import cli

    result = CliRunner().invoke(cli, ["--repo", str(root), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def official_input(root: Path) -> str:
    from baocao.load import load_repository
    from baocao.render.official import render_official_input

    repo, problems = load_repository(root)
    assert not problems.errors, [p.format() for p in problems.errors]
    report = next(r for r in repo.reports if r.key == MONTH)
    return readable_bundle(render_official_input(repo, report))


def readable_bundle(source: str) -> str:
    """The official input (a JSON bundle: the skeleton and the section bodies) as text a diff
    can be read in: the skeleton, then each body under a marker line. Checked to hold all of
    the bundle: nothing of it is left out of the golden file."""
    from baocao.document.tree import make_bundle, read_bundle

    bundle = read_bundle(source)
    assert bundle is not None
    assert make_bundle(bundle["skeleton"], bundle["bodies"], bundle["marker"]) == source
    parts = [f"<<< skeleton (slot marker {bundle['marker']}) >>>\n", bundle["skeleton"]]
    for i, body in enumerate(bundle["bodies"]):
        parts += [f"\n<<< body {i} >>>\n", body.rstrip("\n") + "\n"]
    return "".join(parts)


def produce_outputs(base: Path) -> dict[str, Callable[[], str]]:
    """Golden file name -> the output it pins, made from a copy of the shipped repository."""
    root = copy_shipped_repo(base / "repo")
    out = base / "out"
    out.mkdir()
    run_cli(root, "render", MONTH, "-o", str(out / "report.md"))
    run_cli(root, "docx", MONTH, "-o", str(out / "report.docx"))
    tree, site = base / "tree", base / "site"
    run_cli(root, "build", "--as-of", GOLDEN_AS_OF.isoformat(), "--tree", str(tree),
            "-o", str(site))
    yyyy, mm = MONTH.split("-")

    def docx_xml() -> str:
        with zipfile.ZipFile(io.BytesIO((out / "report.docx").read_bytes())) as z:
            return normalise_document_xml(z.read("word/document.xml"))

    def text(path: Path) -> Callable[[], str]:
        return lambda: path.read_text(encoding="utf-8")

    return {
        f"render-{MONTH}.md": text(out / "report.md"),
        f"official-input-{MONTH}.md": lambda: official_input(root),
        f"docx-{MONTH}-document.xml": docx_xml,
        f"site-tree-{MONTH}.md": text(tree / "docs" / yyyy / mm / "index.md"),
        "site-tree-nhiem-vu.md": text(tree / "docs" / "nhiem-vu" / "index.md"),
        f"site-{MONTH}-article.html": lambda: normalise_article(
            (site / yyyy / mm / "index.html").read_text(encoding="utf-8")),
    }


GOLDEN_NAMES = [f"render-{MONTH}.md", f"official-input-{MONTH}.md", f"docx-{MONTH}-document.xml",
                f"site-tree-{MONTH}.md", "site-tree-nhiem-vu.md", f"site-{MONTH}-article.html"]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Callable[[], str]]:
    made = produce_outputs(tmp_path_factory.mktemp("golden"))
    assert sorted(made) == sorted(GOLDEN_NAMES)
    return made


@pytest.fixture(scope="module")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.mark.parametrize("name", GOLDEN_NAMES)
def test_golden(name: str, outputs: dict[str, Callable[[], str]], update_golden: bool):
    actual = outputs[name]()
    path = GOLDEN / name
    if update_golden:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="\n")
        return
    if not path.is_file():
        pytest.fail(f"golden file {path.relative_to(ROOT)} is missing; create it with "
                    f"`{UPDATE_COMMAND}` and review it before committing", pytrace=False)
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(difflib.unified_diff(
            expected.splitlines(keepends=True), actual.splitlines(keepends=True),
            fromfile=f"{path.relative_to(ROOT)} (golden)", tofile=f"{name} (this build)"))
        pytest.fail(f"{name} differs from its golden file. If the change is intended, run "
                    f"`{UPDATE_COMMAND}` and commit the new file.\n{diff}", pytrace=False)


def test_no_stray_golden_files():
    """A golden file nothing produces any more would silently stop being checked."""
    present = sorted(p.name for p in GOLDEN.iterdir()) if GOLDEN.is_dir() else []
    assert sorted(set(present) - set(GOLDEN_NAMES)) == [], (
        "tests/golden/ holds files that no test checks; remove them or add them to GOLDEN_NAMES")
