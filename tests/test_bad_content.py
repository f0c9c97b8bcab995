"""One fixture per failure mode: the exact `baocao check` output, exit code, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, make_repo

from baocao.cli import cli

CASES = sorted(p.name for p in (FIXTURES / "bad").iterdir() if p.is_dir())


def run_check(repo: Path):
    return CliRunner().invoke(cli, ["--repo", str(repo), "check"], catch_exceptions=False)


def test_minimal_fixture_is_clean():
    result = run_check(FIXTURES / "minimal")
    assert result.exit_code == 0, result.output
    assert result.output == "Không có lỗi.\n"


@pytest.mark.parametrize("case", CASES)
def test_bad_case_exact_output(case: str, tmp_path: Path):
    repo = make_repo(tmp_path, case)
    expected = (FIXTURES / "bad" / case / "expected.txt").read_text(encoding="utf-8")
    result = run_check(repo)
    assert result.output == expected
    has_error = any(": E" in line for line in expected.splitlines())
    assert result.exit_code == (1 if has_error else 0)
    assert "Traceback" not in result.output


def test_every_problem_reported_in_one_run(tmp_path: Path):
    """Problems in three different files are all listed, sorted by file and line."""
    result = run_check(make_repo(tmp_path, "all-at-once"))
    lines = [ln for ln in result.output.splitlines() if ": E" in ln]
    codes = [ln.split(": ")[1] for ln in lines]
    assert codes == ["E501", "E301", "E303", "E401"]
    keys = [(ln.split(':')[0], int(ln.split(':')[1]), int(ln.split(':')[2])) for ln in lines]
    assert keys == sorted(keys)
    assert result.exit_code == 1


def test_problem_lines_point_at_the_value(tmp_path: Path):
    """The reported line of an impossible date is the line that holds it."""
    repo = make_repo(tmp_path, "impossible-date")
    out = run_check(repo).output.splitlines()[0]
    path, line, col = out.split(":")[:3]
    text = (repo / path).read_text(encoding="utf-8").splitlines()[int(line) - 1]
    assert "31/02/2024" in text
    assert text[int(col) - 1:].startswith("completed")


def test_appendix_file_holds_only_the_table(tmp_path: Path):
    repo = make_repo(tmp_path, "unknown-key")
    path = repo / "content/2024/01/90-phu-luc.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nGhi chú thêm.\n", encoding="utf-8")
    result = run_check(repo)
    assert result.exit_code == 1
    assert "content/2024/01/90-phu-luc.md:5:1: E502: nội dung tệp phụ lục chỉ gồm dòng" in result.output
