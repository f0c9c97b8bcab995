"""baocao: monthly work reports in Markdown + git -> archive site and official DOCX/PDF."""

__version__ = "0.1.0"
