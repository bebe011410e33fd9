"""Dependencies between the apps point one way.

Every .py file of the project's own apps (migrations and tests left out) is parsed with `ast`;
each import — at module level or inside a function, absolute or relative, or a constant string
given to `import_module()` — adds an edge from its app to the app it names. The test fails,
naming the cycle and the import lines that make it, as soon as two apps reach each other. A
lower app tells the ones above it about a change with a signal (core/signals.py), never by
importing them.

The apps are read from INSTALLED_APPS, so a new app is checked without touching this file.
"""

import ast
from collections import defaultdict
from pathlib import Path

from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SKIPPED_DIRS = {"migrations", "tests"}
# The pages and the outer interfaces: they may import any app, and no app imports them.
TOP = {"api", "demo"}
PAGES = "reports"


def first_party_apps() -> list[str]:
    """The installed apps whose code lives in this repository (not the settings package)."""
    names = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.parent == ROOT.resolve() and "." not in config.name:
            names.append(config.name)
    return sorted(names)


def _modules_imported(tree: ast.AST, module: str, is_package: bool) -> list[tuple[int, str]]:
    """(line, dotted module) of every import in the tree, relative ones resolved."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = module.split(".")
                package = parts if is_package else parts[:-1]
                base = package[: len(package) - (node.level - 1)]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.append((node.lineno, name))
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None)) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and not node.args[0].value.startswith(".")
        ):
            found.append((node.lineno, node.args[0].value))
    return found


def import_graph(app_names) -> dict[str, dict[str, list[str]]]:
    """app -> imported app -> ["path:line imports module", ...]"""
    known = set(app_names)
    graph: dict[str, dict[str, list[str]]] = {app: defaultdict(list) for app in app_names}
    for app in app_names:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if SKIPPED_DIRS & set(relative.parts[:-1]):
                continue
            module = ".".join(relative.with_suffix("").parts)
            is_package = path.name == "__init__.py"
            if is_package:
                module = module.rsplit(".", 1)[0]
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(relative))
            for line, name in _modules_imported(tree, module, is_package):
                target = name.split(".")[0]
                if target in known and target != app:
                    graph[app][target].append(f"{relative}:{line} imports {name}")
    return graph


def find_cycles(graph) -> list[list[str]]:
    """The cycles (closed paths of apps) in the graph: in every strongly connected group of
    apps (Tarjan), the shortest cycle through each of its apps, each cycle once."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, {})):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    cycles = []
    for group in groups:
        for start in group:
            cycle = _cycle_in(graph, set(group), start)
            turn = cycle.index(min(cycle[:-1]))
            cycle = cycle[turn:-1] + cycle[:turn] + [cycle[turn]]
            if cycle not in cycles:
                cycles.append(cycle)
    return cycles


def _cycle_in(graph, group: set[str], start: str) -> list[str]:
    """A shortest closed path from start through the group."""
    paths = [[start]]
    seen = {start}
    while paths:
        path = paths.pop(0)
        for other in sorted(graph[path[-1]]):
            if other == start:
                return [*path, start]
            if other in group and other not in seen:
                seen.add(other)
                paths.append([*path, other])
    raise AssertionError("a strongly connected group always has a cycle")


def describe(graph, cycle: list[str]) -> str:
    lines = [" → ".join(cycle)]
    for a, b in zip(cycle, cycle[1:], strict=False):
        lines.append(f"  {a} → {b}:")
        lines.extend(f"    {where}" for where in graph[a][b][:3])
        if len(graph[a][b]) > 3:
            lines.append(f"    … and {len(graph[a][b]) - 3} more")
    return "\n".join(lines)


# --- the tests --------------------------------------------------------------------------------


def test_every_app_of_the_brief_is_checked():
    expected = {
        "accounts", "api", "core", "demo", "enrolments", "goals", "imports", "interventions",
        "jobs", "participants", "plans", "prestudy", "privacy", "projectbank", "reports",
        "surveys",
    }  # fmt: skip
    assert expected <= set(first_party_apps())


def test_no_cycle_between_apps():
    graph = import_graph(first_party_apps())
    cycles = find_cycles(graph)
    assert not cycles, "Apps that import each other (break it with a signal or a move):\n" + (
        "\n".join(describe(graph, cycle) for cycle in cycles)
    )


def test_the_goals_domain_does_not_import_its_pages():
    graph = import_graph(first_party_apps())
    assert PAGES not in graph["goals"], "\n".join(graph["goals"][PAGES])


def test_the_pages_and_interfaces_are_imported_by_no_app_below_them():
    graph = import_graph(first_party_apps())
    wrong = [
        where
        for app, targets in graph.items()
        if app not in TOP
        for target, lines in targets.items()
        if target in TOP or (target == PAGES and app != PAGES)
        for where in lines
    ]
    assert not wrong, "\n".join(wrong)


def test_the_checker_sees_a_cycle_and_every_kind_of_import(tmp_path, monkeypatch):
    """The checker itself: a made-up pair of apps importing each other at module level, in a
    function and relatively is found, with the lines named."""
    for name, body in {
        "alpha/__init__.py": "",
        "alpha/models.py": "from . import services\n",
        "alpha/services.py": "def f():\n    from beta.models import Thing\n",
        "beta/__init__.py": "",
        "beta/models.py": "import alpha.models\n",
        "beta/migrations/0001_initial.py": "import gamma\n",
        "gamma/__init__.py": "from importlib import import_module\nimport_module('beta.models')\n",
    }.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body)
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    graph = import_graph(["alpha", "beta", "gamma"])
    assert dict(graph["alpha"]) == {"beta": ["alpha/services.py:2 imports beta.models"]}
    assert dict(graph["beta"]) == {"alpha": ["beta/models.py:1 imports alpha.models"]}
    assert dict(graph["gamma"]) == {"beta": ["gamma/__init__.py:2 imports beta.models"]}
    assert find_cycles(graph) == [["alpha", "beta", "alpha"]]
    assert "alpha/services.py:2 imports beta.models" in describe(graph, ["alpha", "beta", "alpha"])
