"""Evaluate `find_variants` against gold variant annotations: strict and overlapping span P/R/F1, plus
normalization accuracy where the gold identifier is a sequence change we can compare.

Corpus types and the gold types that count as variants (documented in docs/evaluation.md):

- ``tmvar3`` (tmVar 3.0 PubTator): DNAMutation, ProteinMutation, SNP, OtherMutation, AcidChange, DNAAllele,
  ProteinAllele (``--types core`` restricts to DNAMutation, ProteinMutation, SNP).
- ``biored`` (BioRED PubTator): SequenceVariant.
- ``json`` (mutationCorpora JSON: tmVar v1, SETH, ...): DNAMutation, ProteinMutation, SNP, RS, mutation.

Only predictions of the kinds these corpora annotate are scored: sequence-level changes (substitutions, DNA
changes, SNPs, indels, frameshifts, stop gains). Exon-level events and the gene-dependent oncology events
(generic mutation, codon, copy number, fusion, expression, wild-type) are not annotated by any of them and
are left out of the comparison. With a restricted ``--types`` set, predictions overlapping gold mentions of
the corpus's other variant types are not counted as false positives.

Run: ``python -m neurolit.ner.variant_eval --gold FILE --corpus-type tmvar3 [--types core] [--errors 40]``.
Triple-level check with the full NER: ``python -m neurolit.ner.variant_eval --triples-dir DIR [--errors 20]``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from neurolit.errors import InputError
from neurolit.formats.pubtator import PubTatorAnnotation, read_pubtator
from neurolit.metrics import Counts
from neurolit.ner.variant_normalize import aa_one, key_for_comparison, variant_category
from neurolit.ner.variants import VariantMatch, find_variants
from neurolit.records import Mention, document_text

GOLD_TYPES: dict[str, frozenset[str]] = {
    "tmvar3": frozenset(
        {"DNAMutation", "ProteinMutation", "SNP", "OtherMutation", "AcidChange", "DNAAllele", "ProteinAllele"}
    ),
    "tmvar3-core": frozenset({"DNAMutation", "ProteinMutation", "SNP"}),
    "biored": frozenset({"SequenceVariant"}),
    "json": frozenset({"DNAMutation", "ProteinMutation", "SNP", "RS", "mutation"}),
}
SCORED_PREDICTION_TYPES = frozenset({"substitution", "dna_change", "snp", "indel", "frameshift", "nonsense"})
# Which of neurolit's variant categories (variant_normalize.variant_category) each gold type corresponds to.
GOLD_TYPE_CATEGORIES: dict[str, frozenset[str]] = {
    "DNAMutation": frozenset({"sequence"}),
    "ProteinMutation": frozenset({"sequence"}),
    "SNP": frozenset({"sequence"}),
    "OtherMutation": frozenset({"other"}),
    "AcidChange": frozenset({"acid_change"}),
    "DNAAllele": frozenset({"allele"}),
    "ProteinAllele": frozenset({"allele"}),
}
ALL_CATEGORIES = frozenset({"sequence", "other", "acid_change", "allele"})


# A gold variant is a PubTator annotation (offsets, text, the corpus's type, its identifier), whatever file it came from.
GoldVariant = PubTatorAnnotation


@dataclass(frozen=True, slots=True)
class GoldDocument:
    doc_id: str
    text: str
    variants: tuple[GoldVariant, ...]
    ignored: tuple[tuple[int, int], ...] = ()  # spans of variant types left out of scoring: no FP there
    categories: frozenset[str] = ALL_CATEGORIES  # the prediction categories the scored gold types cover


@dataclass(frozen=True, slots=True)
class VariantEvaluation:
    documents: int
    strict: Counts
    overlap: Counts
    norm_correct: int
    norm_total: int
    errors: tuple[str, ...] = field(default=(), compare=False)
    # per gold type: (type, found with the exact span, found overlapping, gold count)
    recall_by_type: tuple[tuple[str, int, int, int], ...] = ()

    @property
    def norm_accuracy(self) -> float:
        return self.norm_correct / self.norm_total if self.norm_total else 0.0

    def summary(self) -> str:
        s, o = self.strict, self.overlap
        norm = (
            f"normalization accuracy {self.norm_accuracy:.3f}  ({self.norm_correct}/{self.norm_total} matched "
            "gold mentions with a comparable identifier)"
            if self.norm_total
            else "normalization accuracy n/a (no comparable gold identifiers)"
        )
        lines = [
            f"documents {self.documents}  gold {s.tp + s.fn}  predicted {s.tp + s.fp}",
            f"strict   P {s.precision:.3f}  R {s.recall:.3f}  F1 {s.f1:.3f}  (tp {s.tp} fp {s.fp} fn {s.fn})",
            f"overlap  P {o.precision:.3f}  R {o.recall:.3f}  F1 {o.f1:.3f}  (tp {o.tp} fp {o.fp} fn {o.fn})",
            norm,
        ]
        for kind, strict_found, overlap_found, n in self.recall_by_type:
            if n:
                lines.append(
                    f"  recall {kind}: strict {strict_found}/{n} ({strict_found / n:.3f}), "
                    f"overlap {overlap_found}/{n} ({overlap_found / n:.3f})"
                )
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------------- reading
def read_gold(path: str | Path, corpus_type: str, types: Iterable[str] | None = None) -> list[GoldDocument]:
    """Gold documents with only the variant annotations of `types` (default: the corpus type's set)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"gold file {path} does not exist; pass a PubTator or mutationCorpora JSON file")
    key = corpus_type.lower()
    if key not in ("tmvar3", "biored", "json"):
        raise InputError(f"unknown corpus type {corpus_type!r}; use tmvar3, biored or json")
    wanted = frozenset(types) if types is not None else GOLD_TYPES[key]
    if key == "json":
        return _read_json(path, wanted)
    every_variant_type = GOLD_TYPES[key]
    docs: list[GoldDocument] = []
    for doc in read_pubtator(path):
        gold = tuple(a for a in doc.annotations if a.type in wanted)
        ignored = tuple(
            (a.start, a.end) for a in doc.annotations if a.type in every_variant_type and a.type not in wanted
        )
        docs.append(GoldDocument(doc.pmid, doc.text, gold, ignored, _categories(wanted)))
    return docs


def _categories(types: Iterable[str]) -> frozenset[str]:
    out: set[str] = set()
    for t in types:
        out |= GOLD_TYPE_CATEGORIES.get(t, ALL_CATEGORIES)
    return frozenset(out)


def _read_json(path: Path, wanted: frozenset[str]) -> list[GoldDocument]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        documents = data["documents"]
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise InputError(f"{path}: not a mutationCorpora JSON file ({exc})") from exc
    present = {e["type"] for item in documents for e in item["document"]["entities"]} & wanted
    categories = _categories(present)
    docs: list[GoldDocument] = []
    for item in documents:
        doc = item["document"]
        gold = tuple(
            GoldVariant(int(e["begin"]), int(e["end"]), e["text"], e["type"], str(e.get("dbSNP") or ""))
            for e in doc["entities"]
            if e["type"] in wanted
        )
        docs.append(GoldDocument(str(doc["ID"]), doc["text"], gold, (), categories))
    return docs


# ---------------------------------------------------------------------------------------------- scoring
def gold_normalized(identifier: str) -> str:
    """The tmVar/BioRED identifier as neurolit's normalized form, or "" when not comparable."""
    head = identifier.split(";")[0].strip()
    if re.fullmatch(r"rs\d+", head, re.IGNORECASE):
        return head.lower()
    parts = head.split("|")
    if len(parts) < 4:
        return ""
    seq, kind = parts[0], parts[1].upper()
    if kind == "SUB" and len(parts) >= 5 and parts[3]:
        if seq == "p":
            ref, alt = aa_one(parts[2]), aa_one(parts[4])
            return f"p.{ref}{parts[3]}{alt}" if ref and alt else ""
        if seq in ("c", "g"):
            return f"{seq}.{parts[3]}{parts[2].upper()}>{parts[4].upper()}" if parts[2] and parts[4] else ""
    if kind in ("DEL", "INS", "DUP") and seq in ("c", "g") and parts[2]:
        tail = parts[3] if len(parts) > 3 else ""
        return f"{seq}.{parts[2]}{kind.lower()}{tail.upper()}"
    if kind == "FS" and seq == "p" and len(parts) >= 4 and parts[2] and parts[3]:
        return f"p.{aa_one(parts[2])}{parts[3]}fs"
    return ""


def _comparable(predicted: str, gold: str) -> bool:
    def canon(x: str) -> str:
        # c./g. is a reference-sequence choice the text rarely states; frameshift tails are optional in HGVS.
        x = x.replace(" ", "").replace("X", "*") if x.startswith("p.") else x.replace(" ", "")
        x = re.sub(r"^[cgp]\.", "", x)
        return re.sub(r"(\d)[A-Z*]?fs.*$", r"\1fs", x).upper()

    return canon(predicted) == canon(gold)


def _match(gold: Sequence[GoldVariant], pred: Sequence[VariantMatch], strict: bool) -> list[tuple[int, int]]:
    pairs: list[tuple[int, int]] = []
    used: set[int] = set()
    for gi, g in enumerate(gold):
        best = -1
        for pi, p in enumerate(pred):
            if pi in used:
                continue
            if (p.start == g.start and p.end == g.end) if strict else (p.start < g.end and g.start < p.end):
                best = pi
                break
        if best >= 0:
            used.add(best)
            pairs.append((gi, best))
    return pairs


def evaluate_variants(docs: Iterable[GoldDocument], *, max_errors: int = 0) -> VariantEvaluation:
    """Score find_variants over gold documents (see the module docstring for what is compared)."""
    s_tp = s_fp = s_fn = o_tp = o_fp = o_fn = 0
    norm_ok = norm_total = n_docs = 0
    errors: list[str] = []
    by_type: dict[str, list[int]] = {}
    for doc in docs:
        n_docs += 1
        gold = sorted(doc.variants, key=lambda g: (g.start, g.end))
        pred = [
            v
            for v in find_variants(doc.text)
            if v.variant_type in SCORED_PREDICTION_TYPES
            and not v.requires_gene
            and variant_category(v.normalized) in doc.categories
            and not any(v.start < e and s < v.end for s, e in doc.ignored)
        ]
        strict_pairs = _match(gold, pred, strict=True)
        overlap_pairs = _match(gold, pred, strict=False)
        strict_found = {gi for gi, _ in strict_pairs}
        overlap_found = {gi for gi, _ in overlap_pairs}
        for gi, g in enumerate(gold):
            row = by_type.setdefault(g.type, [0, 0, 0])
            row[0] += gi in strict_found
            row[1] += gi in overlap_found
            row[2] += 1
        s_tp += len(strict_pairs)
        s_fp += len(pred) - len(strict_pairs)
        s_fn += len(gold) - len(strict_pairs)
        o_tp += len(overlap_pairs)
        o_fp += len(pred) - len(overlap_pairs)
        o_fn += len(gold) - len(overlap_pairs)
        for gi, pi in overlap_pairs:
            expected = gold_normalized(gold[gi].identifier)
            if not expected or (expected.startswith("rs") and pred[pi].variant_type != "snp"):
                continue
            norm_total += 1
            if _comparable(pred[pi].normalized, expected):
                norm_ok += 1
            elif len(errors) < max_errors:
                errors.append(
                    f"NORM {doc.doc_id} {gold[gi].text!r} gold {expected} got {pred[pi].normalized}"
                )
        if len(errors) < max_errors:
            matched_g = {gi for gi, _ in strict_pairs}
            matched_p = {pi for _, pi in strict_pairs}
            for gi, g in enumerate(gold):
                if gi not in matched_g and len(errors) < max_errors:
                    errors.append(
                        f"FN {doc.doc_id} {g.start}-{g.end} {g.text!r} [{g.type}] "
                        f"…{doc.text[max(0, g.start - 30) : g.end + 30]!r}"
                    )
            for pi, p in enumerate(pred):
                if pi not in matched_p and len(errors) < max_errors:
                    errors.append(
                        f"FP {doc.doc_id} {p.start}-{p.end} {p.text!r} [{p.variant_type} {p.normalized}] "
                        f"…{doc.text[max(0, p.start - 30) : p.end + 30]!r}"
                    )
    return VariantEvaluation(
        n_docs,
        Counts(s_tp, s_fp, s_fn),
        Counts(o_tp, o_fp, o_fn),
        norm_ok,
        norm_total,
        tuple(errors),
        tuple((t, *row) for t, row in sorted(by_type.items())),  # type: ignore[misc]
    )


def variant_key(variant: str) -> str:
    """The TRIPLES.md comparison key of a variant as curators write it ("exon 19 deletion", "T790M")."""
    found = [v for v in find_variants(variant) if v.variant_type in SCORED_PREDICTION_TYPES | EVENT_TYPES]
    if found:
        return key_for_comparison(found[0].normalized)
    return variant.strip().lower()


EVENT_TYPES = frozenset({"exon", "cnv", "fusion", "generic", "expression", "wildtype"})


@dataclass(frozen=True, slots=True)
class TripleCoverage:
    found: int
    total: int
    missing: tuple[str, ...] = ()

    def summary(self) -> str:
        share = self.found / self.total if self.total else 0.0
        return f"gold triple variants found with their gene: {self.found}/{self.total} ({share:.3f})"


def triple_variant_coverage(
    gold_dir: str | Path, annotate: Callable[[str], Sequence[Mention]]
) -> TripleCoverage:
    """Of the gold triples' (gene, variant) pairs, how many the NER finds as a Variant linked to that gene.

    `gold_dir` holds abstracts_dev.jsonl and triples_dev.jsonl (../shared/data/gold-triples-dev); `annotate`
    is the NER (e.g. ``neurolit.annotate``). Keys as in TRIPLES.md (key_for_comparison).
    """
    folder = Path(gold_dir)
    abstracts_path, triples_path = folder / "abstracts_dev.jsonl", folder / "triples_dev.jsonl"
    if not abstracts_path.is_file() or not triples_path.is_file():
        raise InputError(f"{folder} must hold abstracts_dev.jsonl and triples_dev.jsonl")
    texts: dict[str, str] = {}
    for line in abstracts_path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            texts[str(row["pmid"])] = document_text(row.get("title") or "", row.get("abstract") or "")
    found_keys: dict[str, set[tuple[str, str]]] = {}
    found = total = 0
    missing: list[str] = []
    for line in triples_path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        triple = json.loads(line)
        if not triple.get("variant") or not triple.get("gene"):
            continue
        pmid = str(triple["pmid"])
        if pmid not in found_keys:
            found_keys[pmid] = {
                (m.gene.upper(), key_for_comparison(m.norm_id))
                for m in annotate(texts.get(pmid, ""))
                if m.label == "Variant"
            }
        key = (triple["gene"].upper(), variant_key(triple["variant"]))
        total += 1
        if key in found_keys[pmid]:
            found += 1
        else:
            missing.append(f"MISSING {pmid} {key[0]} {triple['variant']!r} (key {key[1]})")
    return TripleCoverage(found, total, tuple(missing))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m neurolit.ner.variant_eval", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--gold", help="gold file: PubTator (tmvar3, biored) or JSON (json)")
    parser.add_argument("--corpus-type", choices=["tmvar3", "biored", "json"])
    parser.add_argument(
        "--triples-dir",
        help="instead of --gold: a gold-triples folder; runs the full NER (rules) and counts the triples' "
        "(gene, variant) pairs it finds",
    )
    parser.add_argument(
        "--types", default="", help="'core' (tmVar3 DNA/protein/SNP) or comma-separated gold types"
    )
    parser.add_argument("--errors", type=int, default=0, help="print up to N mismatches")
    args = parser.parse_args(argv)
    if args.triples_dir:
        from neurolit.api import annotate

        try:
            coverage = triple_variant_coverage(args.triples_dir, lambda text: annotate(text, use_model=False))
        except InputError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(coverage.summary())
        for line in coverage.missing[: args.errors]:
            print(line)
        return 0
    if not args.gold or not args.corpus_type:
        parser.error("--gold and --corpus-type are required (or use --triples-dir)")
    types: frozenset[str] | None = None
    if args.types == "core":
        types = GOLD_TYPES["tmvar3-core"]
    elif args.types:
        types = frozenset(t.strip() for t in args.types.split(",") if t.strip())
    try:
        docs = read_gold(args.gold, args.corpus_type, types)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    result = evaluate_variants(docs, max_errors=args.errors)
    print(result.summary())
    for line in result.errors:
        print(line)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
