"""JSON Schemas of the editor-facing files, generated from the schema classes of ``model``.

Editors get completion and validation in VS Code (Red Hat YAML extension) for directives.yaml
and organization.yaml through ``.vscode/settings.json``; the front matter schemas (report
``index.md`` and section files) serve tools that read front matter and document the fields.
The files in ``schemas/`` are generated: regenerate them with ``python -m baocao.schemas``
(``--check`` only compares); a test fails when the committed files differ from the generated.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .model import (
    AdjustmentEntry,
    ColumnEntry,
    DirectivesFile,
    ExtensionEntry,
    OrganizationFile,
    OrgPeriodEntry,
    PartMeta,
    ProgressEntry,
    ReportMeta,
    SectionMeta,
    SignerMeta,
    TaskEntry,
    TaskSelectionMeta,
    TopicEntry,
)

SCHEMA_DIR = "schemas"
DIALECT = "http://json-schema.org/draft-07/schema#"

#: Vietnamese description of each schema class (the class docstrings are English, for developers).
CLASS_DESCRIPTIONS: dict[type[BaseModel], str] = {
    ReportMeta: "Thông tin chung của báo cáo tháng: phần đầu tệp content/<năm>/<tháng>/index.md.",
    SectionMeta: "Phần đầu tệp của một mục báo cáo: content/<năm>/<tháng>/NN-ten-muc.md.",
    PartMeta: "Một Phần của báo cáo (Phần I, Phần II, …).",
    SignerMeta: "Người ký: quyền hạn ký, chức vụ và họ tên.",
    TaskSelectionMeta: "Thêm hoặc bớt nhiệm vụ trong phụ lục của riêng báo cáo này.",
    DirectivesFile: "Sổ theo dõi nhiệm vụ do UBND tỉnh, Chủ tịch UBND tỉnh giao (directives.yaml). "
    "Chỉ ghi sự kiện; tình trạng do baocao tự tính.",
    TaskEntry: "Một nhiệm vụ được giao: văn bản, ngày giao, nội dung, thời hạn, kết quả.",
    ExtensionEntry: "Một lần gia hạn thời hạn nhiệm vụ đã được chấp thuận.",
    AdjustmentEntry: "Một lần điều chỉnh thời hạn (sớm hơn hoặc muộn hơn) bằng văn bản sau.",
    ProgressEntry: "Tình hình thực hiện nhiệm vụ tại một ngày (lịch sử, không sửa).",
    OrganizationFile: "Tên cơ quan theo từng giai đoạn (organization.yaml).",
    OrgPeriodEntry: "Tên gọi của cơ quan từ một ngày trở đi.",
    ColumnEntry: "Một cột của bảng phụ lục với tiêu đề riêng.",
    TopicEntry: "Một nhóm (lĩnh vực) của phụ lục nhóm theo lĩnh vực.",
}

#: file name in schemas/ -> (top-level class, title)
SCHEMAS: dict[str, tuple[type[BaseModel], str]] = {
    "report.schema.json": (ReportMeta, "Báo cáo tháng (index.md)"),
    "section.schema.json": (SectionMeta, "Mục báo cáo (NN-ten-muc.md)"),
    "directives.schema.json": (DirectivesFile, "Sổ theo dõi nhiệm vụ (directives.yaml)"),
    "organization.schema.json": (OrganizationFile, "Cơ quan (organization.yaml)"),
}


def _describe(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """Vietnamese class description; property titles (English, derived) are dropped."""
    schema["description"] = CLASS_DESCRIPTIONS[model]
    schema.pop("title", None)
    for prop in schema.get("properties", {}).values():
        prop.pop("title", None)
        # A default that is an internal object (a parsed deadline) means "not written".
        if isinstance(prop.get("default"), dict) and prop.get("type") != "object":
            del prop["default"]


#: Dates as ``vietnamese.parse_date`` reads them: ISO (2023-09-14) or day/month/year with "/",
#: "." or "-" (14/9/2023). The model's schema says format "date", which validators do not check.
_ISO_DATE = r"^\s*\d{4}-\d{1,2}-\d{1,2}\s*$"
_DMY_DATE = r"^\s*\d{1,2}[/.-]\d{1,2}[/.-]\d{4}\s*$"


def _date_patterns(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("type") == "string" and node.get("format") == "date":
            node["pattern"] = _ISO_DATE
        elif node.get("type") == "string" and node.get("pattern") == r"^\d{1,2}/\d{1,2}/\d{4}$":
            node["pattern"] = _DMY_DATE
        for value in node.values():
            _date_patterns(value)
    elif isinstance(node, list):
        for value in node:
            _date_patterns(value)


def _classes(model: type[BaseModel]) -> dict[str, type[BaseModel]]:
    return {cls.__name__: cls for cls in CLASS_DESCRIPTIONS}


def generate(model: type[BaseModel], title: str) -> dict[str, Any]:
    """The JSON Schema (draft-07) of *model*, with Vietnamese descriptions throughout."""
    schema = model.model_json_schema(by_alias=True, mode="validation")
    defs: dict[str, Any] = schema.pop("$defs", {})
    if model is DirectivesFile:
        # directives.yaml's tasks are validated one by one (so one bad task does not hide the
        # others); for editors each item follows TaskEntry.
        entry = TaskEntry.model_json_schema(by_alias=True, mode="validation")
        defs.update(entry.pop("$defs", {}))
        defs["TaskEntry"] = entry
        schema["properties"]["tasks"]["items"] = {"$ref": "#/$defs/TaskEntry"}
    classes = _classes(model)
    _describe(schema, model)
    for name, sub in defs.items():
        _describe(sub, classes[name])
    _date_patterns(schema)
    _date_patterns(defs)
    out: dict[str, Any] = {"$schema": DIALECT, "title": title}
    out.update(schema)
    if defs:
        out["$defs"] = dict(sorted(defs.items()))
    return out


def render_all() -> dict[str, str]:
    """File name -> JSON text of every schema."""
    return {
        name: json.dumps(generate(model, title), ensure_ascii=False, indent=2) + "\n"
        for name, (model, title) in SCHEMAS.items()
    }


def write_all(root: Path) -> list[Path]:
    """Write every schema into *root*/schemas/; return the files that changed."""
    folder = root / SCHEMA_DIR
    folder.mkdir(exist_ok=True)
    changed = []
    for name, text in render_all().items():
        path = folder / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed


def main(argv: list[str] | None = None) -> int:
    """``python -m baocao.schemas [--check] [ROOT]``: regenerate (or compare) schemas/."""
    from .errors import ArgumentParser, RefusedError

    ap = ArgumentParser(prog="python -m baocao.schemas",
                        description="Sinh lại (hoặc so sánh) các tệp JSON Schema trong schemas/.")
    ap.add_argument("root", nargs="?", type=Path, default=None,
                    help="thư mục kho (mặc định: thư mục hiện tại)")
    ap.add_argument("--check", action="store_true",
                    help="chỉ so sánh, không ghi; mã thoát 1 khi schemas/ đã cũ")
    args = ap.parse_args(argv)
    root: Path = args.root or Path.cwd()
    if not root.is_dir():
        raise RefusedError(f"không có thư mục {root}")
    if args.check:
        stale = [name for name, text in render_all().items()
                 if not (root / SCHEMA_DIR / name).is_file()
                 or (root / SCHEMA_DIR / name).read_text(encoding="utf-8") != text]
        for name in stale:
            print(f"Lỗi: {SCHEMA_DIR}/{name} đã cũ; hãy chạy: python -m baocao.schemas",
                  file=sys.stderr)
        return 1 if stale else 0
    for path in write_all(root):
        print(f"Đã ghi {path}")
    return 0


if __name__ == "__main__":
    from .errors import run_main

    run_main(main)
