"""Relation extraction: annotated documents in, variant–drug–response Triples out.

Per sentence: variant arguments (genes with their alteration) and drug arguments (named drugs, combinations)
are paired; each drug takes the response cue that governs it ("no response to crizotinib but a complete
response
to lorlatinib" gives each drug its own cue); refutation makes a triple that does not support; hedges, aims and
links across sentences lower the calibrated confidence (`neurolit.relations.confidence`). Links across
sentences:
a sentence with a variant and an outcome but no drug takes the drug the patient was on before a relapse, or
the
study's only drug; a sentence with a drug and an outcome but no variant takes the document's only variant.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from neurolit import __version__
from neurolit.records import AnnotatedDocument, Direction, Mention, Significance, Triple
from neurolit.relations.confidence import ConfidenceModel, load_confidence_model
from neurolit.relations.cues import (
    Cue,
    find_cues,
    hedge_spans,
    is_aim_or_method,
    is_enrolment_only,
    mask_statistics,
    no_claim_spans,
    refutation_spans,
    statistics_spans,
)
from neurolit.relations.linking import DrugArg, LinkingSettings, VariantArg, link_drugs, link_variants

EXTRACTOR_VERSION = f"neurolit-relations/{__version__}+rules1"

_CLAUSE_BREAK = re.compile(
    r";|\s+but\s+|\s+whereas\s+|\s+while\s+|,?\s+however,?\s+|\s+although\s+|,?\s+in\s+contrast,?\s+|"
    r",\s+and\s+(?=\S+\s+(?:patients|tumou?rs|cells|those|with)\b)",
    re.IGNORECASE,
)
_CONCESSIVE = re.compile(
    r"(?:[A-Z][A-Z ]+:\s*)?(?:despite|although|though|even\s+though|notwithstanding)\b(?:[^,;()]|\([^()]*\)){3,200},",
    re.IGNORECASE,
)
_BOUND_BEFORE = re.compile(
    r"^[\s-]*(?:to|of|with|on|for|against|from|by|toward|towards|after)?\s*(?:the\s+|a\s+|an\s+)?"
    r"(?:[\w/()-]+\s+){0,5}\(?$",
    re.IGNORECASE,
)
_BOUND_AFTER = re.compile(
    r"^(?:'s|’s)?[\s-]*(?:[\w]+[\s-]+)?$"  # "lorlatinib resistance", "gefitinib-sensitive", "erlotinib-related benefit"
    # "crizotinib showed substantial antitumour activity", "it was associated with durable disease control"
    r"|^\s*(?:\([^()]*\)\s*)?(?:,[^,;]{0,80},\s*)?(?:has\s+|have\s+|had\s+|was\s+|were\s+|is\s+|are\s+)?"
    r"(?:been\s+)?(?:also\s+|\w+ly\s+)?"
    r"(?:showed|shown|shows|show|demonstrated|demonstrates|produced|produces|induced|induces|achieved|achieves|"
    r"exhibited|yielded|yields|conferred|confers|resulted\s+in|led\s+to|associated\s+with|had|has|provided|"
    r"provides|elicited|improved|prolonged|become|became|becomes|represents|represented|remains|offers|"
    r"offered)\s+(?:[\w,-]+\s+){0,5}$"
    # "Erlotinib is effective", "crizotinib, an ALK inhibitor, was active"
    r"|^\s*(?:,[^,;]{0,80},\s*)?(?:is|are|was|were|remains|remained|appears|appeared|seems|proved)\s+"
    r"(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)
_COMPARATOR = re.compile(r"\b(?:compared\s+(?:with|to)|than|versus|vs\.?|relative\s+to)\s", re.IGNORECASE)
_RELAPSE_EVENT = re.compile(r"\b(?:relapse\w*|progress(?:ed|ion)|recurr\w*|emerg\w*)\b", re.IGNORECASE)
_RESISTANCE_ANAPHOR = re.compile(
    r"\b(?:these|this|such|their|its)\s+(?:[\w-]+\s+){0,3}?(?:of\s+)?(?:acquired\s+)?resistan", re.IGNORECASE
)
_DRUG_ANAPHOR = re.compile(
    r"\b(?:these|such|both|the\s+same|all\s+(?:two|three|four|five|[2-9]))\s+(?:[\w-]+\s+){0,1}?"
    r"(?:agents|drugs|inhibitors|TKIs|compounds|"
    r"therapies|treatments)\b",
    re.IGNORECASE,
)
_VARIANT_ANAPHOR = re.compile(
    r"\b(?:these|such|those|the\s+same)\s+(?:[\w-]+\s+){0,2}?(?:mutations|alterations|rearrangements|fusions|"
    r"translocations|variants|genotypes)\b",
    re.IGNORECASE,
)
_NON_SPECIFIC = frozenset({"generic", "cnv", "expression", "wildtype", "fusion"})
_INCLUDING = re.compile(r",\s*(?:including|among\s+them|of\s+whom)\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[0-9])")
_SPACES = re.compile(r"\s{2,}")
# What may stand between two coordinated drugs ("gefitinib and erlotinib"), or two coordinated spans ("/" too).
_DRUG_COORDINATION = re.compile(r"[\s,]*(?:and|or|and/or)?[\s,]*", re.IGNORECASE)
_SPAN_COORDINATION = re.compile(r"[\s,/]*(?:and|or|and/or)?[\s,]*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class RelationSettings:
    min_confidence: float
    linking: LinkingSettings
    cross_sentence_window: int


def settings_from_config(section: Mapping[str, Any]) -> RelationSettings:
    """Build settings from the [relations] configuration section."""
    from neurolit.errors import ConfigError

    try:
        return RelationSettings(
            min_confidence=float(section["min_confidence"]),
            linking=LinkingSettings(
                fusion_genes=frozenset(str(g).upper() for g in section["fusion_genes"]),
                positive_means_mutation=frozenset(str(g).upper() for g in section["positive_means_mutation"]),
                excluded_drugs=frozenset(str(d).lower() for d in section["excluded_drugs"]),
            ),
            cross_sentence_window=int(section["cross_sentence_window"]),
        )
    except KeyError as exc:
        raise ConfigError(
            f"missing configuration key [relations] {exc.args[0]}; add it to your config.toml"
        ) from exc
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"invalid value in configuration section [relations]: {exc}") from exc


def default_settings() -> RelationSettings:
    from neurolit.config import load_config

    return settings_from_config(load_config().section("relations"))


@dataclass(frozen=True, slots=True)
class _Candidate:
    variant: VariantArg
    drug: DrugArg
    cue: Cue
    significance: Significance
    direction: Direction
    sentence: tuple[int, int]
    evidence: tuple[int, int]
    features: dict[str, float]


def sentence_spans(doc: AnnotatedDocument) -> list[tuple[int, int]]:
    """The document's sentences; the title is always a sentence of its own."""
    text = doc.text
    title_end = len(doc.article.title)
    if doc.sentences:
        spans = [(s, e) for s, e in doc.sentences if e > s]
        if title_end and not any(s == 0 for s, _ in spans):
            spans = [(0, title_end), *[(max(s, title_end + 1), e) for s, e in spans if e > title_end + 1]]
        return sorted(spans)
    spans = [(0, title_end)] if title_end else []
    offset = title_end + 1 if title_end else 0
    while offset < len(text):
        match = _SENTENCE_SPLIT.search(text, offset)
        end = match.start() if match else len(text)
        if text[offset:end].strip():
            spans.append((offset, end))
        offset = match.end() if match else len(text)
    return spans


def _clauses(text: str, sentence: tuple[int, int]) -> list[tuple[int, int]]:
    start, end = sentence
    clauses = []
    cursor = start
    concessive = _CONCESSIVE.match(text, start, end)
    if concessive:  # "Despite the activity of X in NSCLC, benefit was ...": the concession is its own clause
        clauses.append((start, concessive.end()))
        cursor = concessive.end()
    for match in _CLAUSE_BREAK.finditer(text, cursor, end):
        clauses.append((cursor, match.start()))
        cursor = match.end()
    clauses.append((cursor, end))
    return clauses


def _index_of(offset: int, spans: Sequence[tuple[int, int]]) -> int:
    for index, (start, end) in enumerate(spans):
        if start <= offset < end:
            return index
    return len(spans) - 1 if spans and offset >= spans[-1][0] else 0


def _outcome_cues(mentions: Iterable[Mention]) -> list[Cue]:
    cues = []
    for mention in mentions:
        if mention.label != "Outcome" or mention.polarity not in {"sensitivity", "resistance"}:
            continue
        significance: Significance = "sensitivity" if mention.polarity == "sensitivity" else "resistance"
        if mention.response == "reduced_sensitivity":
            significance = "reduced_sensitivity"
        response = mention.response or significance
        negated = mention.negated and mention.polarity == "sensitivity"
        if negated:  # "no response": resistance that supports
            significance, response = "resistance", "no_response"
        cues.append(
            Cue(mention.start, mention.end, mention.text, significance, response, 0.9, negated=negated)
        )
    return cues


def _merge_cues(own: list[Cue], outcomes: list[Cue], read: Sequence[tuple[int, int]]) -> list[Cue]:
    """Our cues plus the NER stage's Outcome mentions where no pattern of ours read the text (ours know
    descriptors such as "resistance mutations" and neutral measures such as "prediction of response")."""
    merged = list(own)
    for cue in outcomes:
        if not any(a < cue.end and cue.start < b for a, b in read):
            merged.append(cue)
    merged.sort(key=lambda c: c.start)
    return merged


def _may_have_arguments(mentions: Sequence[Mention]) -> bool:
    """Whether linking can find both arguments: drugs come from named Drug mentions, variants from Variant and
    Gene mentions (gene-status phrases, copy-number phrases after a gene)."""
    labels = {m.label for m in mentions if m.label != "Drug" or not m.is_class}
    return "Drug" in labels and ("Gene" in labels or "Variant" in labels)


def _sentence_cues(text: str, sentence: tuple[int, int], outcome_cues: Sequence[Cue]) -> list[Cue]:
    """The sentence's cues: ours, then the NER stage's Outcome mentions where ours read nothing."""
    start, end = sentence
    read: list[tuple[int, int]] = []
    read.extend(statistics_spans(text, start, end))  # "(Response Evaluation Criteria ... 1.1)"
    own = find_cues(text, start, end, read)
    return _merge_cues(own, [c for c in outcome_cues if start <= c.start < end], read)


def _gap(text: str, start: int, end: int) -> str:
    """The words between two spans, statistics in parentheses removed ("longer PFS (8 v 3 months) to X")."""
    return _SPACES.sub(" ", mask_statistics(text[start:end]))


def _attach_cue(
    text: str, drug: DrugArg, cues: Sequence[Cue], clauses: Sequence[tuple[int, int]], drug_clauses: set[int]
) -> tuple[Cue, bool] | None:
    """The cue that governs the drug, and whether it is bound to it syntactically."""
    for cue in cues:
        if cue.start <= drug.start and drug.end <= cue.end:
            return cue, True
    bound: list[tuple[int, Cue]] = []
    for cue in cues:
        if cue.end <= drug.start and _BOUND_BEFORE.match(_gap(text, cue.end, drug.start)):
            bound.append((drug.start - cue.end, cue))
        elif cue.start >= drug.end and _BOUND_AFTER.match(_gap(text, drug.end, cue.start)):
            bound.append((cue.start - drug.end, cue))
    if bound:
        bound.sort(key=lambda item: (item[0], -item[1].strength))
        return bound[0][1], True
    clause = _index_of(drug.start, clauses)
    same = [c for c in cues if _index_of(c.start, clauses) == clause]
    pool = same or (list(cues) if len(drug_clauses) <= 1 else [])
    if not pool:
        return None

    def distance(cue: Cue) -> float:
        gap = cue.start - drug.end if cue.start >= drug.end else drug.start - cue.end
        return max(gap, 0) / 40.0 - cue.strength

    return min(pool, key=distance), False


def _groups(spans: Sequence[tuple[int, int]], text: str) -> list[int]:
    """Group index per span: spans joined only by commas/and/or/slash share a group."""
    groups: list[int] = []
    for index, (start, _end) in enumerate(spans):
        if index and _SPAN_COORDINATION.fullmatch(text[spans[index - 1][1] : start]):
            groups.append(groups[-1])
        else:
            groups.append(index)
    return groups


_TARGET_OF = re.compile(
    r"\b(?:inhibitors?|inhibition|blockers?|antibod(?:y|ies))\s+(?:of|against|targeting)\s+(?:the\s+)?"
    r"(?:[\w/-]+\s+){0,2}$",
    re.IGNORECASE,
)
# Between two coordinated variants only gene symbols, status words and conjunctions ("amplification of CDK4
# and FGFR1 and a NRAS Q61K mutation", "EGFR mutations or ALK rearrangements").
_VARIANT_COORDINATION = re.compile(
    r"(?:[\s,/()+-]|\b(?:and|or|and/or|as\s+well\s+as|plus|of|the|a|an|genes?|mutations?|mutants?|mutated|"
    r"positive|rearrangements?|rearranged|fusions?|translocations?|amplifications?|amplified|alterations?|"
    r"altered)\b|\b[A-Z][A-Z0-9]+\b)*"
)


def _variant_groups(text: str, variants: Sequence[VariantArg]) -> list[int]:
    """Group index per variant: variants joined by a coordination (status words allowed: "EGFR mutations or
    ALK rearrangements", "concomitant EGFR mutation and ALK translocation") share a group."""
    groups: list[int] = []
    order = sorted(range(len(variants)), key=lambda i: variants[i].start)
    result = [0] * len(variants)
    previous_end = -1
    for position, i in enumerate(order):
        var = variants[i]
        if position and (
            var.start < previous_end or _VARIANT_COORDINATION.fullmatch(text, previous_end, var.start)
        ):
            groups.append(groups[-1])
        else:
            groups.append(position)
        result[i] = groups[-1]
        previous_end = max(previous_end, var.end)
    return result


def _span_distance(a: tuple[int, int], b: tuple[int, int]) -> int:
    if a[1] <= b[0]:
        return b[0] - a[1]
    if b[1] <= a[0]:
        return a[0] - b[1]
    return 0


def _pairs(text: str, variants: Sequence[VariantArg], drugs: Sequence[DrugArg]) -> list[tuple[int, int]]:
    """Which (variant, drug) index pairs a sentence links."""
    genes = {v.gene for v in variants}
    drug_groups = _groups([(d.start, d.end) for d in drugs], text)
    if len(genes) <= 1 or any(d.start < 0 for d in drugs) or any(v.start < 0 for v in variants):
        return [(i, j) for i in range(len(variants)) for j in range(len(drugs))]
    if len(set(drug_groups)) <= 1:
        # One drug (or one coordination of drugs), variants of several genes: the drug goes with the gene named
        # nearest to it and with every variant coordinated with that one ("EGFR mutation and ALK translocation
        # resistant to erlotinib"); a gene in another phrase of the sentence is about something else ("approval
        # of crizotinib for ALK-rearranged NSCLC, attention has turned to ROS1-rearranged tumors").
        # The drug's target named in its description ("the inhibitor of the EML4/ALK fusion protein,
        # crizotinib,") is paired but does not decide which population the sentence is about.
        targets = {
            i for i, v in enumerate(variants) if _TARGET_OF.search(text, max(0, v.start - 45), v.start)
        }
        variant_groups = _variant_groups(text, variants)
        span = (min(d.start for d in drugs), max(d.end for d in drugs))
        population = [i for i in range(len(variants)) if i not in targets] or list(range(len(variants)))
        nearest = min(population, key=lambda i: _span_distance((variants[i].start, variants[i].end), span))
        chosen = {i for i in range(len(variants)) if variant_groups[i] == variant_groups[nearest]}
        chosen |= {i for i, v in enumerate(variants) if v.gene == variants[nearest].gene} | targets
        return [(i, j) for i in sorted(chosen) for j in range(len(drugs))]
    pairs: set[tuple[int, int]] = set()
    for i, var in enumerate(variants):
        nearest = min(
            range(len(drugs)),
            key=lambda j: _span_distance((var.start, var.end), (drugs[j].start, drugs[j].end)),
        )
        pairs.update((i, j) for j in range(len(drugs)) if drug_groups[j] == drug_groups[nearest])
    for j, drug in enumerate(drugs):
        nearest_gene = min(
            variants, key=lambda v: _span_distance((v.start, v.end), (drug.start, drug.end))
        ).gene
        pairs.update((i, j) for i, v in enumerate(variants) if v.gene == nearest_gene)
    return sorted(pairs)


class RelationExtractor:
    """Extracts Triples from AnnotatedDocuments. Thread-safe and cheap: regular expressions per sentence."""

    def __init__(
        self, settings: RelationSettings | None = None, model: ConfidenceModel | None = None
    ) -> None:
        self.settings = settings or default_settings()
        self.model = model or load_confidence_model()

    def extract(self, doc: AnnotatedDocument, *, min_confidence: float | None = None) -> list[Triple]:
        """Triples of one document at or above the confidence threshold (config default when None)."""
        threshold = self.settings.min_confidence if min_confidence is None else min_confidence
        return [t for t in self.candidates(doc) if t.confidence >= threshold]

    def extract_many(
        self, docs: Iterable[AnnotatedDocument], *, min_confidence: float | None = None
    ) -> Iterator[Triple]:
        for doc in docs:
            yield from self.extract(doc, min_confidence=min_confidence)

    def candidates(self, doc: AnnotatedDocument) -> list[Triple]:
        """Every triple with its confidence, one per gene–variant–drug–significance–direction."""
        # Every triple needs a named drug and a present variant of this document (inherited or not): without
        # either, the document is skipped before its sentences are read (most documents: linking costs too).
        if not _may_have_arguments(doc.mentions):
            return []
        text = doc.text
        sentences = sentence_spans(doc)
        variants = link_variants(text, doc.mentions, sentences, self.settings.linking)
        # Expression ("p-Akt overexpression") is not a genomic alteration (TRIPLES.md): never a triple.
        present = [v for v in variants if not v.absent and v.variant_type != "expression"]
        if not present:
            return []
        drugs = link_drugs(text, doc.mentions, self.settings.linking)
        if not drugs:
            return []
        outcome_cues = _outcome_cues(doc.mentions)
        classes = [m for m in doc.mentions if m.label == "Drug" and m.is_class]
        study_drugs = _study_drugs(text, drugs)
        study_variant = _dominant([v.key for v in present])
        diseases = [m for m in doc.mentions if m.label == "Disease"]

        # Both lists are in text order: a sentence's arguments are one slice of each, found by binary search.
        variant_starts = [v.start for v in present]
        drug_starts = [d.start for d in drugs]

        found: list[_Candidate] = []
        for index, sentence in enumerate(sentences):
            start, end = sentence
            s_variants = present[bisect_left(variant_starts, start) : bisect_left(variant_starts, end)]
            here_drugs = drugs[bisect_left(drug_starts, start) : bisect_left(drug_starts, end)]
            if not s_variants and not here_drugs:
                continue  # neither argument here: nothing to link (and cue matching is the costly part)
            # The cues are read only once the sentence is known to have both arguments (the costly part).
            cues: list[Cue] | None = None
            # "No patients with K-ras mutation, including two EGFR mutants, ...": the included ones are a
            # subset of the first group, not a statement of their own.
            s_variants = [
                v
                for v in s_variants
                if not (
                    _INCLUDING.search(text, max(start, v.start - 40), v.start)
                    and any(o.start < v.start and o.gene != v.gene for o in s_variants)
                )
            ]
            s_drugs = _without_comparators(text, here_drugs, start)
            evidence = sentence
            drug_inherited = variant_inherited = relapse_link = class_resolved = variant_anaphor = False
            # A drug class with no named drug ("BRAF therapy", "EGFR TKIs") stands for the drugs the text names:
            # those of the sentences just before, else the study's drugs; with neither it is a class-level
            # statement, which is not a triple (TRIPLES.md).
            class_here = any(start <= c.start < end and _names_the_drugs(text, c) for c in classes)
            if s_variants and not s_drugs and not class_here and any(start <= c.start < end for c in classes):
                continue  # "a TKI", "second-generation EGFR TKIs": a class, not this text's drugs
            if s_variants and not s_drugs:
                if not study_drugs and not self._drugs_in_window(drugs, sentences, index):
                    continue  # no drug to take from before nor from the study
                cues = _sentence_cues(text, sentence, outcome_cues)
                if not cues:
                    continue
                previous = self._previous_drugs(
                    text, drugs, sentences, index, cues, class_here, len(doc.article.title)
                )
                if previous:
                    s_drugs, relapse_link = previous, True
                    class_resolved = class_here and not _DRUG_ANAPHOR.search(text, start, end)
                    evidence = (sentences[_index_of(previous[0].start, sentences)][0], end)
                elif study_drugs:
                    s_drugs = [DrugArg(-1, -1, d.name, d.drug_id, d.members) for d in study_drugs]
                    drug_inherited, class_resolved = True, class_here
            elif s_drugs and not s_variants:
                anaphor = _VARIANT_ANAPHOR.search(text, start, end)
                earlier = self._previous_variants(text, present, sentences, index) if anaphor else []
                if anaphor and earlier:
                    # "Although these mutations are associated with a 70% response rate to gefitinib ...": the
                    # variants named last, placed where the anaphor stands.
                    s_variants = [replace(v, start=anaphor.start(), end=anaphor.end()) for v in earlier]
                    variant_anaphor = True
                elif study_variant:
                    # The study's variant, introduced before (title or earlier sentence): "The patient responded".
                    first = next(v for v in present if v.key == study_variant)
                    if first.start < start:
                        s_variants, variant_inherited = [replace(first, start=-1, end=-1)], True
            if not s_variants or not s_drugs:
                continue
            if cues is None:
                cues = _sentence_cues(text, sentence, outcome_cues)
            if not cues:
                continue
            found.extend(
                self._sentence_candidates(
                    text,
                    sentence,
                    evidence,
                    s_variants,
                    s_drugs,
                    cues,
                    drug_inherited,
                    variant_inherited,
                    relapse_link,
                    title=index == 0 and bool(doc.article.title),
                    class_resolved=class_resolved,
                    variant_anaphor=variant_anaphor,
                )
            )
        triples: dict[tuple[str, str, str, str, str], Triple] = {}
        drug_counts = Counter(name for d in drugs for name in d.members)
        gene_counts = Counter(v.gene for v in present)
        sections: dict[int, str] = {}  # by sentence start: a sentence's candidates share its section
        for cand in found:
            # Document context: is the drug / gene what the paper is about, and where does the sentence stand.
            section = sections.get(cand.sentence[0])
            if section is None:
                section = sections[cand.sentence[0]] = _section(text, cand.sentence[0])
            cand.features["drug_focus"] = min(max(drug_counts[m] for m in cand.drug.members), 4) / 4.0
            cand.features["gene_focus"] = gene_counts[cand.variant.gene] / max(sum(gene_counts.values()), 1)
            cand.features["section_background"] = float(section in _BACKGROUND_SECTIONS)
            cand.features["section_conclusion"] = float(section in _CONCLUSION_SECTIONS)
            cand.features["section_methods"] = float(section in _METHODS_SECTIONS)
            # Where the sentence stands: background opens an abstract, results and conclusions close it.
            position = _index_of(cand.sentence[0], sentences)
            cand.features["position"] = position / max(len(sentences) - 1, 1) if position else 0.0
            named_here = bisect_left(drug_starts, cand.sentence[1]) - bisect_left(
                drug_starts, cand.sentence[0]
            )
            cand.features["drug_list"] = float(named_here > 2)
            confidence = self.model.probability(cand.features)
            disease, disease_id = _disease_for(cand.sentence, diseases)
            triple = Triple(
                pmid=doc.pmid,
                gene=cand.variant.gene,
                variant=cand.variant.variant,
                drug=cand.drug.name,
                significance=cand.significance,
                direction=cand.direction,
                gene_id=cand.variant.gene_id,
                variant_type=cand.variant.variant_type,
                drug_id=cand.drug.drug_id,
                disease=disease,
                disease_id=disease_id,
                response=cand.cue.response,
                confidence=round(confidence, 4),
                evidence=text[cand.evidence[0] : cand.evidence[1]].strip(),
                evidence_start=cand.evidence[0],
                evidence_end=cand.evidence[1],
                title=doc.article.title,
                year=doc.article.year,
                journal=doc.article.journal,
                extractor_version=EXTRACTOR_VERSION,
                features=tuple(sorted((k, f"{v:g}") for k, v in cand.features.items())),
            )
            key = (triple.gene, triple.variant, triple.drug, triple.significance, triple.direction)
            current = triples.get(key)
            if current is None:
                triples[key] = triple
                continue
            best = triple if triple.confidence > current.confidence else current
            # The most specific clinical class stated anywhere ("complete response" over "response").
            response = max((current.response, triple.response), key=_specificity)
            triples[key] = replace(best, response=response)
        return sorted(triples.values(), key=lambda t: (-t.confidence, t.gene, t.variant, t.drug))

    def _previous_drugs(
        self,
        text: str,
        drugs: Sequence[DrugArg],
        sentences: Sequence[tuple[int, int]],
        index: int,
        cues: Sequence[Cue],
        class_anaphor: bool = False,
        title_end: int = 0,
    ) -> list[DrugArg]:
        """The drugs a sentence without a named drug refers back to: in a relapse statement, the drugs the
        patient was on ("Sequencing at relapse showed ..."); with an anaphor ("these agents", "these cases of
        acquired resistance"), the drugs named last. Only the sentences just before are searched."""
        start, end = sentences[index]
        relapse = any(c.response == "acquired_resistance" for c in cues) and (
            _RELAPSE_EVENT.search(text, start, end) is not None
            or _RESISTANCE_ANAPHOR.search(text, start, end) is not None
        )
        if not relapse and not class_anaphor and _DRUG_ANAPHOR.search(text, start, end) is None:
            return []  # "known pathways of acquired resistance" refers to no drug of this text
        window_start = sentences[max(0, index - self.settings.cross_sentence_window)][0]
        if class_anaphor and not relapse and title_end:
            window_start = max(window_start, title_end)  # a class names no drug of a heading
        before = [d for d in drugs if window_start <= d.start < start]
        if not before:
            return []
        group = [before[-1]]
        for drug in reversed(before[:-1]):  # the whole coordination: "gefitinib and erlotinib"
            if _DRUG_COORDINATION.fullmatch(text[drug.end : group[0].start]):
                group.insert(0, drug)
            else:
                break
        return group

    def _drugs_in_window(
        self, drugs: Sequence[DrugArg], sentences: Sequence[tuple[int, int]], index: int
    ) -> bool:
        """Whether a drug is named in the sentences `_previous_drugs` searches (the widest window)."""
        window_start = sentences[max(0, index - self.settings.cross_sentence_window)][0]
        start = sentences[index][0]
        return any(window_start <= d.start < start for d in drugs)

    def _previous_variants(
        self, text: str, variants: Sequence[VariantArg], sentences: Sequence[tuple[int, int]], index: int
    ) -> list[VariantArg]:
        """The variants an anaphor ("these mutations") refers to: the last coordination of variants named in the
        sentences just before."""
        window_start = sentences[max(0, index - self.settings.cross_sentence_window)][0]
        before = [v for v in variants if window_start <= v.start < sentences[index][0]]
        if not before:
            return []
        groups = _variant_groups(text, before)
        last = groups[max(range(len(before)), key=lambda i: before[i].start)]
        chosen = [v for v, g in zip(before, groups, strict=True) if g == last]
        return list({v.key: v for v in chosen}.values())

    def _sentence_candidates(
        self,
        text: str,
        sentence: tuple[int, int],
        evidence: tuple[int, int],
        variants: Sequence[VariantArg],
        drugs: Sequence[DrugArg],
        cues: Sequence[Cue],
        drug_inherited: bool,
        variant_inherited: bool,
        relapse_link: bool,
        *,
        title: bool,
        class_resolved: bool = False,
        variant_anaphor: bool = False,
    ) -> list[_Candidate]:
        start, end = sentence
        sent_text = text[start:end]
        clauses = _clauses(text, sentence)
        concessive = _CONCESSIVE.match(text, start, end) is not None
        refutations = refutation_spans(text, start, end)
        no_claims = {_index_of(a, clauses) for a, _ in no_claim_spans(text, start, end)}
        hedged = bool(hedge_spans(text, start, end))
        aim = is_aim_or_method(sent_text)
        if aim:
            return []  # aims, methods and declined conclusions state no outcome
        enrolment = is_enrolment_only(sent_text)
        drug_clauses = {_index_of(d.start, clauses) for d in drugs if d.start >= 0}
        comparators = [(m.start() + start, m.end() + start) for m in _COMPARATOR.finditer(sent_text)]
        results: list[_Candidate] = []
        # "EGFR-mutant and T790M-positive": beside a specific variant of the same gene in one coordination, the
        # generic mutation is the background and the specific variant is what the statement is about.
        variant_groups = _variant_groups(text, variants)
        variants = [
            v
            for v, g in zip(variants, variant_groups, strict=True)
            if not (
                v.variant == "mutation"
                and v.start >= 0
                and any(
                    o.gene == v.gene and o.variant_type not in _NON_SPECIFIC and og == g
                    for o, og in zip(variants, variant_groups, strict=True)
                )
            )
        ]
        pairs = _pairs(text, variants, drugs)
        # Several variant groups and several drug groups in one sentence: the pairing is a guess.
        ambiguous = (
            len(set(_groups([(v.start, v.end) for v in variants if v.start >= 0], text))) > 1
            and len(set(_groups([(d.start, d.end) for d in drugs if d.start >= 0], text))) > 1
        )
        for j, drug in enumerate(drugs):
            relapse = [c for c in cues if c.response == "acquired_resistance"] if relapse_link else []
            attached: tuple[Cue, bool] | None
            if relapse:  # the drug before a relapse: the acquired-resistance cue
                attached = (max(relapse, key=lambda c: c.strength), False)
            elif relapse_link:  # "with these agents": the sentence's strongest cue
                attached = (max(cues, key=lambda c: (c.strength, -c.start)), False)
            elif drug.start >= 0:
                attached = _attach_cue(text, drug, cues, clauses, drug_clauses)
            else:
                strongest = max(cues, key=lambda c: (c.strength, -c.start))
                attached = (strongest, False)
            if attached is None:
                continue
            # A drug not named here (inherited, or "these agents") has no position to read its cue from: each
            # variant takes the strongest cue of its own clause ("patients with K-ras mutation had poor response,
            # whereas patients with high gene copy number had better outcomes").
            unanchored = drug.start < 0 or (relapse_link and not relapse)
            for i, var in enumerate(variants):
                if (i, j) not in pairs:
                    continue
                cue, bound = attached
                if unanchored and var.start >= 0:
                    own = [c for c in cues if _index_of(c.start, clauses) == _index_of(var.start, clauses)]
                    if own:
                        cue = max(own, key=lambda c: (c.strength, -c.start))
                cue_clause = _index_of(cue.start, clauses)
                if cue_clause in no_claims:
                    continue  # "prevents firm conclusions regarding ... efficacy": no claim is made
                refuted = any(_index_of(r[0], clauses) == cue_clause for r in refutations) and not cue.negated
                var_clause = _index_of(var.start, clauses) if var.start >= 0 else cue_clause
                if (
                    var.start >= 0
                    and drug.start >= 0
                    and var_clause != _index_of(drug.start, clauses)
                    and var_clause in drug_clauses
                    and any(_index_of(v.start, clauses) == _index_of(drug.start, clauses) for v in variants)
                ):
                    continue  # the variant has its own drug in its own clause
                if concessive and drug.start >= 0 and _index_of(drug.start, clauses) == 0 and var_clause != 0:
                    continue  # "Despite the activity of X in NSCLC, ...": the concession is about X in general
                significance: Significance = cue.significance
                if (
                    significance == "sensitivity"
                    and var.start >= 0
                    and any(
                        c_start > cue.start and var.start >= c_end and var.start - c_end < 60
                        for c_start, c_end in comparators
                    )
                    and any(v.start < var.start and v.gene == var.gene for v in variants if v is not var)
                ):
                    significance = "reduced_sensitivity"
                direction: Direction = "does_not_support" if refuted else "supports"
                distance = 0.0
                if var.start >= 0 and drug.start >= 0 and not relapse_link:
                    distance = min(_span_distance((var.start, var.end), (drug.start, drug.end)) / 100.0, 2.0)
                features = {
                    "cue_strength": cue.strength,
                    # A measure or descriptor without an outcome ("PFS", "toxicity", "sensitizing", "inhibition").
                    "cue_weak": float(cue.strength <= 0.5),
                    "bound": float(bound),
                    "drug_inherited": float(drug_inherited),
                    "relapse_link": float(relapse_link and bool(relapse)),
                    "anaphor_link": float(relapse_link and not relapse),
                    "variant_inherited": float(variant_inherited),
                    "gene_inferred": float(var.gene_inferred),
                    "synthesized": float(var.synthesized),
                    "hedged": float(hedged),
                    "aim": float(aim),
                    "enrolment": float(enrolment),
                    "refuted": float(refuted),
                    "title": float(title),
                    "distance": distance,
                    "ambiguous_pairing": float(ambiguous),
                    "var_clause_differs": float(var.start >= 0 and var_clause != cue_clause),
                    "class_resolved": float(class_resolved),
                    "variant_anaphor": float(variant_anaphor),
                }
                results.append(
                    _Candidate(var, drug, cue, significance, direction, sentence, evidence, features)
                )
        return results


_SECTION = re.compile(r"\b([A-Z][A-Z ]{2,40}[A-Z])\s*:\s")
_BACKGROUND_SECTIONS = frozenset(
    {
        "BACKGROUND",
        "INTRODUCTION",
        "PURPOSE",
        "OBJECTIVE",
        "OBJECTIVES",
        "AIM",
        "AIMS",
        "RATIONALE",
        "CONTEXT",
        "IMPORTANCE",
        "UNLABELLED",
    }
)
_METHODS_SECTIONS = frozenset(
    {
        "METHODS",
        "METHOD",
        "PATIENTS AND METHODS",
        "MATERIALS AND METHODS",
        "EXPERIMENTAL DESIGN",
        "DESIGN",
        "STUDY DESIGN",
        "SETTING",
        "PARTICIPANTS",
        "DESIGN SETTING AND PARTICIPANTS",
        "PATIENTS",
    }
)
_CONCLUSION_SECTIONS = frozenset(
    {
        "CONCLUSION",
        "CONCLUSIONS",
        "INTERPRETATION",
        "IMPLICATIONS FOR PRACTICE",
        "DISCUSSION",
        "SUMMARY",
        "CLINICAL RELEVANCE",
        "CONCLUSIONS AND RELEVANCE",
    }
)


def _section(text: str, offset: int) -> str:
    """The structured-abstract label in force at offset ("RESULTS"), or "" for unstructured text."""
    labels = [m.group(1) for m in _SECTION.finditer(text, 0, offset + 40) if m.start() <= offset + 2]
    return labels[-1].strip() if labels else ""


_COMPARATOR_BEFORE = re.compile(
    r"\b(?:than|compared\s+(?:with|to)|versus|vs\.?|over|relative\s+to)\s+(?:with\s+|those\s+(?:treated|receiving)"
    r"\s+(?:with\s+)?|(?:the\s+)?(?:[\w-]+\s+){0,2})?$",
    re.IGNORECASE,
)


def _without_comparators(text: str, drugs: list[DrugArg], sentence_start: int) -> list[DrugArg]:
    """Drop comparator arms ("more effective than erlotinib", "compared with docetaxel or pemetrexed")."""
    kept: list[DrugArg] = []
    dropping = False
    previous_end = -1
    for drug in drugs:
        coordinated = previous_end >= 0 and _DRUG_COORDINATION.fullmatch(text[previous_end : drug.start])
        if not coordinated:
            window = text[max(sentence_start, drug.start - 50) : drug.start]
            dropping = _COMPARATOR_BEFORE.search(window) is not None and drug.start - sentence_start > 0
        if not dropping:
            kept.append(drug)
        previous_end = drug.end
    return kept


_GENERIC_CLASS = re.compile(
    r"\b(?:a|an|any|other|another|various|several|many|new|novel|newer|next|first|second|third|later|"
    r"future|potential|investigational|experimental|alternative|multiple|generations?)\b[^.;,()]{0,25}$",
    re.IGNORECASE,
)


_DEFINITE = re.compile(r"\b(?:the|these|those|such|both|all|its|their)\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)


def _names_the_drugs(text: str, mention: Mention) -> bool:
    """Whether a class mention can stand for the drugs the text names ("with BRAF therapy", "the EGFR TKIs"):
    not an indefinite or contrasted class ("a TKI", "second-generation EGFR TKIs", "other inhibitors")."""
    before = text[max(0, mention.start - 30) : mention.start]
    if _GENERIC_CLASS.search(before) is not None or "generation" in mention.text.lower():
        return False
    # A bare plural is generic ("ALK inhibitors have shown efficacy in ..."); a definite one is not ("the
    # EGFR TKIs", "these inhibitors"), nor a mass noun ("with BRAF therapy").
    plural = re.search(r"(?:s|ies)\s*$", mention.text) is not None
    return not plural or _DEFINITE.search(before) is not None


def _study_drugs(text: str, drugs: Sequence[DrugArg]) -> list[DrugArg]:
    """The drugs a paper is about: its only drug, or the drug (or coordination of drugs, "erlotinib or
    gefitinib") named at least twice as often as any other; empty when no drug or coordination dominates."""
    groups = _groups([(d.start, d.end) for d in drugs], text)
    members: dict[int, list[DrugArg]] = {}
    for drug, group in zip(drugs, groups, strict=True):
        members.setdefault(group, []).append(drug)
    names = {g: frozenset(d.name for d in ds) for g, ds in members.items()}
    dominant = _dominant([names[g] for g in members])  # one count per mention of the drug or coordination
    if not dominant:
        return []
    first = next(g for g in members if names[g] == dominant)
    return list({d.name: d for d in members[first]}.values())


def _dominant(values: Sequence[Any]) -> Any:
    """The value a document is about: the only one, or one named at least twice as often as any other."""
    counts = Counter(values).most_common(2)
    if not counts:
        return None
    if len(counts) == 1 or counts[0][1] >= 2 * counts[1][1]:
        return counts[0][0]
    return None


_SPECIFIC_RESPONSES = (
    "complete_response",
    "partial_response",
    "stable_disease",
    "progressive_disease",
    "no_response",
    "acquired_resistance",
    "primary_resistance",
)


def _specificity(response: str) -> int:
    return (
        len(_SPECIFIC_RESPONSES) - _SPECIFIC_RESPONSES.index(response)
        if response in _SPECIFIC_RESPONSES
        else 0
    )


def _disease_for(sentence: tuple[int, int], diseases: Sequence[Mention]) -> tuple[str, str]:
    inside = [d for d in diseases if sentence[0] <= d.start < sentence[1]]
    chosen = inside[0] if inside else (diseases[0] if diseases else None)
    if chosen is None:
        return "", ""
    return (chosen.norm_name or chosen.text), chosen.norm_id


def extract_triples(
    docs: Iterable[AnnotatedDocument],
    *,
    min_confidence: float | None = None,
    settings: RelationSettings | None = None,
) -> Iterator[Triple]:
    """Triples from annotated documents, at or above the confidence threshold ([relations] min_confidence)."""
    extractor = RelationExtractor(settings)
    yield from extractor.extract_many(docs, min_confidence=min_confidence)
