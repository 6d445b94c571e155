"""The collated view (`neurolit extract --collate`): one row per gene–variant–drug–significance.

Each row counts the distinct PMIDs whose triples support the association and those that do not support it,
lists them, and keeps the best confidence, the CIViC marks and the triple_ids it gathers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from neurolit.evidence.schema import SCHEMA_VERSION, triple_id
from neurolit.files import atomic_path
from neurolit.records import Triple

if TYPE_CHECKING:
    import pandas as pd

COLLATED_COLUMNS: tuple[str, ...] = (
    "gene",
    "variant",
    "drug",
    "significance",
    "supporting_pmids",
    "not_supporting_pmids",
    "n_supporting",
    "n_not_supporting",
    "max_confidence",
    "responses",
    "known_in_civic",
    "civic_evidence_ids",
    "triple_ids",
    "schema_version",
)


@dataclass
class _Group:
    supporting: set[str] = field(default_factory=set)
    not_supporting: set[str] = field(default_factory=set)
    confidence: float = 0.0
    responses: set[str] = field(default_factory=set)
    civic: set[str] = field(default_factory=set)
    known: bool = False
    ids: set[str] = field(default_factory=set)


def collate(triples: Iterable[Triple]) -> list[dict[str, Any]]:
    """Collated rows, most supported first."""
    groups: dict[tuple[str, str, str, str], _Group] = {}
    for triple in triples:
        key = (triple.gene.upper(), triple.variant, triple.drug.lower(), triple.significance)
        group = groups.setdefault(key, _Group())
        (group.supporting if triple.direction == "supports" else group.not_supporting).add(triple.pmid)
        group.confidence = max(group.confidence, float(triple.confidence))
        if triple.response:
            group.responses.add(triple.response)
        group.civic.update(triple.civic_evidence_ids)
        group.known = group.known or triple.known_in_civic
        group.ids.add(triple_id(triple))
    rows: list[dict[str, Any]] = []
    for (gene, variant, drug, significance), group in groups.items():
        rows.append(
            {
                "gene": gene,
                "variant": variant,
                "drug": drug,
                "significance": significance,
                "supporting_pmids": ";".join(sorted(group.supporting)),
                "not_supporting_pmids": ";".join(sorted(group.not_supporting)),
                "n_supporting": len(group.supporting),
                "n_not_supporting": len(group.not_supporting),
                "max_confidence": round(group.confidence, 4),
                "responses": ";".join(sorted(group.responses)),
                "known_in_civic": group.known,
                "civic_evidence_ids": ";".join(sorted(group.civic, key=lambda x: (len(x), x))),
                "triple_ids": ";".join(sorted(group.ids)),
                "schema_version": SCHEMA_VERSION,
            }
        )
    rows.sort(
        key=lambda r: (
            -r["n_supporting"],
            r["n_not_supporting"],
            r["gene"],
            r["variant"],
            r["drug"],
            r["significance"],
        )
    )
    return rows


def collated_frame(triples: Iterable[Triple]) -> pd.DataFrame:
    """The collated view as a pandas DataFrame."""
    import pandas as pd

    return pd.DataFrame(collate(triples), columns=list(COLLATED_COLUMNS))


def write_collated(triples: Iterable[Triple], path: str | Path) -> int:
    """Write the collated view as CSV (atomically). Returns the row count."""
    frame = collated_frame(triples)
    with atomic_path(Path(path)) as tmp:
        frame.to_csv(tmp, index=False)
    return len(frame)
