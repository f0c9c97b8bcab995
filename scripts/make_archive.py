#!/usr/bin/env python3
"""Generate a realistic archive of N monthly reports (a complete content repository).

The text is drawn from the shipped September 2023 report (real Vietnamese sentences, lengths
and list structure), numbers and names are varied, tasks are carried across months with every
deadline form the tool understands (dates, months, quarters, years, recurring, none), some are
completed late, some are overdue, a few are not started or extended; the last two reports are
drafts. The output is deterministic for a given --seed.

    python scripts/make_archive.py --reports 120 --out /tmp/archive
    baocao --repo /tmp/archive check
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "content" / "2023" / "09"

SECTIONS_I = [
    ("02", "II", "Xây dựng cơ chế, chính sách, pháp luật về KH&CN", "02-co-che-chinh-sach.md"),
    ("03", "III.1", "Hoạt động nghiên cứu khoa học và phát triển công nghệ",
     "03-nghien-cuu-khoa-hoc.md"),
    ("04", "III.2", "Hoạt động đánh giá, thẩm định và chuyển giao công nghệ; an toàn bức xạ hạt nhân",
     "04-danh-gia-tham-dinh.md"),
    ("05", "III.3", "Hoạt động thông tin KH&CN; dịch vụ KH&CN", "05-thong-tin-dich-vu.md"),
    ("06", "III.4", "Hoạt động tiêu chuẩn đo lường chất lượng", "06-tieu-chuan-do-luong.md"),
    ("07", "III.5", "Hoạt động sở hữu trí tuệ, sáng kiến và KHCN cơ sở", "07-so-huu-tri-tue.md"),
    ("08", "III.6", "Công tác thanh tra, kiểm tra trong lĩnh vực KH&CN", "08-thanh-tra.md"),
    ("09", "III.7", "Một số công tác khác", "09-cong-tac-khac.md"),
]
SECTIONS_II = [
    ("10", "1", "Hoạt động nghiên cứu khoa học và phát triển công nghệ",
     "10-nhiem-vu-nghien-cuu-khoa-hoc.md"),
    ("11", "2", "Hoạt động đánh giá, thẩm định và chuyển giao công nghệ; an toàn bức xạ hạt nhân",
     "11-nhiem-vu-danh-gia-tham-dinh.md"),
    ("12", "3", "Hoạt động thông tin KH&CN; dịch vụ KH&CN", "12-nhiem-vu-thong-tin-dich-vu.md"),
    ("13", "4", "Hoạt động tiêu chuẩn đo lường chất lượng", "13-nhiem-vu-tieu-chuan-do-luong.md"),
    ("14", "5", "Hoạt động sở hữu trí tuệ, sáng kiến và KH&CN cơ sở", "14-nhiem-vu-so-huu-tri-tue.md"),
    ("15", "6", "Công tác thanh tra, kiểm tra trong lĩnh vực KH&CN", "15-nhiem-vu-thanh-tra.md"),
    ("16", "7", "Một số công tác khác", "16-nhiem-vu-cong-tac-khac.md"),
]
UNITS = ["Văn phòng", "Phòng Quản lý khoa học", "Phòng Quản lý công nghệ", "Chi cục TCĐLCL",
         "Thanh tra Sở", "Trung tâm Ứng dụng KH&CN"]
ISSUERS = ["UBND-KGVX", "UBND-KSTT", "UBND-NC", "UBND-KT", "TB-UBND", "KH-UBND"]
VERBS = ["V/v triển khai", "V/v góp ý dự thảo", "V/v báo cáo kết quả", "V/v phối hợp thực hiện",
         "Kế hoạch thực hiện", "V/v rà soát, đề xuất"]
TOPICS = ["chương trình phát triển tài sản trí tuệ", "đề án nâng cao năng suất và chất lượng",
          "chuyển đổi số trong hoạt động khoa học và công nghệ", "hệ thống truy xuất nguồn gốc",
          "Ngày hội Khởi nghiệp đổi mới sáng tạo", "điều tra thống kê KH&CN",
          "an toàn bức xạ trong y tế", "nhiệm vụ KH&CN cấp tỉnh", "đường giao thông nông thôn",
          "chỉ dẫn địa lý đặc sản địa phương", "giám định tư pháp", "cải cách thủ tục hành chính"]


def body_items(path: Path) -> tuple[list[str], list[str]]:
    """(top-level items, nested '+' items) of a section of the real report."""
    text = path.read_text(encoding="utf-8").split("---", 2)[2]
    top, nested = [], []
    for line in text.splitlines():
        if line.startswith("- "):
            top.append(line[2:])
        elif line.startswith("    + "):
            nested.append(line[6:])
    return top, nested


def vary(text: str, rng: random.Random, year: int) -> str:
    """Change the numbers and years of a sentence so months differ."""
    text = re.sub(r"\b(19|20)\d\d\b", lambda m: str(year + (int(m.group(0)) - 2023)), text)
    return re.sub(r"\b0?(\d)\b(?!/)", lambda m: f"{rng.randint(1, 9):02d}", text)


def make_body(rng: random.Random, source: Path, year: int) -> str:
    top, nested = body_items(source)
    if not top:
        top = ["Tiếp tục thực hiện các nhiệm vụ theo kế hoạch."]
    lines = []
    rng.shuffle(nested)
    for item in rng.sample(top, k=min(len(top), rng.randint(2, max(2, len(top))))):
        lines.append(f"- {vary(item, rng, year)}")
        if nested and rng.random() < 0.3:
            lines.append("")
            take, nested = nested[:rng.randint(2, 6)], nested[6:]
            for sub in take:
                lines.append(f"    + {vary(sub, rng, year)}")
            lines.append("")
    return "\n".join(lines).strip() + "\n"


def deadline_text(rng: random.Random, issued: date) -> tuple[str, date | None]:
    kind = rng.choices(["date", "month", "quarter", "year", "recurring", "none"],
                       weights=[50, 15, 10, 5, 10, 10])[0]
    due = issued + timedelta(days=rng.randint(7, 150))
    if kind == "date":
        return f"{due.day:02d}/{due.month}/{due.year}", due
    if kind == "month":
        fmt = rng.choice(["Tháng {m}/{y}", "{m}/{y}", "{m:02d}/{y}"])
        end = (date(due.year + (due.month == 12), due.month % 12 + 1, 1) - timedelta(days=1))
        return fmt.format(m=due.month, y=due.year), end
    if kind == "quarter":
        q = (due.month - 1) // 3 + 1
        end = date(due.year + (q == 4), (q * 3) % 12 + 1, 1) - timedelta(days=1)
        return f"Quý {['I', 'II', 'III', 'IV'][q - 1]}/{due.year}", end
    if kind == "year":
        return str(due.year), date(due.year, 12, 31)
    if kind == "recurring":
        return rng.choice(["Thường xuyên", "Hằng năm"]), None
    return "", None


#: A task left open is completed late after this many days at most, unless it was assigned in
#: the archive's last two years: the number of open tasks stays what a real department has
#: (dozens, not a pile that grows with every month of a long archive).
LATE_LIMIT_DAYS = 540
OPEN_WINDOW_DAYS = 730


def make_tasks(rng: random.Random, months: list[tuple[int, int]]) -> list[dict[str, object]]:
    tasks: list[dict[str, object]] = []
    serial = 100
    last_year, last_month = months[-1]
    recent = date(last_year, last_month, 1) - timedelta(days=OPEN_WINDOW_DAYS)
    for year, month in months:
        for _ in range(rng.randint(1, 4)):
            serial += rng.randint(3, 60)
            issued = date(year, month, rng.randint(1, 28))
            dtext, due = deadline_text(rng, issued)
            issuer = rng.choice(ISSUERS)
            doc = f"{serial}/{issuer}" if not issuer.endswith("-UBND") else f"{serial % 400}/{issuer}"
            task: dict[str, object] = {
                "id": f"{year}-{serial}-{issuer}",
                "document": doc,
                "issued": f"{issued.day:02d}/{issued.month}/{issued.year}",
                "summary": f"{rng.choice(VERBS)} {rng.choice(TOPICS)} năm {year}",
                "deadline": dtext,
                "unit": rng.choice(UNITS),
            }
            roll = rng.random()
            limit = due or issued + timedelta(days=120)
            if roll < 0.75:
                # completed, mostly on time
                late = rng.random() < 0.15
                done = limit + timedelta(days=rng.randint(1, 30)) if late else issued + timedelta(
                    days=rng.randint(1, max(1, (limit - issued).days)))
                task["completed"] = f"{done.day:02d}/{done.month}/{done.year}"
                task["result"] = f"Công văn số {rng.randint(100, 2000)}/KHCN-VP"
            elif roll < 0.8:
                task["not_started"] = True
            elif roll < 0.85 and due is not None:
                new_due = due + timedelta(days=60)
                task["extensions"] = [{
                    "deadline": f"{new_due.day:02d}/{new_due.month}/{new_due.year}",
                    "approved": f"{due.day:02d}/{due.month}/{due.year}",
                }]
            if "completed" not in task and issued < recent:
                # an old task is done in the end, late: after its (extended) deadline
                task.pop("not_started", None)
                base = (due + timedelta(days=60)) if "extensions" in task and due else limit
                done = base + timedelta(days=rng.randint(30, LATE_LIMIT_DAYS))
                task["completed"] = f"{done.day:02d}/{done.month}/{done.year}"
                task["result"] = f"Công văn số {rng.randint(100, 2000)}/KHCN-VP"
            tasks.append(task)
    return tasks


def yaml_str(value: object) -> str:
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def write_tasks(tasks: list[dict[str, object]], path: Path) -> None:
    out = ["tasks:"]
    for t in tasks:
        out.append(f"  - id: {yaml_str(t['id'])}")
        for key in ("document", "issued", "summary", "deadline", "completed", "result", "unit"):
            if key in t:
                out.append(f"    {key}: {yaml_str(t[key])}")
        if t.get("not_started"):
            out.append("    not_started: true")
        for ext in t.get("extensions", []):  # type: ignore[attr-defined]
            out.append("    extensions:")
            out.append(f"      - deadline: {yaml_str(ext['deadline'])}")
            out.append(f"        approved: {yaml_str(ext['approved'])}")
        out.append("")
    path.write_text("\n".join(out), encoding="utf-8")


def write_report(rng: random.Random, folder: Path, year: int, month: int, number: int,
                 draft: bool) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    ny, nm = (year + 1, 1) if month == 12 else (year, month + 1)
    cutoff = date(year, month, 14)
    issued = date(year, month, rng.randint(20, 28))
    meta = [
        "---",
        f'title: "Kết quả công tác tháng {month}/{year}, nhiệm vụ công tác tháng {nm}/{ny}"',
        f"status: {'draft' if draft else 'issued'}",
    ]
    if not draft:
        meta += [f"number: {number}", f"date: {issued.isoformat()}"]
    meta += [
        f"cutoff: {cutoff.isoformat()}",
        "parts:",
        "  - number: I",
        '    title: "TÌNH HÌNH, KẾT QUẢ HOẠT ĐỘNG QUẢN LÝ NHÀ NƯỚC VỀ KHOA HỌC VÀ CÔNG NGHỆ"',
        "    headings:",
        '      III: "Hoạt động KH&CN"',
        "  - number: II",
        f'    title: "NHIỆM VỤ CÔNG TÁC THÁNG {nm}/{ny}"',
        "signer:",
        '  authority: "KT. GIÁM ĐỐC"',
        '  position: "PHÓ GIÁM ĐỐC"',
        f'  name: "{rng.choice(["Triệu Ngọc Trung", "Nguyễn Văn Hùng", "Lê Thị Thu Hà"])}"',
        "recipients:",
        '  - "Văn phòng Tỉnh ủy;"',
        '  - "Văn phòng UBND tỉnh;"',
        '  - "Sở Kế hoạch và Đầu tư;"',
        '  - "Lãnh đạo Sở;"',
        '  - "Lưu: VT, VP."',
        "---",
        "",
    ]
    (folder / "index.md").write_text("\n".join(meta), encoding="utf-8")
    first = (
        "---\npart: I\nnumber: \"I\"\ntitle: \"Thực hiện nhiệm vụ do UBND tỉnh, Chủ tịch UBND tỉnh giao\"\n"
        "---\n\nSở KH&CN đã thực hiện đầy đủ, đúng thời gian các nhiệm vụ do UBND tỉnh, Chủ tịch "
        "UBND tỉnh giao.\n\n"
        f"Nhiệm vụ được giao trong tháng {month}/{year}\n\n"
        "Tổng số: {{ tong_so }} nhiệm vụ.\n\n"
        "- Đã thực hiện (hoàn thành): {{ da_thuc_hien }} nhiệm vụ, thực hiện chậm: {{ thuc_hien_cham }}.\n"
        "- Đang thực hiện (trong hạn): {{ dang_thuc_hien_trong_han }} nhiệm vụ; quá hạn: "
        "{{ dang_thuc_hien_qua_han }} nhiệm vụ.\n"
        "- Chưa thực hiện: {{ chua_thuc_hien }} nhiệm vụ.\n\n"
        "(Có phụ lục chi tiết các nhiệm vụ gửi kèm theo).\n"
    )
    (folder / "01-thuc-hien-nhiem-vu-giao.md").write_text(first, encoding="utf-8")
    for part, table in (("I", SECTIONS_I), ("II", SECTIONS_II)):
        for order, number_, title, source in table:
            body = make_body(rng, SOURCE / source, year)
            text = (f"---\npart: {part}\nnumber: \"{number_}\"\ntitle: \"{title}\"\n"
                    f"unit: \"{rng.choice(UNITS)}\"\n---\n\n{body}")
            (folder / f"{order}-{source[3:]}").write_text(text, encoding="utf-8")
    appendix = (
        "---\nkind: appendix\ntitle: \"BÁO CÁO KẾT QUẢ THỰC HIỆN NHIỆM VỤ, KẾT LUẬN, CHỈ ĐẠO UBND TỈNH, "
        f"CHỦ TỊCH UBND TỈNH GIAO THÁNG {month} NĂM {year}\"\n---\n\n{{{{ bang_nhiem_vu }}}}\n"
    )
    (folder / "90-phu-luc.md").write_text(appendix, encoding="utf-8")


def make_archive(out: Path, reports: int, seed: int, start: tuple[int, int] | None = None, *,
                 lock: bool = True) -> Path:
    """Write a content repository with *reports* monthly reports into *out* (replaced), from
    *start* (year, month; default January 2016, or early enough that the last report falls in
    2099 at the latest: the checker refuses years after 2100, and deadlines run past the last
    report). *lock*: lock the issued reports as ``baocao issue`` would (a test that only reads
    the repository leaves them unlocked: a warning each, and one reading of the archive less)."""
    if start is None:
        start = (min(2016, 2099 - (reports - 1) // 12), 1)
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    year, month = start
    months = []
    for _ in range(reports):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    for i, (y, m) in enumerate(months):
        write_report(rng, out / "content" / str(y) / f"{m:02d}", y, m, 800 + i,
                     draft=i >= reports - 2)
    write_tasks(make_tasks(rng, months), out / "directives.yaml")
    org = (ROOT / "organization.yaml").read_text(encoding="utf-8")
    first = re.search(r"from: (\d{4})-(\d{2})-\d{2}", org)
    if first and (int(first.group(1)), int(first.group(2))) > start:
        # A long archive begins before the organization's first period: that period is
        # taken to begin with the archive.
        org = org.replace(first.group(0), f"from: {start[0]:04d}-{start[1]:02d}-01", 1)
    (out / "organization.yaml").write_text(org, encoding="utf-8")
    for name in ("mkdocs.yml",):
        if (ROOT / name).is_file():
            shutil.copy(ROOT / name, out / name)
    shutil.copytree(ROOT / "templates", out / "templates")
    if (ROOT / "docs").is_dir():
        shutil.copytree(ROOT / "docs", out / "docs")
    # The issued reports are locked, as `baocao issue` would have left them.
    if lock:
        from baocao.commands.issue import lock_issued

        lock_issued(out)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reports", type=int, default=120, help="number of monthly reports (default 120)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (same seed, same archive)")
    ap.add_argument("--out", type=Path, required=True, help="folder to create (replaced if present)")
    args = ap.parse_args()
    out = make_archive(args.out, args.reports, args.seed)
    print(f"Đã tạo {args.reports} báo cáo tại {out}")


if __name__ == "__main__":
    main()
