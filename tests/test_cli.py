"""The CLI is a thin, documented layer: every command has help, and --help is instant (no heavy imports)."""

from __future__ import annotations

import subprocess
import sys

from typer.testing import CliRunner

from neurolit.cli import app

runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.startswith("neurolit ")


def test_help_imports_no_heavy_modules() -> None:
    code = (
        "import sys\n"
        "from neurolit.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = [m for m in ('spacy', 'pandas', 'scispacy', 'dask', 'flask', 'lxml', 'Bio') if m in sys.modules]\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "HEAVY=\n" in out or out.rstrip().endswith("HEAVY="), out
