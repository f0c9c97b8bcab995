"""The import report of one file, in Vietnamese: what was written, what could not be mapped
(with the paragraph or table row it came from), every guess, every disagreement with what the
engine computes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .plan import Plan

#: Kinds of note, as the import report names them.
NOTE_TITLES = {"unmapped": "Không chuyển được", "guess": "Phỏng đoán",
               "mismatch": "Khác với số liệu công cụ tính"}


@dataclass
class FileResult:
    path: Path
    plan: Plan | None = None
    error: str = ""
    written: list[str] = field(default_factory=list)


def report_lines(result: FileResult) -> list[str]:
    """The import report of one file, in Vietnamese."""
    name = result.path.name
    if result.plan is None:
        return [f"{name}: LỖI: {result.error}"]
    plan = result.plan
    y, m = plan.month
    sections = sum(1 for k in plan.files if not k.endswith("index.md"))
    lines = [
        f"{name}: tháng {m}/{y} → {plan.folder} ({sections} tệp nội dung; nhiệm vụ: "
        f"{plan.new_tasks} mới, {plan.matched_tasks} đã có trong sổ, {plan.updated_tasks} bổ sung; "
        f"ngày chốt {plan.cutoff.strftime('%d/%m/%Y') if plan.cutoff else '?'})"
    ]
    for kind, title in NOTE_TITLES.items():
        found = [n for n in plan.notes if n.kind == kind]
        if found:
            lines.append(f"  {title} ({len(found)}):")
            lines.extend(f"    - {n.where}: {n.text}" for n in found)
    return lines
