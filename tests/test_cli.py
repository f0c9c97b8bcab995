"""The command line on the shipped content: check, render, directives and its exports."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from baocao.cli import cli


def invoke(*args: str):
    return CliRunner().invoke(cli, ["--repo", str(ROOT), *args], catch_exceptions=False)


def test_check_on_shipped_content_exits_0_with_the_warning():
    result = invoke("check")
    assert result.exit_code == 0
    assert "W501" in result.output
    assert result.output.endswith("Không có lỗi (1 cảnh báo).\n")


@pytest.mark.parametrize("cmd", [[], ["check"], ["render"], ["directives"]])
def test_help_on_every_command(cmd):
    result = invoke(*cmd, "--help")
    assert result.exit_code == 0
    assert "Cách dùng:" in result.output


def test_render_prints_the_report_in_document_order():
    out = invoke("render", "2023-09").output
    order = ["UBND TỈNH BẮC GIANG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "# BÁO CÁO",
             "## Phần I", "## Phần II", "**Nơi nhận:**", "**KT. GIÁM ĐỐC**", "Triệu Ngọc Trung",
             "## Phụ lục", "ĐÃ THỰC HIỆN: 04 nhiệm vụ", "ĐANG THỰC HIỆN: 10 nhiệm vụ (trong hạn)",
             "**Chưa thực hiện: 0**"]
    positions = [out.index(s) for s in order]
    assert positions == sorted(positions)
    assert invoke("render", "9/2023").output == out


def test_render_unknown_month_is_a_clear_error():
    result = invoke("render", "2031-02")
    assert result.exit_code == 1
    assert "không có báo cáo tháng 2031-02" in result.output


def test_directives_csv_opens_in_excel_with_vietnamese_intact(tmp_path: Path):
    out = tmp_path / "nv.csv"
    assert invoke("directives", "--as-of", "1/10/2023", "--format", "csv", "-o", str(out)).exit_code == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 14
    overdue = [r for r in rows if r["Tình trạng"] == "đang thực hiện quá hạn"]
    assert [r["Số/Ký hiệu VBCĐ"] for r in overdue] == ["1922/UBND-KGVX"]


def test_directives_status_filter_and_json():
    result = invoke("directives", "--as-of", "2023-09-14", "--status", "hoan-thanh", "--format", "json")
    doc = json.loads(result.output)
    assert doc["as_of"] == "2023-09-14"
    assert {t["document"] for t in doc["tasks"]} == {
        "4502/UBND-KGVX", "339/TB-UBND", "3841/UBND-KGVX", "3991/UBND-KGVX"}


def test_directives_report_option_lists_the_appendix_tasks():
    doc = json.loads(invoke("directives", "--report", "2023-09", "--format", "json").output)
    assert len(doc["tasks"]) == 14 and doc["as_of"] == "2023-09-14"


def test_directives_xlsx(tmp_path: Path):
    from openpyxl import load_workbook

    out = tmp_path / "nv.xlsx"
    assert invoke("directives", "--format", "xlsx", "-o", str(out)).exit_code == 0
    ws = load_workbook(out).active
    assert ws.cell(1, 4).value == "Nội dung công việc"
    docs = {ws.cell(r, 2).value for r in range(2, ws.max_row + 1)}
    # a header row, then the register's 39 tasks: 14 of 2023 and 25 of 2024-2025
    assert "3149/UBND-NC" in docs and "2756/UBND-KGVX" in docs and ws.max_row == 1 + 14 + 25


def test_directives_table_and_bad_status():
    result = invoke("directives", "--as-of", "2023-10-01", "--status", "qua-han")
    assert result.exit_code == 0
    assert "1922/UBND-KGVX" in result.output and "Tổng số: 1 nhiệm vụ." in result.output
    bad = invoke("directives", "--status", "tre-han")
    assert bad.exit_code == 2 and "tình trạng \"tre-han\" không hợp lệ" in bad.output


def test_console_script_runs_and_never_shows_a_traceback(tmp_path: Path):
    """A folder that is not a content repository: one Vietnamese line, exit 1."""
    proc = subprocess.run([sys.executable, "-m", "baocao.cli", "--repo", str(tmp_path), "check"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 1
    assert "không tìm thấy kho nội dung" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
