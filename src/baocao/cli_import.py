"""The import commands of the CLI: ``baocao import`` (earlier reports from Word) and
``baocao directives import`` (the register from a spreadsheet). Registered by :mod:`baocao.cli`;
kept apart so that the main command file stays readable."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.table import Table

from .errors import ImportRefused, RefusedError, RepoNotFound
from .months import year_problem
from .repo import find_root
from .terminal import err_console
from .vietnamese import DateParseError, parse_date

if TYPE_CHECKING:  # the importing package loads only when a command of this file runs
    from .importing.summary import FileResult


def _import_root(start: Path) -> Path:
    """The repository, or a new one: a folder with mkdocs.yml (or a git repository) that has no
    content yet."""
    try:
        return find_root(start)
    except RepoNotFound:
        if (start / "mkdocs.yml").is_file() or (start / ".git").is_dir():
            return start.resolve()
        raise


def _cutoff(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return parse_date(value)
    except DateParseError as exc:
        raise click.BadParameter(str(exc), param_hint="--cutoff") from None


def _month(value: str | None) -> str | None:
    if value is None:
        return None
    import re  # noqa: PLC0415

    m = re.fullmatch(r"(\d{4})-(\d{1,2})", value.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise click.BadParameter(f"tháng \"{value}\" không hợp lệ; viết dạng 2023-09",
                                 param_hint="--month")
    why = year_problem(int(m.group(1)))
    if why is not None:  # written right but out of range: refused as the other commands do
        raise RefusedError(f"tháng \"{value}\": {why}")
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"


@click.command("import")
@click.argument("paths", nargs=-1, required=True, metavar="TỆP_HOẶC_THƯ_MỤC...",
                type=click.Path(exists=True, path_type=Path))
@click.option("--month", metavar="THÁNG", help="Tháng báo cáo (khi nhập một tệp; mặc định: "
              "theo dòng ngày tháng, trích yếu hoặc tên tệp).")
@click.option("--cutoff", metavar="NGÀY", help="Ngày chốt số liệu nhiệm vụ (mặc định: ngày "
              "của văn bản, hoặc ngày gần ngày 15 nhất khớp với phụ lục).")
@click.option("--dry-run", is_flag=True, help="Chỉ báo cáo những gì sẽ nhập, không ghi gì.")
@click.pass_context
def import_cmd(ctx: click.Context, paths: tuple[Path, ...], month: str | None,
               cutoff: str | None, dry_run: bool) -> None:
    """Nhập báo cáo cũ từ tệp Word (.docx), hoặc mọi tệp .docx trong một thư mục.

    Mỗi tệp thành một thư mục tháng mới trong content/ và các nhiệm vụ của phụ lục vào
    directives.yaml. Không bao giờ ghi đè tháng đã có. Ví dụ: baocao import bao-cao-9-2023.docx
    """
    from .importing.summary import report_lines  # noqa: PLC0415

    root = _import_root(ctx.obj["repo"])
    for p in paths:
        if p.is_file() and p.suffix.lower() != ".docx":
            raise RefusedError(f"{p}: chỉ nhập được tệp .docx (Word 2007 trở lên); tệp .doc cũ "
                               "hãy mở bằng Word hoặc LibreOffice rồi lưu thành .docx")
    many = len(paths) > 1 or any(p.is_dir() for p in paths)
    if many and month:
        raise click.UsageError("--month chỉ dùng khi nhập một tệp")
    results = _run(root, list(paths), _month(month), _cutoff(cutoff), dry_run)
    if len(results) == 1 and results[0].plan is None:
        raise ImportRefused(results[0].error)
    for r in results:
        click.echo("\n".join(report_lines(r)))
    if many:
        _summary(results)
    if dry_run:
        err_console.print("Chạy thử (--dry-run): không ghi tệp nào.")
    if any(r.plan is None for r in results):
        ctx.exit(1)


def _run(root: Path, paths: list[Path], month: str | None, cutoff: date | None,
         dry_run: bool) -> list[FileResult]:
    from .commands.import_docx import import_paths  # noqa: PLC0415

    if not err_console.is_terminal:
        return import_paths(root, paths, month=month, cutoff=cutoff, dry_run=dry_run)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn  # noqa: PLC0415

    files = [f for p in paths for f in ([p] if p.is_file() else sorted(p.glob("*.docx")))]
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  console=err_console, transient=True) as bar:
        task = bar.add_task("Đang nhập", total=len(files))

        seen: list[Path] = []

        def step(path: Path) -> None:
            bar.update(task, completed=len(seen), description=f"Đang đọc {path.name}")
            seen.append(path)

        out = import_paths(root, paths, month=month, cutoff=cutoff, dry_run=dry_run,
                           progress=step)
        bar.update(task, completed=len(files))
    return out


def _summary(results: list[FileResult]) -> None:
    table = Table(title="Tổng hợp nhập báo cáo", show_lines=False)
    for title in ("Tệp", "Tháng", "Kết quả", "Nhiệm vụ mới", "Chưa chuyển", "Phỏng đoán",
                  "Khác số liệu"):
        table.add_column(title, no_wrap=title == "Tệp")
    for r in results:
        if r.plan is None:
            table.add_row(r.path.name, "", "lỗi (xem trên)", "", "", "", "")
            continue
        p = r.plan
        count = {k: sum(1 for n in p.notes if n.kind == k) for k in ("unmapped", "guess", "mismatch")}
        table.add_row(r.path.name, f"{p.month[1]}/{p.month[0]}", "đã nhập" if r.written else "chạy thử",
                      str(p.new_tasks), str(count["unmapped"]), str(count["guess"]),
                      str(count["mismatch"]))
    Console(highlight=False, markup=False, emoji=False,
            width=max(120, Console().width)).print(table)


@click.command("import", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("path", metavar="TỆP",
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--cot", "mapping", multiple=True, metavar="KHÓA=CỘT",
              help="Chỉ rõ cột (lặp lại được): KHÓA là id, van_ban, ngay_ban_hanh, noi_dung, "
                   "thoi_han, ngay_hoan_thanh, ket_qua, don_vi, ghi_chu; CỘT là tên cột (như "
                   "\"Thời hạn\") hoặc chữ cột của bảng tính (như C).")
@click.option("--dry-run", is_flag=True, help="Chỉ liệt kê nhiệm vụ mới, thay đổi, không đổi.")
@click.pass_context
def directives_import(ctx: click.Context, path: Path, mapping: tuple[str, ...],
                      dry_run: bool) -> None:
    """Nhập sổ theo dõi nhiệm vụ từ tệp Excel (.xlsx) hoặc CSV vào directives.yaml.

    Cột được nhận theo tên tiếng Việt (Số/Ký hiệu, Ngày văn bản, Nội dung, Thời hạn, Ngày hoàn
    thành, Kết quả, Đơn vị). Giữ nguyên chú thích và thứ tự của directives.yaml; chỉ ghi sự
    kiện, tình trạng vẫn do công cụ tính. Ví dụ: baocao directives import so-theo-doi.xlsx --dry-run
    """
    from .commands.import_tasks import import_register, register_lines  # noqa: PLC0415

    root = _import_root(ctx.obj.get("repo", Path(".")) if ctx.obj else Path("."))
    overrides: dict[str, str] = {}
    for m in mapping:
        key, sep, col = m.partition("=")
        if not sep or not col.strip():
            raise click.BadParameter(f"\"{m}\": viết dạng KHÓA=CỘT", param_hint="--cot")
        overrides[key.strip()] = col.strip()
    diff = import_register(root, path, overrides, dry_run=dry_run)
    click.echo("\n".join(register_lines(diff, path.name)))
    if dry_run:
        err_console.print("Chạy thử (--dry-run): directives.yaml không đổi.")
