"""Highlighting without injecting markup: text is cut into segments, each tagged with what it shows.

The templates print every segment's text through Jinja2's autoescaping and wrap tagged ones in a <mark>, so
whatever a title, abstract or sentence contains (``<script>``, ``<img onerror>``) is shown as text, never run.
Spans are found by case-insensitive search of the triple's own fields (and a few surface forms of the
normalized variant and of the response class), bounded so that "ALK" does not light up inside "ALKBH".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from neurolit.records import Article, Triple

KINDS: tuple[str, ...] = ("gene", "variant", "drug", "outcome")

_RESPONSE_CUES: dict[str, tuple[str, ...]] = {
    "complete_response": ("complete response", "complete remission", "complete metabolic response"),
    "partial_response": ("partial response", "partial remission"),
    "stable_disease": ("stable disease",),
    "progressive_disease": ("progressive disease", "disease progression", "progression", "progressed"),
    "no_response": (
        "no response",
        "no clinical response",
        "did not respond",
        "failed to respond",
        "refractory",
    ),
    "acquired_resistance": ("acquired resistance", "acquired", "resistance", "relapse", "relapsed"),
}
_SIGNIFICANCE_CUES: dict[str, tuple[str, ...]] = {
    "sensitivity": ("sensitivity", "sensitive", "response", "responded", "responsive", "benefit", "efficacy"),
    "resistance": ("resistance", "resistant", "refractory", "no response", "progression"),
    "reduced_sensitivity": ("reduced sensitivity", "less sensitive", "decreased sensitivity"),
    "adverse_response": ("toxicity", "adverse", "toxic"),
}
_VARIANT_FORMS: dict[str, tuple[str, ...]] = {
    "amplification": ("amplification", "amplified", "copy number gain", "gain"),
    "deletion": ("deletion", "deleted", "loss"),
    "mutation": ("mutation", "mutations", "mutated", "mutant", "mutation-positive"),
    "fusion": ("fusion", "fusions", "rearrangement", "rearranged", "translocation"),
    "overexpression": ("overexpression", "overexpressed"),
    "wild-type": ("wild-type", "wild type", "wildtype"),
}


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of text; `kind` is '' or one of KINDS; `evidence` marks the evidence sentence in context."""

    text: str
    kind: str = ""
    evidence: bool = False

    @property
    def css(self) -> str:
        classes = [f"hl-{self.kind}"] if self.kind else []
        if self.evidence:
            classes.append("ev")
        return " ".join(classes)


def variant_forms(variant: str) -> list[str]:
    """Surface forms under which a (possibly normalized) variant may appear in text."""
    value = variant.strip()
    forms = [value]
    category, _, rest = value.partition(":")
    if rest and category.isupper():
        forms.append(rest)
        if category == "FUSION":
            partners = [part for part in rest.split("::") if part]
            forms.extend(["-".join(partners), "–".join(partners), *_VARIANT_FORMS["fusion"]])
        if category == "EXON":
            match = re.match(r"(\d+)(del|ins|skipping|dup)", rest)
            if match:
                word = {"del": "deletion", "ins": "insertion", "skipping": "skipping", "dup": "duplication"}
                forms.extend(
                    [f"exon {match[1]} {word[match[2]]}", f"exon{match[1]}{match[2]}", f"exon {match[1]}"]
                )
        value = rest
    for prefix in ("p.", "c.", "g."):
        if value.startswith(prefix):
            forms.append(value[len(prefix) :])
    forms.extend(_VARIANT_FORMS.get(value.lower(), ()))
    return [form for form in dict.fromkeys(forms) if form]


def drug_forms(drug: str) -> list[str]:
    parts = [part.strip() for part in re.split(r"\s*(?:\+|/|,| and )\s*", drug) if part.strip()]
    return list(dict.fromkeys([drug.strip(), *parts]))


def outcome_forms(triple: Triple, text: str) -> list[str]:
    """Cues of the triple's response class when the text has one, else cues of its significance."""
    lowered = text.lower()
    specific = [cue for cue in _RESPONSE_CUES.get(triple.response, ()) if cue in lowered]
    return specific or list(_SIGNIFICANCE_CUES.get(triple.significance, ()))


def triple_terms(triple: Triple, text: str) -> list[tuple[str, list[str]]]:
    return [
        ("gene", [triple.gene]),
        ("variant", variant_forms(triple.variant)),
        ("drug", drug_forms(triple.drug)),
        ("outcome", outcome_forms(triple, text)),
    ]


def find_spans(text: str, terms: Iterable[tuple[str, Sequence[str]]]) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, kind) spans; earlier kinds and longer matches win overlaps."""
    found: list[tuple[int, int, int, str]] = []
    for rank, (kind, forms) in enumerate(terms):
        for form in forms:
            if not form.strip():
                continue
            pattern = re.compile(
                r"(?<![A-Za-z0-9])" + re.escape(form) + r"(?:e?s)?(?![A-Za-z0-9])", re.IGNORECASE
            )
            for match in pattern.finditer(text):
                found.append((match.start(), match.end(), rank, kind))
    found.sort(key=lambda span: (span[0], -(span[1] - span[0]), span[2]))
    chosen: list[tuple[int, int, str]] = []
    taken_until = -1
    for start, end, _rank, kind in found:
        if start >= taken_until:
            chosen.append((start, end, kind))
            taken_until = end
    return chosen


def segments(
    text: str, spans: Sequence[tuple[int, int, str]], evidence: tuple[int, int] | None = None
) -> list[Segment]:
    """Cut `text` at every span boundary (and at the evidence sentence's bounds)."""
    cuts = {0, len(text)}
    for start, end, _kind in spans:
        cuts.update((start, end))
    if evidence is not None:
        cuts.update(evidence)
    kinds: dict[int, str] = {start: kind for start, _end, kind in spans}
    ends: dict[int, int] = {start: end for start, end, _kind in spans}
    result: list[Segment] = []
    ordered = sorted(cut for cut in cuts if 0 <= cut <= len(text))
    active_kind, active_end = "", -1
    for left, right in pairwise(ordered):
        if left in kinds:
            active_kind, active_end = kinds[left], ends[left]
        if left >= active_end:
            active_kind = ""
        in_evidence = evidence is not None and evidence[0] <= left < evidence[1]
        piece = text[left:right]
        if piece:
            result.append(Segment(piece, active_kind, in_evidence))
    return result


def sentence_segments(triple: Triple) -> list[Segment]:
    """The evidence sentence with gene, variant, drug and outcome marked."""
    return segments(triple.evidence, find_spans(triple.evidence, triple_terms(triple, triple.evidence)))


def locate_evidence(text: str, triple: Triple) -> tuple[int, int] | None:
    """Where the evidence sentence sits in the article text (offsets first, then by search)."""
    start, end = triple.evidence_start, triple.evidence_end
    if triple.evidence and 0 <= start < end <= len(text) and text[start:end] == triple.evidence:
        return (start, end)
    if triple.evidence:
        found = text.find(triple.evidence)
        if found >= 0:
            return (found, found + len(triple.evidence))
    return None


def context_segments(article: Article, triple: Triple) -> tuple[list[Segment], list[Segment]]:
    """Title and abstract as segments: the evidence sentence marked, the triple's fields highlighted in it."""
    text = article.text
    where = locate_evidence(text, triple)
    spans: list[tuple[int, int, str]] = []
    if where is not None:
        sentence = text[where[0] : where[1]]
        found = find_spans(sentence, triple_terms(triple, sentence))
        spans = [(start + where[0], end + where[0], kind) for start, end, kind in found]
    parts = segments(text, spans, where)
    cut = len(article.title)
    title: list[Segment] = []
    abstract: list[Segment] = []
    position = 0
    for part in parts:
        end = position + len(part.text)
        if end <= cut:
            title.append(part)
        elif position >= cut:
            abstract.append(part)
        else:
            title.append(Segment(part.text[: cut - position], part.kind, part.evidence))
            abstract.append(Segment(part.text[cut - position :], part.kind, part.evidence))
        position = end
    if abstract and abstract[0].text.startswith("\n"):
        first = abstract[0]
        abstract[0] = Segment(first.text[1:], first.kind, first.evidence)
        if not abstract[0].text:
            abstract.pop(0)
    return title, abstract
