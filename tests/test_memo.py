"""The shared JSON memo (src/baocao/memo.py) behind the HTML, search-record and document-key memos."""

from __future__ import annotations

from pathlib import Path

import pytest

from baocao import cache, memo
from baocao.memo import JsonMemo


def test_memo_keeps_what_a_run_used_and_only_for_its_tag(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch):
    clock = [1_000_000_000.0]
    monkeypatch.setattr(memo.time, "time", lambda: clock[0])
    path = tmp_path / "m.json"
    first = JsonMemo(path, "kind-1")
    first.put("a", [1, "một"])
    first.put("b", {"x": "y"})
    first.save()
    second = JsonMemo(path, "kind-1")
    assert second.get("a") == [1, "một"] and second.get("b") == {"x": "y"}
    # Nothing changed: nothing written.
    second.put("a", [1, "một"])
    second.put("b", {"x": "y"})
    stamp = path.stat().st_mtime_ns
    second.save()
    assert path.stat().st_mtime_ns == stamp
    # The one eviction policy (baocao.cache.UNUSED_LIFETIME): an entry a run did not use stays
    # until it was stored that long ago; a used one stays whatever its age.
    clock[0] += cache.UNUSED_LIFETIME - 10
    third = JsonMemo(path, "kind-1")
    third.put("a", [2])
    third.save()
    assert JsonMemo(path, "kind-1").old == {"a": [2], "b": {"x": "y"}}
    clock[0] += 20  # "b" is now older than the lifetime, "a" was stored again 20 s ago
    fourth = JsonMemo(path, "kind-1")
    fourth.put("c", "ba")
    fourth.save()
    assert JsonMemo(path, "kind-1").old == {"a": [2], "c": "ba"}
    # A run that looked at part of the content keeps every other entry.
    clock[0] += 2 * cache.UNUSED_LIFETIME
    fifth = JsonMemo(path, "kind-1")
    fifth.put("d", 4)
    fifth.save(keep_unused=True)
    assert JsonMemo(path, "kind-1").old == {"a": [2], "c": "ba", "d": 4}
    # Another kind, other parts (other inputs), other code, or a damaged file: an empty memo.
    assert JsonMemo(path, "kind-2").old == {}
    assert JsonMemo(path, "kind-1", "templates-2").old == {}
    monkeypatch.setattr(cache, "package_digest", lambda: "other code")
    assert JsonMemo(path, "kind-1").old == {}
    monkeypatch.undo()
    monkeypatch.setattr(memo.time, "time", lambda: clock[0])
    assert JsonMemo(path, "kind-1").old != {}
    good = path.read_bytes()
    # Still JSON, but not what save() wrote (a value changed): its checksum does not match.
    path.write_bytes(good.replace(b'"ba"', b'"bb"'))
    assert JsonMemo(path, "kind-1").old == {}
    path.write_bytes(good[:len(good) // 2])  # cut short (a full disk)
    assert JsonMemo(path, "kind-1").old == {}
    path.write_bytes(good)
    assert JsonMemo(path, "kind-1").old != {}
    path.write_text("{hỏng", encoding="utf-8")
    assert JsonMemo(path, "kind-1").old == {}
    # In memory only.
    memory = JsonMemo(None, "kind-1")
    memory.put("a", 1)
    memory.save()
    assert memory.get("a") == 1 and not list(tmp_path.glob(".m-*"))
