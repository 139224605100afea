"""The package layout: the import rule of DESIGN.md, and a built wheel that carries and finds its data."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import zipfile
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
