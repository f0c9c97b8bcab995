"""The ``baocao`` command line: a thin layer over ``baocao.commands``.

Every exception of every command reaches one boundary, :meth:`BaocaoGroup.main`, which hands it
to :func:`baocao.errors.report`: content problems become a list of ``path:line:col: CODE:
message`` lines and exit code 1, a failed tool or a full disk one Vietnamese line and exit code
1, bad arguments exit code 2, a bug exit code 70 (docs/dev/errors.md). Never a traceback (set
BAOCAO_DEBUG=1 to see it).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from . import clitext
from .errors import problem_lines, report
from .months import year_problem
from .problems import Problem
from .repo import find_root, load_checked
from .terminal import err_console, say
from .vietnamese import DateParseError, parse_date

clitext.install()  # click's own words (Usage:, Options, its errors) in Vietnamese


def _print_problems(problems: list[Problem], *, stream: Any = None) -> None:
    out = stream or sys.stdout
    for line in problem_lines(problems):
        out.write(line + "\n")


class BaocaoGroup(click.Group):
    """The error boundary of the CLI: whatever a command raises, and click's own usage errors,
    become Vietnamese lines on stderr and an exit code here, in one place (errors.report)."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             **extra: Any) -> Any:
        extra.setdefault("obj", {})  # shared by the group and its command (--repo on either)
        if not standalone_mode:  # a caller that handles exceptions itself
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except SystemExit:  # a command's own exit code (check: 1 when there are errors)
            raise
        except BaseException as exc:  # noqa: BLE001 - the boundary: every exception is reported
            code = report(exc, prog=prog_name or "baocao")
        # Without standalone mode click returns the code of ctx.exit() (or a command's value).
        sys.exit(code if isinstance(code, int) else 0)

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        """Every command also takes the group's options (``baocao new 2023-10 --repo X``)."""
        cmd.params.extend(_global_options())
        cmd.options_metavar = OPTIONS_METAVAR
        super().add_command(cmd, name)


OPTIONS_METAVAR = "[TÙY_CHỌN]"


class BaocaoSubGroup(click.Group):
    """A group under ``baocao`` (``baocao directives``): its commands take the global options
    too (``baocao directives import X --repo Y``) and show the Vietnamese options metavar."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        cmd.params.extend(_global_options())
        cmd.options_metavar = OPTIONS_METAVAR
        super().add_command(cmd, name)


def _set_repo(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    # A command's --repo is parsed before the group's callback runs, which then keeps it.
    if value is not None:
        ctx.obj["repo"] = value


def _show_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        from importlib.metadata import version

        click.echo(f"baocao {version('baocao')}")
        ctx.exit()


def _global_options(*, group: bool = False) -> list[click.Option]:
    """--repo/-C and --version, for the group (with the default) and for each command."""
    return [
        click.Option(["--repo", "-C"], type=click.Path(file_okay=False, path_type=Path),
                     metavar="THƯ_MỤC", default=Path(".") if group else None,
                     show_default=group, expose_value=group, callback=None if group else _set_repo,
                     help="Thư mục kho nội dung (có content/, directives.yaml)."),
        click.Option(["--version"], is_flag=True, expose_value=False, is_eager=True,
                     callback=_show_version, help="Xem phiên bản rồi thoát."),
    ]


def _root(ctx: click.Context) -> Path:
    return find_root(ctx.obj["repo"])


def _parse_day(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        day = parse_date(value)
    except DateParseError as exc:
        raise click.BadParameter(str(exc)) from None
    why = year_problem(day.year)
    if why is not None:
        raise click.BadParameter(f"ngày \"{value}\": {why}")
    return day


def _month_key(value: str) -> str:
    import re

    m = re.fullmatch(r"(\d{4})-(\d{1,2})|(\d{1,2})/(\d{4})", value.strip())
    if not m:
        raise click.BadParameter(f"tháng \"{value}\" không hợp lệ; viết dạng 2023-09 hoặc 9/2023")
    year, month = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
    # Written right but impossible (month 13, year 0): refused like impossible content, exit 1
    # (issue 15: no exit 2 for a month that cannot exist).
    from .errors import RefusedError

    if not 1 <= int(month) <= 12:
        raise RefusedError(f"tháng \"{value}\" không tồn tại (tháng phải từ 1 đến 12)")
    why = year_problem(int(year))
    if why is not None:
        raise RefusedError(f"tháng \"{value}\": {why}")
    return f"{int(year):04d}-{int(month):02d}"


CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(cls=BaocaoGroup, context_settings=CONTEXT_SETTINGS, params=_global_options(group=True),
             options_metavar=OPTIONS_METAVAR, subcommand_metavar="LỆNH [THAM_SỐ]...")
@click.pass_context
def cli(ctx: click.Context, repo: Path) -> None:
    """baocao: báo cáo tháng viết bằng Markdown → trang lưu trữ và văn bản DOCX/PDF.

    Mỗi lệnh có --help riêng, ví dụ: baocao check --help
    """
    ctx.ensure_object(dict).setdefault("repo", repo)


@cli.command()
@click.pass_context
def check(ctx: click.Context) -> None:
    """Kiểm tra toàn bộ nội dung và liệt kê mọi lỗi, cảnh báo (đường dẫn:dòng:cột).

    Thoát với mã 1 nếu có lỗi, 0 nếu không có lỗi (có thể có cảnh báo).
    """
    from .commands.check import check as run_check

    problems = run_check(_root(ctx))
    _print_problems(problems)
    if any(p.code.startswith("E") for p in problems):
        sys.exit(1)


@cli.command()
@click.argument("month", metavar="THÁNG")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), metavar="TỆP",
              help="Ghi ra tệp thay vì in ra màn hình.")
@click.pass_context
def render(ctx: click.Context, month: str, output: Path | None) -> None:
    """In toàn văn báo cáo tháng THÁNG (ví dụ 2023-09) dạng Markdown, theo thứ tự văn bản."""
    from .render.report_md import render_report_markdown

    key = _month_key(month)
    repo, _ = load_checked(_root(ctx))
    report = repo.report(key)
    if report is None:
        raise click.ClickException(f"không có báo cáo tháng {key} trong content/")
    text = render_report_markdown(repo, report)
    if output:
        output.write_text(text, encoding="utf-8")
        say(f"Đã ghi {output}")
    else:
        sys.stdout.write(text)


@cli.group(cls=BaocaoSubGroup, invoke_without_command=True,
           subcommand_metavar="[LỆNH] [THAM_SỐ]...")
@click.option("--as-of", "as_of", metavar="NGÀY", help="Tính tình trạng tại ngày này (mặc định: hôm nay).")
@click.option("--report", "report_month", metavar="THÁNG",
              help="Chỉ các nhiệm vụ trong phụ lục của báo cáo tháng này, tại ngày chốt của nó.")
@click.option("--status", "statuses", multiple=True, metavar="TÌNH_TRẠNG",
              help="Lọc theo tình trạng (lặp lại được): hoan-thanh, dung-han, cham, "
                   "dang-thuc-hien, trong-han, qua-han, chua-thuc-hien.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "xlsx"]),
              metavar="table|csv|json|xlsx", default="table", show_default=True, help="Dạng kết quả.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), metavar="TỆP",
              help="Tệp kết quả (bắt buộc với xlsx).")
@click.pass_context
def directives(
    ctx: click.Context, as_of: str | None, report_month: str | None, statuses: tuple[str, ...],
    fmt: str, output: Path | None,
) -> None:
    """Sổ theo dõi nhiệm vụ UBND tỉnh giao, với tình trạng tính tại một ngày.

    Ví dụ: baocao directives --status qua-han; baocao directives --format xlsx -o nhiem-vu.xlsx
    """
    if ctx.invoked_subcommand is not None:  # baocao directives import …
        return
    from .commands.directives import STATUS_ALIASES, row_record, select_rows
    from .write.exports import export_csv, export_json, export_xlsx

    for s in statuses:
        if s not in STATUS_ALIASES:
            raise click.BadParameter(
                f"tình trạng \"{s}\" không hợp lệ; chọn: {', '.join(sorted(STATUS_ALIASES))}",
                param_hint="--status",
            )
    repo, _ = load_checked(_root(ctx))
    key = _month_key(report_month) if report_month else None
    if key is not None:
        report = repo.report(key)
        if report is None:
            raise click.ClickException(f"không có báo cáo tháng {key} trong content/")
        day = report.cutoff
    else:
        day = _parse_day(as_of)
    rows = select_rows(repo, day, statuses, key)
    records = [row_record(r, day) for r in rows]
    if fmt == "xlsx":
        if output is None:
            raise click.UsageError("dạng xlsx cần -o TỆP.xlsx")
        export_xlsx(records, day, output)
        say(f"Đã ghi {len(records)} nhiệm vụ vào {output}")
        return
    if fmt in ("csv", "json"):
        data = export_csv(records) if fmt == "csv" else export_json(records, day)
        if output:
            output.write_bytes(data)
            say(f"Đã ghi {len(records)} nhiệm vụ vào {output}")
        else:
            sys.stdout.buffer.write(data)
        return
    _print_table(records, rows, day, output)


@cli.command()
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              metavar="THƯ_MỤC", help="Thư mục kết quả (mặc định: site/ trong kho).")
@click.option("--as-of", "as_of", metavar="NGÀY",
              help="Ngày tính tình trạng trong sổ theo dõi nhiệm vụ của trang web (mặc định: hôm nay).")
@click.option("--tree", "tree_dir", type=click.Path(file_okay=False, path_type=Path), metavar="THƯ_MỤC",
              help="Giữ cây Markdown và mkdocs.yml đã sinh trong thư mục này (để kiểm tra, "
                   "hoặc dựng thử bằng Zensical).")
@click.option("--force", is_flag=True,
              help="Dựng lại toàn bộ trang web và mọi văn bản DOCX, PDF, cả khi không có thay "
                   "đổi (không lấy trang và văn bản từ bộ nhớ đệm).")
@click.pass_context
def build(ctx: click.Context, out_dir: Path | None, as_of: str | None, tree_dir: Path | None,
          force: bool) -> None:
    """Dựng trang web lưu trữ và văn bản DOCX, PDF của mọi báo cáo vào site/.

    site/ chỉ được thay khi mọi bước thành công; nếu có lỗi, trang cũ được giữ nguyên.
    """
    from .commands.build import build as run_build
    from .commands.build import content_snapshot

    root = _root(ctx)
    day = _parse_day(as_of) if as_of else None
    snapshot = content_snapshot(root)  # before reading: a save from now on is the next build's
    repo, problems = load_checked(root)
    for p in problems.warnings:
        say(p.format())
    target = out_dir or root / "site"
    try:
        with _progress() as progress:
            result = run_build(repo, root, target, progress=progress, as_of=day,
                               tree_dir=tree_dir, force=force, snapshot=snapshot)
    except Exception as exc:
        # The build publishes atomically: whatever failed, the previous site is still there.
        exc.add_note(f"{target} được giữ nguyên.")
        raise
    if result.unchanged:
        return
    say(f"Đã dựng trang web và văn bản của {len(repo.reports)} báo cáo vào {target}")
    if result.warnings:  # issued documents that a template or tool change would alter (W602)
        for p in result.warnings:
            say(p.format())
        changed = len({p.path for p in result.warnings})
        say(f"Cảnh báo: {changed} báo cáo đã ban hành có văn bản khác bản đã ban hành (W602).")


@contextmanager
def _progress() -> Iterator[Callable[[str], None]]:
    """Progress of a long build: a live rich bar on a terminal, plain lines otherwise (CI logs).

    Messages of the form "[i/n] …" move the bar (one document written); any other message
    names the step now running (the site, the search index): it is printed above the bar, which
    then shows that step until it ends.
    """
    if not err_console.is_terminal:
        yield say
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}", markup=False), BarColumn(),
                  MofNCompleteColumn(), TimeElapsedColumn(), console=err_console,
                  transient=True) as bar:
        task = bar.add_task("Chuẩn bị", total=None)

        def step(msg: str) -> None:
            nonlocal task
            m = re.match(r"\[(\d+)/(\d+)\]\s*(.*)", msg)
            if m:
                bar.update(task, completed=int(m.group(1)), total=int(m.group(2)),
                           description=f"Văn bản {m.group(3)}")
            else:
                bar.console.print(msg)
                bar.remove_task(task)  # a new step: its name, no count yet
                task = bar.add_task(msg.split(":", 1)[0], total=None)

        yield step


def _one_document(ctx: click.Context, month: str, output: Path | None, fmt: str) -> None:
    from .render.official import render_official_input
    from .write.names import document_name, report_epoch, templates_dir

    root = _root(ctx)
    repo, _ = load_checked(root)
    _ensure_issued_unchanged(repo, root)
    key = _month_key(month)
    report = repo.report(key)
    if report is None:
        raise click.ClickException(f"không có báo cáo tháng {key} trong content/")
    out = output or Path(document_name(report, fmt))
    source = render_official_input(repo, report)
    if fmt == "docx":
        from .write.docx import write_docx as write
    else:
        from .write.pdf import write_pdf as write
    write(source, out, templates=templates_dir(root), epoch=report_epoch(report))
    say(f"Đã ghi {out}")


@cli.command()
@click.argument("month", metavar="THÁNG")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), metavar="TỆP",
              help="Tệp DOCX kết quả (mặc định: bao-cao-<tháng>.docx).")
@click.pass_context
def docx(ctx: click.Context, month: str, output: Path | None) -> None:
    """Ghi văn bản DOCX chính thức của báo cáo tháng THÁNG (ví dụ 2023-09)."""
    _one_document(ctx, month, output, "docx")


@cli.command()
@click.argument("month", metavar="THÁNG")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), metavar="TỆP",
              help="Tệp PDF kết quả (mặc định: bao-cao-<tháng>.pdf).")
@click.pass_context
def pdf(ctx: click.Context, month: str, output: Path | None) -> None:
    """Ghi văn bản PDF chính thức của báo cáo tháng THÁNG (ví dụ 2023-09)."""
    _one_document(ctx, month, output, "pdf")


def _ensure_issued_unchanged(repo: Any, root: Path) -> None:
    """An issued official document never changes silently (baocao.lock)."""
    from .lock import ensure_issued_unchanged

    ensure_issued_unchanged(repo, root)


@cli.command("new")
@click.argument("month", metavar="THÁNG")
@click.option("--cutoff", metavar="NGÀY",
              help="Ngày chốt số liệu (mặc định: cùng ngày của tháng, như ngày chốt tháng trước).")
@click.pass_context
def new_cmd(ctx: click.Context, month: str, cutoff: str | None) -> None:
    """Tạo báo cáo tháng THÁNG (ví dụ 2023-10) từ báo cáo tháng trước.

    Các tệp mục (mọi bố cục) giữ nguyên tên và thông tin đầu tệp; mục Phần I được điền sẵn các
    nhiệm vụ tháng trước đã đề ra (Phần II) của cùng lĩnh vực để báo cáo kết quả; mục có chỗ điền
    số liệu {{ … }} giữ nguyên; các mục khác và đoạn mở đầu để trống; tệp phụ lục giữ nguyên.
    Kính gửi, người ký, nơi nhận và các nhiệm vụ còn mở đã loại khỏi phụ lục được giữ.
    Không ghi đè tháng đã có.
    """
    from .commands.new import new_month
    from .vietnamese import format_date_short

    key = _month_key(month)
    result = new_month(_root(ctx), key, cutoff=_parse_day(cutoff) if cutoff else None)

    prev = result.previous
    say(
        f"Đã tạo {len(result.files)} tệp trong {result.files[0].rsplit('/', 1)[0]}/ từ báo cáo "
        f"tháng {prev.month}/{prev.year}: kỳ báo cáo {format_date_short(result.period_start)} – "
        f"{format_date_short(result.cutoff)} (ngày chốt số liệu).")
    say(
        f"Phần I: {len(result.seeded)} mục có sẵn danh sách nhiệm vụ tháng trước đã đề ra để "
        "báo cáo kết quả; các mục khác để trống (trừ chỗ điền số liệu). Xem lại trích yếu, Kính "
        "gửi, người ký, nơi nhận trong index.md.")
    if result.problems:
        _print_problems(result.problems, stream=sys.stderr)


@cli.command()
@click.option("--port", "-p", default=8000, show_default=True, metavar="CỔNG", help="Cổng.")
@click.option("--host", default="127.0.0.1", show_default=True, metavar="ĐỊA_CHỈ",
              help="Địa chỉ lắng nghe (mặc định chỉ máy này).")
@click.option("--as-of", "as_of", metavar="NGÀY",
              help="Ngày tính tình trạng trong sổ theo dõi nhiệm vụ (mặc định: hôm nay).")
@click.pass_context
def serve(ctx: click.Context, port: int, host: str, as_of: str | None) -> None:
    """Xem trước trang web trên máy này, tự dựng lại và tải lại trang khi lưu tệp.

    Lỗi nội dung hiện ngay trên trang và trong cửa sổ lệnh; máy chủ vẫn chạy và giữ bản dựng
    tốt gần nhất. Bản xem trước được dựng như baocao build, cả văn bản DOCX, PDF và ô tìm kiếm.
    Dừng bằng Ctrl+C.
    """
    from .commands.serve import serve as run_serve

    run_serve(_root(ctx), host=host, port=port, as_of=_parse_day(as_of) if as_of else None,
              say=say)


@cli.command("issue")
@click.argument("month", metavar="THÁNG", required=False)
@click.option("--number", type=int, metavar="SỐ", help="Số văn bản do văn thư cấp.")
@click.option("--date", "day", metavar="NGÀY", help="Ngày ban hành (ví dụ 2023-09-28 hoặc 28/9/2023).")
@click.option("--reissue", is_flag=True,
              help="Ban hành lại một báo cáo đã ban hành (ghi lại dấu vân tay nội dung và văn "
                   "bản; lần ban hành trước được giữ trong lịch sử của hồ sơ ban hành).")
@click.option("--reason", metavar="LÝ_DO",
              help="Lý do ban hành lại (bắt buộc với --reissue), ghi vào hồ sơ ban hành.")
@click.option("--lock-issued", "lock_all", is_flag=True,
              help="Không cần THÁNG: khóa mọi báo cáo đã ghi status: issued mà chưa có dấu vân "
                   "tay (kho cũ chuyển sang dùng baocao issue).")
@click.pass_context
def issue_cmd(ctx: click.Context, month: str | None, number: int | None, day: str | None,
              reissue: bool, reason: str | None, lock_all: bool) -> None:
    """Ban hành báo cáo tháng THÁNG: điền số, ngày, đánh dấu đã ban hành và khóa nội dung.

    Ví dụ: baocao issue 2023-09 --number 1234 --date 2023-09-28. Sau đó baocao check báo lỗi
    nếu nội dung báo cáo, hoặc sự kiện của các nhiệm vụ trong phụ lục tính đến ngày chốt, bị
    sửa; muốn ban hành lại phải chạy lại lệnh với --reissue --reason "…".
    """
    from .commands.issue import issue, lock_issued
    from .vietnamese import format_date_short

    if lock_all:
        if month or number or day or reissue or reason:
            raise click.UsageError("--lock-issued không dùng cùng THÁNG, --number, --date, "
                                   "--reissue, --reason")
        locked = lock_issued(_root(ctx))
        say(f"Đã khóa {len(locked)} báo cáo đã ban hành: "
             + (", ".join(f"{r.month}/{r.year}" for r in locked) or "không có báo cáo nào cần khóa")
             + ".")
        return
    if month is None:
        raise click.UsageError("thiếu tháng báo cáo, ví dụ: baocao issue 2023-09 --number 1234 "
                               "--date 2023-09-28")
    if reason is not None and not reissue:
        raise click.UsageError("--reason chỉ dùng cùng --reissue")
    key = _month_key(month)
    result = issue(_root(ctx), key, number, _parse_day(day) if day else None, reissue=reissue,
                   reason=reason)
    r = result.report
    assert r.meta.number is not None and r.meta.date is not None
    verb = "Đã ban hành lại" if result.reissued else "Đã ban hành"
    say(
        f"{verb} báo cáo tháng {r.month}/{r.year}: số {r.meta.number}/BC-{r.organization.symbol} "
        f"ngày {format_date_short(r.meta.date.value)}.")
    say(
        f"Dấu vân tay {result.fingerprint[:22]}… ghi trong {r.index_src.path}; hồ sơ ban hành "
        f"(cả mã SHA-256 của DOCX, PDF đã ban hành): {r.folder}/{result.record_path.name}. "
        "Chạy baocao build để tạo văn bản chính thức.")


_STATUS_STYLE = {
    "hoan-thanh-dung-han": "green",
    "hoan-thanh-qua-han": "yellow",
    "hoan-thanh-khong-ro-ngay": "blue",
    "dang-thuc-hien-trong-han": "cyan",
    "dang-thuc-hien-qua-han": "bold red",
    "chua-thuc-hien": "magenta",
}


def _print_table(records: list[dict[str, str]], rows: list[Any], day: date,
                 output: Path | None) -> None:
    from .vietnamese import format_date_short

    table = Table(title=f"Nhiệm vụ UBND tỉnh giao — tình trạng ngày {format_date_short(day)}",
                  show_lines=False, expand=False)
    for title, opts in (("Số/Ký hiệu", {"no_wrap": True}), ("Nội dung", {"ratio": 3}),
                        ("Thời hạn", {}), ("Hoàn thành", {}), ("Tình trạng", {})):
        table.add_column(title, **opts)
    for rec, row in zip(records, rows, strict=True):
        style = _STATUS_STYLE[row.status.value]
        summary = rec["summary"] if len(rec["summary"]) <= 90 else rec["summary"][:87] + "…"
        completed = rec["completed"] or (
            f"không rõ ngày (chậm nhất {rec['completed_by']})" if rec["completed_by"] else "")
        # Text, not markup: a task's words ("[b]", ":100:") are shown as written
        table.add_row(Text(rec["document"]), Text(summary), Text(rec["deadline"]),
                      Text(completed), Text(rec["status"], style=style))
    console = Console(file=output.open("w", encoding="utf-8") if output else None,
                      highlight=False, markup=False, emoji=False)
    console.print(table)
    console.print(f"Tổng số: {len(records)} nhiệm vụ.")


from .cli_import import directives_import, import_cmd  # noqa: E402 - cli_import.py

cli.add_command(import_cmd)
directives.add_command(directives_import)


def main() -> None:
    """Entry point of the ``baocao`` console script."""
    cli(prog_name="baocao")


if __name__ == "__main__":
    main()
