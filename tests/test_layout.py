"""The package's layers: each subpackage imports only what its docstring allows, and no import cycle exists.

Imports inside functions count too: the batch run and its engines once imported each other that way.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).parent.parent / "pipeline"
ROOT = {"pipeline.errors", "pipeline.invalidation", "pipeline.labels", "pipeline.util"}
# What each subpackage may import besides itself and the root modules, as its docstring says.
ALLOWED = {
    "names": set(),
    "tables": set(),
    "places": {"pipeline.names.lexicon_cache"},
    "nlp": {"pipeline.names", "pipeline.tables.rows"},
    "training": {"pipeline.nlp"},
    "explore": {"pipeline.tables"},
    "batch": {"pipeline.nlp", "pipeline.names", "pipeline.places", "pipeline.tables"},
    "cli": {"pipeline"},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports(name: str) -> set[str]:
    """The package's modules that `name` imports anywhere in its code."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "pipeline"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            if target.split(".")[0] != "pipeline":
                continue
            for alias in node.names:
                found.add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in MODULES else target)
    return found


def layer(name: str) -> str:
    """The subpackage a module belongs to; empty for the root modules."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in ALLOWED else ""


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_follow_the_layers(name: str) -> None:
    own = layer(name)
    if name == "pipeline":
        allowed = {"pipeline.nlp", "pipeline.batch"}
    elif own:
        allowed = ALLOWED[own] | {f"pipeline.{own}"}
    else:
        allowed = set()  # errors, invalidation, labels and util import nothing of the package but each other
    for target in imports(name) - ROOT:
        assert any(target == a or target.startswith(a + ".") for a in allowed), f"{name} imports {target}"


def test_no_import_cycles() -> None:
    graph = nx.DiGraph([(name, target) for name in MODULES for target in imports(name)])
    cycles = list(nx.simple_cycles(graph))
    assert not cycles, cycles
