"""Settings are data (issue 15, build item 1): mkdocs.yml is read as plain data, validated against
an allowed set of keys and value shapes by ``check`` and, through the same loader, by ``build``
and ``serve``; nothing from it runs code, reads another file, reaches a page unescaped or makes
the intranet site call an outside host. Each attack is reproduced on a copy of the shipped
content through the command line."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import ROOT, copy_shipped_repo
from lxml import html as lxml_html

from baocao.cli import cli

#: A settings file that tries to run a command when an engine loads it with PyYAML's full loader.
EVIL = "site_description: !!python/object/apply:os.system [\"touch {marker}\"]\n"


def _invoke(root: Path, *args: str):
    return CliRunner().invoke(cli, ["--repo", str(root), *args], catch_exceptions=False)


def _shipped(tmp_path: Path) -> Path:
    return copy_shipped_repo(tmp_path / "repo")


def _add_settings(root: Path, text: str) -> None:
    with (root / "mkdocs.yml").open("a", encoding="utf-8") as fh:
        fh.write(text)


def _inherit_attack(tmp_path: Path, absolute: bool) -> tuple[Path, Path]:
    """A copy of the shipped content whose mkdocs.yml inherits evil.yml (one folder above the
    repository, or by an absolute path); the marker file appears if the command ran."""
    root = _shipped(tmp_path)
    marker = tmp_path / "ran-code"
    evil = tmp_path / "evil.yml"
    evil.write_text(EVIL.format(marker=marker), encoding="utf-8")
    # The build's tree is <repo>/.site.new-XXXX/tree/mkdocs.yml: ../../evil.yml is <repo>/evil.yml
    shutil.copy(evil, root / "evil.yml")
    _add_settings(root, f"INHERIT: {evil if absolute else '../../evil.yml'}\n")
    return root, marker


@pytest.mark.parametrize("absolute", [False, True], ids=["relative", "absolute"])
@pytest.mark.parametrize("command", [["check"], ["build"], ["build", "--output", "public"]],
                         ids=["check", "build", "build-ci"])
def test_inherit_runs_no_code_and_is_refused(tmp_path: Path, command: list[str], absolute: bool):
    root, marker = _inherit_attack(tmp_path, absolute)
    result = _invoke(root, *command)
    assert not marker.exists(), "the inherited file ran a command"
    assert result.exit_code == 1, result.output
    line = next(i for i, text in enumerate(
        (root / "mkdocs.yml").read_text(encoding="utf-8").splitlines(), 1) if "INHERIT" in text)
    assert f"mkdocs.yml:{line}:1: E701: " in result.output
    assert "Traceback" not in result.output
    assert not (root / "site").exists() and not (root / "public").exists()


def test_serve_refuses_inherit_and_runs_no_code(tmp_path: Path):
    from test_serve import Server, wait_for

    root, marker = _inherit_attack(tmp_path, absolute=False)
    srv = Server(root)
    try:
        wait_for(lambda: "Bản xem trước giữ bản dựng tốt gần nhất" in srv.output, 90,
                 "the refused first build")
        assert "mkdocs.yml:" in srv.output and "E701" in srv.output, srv.output
        assert "lỗi" in srv.page("/").lower()
    finally:
        srv.stop()
    assert not marker.exists(), "the inherited file ran a command"


@pytest.mark.parametrize("text, code, needle", [
    ("site_description: !ENV [HOME, x]\n", "E701", "!ENV"),
    ("site_description: !!python/name:os.system\n", "E701", "!!python/name:os.system"),
    ("theme:\n  name: material\n  logo: !relative $config_dir/x.png\n", "E701", "!relative"),
])
def test_tags_are_refused_by_check_and_build(tmp_path: Path, text: str, code: str, needle: str):
    root = _shipped(tmp_path)
    (root / "mkdocs.yml").write_text("site_name: Thử\n" + text, encoding="utf-8")
    for command in (["check"], ["build"]):
        result = _invoke(root, *command)
        assert result.exit_code == 1
        assert re.search(rf"mkdocs.yml:\d+:\d+: {code}: .*{re.escape(needle)}", result.output), \
            result.output
    assert not (root / "site").exists()
