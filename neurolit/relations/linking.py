"""Entity linking inside a document: variants to genes, gene-status phrases, coordination, drugs and
combinations.

Input is an AnnotatedDocument's mentions; output are the two argument types relation extraction pairs:
`VariantArg` (a gene with its alteration) and `DrugArg` (a named drug or a named combination). Drug classes
are never arguments: a class in apposition with a named drug ("the ALK inhibitor crizotinib") is resolved to
the drug, and a class-level statement with no named drug is not a triple (TRIPLES.md).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import accumulate

from neurolit.records import Mention


@dataclass(frozen=True, slots=True)
class VariantArg:
    start: int
    end: int
    gene: str
    gene_id: str
    variant: str  # display form written to the table: F1174L, amplification, mutation, exon 19 deletion, ...
    variant_type: str
    norm_id: str
    synthesized: bool = False  # built from a gene-status phrase ("EGFR-mutant"), not a Variant mention
    gene_inferred: bool = False  # the gene came from document context, not the sentence
    absent: bool = False  # "without EGFR mutation", "EGFR mutation-negative"

    @property
    def key(self) -> tuple[str, str]:
        return (self.gene, self.variant)


@dataclass(frozen=True, slots=True)
class DrugArg:
    start: int
    end: int
    name: str  # generic name, or "a + b" for a combination
    drug_id: str
    members: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LinkingSettings:
    fusion_genes: frozenset[str]
    positive_means_mutation: frozenset[str]
    excluded_drugs: frozenset[str]


#
# ----------------------------------------------------------------------------------------------------
# Variants

_EXON_EVENTS = {
    "del": "deletion",
    "ins": "insertion",
    "skipping": "skipping",
    "mutation": "mutation",
    "dup": "duplication",
}


def variant_display(mention: Mention) -> str:
    """The human-readable variant written to the evidence table, from the NER normalization."""
    norm = mention.norm_id.strip()
    if not norm:
        return mention.text.strip()
    if norm.startswith("p."):
        return norm[2:]
    if norm.startswith("EXON:"):
        match = re.fullmatch(r"EXON:(\d+)([a-z]+)", norm)
        if match:
            return f"exon {match.group(1)} {_EXON_EVENTS.get(match.group(2), match.group(2))}"
        return norm[5:]
    if norm.startswith("CNV:"):
        kind = norm[4:]
        return "amplification" if kind in {"amplification", "gain"} else kind
    if norm.startswith("FUSION:"):
        partners = norm[7:]
        return f"{partners} fusion" if "::" in partners else "fusion"
    if norm.startswith("GENERIC:"):
        return norm[8:] or "mutation"
    if norm.startswith("EXPR:"):
        return norm[5:]
    if norm.upper().startswith(("WT", "WILD")) or mention.variant_type == "wildtype":
        return "wild-type"
    return norm


def _fusion_kinase(norm_id: str, fusion_genes: frozenset[str]) -> str:
    partners = norm_id[7:].split("::") if norm_id.startswith("FUSION:") else []
    for partner in reversed(partners):
        if partner.upper() in fusion_genes:
            return partner.upper()
    return partners[-1].upper() if partners and partners[-1] else ""


_ABSENT_BEFORE = re.compile(
    r"(?:\bwithout|\bno(?!\s+(?:patients?|tumou?rs?|cases?|subjects?|one)\b)|\bnegative\s+for|\blacking|\bnon|\babsence\s+of|\bnot\s+harbou?ring|\bwild[\s-]?type|"
    r"\bneither|\bnor|\bother\s+than|\bif|\bwhether)"
    r"[\s-]+(?:[\w(),/-]+\s+){0,3}$",
    re.IGNORECASE,
)
_ABSENT_AFTER = re.compile(
    r"^[\s-]*(?:mutation[\s-]*|gene[\s-]*)?(?:negative|-negative|\bneg\b|wild[\s-]?type|"
    r"non-?mutated)",
    re.IGNORECASE,
)

# Gene-status phrases: the text right after a gene name that says what alteration it carries.
_STATUS_AFTER: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"^\)?(?:\s*gene)?[\s-]*(?:mutations?|mutants?|mutated|mut\b|-?MT\b|m\b(?![\s-]*rna))", re.I
        ),
        "mutation",
    ),
    (re.compile(r"^\)?(?:\s*gene)?[\s-]*(?:rearrange\w*|fusions?|fused|translocat\w*)", re.I), "fusion"),
    (
        re.compile(
            r"^\)?(?:\s*gene)?[\s-]*(?:amplification|amplified|copy[\s-]number\s+gains?|gains?\b|"
            r"copy[\s-]number)",
            re.I,
        ),
        "amplification",
    ),
    (re.compile(r"^[\s-]*wild[\s-]?type|^[\s-]*WT\b", re.I), "wild-type"),
    (re.compile(r"^\s*\)?[\s-]*(?:\+|positive\b)", re.I), "positive"),
)
_STATUS_BEFORE: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bwild[\s-]?type\s+$", re.I), "wild-type"),
    (
        re.compile(r"\b(?:mutations?|mutants?|alterations?)\s+(?:in|of|within)\s+(?:the\s+)?$", re.I),
        "mutation",
    ),
    (
        re.compile(r"\b(?:amplifications?|gains?|copy[\s-]number\s+gains?)\s+(?:in|of)\s+(?:the\s+)?$", re.I),
        "amplification",
    ),
    (re.compile(r"\b(?:high|increased|elevated)\s+$", re.I), "amplification?"),
    (
        re.compile(
            r"\b(?:rearrangements?|fusions?|translocations?)\s+(?:in|of|involving)\s+(?:the\s+)?$", re.I
        ),
        "fusion",
    ),
)
# The status patterns after a gene are all anchored at its end: one alternation, tried in the same order, finds
# the first that matches in one search (the group names the status). Both shortcuts are checked against the
# plain patterns by tests/relations/test_fast_paths.py: keep them in step when a status pattern changes.
_STATUS_AFTER_ONE = re.compile(
    "|".join(f"(?P<s{i}>{pattern.pattern})" for i, (pattern, _status) in enumerate(_STATUS_AFTER)), re.I
)
# Every status pattern before a gene ends with one of these words and whitespace: a cheap test on ASCII text
# tells most genes have none.
_STATUS_BEFORE_ENDINGS = ("type", "in", "of", "within", "the", "high", "increased", "elevated", "involving")
_GLUED_SYMBOL = re.compile(r"(?<![\w-])([A-Z][A-Z0-9]{1,6})\(?$")
_PROTEIN_STATUS = re.compile(r"[^.;]{0,40}?\b(?:immunohistochemi\w*|IHC|expression|staining|protein)\b", re.I)
_ALTERATION = re.compile(r"(?:[\w-]*\s+)?(?:alteration|altered|positive|\+)", re.I)
_HEAD_OF_GENE = re.compile(
    r"[\s-]*(?:mutations?|mutants?|substitutions?|alterations?)?\s+(?:in|of|within)\s+(?:the\s+)?(?:[\w-]+\s+)?",
    re.I,
)
_COPY_NUMBER_AFTER = re.compile(r"^(?:\s*gene)?[\s-]*(?:copy[\s-]number|cn\b)", re.I)
_MUTATION_AND_COPY = re.compile(
    r"[\s-]*mutations?\s+(?:and|or)\s+(?:high\s+)?(?:gene\s+)?copy[\s-]number", re.I
)
_BARE_COPY_NUMBER = re.compile(
    r"\b(?:increased|high|elevated|gain\s+in|increase\s+in)\s+(?:gene\s+)?copy[\s-]numbers?\b", re.I
)
_HEAD_NOUN_GAP = re.compile(r"[\s)\]-]{0,3}(?:gene[\s-]+)?", re.I)
_COORDINATION = re.compile(r"^\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+|/\s*)$", re.I)
_STATUS_DISPLAY = {
    "mutation": ("mutation", "generic", "GENERIC:mutation"),
    "fusion": ("fusion", "fusion", "FUSION:"),
    "amplification": ("amplification", "cnv", "CNV:amplification"),
    "wild-type": ("wild-type", "wildtype", "WT"),
}


_HYPHENATED_SYMBOL = re.compile(r"^([A-Z])-([A-Z]{2,})$")


@lru_cache(maxsize=65536)
def gene_symbol(name: str) -> str:
    """An upper-case gene symbol; "K-ras" and "N-RAS" written as KRAS and NRAS."""
    symbol = name.strip().upper()
    return _HYPHENATED_SYMBOL.sub(r"\1\2", symbol)


def _gene_symbol(mention: Mention) -> str:
    return gene_symbol(mention.norm_name or mention.text)


def _is_absent(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 40) : start]
    after = text[end : end + 30]
    return _ABSENT_BEFORE.search(before) is not None or _ABSENT_AFTER.search(after) is not None


def link_variants(
    text: str, mentions: Sequence[Mention], sentences: Sequence[tuple[int, int]], settings: LinkingSettings
) -> list[VariantArg]:
    """Every variant argument of the document: Variant mentions with their gene, plus gene-status phrases."""
    genes = sorted((m for m in mentions if m.label == "Gene"), key=lambda m: m.start)
    variants = sorted((m for m in mentions if m.label == "Variant"), key=lambda m: m.start)
    gene_counts = Counter(_gene_symbol(g) for g in genes)
    dominant = gene_counts.most_common(2)
    doc_gene = dominant[0][0] if dominant and (len(dominant) == 1 or dominant[0][1] > dominant[1][1]) else ""
    gene_ids = {_gene_symbol(g): g.norm_id for g in genes}

    args: list[VariantArg] = []
    covered: list[tuple[int, int, str]] = []
    for var in variants:
        if var.norm_id.startswith("FUSION:") and ": " in var.text:
            continue  # a section label read as a fusion partner ("RESULTS: EGFR")
        if "positiv" in var.text.lower() and _PROTEIN_STATUS.match(text, var.end, var.end + 60):
            continue  # "EGFR-positive tumors by immunohistochemistry": protein expression, not an alteration
        sentence = _sentence_of(var.start, sentences, len(text))
        gene, gene_id, inferred = gene_symbol(var.gene) if var.gene else "", var.gene_id, False
        if not gene and var.norm_id.startswith("FUSION:"):
            gene = _fusion_kinase(var.norm_id, settings.fusion_genes)
            gene_id = gene_ids.get(gene, "")
        if not gene:
            # "BRAFV600E", "BRAF(V600E)": the symbol written onto the variant.
            glued = _GLUED_SYMBOL.search(text, max(0, var.start - 12), var.start)
            if glued:
                gene = glued.group(1).upper()
                gene_id = gene_ids.get(gene, "")
        if not gene:
            nearest = _nearest_gene(var, genes, sentence)
            if nearest is not None:
                gene, gene_id = _gene_symbol(nearest), nearest.norm_id
        if not gene and doc_gene:
            gene, gene_id, inferred = doc_gene, gene_ids.get(doc_gene, ""), True
        if not gene:
            continue
        display = variant_display(var)
        if var.norm_id.startswith("FUSION:"):
            display = "fusion" if display == "fusion" else display
        args.append(
            VariantArg(
                var.start,
                var.end,
                gene,
                gene_id or gene_ids.get(gene, ""),
                display,
                var.variant_type or _type_of(var.norm_id),
                var.norm_id,
                gene_inferred=inferred,
                absent=_is_absent(text, var.start, var.end),
            )
        )
        covered.append((var.start, var.end, gene))

    # "T790M mutation", "L858R-mutant", "EML4-ALK gene mutations": the generic head noun of a specific variant
    # or of a fusion is not a second variant.
    specific = [a for a in args if a.variant_type not in {"generic", "cnv", "expression", "wildtype"}]
    args = [
        a
        for a in args
        if not (
            a.variant == "mutation"
            and any(
                s.gene == a.gene and s.end <= a.start and _HEAD_NOUN_GAP.fullmatch(text, s.end, a.start)
                for s in specific
            )
        )
    ]
    # "ROS1 alteration-positive", "RET-altered": for a fusion kinase the alteration is its rearrangement.
    args = [
        replace(a, variant="fusion", variant_type="fusion", norm_id="FUSION:")
        if (
            a.variant == "mutation"
            and a.gene in settings.fusion_genes
            and _ALTERATION.match(text, a.start, a.end + 20)
        )
        else a
        for a in args
    ]
    # Two readings of one fusion mention ("EML4/ALK fusion" as FUSION:EML4 and FUSION:ALK): keep the kinase.
    kinase_spans = {
        (a.start, a.end) for a in args if a.variant_type == "fusion" and a.gene in settings.fusion_genes
    }
    args = [
        a
        for a in args
        if not (
            a.variant_type == "fusion"
            and a.gene not in settings.fusion_genes
            and (a.start, a.end) in kinase_spans
        )
    ]
    # Gene-status phrases for genes no Variant mention covers ("EGFR-mutant", "ALK-rearranged").
    previous_status: tuple[int, str] | None = None  # (end offset of the gene, status) for coordination
    by_span = {(a.start, a.end, a.gene): a for a in args}
    for gene_mention in genes:
        symbol = _gene_symbol(gene_mention)
        covering = _covered(text, gene_mention, symbol, covered)
        if covering is not None:
            arg = by_span.get(covering)
            status = arg.variant if arg is not None else ""
            previous_status = (gene_mention.end, status) if status in _STATUS_DISPLAY else None
            if status == "mutation" and _MUTATION_AND_COPY.match(
                text, gene_mention.end, gene_mention.end + 60
            ):
                # "EGFR mutation and high gene copy number": the copy number belongs to the same gene.
                args.append(
                    VariantArg(
                        gene_mention.start,
                        gene_mention.end,
                        symbol,
                        gene_mention.norm_id,
                        "amplification",
                        "cnv",
                        "CNV:amplification",
                        synthesized=True,
                    )
                )
            continue
        statuses = _statuses(text, gene_mention, symbol, settings)
        if not statuses and previous_status is not None:
            gap = text[previous_status[0] : gene_mention.start]
            if _COORDINATION.match(gap):
                statuses = [previous_status[1]]
        previous_status = (gene_mention.end, statuses[0]) if statuses else None
        for status in statuses:
            display, vtype, norm = _STATUS_DISPLAY[status]
            absent = status != "wild-type" and _is_absent(text, gene_mention.start, gene_mention.end)
            args.append(
                VariantArg(
                    gene_mention.start,
                    gene_mention.end,
                    symbol,
                    gene_mention.norm_id,
                    display,
                    vtype,
                    norm,
                    synthesized=True,
                    absent=absent,
                )
            )
    # "mutations of the EGFR gene, increased gene copy number and ...": a copy-number phrase naming no gene is
    # about the gene named just before it in the same sentence.
    for match in _BARE_COPY_NUMBER.finditer(text) if _may_contain(text, "copy") else ():
        if any(a.start < match.end() and match.start() < a.end for a in args):
            continue
        sentence = _sentence_of(match.start(), sentences, len(text))
        before = [
            g
            for g in genes
            if sentence[0] <= g.start and g.end <= match.start() and match.start() - g.end < 80
        ]
        if before:
            owner = before[-1]
            args.append(
                VariantArg(
                    match.start(),
                    match.end(),
                    _gene_symbol(owner),
                    owner.norm_id,
                    "amplification",
                    "cnv",
                    "CNV:amplification",
                    synthesized=True,
                    absent=_is_absent(text, match.start(), match.end()),
                )
            )
    args.sort(key=lambda a: (a.start, a.end))
    return args


def _may_contain(text: str, word: str) -> bool:
    """Whether `text` may hold the lower-case ASCII `word` in any case: a test in one pass that lets a costly
    case-insensitive search over the whole text be skipped (exact on ASCII text; other text always may)."""
    return not text.isascii() or word in text.lower()


def _statuses(text: str, gene: Mention, symbol: str, settings: LinkingSettings) -> list[str]:
    after = text[gene.end : gene.end + 40]
    before = text[max(0, gene.start - 40) : gene.start]
    found: list[str] = []
    matched = _STATUS_AFTER_ONE.match(after)
    if matched is not None and matched.lastgroup is not None:
        status = _STATUS_AFTER[int(matched.lastgroup[1:])][1]
        if status == "positive":
            status = _positive_status(text, gene, symbol, settings)
        if status:
            found.append(status)
    if found and found[0] == "mutation" and _MUTATION_AND_COPY.match(after):
        found.append("amplification")
    if not found and (not before.isascii() or before.rstrip().lower().endswith(_STATUS_BEFORE_ENDINGS)):
        for pattern, status in _STATUS_BEFORE:
            if pattern.search(before):
                if status == "amplification?":
                    if not _COPY_NUMBER_AFTER.search(after):
                        continue
                    status = "amplification"
                found.append(status)
                break
    return found


def _positive_status(text: str, gene: Mention, symbol: str, settings: LinkingSettings) -> str:
    """What "ALK-positive" / "EGFR+" states for this gene, or "" for none."""
    if _PROTEIN_STATUS.match(text, gene.end, gene.end + 60):
        return ""  # "EGFR-positive tumors by immunohistochemistry": protein, not an alteration
    if symbol in settings.fusion_genes:
        return "fusion"
    if symbol in settings.positive_means_mutation:
        return "mutation"
    return ""


def _covered(
    text: str, gene: Mention, symbol: str, covered: Iterable[tuple[int, int, str]]
) -> tuple[int, int, str] | None:
    """The Variant mention (start, end, gene) that already states this gene's alteration, if any."""
    for start, end, linked in covered:
        if linked != symbol:
            continue
        if start <= gene.start < end or start < gene.end <= end:
            return (start, end, linked)
        if 0 <= start - gene.end <= 3 or 0 <= gene.start - end <= 12:
            return (start, end, linked)
        if 0 <= gene.start - end <= 40 and _HEAD_OF_GENE.fullmatch(text, end, gene.start):
            return (start, end, linked)  # "T790M mutation in the EGFR"
    return None


def _nearest_gene(var: Mention, genes: Sequence[Mention], sentence: tuple[int, int]) -> Mention | None:
    best: tuple[float, Mention] | None = None
    for gene in genes:
        if gene.start < sentence[0] or gene.end > sentence[1]:
            continue
        # "T790M mutation in EGFR": a following gene counts, a bit further away.
        distance = float(var.start - gene.end) if gene.end <= var.start else (gene.start - var.end) * 1.5
        if distance < 0:
            distance = 0.0
        if best is None or distance < best[0]:
            best = (distance, gene)
    return None if best is None else best[1]


def _type_of(norm_id: str) -> str:
    if norm_id.startswith("p."):
        return "substitution"
    for prefix, kind in (
        ("c.", "dna_change"),
        ("rs", "snp"),
        ("EXON:", "exon"),
        ("CNV:", "cnv"),
        ("FUSION:", "fusion"),
        ("GENERIC:", "generic"),
        ("EXPR:", "expression"),
    ):
        if norm_id.startswith(prefix):
            return kind
    return ""


def _sentence_of(offset: int, sentences: Sequence[tuple[int, int]], length: int) -> tuple[int, int]:
    for start, end in sentences:
        if start <= offset < end:
            return (start, end)
    return (0, length)


#
# ----------------------------------------------------------------------------------------------------
# Drugs

# A "drug" followed by a protein head noun is part of a protein name ("tyrosine kinase domain").
_PROTEIN_HEAD = re.compile(
    r"-\s*(?:(?:or|and)\s+[\w-]+-)?(?:pre-?treated|treated|naive|naïve|free|experienced)\b"  # prior treatment
    r"|-(?:based|containing|doublets?)\b|[\s-]+(?:kinases?|domains?|receptors?|residues?|phosphorylation|synthase|"
    r"transferase|hydroxylase|binding)\b",
    re.IGNORECASE,
)
_GENE_SUFFIX = re.compile(r"-?\d\b")
_ADD_ON = re.compile(
    r"\s*,?\s*(?:alone\s+or|or\s+without|with\s+or\s+without)\s+(?:combined\s+with|in\s+"
    r"combination\s+with|with|plus)\s*$",
    re.IGNORECASE,
)
_COMBINE = re.compile(
    r"^\s*(?:\+|plus|combined\s+with|in\s+combination\s+with|together\s+with|and|with)\s*$", re.IGNORECASE
)
_COMBINE_START = re.compile(
    r"^\s*(?:\+|plus|combined\s+with|in\s+combination\s+with|together\s+with)\s*$", re.IGNORECASE
)
_COMBINATION_BEFORE = re.compile(r"\bcombination\s+of\s+(?:the\s+)?$", re.IGNORECASE)
_COMBINE_CONTINUE = re.compile(r"^\s*(?:,\s*|and\s+|,\s*and\s+|\+\s*|plus\s+)$", re.IGNORECASE)


def link_drugs(text: str, mentions: Sequence[Mention], settings: LinkingSettings) -> list[DrugArg]:
    """Named drugs and named combinations ("dabrafenib plus trametinib"); classes are not arguments."""
    named = sorted((m for m in mentions if m.label == "Drug" and not m.is_class), key=lambda m: m.start)
    genes = _SpanIndex([(m.start, m.end) for m in mentions if m.label == "Gene"])
    named = [
        m
        for m in named
        if _drug_name(m) not in settings.excluded_drugs
        and not _PROTEIN_HEAD.match(text, m.end)
        and not _GENE_SUFFIX.match(text, m.end)  # "ROS-1", "PD-1": a gene, not a drug
        and not genes.overlaps(m.start, m.end)
        and not _undefined_short_form(text, m, mentions)
    ]
    args: list[DrugArg] = []
    index = 0
    while index < len(named):
        group = [named[index]]
        combination = False
        if index + 1 < len(named):
            gap = text[named[index].end : named[index + 1].start]
            before = text[max(0, named[index].start - 30) : named[index].start]
            # the anchored match first: it fails at once on most gaps, the search scans the words before
            if _COMBINE_START.match(gap) or (_COMBINE.match(gap) and _COMBINATION_BEFORE.search(before)):
                combination = True
        if combination:
            cursor = index + 1
            while cursor < len(named):
                gap = text[group[-1].end : named[cursor].start]
                if not (_COMBINE.match(gap) or _COMBINE_CONTINUE.match(gap)):
                    break
                group.append(named[cursor])
                cursor += 1
        members = tuple(dict.fromkeys(_drug_name(m) for m in group))
        if len(members) > 1:
            args.append(
                DrugArg(
                    group[0].start,
                    group[-1].end,
                    " + ".join(members),
                    ";".join(m.norm_id for m in group if m.norm_id),
                    members,
                )
            )
        else:
            first = group[0]
            args.append(DrugArg(first.start, first.end, members[0], first.norm_id, members))
            if index + 1 < len(named) and _ADD_ON.match(text[first.end : named[index + 1].start]):
                # "Dabrafenib, alone or combined with trametinib": the single agent and the combination.
                partner = named[index + 1]
                pair = (members[0], _drug_name(partner))
                ids = ";".join(i for i in (first.norm_id, partner.norm_id) if i)
                args.append(DrugArg(first.start, partner.end, " + ".join(pair), ids, pair))
                index += 1
        index += len(group)
    return args


class _SpanIndex:
    """Spans sorted by start with the running maximum of their ends: whether any overlaps [start, end) is one
    binary search instead of a scan of every span."""

    __slots__ = ("max_ends", "starts")

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self.starts = [a for a, _ in ordered]
        self.max_ends = list(accumulate((b for _, b in ordered), max))

    def overlaps(self, start: int, end: int) -> bool:
        before = bisect_left(self.starts, end)  # the spans starting before `end`
        return before > 0 and self.max_ends[before - 1] > start


_SHORT_FORM = re.compile(r"[A-Z]{2,5}")


def _undefined_short_form(text: str, mention: Mention, mentions: Sequence[Mention]) -> bool:
    """An all-capital short form ("SCC") that a dictionary expands to a drug the document never names: in
    oncology abstracts such letters are far more often an abbreviation of something else (a tumour type, a
    trial) than a drug, and a drug abbreviation is normally defined next to its full name. A short form the text
    defines stays a drug unless its definition is another entity ("squamous cell carcinoma (SCC)")."""
    short = mention.text.strip()
    if not _SHORT_FORM.fullmatch(short) or mention.source == "abbreviation":
        return False
    definition = text.find(f"({short})")
    if definition >= 0:
        return any(
            m.label in {"Disease", "Gene"} and 0 <= definition - m.end <= 2 for m in mentions
        )  # "squamous cell carcinoma (SCC)" defines a disease; "all-trans retinoic acid (ATRA)" a drug
    name = (mention.norm_name or "").strip().lower()
    return bool(name) and name != mention.text.strip().lower() and name not in text.lower()


def _drug_name(mention: Mention) -> str:
    return (mention.norm_name or mention.text).strip().lower()
