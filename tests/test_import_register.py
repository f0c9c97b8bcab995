"""baocao directives import (issue 19): the task register from a spreadsheet with Vietnamese
headers, written here with openpyxl (and as CSV) from the shipped register's 2023 tasks."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest
import yaml
from conftest import ROOT

BAOCAO = [sys.executable, "-m", "baocao"]
HEADERS = ["STT", "Số, ký hiệu văn bản", "Ngày văn bản", "Trích yếu nội dung", "Thời hạn",
           "Ngày hoàn thành", "Kết quả xử lý", "Đơn vị chủ trì", "Tình trạng"]


def run(args: list[str], cwd: Path, ok: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([*BAOCAO, *args], cwd=cwd, capture_output=True, text=True, check=False)
    if ok:
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def shipped_tasks() -> list[dict]:
    data = yaml.safe_load((ROOT / "directives.yaml").read_text(encoding="utf-8"))
    return [t for t in data["tasks"] if t["id"].startswith("2023-")]


def _day(text: str) -> date:
    d, m, y = (int(x) for x in text.split("/"))
    return date(y, m, d)


def sheet_rows(tasks: list[dict]) -> list[list[object]]:
    rows = []
    for n, t in enumerate(tasks, 1):
        rows.append([n, t["document"], _day(t["issued"]), t["summary"], t.get("deadline", ""),
                     _day(t["completed"]) if t.get("completed") else None, t.get("result", ""),
                     t.get("unit", ""), "Đã hoàn thành" if t.get("completed") else "Đang làm"])
    return rows


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["SỔ THEO DÕI NHIỆM VỤ UBND TỈNH GIAO"])  # a title row above the header
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    for name in ("organization.yaml", "mkdocs.yml"):
        shutil.copy(ROOT / name, root / name)
    (root / "content").mkdir()
    return root


def test_xlsx_into_an_empty_register_checks_clean(repo: Path, tmp_path: Path) -> None:
    tasks = shipped_tasks()
    src = write_xlsx(tmp_path / "so.xlsx", sheet_rows(tasks))
    proc = run(["directives", "import", str(src)], repo)
    assert f"Nhiệm vụ mới: {len(tasks)}; thay đổi: 0; không đổi: 0" in proc.stdout
    assert "Tình trạng" in proc.stdout  # the status column is named as ignored
    run(["check"], repo)
    got = {t["id"]: t for t in yaml.safe_load((repo / "directives.yaml").read_text())["tasks"]}
    for t in tasks:
        mine = got[t["id"]]  # the same ids as the shipped register's
        for key in ("document", "summary", "deadline", "result"):
            assert mine.get(key, "") == t.get(key, ""), (t["id"], key)
        for key in ("issued", "completed"):
            if t.get(key):
                assert _day(mine[key]) == _day(t[key])
    # statuses are the engine's: the same as with the shipped register at 14/9/2023
    mine_status = run(["directives", "--as-of", "14/9/2023", "--format", "csv"], repo).stdout
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    for name in ("organization.yaml", "mkdocs.yml"):
        shutil.copy(ROOT / name, shipped / name)
    (shipped / "content").mkdir()
    data = (ROOT / "directives.yaml").read_text(encoding="utf-8")
    (shipped / "directives.yaml").write_text(data.split("  # ---")[0], encoding="utf-8")
    theirs = run(["directives", "--as-of", "14/9/2023", "--format", "csv"], shipped).stdout

    def status_of(text: str) -> dict[str, str]:
        rows = list(csv.DictReader(text.lstrip("\ufeff").splitlines()))
        return {r["Mã"]: r["Tình trạng"] for r in rows}

    assert status_of(mine_status) == status_of(theirs) and len(status_of(theirs)) >= 10


def test_second_import_shows_exactly_the_changes(repo: Path, tmp_path: Path) -> None:
    tasks = shipped_tasks()
    rows = sheet_rows(tasks)
    run(["directives", "import", str(write_xlsx(tmp_path / "a.xlsx", rows))], repo)
    register = repo / "directives.yaml"
    # an editor's comment and order must survive the merge
    text = register.read_text().replace("tasks:\n", "tasks:\n  # Ghi chú của biên tập viên.\n", 1)
    register.write_text(text)
    changed = [list(r) for r in rows]
    changed[5][5] = date(2023, 10, 2)  # 3797/UBND-KGVX completed
    changed[5][6] = "Công văn số 1300/KHCN-QLKH ngày 02/10/2023"
    changed.append([len(changed) + 1, "5123/UBND-KGVX", date(2023, 9, 20),
                    "V/v báo cáo kết quả triển khai Đề án 06", "30/10/2023", None, "", "", ""])
    src = write_xlsx(tmp_path / "b.xlsx", changed)
    dry = run(["directives", "import", str(src), "--dry-run"], repo)
    assert f"Nhiệm vụ mới: 1; thay đổi: 1; không đổi: {len(tasks) - 1}" in dry.stdout, dry.stdout
    assert "2023-3797-UBND-KGVX" in dry.stdout and "+ 2023-5123-UBND-KGVX" in dry.stdout
    assert register.read_text() == text  # the dry run wrote nothing
    run(["directives", "import", str(src)], repo)
    after = register.read_text()
    assert "  # Ghi chú của biên tập viên.\n" in after
    ids = [t["id"] for t in yaml.safe_load(after)["tasks"]]
    assert ids == [t["id"] for t in tasks] + ["2023-5123-UBND-KGVX"]
    got = {t["id"]: t for t in yaml.safe_load(after)["tasks"]}
    assert got["2023-3797-UBND-KGVX"]["completed"] == "2/10/2023"
    run(["check"], repo)
    # the same export once more: nothing changes
    again = run(["directives", "import", str(src), "--dry-run"], repo)
    assert f"thay đổi: 0; không đổi: {len(tasks) + 1}" in again.stdout


def test_csv_and_a_column_named_by_hand(repo: Path, tmp_path: Path) -> None:
    tasks = shipped_tasks()[:3]
    src = tmp_path / "so.csv"
    with src.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["TT", "Văn bản giao", "Ngày", "Việc phải làm", "Hạn"])
        for n, t in enumerate(tasks, 1):
            w.writerow([n, t["document"], t["issued"], t["summary"], t.get("deadline", "")])
    proc = run(["directives", "import", str(src), "--cot", "ngay_ban_hanh=Ngày",
                "--cot", "noi_dung=Việc phải làm", "--cot", "thoi_han=E"], repo)
    assert "Nhiệm vụ mới: 3" in proc.stdout, proc.stdout
    run(["check"], repo)
    bad = run(["directives", "import", str(src), "--cot", "noi_dung=Không có"], repo, ok=False)
    assert bad.returncode == 1 and "không có cột" in bad.stderr and "Traceback" not in bad.stderr


def test_the_tools_own_export_changes_nothing(tmp_path: Path) -> None:
    """The register exported by baocao directives (CSV and XLSX) imports as unchanged: a task
    whose deadline was extended shows its deadline in force, which is not a new fact."""
    from conftest import copy_shipped_repo

    repo = copy_shipped_repo(tmp_path / "shipped")
    n = len(yaml.safe_load((repo / "directives.yaml").read_text())["tasks"])
    for fmt in ("csv", "xlsx"):
        out = tmp_path / f"so.{fmt}"
        run(["directives", "--as-of", "31/12/2025", "--format", fmt, "-o", str(out)], repo)
        proc = run(["directives", "import", str(out), "--dry-run"], repo)
        assert f"Nhiệm vụ mới: 0; thay đổi: 0; không đổi: {n}" in proc.stdout, proc.stdout


def test_the_editors_guide_explains_the_migration() -> None:
    guide = (ROOT / "docs" / "huong-dan-bien-tap.md").read_text(encoding="utf-8")
    chapter = guide[guide.index("## 11. Chuyển kho báo cáo cũ"):]
    for text in ("baocao import", "--dry-run", "baocao directives import", "--cot",
                 "Không chuyển được", "Phỏng đoán", "Khác với số liệu công cụ tính",
                 "không bao giờ ghi đè"):
        assert text in chapter, text
    # the import report's three headings are the ones the guide names
    from baocao.importing.summary import NOTE_TITLES

    assert all(title in chapter for title in NOTE_TITLES.values())


def _not_a_spreadsheet(folder: Path) -> list[Path]:
    import zipfile

    (folder / "rac.xlsx").write_text("rác\n", encoding="utf-8")  # not a zip
    with zipfile.ZipFile(folder / "zip.xlsx", "w") as z:  # a zip, not a workbook
        z.writestr("a.txt", "x")
    (folder / "nhi-phan.csv").write_bytes(bytes([0x81, 0x8A, 0x8D, 0xFF, 0xFE]) * 10)
    return [folder / "rac.xlsx", folder / "zip.xlsx", folder / "nhi-phan.csv"]


def test_a_file_that_is_not_a_spreadsheet_is_refused_in_vietnamese(repo: Path,
                                                                     tmp_path: Path) -> None:
    """Garbage named .xlsx or .csv: a Vietnamese error naming the file, exit 1, nothing written
    (it used to be "Lỗi nội bộ … (BadZipFile …)", or Python's own English for a CSV)."""
    for path in _not_a_spreadsheet(tmp_path):
        proc = run(["directives", "import", str(path)], repo, ok=False)
        assert proc.returncode == 1, proc.stderr
        assert proc.stderr.startswith(f"Lỗi: {path.name}: không đọc được"), proc.stderr
        assert "nội bộ" not in proc.stderr and "codec" not in proc.stderr, proc.stderr
        assert not (repo / "directives.yaml").exists()


def test_a_linked_register_is_refused_not_written_through(repo: Path, tmp_path: Path) -> None:
    """directives.yaml as a symbolic link to a section file: refused as check refuses it (E108),
    and the file it points at is left as it was."""
    victim = repo / "content/2023/09/01-victim.md"
    victim.parent.mkdir(parents=True)
    victim.write_text("", encoding="utf-8")
    (repo / "directives.yaml").symlink_to("content/2023/09/01-victim.md")
    sheet = tmp_path / "so.csv"
    sheet.write_text("STT;Số, ký hiệu văn bản;Ngày văn bản;Trích yếu nội dung;Thời hạn\n"
                     "1;123/UBND-KT;01/09/2023;Báo cáo việc A;30/09/2023\n", encoding="utf-8")
    proc = run(["directives", "import", str(sheet)], repo, ok=False)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "directives.yaml:1:1: E108" in proc.stderr and "liên kết tượng trưng" in proc.stderr, \
        proc.stderr
    assert victim.read_text(encoding="utf-8") == ""
    assert (repo / "directives.yaml").is_symlink()
    check = run(["check"], repo, ok=False)
    assert "directives.yaml:1:1: E108" in check.stdout + check.stderr


def test_a_register_that_is_a_folder_is_refused(repo: Path, tmp_path: Path) -> None:
    (repo / "directives.yaml").mkdir()
    sheet = tmp_path / "so.csv"
    sheet.write_text("STT;Số, ký hiệu văn bản;Ngày văn bản;Trích yếu nội dung;Thời hạn\n"
                     "1;123/UBND-KT;01/09/2023;Báo cáo việc A;30/09/2023\n", encoding="utf-8")
    proc = run(["directives", "import", str(sheet)], repo, ok=False)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert proc.stderr == "Lỗi: directives.yaml là một thư mục, không phải tệp: không ghi\n"
    assert sorted(p.name for p in repo.iterdir()) == ["content", "directives.yaml", "mkdocs.yml",
                                                       "organization.yaml"]
