"""One error boundary: every exception of the package derives from ``BaocaoError``, and every
entry point (the ``baocao`` CLI and each ``python -m`` module) answers bad input with a
Vietnamese line and an exit code, never a traceback."""

from __future__ import annotations

import ast
import importlib
import inspect
import os
import pkgutil
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from conftest import ROOT

import baocao

SRC = Path(baocao.__file__).parent


def vietnamese(line: str) -> bool:
    """A letter with a Vietnamese mark: the line is Vietnamese, not click's or argparse's English."""
    return "đ" in line.lower() or any(unicodedata.combining(c)
                                      for c in unicodedata.normalize("NFD", line))


def _modules() -> list[str]:
    names = ["baocao"]
    for info in pkgutil.walk_packages([str(SRC)], prefix="baocao."):
        names.append(info.name)
    return names


def test_every_exception_class_derives_from_the_base():
    from baocao.errors import BaocaoError

    found: dict[str, type] = {}
    for name in _modules():
        module = importlib.import_module(name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if obj.__module__ == name and issubclass(obj, BaseException):
                found[f"{name}.{obj.__qualname__}"] = obj
    # The walk really saw the package's exceptions (it cannot pass on an empty list).
    for known in ("baocao.errors.ContentError", "baocao.errors.PandocError",
                  "baocao.errors.SearchIndexError", "baocao.errors.SiteBuildError"):
        assert known in found, sorted(found)
    outside = [name for name, cls in found.items() if not issubclass(cls, BaocaoError)]
    assert outside == []


def test_no_exception_class_is_defined_outside_the_module_tree():
    """Classes in a function body escape the import walk: read the source instead."""
    defined = []
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases = {ast.unparse(b).rsplit(".", 1)[-1] for b in node.bases}
                if any(b in ("Exception", "BaseException", "RuntimeError", "ValueError", "OSError")
                       for b in bases):
                    defined.append(f"{path.relative_to(SRC)}:{node.lineno} {node.name}")
    # Only errors.py derives from Python's own exceptions; everything else from the tree.
    assert all(d.startswith("errors.py:") for d in defined), defined
    assert defined


def test_old_names_stay_importable_from_their_modules():
    from baocao import errors
    from baocao.commands.build import SiteBuildError
    from baocao.commands.issue import IssueError
    from baocao.commands.new import NewMonthError
    from baocao.commands.serve import ServeError
    from baocao.problems import ContentError
    from baocao.repo import RepoNotFound
    from baocao.write.pandoc import PandocError
    from baocao.write.pdf import DocumentError
    from baocao.write.search import SearchIndexError

    assert issubclass(DocumentError, PandocError) and issubclass(PandocError, RuntimeError)
    for cls in (PandocError, DocumentError, SearchIndexError, SiteBuildError):
        assert issubclass(cls, errors.ToolError)
    for cls in (IssueError, NewMonthError, ServeError, RepoNotFound):
        assert issubclass(cls, errors.RefusedError)
    assert issubclass(ContentError, errors.BaocaoError)


# --------------------------------------------------------------------------------------------
# Every entry point, run as a subprocess with bad input


def _run(args: list[str], *, cwd: Path, env: dict[str, str] | None = None,
         stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    full_env = dict(os.environ, **(env or {}))
    full_env.pop("BAOCAO_DEBUG", None)
    if env and "BAOCAO_DEBUG" in env:
        full_env["BAOCAO_DEBUG"] = env["BAOCAO_DEBUG"]
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=cwd,
                          env=full_env, input=stdin if stdin is not None else "", timeout=120)


def _assert_clean(proc: subprocess.CompletedProcess[str], code: int, message: str) -> None:
    out = proc.stdout + proc.stderr
    assert proc.returncode == code, out
    assert "Traceback" not in out
    assert message in proc.stderr, out
    line = next(ln for ln in proc.stderr.splitlines() if message in ln)
    assert vietnamese(line), line


@pytest.mark.parametrize("args, code, message", [
    (["check"], 1, "không tìm thấy kho nội dung"),
    (["khong-co-lenh"], 2, "Lỗi: không có lệnh \"khong-co-lenh\""),
    (["check", "--khong-co"], 2, "Lỗi: không có tùy chọn --khong-co"),
    (["docx"], 2, "Lỗi: thiếu tham số THÁNG"),
    (["serve", "--port"], 2, "Lỗi: tùy chọn --port cần một giá trị"),
    (["serve", "--port", "tám"], 2, "Lỗi: giá trị không hợp lệ cho '--port' / '-p'"),
    (["check", "thua"], 2, "Lỗi: thừa tham số: thua"),
])
@pytest.mark.parametrize("module", ["baocao", "baocao.cli"])
def test_cli_bad_input(module: str, args: list[str], code: int, message: str, tmp_path: Path):
    proc = _run(["-m", module, "--repo", str(tmp_path), *args], cwd=tmp_path)
    _assert_clean(proc, code, message)
    if code == 2:  # a usage error says where the help is
        assert "--help" in proc.stderr.splitlines()[-1]


_BUG = ("import baocao.commands.check as c\n"
        "def broken(root):\n    raise ZeroDivisionError('chia cho 0')\n"
        "c.check = broken\n"
        "from baocao.cli import main\nmain()\n")


def test_cli_internal_bug_asks_for_a_report(tmp_path: Path):
    proc = _run(["-c", _BUG, "--repo", str(ROOT), "check"], cwd=tmp_path)
    _assert_clean(proc, 70, "Lỗi nội bộ của baocao")
    assert "ZeroDivisionError: chia cho 0" in proc.stderr
    assert "BAOCAO_DEBUG=1" in proc.stderr
    debug = _run(["-c", _BUG, "--repo", str(ROOT), "check"], cwd=tmp_path,
                 env={"BAOCAO_DEBUG": "1"})
    assert debug.returncode == 70
    assert "Traceback" in debug.stderr and "Lỗi nội bộ của baocao" in debug.stderr


def test_cli_content_errors_exit_1_with_the_problem_list(tmp_path: Path):
    repo = tmp_path / "repo"
    (repo / "content").mkdir(parents=True)
    (repo / "organization.yaml").write_text("name: [\n", encoding="utf-8")
    proc = _run(["-m", "baocao", "--repo", str(repo), "render", "2023-09"], cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert re.search(r"^organization\.yaml:\d+:\d+: E\d+: ", proc.stderr, re.M), proc.stderr
    assert re.search(r"^Có \d+ lỗi và \d+ cảnh báo\.$", proc.stderr, re.M)
    assert "Traceback" not in proc.stderr + proc.stdout


@pytest.mark.parametrize("args, code, message", [
    ([], 2, "Lỗi: thiếu tham số: site"),
    (["--khong-co", "x"], 2, "Lỗi: không hiểu tham số: --khong-co"),
    (["--repo"], 2, "Lỗi: tùy chọn --repo cần một giá trị"),
    (["{tmp}/khong-co-site", "--repo", str(ROOT)], 1, "Lỗi: không có thư mục trang web"),
    (["{tmp}", "--repo", "{tmp}/khong-co-kho"], 1, "không tìm thấy kho nội dung"),
])
def test_search_module_bad_input(args: list[str], code: int, message: str, tmp_path: Path):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    proc = _run(["-m", "baocao.write.search", *args], cwd=tmp_path)
    _assert_clean(proc, code, message)


@pytest.mark.parametrize("args, code, message", [
    (["--khong-co"], 2, "Lỗi: không hiểu tham số: --khong-co"),
    (["a", "b"], 2, "Lỗi: không hiểu tham số: b"),
    (["{tmp}/khong-co"], 1, "Lỗi: không có thư mục"),
    (["--check", "{tmp}"], 1, "schemas/report.schema.json đã cũ"),
])
def test_schemas_module_bad_input(args: list[str], code: int, message: str, tmp_path: Path):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    proc = _run(["-m", "baocao.schemas", *args], cwd=tmp_path)
    _assert_clean(proc, code, message)


@pytest.mark.parametrize("args, env, stdin, code, message", [
    (["--khong-co"], {}, None, 2, "Lỗi: không có tùy chọn --khong-co"),
    (["-f", "{tmp}/khong-co.yml"], {}, None, 2, "Lỗi: giá trị không hợp lệ cho '-f' / '--config-file'"),
    ([], {"BAOCAO_ENGINE_WAIT": "1"}, "không phải JSON\n", 2, "Lỗi: baocao.write.engine cần"),
    ([], {"BAOCAO_ENGINE_WAIT": "1"}, '{"a": 1}\n', 2, "Lỗi: baocao.write.engine cần"),
])
def test_engine_module_bad_input(args: list[str], env: dict[str, str], stdin: str | None,
                                 code: int, message: str, tmp_path: Path):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    proc = _run(["-m", "baocao.write.engine", *args], cwd=tmp_path, env=env, stdin=stdin)
    _assert_clean(proc, code, message)


def test_engine_crash_is_an_internal_error(tmp_path: Path):
    """An exception inside MkDocs (here: a hook that raises) is one Vietnamese line, exit 70;
    the build shows that line (it keeps the engine's ERROR lines)."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Trang\n", encoding="utf-8")
    (tmp_path / "hook.py").write_text(
        "def on_page_markdown(markdown, **kwargs):\n    raise KeyError('hỏng')\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: T\nhooks: [hook.py]\n", encoding="utf-8")
    proc = _run(["-m", "baocao.write.engine"], cwd=tmp_path)
    _assert_clean(proc, 70, "Lỗi nội bộ")
    assert "KeyError: 'hỏng'" in proc.stderr
    line = next(ln for ln in proc.stderr.splitlines() if "Lỗi nội bộ" in ln)
    assert "ERROR" in line
