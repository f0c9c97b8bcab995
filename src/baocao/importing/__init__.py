"""Importing earlier reports (DOCX) and the task register (XLSX/CSV) into the content format.

``docx_read`` turns a DOCX into a flat list of paragraphs and tables (through pandoc's DOCX
reader), ``report`` recognises a monthly report in it and plans its files, ``tasks`` maps
appendix rows and spreadsheet rows to register entries, ``register`` edits ``directives.yaml``
keeping its comments and order. Nothing here writes: ``commands/import_docx.py`` and
``commands/import_tasks.py`` write the plan inside the repository.
"""
