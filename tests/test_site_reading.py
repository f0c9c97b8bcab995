"""Issue 18, Build 6: dates and names shown one way on the site (the built site of
``site_build``: the shipped 2023 reports with the site fixture, register as of 20/10/2023).

The rule (docs/dev/site.md, "Dates"): the site writes every date of a date field (a task's
issue day, deadline, completion day, progress note day; the site's own dates) as
``format_date_short`` does (day in two digits, month 01 and 02 in two digits: "09/8/2023",
"15/01/2024") and a month as "1/2024", whatever the editor typed; section bodies and summaries
stay as written, and the DOCX/PDF print what the source says.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

from lxml import html as lxml_html

from baocao.vietnamese import format_date_short

DAY = re.compile(r"(?<![\w/.\-])(\d{1,2})/(\d{1,2})/(\d{4})(?![\w/\-])")


def page(site: Path, path: str) -> lxml_html.HtmlElement:
    return lxml_html.fromstring((site / path / "index.html").read_bytes())


def text_of(elements: list) -> str:
    return " ".join(" ".join(e.itertext()) for e in elements)


def off_rule(text: str) -> list[str]:
    """The day dates of *text* not written the site's way."""
    out = []
    for m in DAY.finditer(text):
        d = date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if format_date_short(d) != m.group(0):
            out.append(m.group(0))
    return out


def test_register_and_web_appendix_write_dates_one_way(site_build):
    typed = (site_build.root / "directives.yaml").read_text("utf-8")
    # The source mixes the forms: the reason for the rule.
    assert 'deadline: "15/1/2024"' in typed and 'deadline: "10/01/2024"' in typed
    register = page(site_build.site, "nhiem-vu")
    cells = register.xpath("//table[contains(@class,'bc-tasks')]//td[@data-label!='Nội dung công việc']")
    notes = register.xpath("//span[contains(@class,'bc-cell-note')]")
    dated = text_of(cells) + " " + " ".join(n.text_content().split(":")[0] for n in notes)
    assert DAY.search(dated)
    assert off_rule(dated) == []
    row = register.xpath("//tr[@id='nv-2023-30-kh-ubnd']")[0]
    assert "15/01/2024" in row.text_content() and "15/1/2024" not in row.text_content()
    assert "25/6/2023" in row.text_content()
    # The web appendix of September: its date columns follow the rule too.
    september = page(site_build.site, "2023/09")
    table = september.xpath("//table[contains(@class,'bc-tasks--appendix')]")[0]
    date_cells = table.xpath(".//td[@data-label='Số/Ký hiệu VBCĐ' or @data-label='Thời hạn' "
                             "or @data-label='Ngày hoàn thành']")
    assert DAY.search(text_of(date_cells))
    assert off_rule(text_of(date_cells)) == []
    # The report's own facts (issue day, period, cut-off) as well.
    facts = september.xpath("//*[contains(@class,'bc-meta')]")
    assert facts and off_rule(text_of(facts)) == []


def test_documents_keep_the_source_text(site_build):
    """The official documents print the dates as the source says (Nghị định 30 and the
    register's own text): the DOCX of September keeps "15/1/2024" as typed."""
    docx = next((site_build.site / "2023" / "09").glob("*.docx"))
    with zipfile.ZipFile(docx) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    assert "15/1/2024" in re.sub(r"<[^>]+>", "", xml)


def test_agency_line_is_written_as_organization_yaml_states_it(site_build):
    org = next(r for r in site_build.repo.reports if r.key == "2023-09").organization
    september = page(site_build.site, "2023/09")
    rows = {dt.text_content().strip(): dt.getnext().text_content().strip()
            for dt in september.xpath("//*[contains(@class,'bc-meta')]//dt")}
    assert rows["Cơ quan chủ quản"] == org.parent == "UBND TỈNH BẮC GIANG"
    assert rows["Cơ quan ban hành"] == org.name == "Sở Khoa học và Công nghệ"
    assert "Sở Khoa học và Công nghệ, UBND" not in september.text_content()


def test_back_to_top_button_says_len_dau_trang(site_build):
    for path in ("", "2023/09", "nhiem-vu"):
        doc = page(site_build.site, path) if path else lxml_html.fromstring(
            (site_build.site / "index.html").read_bytes())
        button = doc.xpath("//button[contains(@class,'md-top')]")
        assert len(button) == 1, path
        assert button[0].text_content().strip() == "Lên đầu trang"
        assert "Trở lại mục lục" not in doc.text_content()
