"""The core must stay usable without Qt: importing it must not load PySide6."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import msp_desk

ROOT = Path(__file__).resolve().parents[2]


def _contract_sources() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contract = config["tool"]["importlinter"]["contracts"][0]
    return set(contract["source_modules"])


def _top_level_packages() -> set[str]:
    return {f"msp_desk.{info.name}" for info in pkgutil.iter_modules(msp_desk.__path__) if info.ispkg}


CORE_PACKAGES = tuple(name.split(".")[1] for name in _top_level_packages() - {"msp_desk.ui"})


def test_every_package_but_ui_is_under_the_no_qt_contract() -> None:
    assert _contract_sources() == _top_level_packages() - {"msp_desk.ui"}


def _core_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(msp_desk.__path__, "msp_desk."):
        top = info.name.split(".")[1]
        # A package's __main__ runs its program when imported; it is not a library module.
        if top in CORE_PACKAGES and not info.name.endswith(".__main__"):
            names.append(info.name)
    return names


def test_core_modules_import_without_qt() -> None:
    modules = _core_modules()
    assert "msp_desk.core.redaction" in modules
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'msp_desk.ui'))))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_import_linter_contracts_hold() -> None:
    lint_imports = [
        sys.executable,
        "-c",
        "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())",
    ]
    result = subprocess.run(lint_imports, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(_contracts())} kept, 0 broken" in result.stdout


def _contracts() -> list[dict[str, object]]:
    contracts: list[dict[str, object]] = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"][
        "importlinter"
    ]["contracts"]
    return contracts


UI_SHARED = {"msp_desk.ui.shell", "msp_desk.ui.services", "msp_desk.ui.widgets"}


def _screens() -> set[str]:
    import msp_desk.ui

    found = {f"msp_desk.ui.{info.name}" for info in pkgutil.iter_modules(msp_desk.ui.__path__) if info.ispkg}
    return found - UI_SHARED


def test_every_screen_is_in_the_screen_contracts() -> None:
    """A new screen package must be independent of the others and sit between shell and widgets."""
    screens = _screens()
    assert {"msp_desk.ui.orders", "msp_desk.ui.profiles"} <= screens
    independence = next(c for c in _contracts() if c["type"] == "independence")
    assert set(independence["modules"]) == screens  # type: ignore[arg-type]
    layers = next(c for c in _contracts() if c["type"] == "layers")["layers"]
    assert layers[0] == "msp_desk.ui.shell"  # type: ignore[index]
    assert {name.strip() for name in layers[1].split("|")} == screens  # type: ignore[index]
    assert layers[2:] == ["msp_desk.ui.widgets", "msp_desk.ui.services"]  # type: ignore[index]
