"""baocao import (issue 19): earlier reports from Word into the content format.

Two inputs: the shipped September 2023 DOCX (the round trip), and DOCX files made the way staff
make them, written here with python-docx from the seed text (manual "-"/"+" paragraphs, Word
list numbering, tabs, a header table with the agency and the national motto, a title broken by a
manual line break, an appendix table whose rows continue on the next page). Each import goes into
an empty repository; its documents are built with the project's own commands and compared with
the shipped report's."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from difflib import SequenceMatcher
from pathlib import Path

import docx
import pytest
import yaml
from conftest import ROOT, copy_shipped_repo, soffice
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

SEED = Path("/work/shared/seeds/000_19f09592a08089bb.txt")
BAOCAO = [sys.executable, "-m", "baocao"]


def run(args: list[str], cwd: Path, ok: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([*BAOCAO, *args], cwd=cwd, capture_output=True, text=True, check=False)
    if ok:
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def empty_repo(path: Path) -> Path:
    path.mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", path / "mkdocs.yml")
    (path / "templates").symlink_to(ROOT / "templates")
    return path


def docx_text(path: Path) -> tuple[str, list[list[str]]]:
    """The body paragraphs' text in order (tables' text in place) and the last table's rows."""
    d = docx.Document(str(path))
    parts: list[str] = []
    body = d.element.body
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            parts.append("".join(t.text or "" for t in child.iter(qn("w:t"))))
        elif child.tag == qn("w:tbl"):
            for t in child.iter(qn("w:t")):
                parts.append(t.text or "")
    rows = [[" ".join(c.text.split()) for c in row.cells] for row in d.tables[-1].rows]
    return "\n".join(parts).replace("\u2011", "-"), rows


def shipped_docx(tmp: Path) -> Path:
    repo = copy_shipped_repo(tmp / "shipped", years=("2023",))
    out = tmp / "shipped.docx"
    run(["docx", "2023-09", "-o", str(out)], repo)
    return out


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shipped_docx(tmp_path_factory.mktemp("shipped"))


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def in_order_share(a: str, b: str) -> float:
    """Share of the characters of *a*'s words found in order in *b* (longest common
    subsequence of words, counted in characters)."""
    wa, wb = words(a), words(b)
    sm = SequenceMatcher(None, wa, wb, autojunk=False)
    same = sum(len("".join(wa[i:i + n])) for i, _, n in sm.get_matching_blocks())
    return same / len("".join(wa))


def statuses(rows: list[list[str]]) -> list[str]:
    return [r[5] for r in rows if r and r[0].isdigit()]


# --------------------------------------------------------------------------------------------
def test_round_trip_of_the_shipped_docx(shipped: Path, tmp_path: Path) -> None:
    repo = empty_repo(tmp_path / "repo")
    proc = run(["import", str(shipped)], repo)
    assert "content/2023/09" in proc.stdout
    assert "Không chuyển được" not in proc.stdout, proc.stdout
    run(["check"], repo)
    out = tmp_path / "again.docx"
    run(["docx", "2023-09", "-o", str(out)], repo)
    text_a, rows_a = docx_text(shipped)
    text_b, rows_b = docx_text(out)
    assert words(text_b) == words(text_a)
    assert rows_b == rows_a
    assert statuses(rows_b) == statuses(rows_a) and len(statuses(rows_a)) == 14
    # the counts are the engine's placeholders again
    body = (repo / "content/2023/09/01-thuc-hien-nhiem-vu-do-ubnd.md").read_text()
    assert "Tổng số: {{ tong_so }} nhiệm vụ." in body
    # never over a month that exists, and a dry run writes nothing
    before = sorted(p.relative_to(repo) for p in repo.rglob("*"))
    again = run(["import", str(shipped)], repo, ok=False)
    assert again.returncode == 1 and "đã có trong kho" in again.stderr + again.stdout
    assert "Traceback" not in again.stderr
    assert sorted(p.relative_to(repo) for p in repo.rglob("*")) == before


def test_dry_run_writes_nothing(shipped: Path, tmp_path: Path) -> None:
    repo = empty_repo(tmp_path / "repo")
    before = sorted(p.name for p in repo.iterdir())
    proc = run(["import", str(shipped), "--dry-run"], repo)
    assert "tháng 9/2023" in proc.stdout
    assert sorted(p.name for p in repo.iterdir()) == before


# --------------------------------------------------------------------------------------------
# A report as staff type it in Word, from the seed text

def _tcvn3(text: str) -> str:
    """*text* as typed with a TCVN3 (ABC) font: each letter the one-byte code of TCVN 5712:1993
    (read as Latin-1), capitals TCVN3 lacks left as they are."""
    from baocao.vietnamese import _TCVN3

    back = {v: k for k, v in _TCVN3.items()}
    return "".join(back.get(ch, ch) for ch in text)


LEGACY = False


def _runs(par, text: str, bold: bool = False) -> None:
    """*text* into *par*, "*x*" as italic runs (in TCVN3 with a .VnTime font when LEGACY)."""
    for n, piece in enumerate(re.split(r"\*([^*]+)\*", text)):
        if piece:
            run_ = par.add_run(_tcvn3(piece) if LEGACY else piece)
            if LEGACY:
                run_.font.name = ".VnTime"
            run_.bold = bold or None
            run_.italic = (n % 2 == 1) or None


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def word_docx(path: Path, *, word_lists: bool, edits: tuple[tuple[str, str], ...] = ()) -> Path:
    """The seed's report as staff make it. *word_lists*: "-" paragraphs use Word's bullet list
    numbering (the "- +" lines of the seed are such bullets whose text starts with "+");
    otherwise every marker is typed."""
    seed = SEED.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in seed
        seed = seed.replace(old, new, 1)
    lines = seed.split("\n")
    d = docx.Document()
    head = d.add_table(rows=2, cols=2)
    left, right = head.rows[0].cells
    agency = left.paragraphs[0].add_run(_tcvn3("ubnd tỉnh bắc giang") if LEGACY
                                        else "UBND TỈNH BẮC GIANG")
    if LEGACY:  # typed in lower case with the capitals-only TCVN3 font
        agency.font.name = ".VnTimeH"
    left.add_paragraph().add_run("SỞ KHOA HỌC VÀ CÔNG NGHỆ").bold = True
    right.paragraphs[0].add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").bold = True
    right.add_paragraph().add_run("Độc lập - Tự do - Hạnh phúc").bold = True
    i = 0
    while not lines[i].startswith("Số:"):
        i += 1
    head.rows[1].cells[0].paragraphs[0].add_run(lines[i].strip())
    i += 1
    while not lines[i].strip():
        i += 1
    head.rows[1].cells[1].paragraphs[0].add_run(lines[i].strip()).italic = True
    i += 1
    while lines[i].strip() != "BÁO CÁO":
        i += 1
    d.add_paragraph().add_run("BÁO CÁO").bold = True
    i += 1
    while not lines[i].strip():
        i += 1
    title = lines[i].strip()
    p = d.add_paragraph()
    first, rest = title.split(", ", 1)
    r = p.add_run(first + ",")
    r.bold = True
    r.add_break(WD_BREAK.LINE)
    p.add_run(rest).bold = True
    i += 1
    tail = next(n for n, line in enumerate(lines) if line.startswith("Nơi nhận"))
    for line in lines[i:tail]:
        text = line.rstrip()
        if not text.strip():
            continue
        if re.match(r"^(Phần\s+[IV]+|[IVX]+\.\s|\d+\.\s)", text) or text.isupper():
            _runs(d.add_paragraph(), text, bold=True)
        elif word_lists and text.startswith("- "):
            _runs(d.add_paragraph(style="List Bullet"), text[2:])
        elif text.startswith("+ "):
            # a "+" line typed with a tab before it, as staff indent by hand
            _runs(d.add_paragraph(), "\t" + text)
        else:
            _runs(d.add_paragraph(), text)
    # Nơi nhận and the signature: a borderless two-column table
    end = next(n for n, line in enumerate(lines) if line.startswith("Phụ lục"))
    block = [x.strip() for x in lines[tail:end] if x.strip()]
    sign = [x.replace("*", "") for x in block if not x.startswith(("Nơi nhận", "- "))]
    sign = [y for x in sign for y in x.split("\n")]
    t = d.add_table(rows=1, cols=2)
    cell = t.rows[0].cells[0]
    cell.paragraphs[0].add_run("Nơi nhận:").bold = True
    for x in block:
        if x.startswith("- "):
            cell.add_paragraph(x)
    cell = t.rows[0].cells[1]
    cell.paragraphs[0].add_run(sign[0]).bold = True
    for x in sign[1:]:
        cell.add_paragraph().add_run(x).bold = True
    d.add_page_break()
    # the appendix: its title lines, then a table typed with tabs in the seed
    k = end
    while "\t" not in lines[k]:
        if lines[k].strip():
            d.add_paragraph().add_run(lines[k].strip()).bold = True
        k += 1
    rows = []
    for line in lines[k:]:
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) > 7 and cells[1] == "":
            del cells[1]
        rows.append((cells + [""] * 7)[:7])
    table = d.add_table(rows=0, cols=7)
    table.style = "Table Grid"
    for n, cells in enumerate(rows):
        row = table.add_row()
        if n == 0:
            _repeat_header(row)
        if cells[0] and not cells[0].isdigit() and n > 0:  # a group row: one merged cell
            merged = row.cells[1].merge(row.cells[6])
            row.cells[0].text = cells[0]
            merged.text = " ".join(c for c in cells[1:] if c)
            continue
        for c, value in enumerate(cells):
            row.cells[c].text = value
    d.save(str(path))
    return path


def _app_name(path: Path) -> str:
    import zipfile

    with zipfile.ZipFile(path) as z:
        return z.read("docProps/app.xml").decode("utf-8")


def body_between(text: str) -> str:
    """The report's body: from Phần I to Nơi nhận."""
    start = text.index("Phần I")
    return text[start:text.index("Nơi nhận")]


@pytest.mark.parametrize(("word_lists", "legacy", "libreoffice"),
                         [(False, False, False), (True, False, False), (False, True, False),
                          (True, False, True)],
                         ids=["typed-markers", "word-lists", "tcvn3-body", "saved-by-libreoffice"])
def test_word_authored_report(shipped: Path, tmp_path: Path, word_lists: bool, legacy: bool,
                              libreoffice: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.modules[__name__], "LEGACY", legacy)
    src = word_docx(tmp_path / "bao-cao-thang-9-2023.docx", word_lists=word_lists)
    if libreoffice:  # opened and saved again by LibreOffice: its own DOCX (lists, tables)
        saved = tmp_path / "lo"
        subprocess.run([soffice(), "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                        "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(saved), str(src)],
                       check=True, capture_output=True, timeout=180)
        src = saved / src.name
        assert "LibreOffice" in _app_name(src)
    if legacy:  # the body really is TCVN3 in the file
        assert "C«ng t¸c c¶i c¸ch hµnh chÝnh" in docx_text(src)[0]
    repo = empty_repo(tmp_path / "repo")
    proc = run(["import", str(src)], repo)
    assert "content/2023/09" in proc.stdout
    assert ("phông .VnTime, .VnTimeH (bảng mã cũ) đã được chuyển" in proc.stdout) == legacy
    # the split rows are reported as guesses, with the row they came from
    assert "bảng, dòng" in proc.stdout and "ngắt trang" in proc.stdout
    run(["check"], repo)
    out = tmp_path / "imported.docx"
    run(["docx", "2023-09", "-o", str(out)], repo)
    text_a, rows_a = docx_text(shipped)
    text_b, rows_b = docx_text(out)
    share = in_order_share(body_between(text_a), body_between(text_b))
    assert share >= 0.99, share
    assert rows_b == rows_a
    index = (repo / "content/2023/09/index.md").read_text()
    assert 'title: "Kết quả công tác tháng 9/2023, nhiệm vụ công tác tháng 10/2023"' in index
    assert 'name: "Triệu Ngọc Trung"' in index
    org = (repo / "organization.yaml").read_text()
    assert "UBND TỈNH BẮC GIANG" in org and "Bắc Giang" in org
    # "+" items are nested under their "-" item, as the shipped content writes them
    body = (repo / "content/2023/09/02-xay-dung-co-che-chinh-sach.md").read_text()
    assert "\n    + Tình hình nhân dân tháng 9 năm 2023;" in body
    assert "\n    + Công tác cải cách hành chính quý III năm 2023;" in body  # "- +" in the seed
    assert "\n- +" not in body


# --------------------------------------------------------------------------------------------
# Word's own constructs inside a section: footnotes, a table, numbered and nested lists

CONSTRUCTS = """\
UBND TỈNH BẮC GIANG

SỞ KHOA HỌC VÀ CÔNG NGHỆ

Số: 15/BC-KHCN

Bắc Giang, ngày 20 tháng 3 năm 2024

BÁO CÁO

Kết quả công tác tháng 3/2024

Kính gửi: Ủy ban nhân dân tỉnh Bắc Giang

Thực hiện chỉ đạo của UBND tỉnh, Sở Khoa học và Công nghệ báo cáo như sau:

# Phần I KẾT QUẢ CÔNG TÁC THÁNG 3/2024

## I. THÔNG TIN KH&CN

Đã cập nhật cơ sở dữ liệu[^1] theo quy định.

| Chỉ tiêu | Số lượng |
|---|---|
| Biểu ghi | 1.250 |
| Bản tin | 02 |

1. Phát hành bản tin số 3;
2. Cập nhật trang thông tin điện tử.

- Tổ chức hội nghị:
    - Hội nghị tập huấn tại huyện Yên Dũng;
    - Hội nghị tại huyện Lạng Giang.

Tổng số: 3 nhiệm vụ.

# Phần II NHIỆM VỤ THÁNG 4/2024

## 1. Công tác khác

- Họp giao ban định kỳ.

Nơi nhận:

- Lưu: VT.

GIÁM ĐỐC

Nguyễn Văn A

[^1]: Cơ sở dữ liệu thống kê KH&CN của tỉnh.
"""


def test_footnotes_tables_and_word_lists_become_the_dialect(tmp_path: Path) -> None:
    from baocao.write.pandoc import run_pandoc

    src = tmp_path / "thang-3.docx"
    run_pandoc(["-f", "markdown", "-t", "docx", "-o", str(src)], input_text=CONSTRUCTS)
    repo = empty_repo(tmp_path / "repo")
    proc = run(["import", str(src)], repo)
    index = (repo / "content/2024/03/index.md").read_text()
    assert "number: 15" in index and "date: 2024-03-20" in index and "cutoff: 2024-03-20" in index
    assert 'position: "GIÁM ĐỐC"' in index and 'name: "Nguyễn Văn A"' in index
    assert 'addressees:\n  - "Ủy ban nhân dân tỉnh Bắc Giang"' in index
    assert 'title: "Kết quả công tác tháng 3/2024"' in index
    opening = (repo / "content/2024/03/00-mo-dau.md").read_text()
    assert opening.startswith("---\nkind: opening\n---")
    assert "Thực hiện chỉ đạo của UBND tỉnh, Sở Khoa học và Công nghệ báo cáo như sau:" in opening
    org = (repo / "organization.yaml").read_text()
    assert 'name: "Sở Khoa học và Công nghệ"' in org
    section = (repo / "content/2024/03/01-thong-tin-kh-cn.md").read_text()
    assert "cơ sở dữ liệu[^1] theo" in section
    assert "[^1]: Cơ sở dữ liệu thống kê KH&CN của tỉnh." in section
    assert "| Biểu ghi | 1.250 |" in section
    assert "\n1. Phát hành bản tin số 3;\n" in section  # Word numbering: literal text
    assert "- Tổ chức hội nghị:\n    + Hội nghị tập huấn tại huyện Yên Dũng;" in section
    # no appendix: the typed count stays typed
    assert "Tổng số: 3 nhiệm vụ." in section
    assert "Nơi nhận" not in section
    run(["check"], repo)
    assert "Không chuyển được" not in proc.stdout, proc.stdout


def test_a_folder_of_reports_one_failing(shipped: Path, tmp_path: Path) -> None:
    folder = tmp_path / "luu-tru"
    folder.mkdir()
    shutil.copy(shipped, folder / "2023-09.docx")
    (folder / "hong.docx").write_bytes(b"PK\x03\x04 not a real document")
    word = word_docx(folder / "bao-cao-2023-10.docx", word_lists=False)
    # the Word-authored file says September too: it is refused as a month that exists, the
    # broken file is refused as unreadable, and the good one is imported
    del word
    repo = empty_repo(tmp_path / "repo")
    proc = run(["import", str(folder)], repo, ok=False)
    assert proc.returncode == 1
    assert "Tổng hợp nhập báo cáo" in proc.stdout
    out = proc.stdout
    assert re.search(r"2023-09\.docx.*9/2023.*đã nhập", out), out
    assert "hong.docx: LỖI: hong.docx: không đọc được tệp Word" in out
    assert re.search(r"hong\.docx.*lỗi", out), out
    assert "bao-cao-2023-10.docx: LỖI" in out and "đã có trong kho" in out
    assert (repo / "content/2023/09/index.md").is_file()
    assert "Traceback" not in proc.stderr


def test_never_writes_outside_the_repository(shipped: Path, tmp_path: Path) -> None:
    repo = empty_repo(tmp_path / "repo")
    outside = tmp_path / "outside"
    outside.mkdir()
    (repo / "content").symlink_to(outside)
    proc = run(["import", str(shipped)], repo, ok=False)
    assert proc.returncode == 1 and "ra ngoài kho" in proc.stderr, proc.stderr
    assert list(outside.iterdir()) == []
    assert "Traceback" not in proc.stderr


def test_a_task_followed_over_two_months_stays_one_task(tmp_path: Path) -> None:
    """September and October 2023 built by the tool (October made by baocao new, task 3797
    completed on 2/10/2023, a task assigned on 20/9/2023), imported from a folder into an empty
    repository: one entry per task, the completion learnt from October's appendix."""
    src = copy_shipped_repo(tmp_path / "src", years=("2023",))
    run(["new", "2023-10"], src)
    register = src / "directives.yaml"
    text = register.read_text(encoding="utf-8")
    text = text.replace(
        '    summary: "V/v triển khai thực hiện Thông tư số 14/2023/TT-BKHHCN ngày 30/6/2023 của Bộ '
        'Khoa học và Công nghệ"\n',
        '    summary: "V/v triển khai thực hiện Thông tư số 14/2023/TT-BKHHCN ngày 30/6/2023 của Bộ '
        'Khoa học và Công nghệ"\n    completed: "02/10/2023"\n'
        '    result: "Công văn số 1300/KHCN-QLKH Ngày 02/10/2023"\n', 1)
    text = text.replace("tasks:\n", 'tasks:\n  - id: 2023-5123-UBND-KGVX\n    document: "5123/UBND-KGVX"\n'
                        '    issued: "20/9/2023"\n    summary: "V/v báo cáo kết quả triển khai Đề án 06"\n'
                        '    deadline: "30/10/2023"\n\n', 1)
    register.write_text(text, encoding="utf-8")
    folder = tmp_path / "word"
    folder.mkdir()
    for month in ("2023-10", "2023-09"):
        run(["docx", month, "-o", str(folder / f"bao-cao-{month}.docx")], src)
    repo = empty_repo(tmp_path / "repo")
    proc = run(["import", str(folder)], repo)
    assert "Không chuyển được" not in proc.stdout, proc.stdout
    tasks = yaml.safe_load((repo / "directives.yaml").read_text(encoding="utf-8"))["tasks"]
    ids = [t["id"] for t in tasks]
    assert len(ids) == len(set(ids)) == 15, ids
    done = next(t for t in tasks if t["document"] == "3797/UBND-KGVX")
    assert done["completed"] == "02/10/2023" and "1300/KHCN-QLKH" in done["result"]
    run(["check"], repo)
    for month in ("2023-09", "2023-10"):
        out = tmp_path / f"again-{month}.docx"
        run(["docx", month, "-o", str(out)], repo)
        assert docx_text(out)[1] == docx_text(folder / f"bao-cao-{month}.docx")[1], month


def test_a_typed_count_that_disagrees_is_reported(tmp_path: Path) -> None:
    """The typed total says 15 and one row says "Quá hạn": both are reported with where they
    are; the body gets the placeholder, the register gets no status."""
    src = word_docx(tmp_path / "2023-09.docx", word_lists=False, edits=(
        ("Tổng số: 14 nhiệm vụ.", "Tổng số: 15 nhiệm vụ."),
        ("Thông tư số 14/2023/TT-BKHHCN ngày 30/6/2023 của Bộ Khoa học và Công nghệ\t\t\tChưa "
         "đến hạn", "Thông tư số 14/2023/TT-BKHHCN ngày 30/6/2023 của Bộ Khoa học và Công nghệ"
         "\t\t\tQuá hạn"),
    ))
    repo = empty_repo(tmp_path / "repo")
    proc = run(["import", str(src), "--cutoff", "14/9/2023"], repo)
    out = proc.stdout
    assert "Khác với số liệu công cụ tính (2):" in out, out
    assert re.search(r"đoạn \d+: Tổng số nhiệm vụ trong phụ lục: văn bản gõ 15, công cụ tính 14", out)
    assert re.search(r"bảng, dòng \d+: nhiệm vụ 2023-3797-UBND-KGVX: báo cáo ghi "
                     r"\"Quá hạn\", công cụ tính \"Chưa đến hạn\"", out), out
    body = (repo / "content/2023/09/01-thuc-hien-nhiem-vu-do-ubnd.md").read_text()
    assert "Tổng số: {{ tong_so }} nhiệm vụ." in body
    assert "cutoff: 2023-09-14" in (repo / "content/2023/09/index.md").read_text()
    assert "Quá hạn" not in (repo / "directives.yaml").read_text()


def test_tcvn3_text_without_its_font_is_found_by_its_letters(tmp_path: Path) -> None:
    """Text pasted from an old document keeps its TCVN3 letters but not the font: the paragraphs
    with TCVN3 signs are converted whole ("vô" there is "vụ"), a Unicode paragraph is left."""
    from baocao.importing.docx_read import Para, read_docx

    d = docx.Document()
    typed = ("Tổ chức thực hiện nhiệm vụ khoa học và công nghệ cấp tỉnh năm 2024",
             "Thẩm định hồ sơ, dự án đầu tư về công nghệ theo quy định")
    for text in typed:
        d.add_paragraph(_tcvn3(text))
    d.add_paragraph("Chủ trì hội nghị về công tác vô tuyến điện")  # Unicode, "vô" is a word
    src = tmp_path / "cu.docx"
    d.save(str(src))
    items, said, _ = read_docx(src)
    texts = [i.text for i in items if isinstance(i, Para)]
    assert texts == [*typed, "Chủ trì hội nghị về công tác vô tuyến điện"]
    assert len(said) == 1 and "TCVN3" in said[0] and "không rõ phông" in said[0]


def _png() -> bytes:
    """A 1x1 white PNG."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff")) + chunk(b"IEND", b""))


def test_an_image_is_named_as_not_imported(tmp_path: Path) -> None:
    from io import BytesIO

    from baocao.importing.docx_read import read_docx

    d = docx.Document()
    d.add_paragraph("Đoạn đầu.")
    d.add_paragraph("Hình ảnh hội nghị:").add_run().add_picture(BytesIO(_png()))
    src = tmp_path / "anh.docx"
    d.save(str(src))
    _, _, dropped = read_docx(src)
    # truthful now that a report shows images: what to do, not "when the tool supports it"
    assert [where for where, _ in dropped] == ["đoạn 2"]
    said = dropped[0][1]
    assert "khi công cụ hỗ trợ" not in said, said
    assert "không được chép sang tự động" in said and "hinh/" in said and "Chèn hình" in said


def _signed(d: docx.document.Document, path: Path) -> Path:
    """*d* with its Nơi nhận and signature block, saved as *path*."""
    for text in ("Nơi nhận:", "- Lưu: VT.", "GIÁM ĐỐC", "Nguyễn Văn A"):
        d.add_paragraph(text)
    d.save(str(path))
    return path


def test_word_heading_styles_without_typed_numbers(tmp_path: Path) -> None:
    """Headings numbered by Word's heading styles (the number is not in the text): Heading 1 is
    a Phần, Heading 2 a Mục, Heading 3 a khoản under it; each number is a guess in the report."""
    d = docx.Document()
    d.add_paragraph("SỞ KHOA HỌC VÀ CÔNG NGHỆ")
    d.add_paragraph("Bắc Giang, ngày 10 tháng 4 năm 2024")
    d.add_paragraph("BÁO CÁO")
    d.add_paragraph("Kết quả công tác tháng 4/2024")
    d.add_heading("KẾT QUẢ CÔNG TÁC THÁNG 4/2024", level=1)
    d.add_heading("Công tác chung", level=2)
    d.add_paragraph("- Họp giao ban tháng.")
    d.add_heading("Hoạt động KH&CN", level=2)
    d.add_heading("Nghiên cứu khoa học", level=3)
    d.add_paragraph("- Nghiệm thu 02 đề tài.")
    d.add_heading("Sở hữu trí tuệ", level=3)
    d.add_paragraph("- Hỗ trợ đăng ký 03 nhãn hiệu.")
    d.add_heading("NHIỆM VỤ THÁNG 5/2024", level=1)
    d.add_heading("Công tác chung", level=2)
    d.add_paragraph("- Tổng kết 6 tháng.")
    src = _signed(d, tmp_path / "thang-4.docx")
    repo = empty_repo(tmp_path / "repo")
    proc = run(["import", str(src)], repo)
    assert "đề mục kiểu Heading 2 không gõ số" in proc.stdout
    files = sorted(p.name for p in (repo / "content/2024/04").iterdir())
    heads = [re.search(r'number: "([^"]+)"', (repo / "content/2024/04" / f).read_text()).group(1)
             for f in files if f[0:2].isdigit() and f[0:2] != "00"]
    assert heads == ["I", "II.1", "II.2", "I"], (files, heads)
    index = (repo / "content/2024/04/index.md").read_text()
    assert 'title: "KẾT QUẢ CÔNG TÁC THÁNG 4/2024"' in index
    assert 'II: "Hoạt động KH&CN"' in index
    run(["check"], repo)


def test_round_trip_of_may_2025(tmp_path: Path) -> None:
    """The richer shipped report: Kính gửi, openings (before Phần I and under Phần II), two
    appendices with their own columns, one grouped by field of work, deadlines changed by a
    document, progress notes, "Hoàn thành" without a day. Imported into an empty repository it
    renders the same words, except the history of one extension that names no day (reported),
    and every appendix row the same once that deadline cell is read without its brackets; its
    two figures come over as figures."""
    src = copy_shipped_repo(tmp_path / "src", years=("2025",))
    original = tmp_path / "may.docx"
    run(["docx", "2025-05", "-o", str(original)], src)
    repo = empty_repo(tmp_path / "repo")
    proc = run(["import", str(original)], repo)
    assert "Khác với số liệu công cụ tính" not in proc.stdout, proc.stdout
    # its two figures come over with their captions and printed widths, the PNG the DOCX
    # holds as the file (the SVG chart was drawn into a PNG for the DOCX): nothing unmapped
    assert "Không chuyển được" not in proc.stdout, proc.stdout
    figures = [m for f in sorted((src / "content/2025/05").glob("*.md"))
               for m in re.findall(r"^!\[([^\]]+)\]\([^)]*\)(\{[^}]*\})", f.read_text(encoding="utf-8"),
                                   re.M)]
    assert len(figures) == 2
    imported = "".join(f.read_text(encoding="utf-8")
                       for f in sorted((repo / "content/2025/05").glob("*.md")))
    for n, (caption, width) in enumerate(figures, 1):
        assert f"\n![{caption}](hinh/hinh-{n}.png){width}\n" in imported, imported
    with zipfile.ZipFile(original) as z:
        media = sorted(z.read(n) for n in z.namelist() if n.startswith("word/media/"))
    assert sorted((repo / "content/2025/05/hinh" / f"hinh-{n}.png").read_bytes()
                  for n in (1, 2)) == media
    assert "thiếu ngày, số văn bản gia hạn" in proc.stdout
    run(["check"], repo)
    again = tmp_path / "again.docx"
    run(["docx", "2025-05", "-o", str(again)], repo)
    wa, wb = words(docx_text(original)[0]), words(docx_text(again)[0])
    sm = SequenceMatcher(None, wa, wb, autojunk=False)
    missing = [wa[i1:i2] for op, i1, i2, _, _ in sm.get_opcodes() if op != "equal"]
    assert missing == [["2025", "gia", "hạn", "hạn", "cũ", "Quý", "I"]], missing

    def rows(path: Path) -> list[list[list[str]]]:
        d = docx.Document(str(path))
        return [[[re.sub(r"\s*\(gia hạn, hạn cũ [^)]*\)", "", " ".join(c.text.split()))
                  for c in row.cells] for row in t.rows] for t in d.tables[-2:]]

    assert rows(again) == rows(original)
    index = (repo / "content/2025/05/index.md").read_text()
    assert "addressees:" in index
    part_two = next((repo / "content/2025/05").glob("*-mo-dau-phan-ii.md")).read_text()
    assert "kind: opening\npart: II" in part_two
    def front(path: Path) -> dict:
        return yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])

    shipped, mine = (front(ROOT / "content/2025/05/90-phu-luc-nhiem-vu.md"),
                     front(repo / "content/2025/05/90-phu-luc.md"))
    for key in ("columns", "group", "topics", "numbering"):
        assert mine[key] == shipped[key], key
    assert front(repo / "content/2025/05/91-phu-luc.md")["select"] == "list"
    register = yaml.safe_load((repo / "directives.yaml").read_text())["tasks"]
    adjusted = next(t for t in register if t["document"] == "781/UBND-KTN")
    assert adjusted["deadline"] == "Quý II/2025"
    assert adjusted["adjustments"] == [{"deadline": "30/4/2025", "date": "25/3/2025",
                                        "document": "1618/UBND-KTN"}]


def test_a_damaged_docx_is_refused_in_vietnamese(tmp_path: Path) -> None:
    """A zip whose Word part is not XML, a zip without one: "không đọc được tệp Word", exit 1
    (the first used to be "Lỗi nội bộ … (XMLSyntaxError …)")."""
    import zipfile

    repo = empty_repo(tmp_path / "repo")
    with zipfile.ZipFile(tmp_path / "hong-xml.docx", "w") as z:
        z.writestr("[Content_Types].xml", "<x")
        z.writestr("word/document.xml", "<w:document")
    with zipfile.ZipFile(tmp_path / "khong-phai-word.docx", "w") as z:
        z.writestr("a.txt", "x")
    for name in ("hong-xml.docx", "khong-phai-word.docx"):
        proc = run(["import", str(tmp_path / name)], repo, ok=False)
        assert proc.returncode == 1, proc.stderr
        assert proc.stderr.startswith(f"Lỗi: {name}: không đọc được tệp Word"), proc.stderr
    assert not (repo / "content").exists()


def test_a_month_out_of_range_is_refused(shipped: Path, tmp_path: Path) -> None:
    """--month 1899-01 is refused as the other commands refuse it (the loader would refuse
    content/1899 with E502); nothing written."""
    repo = empty_repo(tmp_path / "repo")
    proc = run(["import", "--month", "1899-01", str(shipped)], repo, ok=False)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "năm 1899 nằm ngoài khoảng 1990–2100" in proc.stderr, proc.stderr
    assert not (repo / "content").exists() and not (repo / "directives.yaml").exists()


def test_a_linked_register_is_not_written_through(shipped: Path, tmp_path: Path) -> None:
    """directives.yaml as a link to another file of the repository: refused (E108, as check
    says), the linked file unchanged, no month written."""
    repo = empty_repo(tmp_path / "repo")
    (repo / "ghi-chu.yaml").write_text("tasks: []\n", encoding="utf-8")
    (repo / "directives.yaml").symlink_to("ghi-chu.yaml")
    proc = run(["import", str(shipped)], repo, ok=False)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "directives.yaml:1:1: E108" in proc.stderr, proc.stderr
    assert (repo / "ghi-chu.yaml").read_text(encoding="utf-8") == "tasks: []\n"
    assert not (repo / "content").exists()


def test_braces_in_word_text_stay_literal_text(tmp_path: Path) -> None:
    """Word text that looks like a placeholder ("{{x}}", "{{ thang_sau }}") or an attribute
    ("{=html}") is text: the imported month checks clean and its DOCX prints it as typed (it
    used to fail check with E501/E503)."""
    typed = "- Đánh giá {{x}} và {{ thang_sau }} theo mẫu {=html} của {Sở}."
    d = docx.Document()
    d.add_paragraph("SỞ KHOA HỌC VÀ CÔNG NGHỆ")
    d.add_paragraph("Bắc Giang, ngày 10 tháng 4 năm 2024")
    d.add_paragraph("BÁO CÁO")
    d.add_paragraph("Kết quả công tác tháng 4/2024")
    d.add_paragraph("I. KẾT QUẢ CÔNG TÁC THÁNG 4/2024")
    d.add_paragraph("1. Công tác chung")
    d.add_paragraph(typed)
    d.add_paragraph("II. NHIỆM VỤ THÁNG 5/2024")
    d.add_paragraph("1. Công tác chung")
    d.add_paragraph("- Tổng kết 6 tháng.")
    src = _signed(d, tmp_path / "thang-4.docx")
    repo = empty_repo(tmp_path / "repo")
    run(["import", str(src)], repo)
    check = run(["check"], repo, ok=False)
    assert check.returncode == 0, check.stdout + check.stderr
    out = tmp_path / "out.docx"
    run(["docx", "2024-04", "-o", str(out)], repo)
    text, _ = docx_text(out)
    assert typed in text.split("\n"), text


def test_figures_are_carried_over_with_their_captions(tmp_path: Path) -> None:
    """A picture in a paragraph of its own with a Word caption under it becomes a figure of the
    report (the file in hinh/, its printed width as a share of the text width, the caption); a
    picture with no caption is carried over with a stand-in caption the import report names;
    the imported report checks clean and its DOCX shows both pictures."""
    from io import BytesIO

    d = docx.Document()
    for text in ("SỞ KHOA HỌC VÀ CÔNG NGHỆ", "Bắc Giang, ngày 10 tháng 4 năm 2024", "BÁO CÁO",
                 "Kết quả công tác tháng 4/2024", "Phần I", "KẾT QUẢ CÔNG TÁC THÁNG 4/2024",
                 "I. HOẠT ĐỘNG KHOA HỌC", "Tổ chức hội nghị tổng kết nhiệm vụ khoa học."):
        d.add_paragraph(text)
    d.add_paragraph().add_run().add_picture(BytesIO(_png()), width=docx.shared.Cm(8.25))
    d.add_paragraph("Hình 1. Hội nghị tổng kết nhiệm vụ khoa học năm 2024", style="Caption")
    d.add_paragraph("Ảnh chụp tại buổi làm việc:")
    d.add_paragraph().add_run().add_picture(BytesIO(_png()))
    src = _signed(d, tmp_path / "hinh.docx")
    repo = empty_repo(tmp_path / "repo")
    proc = run(["import", str(src)], repo)
    assert "Không chuyển được" not in proc.stdout, proc.stdout
    assert 'ảnh không có chú thích: ghi tạm chú thích "Ảnh 1"' in proc.stdout, proc.stdout
    folder = repo / "content/2024/04"
    body = "".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("0*.md")))
    assert "\n![Hình 1. Hội nghị tổng kết nhiệm vụ khoa học năm 2024](hinh/hinh-1.png)" \
           "{width=50%}\n" in body, body
    assert "\n![Ảnh 1](hinh/hinh-2.png)\n" in body, body
    assert (folder / "hinh/hinh-1.png").read_bytes() == _png()
    assert (folder / "hinh/hinh-2.png").read_bytes() == _png()
    run(["check"], repo)
    out = tmp_path / "again.docx"
    run(["docx", "2024-04", "-o", str(out)], repo)
    with zipfile.ZipFile(out) as z:
        assert sum(n.startswith("word/media/") for n in z.namelist()) == 1  # one image, twice
        xml = z.read("word/document.xml").decode("utf-8")
    assert xml.count("<pic:pic") == 2
