"""NER evaluation against PubTator gold corpora: strict and overlapping span P/R/F1 per type, gene normalization.

Gold types are mapped to ours per corpus; only the types a corpus annotates are scored, and only the predictions
that corpus could have annotated (e.g. sequence-level variants for tmVar3/BioRED, no drug classes for chemical
corpora).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from neurolit.errors import InputError
from neurolit.formats.pubtator import PubTatorDocument, read_pubtator
from neurolit.metrics import Counts
from neurolit.records import AnnotatedDocument, Mention

CORPUS_TYPES: dict[str, dict[str, str]] = {
    "biored": {
        "GeneOrGeneProduct": "Gene",
        "ChemicalEntity": "Drug",
        "DiseaseOrPhenotypicFeature": "Disease",
        "SequenceVariant": "Variant",
    },
    "tmvar3": {
        "DNAMutation": "Variant",
        "ProteinMutation": "Variant",
        "SNP": "Variant",
        "DNAAllele": "Variant",
        "ProteinAllele": "Variant",
        "AcidChange": "Variant",
        "OtherMutation": "Variant",
        "Gene": "Gene",
        "Disease": "Disease",
    },
    "bc5cdr": {"Chemical": "Drug", "Disease": "Disease"},
    "nlm-gene": {"Gene": "Gene", "FamilyName": "Gene"},
    "gnormplus": {"Gene": "Gene", "FamilyName": "Gene", "DomainMotif": "Gene"},
    "ncbi-disease": {
        "SpecificDisease": "Disease",
        "DiseaseClass": "Disease",
        "Modifier": "Disease",
        "CompositeMention": "Disease",
    },
}
_FILE_HINTS = (
    ("biored", "biored"),
    ("tmvar", "tmvar3"),
    ("cdr", "bc5cdr"),
    ("nlmgene", "nlm-gene"),
    ("nlm-gene", "nlm-gene"),
    ("gnormplus", "gnormplus"),
    ("ncbidisease", "ncbi-disease"),
    ("ncbi-disease", "ncbi-disease"),
)
# Variant types a sequence-variant corpus annotates (gene-level events such as amplification are not).
SEQUENCE_VARIANT_TYPES = frozenset({"substitution", "dna_change", "snp", "indel", "frameshift", "nonsense"})


def detect_corpus_type(path: Path) -> str:
    name = re.sub(r"[_\s]", "", path.name.lower())
    full = str(path).lower()
    for hint, corpus in _FILE_HINTS:
        if hint in name or hint in full:
            return corpus
    raise InputError(f"cannot tell the corpus type of {path}; pass --corpus-type ({'|'.join(CORPUS_TYPES)})")


@dataclass
class NerReport:
    corpus_type: str
    documents: int = 0
    strict: dict[str, Counts] = field(default_factory=dict)
    overlap: dict[str, Counts] = field(default_factory=dict)
    gene_norm_matched: int = 0
    gene_norm_correct: int = 0
    human_norm_matched: int = 0
    human_norm_correct: int = 0
    gene_ids: Counts = field(default_factory=Counts)
    errors: list[str] = field(default_factory=list)

    @property
    def gene_norm_accuracy(self) -> float:
        return self.gene_norm_correct / self.gene_norm_matched if self.gene_norm_matched else 0.0

    @property
    def human_gene_norm_accuracy(self) -> float:
        return self.human_norm_correct / self.human_norm_matched if self.human_norm_matched else 0.0

    def rows(self) -> Iterator[tuple[str, str, Counts]]:
        for label in sorted(self.strict):
            yield label, "strict", self.strict[label]
            yield label, "overlap", self.overlap[label]


Span = tuple[int, int]


def _scored_prediction(m: Mention, corpus_type: str) -> bool:
    if m.label == "Drug" and m.is_class:
        return False
    return not (
        m.label == "Variant"
        and corpus_type in ("tmvar3", "biored")
        and m.variant_type not in SEQUENCE_VARIANT_TYPES
    )


def _gold_ids(identifier: str) -> set[str]:
    return {i.strip() for i in re.split(r"[,;|]", identifier) if i.strip().isdigit()}


def score_document(
    gold: PubTatorDocument,
    predicted: AnnotatedDocument,
    report: NerReport,
    *,
    errors: bool = False,
    human_ids: frozenset[str] = frozenset(),
) -> None:
    mapping = CORPUS_TYPES[report.corpus_type]
    labels = set(mapping.values())
    text = gold.text
    gold_spans: dict[str, set[Span]] = {label: set() for label in labels}
    gold_gene_ids: dict[Span, set[str]] = {}
    for ann in gold.annotations:
        label = mapping.get(ann.type)
        if label is None:
            continue
        gold_spans[label].add((ann.start, ann.end))
        if label == "Gene" and _gold_ids(ann.identifier):
            gold_gene_ids[(ann.start, ann.end)] = _gold_ids(ann.identifier)
    pred_spans: dict[str, set[Span]] = {label: set() for label in labels}
    pred_gene_ids: dict[Span, str] = {}
    for m in predicted.mentions:
        if m.label in labels and _scored_prediction(m, report.corpus_type):
            pred_spans[m.label].add((m.start, m.end))
            if m.label == "Gene":
                pred_gene_ids.setdefault((m.start, m.end), m.norm_id)
    report.documents += 1
    for label in labels:
        g, p = gold_spans[label], pred_spans[label]
        strict = report.strict.setdefault(label, Counts())
        strict.tp += len(g & p)
        strict.fp += len(p - g)
        strict.fn += len(g - p)
        overlap = report.overlap.setdefault(label, Counts())
        overlap.tp += sum(1 for s in g if any(s[0] < e and b < s[1] for b, e in p))
        overlap.fn += sum(1 for s in g if not any(s[0] < e and b < s[1] for b, e in p))
        overlap.fp += sum(1 for s in p if not any(s[0] < e and b < s[1] for b, e in g))
        if errors:
            for s in sorted(g - p):
                report.errors.append(f"{gold.pmid}\tFN\t{label}\t{s[0]}\t{s[1]}\t{text[s[0] : s[1]]}")
            for s in sorted(p - g):
                report.errors.append(f"{gold.pmid}\tFP\t{label}\t{s[0]}\t{s[1]}\t{text[s[0] : s[1]]}")
    if "Gene" in labels:
        for span, ids in gold_gene_ids.items():
            if span in pred_gene_ids:
                report.gene_norm_matched += 1
                human = bool(ids & human_ids)
                report.human_norm_matched += human
                if pred_gene_ids[span] in ids:
                    report.gene_norm_correct += 1
                    report.human_norm_correct += human
                elif errors:
                    report.errors.append(
                        f"{gold.pmid}\tNORM\tGene\t{span[0]}\t{span[1]}\t"
                        f"{text[span[0] : span[1]]}\tgold={','.join(sorted(ids))}"
                        f"\tpredicted={pred_gene_ids[span]}"
                    )
        gold_doc_ids = set().union(*gold_gene_ids.values()) if gold_gene_ids else set()
        pred_doc_ids = {i for i in pred_gene_ids.values() if i.isdigit()}
        report.gene_ids.tp += len(gold_doc_ids & pred_doc_ids)
        report.gene_ids.fp += len(pred_doc_ids - gold_doc_ids)
        report.gene_ids.fn += len(gold_doc_ids - pred_doc_ids)


def _human_gene_ids() -> frozenset[str]:
    from neurolit.ner.lexicon import read_entries

    # HGNC rows only: names learned from training corpora also carry mouse/rat/yeast IDs
    return frozenset(e.norm_id for group in read_entries("Gene").values() for e in group if e.hgnc_id)


def evaluate_ner(
    gold_path: Path,
    annotated: Iterable[AnnotatedDocument] | None = None,
    *,
    corpus_type: str | None = None,
    errors: bool = False,
    use_model: bool = True,
    limit: int | None = None,
) -> NerReport:
    """Annotate the gold file's texts (or score given annotations) and compare with its annotations."""
    kind = corpus_type or detect_corpus_type(gold_path)
    if kind not in CORPUS_TYPES:
        raise InputError(f"unknown corpus type {kind!r}; use one of {', '.join(CORPUS_TYPES)}")
    gold_docs = list(read_pubtator(gold_path))[:limit]
    if annotated is None:
        from neurolit.ner.annotate import annotate_documents

        annotated = annotate_documents((d.to_article() for d in gold_docs), use_model=use_model)
    report = NerReport(corpus_type=kind)
    human = _human_gene_ids() if "Gene" in CORPUS_TYPES[kind].values() else frozenset()
    by_pmid = {d.pmid: d for d in gold_docs}
    for doc in annotated:
        gold = by_pmid.get(doc.pmid)
        if gold is not None:
            score_document(gold, doc, report, errors=errors, human_ids=human)
    return report


def format_report(report: NerReport) -> str:
    lines = [
        f"corpus type: {report.corpus_type}   documents: {report.documents}",
        f"{'type':<8} {'match':<8} {'P':>6} {'R':>6} {'F1':>6} {'TP':>6} {'FP':>6} {'FN':>6}",
    ]
    for label, mode, c in report.rows():
        lines.append(
            f"{label:<8} {mode:<8} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f} "
            f"{c.tp:6d} {c.fp:6d} {c.fn:6d}"
        )
    if "Gene" in report.strict:
        lines.append(
            f"gene normalization: {report.gene_norm_accuracy:.3f} of {report.gene_norm_matched} "
            f"strictly matched gold genes with NCBI IDs; human genes: "
            f"{report.human_gene_norm_accuracy:.3f} of {report.human_norm_matched}"
        )
        g = report.gene_ids
        lines.append(f"gene IDs per document: P {g.precision:.3f} R {g.recall:.3f} F1 {g.f1:.3f}")
    return "\n".join(lines)
