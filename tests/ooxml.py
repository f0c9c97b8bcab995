"""Office Open XML schema validation of a produced DOCX (openxml-audit, pure Python).

Every produced DOCX must pass (DESIGN.md, Tests). The file is validated against the schemas of
Office 2013 (the version whose layout ``compatibilityMode`` 15 asks for) and of Microsoft 365
(the newest). Not against Office 2007: that profile is ECMA-376 1st edition, which does not
declare the ``w:tblLook`` attributes ``firstRow`` … ``noVBand`` that pandoc and Word 2010+
write (the 1st edition has only the ``w:val`` bit mask, which we write as well).

``KNOWN_FALSE_POSITIVES`` lists findings of openxml-audit that are wrong; a filter must name
the rule it silences and say why. It is empty: openxml-audit 0.8.0 reports nothing wrong on
the documents baocao produces.
"""

from __future__ import annotations

import re
from pathlib import Path

from openxml_audit import FileFormat, OpenXmlValidator

FORMATS = (FileFormat.OFFICE_2013, FileFormat.MICROSOFT_365)

#: (format, regular expression over str(error)) of findings that are openxml-audit's mistakes.
KNOWN_FALSE_POSITIVES: tuple[tuple[FileFormat | None, re.Pattern[str]], ...] = ()


def _false_positive(fmt: FileFormat, message: str) -> bool:
    return any((f is None or f == fmt) and rx.search(message) for f, rx in KNOWN_FALSE_POSITIVES)


def ooxml_errors(path: Path) -> list[str]:
    """Every schema, package or relationship error of the DOCX at *path*, one line each,
    prefixed by the Office version whose schemas it breaks."""
    found: list[str] = []
    for fmt in FORMATS:
        result = OpenXmlValidator(file_format=fmt, max_errors=0).validate(str(path))
        for error in result.errors:
            message = str(error)
            if not _false_positive(fmt, message):
                found.append(f"{fmt.value}: {message}")
    return found
