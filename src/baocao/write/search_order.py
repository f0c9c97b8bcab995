"""The same Pagefind bundle for the same records: Pagefind 1.5.2 writes the values of each filter,
and the list of filters in its metadata, in the order of a hash map seeded at random in every
run, so two indexings of the same records give different filter files, a different metadata
file and a different entry file (seen: two clean builds of the shipped content differed there).
No option or input order fixes it (the order is the seed's; later Pagefind releases sort).

:func:`sort_bundle` rewrites those three in a fixed order: each filter's values sorted, the
filters sorted by name, the files named again by the SHA-1 of their contents, as Pagefind names
them. The browser script reads filter values into a map and finds files through the metadata
and the entry file, so what it shows is unchanged. The files are CBOR (Pagefind's ``minicbor``
encoding: definite lengths, shortest integers) behind a ``pagefind_dcd`` prefix, gzip-compressed;
a file that does not read back to the same bytes is left as Pagefind wrote it.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import zlib
from pathlib import Path
from typing import Any

from .files import write_file

_PREFIX = b"pagefind_dcd"


class _Text(str):
    """A CBOR text string (as opposed to a byte string)."""


def _decode(data: bytes, pos: int = 0) -> tuple[Any, int]:
    head = data[pos]
    major, info = head >> 5, head & 0x1F
    pos += 1
    if info < 24:
        arg = info
    elif info in (24, 25, 26, 27):
        size = 1 << (info - 24)
        arg = int.from_bytes(data[pos:pos + size], "big")
        pos += size
    else:
        raise ValueError("indefinite or reserved CBOR length")
    if major == 0:
        return arg, pos
    if major == 1:
        return -1 - arg, pos
    if major in (2, 3):
        raw = data[pos:pos + arg]
        if len(raw) != arg:
            raise ValueError("cut off")
        return (_Text(raw.decode("utf-8")) if major == 3 else bytes(raw)), pos + arg
    if major == 4:
        items = []
        for _ in range(arg):
            item, pos = _decode(data, pos)
            items.append(item)
        return items, pos
    if major == 5:
        pairs = []
        for _ in range(arg):
            key, pos = _decode(data, pos)
            value, pos = _decode(data, pos)
            pairs.append((key, value))
        return dict(pairs), pos
    if major == 7 and info in (20, 21, 22):
        return {20: False, 21: True, 22: None}[info], pos
    if major == 7 and info in (25, 26, 27):
        raise ValueError("floats are not expected in Pagefind's index files")
    raise ValueError(f"unexpected CBOR item {head:#x}")


def _head(major: int, arg: int) -> bytes:
    if arg < 24:
        return bytes([major << 5 | arg])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if arg < 1 << (8 * size):
            return bytes([major << 5 | info]) + arg.to_bytes(size, "big")
    raise ValueError("integer too large")


def _encode(value: Any) -> bytes:
    if isinstance(value, bool) or value is None:
        return bytes([0xF4 if value is False else 0xF5 if value is True else 0xF6])
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, _Text):
        raw = value.encode("utf-8")
        return _head(3, len(raw)) + raw
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(_encode(v) for v in value)
    if isinstance(value, dict):
        return _head(5, len(value)) + b"".join(_encode(k) + _encode(v) for k, v in value.items())
    raise TypeError(type(value).__name__)


def _read(path: Path) -> Any:
    """The CBOR value of a Pagefind index file; ValueError unless it encodes back identically."""
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(_PREFIX):
        raise ValueError("not a Pagefind index file")
    value, end = _decode(raw, len(_PREFIX))
    if end != len(raw) or _encode(value) != raw[len(_PREFIX):]:
        raise ValueError("does not read back to the same bytes")
    return value


def _write(path: Path, payload: bytes) -> None:
    # mtime 0: the same bytes for the same payload (Pagefind writes the same gzip header)
    write_file(path, gzip.compress(_PREFIX + payload, compresslevel=9, mtime=0))


def _name(language: str, payload: bytes, length: int, taken: set[str]) -> str:
    digest = hashlib.sha1(payload).hexdigest()  # noqa: S324 - a file name, as Pagefind's
    while f"{language}_{digest[:length]}" in taken and length < len(digest):
        length += 1
    return f"{language}_{digest[:length]}"


def sort_bundle(bundle: Path, language: str) -> bool:
    """Rewrite the filter files, the metadata file and the entry file of the Pagefind *bundle*
    in a fixed order (see the module); False when a file is not in the expected shape (then
    nothing is changed)."""
    entry_path = bundle / "pagefind-entry.json"
    try:
        entry_text = entry_path.read_text(encoding="utf-8")
        old_meta = json.loads(entry_text)["languages"][language]["hash"]
        if entry_text.count(f'"hash":"{old_meta}"') != 1:
            return False  # not written as expected: the entry could not be pointed elsewhere
        meta_path = bundle / f"pagefind.{old_meta}.pf_meta"
        meta = _read(meta_path)
        filters = meta[3]
        if not isinstance(filters, list) or not all(
                isinstance(f, list) and len(f) == 2 and isinstance(f[1], str) for f in filters):
            return False
        files: list[tuple[Path, str, bytes]] = []  # (Pagefind's file, its new name, bytes)
        taken: set[str] = set()
        for pair in sorted(filters, key=lambda f: str(f[0])):
            path = bundle / "filter" / f"{pair[1]}.pf_filter"
            value = _read(path)
            if not (isinstance(value, list) and len(value) == 2 and isinstance(value[1], list)):
                return False
            value[1].sort(key=lambda v: (str(v[0]) if isinstance(v, list) and v else "", _encode(v)))
            payload = _encode(value)
            new = _name(language, payload, 7, taken)
            taken.add(new)
            files.append((path, new, payload))
            pair[1] = _Text(new)
        filters.sort(key=lambda f: str(f[0]))
        meta_payload = _encode(meta)
    except (OSError, ValueError, KeyError, TypeError, IndexError, EOFError, zlib.error):
        return False
    # New files first, then the old ones go: a failure halfway leaves a bundle that does not
    # verify (and is not stored), never one that points at missing files.
    for _, new, payload in files:
        _write(bundle / "filter" / f"{new}.pf_filter", payload)
    # (Pagefind names the metadata by len(language) + 8 characters of its hash)
    new_meta = _name(language, meta_payload, len(language) + 8, set())
    _write(bundle / f"pagefind.{new_meta}.pf_meta", meta_payload)
    write_file(entry_path, entry_text.replace(f'"hash":"{old_meta}"', f'"hash":"{new_meta}"', 1))
    kept = {f"{new}.pf_filter" for _, new, _ in files}
    for path, _, _ in files:
        if path.name not in kept:
            path.unlink(missing_ok=True)
    if meta_path.name != f"pagefind.{new_meta}.pf_meta":
        meta_path.unlink(missing_ok=True)
    return True
