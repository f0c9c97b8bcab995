"""The GitLab pipeline: its structure, and real runs with gitlab-ci-local (shell executor).

gitlab-ci-local 4.60.0 (npm; newer versions need Node.js 22) and rsync are real clients: missing,
the runs skip locally and fail under BAOCAO_REQUIRE_CLIENTS=1 (CI installs both, see .ci/run).
Jobs reuse the test's virtualenv through BAOCAO_VENV instead of installing baocao again.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, edit_text, require_client

CI_FILE = ROOT / ".gitlab-ci.yml"


def _config() -> dict:
    return yaml.safe_load(CI_FILE.read_text(encoding="utf-8"))


def test_pipeline_structure():
    cfg = _config()
    check, review, pages = cfg["kiem-tra"], cfg["xem-truoc"], cfg["pages"]
    assert "baocao check" in check["script"]
    assert check["stage"] == "check" and review["stage"] == pages["stage"] == "build"
    # Merge requests: the assembled report and the site are exposed in the MR page.
    exposed = review["artifacts"]
    assert re.fullmatch(r"\w[-. \w]*", exposed["expose_as"], re.A)  # GitLab's allowed characters
    assert exposed["paths"] == ["xem-truoc/bao-cao.docx", "xem-truoc/bao-cao.pdf", "public/"]
    for path in exposed["paths"]:  # expose_as: no globs, no variables, no "./", dirs end in "/"
        assert not re.search(r"[*?$]|^\./", path)
    assert review["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    # Default branch: GitLab Pages from public/, documents kept.
    assert pages["artifacts"]["paths"] == ["public/", "van-ban/"]
    assert pages["artifacts"]["expire_in"] == "never"
    assert "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH" in pages["rules"][0]["if"]


def _pipeline_repo(dest: Path) -> Path:
    dest.mkdir()
    for name in ("content", "docs", "templates"):
        shutil.copytree(ROOT / name, dest / name)
    for name in ("directives.yaml", "organization.yaml", "mkdocs.yml", ".gitlab-ci.yml"):
        shutil.copy(ROOT / name, dest / name)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=dest, check=True)
    _commit(dest, "nội dung")
    return dest


def _commit(repo: Path, message: str) -> None:
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(["git", "-c", "user.email=ci@example.invalid", "-c", "user.name=CI", "commit",
                    "-q", "-m", message], cwd=repo, check=True)


def _run(repo: Path, *, merge_request: bool) -> subprocess.CompletedProcess[str]:
    exe = require_client("gitlab-ci-local", shutil.which("gitlab-ci-local"))
    require_client("rsync", shutil.which("rsync"))
    args = [exe, "--force-shell-executor", "--variable", f"BAOCAO_VENV={sys.prefix}"]
    if merge_request:
        args += ["--variable", "CI_PIPELINE_SOURCE=merge_request_event",
                 "--variable", "CI_MERGE_REQUEST_IID=1"]
    return subprocess.run(args, cwd=repo, capture_output=True, text=True, encoding="utf-8",
                          errors="replace", timeout=900, check=False)


def _passed(output: str) -> set[str]:
    return set(re.findall(r"PASS\s+(\S+)", output))


@pytest.mark.client
def test_merge_request_pipeline(tmp_path: Path):
    repo = _pipeline_repo(tmp_path / "repo")
    proc = _run(repo, merge_request=True)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    assert _passed(out) == {"kiem-tra", "xem-truoc"}, out[-4000:]
    assert "Không có lỗi (1 cảnh báo)." in out  # baocao check ran
    artifacts = repo / ".gitlab-ci-local" / "artifacts" / "xem-truoc"
    docx = artifacts / "xem-truoc" / "bao-cao.docx"
    with zipfile.ZipFile(docx) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    # the newest shipped report is May 2025 (content/2025/05/03-quan-ly-khoa-hoc.md)
    assert "Tổ chức 09/14 Hội đồng tư vấn xác định nhiệm vụ" in xml
    assert (artifacts / "xem-truoc" / "bao-cao.pdf").read_bytes().startswith(b"%PDF-")
    page = (artifacts / "public" / "2023" / "09" / "index.html").read_text(encoding="utf-8")
    assert "Hoàn thành việc tổ chức 14 Hội đồng" in page
    assert (artifacts / "public" / "2023" / "09" / "bao-cao-2023-09.docx").is_file()
    assert not (repo / ".gitlab-ci-local" / "artifacts" / "pages").exists()


@pytest.mark.client
def test_merge_request_with_a_content_error_fails_at_check(tmp_path: Path):
    repo = _pipeline_repo(tmp_path / "repo")
    edit_text(repo / "content/2023/09/03-nghien-cuu-khoa-hoc.md", "- Hoàn thành việc",
              "- Hoàn thành <b>việc</b>")
    _commit(repo, "lỗi")
    proc = _run(repo, merge_request=True)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert re.search(r"content/2023/09/03-nghien-cuu-khoa-hoc\.md:\d+:\d+: E503", out), out[-4000:]
    assert "xem-truoc" not in _passed(out)


@pytest.mark.client
def test_default_branch_pipeline_publishes_pages_and_keeps_documents(tmp_path: Path):
    repo = _pipeline_repo(tmp_path / "repo")
    proc = _run(repo, merge_request=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    assert _passed(out) == {"kiem-tra", "pages"}, out[-4000:]
    artifacts = repo / ".gitlab-ci-local" / "artifacts" / "pages"
    assert (artifacts / "public" / "index.html").is_file()
    assert sorted(p.name for p in (artifacts / "van-ban").iterdir()) == [
        "bao-cao-2023-09.docx", "bao-cao-2023-09.pdf", "bao-cao-2025-05.docx",
        "bao-cao-2025-05.pdf"]  # both shipped reports


# --------------------------------------------------------------------------------------------
# The pre-commit hook (.pre-commit-config.yaml)


def test_pre_commit_hook_blocks_a_commit_with_content_errors(tmp_path: Path):
    import os

    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or \
        shutil.which("pre-commit")
    assert pre_commit, "pre-commit is a test dependency (pip install -e '.[test]')"
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copytree(ROOT / "content", repo / "content")
    for name in ("directives.yaml", "organization.yaml", ".pre-commit-config.yaml"):
        shutil.copy(ROOT / name, repo / name)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, check=True)
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    subprocess.run([pre_commit, "install"], cwd=repo, env=env, check=True, capture_output=True)

    def commit(message: str) -> subprocess.CompletedProcess[str]:
        subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
        return subprocess.run(
            ["git", "-c", "user.email=ci@example.invalid", "-c", "user.name=CI", "commit", "-m",
             message], cwd=repo, env=env, capture_output=True, text=True, encoding="utf-8")

    ok = commit("nội dung")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "baocao check" in ok.stdout + ok.stderr
    edit_text(repo / "content/2023/09/03-nghien-cuu-khoa-hoc.md", "- Hoàn thành việc",
              "- Hoàn thành <b>việc</b>")
    bad = commit("lỗi")
    out = bad.stdout + bad.stderr
    assert bad.returncode != 0
    assert re.search(r"content/2023/09/03-nghien-cuu-khoa-hoc\.md:\d+:\d+: E503", out), out
    log = subprocess.run(["git", "log", "--format=%s"], cwd=repo, capture_output=True, text=True,
                         encoding="utf-8", check=True).stdout.splitlines()
    assert log == ["nội dung"]  # only the first commit went in
