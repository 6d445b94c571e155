"""Small training corpora in the real formats (PubTator, IOB TSV), written to temporary folders.

The texts are written for these tests (no abstract text from ../shared/data)."""

from __future__ import annotations

from pathlib import Path

TRAIN_DOCS = [
    (
        "1001",
        "ALK F1174L confers resistance to crizotinib in neuroblastoma.",
        "Lorlatinib induced a complete response. EGFR and KRAS were wild type in lung cancer.",
        [
            ("ALK", "GeneOrGeneProduct"),
            ("F1174L", "SequenceVariant"),
            ("crizotinib", "ChemicalEntity"),
            ("neuroblastoma", "DiseaseOrPhenotypicFeature"),
            ("Lorlatinib", "ChemicalEntity"),
            ("EGFR", "GeneOrGeneProduct"),
            ("KRAS", "GeneOrGeneProduct"),
            ("lung cancer", "DiseaseOrPhenotypicFeature"),
            ("mice", "OrganismTaxon"),
        ],
    ),
    (
        "1002",
        "BRAF(V600E) melanoma responds to vemurafenib.",
        "Dabrafenib and trametinib improved survival in mice with melanoma. NRAS Q61K emerged at relapse.",
        [
            ("BRAF", "GeneOrGeneProduct"),
            ("V600E", "SequenceVariant"),
            ("melanoma", "DiseaseOrPhenotypicFeature"),
            ("vemurafenib", "ChemicalEntity"),
            ("Dabrafenib", "ChemicalEntity"),
            ("trametinib", "ChemicalEntity"),
            ("NRAS", "GeneOrGeneProduct"),
            ("Q61K", "SequenceVariant"),
        ],
    ),
    (
        "1003",
        "Osimertinib overcomes EGFR T790M in non-small cell lung cancer.",
        "Gefitinib resistance was common. ROS1 fusions respond to entrectinib.",
        [
            ("Osimertinib", "ChemicalEntity"),
            ("EGFR", "GeneOrGeneProduct"),
            ("T790M", "SequenceVariant"),
            ("non-small cell lung cancer", "DiseaseOrPhenotypicFeature"),
            ("Gefitinib", "ChemicalEntity"),
            ("ROS1", "GeneOrGeneProduct"),
            ("entrectinib", "ChemicalEntity"),
        ],
    ),
]
GENE_DOCS = [
    (
        "2001",
        "TP53 and MDM2 interact in breast cancer cells.",
        "Cisplatin increased CDKN1A expression.",
        [("TP53", "Gene"), ("MDM2", "Gene"), ("CDKN1A", "Gene"), ("p53 family", "FamilyName")],
    ),
    ("1001", "Duplicate of a BioRED document.", "It must be skipped.", []),
]
HELDOUT_DOCS = [
    ("3001", "Held-out abstract about ALK.", "Crizotinib was given. A sentence shared with training.", []),
]


def write_pubtator(path: Path, docs: list[tuple[str, str, str, list[tuple[str, str]]]]) -> Path:
    lines: list[str] = []
    for pmid, title, abstract, mentions in docs:
        text = f"{title}\n{abstract}"
        lines += [f"{pmid}|t|{title}", f"{pmid}|a|{abstract}"]
        cursor: dict[str, int] = {}
        for mention, kind in mentions:
            start = text.find(mention, cursor.get(mention, 0))
            if start < 0:
                continue
            cursor[mention] = start + len(mention)
            lines.append(f"{pmid}\t{start}\t{start + len(mention)}\t{mention}\t{kind}\tID")
        lines.append("")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


REGISTRY = """
labels = ["Gene", "Drug", "Disease", "Variant"]
order = ["mini", "genes", "iob"]

[exclude]
files = ["heldout/Test.PubTator"]

[dev]
files = ["mini/Dev.PubTator"]
corpus = "mini"

[corpus.mini]
format = "pubtator"
files = ["mini/Train.PubTator"]
annotates = ["Gene", "Drug", "Disease", "Variant"]
repeat = 2
licence = "test data"
[corpus.mini.types]
GeneOrGeneProduct = "Gene"
ChemicalEntity = "Drug"
DiseaseOrPhenotypicFeature = "Disease"
SequenceVariant = "Variant"
OrganismTaxon = ""

[corpus.genes]
format = "pubtator"
files = ["genes/Train.PubTator"]
annotates = ["Gene"]
[corpus.genes.types]
Gene = "Gene"
FamilyName = "?"

[corpus.iob]
format = "iob"
files = ["iob/train.tsv"]
annotates = ["Gene", "Drug"]
[corpus.iob.types]
Gene_or_gene_product = "Gene"
Simple_chemical = "Drug"

[candidates]
Gene = ['^(?=.*[A-Z].*[A-Z0-9])[A-Za-z0-9]{2,}$']
Drug = ['(?i)(inib|platin)$']
Disease = ['(?i)(oma|cancer)$']
Variant = ['^[A-Z][0-9]{1,5}[A-Z]$']
"""

IOB = """EGFR\tB-Gene_or_gene_product
inhibition\tO
by\tO
erlotinib\tB-Simple_chemical
in\tO
lung\tB-Organ
cells\tI-Organ
.\tO

Protein\tB-Gene_or_gene_product
kinase\tI-Gene_or_gene_product
C\tI-Gene_or_gene_product
binds\tO
cisplatin\tB-Simple_chemical
.\tO

Held-out\tO
abstract\tO
about\tO
ALK\tB-Gene_or_gene_product
.\tO
"""


def write_mini_corpora(base: Path) -> Path:
    """A corpora folder with a fully annotated corpus, a gene-only corpus, an IOB corpus and a held-out file;
    its registry is base/corpora.toml."""
    root = base / "corpora"
    for sub in ("mini", "genes", "iob", "heldout"):
        (root / sub).mkdir(parents=True)
    write_pubtator(root / "mini/Train.PubTator", TRAIN_DOCS)
    write_pubtator(root / "mini/Dev.PubTator", TRAIN_DOCS[:1])
    write_pubtator(root / "genes/Train.PubTator", GENE_DOCS)
    write_pubtator(root / "heldout/Test.PubTator", HELDOUT_DOCS)
    (root / "iob/train.tsv").write_text(IOB, encoding="utf-8")
    (base / "corpora.toml").write_text(REGISTRY, encoding="utf-8")
    return root
