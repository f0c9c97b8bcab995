"""``baocao directives import FILE.xlsx|FILE.csv``: the register from a spreadsheet, merged
into ``directives.yaml`` keeping its comments and order (:mod:`baocao.importing.spreadsheet`)."""

from __future__ import annotations

from pathlib import Path

from ..errors import ImportRefused, describe_os_error
from ..importing.existing import current_register
from ..importing.plan import replace_repo_file, repo_path
from ..importing.spreadsheet import MAPPABLE, SheetDiff, diff_sheet, read_rows
from ..importing.tasks import FIELD_NAMES
from ..load import tasks_from_text
from ..problems import Problems
from ..repofiles import DIRECTIVES_FILE


def import_register(root: Path, path: Path, overrides: dict[str, str], *,
                    dry_run: bool) -> SheetDiff:
    for key in overrides:
        if key not in MAPPABLE:
            raise ImportRefused(f"--cot: không có khóa \"{key}\"; các khóa: {', '.join(MAPPABLE)}")
    if path.suffix.lower() not in (".xlsx", ".xlsm", ".csv", ".txt"):
        raise ImportRefused(f"{path.name}: chỉ nhập được tệp .xlsx hoặc .csv")
    repo_path(root, DIRECTIVES_FILE)  # no link, no special file (E108), as check reads it
    text, tasks = current_register(root)
    try:
        rows = read_rows(path)
        diff = diff_sheet(rows, path.name, overrides, text, tasks)
    except ValueError as exc:
        raise ImportRefused(f"{path.name}: {exc}") from None
    except OSError as exc:
        raise ImportRefused(f"{path.name}: không đọc được: {describe_os_error(exc)}") from None
    after = Problems()
    tasks_from_text(diff.text, after)
    if after.errors:
        raise ImportRefused("sổ sau khi nhập sẽ có lỗi, không ghi: " + after.errors[0].format())
    if not dry_run and diff.text != text:
        replace_repo_file(root, DIRECTIVES_FILE, diff.text)
    return diff


def register_lines(diff: SheetDiff, name: str) -> list[str]:
    """The difference, in Vietnamese."""
    cols = ", ".join(f"{FIELD_NAMES.get(k, k)} ← \"{v}\"" for k, v in diff.columns.items()
                     if k in FIELD_NAMES)
    lines = [f"{name}: cột {cols}",
             f"Nhiệm vụ mới: {len(diff.new)}; thay đổi: {len(diff.changed)}; "
             f"không đổi: {len(diff.unchanged)}"]
    for e in diff.new:
        lines.append(f"  + {e['id']}: {e['document']} — {e['summary'][:70]}")
    for c in diff.changed:
        for key, (old, new) in c.changes.items():
            lines.append(f"  ~ {c.task_id} ({c.where}): {FIELD_NAMES.get(_K.get(key, key), key)}: "
                         f"\"{old}\" → \"{new}\"")
    for n in diff.notes:
        kind = {"unmapped": "Không chuyển được", "guess": "Ghi chú"}.get(n.kind, n.kind)
        lines.append(f"  {kind}: {n.where}: {n.text}")
    return lines


_K = {"document": "van_ban", "issued": "ngay_ban_hanh", "summary": "noi_dung",
      "deadline": "thoi_han", "completed": "ngay_hoan_thanh", "result": "ket_qua",
      "unit": "don_vi", "notes": "ghi_chu"}
