"""JSON Schemas for editors: generated from the model classes, committed, and correct."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from conftest import ROOT

from baocao.schemas import SCHEMA_DIR, SCHEMAS, main, render_all
from baocao.yamlio import load_yaml, split_front_matter


def _schema(name: str) -> dict:
    return json.loads((ROOT / SCHEMA_DIR / name).read_text(encoding="utf-8"))


def _validator(name: str) -> jsonschema.Draft7Validator:
    schema = _schema(name)
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def _front_matter(path: Path) -> object:
    fm = split_front_matter(path.read_text(encoding="utf-8"))
    assert fm is not None, path
    return fm.meta.data


def test_committed_schemas_equal_the_generated_ones():
    generated = render_all()
    assert sorted(generated) == sorted(SCHEMAS)
    for name, text in generated.items():
        committed = (ROOT / SCHEMA_DIR / name).read_text(encoding="utf-8")
        assert committed == text, f"{SCHEMA_DIR}/{name} is stale: run python -m baocao.schemas"
    assert main(["--check", str(ROOT)]) == 0


def test_regeneration_writes_the_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert main([str(tmp_path)]) == 0
    assert sorted(p.name for p in (tmp_path / SCHEMA_DIR).iterdir()) == sorted(SCHEMAS)
    assert main(["--check", str(tmp_path)]) == 0
    (tmp_path / SCHEMA_DIR / "report.schema.json").write_text("{}", encoding="utf-8")
    assert main(["--check", str(tmp_path)]) == 1
    assert "schemas/report.schema.json đã cũ" in capsys.readouterr().err


def _walk(schema: object, path: str = ""):
    if isinstance(schema, dict):
        yield path, schema
        for key, value in schema.items():
            yield from _walk(value, f"{path}/{key}")
    elif isinstance(schema, list):
        for i, value in enumerate(schema):
            yield from _walk(value, f"{path}/{i}")


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_every_field_and_object_has_a_vietnamese_description(name: str):
    schema = _schema(name)
    vietnamese = set("ăâđêôơưáàảãạéèẻẽẹíìỉĩịóòỏõọúùủũụýỳỷỹỵ")
    for path, node in _walk(schema):
        if path.endswith("/properties"):
            for field, prop in node.items():
                assert prop.get("description"), f"{name}{path}/{field} has no description"
        if node.get("type") == "object" and "properties" in node:
            text = node.get("description", "")
            assert set(text.lower()) & vietnamese, f"{name}{path}: description not Vietnamese"
            assert "title" not in node.get("properties", {}).get("title", {})


def test_shipped_content_is_valid():
    report = _validator("report.schema.json")
    section = _validator("section.schema.json")
    checked = 0
    for folder in sorted((ROOT / "content").glob("*/*")):
        errors = list(report.iter_errors(_front_matter(folder / "index.md")))
        assert not errors, (folder, [e.message for e in errors])
        for path in sorted(folder.glob("[0-9][0-9]-*.md")):
            errors = list(section.iter_errors(_front_matter(path)))
            assert not errors, (path, [e.message for e in errors])
            checked += 1
    assert checked >= 17
    for file, schema in (("directives.yaml", "directives.schema.json"),
                         ("organization.yaml", "organization.schema.json")):
        data = load_yaml((ROOT / file).read_text(encoding="utf-8")).data
        errors = list(_validator(schema).iter_errors(data))
        assert not errors, (file, [e.message for e in errors])
        if file == "directives.yaml":
            assert len(data["tasks"]) >= 14


@pytest.mark.parametrize("schema, yaml_text, where", [
    ("report.schema.json", 'title: "x"\nstatus: published\ncutoff: 2023-09-14\nparts: [{number: I, '
     'title: "A"}]\nsigner: {position: "P", name: "N"}\nrecipients: ["Lưu: VT."]\n', "status"),
    ("report.schema.json", 'title: "x"\ncutoff: "ngày 14 tháng 9"\nparts: [{number: I, title: "A"}]\n'
     'signer: {position: "P", name: "N"}\nrecipients: ["Lưu: VT."]\n', "cutoff"),
    ("report.schema.json", 'cutoff: 2023-09-14\nparts: []\nsigner: {name: "N"}\nrecipients: []\n',
     "title"),
    ("section.schema.json", 'part: I\nnumber: "II"\ntitel: "Sai tên trường"\n', "titel"),
    ("section.schema.json", 'kind: phu-luc\ntitle: "X"\n', "kind"),
    ("directives.schema.json", 'tasks:\n  - id: "mã có dấu cách"\n    document: "1/UBND"\n'
     '    issued: "1/1/2023"\n    summary: "x"\n', "id"),
    ("directives.schema.json", 'tasks:\n  - id: A1\n    document: "1/UBND"\n    issued: "1/1/2023"\n'
     '    summary: "x"\n    deadlne: "2/1/2023"\n', "deadlne"),
    ("directives.schema.json", 'tasks:\n  - id: A1\n    document: "1/UBND"\n    issued: "1/1/2023"\n'
     '    summary: "x"\n    not_started: "có"\n', "not_started"),
])
def test_bad_examples_are_rejected(schema: str, yaml_text: str, where: str):
    errors = list(_validator(schema).iter_errors(load_yaml(yaml_text).data))
    assert errors
    assert any(where in (e.message + " " + "/".join(map(str, e.absolute_path))) for e in errors), \
        [e.message for e in errors]


def test_vscode_maps_the_schemas():
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    mapping = settings["yaml.schemas"]
    assert mapping["./schemas/directives.schema.json"] == "directives.yaml"
    assert mapping["./schemas/organization.schema.json"] == "organization.yaml"
    for target in mapping:
        assert (ROOT / target).is_file(), target
    first = (ROOT / "directives.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=./schemas/directives.schema.json"
