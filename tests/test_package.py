"""The package's frame: light top-level import, TF-free edge and synthetic data, the CLI."""

import ast
from pathlib import Path

from tests.conftest import run_cli, run_python

ROOT = Path(__file__).resolve().parents[1]


def test_top_level_init_imports_no_tensorflow():
    tree = ast.parse((ROOT / "keras_fer" / "__init__.py").read_text())
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in getattr(node, "names", [])
    }
    imported |= {
        node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }
    assert not imported & {"tensorflow", "keras"}


def test_edge_and_synthetic_work_with_tensorflow_blocked(tmp_path):
    result = run_python(
        f"""
        import keras_fer.edge, keras_fer.edge.blazeface, keras_fer.data.synthetic
        from keras_fer.data.synthetic import render_dataset
        info = render_dataset("fer2013", {str(tmp_path / "d")!r}, num=20, progress=False, workers=1)
        assert "tensorflow" not in sys.modules and "keras" not in sys.modules
        try:
            import tensorflow
        except ImportError:
            print("blocked", info["num"])
        """,
        block_tensorflow=True,
    )
    assert result.returncode == 0, result.stderr
    assert "blocked 20" in result.stdout


def test_export_and_edge_are_installed_under_the_keras_fer_namespace(tmp_path):
    result = run_python("import keras_fer.edge as e, keras_fer.export as x; print(e.__file__); print(x.__file__)")
    assert result.returncode == 0, result.stderr
    edge_file, export_file = result.stdout.split()
    assert Path(edge_file).parent.name == "edge" and Path(export_file).parent.name == "export"
    assert run_python("import edge", cwd=tmp_path).returncode != 0, (
        "a generic top-level 'edge' module must not be installed"
    )


def test_cli_help_and_version():
    for args in (["--help"], ["data", "synth", "--help"], ["models", "fetch", "--help"], ["doctor", "--help"]):
        result = run_cli(*args)
        assert result.returncode == 0, (args, result.stderr)
        assert "usage: keras-fer" in result.stdout
    assert "keras-fer 0." in run_cli("--version").stdout


def test_cli_usage_errors_exit_2_with_one_line():
    result = run_cli("data", "synth", "--preset", "fer2014", "--out", "/tmp/never-written-keras-fer")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "fer2014" in lines[0] and "fer2013" in lines[0]
    assert run_cli("nonsense").returncode == 2


def test_setup_cfg_lists_every_package_folder():
    import configparser

    parser = configparser.ConfigParser()
    parser.read(ROOT / "setup.cfg")
    listed = set(parser["options"]["packages"].split())
    mapped = {"keras_fer": ROOT / "keras_fer", "keras_fer.export": ROOT / "export", "keras_fer.edge": ROOT / "edge"}
    on_disk = set()
    for name, folder in mapped.items():
        for init in folder.rglob("__init__.py"):
            rel = init.parent.relative_to(folder).parts
            dotted = ".".join((name,) + rel)
            if not any(
                dotted.startswith(other + ".") or dotted == other
                for other in mapped
                if other != name and other.startswith(name + ".")
            ):
                on_disk.add(dotted)
    on_disk.add("keras_fer.configs")  # data only: the YAML experiment files
    assert listed == on_disk, (
        f"setup.cfg packages differ from the package folders: missing {sorted(on_disk - listed)}, extra "
        f"{sorted(listed - on_disk)}"
    )
