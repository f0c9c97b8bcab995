#!/usr/bin/env python3
"""Write the two figures of the shipped May 2025 report (content/2025/05/hinh/).

    python scripts/may_2025_figures.py

- ty-le-ho-so-truc-tuyen.svg: Hình 2 of section IV, the share of administrative procedures
  filed online end to end, January to May 2025 (May: 62,4 %, the figure the section's text
  gives), a vector chart written here as SVG text;
- ke-hoach-kiem-dinh.png: Hình 1 of section III.3, the year-to-date results against the 2025
  plan (the section's table: 4.382 of 10.000 verifications, 236 of 700 samples), drawn as SVG
  and rasterised by typst (the PNG a department pastes from a spreadsheet).

Both are drawn in Liberation Serif (templates/fonts), which typst finds; the output is the same
bytes on every run.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "content" / "2025" / "05" / "hinh"
FONT = 'font-family="Liberation Serif, Times New Roman, serif"'


def _pct(value: float) -> str:
    return f"{value:.1f}".replace(".", ",") + "%"


def online_share() -> str:
    data = [("Tháng 1", 48.2), ("Tháng 2", 51.6), ("Tháng 3", 55.3), ("Tháng 4", 58.9),
            ("Tháng 5", 62.4)]
    width, height, left, bottom, top = 600, 300, 50, 250, 20
    plot = bottom - top
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" {FONT} font-size="14">',
           "<title>Tỷ lệ hồ sơ thủ tục hành chính trực tuyến toàn trình, tháng 1 đến tháng "
           "5/2025</title>",
           f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>']
    for value in (0, 20, 40, 60, 80):
        y = bottom - plot * value / 80
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" '
                   'stroke="#c8c8c8" stroke-width="1"/>')
        out.append(f'<text x="{left - 8}" y="{y + 5:.1f}" text-anchor="end">{value}%</text>')
    slot = (width - 10 - left) / len(data)
    bar = slot * 0.5
    for i, (label, value) in enumerate(data):
        x = left + slot * i + (slot - bar) / 2
        h = plot * value / 80
        fill = "#1f4e79" if i == len(data) - 1 else "#7f9fbf"
        out.append(f'<rect x="{x:.1f}" y="{bottom - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                   f'fill="{fill}"/>')
        out.append(f'<text x="{x + bar / 2:.1f}" y="{bottom - h - 6:.1f}" '
                   f'text-anchor="middle">{_pct(value)}</text>')
        out.append(f'<text x="{x + bar / 2:.1f}" y="{bottom + 22}" '
                   f'text-anchor="middle">{label}</text>')
    out.append(f'<line x1="{left}" y1="{bottom}" x2="{width - 10}" y2="{bottom}" '
               'stroke="#000000" stroke-width="1"/>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def plan_progress() -> str:
    rows = [("Kiểm định phương tiện đo", 4382, 10000), ("Thử nghiệm mẫu sản phẩm", 236, 700)]
    width, height, left, right = 640, 170, 210, 560
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" {FONT} font-size="15">',
           f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>']
    for i, (label, done, plan) in enumerate(rows):
        y = 30 + i * 60
        share = 100 * done / plan
        filled = (right - left) * done / plan
        out.append(f'<text x="{left - 10}" y="{y + 22}" text-anchor="end">{label}</text>')
        out.append(f'<rect x="{left}" y="{y}" width="{right - left}" height="32" fill="#e4e9f0" '
                   'stroke="#7f9fbf" stroke-width="1"/>')
        out.append(f'<rect x="{left}" y="{y}" width="{filled:.1f}" height="32" fill="#1f4e79"/>')
        out.append(f'<text x="{right + 10}" y="{y + 22}">{_pct(share)}</text>')
        out.append(f'<text x="{left + filled + 8:.1f}" y="{y + 22}" fill="#1f4e79">'
                   f'{done:,} / {plan:,}</text>'.replace(",", "."))
    out.append(f'<text x="{left}" y="{height - 12}" font-size="13" fill="#404040">Lũy kế đến '
               'ngày 15/5/2025 so với kế hoạch năm 2025</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main() -> None:
    from baocao.write.pdf import svg_to_png

    FOLDER.mkdir(parents=True, exist_ok=True)
    (FOLDER / "ty-le-ho-so-truc-tuyen.svg").write_text(online_share(), encoding="utf-8")
    svg = plan_progress().encode("utf-8")
    png = svg_to_png(svg, 640, 170, templates=ROOT / "templates")
    (FOLDER / "ke-hoach-kiem-dinh.png").write_bytes(png)
    print(f"Đã ghi {FOLDER}/ty-le-ho-so-truc-tuyen.svg và ke-hoach-kiem-dinh.png "
          f"({len(png)} byte)")


if __name__ == "__main__":
    main()
