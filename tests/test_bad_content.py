"""One fixture per failure mode: the exact `baocao check` output, exit code, no traceback."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, ROOT, make_repo

from baocao import load as load_mod
from baocao.cli import cli
from baocao.load import font_chars, fonts_dir, load_repository
from baocao.vietnamese import detect_legacy_encoding

CASES = sorted(p.name for p in (FIXTURES / "bad").iterdir() if p.is_dir())


def run_check(repo: Path):
    return CliRunner().invoke(cli, ["--repo", str(repo), "check"], catch_exceptions=False)


def test_minimal_fixture_is_clean():
    result = run_check(FIXTURES / "minimal")
    assert result.exit_code == 0, result.output
    assert result.output == "Không có lỗi.\n"


@pytest.mark.parametrize("case", CASES)
def test_bad_case_exact_output(case: str, tmp_path: Path):
    repo = make_repo(tmp_path, case)
    expected = (FIXTURES / "bad" / case / "expected.txt").read_text(encoding="utf-8")
    result = run_check(repo)
    assert result.output == expected
    has_error = any(": E" in line for line in expected.splitlines())
    assert result.exit_code == (1 if has_error else 0)
    assert "Traceback" not in result.output


def test_every_problem_reported_in_one_run(tmp_path: Path):
    """Problems in three different files are all listed, sorted by file and line."""
    result = run_check(make_repo(tmp_path, "all-at-once"))
    lines = [ln for ln in result.output.splitlines() if ": E" in ln]
    codes = [ln.split(": ")[1] for ln in lines]
    assert codes == ["E501", "E301", "E303", "E401"]
    keys = [(ln.split(':')[0], int(ln.split(':')[1]), int(ln.split(':')[2])) for ln in lines]
    assert keys == sorted(keys)
    assert result.exit_code == 1


def test_problem_lines_point_at_the_value(tmp_path: Path):
    """The reported line of an impossible date is the line that holds it."""
    repo = make_repo(tmp_path, "impossible-date")
    out = run_check(repo).output.splitlines()[0]
    path, line, col = out.split(":")[:3]
    text = (repo / path).read_text(encoding="utf-8").splitlines()[int(line) - 1]
    assert "31/02/2024" in text
    assert text[int(col) - 1:].startswith("completed")


def test_appendix_file_holds_only_the_table(tmp_path: Path):
    repo = make_repo(tmp_path, "unknown-key")
    path = repo / "content/2024/01/90-phu-luc.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nGhi chú thêm.\n", encoding="utf-8")
    result = run_check(repo)
    assert result.exit_code == 1
    assert "content/2024/01/90-phu-luc.md:5:1: E502: nội dung tệp phụ lục chỉ gồm dòng" in result.output


# --------------------------------------------------------------------------------------------
# The corpus itself, and what every case guarantees beyond its exact output

PROBLEM_LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<code>[EW]\d{3}): (?P<msg>.+)$")
#: Failure modes of issue #9 and the case(s) that cover each.
REQUIRED = {
    "malformed YAML": ["yaml-malformed", "yaml-tab-indent", "yaml-duplicate-key", "yaml-control-character"],
    "malformed front matter": ["front-matter-unclosed", "front-matter-missing", "front-matter-bad-quote",
                               "front-matter-not-mapping"],
    "wrong types": ["wrong-type-list", "wrong-type-number", "wrong-type-tasks", "wrong-type-task-fields",
                    "wrong-type-title", "wrong-value-status"],
    "unknown keys": ["unknown-key", "unknown-key-task", "unknown-key-index"],
    "impossible dates": ["impossible-date", "impossible-date-issued", "unreadable-date"],
    "contradictory dates": ["completed-before-started", "adjustment-before-assigned",
                            "extension-before-assigned", "period-start-after-cutoff"],
    "duplicates": ["duplicate-task", "duplicate-task-content", "duplicate-section-number",
                   "duplicate-section-order"],
    "overlapping period": ["period-overlap"],
    "empty files": ["empty-section-file", "empty-index", "empty-directives"],
    "binary": ["binary-file"],
    "not UTF-8": ["not-utf8"],
    "legacy encodings": ["legacy-tcvn3-pasted", "legacy-tcvn3-file", "legacy-vni-pasted", "legacy-vni-file"],
    "NFD": ["nfd-text"],
    "BOM and CRLF": ["bom-crlf"],
    "alias bomb": ["yaml-alias-bomb", "yaml-deep-nesting", "yaml-python-tag"],
    "raw HTML": ["raw-html-script", "raw-output-code"],
    "outside files": ["image-outside-repo", "link-outside-repo"],
    "links and special files": ["link-section-file", "link-index", "link-month-folder", "link-guide",
                                "special-fifo"],
    "unsafe links and remote images": ["link-unsafe-scheme", "image-remote", "image-data"],
    "python placeholders": ["python-placeholder", "placeholder-python-access"],
    "font": ["missing-glyph", "image-svg-missing-glyph"],
    # issue 17: repository images, and what is refused of them
    "images (issue 17)": ["image-file-refused", "image-svg-unsafe", "image-written-wrong",
                          "image-outside-repo", "image-remote", "image-data"],
    "all at once": ["all-at-once", "many-at-once"],
    # issue 15's smaller cases
    "years out of range": ["year-out-of-range", "year-folder-out-of-range"],
    "look-alike duplicates": ["confusable-duplicate-task"],
    "bidi controls": ["bidi-control"],
    "long document numbers": ["number-too-long"],
    "deep nesting": ["nesting-too-deep"],
    "issued record (issue 15)": ["issued-record-status-draft", "issued-record-fingerprint-removed",
                                 "issued-record-unreadable"],
    # issue 16, part B: task facts as real registers keep them, and deadline wording
    "task facts (issue 16)": ["adjustment-before-assigned", "deadline-changes-same-date",
                              "progress-out-of-order", "progress-before-assigned",
                              "progress-empty-text", "progress-wrong-type",
                              "completed-and-completed-by", "completed-by-before-started",
                              "adjustment-missing-date"],
    "deadline wording (issue 16)": ["deadline-unknown-with-hint", "deadline-range-reversed",
                                    "bad-deadline"],
    "settings": ["settings-inherit", "settings-tag", "settings-analytics", "settings-remote-asset",
                 "settings-unsafe-url", "settings-unknown-key"],
    # issue 16, the report's own shape
    "openings": ["opening-number-title", "opening-twice", "opening-unknown-part"],
    "signature forms": ["signer-unknown-abbreviation", "signer-lowercase",
                        "signer-q-position-repeated", "signer-missing-position",
                        "signer-tm-second-line"],
    "Kính gửi and Như trên": ["addressees-typed-punctuation", "nhu-tren-without-addressees",
                              "addressee-empty"],
}


def test_corpus_covers_every_failure_mode():
    assert len(CASES) >= 40
    missing = [c for cases in REQUIRED.values() for c in cases if c not in CASES]
    assert missing == []


@pytest.mark.parametrize("case", CASES)
def test_every_problem_names_an_existing_file_and_line(case: str, tmp_path: Path):
    repo = make_repo(tmp_path, case)
    lines = (FIXTURES / "bad" / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert lines[-1].startswith(("Có ", "Không có lỗi"))
    for text in lines[:-1]:
        m = PROBLEM_LINE.match(text)
        assert m, text
        target = repo / m["path"]
        assert target.exists(), text
        if target.is_file() and target.stat().st_size:
            n_lines = target.read_bytes().count(b"\n") + 1
            assert 1 <= int(m["line"]) <= n_lines, text


ERROR_CASES = [c for c in CASES
               if ": E" in (FIXTURES / "bad" / c / "expected.txt").read_text(encoding="utf-8")]


@pytest.mark.parametrize("case", ERROR_CASES)
def test_build_refuses_bad_content_and_writes_nothing(case: str, tmp_path: Path):
    repo = make_repo(tmp_path, case)
    before = sorted(p.relative_to(repo) for p in repo.rglob("*"))
    result = CliRunner().invoke(cli, ["--repo", str(repo), "build"], catch_exceptions=False)
    assert result.exit_code == 1
    expected = (FIXTURES / "bad" / case / "expected.txt").read_text(encoding="utf-8")
    if case.startswith("issued-record-"):
        # The issue lock is refused by the library's build() itself (not by loading), so the
        # CLI adds its note that the previous site is kept.
        expected += f"{repo / 'site'} được giữ nguyên.\n"
    assert result.stderr == expected  # the same problems as `check`, on standard error
    assert "Traceback" not in result.output
    assert sorted(p.relative_to(repo) for p in repo.rglob("*")) == before  # no site/, no cache
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def _loaded(repo: Path):
    loaded, problems = load_repository(repo)
    return loaded, problems


def test_bom_and_crlf_load_exactly_like_plain_lf(tmp_path: Path):
    raw = (FIXTURES / "bad/bom-crlf/content/2024/01/index.md").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf---\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    plain, _ = _loaded(FIXTURES / "minimal")
    bom, problems = _loaded(make_repo(tmp_path, "bom-crlf"))
    assert list(problems) == []
    assert bom.reports[0].meta == plain.reports[0].meta
    assert [(s.title, s.body, s.body_line) for s in bom.reports[0].sections] == \
        [(s.title, s.body, s.body_line) for s in plain.reports[0].sections]
    assert "\r" not in bom.reports[0].sections[1].body


def test_nfd_text_is_normalised_to_nfc(tmp_path: Path):
    plain, _ = _loaded(FIXTURES / "minimal")
    nfd, problems = _loaded(make_repo(tmp_path, "nfd-text"))
    assert [p.code for p in problems] == ["W502"]
    section = nfd.reports[0].sections[1]
    assert section.title == plain.reports[0].sections[1].title == "Nhiệm vụ tháng tới"
    assert unicodedata.is_normalized("NFC", section.body)
    raw = (make_repo(tmp_path / "b", "nfd-text") / "content/2024/01/02-ke-hoach.md").read_text("utf-8")
    assert not unicodedata.is_normalized("NFC", raw)  # the fixture really is NFD


# --------------------------------------------------------------------------------------------
# Legacy encodings and the font


def test_legacy_detection_names_the_encoding_and_reads_the_word():
    tcvn3 = detect_legacy_encoding("Së Khoa häc vµ C«ng nghÖ tØnh B¾c Giang")
    assert tcvn3 is not None and (tcvn3.encoding, tcvn3.word, tcvn3.reading) == ("TCVN3 (ABC)", "Së", "Sở")
    vni = detect_legacy_encoding("Sôû Khoa hoïc vaø Coâng ngheä tænh Baéc Giang")
    assert vni is not None and (vni.encoding, vni.word, vni.reading) == ("VNI", "Sôû", "Sở")


@pytest.mark.parametrize("text", [
    "Sở Khoa học và Công nghệ tỉnh Bắc Giang «trích yếu» 5° § 3 ± 0,5 × 2 · mục",
    "Hợp tác với Müller GmbH, Gödel, naïve, für, Øresund, Åland, São Paulo, Zürich",
    "ĐƯỢC, TRƯỜNG, NGHIÊN CỨU, ỨNG DỤNG, Ủy ban, Quỹ, Thủy, Hỷ, Ỹ",
])
def test_legacy_detection_leaves_real_text_alone(text: str):
    assert detect_legacy_encoding(text) is None


def test_fast_font_check_only_skips_characters_the_font_has():
    """The characters the loader never looks up are all in every shipped font."""
    folder = fonts_dir(ROOT)
    assert folder == ROOT / "templates" / "fonts"
    chars = font_chars(folder)
    skipped = [cp for cp in range(0x110000) if not load_mod._COVERED.match(chr(cp))]
    assert len(skipped) > 900  # ASCII, Latin-1, Latin Extended, combining marks, Vietnamese, …
    assert [hex(cp) for cp in skipped if cp not in chars and cp not in (9, 10)] == []


# --------------------------------------------------------------------------------------------
# Size: very long lines and a 50 MB file, in a child process with a time limit


def _check_in_child(repo: Path) -> tuple[subprocess.CompletedProcess[str], int]:
    """`baocao check` in a fresh interpreter; its output and peak memory (KiB). The peak is
    the interpreter's own (Linux: VmHWM): ``ru_maxrss`` keeps, across fork and exec, the size
    of the test process that started it, which grows with the tests run before this one."""
    code = ("import re, resource, sys\n"
            "from baocao.cli import cli\n"
            "def peak():\n"
            "    try:\n"
            "        with open('/proc/self/status') as f:\n"
            "            return int(re.search(r'VmHWM:\\s+(\\d+)', f.read()).group(1))\n"
            "    except (OSError, AttributeError):\n"
            "        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
            "try:\n"
            f"    cli(['--repo', {str(repo)!r}, 'check'], prog_name='baocao')\n"
            "except SystemExit as e:\n"
            "    sys.stderr.write(f'\\nMAXRSS={peak()}\\n')\n"
            "    raise\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    rss = int(re.search(r"MAXRSS=(\d+)", proc.stderr).group(1))
    return proc, rss


def _minimal_copy(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "minimal", repo)
    return repo


def test_a_50_mb_file_is_refused_without_reading_it(tmp_path: Path):
    repo = _minimal_copy(tmp_path)
    big = repo / "content/2024/01/03-tep-lon.md"
    with big.open("wb") as fh:
        fh.write("---\npart: II\nnumber: \"2\"\ntitle: \"Lớn\"\n---\n".encode())
        line = ("- Nội dung rất dài " * 1000 + "\n").encode("utf-8")
        while fh.tell() < 50 * 1024 * 1024:
            fh.write(line)
    proc, rss = _check_in_child(repo)
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        "content/2024/01/03-tep-lon.md:1:1: E102: tệp quá lớn (50 MB; tối đa 5 MB)",
        "Có 1 lỗi và 0 cảnh báo."]
    assert "Traceback" not in proc.stderr
    assert rss < 200 * 1024  # the file was never read into memory


@pytest.mark.parametrize("body", [
    "- " + "Nội dung rất dài, " * 10_000,  # one 180 000-character line of ordinary text
    "{{ tong_so }} " * 14_000,  # a placeholder every few characters
    "{{" * 99_000,  # braces that never close
    "[" * 120_000 + "](x)",  # brackets for the Markdown parser
    "_[" * 60_000,  # emphasis and brackets
    "<" * 190_000,  # angle brackets for the HTML check
])
def test_very_long_lines_are_handled(body: str, tmp_path: Path):
    repo = _minimal_copy(tmp_path)
    path = repo / "content/2024/01/02-ke-hoach.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n" + body + "\n", encoding="utf-8")
    proc, _ = _check_in_child(repo)
    assert "Traceback" not in proc.stderr
    problems = [ln for ln in proc.stdout.splitlines() if PROBLEM_LINE.match(ln)]
    if "{{{{" in body:  # at most 50 placeholder problems per file, not 49 500
        assert len(problems) == 50 and proc.returncode == 1
    elif body[:2] in ("[[", "_[", "<<"):  # runs pandoc's reader cannot read in linear time
        assert len(problems) == 1 and ": E507: " in problems[0] and proc.returncode == 1
    else:
        assert problems == [] and proc.returncode == 0


def test_a_body_longer_than_the_limit_is_refused(tmp_path: Path):
    repo = _minimal_copy(tmp_path)
    path = repo / "content/2024/01/02-ke-hoach.md"
    path.write_text(path.read_text(encoding="utf-8") + "- " + "Nội dung rất dài, " * 150_000 + "\n",
                    encoding="utf-8")
    proc, _ = _check_in_child(repo)
    assert proc.stdout.splitlines() == [
        "content/2024/01/02-ke-hoach.md:6:1: E102: nội dung mục quá dài (2.700.039 ký tự; "
        "tối đa 200.000); hãy chia thành nhiều mục",
        "Có 1 lỗi và 0 cảnh báo."]
