"""The shared JSON memo (src/baocao/memo.py) behind the HTML, search-record and document-key memos."""

from __future__ import annotations

from pathlib import Path

from baocao.memo import JsonMemo


def test_memo_keeps_what_a_run_used_and_only_for_its_tag(tmp_path: Path):
    path = tmp_path / "m.json"
    first = JsonMemo(path, "tag-1")
    first.put("a", [1, "một"])
    first.put("b", {"x": "y"})
    first.save()
    second = JsonMemo(path, "tag-1")
    assert second.get("a") == [1, "một"] and second.get("b") == {"x": "y"}
    # Nothing changed: nothing written.
    second.put("a", [1, "một"])
    second.put("b", {"x": "y"})
    stamp = path.stat().st_mtime_ns
    second.save()
    assert path.stat().st_mtime_ns == stamp
    # Only entries a run used are saved, unless it looked at part of the content only.
    third = JsonMemo(path, "tag-1")
    third.put("a", [2])
    third.save(keep_unused=True)
    assert JsonMemo(path, "tag-1").old == {"a": [2], "b": {"x": "y"}}
    fourth = JsonMemo(path, "tag-1")
    fourth.put("c", "ba")
    fourth.save()
    assert JsonMemo(path, "tag-1").old == {"c": "ba"}
    # Another tag (other code) or a damaged file: an empty memo, no error.
    assert JsonMemo(path, "tag-2").old == {}
    path.write_text("{hỏng", encoding="utf-8")
    assert JsonMemo(path, "tag-1").old == {}
    # In memory only.
    memory = JsonMemo(None, "tag-1")
    memory.put("a", 1)
    memory.save()
    assert memory.get("a") == 1 and not list(tmp_path.glob(".m-*"))
