"""Content cannot make the document tools read files: pandoc runs with --sandbox, typst in an
empty folder, and the loader refuses such content before either runs."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT

from baocao.load import load_repository
from baocao.render.official import render_official_input
from baocao.write.docx import write_docx
from baocao.write.pandoc import PandocError, pandoc_path
from baocao.write.pdf import DocumentError, compile_typst, write_pdf

SECRET = Path("/etc/passwd")
TEMPLATES = ROOT / "templates"


@pytest.fixture(scope="module")
def hostile_input() -> str:
    """The minimal report's pandoc input with an image of /etc/passwd in its body (the loader
    would refuse this body; here it is handed to the writers directly)."""
    repo, problems = load_repository(FIXTURES / "minimal")
    assert not problems.errors
    source = render_official_input(repo, repo.reports[0])
    return source + "\n\n![mật khẩu](/etc/passwd)\n"


def _docx_bytes(source: str, *extra: str) -> bytes:
    proc = subprocess.run([str(pandoc_path()), *extra, "--from=markdown", "--to=docx", "-o", "-"],
                          input=source.encode("utf-8"), capture_output=True, timeout=120, check=True)
    return proc.stdout


def _holds_secret(docx: bytes) -> bool:
    secret = SECRET.read_bytes()
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        return any(secret in z.read(name) for name in z.namelist()) or any(
            name.startswith("word/media/") for name in z.namelist())


def test_without_sandbox_pandoc_would_embed_the_file(hostile_input: str):
    """The control: the same input without --sandbox copies /etc/passwd into the DOCX."""
    assert _holds_secret(_docx_bytes(hostile_input))


def test_sandboxed_pandoc_embeds_nothing(hostile_input: str):
    docx = _docx_bytes(hostile_input, "--sandbox")
    assert not _holds_secret(docx)


def test_docx_writer_fails_with_a_clear_message_and_writes_nothing(hostile_input: str,
                                                                   tmp_path: Path):
    out = tmp_path / "bc.docx"
    with pytest.raises(PandocError) as info:
        write_docx(hostile_input, out, templates=TEMPLATES)
    assert str(info.value) == (
        "Nội dung dẫn tới tệp \"/etc/passwd\" mà pandoc không được đọc (chế độ --sandbox): văn bản "
        "chỉ được dùng nội dung trong kho, không chèn tệp bên ngoài.")
    assert list(tmp_path.iterdir()) == []


def test_pdf_writer_fails_and_writes_nothing(hostile_input: str, tmp_path: Path):
    out = tmp_path / "bc.pdf"
    with pytest.raises(PandocError):
        write_pdf(hostile_input, out, templates=TEMPLATES)
    assert list(tmp_path.iterdir()) == []


def test_typst_reads_no_file():
    """Even typst code that asks for a file gets nothing: typst runs in an empty folder."""
    with pytest.raises(DocumentError, match="file not found"):
        compile_typst('#read("/etc/passwd")', templates=TEMPLATES)
    with pytest.raises(DocumentError, match="would escape the project root"):
        compile_typst('#image("../../../../etc/passwd")', templates=TEMPLATES)


def test_loader_refuses_the_same_body_first(tmp_path: Path):
    """In a real repository such a body never reaches pandoc: `check` names the line."""
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "minimal", repo)
    section = repo / "content/2024/01/02-ke-hoach.md"
    section.write_text(section.read_text(encoding="utf-8") + "\n![mật khẩu](/etc/passwd)\n",
                       encoding="utf-8")
    _, problems = load_repository(repo)
    assert [p.format() for p in problems] == [
        "content/2024/01/02-ke-hoach.md:9:13: E504: ảnh tới \"/etc/passwd\" là đường dẫn tuyệt "
        "đối, nằm ngoài kho nội dung; chỉ dùng tệp trong kho, ghi đường dẫn tương đối"]
