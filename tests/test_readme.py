"""The README stays true: every command of the CLI is documented there with an example."""

from __future__ import annotations

from typing import Any

import typer.main

from neurolit.cli import app
from tests.conftest import PROJECT_ROOT


def _command_paths(command: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = [prefix] if prefix else []
    for name, sub in getattr(command, "commands", {}).items():
        if not sub.hidden:
            paths.extend(_command_paths(sub, (*prefix, name)))
    return paths


def test_every_command_has_an_example_in_the_readme() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    paths = _command_paths(typer.main.get_command(app))
    assert ("fetch",) in paths and ("eval", "relations") in paths
    missing = [" ".join(path) for path in paths if f"neurolit {' '.join(path)}" not in readme]
    assert not missing, f"commands without an example in README.md: {missing}"


def test_readme_names_the_two_setup_commands_and_ci_runs_the_test_one() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert "bash scripts/demo.sh" in readme
    assert "bash scripts/test.sh" in readme
    assert "scripts/test.sh" in (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8")
