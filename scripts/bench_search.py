#!/usr/bin/env python3
"""Measure the site's search (Pagefind) in headless Chromium, as a reader uses it.

    python scripts/bench_search.py SITE [--repo ARCHIVE] [--prefix /nhom/bao-cao/]

The built SITE is served by the stock static file server (`python -m http.server`, in its own
process) on 127.0.0.1 under --prefix, like a GitLab Pages project. A page is opened, the
header's search box is opened, and each query is typed into it; the time is taken inside the
page, from the input event to the rendered result list, and the bytes are the transfer sizes of
every request the search made (Resource Timing).

Figures:
  open_ms           opening the search box until Pagefind and the filter lists are ready
  first_query_kb    everything downloaded from opening the box until the first query's results
  queries[].ms      each query, in order: the median over --runs fresh browsers (default 3);
                    max_query_ms the slowest of these
  queries[].kb      bytes each query downloaded
Targets (issue #7): first_query_kb <= 300, max_query_ms <= 150.

scripts/bench.py calls measure_search() on the archive it builds.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

TARGET_FIRST_QUERY_KB = 300
TARGET_QUERY_MS = 150
#: Queries of every kind: without and with marks, đ, a document number, words of a summary.
BASE_QUERIES = ["giam dinh tu phap", "giám định tư pháp", "duong giao thong nong thon", "đường",
                "chuyen doi so", "an toàn bức xạ", "thanh tra", "so huu tri tue", "bao cao ket qua",
                "truy xuat nguon goc", "khởi nghiệp đổi mới sáng tạo", "tieu chuan do luong"]

_OPEN = """async () => {
  const box = document.querySelector('[data-bc-search]');
  const t0 = performance.now();
  box.querySelector('.bc-search__open').click();
  while (!document.querySelector('.bc-search__filters--ready') || box.dataset.ready !== 'true') {
    await new Promise(r => setTimeout(r, 2));
    if (performance.now() - t0 > 20000) throw new Error('search did not start');
  }
  return {t0, ms: performance.now() - t0};
}"""

_QUERY = """async (q) => {
  const box = document.querySelector('[data-bc-search]');
  const input = document.getElementById('bc-search-input');
  const t0 = performance.now();
  const done = new Promise((resolve, reject) => {
    const check = () => ['done', 'empty'].includes(box.dataset.state) && box.dataset.query === q;
    const obs = new MutationObserver(() => { if (check()) { obs.disconnect(); resolve(); } });
    obs.observe(box, {attributes: true, attributeFilter: ['data-state', 'data-query']});
    setTimeout(() => { obs.disconnect(); reject(new Error('no answer for ' + q)); }, 20000);
  });
  input.value = q;
  input.dispatchEvent(new Event('input', {bubbles: true}));
  await done;
  return {t0, ms: performance.now() - t0, hits: document.querySelectorAll('.bc-hit').length};
}"""

_BYTES = """(since) => performance.getEntriesByType('resource')
  .filter(e => e.startTime >= since)
  .reduce((n, e) => n + (e.transferSize || e.encodedBodySize || 0), 0)"""


def chromium() -> str:
    for candidate in (shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file():
            return candidate
    raise SystemExit("Chromium is needed (apt-get install chromium)")


@contextlib.contextmanager
def static_server(site: Path, prefix: str) -> Iterator[str]:
    """Serve *site* under *prefix* with the stock `python -m http.server`, in its own process
    (so that the browser driver in this process does not slow it down): a temporary root folder
    holds only a symlink at the prefix, so everything else is a 404. Yields the base URL."""
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        root = Path(tmp)
        link = root / prefix.strip("/") if prefix.strip("/") else None
        if link is not None:
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(site.resolve(), target_is_directory=True)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        # (Its HTTP/1.1 mode is slower here: keep-alive meets Nagle's algorithm and delayed
        # ACKs, 40 ms a request.)
        proc = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind",
                                 "127.0.0.1", "--directory", str(root if link else site)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    if time.monotonic() > deadline or proc.poll() is not None:
                        raise SystemExit("the static file server did not start") from None
                    time.sleep(0.05)
            yield f"http://127.0.0.1:{port}{prefix}"
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def archive_queries(repo: Path | None) -> list[str]:
    """BASE_QUERIES plus a document number and its leading digits from the archive's tasks."""
    queries = list(BASE_QUERIES)
    if repo is not None and (repo / "directives.yaml").is_file():
        text = (repo / "directives.yaml").read_text(encoding="utf-8")
        docs = re.findall(r'document:\s*"([^"]+)"', text)
        if docs:
            doc = docs[len(docs) // 2]
            queries += [doc, doc.split("/")[0]]
    return queries


def measure_search(site: Path, queries: Sequence[str], prefix: str = "/nhom/bao-cao/",
                   page_path: str = "", runs: int = 3) -> dict[str, Any]:
    """Open *site* (served under *prefix*) in headless Chromium and time *queries*.

    The whole sequence runs *runs* times, each in a fresh browser (so each has a cold first
    query); a query's figure is its median over the runs, which keeps one stall caused by
    another process on the machine from standing for the search. Every run is in "runs"."""
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    sessions: list[dict[str, Any]] = []
    with static_server(site, prefix) as base, sync_playwright() as pw:
        for _ in range(runs):
            browser = pw.chromium.launch(executable_path=chromium(),
                                         args=["--no-sandbox", "--disable-gpu"])
            ctx = browser.new_context(viewport={"width": 1280, "height": 900})
            page = ctx.new_page()
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(base + page_path)
            page.wait_for_load_state("load")
            opened = page.evaluate(_OPEN)
            rows = []
            since = opened["t0"]
            for q in queries:
                r = page.evaluate(_QUERY, q)
                kb = page.evaluate(_BYTES, since) / 1024
                since = page.evaluate("performance.now()")
                rows.append({"query": q, "ms": round(r["ms"], 1), "kb": round(kb, 1),
                             "hits": r["hits"]})
            browser.close()
            sessions.append({"open_ms": round(opened["ms"], 1), "queries": rows})
    if errors:
        raise SystemExit("search logged errors: " + "; ".join(errors))

    def median(values: list[float]) -> float:
        return sorted(values)[len(values) // 2]

    rows = []
    for i, q in enumerate(queries):
        per_run = [s["queries"][i] for s in sessions]
        rows.append({"query": q, "ms": median([r["ms"] for r in per_run]),
                     "kb": max(r["kb"] for r in per_run), "hits": per_run[0]["hits"],
                     "ms_runs": [r["ms"] for r in per_run]})
    ms = [r["ms"] for r in rows]
    return {
        "records": _record_count(site),
        "bundle_kb": round(sum(p.stat().st_size for p in (site / "pagefind").rglob("*")
                               if p.is_file()) / 1024, 1),
        "runs": runs,
        "open_ms": median([s["open_ms"] for s in sessions]),
        "first_query_kb": rows[0]["kb"],
        "max_query_ms": max(ms),
        "median_query_ms": median(ms),
        "queries": rows,
        "targets": {"first_query_kb": TARGET_FIRST_QUERY_KB, "max_query_ms": TARGET_QUERY_MS},
        "met": rows[0]["kb"] <= TARGET_FIRST_QUERY_KB and max(ms) <= TARGET_QUERY_MS,
        "sessions": sessions,
    }


def _record_count(site: Path) -> int:
    """Records of every shard (the newest bundle and those under pagefind/shards/)."""
    total = 0
    for path in sorted((site / "pagefind").rglob("pagefind-entry.json")):
        entry = json.loads(path.read_text(encoding="utf-8"))
        total += sum(int(lang["page_count"]) for lang in entry["languages"].values())
    return total


def print_report(res: dict[str, Any]) -> None:
    print(f"search: {res['records']} records, bundle {res['bundle_kb']} KB; opening the box "
          f"{res['open_ms']} ms; median of {res['runs']} runs (each run's ms in brackets)")
    for r in res["queries"]:
        runs = ", ".join(f"{v:.0f}" for v in r["ms_runs"])
        print(f"  {r['ms']:7.1f} ms [{runs}] {r['kb']:7.1f} KB {r['hits']:3d} hits  {r['query']}")
    print(f"first query {res['first_query_kb']} KB (≤ {TARGET_FIRST_QUERY_KB}), slowest query "
          f"{res['max_query_ms']} ms (≤ {TARGET_QUERY_MS}): {'ĐẠT' if res['met'] else 'CHƯA ĐẠT'}")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("site", type=Path, help="a site built by `baocao build`")
    ap.add_argument("--repo", type=Path, help="its content repository (adds document-number queries)")
    ap.add_argument("--prefix", default="/nhom/bao-cao/", help="sub-path the site is served from")
    ap.add_argument("--runs", type=int, default=3, help="fresh browsers to run the queries in")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args(argv)
    res = measure_search(args.site, archive_queries(args.repo), prefix=args.prefix, runs=args.runs)
    print_report(res)
    if args.json:
        args.json.write_text(json.dumps(res, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0 if res["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
