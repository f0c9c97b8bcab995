"""The package's shape (docs/dev/architecture.md): no import cycle between its modules, and the
commands stay thin verbs."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "baocao"
#: A command is a thin verb (load → compute → render → write); the work is in the stages.
COMMAND_MAX_LINES = 150


def module_name(path: Path, package: Path = PACKAGE) -> str:
    rel = path.relative_to(package.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(package: Path = PACKAGE) -> dict[str, Path]:
    return {module_name(p, package): p for p in sorted(package.rglob("*.py"))}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules that *name* imports, anywhere in it (inside functions too, but not
    under ``if TYPE_CHECKING:``), relative imports resolved; ``from pkg import mod`` counts as
    an import of ``pkg.mod``."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()

    def add(target: str) -> None:
        # the module itself if it is one, else the nearest package/module that holds the name
        while target and target not in known:
            target = target.rpartition(".")[0]
        if target and target != name:
            found.add(target)

    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    # imports under `if TYPE_CHECKING:` are for the type checker only, never run
    typing_only = {id(n) for node in ast.walk(tree)
                   if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING"
                   for n in ast.walk(node)}
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[:len(base) - (node.level - 1)]
                parent = ".".join(base + ([node.module] if node.module else []))
            else:
                parent = node.module or ""
            for alias in node.names:
                full = f"{parent}.{alias.name}"
                add(full if full in known else parent)
    return found


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    mods = modules(package)
    known = set(mods)
    return {name: imports_of(name, path, known) for name, path in mods.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of *graph* (as a path that ends where it starts), or None. A package's
    ``__init__`` importing its own modules is not a cycle of the modules."""
    edges = {a: {b for b in bs if not a.startswith(b + ".") and not b.startswith(a + ".")}
             for a, bs in graph.items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_package_has_no_import_cycle():
    graph = import_graph()
    assert "baocao.write.site_build" in graph["baocao.commands.build"]  # the walk sees imports
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def write_package(root: Path, files: dict[str, str]) -> Path:
    package = root / "pkg"
    for rel, text in files.items():
        path = package / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return package


@pytest.mark.parametrize("files", [
    # the two cycles this package once had, in miniature
    {"__init__.py": "", "commands/__init__.py": "",
     "commands/build.py": "from .documents import produce\n",
     "commands/documents.py": "def f():\n    from .build import name\n"},
    {"__init__.py": "", "docx.py": "def g():\n    from pkg.pdf import settings\n",
     "pdf.py": "def f():\n    from .docx import blanks\n"},
    {"__init__.py": "", "a.py": "import pkg.b.d\n", "b/__init__.py": "",
     "b/c.py": "from ..a import x\n", "b/d.py": "from .c import y\n"},
])
def test_the_cycle_finder_finds_cycles_inside_functions_and_relative_imports(tmp_path, files):
    package = write_package(tmp_path, files)
    graph = import_graph(package)
    assert find_cycle(graph) is not None, graph


def test_the_cycle_finder_accepts_imports_downwards(tmp_path):
    package = write_package(tmp_path, {
        "__init__.py": "", "names.py": "X = 1\n",
        "docx.py": "from .names import X\nfrom .pdf import settings\n",
        "pdf.py": "from .names import X\ndef settings():\n    from pkg import names\n",
    })
    graph = import_graph(package)
    assert graph["pkg.docx"] == {"pkg.names", "pkg.pdf"}
    assert find_cycle(graph) is None


def test_no_command_module_is_longer_than_a_thin_verb():
    long = {p.name: n for p in sorted((PACKAGE / "commands").glob("*.py"))
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > COMMAND_MAX_LINES}
    assert long == {}, f"commands over {COMMAND_MAX_LINES} lines: {long}"
