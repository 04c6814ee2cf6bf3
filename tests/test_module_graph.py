"""The house's import rules (#20 item 5), read from the source: no import cycles between our
modules (function-level imports count), models load without the training package, and
evaluation and export use run folders without importing training."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# import name -> folder, as setup.cfg's package_dir maps them
PACKAGES = {"keras_fer": ROOT / "keras_fer", "keras_fer.export": ROOT / "export", "keras_fer.edge": ROOT / "edge"}


def _modules() -> dict[str, Path]:
    found = {}
    for prefix, folder in PACKAGES.items():
        for path in folder.rglob("*.py"):
            parts = [p for p in path.relative_to(folder).with_suffix("").parts if p != "__init__"]
            found[".".join([prefix, *parts])] = path
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()

    def owner(name: str):
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                targets.update(owner(a.name) for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(anchor + ([node.module] if node.module else []))
                targets.update(owner(f"{base}.{a.name}") for a in node.names)
        # a module importing its own package's __init__ (or a parent's) is not an edge of interest
        graph[name] = {t for t in targets if t and t != name and not name.startswith(t + ".")}
    return graph


def _cycles(graph) -> list[list[str]]:
    index, low, stack, on_stack, out = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return out


def test_the_graph_sees_our_modules():
    graph = _graph()
    assert (
        "keras_fer.training.trainer" in graph
        and "keras_fer.export.exporter" in graph
        and "keras_fer.edge.runner" in graph
    )
    assert "keras_fer.training.cross_validation" in graph["keras_fer.training.trainer"]


def test_no_import_cycles():
    assert _cycles(_graph()) == []


def test_models_evaluation_and_export_do_not_import_training():
    graph = _graph()
    offenders = {
        name: sorted(t for t in targets if t.startswith("keras_fer.training"))
        for name, targets in graph.items()
        if name.startswith(
            ("keras_fer.models", "keras_fer.evaluation", "keras_fer.export", "keras_fer.edge", "keras_fer.io")
        )
    }
    assert {k: v for k, v in offenders.items() if v} == {}


# The edge runtime takes nothing from the rest of keras_fer (what both worlds share, the
# atomic writes, the detector files' cache and the usage error, is the edge's): anything
# more would drag the training world onto a device.
EDGE_MAY_IMPORT: set[str] = set()


def test_edge_imports_nothing_of_keras_fer_beyond_what_it_may():
    graph = _graph()
    reached = {
        target
        for name, targets in graph.items()
        if name.startswith("keras_fer.edge")
        for target in targets
        if target.startswith("keras_fer") and not target.startswith("keras_fer.edge")
    }
    assert reached <= EDGE_MAY_IMPORT, sorted(reached - EDGE_MAY_IMPORT)


def test_the_cli_parses_every_command_without_tensorflow():
    """`keras-fer --help` and argument errors answer at once on a device without TensorFlow."""
    from tests.conftest import run_python

    result = run_python(
        """
        import sys
        from keras_fer.cli import build_parser
        parser = build_parser()
        for argv in (["run", "--source", "0"], ["predict", "--source", "x.png"], ["bench"], ["train"],
                     ["export", "--run", "r"], ["evaluate", "--run", "r"], ["explain", "--run", "r", "--image", "a"],
                     ["data", "synth", "--out", "o"], ["doctor"], ["models", "fetch"]):
            parser.parse_args(argv)
        heavy = sorted(m for m in ("tensorflow", "keras") if m in sys.modules)
        print("heavy:", heavy)
        """
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "heavy: []" in result.stdout


def test_the_cli_is_one_module_per_command_and_never_imports_tensorflow():
    """Each command registers its parser and runs through the library; TensorFlow and Keras stay
    in the library (a command that needs them reaches them through a library call)."""
    from keras_fer.cli import app

    for command in app.COMMANDS:
        assert callable(command.register) and callable(command.run), command.__name__
    folder = ROOT / "keras_fer" / "cli"
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            assert not [n for n in names if n.split(".")[0] in ("tensorflow", "keras")], (path.name, names)


def test_the_architecture_page_places_every_edge_module_by_role():
    """edge/ is flat; docs/architecture.md's role map is how a newcomer finds a module in it."""
    import re

    page = (ROOT / "docs" / "architecture.md").read_text()
    section = page.split("### The device runtime by role", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"[a-z_]+", section))
    modules = {p.stem for p in (ROOT / "edge").glob("*.py")} - {"__init__"}
    assert modules - named == set()
