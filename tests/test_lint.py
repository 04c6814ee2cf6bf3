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
