"""Build neurolit/resources/variant_hotspots.tsv: which gene a named variant belongs to, from CIViC.

CIViC's ClinicalEvidenceSummaries (CC0) name each molecular profile "GENE VARIANT" ("ALK F1174L", "EGFR Exon 19
Deletion"). We normalize the variant part with neurolit's own grammar and keep, for each normalized variant, the
genes CIViC attaches it to with their evidence counts. `link_variants` uses the table only to attach an
otherwise unlinked variant (``T790M`` with EGFR named elsewhere in the abstract) to a gene the text mentions.

Usage: python scripts/build_variant_hotspots.py [--civic ../shared/data/civic/...tsv.gz] [--out FILE]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import re
from collections import Counter, defaultdict
from pathlib import Path

from neurolit.ner.variants import find_variants

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CIVIC = (
    ROOT.parent
    / "shared"
    / "data"
    / "civic"
    / "civic_ClinicalEvidenceSummaries_nightly_accepted_2026-05.tsv.gz"
)
DEFAULT_OUT = ROOT / "neurolit" / "resources" / "variant_hotspots.tsv"
_PROFILE = re.compile(r"^([A-Z][A-Z0-9-]{1,15})\s+(.+)$")
_KEPT = frozenset({"substitution", "nonsense", "frameshift", "indel", "exon", "dna_change"})


def build(civic: Path) -> dict[str, Counter[str]]:
    genes_by_variant: dict[str, Counter[str]] = defaultdict(Counter)
    with gzip.open(civic, "rb") as raw:
        reader = csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8"), delimiter="\t")
        for row in reader:
            for part in re.split(r"\s+(?:AND|OR)\s+", row["molecular_profile"]):
                m = _PROFILE.match(part.strip())
                if not m:
                    continue
                gene, variant = m.group(1), m.group(2)
                found = [v for v in find_variants(variant) if v.variant_type in _KEPT and not v.requires_gene]
                if len(found) == 1 and found[0].text.strip() == variant.split(" (")[0].strip():
                    genes_by_variant[found[0].normalized][gene] += 1
                elif variant.lower().startswith("exon"):
                    exon = [v for v in found if v.variant_type == "exon"]
                    if len(exon) == 1:
                        genes_by_variant[exon[0].normalized][gene] += 1
    return genes_by_variant


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--civic", type=Path, default=DEFAULT_CIVIC)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    table = build(args.civic)
    with args.out.open("w", encoding="utf-8", newline="") as out:
        out.write(
            "# normalized\tgene\tcivic_evidence_items  (built by scripts/build_variant_hotspots.py from CIViC, CC0)\n"
        )
        for normalized in sorted(table):
            for gene, count in table[normalized].most_common():
                out.write(f"{normalized}\t{gene}\t{count}\n")
    print(f"{args.out}: {sum(len(g) for g in table.values())} rows for {len(table)} variants")


if __name__ == "__main__":
    main()
