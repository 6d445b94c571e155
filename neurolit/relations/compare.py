"""Comparing extracted triples with curator gold, exactly as TRIPLES.md defines it.

Per PMID, at three levels: pair (gene, drug); triple (+ variant); full (+ significance + direction). Before
comparing, gene symbols are upper-cased; drugs lower-cased, development codes mapped to generic names and
combinations compared as sorted sets; variants normalized (``p.`` dropped, three-letter amino acids to one
letter, exon events compacted, any fusion = "fusion", gain = "amplification", any generic mutation =
"mutation").
Precision, recall and F1 are computed over the sets of such keys. Reusable by every evaluation and by CIViC
marking (`neurolit.evidence.civic`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from neurolit.metrics import Counts
from neurolit.ner.variant_normalize import AA3_TO_1
from neurolit.records import Triple

LEVELS = ("pair", "triple", "full")

_THREE_TO_ONE = AA3_TO_1
_THREE_RE = re.compile(r"(" + "|".join(_THREE_TO_ONE) + r")", re.IGNORECASE)
_EXON = re.compile(
    r"exon[\s:_-]*(\d+)[\s_-]*(deletions?|del|insertions?|ins|skipping|skip|duplications?|dup|"
    r"mutations?|mut|alterations?)?",
    re.IGNORECASE,
)
_EXON_KINDS = {
    "del": "del",
    "deletion": "del",
    "deletions": "del",
    "ins": "ins",
    "insertion": "ins",
    "insertions": "ins",
    "skipping": "skipping",
    "skip": "skipping",
    "dup": "ins",
    "duplication": "ins",
    "duplications": "ins",
    "mutation": "mutation",
    "mutations": "mutation",
    "mut": "mutation",
    "alteration": "mutation",
    "alterations": "mutation",
}
_FUSION = re.compile(r"fusion|rearrange|translocat|::|\bfused\b", re.IGNORECASE)
_AMPLIFICATION = re.compile(r"amplif|\bgain|copy[\s-]*number|\bcnv:amp", re.IGNORECASE)
_GENERIC = re.compile(
    r"^(?:generic:)?(?:activating\s+|sensitizing\s+|somatic\s+|oncogenic\s+)?"
    r"(?:mutation|mutations|mutant|mutants|mutated|mutation[\s-]positive|alteration|"
    r"alterations)$",
    re.IGNORECASE,
)
_WILD = re.compile(r"^(?:wt(?::wild-type)?|wild[\s-]?type|wildtype)$", re.IGNORECASE)
_PROTEIN = re.compile(r"^([A-Z*])(\d+)([A-Z*]|fs\*?\d*|del|ins\w*|dup)$")


def normalize_gene(gene: str) -> str:
    return gene.strip().upper()


def normalize_variant(variant: str) -> str:
    """The comparison form of a variant (TRIPLES.md): F1174L, exon19del, fusion, amplification, ..."""
    text = variant.strip()
    if not text:
        return ""
    if _WILD.match(text):
        return "wild-type"
    if _FUSION.search(text) or text.upper().startswith("FUSION:"):
        return "fusion"
    exon = _EXON.search(text)
    if exon:
        kind = _EXON_KINDS.get((exon.group(2) or "mutation").lower(), "mutation")
        return f"exon{exon.group(1)}{kind}"
    if _AMPLIFICATION.search(text):
        return "amplification"
    if _GENERIC.match(text):
        return "mutation"
    if text.lower().startswith("cnv:"):
        return text[4:].lower()
    if text.lower().startswith(("expr:", "generic:")):
        return text.split(":", 1)[1].lower()
    core = text[2:] if text.startswith("p.") else text
    core = core.replace("(", "").replace(")", "")
    three = re.fullmatch(r"([A-Za-z]{3})(\d+)([A-Za-z]{3}|\*|=)", core)
    if three and three.group(1).lower() in _THREE_TO_ONE:
        alt = three.group(3)
        alt_one = _THREE_TO_ONE.get(alt.lower(), alt)
        return f"{_THREE_TO_ONE[three.group(1).lower()]}{three.group(2)}{alt_one}"
    if _PROTEIN.match(core):
        return core
    return core.lower() if not core.startswith("c.") else core


def normalize_drug(drug: str, aliases: Mapping[str, str] | None = None) -> str:
    """Lower-cased generic name; a combination becomes its members, sorted, joined by " + "."""
    parts = re.split(r"\s*(?:\+|\bplus\b|\band\b|\bwith\b|,|/)\s*", drug.strip().lower())
    names = []
    for part in parts:
        # "ado-trastuzumab emtansine" = "trastuzumab emtansine": the FDA's distinguishing prefixes.
        name = re.sub(r"^(?:ado|fam|nab)-", "", part.strip())
        if not name:
            continue
        if aliases:
            name = aliases.get(name, aliases.get(re.sub(r"[\s-]", "", name), name))
        names.append(name)
    return " + ".join(sorted(set(names)))


def key(
    triple: Triple | Mapping[str, str], level: str, aliases: Mapping[str, str] | None = None
) -> tuple[str, ...]:
    """The comparison key of a triple (a Triple or a gold row with gene/variant/drug/response/direction)."""
    significance: str
    direction: str
    if isinstance(triple, Triple):
        pmid, gene, variant, drug = triple.pmid, triple.gene, triple.variant, triple.drug
        significance, direction = triple.significance, triple.direction
    else:
        pmid, gene, variant, drug = (str(triple.get(k, "")) for k in ("pmid", "gene", "variant", "drug"))
        significance = str(triple.get("significance") or triple.get("response") or "")
        direction = str(triple.get("direction", "supports"))
    pair = (str(pmid), normalize_gene(gene), normalize_drug(drug, aliases))
    if level == "pair":
        return pair
    with_variant = (*pair, normalize_variant(variant))
    if level == "triple":
        return with_variant
    if level == "full":
        return (*with_variant, significance, direction)
    raise ValueError(f"unknown comparison level {level!r}; use one of {', '.join(LEVELS)}")


@dataclass(frozen=True)
class Comparison:
    scores: Mapping[str, Counts]
    confusion: Mapping[tuple[str, str], int] = field(
        default_factory=dict
    )  # (gold, predicted) on matched triples
    direction_right: int = 0
    direction_total: int = 0
    false_positives: tuple[tuple[str, ...], ...] = ()
    false_negatives: tuple[tuple[str, ...], ...] = ()


def compare(
    predicted: Iterable[Triple], gold: Iterable[Mapping[str, str]], aliases: Mapping[str, str] | None = None
) -> Comparison:
    """Score predicted triples against gold rows {pmid, gene, variant, drug, response, direction}."""
    pred_list = list(predicted)
    gold_list = [g for g in gold if not g.get("none")]
    scores: dict[str, Counts] = {}
    fps: tuple[tuple[str, ...], ...] = ()
    fns: tuple[tuple[str, ...], ...] = ()
    for level in LEVELS:
        p = {key(t, level, aliases) for t in pred_list}
        g = {key(t, level, aliases) for t in gold_list}
        scores[level] = Counts.of_sets(p, g)
        if level == "full":
            fps, fns = tuple(sorted(p - g)), tuple(sorted(g - p))
    # Significance confusion and direction on triples (gene, variant, drug) found in both.
    gold_sig: dict[tuple[str, ...], set[tuple[str, str]]] = {}
    for row in gold_list:
        full = key(row, "full", aliases)
        gold_sig.setdefault(full[:4], set()).add((full[4], full[5]))
    pred_sig: dict[tuple[str, ...], set[tuple[str, str]]] = {}
    for triple in pred_list:
        full = key(triple, "full", aliases)
        pred_sig.setdefault(full[:4], set()).add((full[4], full[5]))
    confusion: Counter[tuple[str, str]] = Counter()
    right = total = 0
    for triple_key, gold_values in gold_sig.items():
        if triple_key not in pred_sig:
            continue
        predicted_values = pred_sig[triple_key]
        for gold_value in gold_values:
            chosen = gold_value if gold_value in predicted_values else sorted(predicted_values)[0]
            confusion[(gold_value[0], chosen[0])] += 1
            total += 1
            right += int(_polarity(gold_value) == _polarity(chosen))
    return Comparison(scores, dict(confusion), right, total, fps, fns)


def _polarity(value: tuple[str, str]) -> str:
    """Sensitivity vs resistance, with does_not_support read as its own class."""
    significance, direction = value
    side = "sensitivity" if significance == "sensitivity" else "resistance"
    if significance == "adverse_response":
        side = "adverse"
    return f"{side}/{direction}"
