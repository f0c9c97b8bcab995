"""Stage 5, write: every output of baocao is written here, and nowhere else.

- publishing: :mod:`.publish` (staging, the atomic swap, recovery after a killed build), the
  site build that ends in it (:mod:`.site_build`) and its no-change fingerprint
  (:mod:`.fingerprint`);
- the site: the generated Markdown tree and page reuse (:mod:`.site_tree`), the site engine
  (:mod:`.site_engine` drives ``python -m baocao.write.engine``; :mod:`.prerendered_hook` is
  copied into the tree), the Pagefind search index (:mod:`.search_records` reads the built pages
  back, :mod:`.search` indexes them);
- the official documents: the toolchain (:mod:`.pandoc`, :mod:`.reference_docx`, :mod:`.docx`
  with its header measurements in :mod:`.docx_layout`, :mod:`.pdf`, with the input preparation
  they share in :mod:`.blanks`) and the cached, parallel build of many reports
  (:mod:`.documents`);
- exports of the task register (:mod:`.exports`).

Names every writer shares (document file names, the report epoch) are in :mod:`.names`.
docs/dev/architecture.md draws the stages.
"""
