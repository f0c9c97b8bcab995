"""Fuzzing the loaders and the placeholder syntax: no input makes them raise.

Deterministic and bounded: derandomize=True (a fixed seed derived from each test), no example
database, and a fixed number of examples so each test runs for a few seconds in CI.
"""

from __future__ import annotations

import shutil
import string
import tempfile
from pathlib import Path

import yaml
from conftest import FIXTURES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baocao import placeholders
from baocao.load import load_repository, read_text
from baocao.problems import CODES, Problems
from baocao.vietnamese import detect_legacy_encoding
from baocao.yamlio import YamlSyntaxError, load_yaml, split_front_matter


def fuzz(examples: int = 200):
    return settings(derandomize=True, database=None, deadline=None, max_examples=examples,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# Text that looks like what the loaders read: YAML and Markdown punctuation, Vietnamese letters,
# legacy-encoding signs, braces, control characters, combining marks, astral characters.
ALPHABET = st.sampled_from(list(
    string.ascii_letters + string.digits + " \t\n\r:-_[]{}<>()!*&|>#%@`'\",.?/\\=~^$"
    + "ăâêôơưđĐáàảãạếềểễệốồổỗộớờởỡợứừửữựíìỉĩịýỳỷỹỵ"
    + "¸µ¶·¹«§®ªÖäëïöüûøñ\u0300\u0301\u0303\u0309\u0323\ufeff\x00\x07\x1b\u2028\U0001f600"
)) | st.characters()
TEXT = st.text(ALPHABET, max_size=300)
KEYS = st.sampled_from(["title", "part", "number", "kind", "unit", "cutoff", "parts", "signer",
                        "recipients", "tasks", "id", "document", "issued", "summary", "deadline",
                        "completed", "extensions", "not_started", "from", "periods", "x", "titel"])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20),
                    st.floats(allow_nan=True), TEXT,
                    st.sampled_from(["I", "II", "III.1", "1", "appendix", "section", "2024-01-25",
                                     "31/02/2024", "Quý II/2024", "Thường xuyên", "issued", "draft",
                                     "{{ tong_so }}", "{{ tong_so.__class__ }}"]))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(KEYS | TEXT, inner, max_size=5), max_leaves=20)


def _ok_problems(problems: Problems) -> None:
    for p in problems:
        assert p.code in CODES and p.line >= 1 and p.col >= 1
        assert p.message


@fuzz(400)
@given(TEXT)
def test_load_yaml_raises_only_syntax_errors(text: str):
    try:
        loaded = load_yaml(text)
    except YamlSyntaxError as err:
        assert err.line >= 1 and err.col >= 1 and err.message
        return
    for line, col in loaded.positions.values():
        assert line >= 0 and col >= 0


@fuzz(300)
@given(VALUES)
def test_load_yaml_reads_back_what_yaml_writes(value: object):
    text = yaml.safe_dump(value, allow_unicode=True)
    try:
        load_yaml(text)
    except YamlSyntaxError as err:  # e.g. a key written twice after NFC normalisation
        assert err.line >= 1


@fuzz(300)
@given(TEXT, TEXT)
def test_front_matter_split_raises_only_syntax_errors(meta: str, body: str):
    try:
        fm = split_front_matter(f"---\n{meta}\n---\n{body}")
    except YamlSyntaxError as err:
        assert err.line >= 1
        return
    if fm is not None:
        assert fm.body_line >= 1 and fm.meta_offset >= 0


@fuzz(300)
@given(st.binary(max_size=400) | TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_read_text_never_raises(raw: bytes):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "content" / "a.md"
        path.parent.mkdir()
        path.write_bytes(raw)
        problems = Problems()
        text = read_text(path, "content/a.md", problems)
        assert text is None or ("\r" not in text and not text.startswith("\ufeff"))
        if text is None:
            assert problems.errors
        _ok_problems(problems)


# Placeholder-like text: fragments of the syntax, valid and invalid names, attribute access,
# stray braces and line breaks, glued together in any order.
PLACEHOLDER_TEXT = st.lists(
    st.sampled_from(["{{", "}}", "{", "}", " ", "\n", ".", "|", "(", ")", "[", "]", "'", "_",
                     "tong_so", "bang_nhiem_vu", "tom_tat_nhiem_vu", "thang_sau", "x", "__class__",
                     "{{ tong_so }}", "{{ bang_nhiem_vu }}", "{{tong_so.__mro__}}", "{{ 1 }}",
                     "Tổng số: ", "- ", "\u00a0"]) | st.text(ALPHABET, max_size=5),
    max_size=40,
).map("".join)


@fuzz(500)
@given(PLACEHOLDER_TEXT)
def test_placeholder_scan_never_raises_and_points_at_braces(text: str):
    found, bad = placeholders.find(text)
    lines = text.split("\n")
    for p in found:
        assert p.name in placeholders.INLINE or p.name in placeholders.BLOCK
        assert lines[p.line][p.col:].startswith("{{")
    for problem in bad:
        assert lines[problem.line][problem.col:].startswith("{{")
    assert len(bad) <= placeholders.MAX_PROBLEMS
    if not bad:
        values = {name: "7" for name in (*placeholders.INLINE, *placeholders.BLOCK)}
        out = placeholders.expand(text, values)
        for p in found:
            assert "{{ " + p.name + " }}" not in out


@fuzz(200)
@given(st.lists(st.sampled_from(["Sở", "Khoa", "học", "và", "Công", "nghệ", "tỉnh", "Bắc", "Giang",
                                 "được", "giao", "nhiệm", "vụ", "hoàn", "thành", "quý", "tháng",
                                 "năm", "Đảng", "ủy", "Nghị", "định", "số", "báo", "cáo", "kết",
                                 "quả", "trường", "nghiên", "cứu", "ứng", "dụng", "«", "»", "§",
                                 "°", "·", "×", "±", "Müller", "für", "naïve", "Zürich"]),
                max_size=60))
def test_real_vietnamese_is_never_called_legacy(words: list[str]):
    assert detect_legacy_encoding(" ".join(words)) is None


# Markdown-like bodies: links, images, autolinks, HTML, raw blocks, code, placeholders.
MARKDOWN = st.lists(
    st.sampled_from(["[a](", "](", "[", "]", "(", ")", "![x](", "<", ">", "<a href=x>", "</b>",
                     "javascript:", "JaVa&#x73;cript:", "data:", "file:///", "http://x/y.png",
                     "//cdn/x", "../", "../../../../etc/passwd", "/etc/passwd", "#muc", "%2e%2e/",
                     "[r]: ", "\n", "\n\n", "    ", "- ", "`", "```", "{=typst}", "{{ tong_so }}",
                     "{{", "}}", "\\", "*", "_", "Sở Khoa học", "Së Khoa häc", "\u2610",
                     "[a](javascript:alert(1))", "![x](../../etc/passwd)", "<http://x.vn>",
                     "[t](../a.md)", "[t](02-ke-hoach.md#muc)", "\n[r]: /etc/passwd\n", "[r][r]",
                     "[m](mailto:a@b.vn)", "![i](anh.png)", "<javascript:x>", "[e](<a b>)"])
    | st.text(ALPHABET, max_size=5),
    max_size=50,
).map("".join)


@fuzz(150)
@given(front=st.dictionaries(KEYS, VALUES, max_size=6), body=MARKDOWN, index_extra=VALUES,
       directives=VALUES)
def test_load_repository_never_raises(front: dict, body: str, index_extra: object,
                                      directives: object):
    """Any front matter, body, index.md field and directives.yaml: problems, no exception."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "repo"
        shutil.copytree(FIXTURES / "minimal", root)
        folder = root / "content" / "2024" / "01"
        meta = yaml.safe_dump(front, allow_unicode=True) if front else ""
        (folder / "02-ke-hoach.md").write_text(f"---\n{meta}---\n{body}", encoding="utf-8",
                                                errors="surrogatepass")
        index = folder / "index.md"
        extra = yaml.safe_dump({"tasks": index_extra}, allow_unicode=True)
        text = index.read_text(encoding="utf-8")
        assert text.endswith("\n---\n")
        index.write_text(text[:-4] + extra + "---\n", encoding="utf-8")
        (root / "directives.yaml").write_text(
            yaml.safe_dump({"tasks": directives}, allow_unicode=True), encoding="utf-8")
        repo, problems = load_repository(root)
        _ok_problems(problems)
        assert len(repo.reports) <= 1
