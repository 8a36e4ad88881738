"""press needs nothing from registrations (the shared token helpers are in `colloque.tokens`),
and no module of press or colloque is part of an import circle, whether it imports at the
top of the module or inside a function."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("colloque", "press", "registrations", "program")


def _modules() -> dict[str, Path]:
    modules = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts or "settings" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def _imports(name: str, path: Path, modules) -> set[str]:
    """The project's modules that `name` imports (a package stands for its __init__)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def _graph():
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def test_press_imports_nothing_from_registrations():
    graph = _graph()
    assert {(module, imported) for module, imports in graph.items() if module.startswith("press")
            for imported in imports if imported.startswith("registrations")} == set()


def test_no_module_of_press_or_colloque_is_in_an_import_circle():
    graph = _graph()

    def reaches(start, target, seen):
        for module in graph[start]:
            if module == target:
                return True
            if module not in seen:
                seen.add(module)
                if reaches(module, target, seen):
                    return True
        return False

    assert [module for module in graph if module.split(".")[0] in ("press", "colloque")
            and reaches(module, module, set())] == []
