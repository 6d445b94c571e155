"""`neurolit eval relations`: relation extraction measured against curator gold and public corpora.

- gold (default): a folder with abstracts_*.jsonl and triples_*.jsonl (../shared/data/gold-triples-dev),
scored
  with `neurolit.relations.compare` (pair / triple / full P/R/F1, significance confusion, direction accuracy,
  reliability of the confidence per bin). The NER stage annotates the abstracts: this is the end-to-end
  number.
- biored: BioRED PubTator, document-level variant–chemical relations, with the gold entity annotations as
input
  (the relation step alone): a predicted (variant, chemical) pair is right when BioRED relates the two.
- peng: Peng et al. 2017 drug–gene–mutation instances (tokens lower-cased and lemmatized, gold entity spans):
  the response label each instance gets, mapped to ours (sensitivity/response → sensitivity; resistance,
  resistance or non-response → resistance; None → no triple).
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from neurolit.errors import InputError
from neurolit.metrics import Counts
from neurolit.records import AnnotatedDocument, Article, EntityLabel, Mention, Triple
from neurolit.relations.compare import Comparison, compare
from neurolit.relations.extract import RelationExtractor


@dataclass(frozen=True)
class GoldSet:
    articles: tuple[Article, ...]
    rows: tuple[Mapping[str, Any], ...]


def load_gold_dir(folder: str | Path) -> GoldSet:
    """Read abstracts_*.jsonl and triples_*.jsonl from a curator gold folder."""
    root = Path(folder)
    abstracts = sorted(root.glob("abstracts*.jsonl"))
    triples = sorted(root.glob("triples*.jsonl"))
    if not abstracts or not triples:
        raise InputError(
            f"{root} must contain abstracts_*.jsonl and triples_*.jsonl (like "
            "../shared/data/gold-triples-dev)"
        )
    articles = []
    for path in abstracts:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{number}: not JSON ({exc})") from exc
            articles.append(
                Article(
                    pmid=str(data["pmid"]), title=data.get("title", ""), abstract=data.get("abstract", "")
                )
            )
    rows = []
    for path in triples:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise InputError(f"{path}:{number}: not JSON ({exc})") from exc
    return GoldSet(tuple(articles), tuple(rows))


@dataclass(frozen=True)
class GoldReport:
    documents: int
    gold_triples: int
    threshold: float
    comparison: Comparison
    reliability: tuple[tuple[float, float, int, int], ...]  # (low, high, emitted, correct at full level)
    predicted: tuple[Triple, ...] = field(default=(), repr=False)


def reliability_bins(
    candidates: Sequence[Triple],
    gold: Sequence[Mapping[str, Any]],
    edges: Sequence[float] = (0.0, 0.2, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001),
) -> tuple[tuple[float, float, int, int], ...]:
    """For each confidence bin: how many candidates, and how many are correct at the full level."""
    from neurolit.relations.compare import key

    gold_keys = {key(row, "full") for row in gold if not row.get("none")}
    bins = []
    for low, high in itertools.pairwise(edges):
        inside = [t for t in candidates if low <= t.confidence < high]
        bins.append((low, min(high, 1.0), len(inside), sum(key(t, "full") in gold_keys for t in inside)))
    return tuple(bins)


def evaluate_gold(
    folder: str | Path,
    *,
    use_model: bool = True,
    min_confidence: float | None = None,
    annotated: Iterable[AnnotatedDocument] | None = None,
) -> GoldReport:
    """End-to-end evaluation on a curator gold folder (NER + relations)."""
    gold = load_gold_dir(folder)
    extractor = RelationExtractor()
    threshold = extractor.settings.min_confidence if min_confidence is None else min_confidence
    if annotated is None:
        from neurolit.ner.annotate import annotate_documents

        annotated = annotate_documents(gold.articles, use_model=use_model)
    candidates = [t for doc in annotated for t in extractor.candidates(doc)]
    emitted = [t for t in candidates if t.confidence >= threshold]
    gold_rows = [row for row in gold.rows if not row.get("none")]
    return GoldReport(
        len(gold.articles),
        len(gold_rows),
        threshold,
        compare(emitted, gold_rows),
        reliability_bins(candidates, gold_rows),
        tuple(emitted),
    )


#
# ----------------------------------------------------------------------------------------------------
# BioRED: document-level variant–chemical relations with gold entities.

_BIORED_TYPES: dict[str, EntityLabel] = {
    "Gene": "Gene",
    "GeneOrGeneProduct": "Gene",
    "SequenceVariant": "Variant",
    "Chemical": "Drug",
    "ChemicalEntity": "Drug",
    "Disease": "Disease",
    "DiseaseOrPhenotypicFeature": "Disease",
}


@dataclass(frozen=True)
class PairReport:
    documents: int
    gold_pairs: int
    predicted_pairs: int
    correct: int

    @property
    def precision(self) -> float:
        return self.correct / self.predicted_pairs if self.predicted_pairs else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.gold_pairs if self.gold_pairs else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _biored_variant_id(identifier: str) -> list[str]:
    """BioRED variant identifiers: "p|SUB|V|600|E;HGVS:p.V600E;CorrespondingGene:673", or an rs/dbSNP id."""
    return [part for part in identifier.replace(",", ";").split(";") if part and not part.startswith("Corr")]


def evaluate_biored(path: str | Path, *, min_confidence: float | None = None) -> PairReport:
    """Variant–chemical pairs at document level against BioRED's relations, from gold entity annotations."""
    from neurolit.formats.pubtator import read_pubtator

    extractor = RelationExtractor()
    documents = gold_pairs = predicted_pairs = correct = 0
    for pdoc in read_pubtator(path):
        documents += 1
        text = pdoc.text
        mentions: list[Mention] = []
        variant_ids: dict[tuple[int, int], str] = {}
        chemical_ids: dict[tuple[int, int], str] = {}
        for ann in pdoc.annotations:
            label = _BIORED_TYPES.get(ann.type)
            if label is None:
                continue
            if label == "Variant":
                corresponding = [
                    p.split(":", 1)[1]
                    for p in ann.identifier.split(";")
                    if p.startswith("CorrespondingGene:")
                ]
                gene_symbol = ""
                if corresponding:
                    gene_symbol = next(
                        (
                            a.text.upper()
                            for a in pdoc.annotations
                            if a.type.startswith("Gene") and corresponding[0] in a.identifier.split(",")
                        ),
                        "",
                    )
                mentions.append(
                    Mention(
                        ann.start,
                        ann.end,
                        ann.text,
                        "Variant",
                        norm_id=ann.text,
                        gene=gene_symbol or "VARIANT",
                        variant_type="substitution",
                    )
                )
                variant_ids[(ann.start, ann.end)] = ann.identifier
            elif label == "Drug":
                mentions.append(
                    Mention(
                        ann.start, ann.end, ann.text, "Drug", norm_id=ann.identifier, norm_name=ann.identifier
                    )
                )
                chemical_ids[(ann.start, ann.end)] = ann.identifier
            else:
                mentions.append(
                    Mention(ann.start, ann.end, ann.text, label, norm_id=ann.identifier, norm_name=ann.text)
                )
        article = Article(pmid=pdoc.pmid, title=pdoc.title, abstract=pdoc.abstract)
        doc = AnnotatedDocument(article, tuple(sorted(mentions, key=lambda m: (m.start, m.end))))
        all_variant_ids = set(variant_ids.values())
        all_chemical_ids = set(chemical_ids.values())
        gold = set()
        for rel in pdoc.relations:
            for a, b in ((rel.arg1, rel.arg2), (rel.arg2, rel.arg1)):
                if a in all_variant_ids and b in all_chemical_ids:
                    gold.add((a, b))
        predicted = set()
        for triple in extractor.extract(doc, min_confidence=min_confidence):
            variant_id = _id_for(
                text, triple.evidence_start, triple.evidence_end, variant_ids, triple.variant
            )
            if variant_id:
                predicted.add((variant_id, triple.drug_id or triple.drug))
        gold_pairs += len(gold)
        predicted_pairs += len(predicted)
        correct += len(gold & predicted)
        del text
    return PairReport(documents, gold_pairs, predicted_pairs, correct)


def _id_for(text: str, start: int, end: int, ids: Mapping[tuple[int, int], str], surface: str) -> str:
    inside = [ident for (s, e), ident in ids.items() if start <= s < end and text[s:e] == surface]
    if inside:
        return inside[0]
    anywhere = [ident for (s, e), ident in ids.items() if text[s:e] == surface]
    return anywhere[0] if anywhere else ""


#
# ----------------------------------------------------------------------------------------------------
# Peng et al. 2017: n-ary drug–gene–mutation response relations.

PENG_LABELS = {
    "None": "none",
    "sensitivity": "sensitivity",
    "response": "sensitivity",
    "resistance": "resistance",
    "resistance or non-response": "resistance",
}


@dataclass(frozen=True)
class LabelReport:
    instances: int
    confusion: Mapping[tuple[str, str], int]  # (gold, predicted)

    def score(self, label: str) -> tuple[float, float, float]:
        tp = self.confusion.get((label, label), 0)
        predicted = sum(n for (g, p), n in self.confusion.items() if p == label)
        gold = sum(n for (g, p), n in self.confusion.items() if g == label)
        precision = tp / predicted if predicted else 0.0
        recall = tp / gold if gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1

    def positive(self) -> tuple[float, float, float]:
        """Relation detection regardless of class: any non-none label."""
        tp = sum(n for (g, p), n in self.confusion.items() if g != "none" and p != "none")
        predicted = sum(n for (g, p), n in self.confusion.items() if p != "none")
        gold = sum(n for (g, p), n in self.confusion.items() if g != "none")
        precision = tp / predicted if predicted else 0.0
        recall = tp / gold if gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1

    @property
    def direction_accuracy(self) -> float:
        both = {(g, p): n for (g, p), n in self.confusion.items() if g != "none" and p != "none"}
        total = sum(both.values())
        return sum(n for (g, p), n in both.items() if g == p) / total if total else 0.0


def iter_peng(path: str | Path) -> Iterator[dict[str, Any]]:
    """Instances from the Peng folder (the tar.xz of folds, or a folder of test.json files), ternary first."""
    import tarfile

    root = Path(path)
    archives = sorted(root.glob("*.tar.xz")) if root.is_dir() else [root]
    if archives and archives[0].suffixes[-2:] == [".tar", ".xz"]:
        with tarfile.open(archives[0], "r:xz") as tar:
            for member in sorted(tar.getmembers(), key=lambda m: m.name):
                if member.isfile() and member.name.endswith(".json") and "ter" in member.name.lower():
                    handle = tar.extractfile(member)
                    if handle is not None:
                        yield from json.load(handle)
        return
    for file in sorted(root.rglob("*.json")):
        yield from json.loads(file.read_text(encoding="utf-8"))


def _peng_document(instance: Mapping[str, Any]) -> AnnotatedDocument:
    tokens = [str(t) for t in instance["token"]]
    offsets = []
    cursor = 0
    for token in tokens:
        offsets.append(cursor)
        cursor += len(token) + 1
    text = " ".join(tokens)

    def span(first: int, last: int) -> tuple[int, int]:
        return offsets[first], offsets[last] + len(tokens[last])

    drug = span(instance["first_start"], instance["first_end"])
    mentions = [Mention(drug[0], drug[1], text[drug[0] : drug[1]], "Drug", norm_name=text[drug[0] : drug[1]])]
    if "third_start" in instance:
        gene = span(instance["second_start"], instance["second_end"])
        mutation = span(instance["third_start"], instance["third_end"])
        symbol = text[gene[0] : gene[1]].upper()
        mentions.append(Mention(gene[0], gene[1], text[gene[0] : gene[1]], "Gene", norm_name=symbol))
    else:
        mutation = span(instance["second_start"], instance["second_end"])
        symbol = "GENE"
    mentions.append(
        Mention(
            mutation[0],
            mutation[1],
            text[mutation[0] : mutation[1]],
            "Variant",
            norm_id=text[mutation[0] : mutation[1]].upper(),
            gene=symbol,
        )
    )
    article = Article(pmid=str(instance.get("id", "peng")), title="", abstract=text)
    return AnnotatedDocument(article, tuple(sorted(mentions, key=lambda m: m.start)))


def evaluate_peng(
    path: str | Path, *, min_confidence: float | None = None, limit: int | None = None
) -> LabelReport:
    """Peng 2017 ternary instances: the significance predicted for the given drug, gene and mutation."""
    extractor = RelationExtractor()
    confusion: Counter[tuple[str, str]] = Counter()
    count = 0
    for instance in iter_peng(path):
        gold = PENG_LABELS.get(str(instance.get("relation")), "none")
        triples = extractor.extract(_peng_document(instance), min_confidence=min_confidence)
        supported = [t for t in triples if t.direction == "supports"]
        if supported:
            best = max(supported, key=lambda t: t.confidence)
            predicted = "sensitivity" if best.significance == "sensitivity" else "resistance"
        else:
            predicted = "none"
        confusion[(gold, predicted)] += 1
        count += 1
        if limit is not None and count >= limit:
            break
    return LabelReport(count, dict(confusion))


#
# ----------------------------------------------------------------------------------------------------
# CIViCmine: sentences annotated with Predictive (drug response) relations, a corpus never used for tuning.


@dataclass(frozen=True)
class SentenceReport:
    """Sentence-level detection of a drug-response statement, and drug-level agreement on those sentences."""

    sentences: int
    gold_sentences: int  # sentences with a Predictive relation naming a drug
    predicted_sentences: int  # sentences where at least one triple is emitted
    correct_sentences: int
    gold_drugs: int
    predicted_drugs: int
    correct_drugs: int

    @staticmethod
    def _prf(tp: int, predicted: int, gold: int) -> tuple[float, float, float]:
        counts = Counts(tp=tp, fp=predicted - tp, fn=gold - tp)
        return counts.precision, counts.recall, counts.f1

    def sentence_scores(self) -> tuple[float, float, float]:
        return self._prf(self.correct_sentences, self.predicted_sentences, self.gold_sentences)

    def drug_scores(self) -> tuple[float, float, float]:
        return self._prf(self.correct_drugs, self.predicted_drugs, self.gold_drugs)


def iter_civicmine(path: str | Path) -> Iterator[tuple[str, str, set[str]]]:
    """(pmid, sentence, drugs of its Predictive relations) from the CIViCmine tarballs (training, testing) in a
    folder (or one tarball). Drugs are the annotated surface strings, lower-cased."""
    import tarfile

    root = Path(path)
    archives = [root] if root.is_file() else sorted(root.rglob("t*ing.tar.gz"))
    if not archives:
        raise InputError(f"no CIViCmine training.tar.gz / testing.tar.gz under {root}")
    for archive in archives:
        with tarfile.open(archive, "r:gz") as tar:
            members = {m.name: m for m in tar.getmembers() if m.isfile()}
            for name in sorted(n for n in members if n.endswith(".json")):
                handle = tar.extractfile(members[name])
                relations = members.get(name[: -len(".json")] + ".a2")
                if handle is None or relations is None:
                    continue
                data = json.load(handle)
                entities = data.get("entities", {})
                rel_handle = tar.extractfile(relations)
                drugs: set[str] = set()
                for line in (rel_handle.read().decode("utf-8") if rel_handle else "").splitlines():
                    fields = line.split("\t")
                    if len(fields) < 2 or not fields[1].startswith("Predictive"):
                        continue
                    for argument in fields[1].split()[1:]:
                        role, _, ident = argument.partition(":")
                        if role == "drug" and ident in entities:
                            drugs.add(str(entities[ident]["entitytxt"]).strip().lower())
                yield str(data.get("pmid", "")), str(data["text"]), drugs


def _same_drug(ours: str, theirs: str) -> bool:
    return ours == theirs or (len(theirs) > 3 and (theirs in ours or ours in theirs))


def evaluate_civicmine(
    path: str | Path, *, use_model: bool = True, min_confidence: float | None = None, limit: int | None = None
) -> SentenceReport:
    """Our NER and relations on each CIViCmine sentence alone: does a triple come out exactly where curators
    annotated a drug-response (Predictive) relation, and with their drug."""
    from neurolit.ner.annotate import annotate_documents

    items = list(itertools.islice(iter_civicmine(path), limit))
    articles = [
        Article(pmid=f"{pmid or 'civicmine'}-{i}", title="", abstract=text)
        for i, (pmid, text, _) in enumerate(items)
    ]
    extractor = RelationExtractor()
    counts = Counter[str]()
    for (_, _, gold), doc in zip(items, annotate_documents(articles, use_model=use_model), strict=True):
        triples = extractor.extract(doc, min_confidence=min_confidence)
        ours = {member for t in triples for member in t.drug.split(" + ")}
        counts["sentences"] += 1
        counts["gold_sentences"] += bool(gold)
        counts["predicted_sentences"] += bool(triples)
        counts["correct_sentences"] += bool(gold) and bool(triples)
        counts["gold_drugs"] += len(gold)
        counts["predicted_drugs"] += len(ours)
        counts["correct_drugs"] += sum(any(_same_drug(o, g) for g in gold) for o in ours)
    return SentenceReport(**{field: counts[field] for field in SentenceReport.__dataclass_fields__})
