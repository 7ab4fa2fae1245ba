"""The import direction of the architecture: a pure core, edges that do not lean sideways."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "netpoldiff"

# Core modules in dependency order: each may import only modules of a lower rank.
CORE_RANK: dict[str, float] = {
    "printable": -1,  # below errors, which escape their messages with it
    "errors": 0,
    "diagnostics": 0.5,
    "intervals": 1,
    "bitsets": 1,
    "ports": 2,
    "addresses": 2,
    "selectors": 2,
    "columns": 3,
    "kinds": 2,
    "model": 3,
    "policies": 4,
    "cluster": 5,
    "compiled": 5,
    "matrix": 6,
    "evaluate": 7,
    "policy_documents": 6,
    "diff": 8,
    "changes": 8,
    "causes": 9,
    "findings": 9,
    "policy_edits": 9,
}
# Within a core package, each module may import only the ones before it.
CORE_PACKAGE_ORDER = {
    "evaluate": ("universe", "selection", "compile", "tiers", "engine", "__init__"),
}
# What the core may take from the standard library: no I/O, no process state.
CORE_STDLIB = {
    "__future__",
    "collections",
    "dataclasses",
    "enum",
    "types",  # MappingProxyType: read-only views of a record's maps
    "typing",
    "ipaddress",
    "re",
    "itertools",
    "functools",
    "operator",
    "heapq",
    "bisect",
    "math",
    "json",  # canonical ordering of policy documents
}
# Edge modules, and the other edges each may import.
EDGE_ALLOWED = {
    "sources": set(),
    "manifests": {"sources"},
    "report": set(),
    "commands": {"sources", "manifests", "report", "hooks", "github"},
    "hooks": {"sources"},
    "github": set(),
    "cli": {"commands", "sources"},  # the cli turns each SOURCE argument into a typed Source
    "__main__": {"cli"},
    "__init__": set(),
}
THIRD_PARTY_HOME = {
    "yaml": "manifests",
    "git": "sources",
    "click": "cli",
    "tabulate": "report",
    "deepdiff": "policy_edits",
}
# The process's own streams and exit: only the command line touches them (the commands
# return a Report; the cli writes it and exits).
PROCESS_STREAMS = {"stdin", "stdout", "stderr", "__stdin__", "__stdout__", "__stderr__", "exit"}
STREAMS_HOME = "cli"


def _modules() -> list[tuple[str, Path]]:
    return sorted(
        (".".join(path.relative_to(PACKAGE).with_suffix("").parts), path)
        for path in PACKAGE.rglob("*.py")
    )


def _is_module(dotted: str) -> bool:
    """Whether ``netpoldiff.a.b`` names a module or package of ours."""
    path = PACKAGE.parent.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _imports(path: Path) -> set[str]:
    """The modules a file imports; ``from netpoldiff.a import b`` counts as ``netpoldiff.a.b``
    when ``b`` is a module, so that importing a module by its package hides nothing."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            submodules = {f"{node.module}.{alias.name}" for alias in node.names}
            ours = {name for name in submodules if name.startswith(f"{PACKAGE.name}.")}
            modules = {name for name in ours if _is_module(name)}
            names.update(modules)
            if len(modules) < len(node.names):
                names.add(node.module)
    return names


def _stream_uses(path: Path) -> set[str]:
    """``sys.stdout`` and the like, ``from sys import stderr``, and ``print()`` calls."""
    uses: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        match node:
            case ast.Attribute(value=ast.Name(id="sys"), attr=attr) if attr in PROCESS_STREAMS:
                uses.add(f"sys.{attr}")
            case ast.ImportFrom(module="sys", names=names):
                uses.update(f"sys.{a.name}" for a in names if a.name in PROCESS_STREAMS)
            case ast.Call(func=ast.Name(id="print")):
                uses.add("print()")
            case _:
                pass
    return uses


def _layer(module: str) -> str:
    return module.split(".", maxsplit=1)[0]


MODULES = _modules()


@pytest.mark.parametrize(("module", "path"), MODULES, ids=[m for m, _ in MODULES])
def test_module_imports_follow_the_layers(module: str, path: Path) -> None:
    layer = _layer(module)
    for name in _imports(path):
        top = name.split(".")[0]
        if top == "netpoldiff":
            target = name.split(".")[1] if "." in name else "__init__"
            if target == "__init__":
                continue  # the package itself holds only __version__
            if layer in CORE_RANK and target == layer:
                order = CORE_PACKAGE_ORDER[layer]
                inner, outer = name.split(".")[2], module.split(".")[1]
                assert order.index(inner) < order.index(outer), f"{module} imports {name}"
            elif layer in CORE_RANK:
                assert target in CORE_RANK, f"core module {module} imports edge {name}"
                assert CORE_RANK[target] < CORE_RANK[layer], f"{module} imports {name} (not lower)"
            elif target not in CORE_RANK and target != layer:
                assert target in EDGE_ALLOWED[layer], f"edge {module} imports edge {name}"
        elif top in THIRD_PARTY_HOME:
            assert layer == THIRD_PARTY_HOME[top], f"{module} imports {top}"
        elif layer in CORE_RANK and top not in THIRD_PARTY_HOME:
            assert top in CORE_STDLIB, f"core module {module} imports {name}"


@pytest.mark.parametrize(("module", "path"), MODULES, ids=[m for m, _ in MODULES])
def test_only_the_cli_touches_the_process_streams(module: str, path: Path) -> None:
    if _layer(module) != STREAMS_HOME:
        assert not _stream_uses(path), f"{module} uses {sorted(_stream_uses(path))}"


def _imports_the_cli(path: Path) -> bool:
    return any(name.split(".")[:2] == ["netpoldiff", "cli"] for name in _imports(path))


def test_nothing_imports_the_cli_but_main() -> None:
    importers = {m for m, path in MODULES if _layer(m) != "cli" and _imports_the_cli(path)}
    assert importers == {"__main__"}


def test_every_module_is_in_a_known_layer() -> None:
    unknown = {_layer(m) for m, _ in MODULES} - CORE_RANK.keys() - EDGE_ALLOWED.keys()
    assert not unknown


def test_the_scan_sees_imports() -> None:
    # Guard against a scan that finds nothing and so can never fail.
    assert "netpoldiff.intervals" in _imports(PACKAGE / "ports.py")
    assert "yaml" in _imports(PACKAGE / "manifests" / "yaml_docs.py")


def test_a_module_imported_by_its_package_is_that_module(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text(
        "from netpoldiff import cli, __version__\nfrom netpoldiff.report import text\n"
    )
    assert _imports(source) == {"netpoldiff.cli", "netpoldiff", "netpoldiff.report.text"}


def test_no_relative_imports() -> None:
    # The layer scan reads absolute names only; a relative import would go unchecked.
    relative = [
        module
        for module, path in MODULES
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and node.level > 0
    ]
    assert relative == []
    assert "sys.stdout" in _stream_uses(PACKAGE / "cli" / "output.py")
