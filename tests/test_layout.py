"""The package layout: the import rule of DESIGN.md, and a built wheel that carries and finds its data."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "desktop"
FORBIDDEN_IN_CORE = ("PySide6", "shiboken6", "desktop.models", "desktop.ui", "desktop.app")


def imported_modules(path: Path, root: Path = ROOT) -> list[tuple[int, str]]:
    """Every module an import statement in `path` names, absolute, with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            found.extend((node.lineno, f"{module}.{alias.name}") for alias in node.names)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
            "import_module",
            "__import__",
        ):
            found.extend((node.lineno, arg.value) for arg in node.args if isinstance(arg, ast.Constant))
    return found


def violations(folder: Path, forbidden: tuple[str, ...]) -> list[str]:
    out = []
    for path in sorted(folder.rglob("*.py")):
        for line, module in imported_modules(path):
            if any(module == f or module.startswith(f + ".") for f in forbidden):
                out.append(f"{path.relative_to(ROOT)}:{line}: imports {module}")
    return out


def test_the_import_checker_sees_every_form_of_import(tmp_path: Path):
    probe = tmp_path / "desktop" / "core" / "probe.py"
    probe.parent.mkdir(parents=True)
    probe.write_text(
        "import PySide6.QtCore\n"
        "from PySide6 import QtWidgets\n"
        "from ..ui import main_window\n"
        "def later():\n"
        "    import importlib\n"
        "    importlib.import_module('desktop.app')\n"
    )
    modules = {m for _, m in imported_modules(probe, root=tmp_path)}
    assert {"PySide6.QtCore", "PySide6.QtWidgets", "desktop.ui", "desktop.ui.main_window", "desktop.app"} <= modules


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(node: ast.AST, lazy: bool = False) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Every import statement under `node` that runs, and whether it runs only when a function is called.

    An import under `if TYPE_CHECKING:` never runs, so it is not one.
    """
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        yield node, lazy
        return
    if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
        for child in node.orelse:
            yield from _imports(child, lazy)
        return
    inner = lazy or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
    for child in ast.iter_child_nodes(node):
        yield from _imports(child, inner)


def import_graph(package: Path, root: Path = ROOT) -> dict[str, dict[str, bool]]:
    """For each of the package's modules, the package modules it imports: True when at import time."""
    paths = {module_name(p, root): p for p in sorted(package.rglob("*.py"))}
    graph: dict[str, dict[str, bool]] = {}
    for name, path in paths.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        base = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges: dict[str, bool] = {}
        for node, lazy in _imports(tree):
            if isinstance(node, ast.Import):
                named = [alias.name for alias in node.names]
            else:
                module = node.module or ""
                if node.level:
                    up = base.rsplit(".", node.level - 1)[0] if node.level > 1 else base
                    module = f"{up}.{module}" if module else up
                # `from desktop import cli` imports the module desktop.cli
                named = [module, *(f"{module}.{alias.name}" for alias in node.names)]
            for module in named:
                if module in paths and module != name:
                    edges[module] = edges.get(module, False) or not lazy
        graph[name] = edges
    return graph


def import_cycles(graph: dict[str, dict[str, bool]]) -> list[list[str]]:
    """Each import made at import time that leads back to its own module, as the modules along the loop.

    A loop made only of imports inside functions is left alone: the command line opens the
    window that way, and no module waits for another half-imported one. But one import at
    import time in the loop ties the two together for good (app → cli → app).
    """
    cycles: list[list[str]] = []
    for start in sorted(graph):
        for first, eager in sorted(graph[start].items()):
            if not eager:
                continue
            came_from: dict[str, str] = {first: start}
            queue = [first]
            while queue and start not in came_from:
                at = queue.pop(0)
                for nxt in sorted(graph.get(at, {})):
                    if nxt not in came_from:
                        came_from[nxt] = at
                        queue.append(nxt)
            if start in came_from:
                loop = [start]
                while loop[-1] != first:
                    loop.append(came_from[loop[-1]])
                cycles.append([start, *reversed(loop)])
    return cycles


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    package = tmp_path / "desktop"
    package.mkdir(exist_ok=True)
    (package / "__init__.py").write_text("")
    for name, text in files.items():
        (package / name).write_text(text)
    return package


def test_the_cycle_checker_flags_a_loop_with_an_import_at_import_time(tmp_path: Path):
    # Today's shape: app imports cli at the top, cli imports app inside a function.
    package = _package(
        tmp_path,
        {
            "app.py": "from desktop.cli import main\n",
            "cli.py": "def main():\n    from desktop.app import run\n",
        },
    )
    assert import_cycles(import_graph(package, tmp_path)) == [["desktop.app", "desktop.cli", "desktop.app"]]
    (package / "cli.py").write_text("try:\n    from . import app\nexcept ImportError:\n    pass\n")
    assert import_cycles(import_graph(package, tmp_path)) == [
        ["desktop.app", "desktop.cli", "desktop.app"],
        ["desktop.cli", "desktop.app", "desktop.cli"],
    ]


def test_the_cycle_checker_leaves_imports_inside_functions_and_type_checking_alone(tmp_path: Path):
    package = _package(
        tmp_path,
        {
            "app.py": "from desktop.options import parse\ndef later():\n    from desktop import cli\n",
            "options.py": "def parse(): ...\n",
            "cli.py": (
                "import typing\n"
                "from desktop import options\n"
                "if typing.TYPE_CHECKING:\n"
                "    from desktop.app import run\n"
                "def main():\n"
                "    from desktop.app import run\n"
            ),
        },
    )
    graph = import_graph(package, tmp_path)
    assert graph["desktop.cli"] == {"desktop": True, "desktop.options": True, "desktop.app": False}
    assert import_cycles(graph) == []


def test_no_import_cycle_among_the_modules():
    graph = import_graph(PACKAGE)
    assert {"desktop.app", "desktop.cli", "desktop.core.store"} <= set(graph)
    assert import_cycles(graph) == []


def test_core_imports_no_qt_models_ui_or_app():
    files = list((PACKAGE / "core").rglob("*.py"))
    assert len(files) >= 10
    assert violations(PACKAGE / "core", FORBIDDEN_IN_CORE) == []


def test_models_import_no_widgets_ui_or_app():
    if not (PACKAGE / "models").is_dir():
        pytest.skip("desktop/models does not exist yet")
    assert violations(PACKAGE / "models", ("PySide6.QtWidgets", "desktop.ui", "desktop.app")) == []


def test_importing_core_and_the_cli_loads_no_qt(tmp_path: Path):
    code = (
        "import sys, pkgutil, importlib, desktop.core, desktop.cli\n"
        "for m in pkgutil.iter_modules(desktop.core.__path__): importlib.import_module('desktop.core.' + m.name)\n"
        "desktop.cli.main(['search', 'imet'])\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))\n"
        "print(bad)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "[]"


# -- getting started ---------------------------------------------------------------------------


def readme_section(title: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else None]


def test_the_quick_start_installs_into_a_virtual_environment():
    # Systems following PEP 668 refuse a bare `pip install .` outside one.
    quick = readme_section("Quick start")
    assert "python3 -m venv .venv" in quick
    assert ". .venv/bin/activate" in quick
    assert quick.index("python3 -m venv") < quick.index("pip install . && almanac")
    assert "pip install '.[test]' && python -m pytest" in quick


def test_the_quick_start_names_the_x11_libraries_a_minimal_linux_lacks():
    from desktop.display_check import XCB_LIBRARIES

    quick = readme_section("Quick start")
    command = next(line for line in quick.splitlines() if line.startswith("sudo apt install "))
    assert set(command.split()[3:]) == set(XCB_LIBRARIES.values())


def test_git_ignores_the_virtual_environment():
    ignored = {line.strip() for line in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()}
    assert ignored & {".venv/", ".venv", "/.venv/"}


# -- the wheel ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("hatchling", reason="hatchling (the build backend) is not installed")
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--disable-pip-version-check",
         "-q", "-w", str(out), str(ROOT)],
        capture_output=True, text=True, timeout=300, cwd=out,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (built,) = out.glob("sa_almanac-*.whl")
    return built


def files_under(folder: Path) -> list[str]:
    return sorted(
        p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    )


def test_the_wheel_carries_all_the_data(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    required = [
        "vocabulary.yaml",
        "sources.yaml",
        "schema/entity.schema.json",
        "programs/imet.yaml",
        "countries/pakistan.yaml",
    ]
    assert [f for f in required if f"desktop/data/{f}" not in names] == []
    data = files_under(ROOT / "data")
    assert len(data) >= 70
    assert [f for f in data if f"desktop/data/{f}" not in names] == []


def test_the_wheel_carries_the_resources(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    resources = files_under(ROOT / "resources")
    assert [f for f in resources if f"desktop/resources/{f}" not in names] == []
    if resources:
        assert any(n.startswith("desktop/resources/") for n in names)


def test_the_wheel_carries_the_code_and_the_console_script(wheel: Path):
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        entry_points = next(z.read(n).decode() for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert {"desktop/__init__.py", "desktop/__main__.py", "desktop/cli.py", "desktop/core/store.py"} <= names
    assert "almanac = desktop.cli:main_exit" in entry_points
    assert not any(n.startswith("tests/") for n in names)


@pytest.fixture(scope="module")
def unpacked(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(wheel) as z:
        z.extractall(site)
    return site


def run_installed(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(site)
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_the_installed_package_finds_its_data_inside_itself(unpacked: Path, tmp_path: Path):
    code = (
        "import json, desktop\n"
        "from desktop.core.bundle import bundled_data_dir, resources_dir\n"
        "print(json.dumps({'package': desktop.__file__, 'data': str(bundled_data_dir()),"
        " 'resources': str(resources_dir()), 'vocabulary': (bundled_data_dir() / 'vocabulary.yaml').is_file()}))\n"
    )
    proc = run_installed(unpacked, tmp_path, "-c", code)
    assert proc.returncode == 0, proc.stderr
    where = json.loads(proc.stdout)
    assert Path(where["package"]).is_relative_to(unpacked)
    assert Path(where["data"]) == unpacked / "desktop" / "data"
    assert where["vocabulary"] is True
    if files_under(ROOT / "resources"):
        assert Path(where["resources"]) == unpacked / "desktop" / "resources"


def test_the_installed_package_answers_from_any_folder(unpacked: Path, tmp_path: Path):
    proc = run_installed(unpacked, tmp_path, "-m", "desktop", "show", "imet", "--json")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    page = json.loads(proc.stdout)
    assert (page["id"], page["name"]) == ("imet", "International Military Education and Training")
    assert page["facts"]
    proc = run_installed(unpacked, tmp_path, "-m", "desktop", "validate")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == ""
    assert os.listdir(tmp_path) == []
