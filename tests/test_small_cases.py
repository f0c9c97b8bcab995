"""Issue 15's smaller cases, each reproduced on a copy of the shipped content through the CLI:
impossible years, a year-0 folder, look-alike (confusable) duplicate tasks, bidi controls, long
document numbers, deep nesting, history from a shallow clone, and ``serve`` stopped by SIGTERM."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, ROOT, edit_text

from baocao.cli import cli

INDEX = "content/2023/09/index.md"
SECTION = "content/2023/09/03-nghien-cuu-khoa-hoc.md"
CYRILLIC_HA = "\u0425"  # "Х", looks like the Latin X


def run(repo: Path, *args: str):
    return CliRunner().invoke(cli, ["--repo", str(repo), *args], catch_exceptions=False)


def problem_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if ": E" in line or ": W" in line]


def line_of(repo: Path, rel: str, needle: str) -> tuple[int, int]:
    """1-based line and column of *needle* in the file *rel*."""
    for i, text in enumerate((repo / rel).read_text(encoding="utf-8").splitlines(), 1):
        if needle in text:
            return i, text.index(needle) + 1
    raise AssertionError(needle)


# --------------------------------------------------------------------------------------------
# Impossible years and months


def test_cutoff_in_year_1_is_a_located_error(repo_copy: Path):
    edit_text(repo_copy / INDEX, "cutoff: 2023-09-14", "cutoff: 0001-01-14")
    result = run(repo_copy, "check")
    line, col = line_of(repo_copy, INDEX, "cutoff:")
    assert result.exit_code == 1, result.output
    assert (f"{INDEX}:{line}:{col}: E301: \"cutoff\": năm 1 của ngày \"0001-01-14\" nằm ngoài "
            "khoảng 1990–2100") in result.output
    assert "out of range" not in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(("old", "new", "key"), [
    ('issued: "09/8/2023"', 'issued: "09/8/0001"', "issued"),
    ('deadline: "18/8/2023"', 'deadline: "Quý II/0000"', "deadline"),
    ('deadline: "18/8/2023"', 'deadline: "Tháng 12/9999"', "deadline"),
    ('deadline: "18/8/2023"', 'deadline: "18/8/2999"', "deadline"),
    ('completed: "17/8/2023"', 'completed: "17/8/9999"', "completed"),
])
def test_task_dates_outside_the_year_range_are_located_errors(repo_copy: Path, old, new, key):
    edit_text(repo_copy / "directives.yaml", old, new)
    result = run(repo_copy, "check")
    line, col = line_of(repo_copy, "directives.yaml", new)
    assert result.exit_code == 1, result.output
    errors = [p for p in problem_lines(result.output) if ": E" in p]
    assert errors and errors[0].startswith(f"directives.yaml:{line}:{col}: E30"), result.output
    assert "nằm ngoài khoảng 1990–2100" in errors[0]
    assert "out of range" not in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("month", ["0000-01", "9999-12", "1/0000", "2101-01"])
def test_new_with_an_impossible_year_is_a_clear_message(repo_copy: Path, month: str):
    result = run(repo_copy, "new", month)
    # written right but impossible: refused like impossible content (exit 1, never 2)
    assert result.exit_code == 1, result.output
    assert "nằm ngoài khoảng 1990–2100" in result.output
    assert "invalid literal" not in result.output and "out of range" not in result.output
    assert sorted(p.name for p in (repo_copy / "content").iterdir()) == ["2023", "2025"]


def test_new_with_month_13_is_refused_with_exit_1(repo_copy: Path):
    result = run(repo_copy, "new", "2023-13")
    assert result.exit_code == 1, result.output
    assert "không tồn tại" in result.output and "Traceback" not in result.output


def test_new_month_library_refuses_a_bad_key(repo_copy: Path):
    from baocao.commands.new import new_month
    from baocao.errors import NewMonthError

    for key in ("0-01", "0000-01", "2023-13", "abc"):
        with pytest.raises(NewMonthError):
            new_month(repo_copy, key)


def test_a_year_zero_folder_is_refused(repo_copy: Path):
    shutil.copytree(repo_copy / "content/2023/09", repo_copy / "content/0000/01")
    result = run(repo_copy, "check")
    assert result.exit_code == 1, result.output
    assert ("content/0000:1:1: E502: thư mục năm \"0000\" nằm ngoài khoảng 1990–2100 "
            "(thư mục báo cáo có dạng content/<năm>/<tháng>, ví dụ content/2023/09)") in result.output
    assert "tháng 1/0" not in result.output
    build = run(repo_copy, "build")
    assert build.exit_code == 1 and not (repo_copy / "site").exists()


# --------------------------------------------------------------------------------------------
# Look-alike duplicates


def test_skeleton_folds_cyrillic_and_greek_look_alikes():
    from baocao.confusables import skeleton

    assert skeleton(f"4502/UBND-KGV{CYRILLIC_HA}") == skeleton("4502/UBND-KGVX")
    assert skeleton("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ") == skeleton("ABEZHIKMNOPTYX")  # Greek capitals
    assert skeleton("асеорху") == skeleton("aceopxy")  # Cyrillic small letters
    assert skeleton("４５０２／ＵＢＮＤ") == skeleton("4502/UBND")  # NFKC: full-width forms
    # Vietnamese letters keep their marks: these are different words, not look-alikes.
    assert skeleton("Đơn") != skeleton("Don") and skeleton("Hà") != skeleton("Ha")


def test_a_task_duplicated_with_a_cyrillic_letter_is_warned(repo_copy: Path):
    path = repo_copy / "directives.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - id: 2023-4502-UBND-KGVX")
    end = text.index("\n\n", start)
    twin = text[start:end].replace("KGVX", f"KGV{CYRILLIC_HA}")
    path.write_text(text.rstrip("\n") + "\n\n" + twin + "\n", encoding="utf-8")
    result = run(repo_copy, "check")
    id_line, id_col = line_of(repo_copy, "directives.yaml", f"id: 2023-4502-UBND-KGV{CYRILLIC_HA}")
    doc_line, doc_col = line_of(repo_copy, "directives.yaml", f"document: \"4502/UBND-KGV{CYRILLIC_HA}")
    first, _ = line_of(repo_copy, "directives.yaml", "id: 2023-4502-UBND-KGVX")
    found = problem_lines(result.output)
    assert (f"directives.yaml:{id_line}:{id_col}: W402: mã nhiệm vụ \"2023-4502-UBND-KGV{CYRILLIC_HA}\" "
            f"trông giống hệt mã nhiệm vụ \"2023-4502-UBND-KGVX\" ở dòng {first} nhưng khác ký tự "
            f"(\"{CYRILLIC_HA}\" U+0425 thay cho \"X\"); có phải cùng một văn bản, nhiệm vụ? Hãy gõ "
            "lại bằng chữ Latin (thường do dán từ văn bản khác)") in found, result.output
    assert any(p.startswith(f"directives.yaml:{doc_line}:{doc_col}: W402: số văn bản "
                            f"\"4502/UBND-KGV{CYRILLIC_HA}\" trông giống hệt số văn bản") for p in found)
    assert result.exit_code == 0  # a warning: the editor decides


# --------------------------------------------------------------------------------------------
# Bidi controls


BIDI = ["\u202e", "\u202a", "\u202b", "\u202c", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069",
        "\u200e", "\u200f", "\u061c"]


@pytest.mark.parametrize("char", BIDI)
def test_bidi_control_in_the_signers_name_is_refused(repo_copy: Path, char: str):
    edit_text(repo_copy / INDEX, 'name: "Triệu Ngọc Trung"', f'name: "Triệu {char}Ngọc Trung"')
    result = run(repo_copy, "check")
    line, col = line_of(repo_copy, INDEX, char)
    assert result.exit_code == 1, result.output
    assert (f"{INDEX}:{line}:{col}: E107: có ký tự điều khiển hướng chữ vô hình (U+{ord(char):04X}) "
            "làm chữ hiện sai thứ tự; hãy xóa ký tự này (gõ lại đoạn chữ quanh nó)") in result.output


@pytest.mark.parametrize(("rel", "old"), [
    (INDEX, '"Văn phòng UBND tỉnh;"'),  # a recipient
    (INDEX, '"Kết quả công tác tháng 9/2023'),  # the title
    ("directives.yaml", '"4502/UBND-KGVX"'),  # a document number
    ("directives.yaml", "id: 2023-339-TB-UBND"),  # a task id
    (SECTION, "title:"),  # a section title
    (SECTION, "- Hoàn thành việc tổ chức"),  # body text
])
def test_bidi_controls_are_refused_in_every_field_and_the_body(repo_copy: Path, rel: str, old: str):
    edit_text(repo_copy / rel, old, old[:-3] + "\u202e" + old[-3:])
    result = run(repo_copy, "check")
    line, col = line_of(repo_copy, rel, "\u202e")
    assert result.exit_code == 1, result.output
    assert f"{rel}:{line}:{col}: E107: " in result.output


# --------------------------------------------------------------------------------------------
# Document numbers that run off the page


def test_issue_refuses_a_60_digit_number(repo_copy: Path):
    before = (repo_copy / INDEX).read_bytes()
    result = run(repo_copy, "issue", "2023-09", "--number", "9" * 60, "--date", "2023-09-28")
    assert result.exit_code == 1, result.output
    assert "số văn bản quá dài (60 chữ số; tối đa 7 chữ số)" in result.output
    assert (repo_copy / INDEX).read_bytes() == before
    assert not (repo_copy / "content/2023/09/ban-hanh.json").exists()


def test_a_long_number_in_index_is_a_located_error(repo_copy: Path):
    edit_text(repo_copy / INDEX, "number:            #", f"number: {'9' * 60} #")
    result = run(repo_copy, "check")
    line, col = line_of(repo_copy, INDEX, "number: 999")
    assert result.exit_code == 1, result.output
    assert (f"{INDEX}:{line}:{col}: E203: \"number\": số văn bản quá dài (60 chữ số; tối đa 7 "
            "chữ số)") in result.output


def test_number_zero_is_a_vietnamese_message(repo_copy: Path):
    edit_text(repo_copy / INDEX, "number:            #", "number: 0 #")
    result = run(repo_copy, "check")
    assert result.exit_code == 1
    assert "\"number\": số văn bản phải là số nguyên dương" in result.output
    assert "Input should" not in result.output


# --------------------------------------------------------------------------------------------
# Nesting deeper than the documents can lay out


def test_a_20_deep_blockquote_is_refused_at_its_line(repo_copy: Path):
    path = repo_copy / SECTION
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\n" + "> " * 20 + "Trích dẫn lồng nhau\n", encoding="utf-8")
    result = run(repo_copy, "check")
    line, col = line_of(repo_copy, SECTION, "Trích dẫn lồng nhau")  # at its text (issue 18)
    assert result.exit_code == 1, result.output
    assert (f"{SECTION}:{line}:{col}: E506: khối trích dẫn và danh sách lồng nhau quá 4 cấp "
            "(ở đây 20 cấp); văn bản hành chính chỉ dùng ý \"- \" và ý con \"+ \", hãy bớt "
            "cấp lồng") in result.output


def test_a_deep_list_is_refused_at_its_line_and_four_levels_pass(repo_copy: Path):
    path = repo_copy / SECTION
    text = path.read_text(encoding="utf-8")
    four = "".join(f"{'    ' * i}{'-+'[i % 2]} Ý cấp {i + 1}\n" for i in range(4))
    assert run(repo_copy, "check").exit_code == 0
    path.write_text(text + "\n" + four, encoding="utf-8")
    assert run(repo_copy, "check").exit_code == 0, run(repo_copy, "check").output
    six = "".join(f"{'    ' * i}{'-+'[i % 2]} Ý mức {i + 1}\n" for i in range(6))
    path.write_text(text + "\n" + six, encoding="utf-8")
    result = run(repo_copy, "check")
    line, col = line_of(repo_copy, SECTION, "Ý mức 5")
    assert result.exit_code == 1, result.output
    assert f"{SECTION}:{line}:{col}: E506: khối trích dẫn và danh sách lồng nhau quá 4 cấp (ở đây 6 cấp)" \
        in result.output


def test_nesting_written_on_one_line_is_found(repo_copy: Path):
    path = repo_copy / SECTION
    path.write_text(path.read_text(encoding="utf-8") + "\n- > - > - x\n", encoding="utf-8")
    result = run(repo_copy, "check")
    assert result.exit_code == 1 and "lồng nhau quá 4 cấp (ở đây 5 cấp)" in result.output


# --------------------------------------------------------------------------------------------
# History from a shallow clone


def _git(repo: Path, *args: str) -> str:
    env = dict(os.environ, GIT_AUTHOR_DATE="2023-09-15T10:00:00+07:00",
               GIT_COMMITTER_DATE="2023-09-15T10:00:00+07:00")
    return subprocess.run(["git", "-c", "user.email=a@example.invalid", "-c", "user.name=Tác giả A",
                           *args], cwd=repo, check=True, capture_output=True, text=True, env=env).stdout


def test_history_of_a_shallow_clone_is_unknown_not_wrong(repo_copy: Path, tmp_path: Path):
    from baocao.site_inputs import read_git_history

    _git(repo_copy, "init", "-q", "-b", "main")
    _git(repo_copy, "add", "-A")
    _git(repo_copy, "commit", "-q", "-m", "tháng 9")
    edit_text(repo_copy / "directives.yaml", "# Hướng dẫn", "# Ghi chú mới. Hướng dẫn")
    env_day = "2024-03-02T10:00:00+07:00"
    subprocess.run(["git", "-c", "user.email=b@example.invalid", "-c", "user.name=Người B", "commit",
                    "-qam", "sổ nhiệm vụ"], cwd=repo_copy, check=True,
                   env=dict(os.environ, GIT_AUTHOR_DATE=env_day, GIT_COMMITTER_DATE=env_day))
    full = read_git_history(repo_copy)
    assert str(full["content/2023/09"].date) == "2023-09-15"
    assert full["content/2023/09"].authors == ("Tác giả A",)

    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo_copy}", str(clone)],
                   check=True)
    assert subprocess.run(["git", "rev-parse", "--is-shallow-repository"], cwd=clone, text=True,
                          capture_output=True, check=True).stdout.strip() == "true"
    # Without the check every file would carry the last commit: 2/3/2024 by "Người B".
    assert read_git_history(clone) == {}

    from datetime import date

    from baocao.render.site import SiteContext, render_site, report_page
    from baocao.repo import load_checked

    repo, _ = load_checked(clone)
    page = report_page(repo.reports[0])
    for revisions, shown in ((read_git_history(clone), False), (full, True)):
        pages = render_site(SiteContext(repo, date(2023, 10, 1), revisions=revisions),
                            ROOT / "templates")
        assert ("Cập nhật lần cuối" in pages[page]) is shown
        assert "Người B" not in pages[page] and "02/3/2024" not in pages[page]


def test_ci_fetches_the_whole_history():
    import yaml

    cfg = yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert str(cfg["variables"]["GIT_DEPTH"]) == "0"


# --------------------------------------------------------------------------------------------
# serve stopped with SIGTERM


def test_serve_stopped_with_sigterm_removes_its_folder(tmp_path: Path):
    import socket

    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "minimal", repo)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, TMPDIR=str(tmp), PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "baocao.cli", "--repo", str(repo), "serve",
                             "--port", str(port), "--as-of", "2024-01-30"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True,
                            encoding="utf-8")
    try:
        out = []
        assert proc.stdout is not None
        deadline = time.monotonic() + 120
        for line in proc.stdout:
            out.append(line)
            if "Xem trước tại" in line or time.monotonic() > deadline:
                break
        assert "Xem trước tại" in "".join(out), "".join(out)
        assert [p.name[:13] for p in tmp.iterdir()] == ["baocao-serve-"]
        proc.send_signal(signal.SIGTERM)
        rest, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert "Đã dừng." in rest and "Traceback" not in rest
    assert proc.returncode == 0
    assert list(tmp.iterdir()) == []
