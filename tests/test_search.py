"""The search index (src/baocao/search.py): records cut from the built pages, folded aliases for
"đ", filters from the model, the Pagefind bundle written by ``build()``, and the same index on a
Zensical build. The search box in a real browser is tested in test_search_browser.py."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import (
    ROOT,
    SEARCH_OCTOBER,
    SEARCH_TASK_UNIT,
    SEARCH_UNITS,
    SHARD_NEWEST_TEXT,
    SHARD_REPORTS_TEST,
    build_sharded,
    edit_text,
    make_sharded_repo,
)
from hypothesis import given
from hypothesis import strategies as st
from lxml import html as lxml_html

from baocao.render.site import SEARCH_SCRIPT, site_config
from baocao.vietnamese import fold
from baocao.write import search, search_records
from baocao.write.search import filter_values, shard_records, write_search_index
from baocao.write.search_records import (
    FILTERS,
    SearchIndexError,
    SearchRecord,
    collect_records,
    fold_query_words,
    folded_aliases,
    record_groups,
    record_html,
    record_path,
    report_records,
)


@pytest.fixture(scope="module")
def records(search_build) -> list[SearchRecord]:
    return collect_records(search_build.repo, search_build.site)


def by_url(records: list[SearchRecord], url: str) -> SearchRecord:
    found = [r for r in records if r.url == url]
    assert len(found) == 1, (url, [r.url for r in records])
    return found[0]


def page_ids(site: Path, url: str) -> set[str]:
    folder = url.split("#", 1)[0]
    doc = lxml_html.fromstring((site / folder / "index.html").read_bytes())
    return {str(e.get("id")) for e in doc.xpath("//*[@id]")}


# --------------------------------------------------------------------------------------------
# Pure helpers


def test_folded_aliases_fold_only_words_with_d_stroke():
    assert folded_aliases("Đường giao thông", "đường, Đắk Lắk; dương") == "duong dak"
    assert folded_aliases("giám định tư pháp") == "dinh"
    assert folded_aliases("bảo hiểm") == ""


def test_query_words_split_like_the_browser():
    assert fold_query_words("4502/UBND-KGVX") == ["4502", "ubnd", "kgvx"]
    assert fold_query_words("  Giám  định ") == ["giam", "dinh"]


def test_record_html_escapes_and_carries_meta_filters_and_sort():
    rec = SearchRecord("2023/09/#a", "II. <b>Cơ chế</b>", "Đường <script>x</script>",
                       {"nam": ("2023",), "muc": ("Phần I › II. A, B",)}, "202309")
    out = record_html(rec)
    assert "<b>" not in out and "<script>" not in out
    assert '<p data-pagefind-meta="title">II. &lt;b&gt;Cơ chế&lt;/b&gt;</p>' in out
    assert "lien_ket" not in out and "2023/09" not in out  # the link is the file's path
    assert '<p data-pagefind-meta="khong_dau">duong</p>' in out
    assert '<p data-pagefind-filter="muc">Phần I › II. A, B</p>' in out
    assert '<p data-pagefind-sort="ky">202309</p>' in out
    assert '<html lang="vi">' in out


def test_record_path_carries_the_link():
    assert record_path(SearchRecord("2023/09/#phu-luc", "t", "x")) == "2023/09/_/phu-luc.html"
    assert record_path(SearchRecord("2023/09/", "t", "x")) == "2023/09/index.html"
    assert record_path(SearchRecord("nhiem-vu/#nv-1", "t", "x")) == "nhiem-vu/_/nv-1.html"
    js = (ROOT / "templates/site/assets/baocao-search.js").read_text(encoding="utf-8")
    assert r'url.replace(/\/_\/([^/]*)\.html$/' in js


def test_browser_script_knows_the_same_filters():
    js = (ROOT / "templates/site/assets/baocao-search.js").read_text(encoding="utf-8")
    block = re.search(r"var FILTERS = \[(.*?)\];", js, re.S)
    assert block
    pairs = re.findall(r'\["(\w+)", "([^"]+)"\]', block.group(1))
    assert dict(pairs) == FILTERS
    assert f'var MUC_SEPARATOR = "{search_records.MUC_SEPARATOR}"' in js


# --------------------------------------------------------------------------------------------
# Records of the built site


def test_every_report_section_with_text_is_one_record_at_its_heading(search_build, records):
    site = search_build.site
    for report in search_build.repo.reports:
        prefix = f"{report.year}/{report.month:02d}/"
        mine = [r for r in records if r.url.startswith(prefix)]
        overview = by_url(records, prefix)
        assert overview.title == f"Báo cáo tháng {report.month}/{report.year}"
        assert fold(report.meta.title) in fold(overview.text)  # the trích yếu
        assert "Nơi nhận" in overview.text
        ids = page_ids(site, prefix)
        for section in report.body_sections:
            rec = [r for r in mine if r.title == f"{section.number}. {' '.join(section.title.split())}"]
            assert len(rec) == 1, (report.key, section.number)
            anchor = rec[0].url.split("#", 1)[1]
            assert anchor in ids
            assert rec[0].filters["nam"] == (str(report.year),)
            assert rec[0].filters["thang"] == (str(report.month),)
            assert rec[0].filters["phan"] == (f"Phần {section.part}",)
            if section.unit:
                assert rec[0].filters["don_vi"] == (section.unit,)
            else:
                assert "don_vi" not in rec[0].filters
        for rec in mine:
            assert "Sửa mục này" not in rec.text and "¶" not in rec.text
            assert "Tải DOCX" not in rec.text


def test_section_text_is_the_page_text(search_build, records):
    rec = by_url(records, next(r.url for r in records
                               if r.url.startswith("2023/10/") and r.title.startswith("III.6.")))
    assert rec.text == " ".join(SEARCH_OCTOBER["08-thanh-tra.md"].removeprefix("- ").split())
    assert rec.filters["muc"] == ("Phần I › III. Hoạt động KH&CN",)
    assert rec.filters["don_vi"] == (SEARCH_UNITS["08-thanh-tra.md"],)
    assert rec.sort == "202310"


def test_d_stroke_words_have_folded_aliases(records):
    rec = next(r for r in records if r.url.startswith("2023/10/") and r.title.startswith("III.2."))
    assert "đường" in rec.text
    assert "duong" in rec.aliases.split()
    assert "dong" in rec.aliases.split()  # Đồng Sơn


def test_tasks_are_records_of_the_register(search_build, records):
    tasks = [r for r in records if r.url.startswith("nhiem-vu/#")]
    assert len(tasks) == len(search_build.repo.tasks)
    rec = by_url(records, "nhiem-vu/#nv-2023-4502-ubnd-kgvx")
    assert rec.title.startswith("4502/UBND-KGVX ngày 09/8/2023")
    assert "giám định chất lượng" in rec.text
    assert "Tình trạng: Hoàn thành đúng hạn." in rec.text
    assert rec.filters == {"loai": ("Nhiệm vụ",), "nam": ("2023",), "thang": ("8",),
                           "don_vi": (SEARCH_TASK_UNIT,)}
    hostile = by_url(records, "nhiem-vu/#nv-2023-9999-ubnd-kgvx")
    assert "<script>window.__xss = 1</script>" in hostile.text  # text, escaped when written


def test_guide_chapters_are_records(search_build, records):
    guide = [r for r in records if r.url.startswith("huong-dan-bien-tap/")]
    assert len(guide) >= 5
    ids = page_ids(search_build.site, "huong-dan-bien-tap/")
    for rec in guide:
        assert rec.filters == {"loai": ("Hướng dẫn biên tập",)}
        if "#" in rec.url:
            assert rec.url.split("#", 1)[1] in ids


def test_code_blocks_are_not_searched(search_build, records):
    """The guide's YAML and command examples (code blocks) are not record text: a result's
    excerpt showed `signer: authority: "KT. GIÁM ĐỐC"`. Inline code in a sentence stays."""
    from lxml import html as lxml_html

    page = lxml_html.fromstring((search_build.site / "huong-dan-bien-tap/index.html").read_bytes())
    blocks = [" ".join(b.text_content().split()) for b in page.xpath("//article//pre")]
    assert any("signer:" in b for b in blocks)  # the guide has them
    guide = [r for r in records if r.url.startswith("huong-dan-bien-tap/")]
    text = " ".join(r.text for r in guide)
    assert "signer:" not in text and "authority:" not in text
    for block in blocks:  # (a short one, "baocao serve", is also said in a sentence)
        assert len(block) < 40 or block not in text
    inline = page.xpath("//article//p/code")
    assert inline and " ".join(inline[0].text_content().split()) in text


def test_a_page_that_does_not_match_the_model_is_an_error(search_build, tmp_path: Path):
    report = search_build.repo.reports[0]
    page = search_build.site / "2023/09/index.html"
    text = page.read_text(encoding="utf-8")
    changed = tmp_path / "index.html"
    changed.write_text(text.replace("Hoạt động KH&amp;CN<a", "Hoạt động khác<a", 1), encoding="utf-8")
    with pytest.raises(SearchIndexError, match="khác đề mục"):
        report_records(report, changed)
    cut = tmp_path / "cut.html"
    cut.write_text(re.sub(r"<h2 id=\"phu-luc\".*?</h2>", "", text, flags=re.S), encoding="utf-8")
    with pytest.raises(SearchIndexError, match="đề mục"):
        report_records(report, cut)


# --------------------------------------------------------------------------------------------
# The bundle in the built site, and the engine configuration


def test_build_writes_the_pagefind_bundle(search_build, records):
    bundle = search_build.site / "pagefind"
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["version"] == "1.5.2"
    assert list(entry["languages"]) == ["vi"]
    assert entry["languages"]["vi"]["page_count"] == len(records)
    assert (bundle / "pagefind.js").is_file()
    assert not (bundle / "pagefind-ui.js").exists() and not (bundle / "playground").exists()
    assert (search_build.site / SEARCH_SCRIPT).is_file()
    lists = json.loads((bundle / search.FILTER_VALUES).read_text(encoding="utf-8"))
    assert lists == filter_values(records)
    assert lists["thang"][:2] == ["9", "10"] and lists["phan"] == ["Phần I", "Phần II"]
    assert set(lists["don_vi"]) == set(SEARCH_UNITS.values()) | {SEARCH_TASK_UNIT}
    assert len(list((bundle / "index").iterdir())) > 1  # small chunks (next test)
    # Up to SHARD_REPORTS reports the index is one bundle, as before shards existed.
    assert not (bundle / search.SHARDS_DIR).exists() and search.SHARDS_KEY not in lists


def test_index_chunk_size_reaches_pagefind(search_build, tmp_path: Path, monkeypatch):
    site = tmp_path / "site"
    shutil.copytree(search_build.site, site)
    monkeypatch.setattr(search, "INDEX_CHUNK_SIZE", 10**9)
    write_search_index(search_build.repo, site)
    assert len(list((site / "pagefind" / "index").iterdir())) == 1


def test_header_has_our_search_box_and_no_builtin_search(search_build):
    for page in ("index.html", "2023/09/index.html", "nhiem-vu/index.html"):
        doc = lxml_html.fromstring((search_build.site / page).read_bytes())
        assert len(doc.xpath("//header//*[@data-bc-search]")) == 1, page
        assert not doc.xpath("//*[@data-md-component='search']"), page
        assert not doc.xpath("//form[@name='search']"), page
        scripts = [s.get("src") for s in doc.xpath("//script[@src]")]
        assert any(s.endswith("assets/baocao-search.js") for s in scripts), page
    assert not (search_build.site / "search" / "search_index.json").exists()


def test_site_config_disables_builtin_search_and_loads_ours():
    cfg = site_config({"plugins": ["search"], "extra_javascript": ["x.js"]}, [])
    assert cfg["plugins"] == [{"search": {"enabled": False}}]
    assert SEARCH_SCRIPT in cfg["extra_javascript"] and "x.js" not in cfg["extra_javascript"]


def test_pagefind_failure_fails_the_index(search_build, tmp_path: Path, monkeypatch):
    site = tmp_path / "site"
    shutil.copytree(search_build.site, site)
    monkeypatch.setattr(search, "pagefind_command",
                        lambda records, bundle: [sys.executable, "-c", "import sys; sys.exit(3)"])
    with pytest.raises(SearchIndexError, match="Pagefind"):
        write_search_index(search_build.repo, site)


def test_zensical_build_of_the_tree_gets_the_same_records(search_build, records, tmp_path: Path):
    """The tree also builds with Zensical; `python -m baocao.write.search` indexes that site, with the
    anchors Zensical wrote. (The browser test searches it.)"""
    out = zensical_site(search_build.tree, tmp_path / "zsite")
    proc = subprocess.run([sys.executable, "-m", "baocao.write.search", str(out), "--repo",
                           str(search_build.root)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "Đã lập chỉ mục tìm kiếm" in proc.stdout
    zrecords = collect_records(search_build.repo, out)
    # Reports and tasks read the same; the guide's code blocks are highlighted differently.
    def content(recs: list[SearchRecord]) -> list[tuple[str, str, str]]:
        return [(r.url.split("#")[0], r.title, r.text) for r in recs if not r.url.startswith("huong")]

    assert content(zrecords) == content(records)
    for rec in zrecords:
        if "#" in rec.url:
            assert rec.url.split("#", 1)[1] in page_ids(out, rec.url), rec.url
    doc = lxml_html.fromstring((out / "2023/09/index.html").read_bytes())
    assert len(doc.xpath("//header//*[@data-bc-search]")) == 1


def zensical_site(tree: Path, dest: Path) -> Path:
    """`zensical build` of a copy of *tree*; returns the built site folder."""
    work = dest.parent / "ztree"
    shutil.copytree(tree, work)
    cmd = [sys.executable, "-m", "zensical", "build", "-f", str(work / "mkdocs.yml")]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=work, check=False)
    if proc.returncode != 0 and "No module named zensical" in proc.stderr:
        exe = shutil.which("zensical")
        assert exe, "zensical is not installed (pip install -e '.[test]')"
        proc = subprocess.run([exe, *cmd[3:]], capture_output=True, text=True, cwd=work, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    site = work / "site"
    assert (site / "2023/09/index.html").is_file()
    shutil.move(str(site), dest)
    return dest


# --------------------------------------------------------------------------------------------
# Shards and their cache (search.SHARD_REPORTS made small: conftest.build_sharded)


def bundle_files(bundle: Path) -> dict[str, bytes]:
    return {p.relative_to(bundle).as_posix(): p.read_bytes()
            for p in sorted(bundle.rglob("*")) if p.is_file()}


def shard_of(files: dict[str, bytes], folder: str) -> dict[str, bytes]:
    """The files of one shard's bundle ("" is the newest, without the older shards)."""
    if folder:
        return {k[len(folder):]: v for k, v in files.items() if k.startswith(folder)}
    return {k: v for k, v in files.items() if not k.startswith(search.SHARDS_DIR + "/")}


def test_sharded_build_writes_one_bundle_per_shard(sharded_build, monkeypatch):
    monkeypatch.setattr(search, "SHARD_REPORTS", SHARD_REPORTS_TEST)
    reports, others = record_groups(sharded_build.repo, sharded_build.site)
    assert [r[0].url for r in reports] == ["2023/09/", "2023/10/", "2023/11/", "2023/12/",
                                           "2024/01/"]
    shards = shard_records(reports, others)
    assert [len(s) for s in shards] == [len(reports[0]) + len(reports[1]),
                                        len(reports[2]) + len(reports[3]),
                                        len(reports[4]) + len(others)]
    bundle = sharded_build.site / "pagefind"
    lists = json.loads((bundle / search.FILTER_VALUES).read_text(encoding="utf-8"))
    assert lists.pop(search.SHARDS_KEY) == ["shards/1/", "shards/0/"]  # newest first
    assert lists == filter_values([r for s in shards for r in s])  # filters cover every shard
    for folder, records in zip(["shards/0/", "shards/1/", ""], shards, strict=True):
        entry = json.loads((bundle / folder / "pagefind-entry.json").read_text(encoding="utf-8"))
        assert entry["languages"]["vi"]["page_count"] == len(records), folder
        assert len(list((bundle / folder / "fragment").iterdir())) == len(records), folder
        assert not (bundle / folder / "pagefind-ui.js").exists()
    cache = sharded_build.root / ".baocao-cache" / "search"
    assert len([p for p in cache.iterdir() if not p.name.startswith(".")]) == 3


@pytest.fixture
def pagefind_runs(monkeypatch) -> list[Path]:
    """The record folders Pagefind is run on from now on in this test (each run, in order)."""
    runs: list[Path] = []
    real = search.run_pagefind

    def counting(records_dir: Path, bundle: Path) -> None:
        runs.append(records_dir)
        real(records_dir, bundle)

    monkeypatch.setattr(search, "run_pagefind", counting)
    return runs


def test_shards_come_from_the_cache_until_their_records_change(tmp_path: Path, pagefind_runs):
    """A rebuild without a searchable change runs Pagefind for no shard and publishes the same
    bytes; a changed section of an old report re-indexes its shard only; a damaged or partial
    cache entry is indexed again, never published."""
    runs = pagefind_runs
    root = make_sharded_repo(tmp_path / "repo")
    bundle = root / "site" / "pagefind"
    cache = root / ".baocao-cache" / "search"
    build_sharded(root)
    assert len(runs) == 3
    first = bundle_files(bundle)
    entries = sorted(p.name for p in cache.iterdir())
    assert len(entries) == 3

    # Nothing searchable changed (a library build without a content snapshot does the work):
    # no Pagefind run, byte-identical bundle.
    runs.clear()
    _, result = build_sharded(root)
    assert not result.unchanged
    assert runs == []
    assert bundle_files(bundle) == first

    # One section of September (shard 0) changes: only shard 0 is indexed again.
    edit_text(root / "content/2023/09/03-nghien-cuu-khoa-hoc.md", "\n---\n",
              "\n---\n\n- Khảo nghiệm giống lúa chịu mặn tại huyện Hiệp Hòa.\n")
    runs.clear()
    build_sharded(root)
    assert len(runs) == 1
    second = bundle_files(bundle)
    assert shard_of(second, "shards/0/") != shard_of(first, "shards/0/")
    assert shard_of(second, "shards/1/") == shard_of(first, "shards/1/")
    assert shard_of(second, "") == shard_of(first, "")
    now = sorted(p.name for p in cache.iterdir())
    assert len(now) == 3 and len(set(now) - set(entries)) == 1  # the old entry is gone

    # A damaged entry (a fragment cut short) and a partial one (no manifest) are indexed again;
    # the third shard still comes from the cache, byte for byte.
    def folder_of(entry: Path) -> str:
        data = (entry / "pagefind-entry.json").read_bytes()
        return next(f for f in ("shards/0/", "shards/1/", "")
                    if second[f + "pagefind-entry.json"] == data)

    damaged, partial, kept = (cache / name for name in now)
    fragment = next((damaged / "fragment").iterdir())
    fragment.write_bytes(fragment.read_bytes()[:10])
    (partial / search.CACHE_MANIFEST).unlink()
    kept_folder = folder_of(kept)
    runs.clear()
    build_sharded(root)
    assert len(runs) == 2
    third = bundle_files(bundle)
    assert shard_of(third, kept_folder) == shard_of(second, kept_folder)
    for folder in {"shards/0/", "shards/1/", ""} - {kept_folder}:
        # Pagefind's own metadata differs from run to run; the records do not.
        assert ({k for k in shard_of(third, folder) if k.startswith("fragment/")}
                == {k for k in shard_of(second, folder) if k.startswith("fragment/")})
        assert all(len(v) > 10 for k, v in shard_of(third, folder).items() if "fragment/" in k)
    assert len(third) == len(second)
    assert sorted(p.name for p in cache.iterdir()) == now


@pytest.fixture
def read_back(monkeypatch) -> list[Path]:
    """The files whose bytes ``write/search.py`` hashes (reads back), in order."""
    hashed: list[Path] = []
    real = search._sha256

    def counting(path: Path) -> str:
        hashed.append(Path(path))
        return real(path)

    monkeypatch.setattr(search, "_sha256", counting)
    return hashed


def _in(paths: list[Path], folder: Path) -> list[Path]:
    return [p for p in paths if p.is_relative_to(folder)]


def test_cached_shards_are_read_back_only_when_their_files_are_not_the_ones_stored(
        tmp_path: Path, pagefind_runs, read_back):
    """A cached shard whose files are the very files that were verified and stored (same inode,
    same modification time) is placed without reading them again; a file written since (same
    size, other bytes) is caught by its SHA-256 and the shard indexed again; a cache copied
    elsewhere (a CI cache restored: new inodes) is read back once, then trusted again."""
    runs = pagefind_runs
    root = make_sharded_repo(tmp_path / "repo")
    bundle = root / "site" / "pagefind"
    cache = root / ".baocao-cache" / "search"
    build_sharded(root)
    assert len(runs) == 3
    first = bundle_files(bundle)
    entries = sorted(cache.iterdir())

    read_back.clear()
    runs.clear()
    build_sharded(root)
    assert runs == [] and bundle_files(bundle) == first
    assert _in(read_back, cache) == []

    # written in place since it was stored: same size, other bytes (the mtime moves)
    fragment = sorted((entries[0] / "fragment").iterdir())[0]
    data = fragment.read_bytes()
    fragment.unlink()  # (not in place: the published site holds a hard link to it)
    fragment.write_bytes(bytes([data[0] ^ 0xFF]) + data[1:])
    read_back.clear()
    build_sharded(root)
    assert len(runs) == 1
    assert _in(read_back, entries[0]) != []
    assert bundle_files(bundle) == first

    # the whole cache copied elsewhere and back: every file read back once, none indexed
    shutil.copytree(cache, tmp_path / "copy")
    shutil.rmtree(cache)
    shutil.copytree(tmp_path / "copy", cache)
    runs.clear()
    read_back.clear()
    build_sharded(root)
    assert runs == [] and bundle_files(bundle) == first
    assert len(_in(read_back, cache)) == len(first) - 1  # all but baocao-filters.json
    read_back.clear()
    build_sharded(root)
    assert runs == [] and _in(read_back, cache) == []


def test_without_a_cache_the_shards_are_the_same_bundles(sharded_build, tmp_path: Path,
                                                         monkeypatch):
    """``write_search_index`` without a cache (``python -m baocao.write.search``) writes the same
    shards: the same files, the same records (fragments are named by their content)."""
    site = tmp_path / "site"
    shutil.copytree(sharded_build.site, site)
    monkeypatch.setattr(search, "SHARD_REPORTS", SHARD_REPORTS_TEST)
    stats = write_search_index(sharded_build.repo, site)
    assert (stats.shards, stats.indexed) == (3, 3)
    built = bundle_files(sharded_build.site / "pagefind")
    again = bundle_files(site / "pagefind")
    assert len(again) == len(built)
    assert {k for k in again if "fragment/" in k} == {k for k in built if "fragment/" in k}
    assert again[search.FILTER_VALUES] == built[search.FILTER_VALUES]
    assert not list((site / "pagefind").rglob("pagefind-ui.js"))


def test_cache_key_covers_settings_and_record_bytes(monkeypatch):
    docs = [("2023/09/index.html", b"<p>a</p>"), ("2023/09/_/x.html", b"<p>b</p>")]
    key = search.shard_key(docs)
    assert search.shard_key(list(docs)) == key
    assert search.shard_key(docs[::-1]) != key
    assert search.shard_key([docs[0], ("2023/09/_/y.html", b"<p>b</p>")]) != key
    assert search.shard_key([docs[0], ("2023/09/_/x.html", b"<p>b </p>")]) != key
    monkeypatch.setattr(search, "INDEX_CHUNK_SIZE", 1234)
    assert search.shard_key(docs) != key
    monkeypatch.undo()
    monkeypatch.setattr(search, "LANGUAGE", "en")
    assert search.shard_key(docs) != key


def test_record_memo_reads_an_unchanged_page_once(search_build, tmp_path: Path):
    """Records of a page unchanged since the last build come from the memo, equal to reading
    the page; a changed page is read again; a damaged memo file is ignored."""
    from baocao.write.search_records import RecordMemo, record_groups

    site, repo = search_build.site, search_build.repo
    plain = record_groups(repo, site)
    path = tmp_path / "search-records.json"
    first = RecordMemo(path)
    assert record_groups(repo, site, first) == plain and first.hits == 0
    first.save()
    second = RecordMemo(path)
    assert record_groups(repo, site, second) == plain
    assert second.hits == len(repo.reports) > 0
    # a page that changes is read again
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    page = next(copy.glob("20*/*/index.html"))
    page.write_text(page.read_text(encoding="utf-8").replace("</article>", "<p>Thêm.</p></article>", 1),
                    encoding="utf-8")
    third = RecordMemo(path)
    record_groups(repo, copy, third)
    assert third.hits == len(repo.reports) - 1
    path.write_text("{hỏng", encoding="utf-8")
    damaged = RecordMemo(path)
    assert record_groups(repo, site, damaged) == plain and damaged.hits == 0


def test_drafts_register_and_guide_get_their_own_shards(tmp_path: Path, monkeypatch,
                                                        pagefind_runs):
    """From HOT_SHARD_MIN issued reports on, the issued reports fill the shards in order, then
    come the register with the guide, and the drafts (newest): editing a draft re-indexes
    that shard only."""
    runs = pagefind_runs
    monkeypatch.setattr(search, "HOT_SHARD_MIN", 2)
    monkeypatch.setattr(search, "SHARD_REPORTS", SHARD_REPORTS_TEST)
    root = make_sharded_repo(tmp_path / "repo")
    for number, month in enumerate(("2023/09", "2023/10", "2023/11", "2023/12"), start=1):
        index = root / "content" / month / "index.md"
        edit_text(index, "status: draft\nnumber:", f"status: issued\nnumber: {number}")
        edit_text(index, "\ndate:", f"\ndate: {month.replace('/', '-')}-25")
    repo, _ = build_sharded(root)
    assert [r.is_draft for r in sorted(repo.reports, key=lambda r: (r.year, r.month))] == [
        False, False, False, False, True]
    reports, others = record_groups(repo, root / "site")
    drafts = [False, False, False, False, True]
    shards = shard_records(reports, others, drafts)
    assert shards == [reports[0] + reports[1], reports[2] + reports[3], others, reports[4]]
    # Below HOT_SHARD_MIN issued reports, the old layout: the newest reports with the others.
    monkeypatch.setattr(search, "HOT_SHARD_MIN", 5)
    assert shard_records(reports, others, drafts) == shard_records(reports, others)
    monkeypatch.setattr(search, "HOT_SHARD_MIN", 2)
    # Issued reports only fill the shards: a draft in the middle does not move them.
    middle = shard_records(reports, others, [False, True, False, False, False])
    assert middle == [reports[0] + reports[2], reports[3] + reports[4], others, reports[1]]

    bundle = root / "site" / "pagefind"
    first = bundle_files(bundle)
    edit_text(root / "content/2024/01/08-thanh-tra.md", SHARD_NEWEST_TEXT,
              SHARD_NEWEST_TEXT + "- Kiểm tra đột xuất 02 cơ sở kinh doanh xăng dầu.\n")
    runs.clear()
    build_sharded(root)
    assert len(runs) == 1
    second = bundle_files(bundle)
    for folder in ("shards/0/", "shards/1/", "shards/2/"):
        assert shard_of(second, folder) == shard_of(first, folder), folder
    assert shard_of(second, "") != shard_of(first, "")
    lists = json.loads(second[search.FILTER_VALUES])
    assert lists[search.SHARDS_KEY] == ["shards/2/", "shards/1/", "shards/0/"]


@given(st.lists(st.text(alphabet="ađĐbẽ _1,.\n", max_size=40), max_size=3))
def test_folded_aliases_are_the_folded_words_with_d(texts):
    """folded_aliases finds the words with đ by one regular expression; it is the same as
    taking every word (a run of \\w) that contains đ or Đ, folded, once each, in order."""
    seen: dict[str, None] = {}
    for text in texts:
        for word in re.findall(r"\w+", text):
            if "đ" in word or "Đ" in word:
                seen.setdefault(fold(word), None)
    assert folded_aliases(*texts) == " ".join(seen)
