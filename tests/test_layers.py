"""The import direction of the architecture: a pure core, edges that do not lean sideways."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "netpoldiff"

# Core modules in dependency order: each may import only modules of a lower rank.
CORE_RANK: dict[str, float] = {
    "printable": -1,  # below errors, which escape their messages with it
    "records": -1,  # how the model's records pickle: below everything that defines one
    "errors": 0,
    "diagnostics": 0.5,
    "check_memo": 0.6,  # what a check found about a policy, kept for the other side of a diff
    "suppression": 0.7,  # which warnings a run hides: codes of the registry, per object
    "intervals": 1,
    "bitsets": 1,
    "ports": 2,
    "addresses": 2,
    "selectors": 2,
    "columns": 3,
    "operators": 1.5,  # operators' recipes: data the table of kinds lists
    "kinds": 2,
    "model": 3,
    "policies": 4,
    "admin_policies": 4.5,
    "cluster": 5,
    "compiled": 5,
    "matrix": 6,
    "evaluate": 7,
    "policy_documents": 6,
    "admin_documents": 6.5,
    "diff": 8,
    "changes": 8,
    "reverts": 8.5,  # states between the sides of a diff: causes and plans walk them
    "touching": 8.7,  # which pairs each changed object can touch: what causes test
    "causes": 9,
    "opened_risks": 9.5,
    "admin_denies": 5,  # whether admin policies deny a namespace by default: findings ask
    "findings": 10,
    "explain": 11,  # reads the decisions a matrix keeps: nothing below reads it
    "policy_edits": 9,
    "admin_edits": 9.2,
    "object_edits": 9.5,
    "plan_steps": 9.2,  # the steps of a rollout, one per changed object
    "plan": 9.5,  # rollout orders: walks the states reverts.py builds
    "coverage": 5.5,  # whether a selector, peer, rule or grant covers another
    "lint_rules": 7.3,  # likely mistakes in rules, read from the manifests alone
    "lint_dns": 7.3,  # egress isolation that blocks DNS, read from the matrix
    "lint_covered": 7.3,  # policies other policies cover, read from the matrix
    "lint_redundancy": 7.4,  # rules and policies that add nothing
    "unmatched": 7.5,  # every warning that needs the evaluation: calls the checks above
    "admin_checks": 6.5,
    "unevaluated": 9,
    "introduced": 0.8,  # which of NEW's warnings OLD lacks: matched one for one
    "flow_origins": 9.6,  # where an opened flow is written: the rules of NEW that allow it
}
# Within a core package, each module may import only the ones before it.
CORE_PACKAGE_ORDER = {
    "evaluate": (
        "universe",
        "answers",
        "selection",
        "states",
        "compile",
        "tiers",
        "tier_updates",
        "admin_tiers",
        "cluster_columns",
        "engine",
        "__init__",
    ),
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
    "difflib",  # ordered rules of an admin policy matched in order (admin_edits)
}
# Edge modules, and the other edges each may import.
EDGE_ALLOWED = {
    "sources": set(),
    # Renders what a source holds; reads kustomizations and rendered streams as manifests are read.
    "render": {"sources", "manifests"},
    "manifests": {"sources"},
    # The repository configuration: read from a source, with the manifests' YAML reader, and
    # naming what to render.
    "configuration": {"sources", "manifests", "render"},
    "report": set(),
    "commands": {
        "sources",
        "manifests",
        "report",
        "hooks",
        "github",
        "render",
        "configuration",
        "receive",
    },
    "hooks": {"sources"},
    # A server's pre-receive input, push options and time limit: read as the hooks read theirs.
    "receive": {"sources", "hooks"},
    "github": set(),
    "cli": {"commands", "sources", "render"},  # typed sources and render plans from the options
    "__main__": {"cli"},
    "__init__": set(),
}
THIRD_PARTY_HOME = {
    "yaml": "manifests",
    "git": "sources",
    "click": "cli",
    "tabulate": "report",
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


# ---- report formats: one module each, none leaning on another ---------------------------------

# The format modules are those whose functions the registry holds; every other report module
# is shared by the formats (labels, lines, words, the report values), except the registry.
# Read from the registry's source, not by importing it: a sideways import that makes a cycle
# must fail here with its name, not stop the whole test module.
REGISTRY = "report.formats"
REGISTRIES = ("DIFF_FORMATS", "MATRIX_FORMATS", "PLAN_FORMATS", "EXPLAIN_FORMATS", "LINT_FORMATS")


def _registered_modules(source: str) -> set[str]:
    """The modules of the functions in the registry's dicts (``text.render_diff``)."""
    tree = ast.parse(source)
    where: dict[str, str] = {}  # local name -> module it comes from
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                local = alias.asname or alias.name
                module = node.module.removeprefix("netpoldiff.")
                where[local] = f"{module}.{alias.name}" if module == "report" else module
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign | ast.Assign):
            targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
            if not any(isinstance(t, ast.Name) and t.id in REGISTRIES for t in targets):
                continue
            assert isinstance(node.value, ast.Dict), "a registry is a dict literal"
            for value in node.value.values:
                match value:
                    case ast.Attribute(value=ast.Name(id=name)) | ast.Name(id=name):
                        modules.add(where[name])
                    case _:
                        pytest.fail(f"registry entry {ast.unparse(value)} names no module")
    return modules


FORMATS = _registered_modules((PACKAGE / "report" / "formats.py").read_text(encoding="utf-8"))
SHARED_REPORT = {
    m for m, _ in MODULES if _layer(m) == "report" and m not in FORMATS | {REGISTRY}
} - {"report.__init__"}
MODULE_NAMES = {m for m, _ in MODULES}


def _netpoldiff_modules(path: Path) -> set[str]:
    """The package's modules that a file imports, ``report.text`` for ``netpoldiff.report.text``."""
    package = path.relative_to(PACKAGE).parent.parts
    return _modules_imported_by(path.read_text(encoding="utf-8"), package)


def _modules_imported_by(source: str, package: tuple[str, ...]) -> set[str]:
    """The package's modules that ``source``, a module of ``package``, imports.

    ``from netpoldiff.report import text`` and ``from . import text`` count as importing
    ``report.text`` (the plain scan above sees only the package there).
    """
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                kept = list(package[: len(package) - node.level + 1])
                base = ".".join(["netpoldiff", *kept, *([base] if base else [])])
            names.update(f"{base}.{alias.name}" for alias in node.names)
    found: set[str] = set()
    for name in names:
        parts = name.split(".")
        if parts[0] != "netpoldiff":
            continue
        # The longest prefix that is a module: ``report.reports.DiffReport`` is ``report.reports``.
        for end in range(len(parts), 1, -1):
            candidate = ".".join(parts[1:end])
            if candidate in MODULE_NAMES or f"{candidate}.__init__" in MODULE_NAMES:
                found.add(candidate)
                break
    return found


FORMAT_PATHS = [(m, p) for m, p in MODULES if m in FORMATS]


@pytest.mark.parametrize(("module", "path"), FORMAT_PATHS, ids=[m for m, _ in FORMAT_PATHS])
def test_a_format_imports_only_the_core_and_the_shared_report_modules(
    module: str, path: Path
) -> None:
    for imported in _netpoldiff_modules(path):
        assert imported not in FORMATS, f"format {module} imports format {imported}"
        assert imported != REGISTRY, f"format {module} imports the registry"
        assert imported in SHARED_REPORT or _layer(imported) in CORE_RANK, (
            f"format {module} imports {imported} (neither core nor shared report module)"
        )


SHARED_PATHS = [(m, p) for m, p in MODULES if m in SHARED_REPORT]


@pytest.mark.parametrize(("module", "path"), SHARED_PATHS, ids=[m for m, _ in SHARED_PATHS])
def test_a_shared_report_module_imports_no_format(module: str, path: Path) -> None:
    imported = _netpoldiff_modules(path)
    leaning = imported & (FORMATS | {REGISTRY})
    assert not leaning, f"{module} imports {sorted(leaning)}"


@pytest.mark.parametrize(
    ("source", "imported"),
    [
        ("from netpoldiff.report import text", "report.text"),
        ("from . import text", "report.text"),
        ("from .text import render_diff", "report.text"),
        ("from ..report.text import render_diff", "report.text"),
        ("import netpoldiff.report.text", "report.text"),
        ("from netpoldiff.report.reports import DiffReport", "report.reports"),
        ("def f():\n    from netpoldiff.diff import MatrixDiff", "diff"),
    ],
    ids=["from-package", "relative", "relative-module", "parent", "plain", "name", "in-function"],
)
def test_the_format_scan_sees_every_spelling_of_an_import(source: str, imported: str) -> None:
    # Guard against a scan that misses a sideways import and so can never fail.
    assert _modules_imported_by(source, ("report",)) == {imported}


def _module_of(render: object) -> str:
    module = inspect.getmodule(render)
    assert module is not None
    return module.__name__.removeprefix("netpoldiff.")


def test_the_registry_scan_finds_the_modules_of_the_registered_functions() -> None:
    from netpoldiff.report.formats import (
        DIFF_FORMATS,
        EXPLAIN_FORMATS,
        LINT_FORMATS,
        MATRIX_FORMATS,
        PLAN_FORMATS,
    )

    registries = (DIFF_FORMATS, MATRIX_FORMATS, PLAN_FORMATS, EXPLAIN_FORMATS, LINT_FORMATS)
    renderers = [render for registry in registries for render in registry.values()]
    assert {_module_of(render) for render in renderers} == FORMATS
    assert {"report.text", "report.dot", "report.markdown", "report.json_report"} <= FORMATS
    assert {"report.sarif", "report.github", "report.lint_text"} <= FORMATS
    assert "report.annotations" in SHARED_REPORT
    assert {"report.labels", "report.lines", "report.words", "report.reports"} <= SHARED_REPORT
    aliased = (
        "from netpoldiff.report.sarif import render_diff as sarif\nDIFF_FORMATS = {'s': sarif}"
    )
    assert _registered_modules(aliased) == {"report.sarif"}
