/* baocao: the site's search box (Pagefind), in the header of every page.
 *
 * The index is written by `baocao build` (src/baocao/search.py): one record per report section,
 * per task of the register and per chapter of the editors' guide. Each record carries its link
 * (its Pagefind URL, see resultUrl), its heading (meta "title") and filters
 * (loai, nam, thang, phan, muc, don_vi). Pagefind folds Vietnamese tone and vowel marks; the
 * folded forms of words with "đ" are in the record's "khong_dau" meta, so "duong" finds "đường".
 *
 * Everything is located relative to this script (assets/baocao-search.js), so the site works
 * from any sub-path (a GitLab Pages project) on any static web server. Pagefind is loaded on
 * first use. A query typed with marks lists the records that contain it exactly first.
 * A large archive's index is cut into shards (search.py SHARD_REPORTS): pagefind/ is the newest,
 * the older ones are listed in pagefind/baocao-filters.json and merged before the first search.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var ROOT = new URL("../", script ? script.src : location.href);
  // Results shown at first and added by "Xem thêm": a screenful, fetched in one round of
  // requests (browsers open 6 connections to a server; Pagefind's own UI shows 5).
  var PAGE_SIZE = 6;
  // Filter keys of the index (src/baocao/search.py FILTERS) and their labels.
  var FILTERS = [
    ["loai", "Loại"], ["nam", "Năm"], ["thang", "Tháng"], ["phan", "Phần"], ["muc", "Mục"],
    ["don_vi", "Đơn vị"]
  ];
  var MUC_SEPARATOR = " › ";
  var T = {
    idle: "Gõ từ cần tìm, có dấu hoặc không dấu. Có thể tìm theo số văn bản, ví dụ 4502/UBND-KGVX.",
    loading: "Đang tìm…",
    all: "Tất cả",
    none: function (q, filters) {
      return (q ? "Không tìm thấy kết quả nào cho “" + q + "”" : "Không có kết quả nào") +
        T.within(filters) + (q ? ". Hãy thử từ khác, bớt từ, hoặc bỏ bộ lọc." : ".");
    },
    found: function (n, q, filters) {
      return "Tìm thấy " + n + " kết quả" + (q ? " cho “" + q + "”" : "") + T.within(filters) + ".";
    },
    /* The filters in force, named: they stay set from one search to the next (and when the
     * box is closed and opened again), so the status line always says so. */
    within: function (filters) {
      var names = FILTERS.filter(function (pair) { return filters[pair[0]]; }).map(function (pair) {
        var v = filters[pair[0]];
        return pair[1] + ": " + (pair[0] === "thang" ? T.month(v) : v);
      });
      return names.length ? ", lọc theo " + names.join("; ") : "";
    },
    error: "Không tải được chỉ mục tìm kiếm. Trang lưu trữ cần được mở qua máy chủ web " +
      "(địa chỉ http:// hoặc https://), không mở trực tiếp từ tệp.",
    clear: "Bỏ lọc",
    month: function (m) { return "Tháng " + m; },
    report: function (f) { return "Báo cáo tháng " + f.thang + "/" + f.nam; },
    register: "Sổ theo dõi nhiệm vụ",
    unit: function (u) { return "Đơn vị: " + u; }
  };

  // ------------------------------------------------------------------------------------------
  // Text: folding as the index does it, excerpts with highlighted matches

  function fold(text) {
    return text.replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD")
      .replace(/\p{M}/gu, "").toLowerCase();
  }

  var foldedChars = new Map();

  function foldChar(ch) {
    var f = foldedChars.get(ch);
    if (f === undefined) {
      f = fold(ch);
      foldedChars.set(ch, f);
    }
    return f;
  }

  function hasMarks(text) {
    return fold(text) !== text.normalize("NFC").toLowerCase();
  }

  /* The query's words as Pagefind splits them: "4502/UBND-KGVX" -> 4502, ubnd, kgvx. */
  function queryWords(query) {
    return fold(query).split(/[^\p{L}\p{N}]+/u).filter(function (w) { return w.length > 0; });
  }

  /* [start, end) ranges of *text* where one of *words* (folded) stands as a whole word; the
   * last word may also begin a longer one (the reader may still be typing it). */
  function matchRanges(text, words) {
    var folded = "";
    var map = [];
    for (var i = 0; i < text.length; i++) {
      var f = foldChar(text[i]);
      for (var k = 0; k < f.length; k++) {
        folded += f[k];
        map.push(i);
      }
    }
    var ranges = [];
    function find(w, whole) {
      var out = [];
      var from = 0;
      for (;;) {
        var at = folded.indexOf(w, from);
        if (at < 0) break;
        from = at + 1;
        if (at > 0 && /[\p{L}\p{N}]/u.test(folded[at - 1])) continue;
        if (whole && /[\p{L}\p{N}]/u.test(folded[at + w.length] || "")) continue;
        out.push([map[at], map[at + w.length - 1] + 1, w]);
      }
      return out;
    }
    words.forEach(function (w, index) {
      var found = find(w, true);
      if (!found.length && index === words.length - 1) found = find(w, false);
      ranges = ranges.concat(found);
    });
    ranges.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var merged = [];
    ranges.forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) {
        last[1] = Math.max(last[1], r[1]);
      } else {
        merged.push(r.slice());
      }
    });
    return merged;
  }

  /* Append *text* to *node*, with the ranges inside [from, to) wrapped in <mark>. */
  function appendMarked(node, text, ranges, from, to) {
    var pos = from;
    ranges.forEach(function (r) {
      var s = Math.max(r[0], from);
      var e = Math.min(r[1], to);
      if (e <= s) return;
      if (s > pos) node.appendChild(document.createTextNode(text.slice(pos, s)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(s, e);
      node.appendChild(mark);
      pos = e;
    });
    if (pos < to) node.appendChild(document.createTextNode(text.slice(pos, to)));
  }

  /* Whether the ranges from *i* on are the query's *words* in order, one after another (the
   * typed phrase). */
  function phraseAt(ranges, i, words) {
    if (words.length < 2 || i + words.length > ranges.length) return false;
    for (var k = 0; k < words.length; k++) {
      var r = ranges[i + k];
      if (r[2] !== words[k]) return false;
      if (k > 0 && r[0] - ranges[i + k - 1][1] > 3) return false;
    }
    return true;
  }

  /* The part of *text* (about *size* characters) with the typed phrase, else with the most
   * distinct query words. */
  function excerptWindow(text, ranges, size, words) {
    if (text.length <= size) return [0, text.length];
    var best = 0;
    var bestScore = -1;
    ranges.forEach(function (r, i) {
      var seen = {};
      for (var j = i; j < ranges.length && ranges[j][0] < r[0] + size * 0.7; j++) {
        seen[ranges[j][2]] = true;
      }
      var score = Object.keys(seen).length + (phraseAt(ranges, i, words || []) ? 1000 : 0);
      if (score > bestScore) {
        bestScore = score;
        best = r[0];
      }
    });
    var start = Math.max(0, best - Math.round(size * 0.25));
    if (start > 0) {
      var space = text.indexOf(" ", start);
      start = space >= 0 && space < best ? space + 1 : start;
    }
    var end = Math.min(text.length, start + size);
    if (end < text.length) {
      var back = text.lastIndexOf(" ", end);
      end = back > start + size / 2 ? back : end;
    }
    return [start, end];
  }

  /* A record's URL as Pagefind returns it ("/sub/path/2023/09/_/phu-luc.html", see
   * search.record_path) -> the section's URL ("/sub/path/2023/09/#phu-luc"). */
  function resultUrl(url) {
    return url.replace(/\/_\/([^/]*)\.html$/, function (_, anchor) {
      return "/#" + anchor;
    });
  }

  // ------------------------------------------------------------------------------------------
  // Pagefind

  var BUNDLE = new URL("pagefind/", ROOT);
  var RANKING = { diacriticSimilarity: 1.0 };
  var sidecarPromise = null;
  var pagefindPromise = null;

  /* pagefind/baocao-filters.json: each filter's values for the panel and, when the index is
   * cut into shards (search.py SHARD_REPORTS), the older shards' bundles ("shards": paths
   * relative to the bundle, newest first). Fetched once, for both. */
  function sidecar() {
    if (!sidecarPromise) {
      sidecarPromise = fetch(new URL("baocao-filters.json", BUNDLE).href).then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.json();
      });
      sidecarPromise.catch(function () { sidecarPromise = null; });
    }
    return sidecarPromise;
  }

  /* The older shards' bundle paths (absolute paths on this server, so a sub-path works). */
  function shardPaths(side) {
    return (side.shards || []).map(function (p) { return new URL(p, BUNDLE).pathname; });
  }

  /* Merge every older shard into a Pagefind instance, in the listed order (newest first).
   * Results link relative to the site root, like the newest shard's. */
  function mergeShards(pf, shards) {
    return Promise.all(shards.map(function (path) {
      return pf.mergeIndex(path, { baseUrl: ROOT.pathname, ranking: RANKING });
    }));
  }

  /* Every shard's bundle holds the same WebAssembly file (one Pagefind version indexes them
   * all; search.py refuses shards whose files differ), and Pagefind fetches it once per shard
   * and per instance: 68 KB each time. Pagefind runs in this page (noWorker), so its requests
   * for that file under pagefind/ are answered here from one download. Nothing else is
   * touched. */
  var wasmDownloads = {};
  function shareWasm() {
    if (window.fetch.bcSharedWasm) return;
    var plain = window.fetch.bind(window);
    var shared = function (input, init) {
      var path;
      try {
        path = new URL(typeof input === "string" ? input : input.url, location.href).pathname;
      } catch (e) {
        return plain(input, init);
      }
      var m = /\/(wasm\.[A-Za-z0-9_-]+\.pagefind)$/.exec(path);
      if (!m || path.indexOf(BUNDLE.pathname) !== 0) return plain(input, init);
      var name = m[1];
      if (!wasmDownloads[name]) {
        wasmDownloads[name] = plain(new URL(name, BUNDLE).href).then(function (r) {
          if (!r.ok) throw new Error("HTTP " + r.status);
          return r.arrayBuffer();
        });
        wasmDownloads[name].catch(function () { delete wasmDownloads[name]; });
      }
      return wasmDownloads[name].then(function (data) {
        return new Response(data.slice(0), { headers: { "Content-Type": "application/wasm" } });
      });
    };
    shared.bcSharedWasm = true;
    window.fetch = shared;
  }

  /* {pf, shards}: Pagefind with the newest shard (pagefind/) and the older ones merged. */
  function pagefind() {
    if (!pagefindPromise) {
      shareWasm();
      pagefindPromise = Promise.all([import(new URL("pagefind.js", BUNDLE).href), sidecar()])
        .then(function (loaded) {
          var pf = loaded[0];
          var shards = shardPaths(loaded[1]);
          return pf.options({
            baseUrl: ROOT.pathname,
            noWorker: true,
            ranking: RANKING
          }).then(function () { return pf.init(); })
            .then(function () { return mergeShards(pf, shards); })
            // init() returns before the index metadata and WebAssembly are ready; an empty
            // search waits for them (and loads nothing more), so the first real query does not.
            .then(function () { return pf.search(""); })
            .then(function () {
              var loaded = { pf: pf, shards: shards };
              // Readers mostly type with marks: get the "exact" instance ready meanwhile
              // (its files are those just loaded, the WebAssembly is shared: see shareWasm).
              if (shards.length) {
                setTimeout(function () {
                  extraPagefind(loaded, "exact").then(function (extra) {
                    return extra.search("");
                  }).catch(function () { return null; });
                }, 0);
              }
              return loaded;
            });
        });
      pagefindPromise.catch(function () { pagefindPromise = null; });
    }
    return pagefindPromise;
  }

  var extraPromises = {};

  /* With shards, a further Pagefind instance (newest shard, then every older one merged) for
   * what Pagefind's options() cannot do across merged bundles (it reaches only the primary):
   *   "exact": exactDiacritics on every shard;
   *   "list":  filters alone, newest first: Pagefind scores such results by their place in
   *            the "ky" order of their own shard, so each older shard gets a far smaller
   *            weight and the shards follow one another, newest first (the register's tasks,
   *            in the newest shard, come before the older shards' reports). */
  function extraPagefind(loaded, kind) {
    if (!extraPromises[kind]) {
      var exact = kind === "exact";
      var weight = function (rank) { return exact ? 1 : Math.pow(1e-6, rank); };
      var pf = loaded.pf.createInstance({
        basePath: BUNDLE.pathname, baseUrl: ROOT.pathname, noWorker: true, ranking: RANKING,
        exactDiacritics: exact, indexWeight: weight(0)
      });
      extraPromises[kind] = pf.init()
        .then(function () {
          return Promise.all(loaded.shards.map(function (path, i) {
            return pf.mergeIndex(path, {
              baseUrl: ROOT.pathname, ranking: RANKING, exactDiacritics: exact,
              indexWeight: weight(i + 1)
            });
          }));
        })
        .then(function () { return pf; });
      extraPromises[kind].catch(function () { delete extraPromises[kind]; });
    }
    return extraPromises[kind];
  }

  /* The typed text as one quoted phrase, which Pagefind matches as a phrase (its words next
   * to one another, in this order); null when the reader quoted something already. */
  function phraseOf(query) {
    if (/["\u201c\u201d]/.test(query)) return null;
    return "\"" + query.trim() + "\"";
  }

  /* Results of *query* (null: every record) under *filters*, best first, in tiers (each in
   * Pagefind's own order, a record only in its first tier):
   *   1. the typed words as a phrase, with the typed marks (when the query has marks);
   *   2. the typed words as a phrase, marks folded;
   *   3. every typed word, with the typed marks (when the query has marks);
   *   4. every typed word, marks folded, the last one possibly begun only (Pagefind's plain
   *      search: partial matches).
   * Pagefind reads a quoted query as a phrase; with exactDiacritics it keeps the marks. */
  async function searchIds(loaded, query, filters) {
    var pf = loaded.pf;
    var opts = { filters: filters };
    if (query === null) {
      opts.sort = { ky: "desc" };
      var lister = loaded.shards.length ? await extraPagefind(loaded, "list") : pf;
      return (await lister.search(null, opts)).results;
    }
    var marks = hasMarks(query);
    var phrase = phraseOf(query);
    var exact = null;
    async function exactSearch(text) {
      if (loaded.shards.length) {
        exact = exact || await extraPagefind(loaded, "exact");
        return (await exact.search(text, opts)).results;
      }
      await pf.options({ exactDiacritics: true });
      try {
        return (await pf.search(text, opts)).results;
      } finally {
        await pf.options({ exactDiacritics: false });
      }
    }
    var tiers = [];
    if (phrase && marks) tiers.push(await exactSearch(phrase));
    if (phrase) tiers.push((await pf.search(phrase, opts)).results);
    if (marks) tiers.push(await exactSearch(query));
    tiers.push((await pf.search(query, opts)).results);
    var seen = new Set();
    var out = [];
    tiers.forEach(function (results) {
      results.forEach(function (r) {
        if (seen.has(r.id)) return;
        seen.add(r.id);
        out.push(r);
      });
    });
    return await phraseFirst(out, query);
  }

  /* Pagefind 1.5's phrase search with folded marks misses records (docs/dev/site.md), and it
   * has no measure of how close the typed words stand. So the first PHRASE_CHECKED results are
   * ordered once more, stably, by how they hold the typed words (marks folded, whole words):
   * as the phrase typed first, then all of them close together (within a few words more than
   * typed, as in "biểu ghi vào cơ sở dữ liệu thống kê" for "bieu ghi co so du lieu thong ke"),
   * then the rest in their order. A long page that merely holds every word somewhere (the
   * editors' guide) no longer comes before the section that speaks of the thing. */
  var PHRASE_CHECKED = 20;
  var NEAR_SLACK = 3;

  function nearness(text, words) {
    var tokens = fold(text).split(/[^\p{L}\p{N}]+/u).filter(function (w) { return w.length; });
    var want = new Map();
    words.forEach(function (w) { want.set(w, (want.get(w) || 0) + 1); });
    var need = want.size;
    var have = new Map();
    var met = 0;
    var best = Infinity;
    var phrase = false;
    for (var i = 0, lo = 0; i < tokens.length; i++) {
      if (!phrase && tokens[i] === words[0] &&
          words.every(function (w, k) { return tokens[i + k] === w; })) phrase = true;
      var t = tokens[i];
      if (want.has(t)) {
        have.set(t, (have.get(t) || 0) + 1);
        if (have.get(t) === want.get(t)) met += 1;
      }
      while (met === need) {
        best = Math.min(best, i - lo + 1);
        var u = tokens[lo++];
        if (want.has(u)) {
          if (have.get(u) === want.get(u)) met -= 1;
          have.set(u, have.get(u) - 1);
        }
      }
    }
    if (phrase) return 2;
    return best <= words.length + NEAR_SLACK ? 1 : 0;
  }

  async function phraseFirst(results, query) {
    var words = queryWords(query);
    if (words.length < 2 || results.length < 2) return results;
    var head = results.slice(0, PHRASE_CHECKED);
    var texts = await Promise.all(head.map(function (r) {
      return r.data().then(function (d) { return d.content || ""; }, function () { return ""; });
    }));
    var ranked = head.map(function (r, i) { return [nearness(texts[i], words), i, r]; });
    ranked.sort(function (x, y) { return y[0] - x[0] || x[1] - y[1]; });
    return ranked.map(function (x) { return x[2]; }).concat(results.slice(PHRASE_CHECKED));
  }

  // ------------------------------------------------------------------------------------------
  // The panel

  var keyBound = false;

  function init() {
    var box = document.querySelector("[data-bc-search]");
    if (!box || !window.HTMLDialogElement || box.dataset.bound) return;
    box.dataset.bound = "true";
    var dialog = box.querySelector("dialog");
    var opener = box.querySelector(".bc-search__open");
    var form = box.querySelector("[data-bc-search-form]");
    var input = box.querySelector("input[type=search]");
    var fieldset = box.querySelector("[data-bc-search-filters]");
    var status = box.querySelector("[data-bc-search-status]");
    var list = box.querySelector("[data-bc-search-results]");
    var more = box.querySelector("[data-bc-search-more]");
    var selects = {};
    var clearButton = null;
    var results = [];
    var shown = 0;
    var words = [];
    var pending = false;
    var running = false;
    var filtersReady = null;
    box.hidden = false;
    status.textContent = T.idle;

    function open() {
      if (!dialog.open) dialog.showModal();
      input.focus();
      input.select();
      loadFilters();
    }

    function loadFilters() {
      if (filtersReady) return filtersReady;
      // The lists come from a small file beside the index; Pagefind's own filter index is
      // loaded only when a filter is used. Pagefind itself starts loading now, while the
      // reader types.
      pagefind().then(function () { box.dataset.ready = "true"; }, function () { return null; });
      filtersReady = sidecar()
        .then(buildFilters)
        .catch(function () { filtersReady = null; });
      return filtersReady;
    }

    function sortValues(key, values) {
      function num(v) {
        var head = v.split(MUC_SEPARATOR).pop().split(/[ .]/)[0];
        var roman = { I: 1, II: 2, III: 3, IV: 4, V: 5, VI: 6, VII: 7, VIII: 8, IX: 9, X: 10 };
        return roman[head] || (parseInt(head, 10) || 0) + 100;
      }
      return values.sort(function (a, b) {
        if (key === "nam") return Number(b) - Number(a);
        if (key === "thang") return Number(a) - Number(b);
        if (key === "muc") {
          var pa = a.split(MUC_SEPARATOR)[0];
          var pb = b.split(MUC_SEPARATOR)[0];
          if (pa !== pb) return pa.localeCompare(pb, "vi");
          return num(a) - num(b) || a.localeCompare(b, "vi");
        }
        if (key === "phan") return num(a) - num(b);
        return a.localeCompare(b, "vi");
      });
    }

    function buildFilters(available) {
      FILTERS.forEach(function (pair) {
        var key = pair[0];
        var values = sortValues(key, (available[key] || []).slice());
        if (!values.length) return;
        var label = document.createElement("label");
        label.className = "bc-search__filter";
        var span = document.createElement("span");
        span.textContent = pair[1];
        var select = document.createElement("select");
        select.name = key;
        select.appendChild(new Option(T.all, ""));
        var groups = {};
        values.forEach(function (v) {
          var text = key === "thang" ? T.month(v) : v;
          var parent = select;
          if (key === "muc" && v.indexOf(MUC_SEPARATOR) > 0) {
            var part = v.split(MUC_SEPARATOR)[0];
            text = v.slice(part.length + MUC_SEPARATOR.length);
            if (!groups[part]) {
              groups[part] = document.createElement("optgroup");
              groups[part].label = part;
              select.appendChild(groups[part]);
            }
            parent = groups[part];
          }
          parent.appendChild(new Option(text, v));
        });
        select.addEventListener("change", function () { update(); schedule(); });
        label.appendChild(span);
        label.appendChild(select);
        fieldset.appendChild(label);
        selects[key] = select;
      });
      clearButton = document.createElement("button");
      clearButton.type = "button";
      clearButton.className = "bc-search__clear";
      clearButton.textContent = T.clear;
      clearButton.hidden = true;
      clearButton.addEventListener("click", function () {
        Object.keys(selects).forEach(function (k) { selects[k].value = ""; });
        update();
        schedule();
      });
      fieldset.appendChild(clearButton);
      fieldset.classList.add("bc-search__filters--ready");
    }

    function currentFilters() {
      var out = {};
      Object.keys(selects).forEach(function (k) {
        if (selects[k].value) out[k] = selects[k].value;
      });
      return out;
    }

    function update() {
      if (clearButton) clearButton.hidden = Object.keys(currentFilters()).length === 0;
      Object.keys(selects).forEach(function (k) {
        selects[k].parentNode.classList.toggle("bc-search__filter--on", selects[k].value !== "");
      });
    }

    function where(data) {
      var f = {};
      Object.keys(data.filters || {}).forEach(function (k) { f[k] = (data.filters[k] || [])[0]; });
      var title = (data.meta && data.meta.title) || "";
      var parts = [];
      if (f.loai === "Báo cáo" && f.nam && f.thang) {
        parts.push(T.report(f));
        if (f.muc && f.muc.slice(-title.length) !== title) {
          parts = parts.concat(f.muc.split(MUC_SEPARATOR));
        } else if (f.phan && title.indexOf(f.phan) !== 0) {
          parts.push(f.phan);
        }
      } else if (f.loai === "Nhiệm vụ") {
        parts.push(T.register);
      } else if (f.loai) {
        parts.push(f.loai);
      }
      if (f.don_vi) parts.push(T.unit(f.don_vi));
      return parts.join(" › ");
    }

    function hit(data) {
      var li = document.createElement("li");
      li.className = "bc-hit";
      var a = document.createElement("a");
      a.className = "bc-hit__link";
      a.href = new URL(resultUrl(data.url), location.href).href;
      var place = document.createElement("span");
      place.className = "bc-hit__where";
      place.textContent = where(data);
      var title = document.createElement("span");
      title.className = "bc-hit__title";
      var titleText = (data.meta && data.meta.title) || a.href;
      appendMarked(title, titleText, matchRanges(titleText, words), 0, titleText.length);
      var excerpt = document.createElement("span");
      excerpt.className = "bc-hit__excerpt";
      var text = data.content || "";
      var ranges = matchRanges(text, words);
      var win = excerptWindow(text, ranges, 240, words);
      if (win[0] > 0) excerpt.appendChild(document.createTextNode("… "));
      appendMarked(excerpt, text, ranges, win[0], win[1]);
      if (win[1] < text.length) excerpt.appendChild(document.createTextNode(" …"));
      a.appendChild(place);
      a.appendChild(title);
      a.appendChild(excerpt);
      a.addEventListener("click", function () { dialog.close(); });
      li.appendChild(a);
      return li;
    }

    async function showMore() {
      var batch = results.slice(shown, shown + PAGE_SIZE);
      var data = await Promise.all(batch.map(function (r) { return r.data(); }));
      if (pending) return false;
      data.forEach(function (d) { list.appendChild(hit(d)); });
      shown += batch.length;
      more.hidden = shown >= results.length;
      return true;
    }

    async function run() {
      running = true;
      try {
        while (pending) {
          pending = false;
          var started = performance.now();
          var text = input.value.trim();
          var query = text === "" ? null : text;
          var filters = currentFilters();
          var filtered = Object.keys(filters).length > 0;
          box.dataset.filtered = filtered ? "true" : "false";
          if (query === null && !filtered) {
            results = [];
            list.replaceChildren();
            more.hidden = true;
            status.textContent = T.idle;
            box.dataset.state = "idle";
            continue;
          }
          box.dataset.state = "loading";
          status.textContent = T.loading;
          var loaded;
          try {
            loaded = await pagefind();
          } catch (err) {
            status.textContent = T.error;
            box.dataset.state = "error";
            return;
          }
          var found = await searchIds(loaded, query, filters);
          if (pending) continue;
          results = found;
          shown = 0;
          words = query === null ? [] : queryWords(query);
          list.replaceChildren();
          if (!(await showMore())) continue;
          status.textContent = results.length ? T.found(results.length, text, filters)
            : T.none(text, filters);
          box.dataset.state = results.length ? "done" : "empty";
          box.dataset.query = text;
          box.dataset.filters = JSON.stringify(filters);
          box.dataset.ms = String(Math.round(performance.now() - started));
        }
      } finally {
        running = false;
      }
    }

    function schedule() {
      pending = true;
      if (!running) run();
    }

    opener.addEventListener("click", open);
    // A pointer over the button, or focus on it, is a hint: start loading Pagefind already.
    opener.addEventListener("pointerenter", loadFilters, { once: true });
    opener.addEventListener("focus", loadFilters, { once: true });
    input.addEventListener("input", schedule);
    // Esc closes the box at the first press (a search field would first clear its text, and
    // the dialog close only at the second); the text and filters stay for the next opening.
    dialog.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || event.defaultPrevented) return;
      event.preventDefault();
      dialog.close();
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      schedule();
    });
    more.addEventListener("click", function () {
      showMore().then(function () {
        var next = list.children[shown - PAGE_SIZE] || list.lastElementChild;
        if (next) next.querySelector("a").focus();
      });
    });
    box.querySelector("[data-bc-search-close]").addEventListener("click", function () {
      dialog.close();
    });
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) dialog.close();  // a click on the backdrop
    });
    if (!keyBound) {
      keyBound = true;
      // "/" opens the box of the page shown now (instant navigation replaces the header).
      document.addEventListener("keydown", function (event) {
        if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
        var t = event.target;
        if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
        var current = document.querySelector("[data-bc-search]");
        if (!current || current.hidden || current.querySelector("dialog").open) return;
        event.preventDefault();
        current.querySelector(".bc-search__open").click();
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
  // With the theme's instant navigation (navigation.instant), pages are swapped without
  // running scripts again; the theme announces each new page on document$.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () { init(); });
  }
})();
