"""The evidence walkthrough notebook runs top to bottom on the demo corpus (nbclient, kernel python3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT

NOTEBOOK = PROJECT_ROOT / "notebooks" / "evidence_walkthrough.ipynb"


@pytest.mark.slow
def test_evidence_walkthrough_executes(neurolit_home: Path, tmp_path: Path) -> None:
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    assert "import neurolit" in code
    assert "def " not in code and "class " not in code, "the notebook defines no logic of its own"
    NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    outputs = [out for cell in notebook.cells if cell.cell_type == "code" for out in cell.get("outputs", [])]
    assert not [out for out in outputs if out.get("output_type") == "error"]
    text = "".join(
        str(out.get("text", "")) + str(out.get("data", {}).get("text/plain", "")) for out in outputs
    )
    assert "5 rows" in text and "lorlatinib" in text
    images = [out for out in outputs if "image/png" in out.get("data", {})]
    assert len(images) == 2
