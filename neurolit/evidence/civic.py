"""CIViC marking: which extracted triples CIViC already holds (never creating or changing a triple).

Reads a CIViC ClinicalEvidenceSummaries TSV (plain or .gz; the nightly download from civicdb.org). Predictive
evidence items are indexed by (gene, variant, drug, significance, direction) in the comparison form of
`neurolit.relations.compare`; a triple is known to CIViC when an item has the same key. Single-variant
molecular profiles ("ALK F1174L", "EML4::ALK Fusion", "EGFR Exon 19 Deletion") are indexed; complex profiles
("A AND B") are indexed under each of their parts. Each therapy of a "Substitutes" item is indexed alone; a
"Combination" item is indexed as the combination.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from neurolit.errors import InputError
from neurolit.records import Triple
from neurolit.relations.compare import normalize_drug, normalize_gene, normalize_variant

_SIGNIFICANCE = {
    "sensitivity/response": "sensitivity",
    "sensitivity": "sensitivity",
    "resistance": "resistance",
    "reduced sensitivity": "reduced_sensitivity",
    "adverse response": "adverse_response",
}
_DIRECTION = {"supports": "supports", "does not support": "does_not_support"}
_REQUIRED = (
    "molecular_profile",
    "therapies",
    "evidence_type",
    "significance",
    "evidence_direction",
    "evidence_id",
)

CivicKey = tuple[str, str, str, str, str]


@dataclass(frozen=True)
class CivicIndex:
    """Predictive CIViC evidence IDs by comparison key."""

    items: dict[CivicKey, tuple[str, ...]]
    source: str

    def __len__(self) -> int:
        return len(self.items)

    def lookup(self, triple: Triple) -> tuple[str, ...]:
        return self.items.get(triple_key(triple), ())


def triple_key(triple: Triple) -> CivicKey:
    return (
        normalize_gene(triple.gene),
        normalize_variant(triple.variant),
        normalize_drug(triple.drug),
        triple.significance,
        triple.direction,
    )


def _profile_parts(profile: str) -> Iterator[tuple[str, str]]:
    """(gene, variant) for each simple part of a molecular profile."""
    for part in re.split(r"\s+(?:AND|OR)\s+|^NOT\s+", profile.strip()):
        part = part.strip().strip("()")
        if not part:
            continue
        head, _, rest = part.partition(" ")
        if "::" in head:  # EML4::ALK Fusion, v::NTRK3 Fusion: the 3' partner is the targeted kinase
            partners = [p for p in head.split("::") if p and p.lower() != "v"]
            gene = partners[-1] if partners else head
            yield gene, f"{head} {rest}".strip() if rest else "fusion"
            continue
        yield head, rest or "mutation"


def load_civic(path: str | Path) -> CivicIndex:
    """Index a CIViC ClinicalEvidenceSummaries TSV. Raises InputError naming what is wrong."""
    source = Path(path)
    if not source.is_file():
        raise InputError(
            f"CIViC file {source} does not exist; download nightly-ClinicalEvidenceSummaries.tsv "
            "from civicdb.org/downloads and pass its path with --civic"
        )
    raw = source.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise InputError(f"{source} is a damaged gzip file: {exc}") from exc
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8", errors="replace")), delimiter="\t")
    missing = [c for c in _REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(
            f"{source} is not a CIViC ClinicalEvidenceSummaries TSV (missing column(s) {', '.join(missing)})"
        )
    items: dict[CivicKey, list[str]] = {}
    for row in reader:
        if row["evidence_type"].strip().lower() != "predictive":
            continue
        significance = _SIGNIFICANCE.get(row["significance"].strip().lower())
        direction = _DIRECTION.get(row["evidence_direction"].strip().lower())
        if significance is None or direction is None:
            continue
        therapies = [t.strip() for t in row["therapies"].split(",") if t.strip()]
        if not therapies:
            continue
        if row.get("therapy_interaction_type", "").strip().lower() == "combination":
            drugs = [" + ".join(therapies)]
        else:
            drugs = therapies
        for gene, variant in _profile_parts(row["molecular_profile"]):
            for drug in drugs:
                key = (
                    normalize_gene(gene),
                    normalize_variant(variant),
                    normalize_drug(drug),
                    significance,
                    direction,
                )
                items.setdefault(key, []).append(row["evidence_id"].strip())
    return CivicIndex({k: tuple(dict.fromkeys(v)) for k, v in items.items()}, str(source))


def mark_civic(triples: Iterable[Triple], index: CivicIndex) -> Iterator[Triple]:
    """The same triples with known_in_civic and civic_evidence_ids set; nothing else changes."""
    for triple in triples:
        ids = index.lookup(triple)
        yield replace(triple, known_in_civic=bool(ids), civic_evidence_ids=ids)
