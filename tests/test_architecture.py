"""The house's rules, checked on the source: no import cycle between vaultlint's modules, and no
module of vaultlint importing a deprecated shim (an old module path kept for plugins and scripts).

Every `import` counts, at the top of a module or inside a function: an import inside a function
closes a cycle as surely as one at the top, it only defers the failure to the first call. What an
`if TYPE_CHECKING:` block imports never runs and does not count. Importing `vaultlint.a.b` from
outside the package `vaultlint.a` runs `vaultlint/a/__init__.py` first: that counts as an import
of the package too.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "vaultlint"


def _modules() -> dict[str, Path]:
    """Module name -> file, for every module of the package (packages by their `__init__.py`)."""
    out = {}
    for file in sorted(PACKAGE.rglob("*.py")):
        parts = list(file.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = file
    return out


MODULES = _modules()


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imported(module: str) -> set[str]:
    """The modules of vaultlint that `module` imports, anywhere in its code."""
    file = MODULES[module]
    package = module if file.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for other in child.orelse:
                    visit_statement(other)
            else:
                visit_statement(child)

    def visit_statement(node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in MODULES)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                if f"{source}.{alias.name}" in MODULES:  # `from package import module`
                    found.add(f"{source}.{alias.name}")
                elif source in MODULES:
                    found.add(source)
        else:
            visit(node)

    visit(ast.parse(file.read_text(encoding="utf-8"), str(file)))
    # The packages that importing a module runs first, unless `module` is inside them already.
    for target in list(found):
        parts = target.split(".")
        for n in range(2, len(parts)):
            parent = ".".join(parts[:n])
            if not (module == parent or module.startswith(parent + ".")):
                found.add(parent)
    found.discard(module)
    return found


GRAPH = {module: _imported(module) for module in MODULES}


def _docstring(module: str) -> str:
    return ast.get_docstring(ast.parse(MODULES[module].read_text(encoding="utf-8"))) or ""


SHIMS = {module for module in MODULES if _docstring(module).startswith("Deprecated")}


def _cycle() -> list[str] | None:
    """One cycle of imports, as the list of its modules (the first again at the end), or None."""
    state: dict[str, int] = {}  # 1: on the path being walked, 2: done
    path: list[str] = []

    def walk(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for target in sorted(GRAPH[module]):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state and (found := walk(target)):
                return found
        path.pop()
        state[module] = 2
        return None

    for module in sorted(GRAPH):
        if module not in state and (found := walk(module)):
            return found
    return None


def test_no_module_imports_a_module_that_imports_it_back():
    cycle = _cycle()
    assert cycle is None, "an import cycle: " + " -> ".join(cycle)


def test_the_walk_sees_imports_inside_functions_and_relative_ones():
    # (A test of the test: if the walk missed these, a cycle through them would pass unseen.)
    assert "vaultlint.fix.fixer" in GRAPH["vaultlint.cli"]  # imported inside a function, relatively
    assert "vaultlint.markdown.note" in GRAPH["vaultlint.engine.run"]
    assert "vaultlint.engine" in GRAPH["vaultlint.api"]  # the package, by `from . import engine` or its modules


def test_no_module_of_vaultlint_imports_a_deprecated_shim():
    assert SHIMS, "the shims of the old module paths are recognised by their docstring"
    wrong = sorted(f"{module} imports {target}" for module in GRAPH if module not in SHIMS
                   for target in GRAPH[module] & SHIMS)
    assert not wrong, "use the new module paths (each shim's docstring names its new module):\n" + "\n".join(wrong)


# The layers under the API: they are what the API, the workspace and the command line are made of,
# so none of them may reach back up to those.
BELOW_THE_API = ("markdown", "vault", "config", "checks", "engine", "fix", "output", "commands", "formats", "rules")
FACES = {"vaultlint.api", "vaultlint.cli", "vaultlint.workspace", "vaultlint.testing"}


def test_no_layer_under_the_api_imports_the_api_or_a_face_over_it():
    wrong = sorted(f"{module} imports {target}" for module in GRAPH
                   if module.split(".")[1:2] and module.split(".")[1] in BELOW_THE_API
                   for target in GRAPH[module] & FACES)
    assert not wrong, "\n".join(wrong)


# The bottom of the house: text to structure (markdown, and formats for the files that are not
# Markdown) and the vault (files, names, links). They know nothing of the config, the rules, the
# engine, fixing or printing, which are all built on them.
BOTTOM = ("markdown", "formats", "vault")


def test_the_bottom_layers_import_only_each_other_and_the_diagnostics():
    allowed = [f"vaultlint.{name}" for name in BOTTOM] + ["vaultlint.diagnostics"]

    def fits(target: str) -> bool:
        return target == "vaultlint" or any(target == a or target.startswith(a + ".") for a in allowed)

    wrong = sorted(f"{module} imports {target}" for module in GRAPH
                   if module.split(".")[1:2] and module.split(".")[1] in BOTTOM
                   for target in GRAPH[module] if not fits(target))
    assert not wrong, "\n".join(wrong)


def _defined(module: str) -> set[str]:
    """The names a module defines at its top level."""
    names = set()
    for node in ast.parse(MODULES[module].read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    return names


@pytest.mark.parametrize("old", sorted(SHIMS))
def test_an_old_module_path_still_gives_every_name_of_the_new_modules(old):
    shim = importlib.import_module(old)
    new = sorted(module for module in GRAPH[old] if MODULES[module].name != "__init__.py")
    assert new, f"{old} names no new module"
    if "sys.modules[__name__]" in MODULES[old].read_text(encoding="utf-8"):
        # It replaced itself: private names, and monkeypatching, reach the new module.
        target = next(module for module in new if importlib.import_module(module) is shim)
        assert shim.__name__ == target
        return
    for module in new:
        missing = sorted(name for name in _defined(module) if not hasattr(shim, name))
        assert not missing, f"{old} lacks {missing} of {module}"
