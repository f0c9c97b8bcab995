"""The official documents read a report's section bodies (document/splice.lua) as one
``pandoc.read`` per body would, with as few ``pandoc.read`` calls as is safe.

Each call costs ≈ 5 ms before pandoc reads a character, so splice.lua reads the bodies that
nothing can carry over to another body in one call, joined by separator paragraphs. These tests
compare that reading, block for block, with the reading of each body on its own (what splice.lua
did before, here as a reference filter) over real bodies and hostile ones, and count the calls.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT

from baocao.document.parse import stringify, walk
from baocao.document.tree import (
    SPLICE_FILTER,
    make_bundle,
    official_pandoc_input,
    read_bundle,
    slot_marker,
)
from baocao.load import load_repository
from baocao.render.official import render_official_input
from baocao.write.pandoc import run_pandoc

#: The reference: every body read by its own pandoc.read (splice.lua before the joined read).
ONE_READ_PER_BODY = """
local data = pandoc.json.decode(io.open(os.getenv("BAOCAO_BODIES"), "rb"):read("a"), false)
return {{ Pandoc = function(doc)
  local out = pandoc.Blocks({})
  for _, block in ipairs(doc.blocks) do
    local text = block.t == "Para" and #block.content == 1 and block.content[1].text or ""
    local index = text:sub(1, #data.marker) == data.marker and tonumber(text:sub(#data.marker + 1))
    if index then
      out:extend(pandoc.read(data.bodies[index + 1], data.reader).blocks)
    else
      out:insert(block)
    end
  end
  doc.blocks = out
  return doc
end }}
"""

#: Runs splice.lua with pandoc.read counted; the count goes into the metadata field "reads".
COUNT_READS = """
local reads = 0
local read = pandoc.read
pandoc.read = function(...) reads = reads + 1; return read(...) end
local splice = dofile(os.getenv("SPLICE"))[1].Pandoc
return {{ Pandoc = function(doc)
  doc = splice(doc) or doc
  doc.meta.reads = tostring(reads)
  return doc
end }}
"""

#: Bodies that could carry something over to the next body, or end in a way that a joined
#: reading could read differently, each followed in the corpus by ordinary bodies.
HOSTILE = [
    "Đoạn có chú thích[^1] đầu tiên.\n\n[^1]: Chú thích của mục một.\n",
    "Mục hai dùng lại nhãn[^1].\n\n[^1]: Chú thích khác, của mục hai.\n",
    "Mục ba nhắc tới[^1] mà không viết chú thích.\n",
    "Định nghĩa liên kết [trang Sở][so] ở đây.\n\n[so]: https://skhcn.example.vn\n",
    "Mục dùng [so] và [trang][so] mà không định nghĩa.\n",
    "```\nmã không đóng\n",
    "Đoạn thường.\n\n```\nmã đóng ở mục sau\n",
    "```\n",
    "<div>\nkhối HTML không đóng\n",
    "</div>\n",
    "<!-- chú giải không đóng\n",
    "-->\n",
    "Dòng kết thúc bằng gạch chéo\\",
    "Dòng có hai dấu cách cuối  ",
    "- mục một\n- mục hai",
    "- mục một\n\n- mục hai, danh sách rộng\n",
    "- mục\n    + ý con\n        * ý cháu\n\n\n\n\n",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "    khối thụt lề bốn dấu cách",
    "    khối thụt lề ở đầu\n\nrồi đoạn thường\n",
    "> trích dẫn\nvẫn trích dẫn",
    "Đoạn\n===",
    "===\n\nĐoạn sau dòng bằng.\n",
    "---\n",
    "",
    "\n\n\n",
    "   \n",
    "Dòng CRLF\r\nthứ hai\r\n",
    "Tab\tở giữa và\n\tở đầu dòng\n",
    "*nhấn mạnh không đóng\n",
    "đóng nhấn mạnh*\n",
    "`mã nội dòng không đóng\n",
    "[ngoặc vuông không đóng\n",
    "](đóng ngoặc)\n",
    "Đoạn cuối\n\n\n\n\n\n",
    "Liên kết tự động <http://txng.bacgiang.gov.vn/> và <vanthu@bacgiang.gov.vn>.\n",
    "Thẻ <span>nội dòng</span> và <http://không đóng\n",
    "<section\n",
    "<a@b>\n\n<x:y z>\n",
    "<div>\nmở khối\n",
    "Đoạn có </div> ở giữa dòng.\n",
]


def _bodies_of(root: Path) -> list[str]:
    repo, problems = load_repository(root)
    assert not problems.errors
    out: list[str] = []
    for report in repo.reports:
        bundle = read_bundle(render_official_input(repo, report))
        assert bundle is not None
        out += bundle["bodies"]
    return out


def _slots(bodies: list[str], filters: list[str], tmp: Path,
           extra_env: dict[str, str] | None = None) -> tuple[list[list[dict]], dict]:
    """The blocks that take each body's slot, and the document's metadata, when *filters* run
    on a bundle of *bodies* (every slot followed by an end paragraph)."""
    ends = [f"slotend{i}" for i in range(len(bodies))]
    marker = slot_marker(bodies, "")
    skeleton = "".join(f"{marker}{i}\n\n{end}\n\n" for i, end in enumerate(ends))
    folder = tmp / f"run{len(list(tmp.iterdir()))}"
    folder.mkdir()
    pin = official_pandoc_input(make_bundle(skeleton, bodies, marker), lambda s: s, folder)
    raw = run_pandoc([f"--from={pin.reader}", "--to=json",
                      *[f"--lua-filter={f}" for f in filters]],
                     input_text=pin.text, extra_env={**pin.env, **(extra_env or {})})
    doc = json.loads(raw)
    slots: list[list[dict]] = [[]]
    for block in doc["blocks"]:
        if block["t"] == "Para" and len(block["c"]) == 1 and block["c"][0].get("c") in ends:
            slots.append([])
        else:
            slots[-1].append(block)
    assert len(slots) == len(bodies) + 1 and not slots[-1]
    return slots[:-1], doc["meta"]


def _reference(bodies: list[str], tmp: Path) -> list[list[dict]]:
    ref = tmp / "one-read-per-body.lua"
    ref.write_text(ONE_READ_PER_BODY, encoding="utf-8")
    return _slots(bodies, [str(ref)], tmp)[0]


def _reads(bodies: list[str], tmp: Path) -> tuple[list[list[dict]], int]:
    probe = tmp / "count-reads.lua"
    probe.write_text(COUNT_READS, encoding="utf-8")
    slots, meta = _slots(bodies, [str(probe)], tmp, {"SPLICE": str(SPLICE_FILTER)})
    return slots, int(meta["reads"]["c"])


@pytest.mark.parametrize("root", [ROOT, FIXTURES / "one-parse", "generated"],
                         ids=["shipped", "one-parse", "generated"])
def test_bodies_read_as_one_read_per_body_would(root: Path | str, tmp_path: Path):
    if root == "generated":  # the benchmark's archive (scripts/make_archive.py), 6 reports
        sys.path.insert(0, str(ROOT / "scripts"))
        from make_archive import make_archive

        root = make_archive(tmp_path / "archive", 6, seed=1)
    bodies = _bodies_of(Path(root))
    assert len(bodies) > 10
    expected = _reference(bodies, tmp_path)
    assert expected != [[]] * len(bodies)
    got, _ = _slots(bodies, [str(SPLICE_FILTER)], tmp_path)
    for i, (want, have) in enumerate(zip(expected, got, strict=True)):
        assert have == want, f"body {i}: {bodies[i]!r}"


@pytest.mark.parametrize("start", range(len(HOSTILE)))
def test_hostile_bodies_read_as_one_read_per_body_would(start: int, tmp_path: Path):
    # each hostile body between ordinary ones, then followed by the next hostile body (a
    # footnote label used again, a link defined in one body and used in the next, a fence or
    # an HTML block opened in one and closed in the next)
    ordinary = ["- Đoạn thường một.\n", "Đoạn thường hai, có **chữ đậm**.\n"]
    following = HOSTILE[(start + 1) % len(HOSTILE)]
    bodies = [*ordinary, HOSTILE[start], *ordinary, HOSTILE[start], following, *ordinary]
    expected = _reference(bodies, tmp_path)
    got, _ = _slots(bodies, [str(SPLICE_FILTER)], tmp_path)
    for i, (want, have) in enumerate(zip(expected, got, strict=True)):
        assert have == want, f"body {i}: {bodies[i]!r}"


def test_footnotes_of_the_same_label_stay_in_their_own_body(tmp_path: Path):
    got, _ = _slots(HOSTILE[:3], [str(SPLICE_FILTER)], tmp_path)
    texts = [stringify(blocks) for blocks in got]
    notes = [[stringify(n["c"]) for n in walk(blocks) if n["t"] == "Note"] for blocks in got]
    assert notes == [["Chú thích của mục một."], ["Chú thích khác, của mục hai."], []]
    assert "tới[^1]" in texts[2]


@pytest.mark.parametrize("key, bodies, expected_reads", [
    ("2023-09", 16, 1),  # 16 sections, none with a footnote: one read
    # 10 sections and 2 openings; the three with a footnote (I, II, III.3) are read on their
    # own (a footnote label could reach another body), the nine others in one read
    ("2025-05", 12, 1 + 3),
])
def test_a_report_is_read_in_one_pandoc_read(shipped_repo, tmp_path: Path, key: str, bodies: int,
                                             expected_reads: int):
    report = shipped_repo.report(key)
    bundle = read_bundle(render_official_input(shipped_repo, report))
    assert bundle is not None and len(bundle["bodies"]) == bodies
    assert sum("[^" in b for b in bundle["bodies"]) == expected_reads - 1
    got, reads = _reads(bundle["bodies"], tmp_path)
    assert got == _reference(bundle["bodies"], tmp_path)
    assert reads == expected_reads


def test_bodies_that_could_reach_another_are_read_on_their_own(tmp_path: Path):
    ordinary = ["Đoạn một.\n", "Đoạn hai.\n", "Đoạn ba.\n"]
    _, reads = _reads([*ordinary, HOSTILE[0], HOSTILE[3], HOSTILE[8]], tmp_path)
    assert reads == 1 + 3
    # an unclosed fence swallows the separator: the joined bodies are read again one by one
    got, reads = _reads([*ordinary, HOSTILE[6], HOSTILE[7], *ordinary], tmp_path)
    assert reads == 1 + 8
    assert got == _reference([*ordinary, HOSTILE[6], HOSTILE[7], *ordinary], tmp_path)
