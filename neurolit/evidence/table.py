"""Writing and reading the evidence table (CSV, the schema in neurolit.evidence.schema). pandas writes it."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from neurolit.errors import InputError
from neurolit.evidence.schema import COLUMNS, SCHEMA_VERSION, row_to_triple, triple_to_row
from neurolit.files import atomic_path
from neurolit.records import Triple

if TYPE_CHECKING:
    import pandas as pd


def write_evidence(triples: Iterable[Triple], path: str | Path) -> int:
    """Write one row per triple (deduplicated by triple_id, highest confidence kept). Returns the row count.

    The file is written to a temporary name and renamed, so a killed process never leaves a half table.
    """
    import pandas as pd

    rows: dict[str, dict[str, object]] = {}
    for triple in triples:
        row = triple_to_row(triple)
        current = rows.get(str(row["triple_id"]))
        if current is None or float(row["confidence"]) > float(current["confidence"]):  # type: ignore[arg-type]
            rows[str(row["triple_id"])] = row
    frame = pd.DataFrame(list(rows.values()), columns=list(COLUMNS))
    frame = frame.sort_values(["pmid", "gene", "variant", "drug", "significance"], kind="stable")
    with atomic_path(Path(path)) as tmp:
        frame.to_csv(tmp, index=False)
    return len(frame)


def read_evidence(path: str | Path) -> list[Triple]:
    """Read an evidence table written by `write_evidence`; rows are validated (InputError names the row)."""
    import pandas as pd

    source = Path(path)
    if not source.is_file():
        raise InputError(f"evidence table {source} does not exist; create it with `neurolit extract`")
    try:
        frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError(f"{source} is not a readable CSV evidence table: {exc}") from exc
    missing = [
        column
        for column in ("pmid", "gene", "variant", "drug", "significance", "direction")
        if column not in frame.columns
    ]
    if missing:
        raise InputError(f"{source} lacks the evidence table column(s) {', '.join(missing)}")
    versions = {value for value in frame.get("schema_version", pd.Series(dtype=str)) if value}
    if versions and versions != {SCHEMA_VERSION}:
        raise InputError(
            f"{source} has schema version(s) {sorted(versions)}; this neurolit reads "
            f"{SCHEMA_VERSION}. Re-run `neurolit extract`."
        )
    return [
        row_to_triple({str(k): v for k, v in row.items()}, where=f"{source} row {index + 2}")
        for index, row in enumerate(frame.to_dict(orient="records"))
    ]


def evidence_frame(triples: Iterable[Triple]) -> pd.DataFrame:
    """The evidence table as a pandas DataFrame (the columns of the CSV, one row per triple)."""
    import pandas as pd

    return pd.DataFrame([triple_to_row(t) for t in triples], columns=list(COLUMNS))
