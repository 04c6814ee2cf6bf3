"""The house style is checked, not hoped for: `ruff check` (pyproject.toml's rules, line length
120) and `ruff format --check` pass on the whole repository."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _ruff() -> str:
    found = shutil.which("ruff", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail("ruff is not installed: it is in the dev extra (pip install -e '.[dev]')")
    return found


@pytest.mark.parametrize("command", [["check", "."], ["format", "--check", "."]], ids=["check", "format"])
def test_ruff_is_clean(command):
    result = subprocess.run([_ruff(), *command], cwd=ROOT, capture_output=True, text=True, check=False)
    shown = " ".join(command)
    assert result.returncode == 0, f"ruff {shown} found problems (run it to see and fix them):\n{result.stdout[-3000:]}"


def test_every_python_file_compiles_on_this_python():
    """ruff parses newer syntax than the oldest Python we support (a line break inside an
    f-string's braces is fine for ruff and 3.12, a SyntaxError on 3.11), so compile all."""
    files = subprocess.run(
        ["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    bad = []
    for name in files:
        try:
            compile((ROOT / name).read_text(), name, "exec")
        except SyntaxError as exc:
            bad.append(f"{name}:{exc.lineno}: {exc.msg}")
    assert files and not bad, bad


def test_no_library_function_runs_over_60_lines_without_its_reason():
    """The house style: a function that long is asking to be several, unless the comment above it
    says why not (it starts ``# Over 60 lines``). Docstrings do not count."""
    import ast

    unexplained = []
    for folder in ("keras_fer", "edge", "export"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            lines = path.read_text().splitlines()
            for node in ast.walk(ast.parse("\n".join(lines))):
                if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                first = node.body[0]
                docstring = isinstance(first, ast.Expr) and isinstance(getattr(first, "value", None), ast.Constant)
                length = node.end_lineno - node.lineno + 1 - ((first.end_lineno - first.lineno + 1) if docstring else 0)
                start = min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1
                above = start - 1
                while above >= 0 and lines[above].lstrip().startswith("#"):
                    above -= 1
                reason = " ".join(line.strip() for line in lines[above + 1 : start])
                if length > 60 and not reason.startswith("# Over 60 lines"):
                    unexplained.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({length} lines)")
    assert unexplained == []
