"""Issue 18: every word the command line shows is Vietnamese (help, usage, errors: click's own
words included), the group's options work after the command too, and messages are single
lines outside a terminal (no hard wrap, no markup, no emoji codes)."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import FIXTURES, ROOT, copy_shipped_repo

from baocao import clitext
from baocao.cli import cli
from baocao.terminal import say

#: Technical tokens that are not English prose: formats, tools, the command names, file and
#: folder names of the repository, the values a person types for --format.
ALLOWED = {
    "baocao", "docx", "pdf", "yaml", "csv", "json", "xlsx", "git", "url", "html", "markdown",
    "mkdocs", "pagefind", "zensical", "ctrl", "content", "directives", "organization", "site",
    "index", "md", "issued", "draft", "status", "table", "sha", "ubnd", "uuid", "localhost",
    "http", "yyyy", "mm", "dd", "web", "c", "id",
    "build", "check", "issue", "new", "render", "serve", "import",  # the commands' own names
    "word", "excel",  # the programs the import reads from
}
#: A Vietnamese syllable written without its marks (onset, vowels, final consonant): "ghi",
#: "giao", "THAM", "trang" are Vietnamese, "Usage", "this", "exit" are not.
VIETNAMESE_SYLLABLE = re.compile(
    r"(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(ch|ng|nh|[cmnpt])?",
    re.IGNORECASE)
#: Common English words that have the shape of a Vietnamese syllable ("in" is Vietnamese: "In
#: toàn văn", print).
ENGLISH_LOOKALIKES = {
    "the", "to", "not", "can", "be", "he", "no", "on", "an", "a", "at", "it", "up", "go",
    "by", "my", "that", "then", "than", "them", "set", "get", "run", "out", "but", "via", "yet",
    "let", "got", "put", "top", "map", "tag", "bin", "dir", "man", "ten", "each", "one",
}


def english_words(text: str) -> set[str]:
    """The plain-ASCII words of *text* that are neither Vietnamese syllables nor option names,
    paths, file names or allowed tokens."""
    text = re.sub(r"(?<![\w])--?[\w-]+", " ", text)  # option names: --repo, -C, --as-of
    text = re.sub(r"\S*[/\\.:]\S*[\w/\\]", " ", text)  # paths, file names, times, URLs
    text = re.sub(r"\{\{.*?\}\}", " ", text)  # placeholders
    text = re.sub(r"'[^'\n]*'|\"[^\"\n]*\"", " ", text)  # quoted: what the person typed
    words = re.findall(r"[^\W\d_]+", text)
    return {w for w in words if w.isascii() and w.lower() not in ALLOWED
            and (w.lower() in ENGLISH_LOOKALIKES or not VIETNAMESE_SYLLABLE.fullmatch(w))}


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``baocao`` as a person runs it, its output not a terminal (a CI log)."""
    env = {**os.environ, "COLUMNS": "80"}
    env.pop("BAOCAO_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "baocao", *args], capture_output=True,
                          text=True, cwd=cwd or ROOT, env=env, timeout=600)


def test_the_scanner_finds_english():
    assert english_words("Usage: baocao [OPTIONS] Show this message and exit.") == {
        "Usage", "OPTIONS", "Show", "this", "message", "and", "exit"}
    assert english_words("Lỗi: không có tùy chọn --repo trong content/2023/09/index.md") == set()
    assert english_words("Ghi tham số THAM_SỐ giao trang") == set()
    assert english_words("Try the command") == {"the", "command"}


COMMANDS = [[]] + [[name] for name in sorted(cli.commands)] + [
    [name, sub] for name in sorted(cli.commands)
    for sub in sorted(getattr(cli.commands[name], "commands", {}))]


@pytest.mark.parametrize("cmd", COMMANDS, ids=lambda c: " ".join(c) or "baocao")
def test_every_help_is_vietnamese(cmd: list[str]):
    result = CliRunner().invoke(cli, [*cmd, "--help"], prog_name="baocao")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Cách dùng: baocao")
    assert "Tùy chọn:" in result.output
    assert english_words(result.output) == set(), result.output


ERROR_CASES = [
    ["nope"],
    ["check", "--bogus"],
    ["check", "2023-09"],
    ["new"],
    ["new", "2023-13"],
    ["new", "tháng-mười"],
    ["render", "2023-09", "-o"],
    ["directives", "--format", "foo"],
    ["directives", "--status", "xong"],
    ["directives", "--format", "xlsx"],
    ["directives", "--as-of", "31/2/2023"],
    ["serve", "--port", "abc"],
    ["issue"],
    ["issue", "2023-09", "--reason", "x"],
    ["issue", "2023-09", "--number", "một"],
    ["docx", "2023-11"],
    ["build", "--as-of", "hôm qua"],
    ["--repo"],
    ["--repo", "/khong-co-kho", "check"],
    ["check", "--repo", "/khong-co-kho"],
    ["import"],
    ["import", "khong-co.docx"],
    ["import", "--month", "2023-13", "README.md"],
    ["directives", "import"],
    ["directives", "import", "README.md", "--repo", "/khong-co-kho"],
]


@pytest.mark.parametrize("args", ERROR_CASES, ids=" ".join)
def test_every_error_is_vietnamese(args: list[str], tmp_path: Path):
    result = run(*args, cwd=copy_shipped_repo(tmp_path / "kho"))
    assert result.returncode in (1, 2), (result.stdout, result.stderr)
    assert result.stderr.startswith("Lỗi: "), result.stderr
    assert "Traceback" not in result.stderr
    assert english_words(result.stdout + result.stderr) == set(), result.stderr


def test_no_argument_prints_the_vietnamese_help():
    result = run()
    assert "Cách dùng: baocao" in result.stdout + result.stderr
    assert english_words(result.stdout + result.stderr) == set()


def click_message_ids() -> set[str]:
    """Every sentence the installed click marks with ``_()`` or ``ngettext()`` (both forms)."""
    ids: set[str] = set()
    for name in clitext.CLICK_MODULES:
        path = Path(sys.modules[name].__file__ or "")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("_", "ngettext")):
                ids |= {a.value for a in node.args if isinstance(a, ast.Constant)
                        and isinstance(a.value, str)}
    # click.core passes the literal "required" through a variable: _(extra["required"])
    return ids | {"required"}


def test_the_catalogue_covers_every_sentence_of_the_installed_click():
    ids = click_message_ids()
    assert "Usage:" in ids and "Show this message and exit." in ids  # the scan works
    missing = sorted(ids - set(clitext.CATALOGUE))
    assert missing == [], f"click {click.__version__}: add to baocao.clitext.CATALOGUE: {missing}"
    for english, vietnamese in clitext.CATALOGUE.items():
        fields = set(re.findall(r"\{(\w+)", english)) | set(re.findall(r"%\((\w+)", english))
        assert set(re.findall(r"\{(\w+)", vietnamese)) | set(re.findall(r"%\((\w+)", vietnamese)) \
            <= fields, english
        assert english_words(re.sub(r"\{.*?\}|%\(\w+\)s", " ", vietnamese)) <= {"UUID"}, vietnamese


def test_group_options_work_after_the_command(tmp_path: Path):
    repo = copy_shipped_repo(tmp_path / "kho")
    elsewhere = tmp_path / "o-cho-khac"
    elsewhere.mkdir()
    for args in (["new", "2023-10", "--repo", str(repo)], ["check", "-C", str(repo)]):
        result = run(*args, cwd=elsewhere)
        assert result.returncode == 0, result.stderr
    assert (repo / "content/2023/10/index.md").is_file()
    # after the command wins over before it; --version works there too
    result = run("--repo", str(elsewhere), "check", "--repo", str(repo), cwd=elsewhere)
    assert result.returncode == 0 and "Không có lỗi" in result.stdout
    version = run("check", "--version")
    assert version.returncode == 0 and version.stdout.startswith("baocao ")


def test_messages_are_single_lines_outside_a_terminal(tmp_path: Path):
    """A long path and a 200-column problem line stay whole in a CI log."""
    repo = tmp_path / ("thu-muc-rat-dai-" * 10) / "kho"
    repo.parent.mkdir(parents=True)
    copy_shipped_repo(repo)
    long_title = "Tiêu đề rất dài " * 14
    index = repo / "content/2023/09/index.md"
    text = index.read_text(encoding="utf-8")
    index.write_text(text.replace("\n---\n", f"\nkhoa_la: \"{long_title}\"\n---\n", 1),
                     encoding="utf-8")
    result = run("new", "2023-10", cwd=repo)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert any(len(line) > 120 for line in lines), lines  # long enough to have been wrapped
    assert all(line.startswith(("Đã tạo", "Phần I:", "content/", "Không có lỗi", "Có "))
               for line in lines), lines
    warning = next(line for line in lines if "khoa_la" in line)
    assert re.match(r"content/2023/10/index\.md:\d+:\d+: W\d{3}: ", warning), warning

    result = run("build", "--repo", str(repo), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert any(re.match(r"content/2023/(09|10)/index\.md:\d+:\d+: W\d{3}: .*khoa_la", line)
               for line in lines), lines
    done = [line for line in lines if line.startswith("Đã dựng trang web")]
    assert done and done[0].endswith(f"{repo / 'site'}"), lines
    # it said what it was doing: documents, the site, the search index
    assert any(line.startswith("Dựng văn bản DOCX, PDF: ") for line in lines)
    assert any(re.match(r"\[\d+/\d+\] ", line) for line in lines)
    assert any(line.startswith("Dựng trang web:") for line in lines)
    assert any(line.startswith("Lập chỉ mục tìm kiếm") for line in lines)


def test_say_writes_the_text_as_it_is(capsys: pytest.CaptureFixture[str]):
    line = "directives.yaml:100:5: E302: [b]thời hạn[/b] :smile: " + "x" * 200
    say(line)
    assert capsys.readouterr().err == line + "\n"


def test_the_minimal_fixture_still_checks_clean():
    assert run("check", "--repo", str(FIXTURES / "minimal")).returncode == 0


def test_a_problem_is_one_line_whatever_its_message_quotes():
    from baocao.problems import Problem

    problem = Problem("content/a.md", 3, 7, "E503", "không được chèn mã HTML (<span\nclass>)")
    assert problem.format() == "content/a.md:3:7: E503: không được chèn mã HTML (<span class>)"


def test_the_register_table_shows_a_task_as_written(tmp_path: Path):
    repo = copy_shipped_repo(tmp_path / "kho")
    register = repo / "directives.yaml"
    text = register.read_text(encoding="utf-8")
    first = re.search(r"summary: (.*)", text)
    assert first is not None
    written = "Mục [b]đậm[/b] :100: ngày"
    register.write_text(text.replace(first.group(0), f'summary: "{written}"', 1), encoding="utf-8")
    result = run("directives", "-o", str(tmp_path / "bang.txt"), "--as-of", "1/1/2026", cwd=repo)
    assert result.returncode == 0, result.stderr
    table = " ".join((tmp_path / "bang.txt").read_text(encoding="utf-8").replace("│", " ").split())
    assert "[b]đậm[/b]" in table and ":100:" in table, table


@pytest.mark.parametrize(("args", "words"), [
    (["import", "/khong-co.docx"], "không có đường dẫn '/khong-co.docx'"),
    (["directives", "import", "khong-co.pdf"], "không có tệp 'khong-co.pdf'"),
])
def test_click_path_words_stay_lower_case(args: list[str], words: str):
    """click title-cases the name of a Path type ("File", "Path"): the Vietnamese words must
    not become "Tệp", "Đường Dẫn" in the middle of a sentence."""
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert words in result.output, result.output
