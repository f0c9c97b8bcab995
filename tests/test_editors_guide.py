"""The editors' guide documents every field editors write and the whole editing workflow."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT
from pydantic import BaseModel

from baocao.deadlines import parse_deadline
from baocao.model import (
    AdjustmentEntry,
    ColumnEntry,
    ExtensionEntry,
    PartMeta,
    ProgressEntry,
    ReportMeta,
    SectionMeta,
    SignerMeta,
    TaskEntry,
    TaskSelectionMeta,
    TopicEntry,
)

GUIDE = ROOT / "docs" / "huong-dan-bien-tap.md"


def _sections() -> dict[str, str]:
    """Guide text by "## N. Title" heading (title without the number)."""
    text = GUIDE.read_text(encoding="utf-8")
    parts = re.split(r"^## ", text, flags=re.M)
    out = {}
    for part in parts[1:]:
        head, _, body = part.partition("\n")
        out[re.sub(r"^\d+\.\s*", "", head).strip()] = body
    return out


def _fields(model: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items()]


def _documented(section: str, models: list[type[BaseModel]]) -> list[tuple[str, str]]:
    text = _sections()[section]
    return [(m.__name__, name) for m in models for name in _fields(m) if f"`{name}`" not in text]


@pytest.mark.parametrize("section, models", [
    ("Thông tin chung của báo cáo (index.md)",
     [ReportMeta, PartMeta, SignerMeta, TaskSelectionMeta]),
    ("Viết một mục", [SectionMeta, ColumnEntry, TopicEntry]),
    ("Thêm và hoàn thành nhiệm vụ", [TaskEntry, ExtensionEntry, AdjustmentEntry, ProgressEntry]),
])
def test_every_field_is_documented(section: str, models: list[type[BaseModel]]):
    missing = _documented(section, models)
    assert not missing, f"fields not documented in «{section}»: {missing}"


def test_a_new_field_would_be_caught():
    class Probe(BaseModel):
        truong_moi_chua_ghi: str

    assert _documented("Viết một mục", [Probe]) == [("Probe", "truong_moi_chua_ghi")]


def test_the_workflow_is_covered():
    sections = _sections()
    for title in ("Viết một mục", "Bắt đầu báo cáo của tháng mới", "Thêm và hoàn thành nhiệm vụ",
                  "Xem trước", "Gửi yêu cầu hợp nhất (merge request)", "Ban hành"):
        assert title in sections, title
    assert "baocao new 2023-10" in sections["Bắt đầu báo cáo của tháng mới"]
    assert "baocao serve" in sections["Xem trước"]
    assert "baocao issue 2023-09 --number 1234 --date 2023-09-28" in sections["Ban hành"]
    assert '--reissue --reason "' in sections["Ban hành"]
    assert "Xem truoc bao cao" in sections["Gửi yêu cầu hợp nhất (merge request)"]
    # The merge-request box name is the one the pipeline exposes.
    assert 'expose_as: "Xem truoc bao cao"' in (ROOT / ".gitlab-ci.yml").read_text(encoding="utf-8")
    # Every problem code editors can meet is explained.
    from baocao.problems import CODES

    table = sections["Một số lỗi thường gặp"]
    for code in ("E108", "E601", "E602", "W601", "W602", "E701"):
        assert code in CODES and f"`{code}`" in table


def test_the_guide_is_a_page_of_the_site(shipped_repo):
    from datetime import date

    from baocao.render.site import GUIDE as GUIDE_PAGE
    from baocao.render.site import SiteContext, render_site

    text = GUIDE.read_text(encoding="utf-8")
    pages = render_site(SiteContext(repo=shipped_repo, as_of=date(2023, 10, 1), guide=text),
                        ROOT / "templates")
    assert "baocao issue 2023-09 --number 1234" in pages[GUIDE_PAGE]


def _deadline_table() -> list[tuple[list[str], str]]:
    """The rows of the guide's table of deadline forms: (the forms written, the due date)."""
    text = _sections()["Thêm và hoàn thành nhiệm vụ"]
    table = text.split("### Thời hạn: các cách viết được chấp nhận", 1)[1].split("\n### ", 1)[0]
    rows = []
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) != 3 or cells[0] in ("viết", "---"):
            continue
        forms = re.findall(r"`([^`]*)`", cells[0])
        if cells[0].startswith("bỏ trống"):
            forms.append("")
        rows.append((forms, cells[2]))
    return rows


def test_every_deadline_form_of_the_guide_parses_to_its_documented_due_date():
    """The guide's table is the contract: each form written there parses (keeping its text)
    to the due date the table gives, or to none."""
    rows = _deadline_table()
    assert len(rows) >= 12
    seen = set()
    for forms, due in rows:
        assert forms, due
        day = re.match(r"(\d{1,2})/(\d{1,2})/(\d{4})", due)
        for form in forms:
            deadline = parse_deadline(form)
            assert deadline.text == form
            if day is None:
                assert due.startswith("không có") and deadline.due is None, form
            else:
                d, m, y = (int(x) for x in day.groups())
                assert (deadline.due.day, deadline.due.month, deadline.due.year) == (d, m, y), form
            seen.add(form)
    # Every form the issue names is in the table.
    for form in ("2023-2025", "2023 - 2025", "Năm 2023-2025", "Giai đoạn 2023 - 2025",
                 "Năm 2025 và những năm tiếp theo", "Từ năm 2025", "Trước ngày 30/6/2025",
                 "trước 30/6/2025", "Trong tháng 6/2025", "6 tháng đầu năm 2025",
                 "Sáu tháng đầu năm 2025", "6 tháng cuối năm 2025", "Hằng năm, trước ngày 15/12",
                 "Định kỳ 6 tháng", "Thường xuyên, hằng tháng", "Không", "Không quy định",
                 "Không xác định", "Không có", "Chưa xác định", "x", "/", "--"):
        assert form in seen, form
