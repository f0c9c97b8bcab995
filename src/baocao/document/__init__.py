"""The one parse (DESIGN decision 11): every section body is read once, by pandoc's reader with
one dialect (:mod:`.dialect`), into pandoc's document tree; the site's HTML, the DOCX, the
typst/PDF and (through the site's HTML) the search records are all written from that tree, and
``check`` inspects the same tree. No output reads Markdown with a parser of its own.
"""
