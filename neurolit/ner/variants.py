"""Variant mentions: find them in text (grammar in `variant_grammar`), normalize them, and link them to genes.

Pure functions over text, no spaCy: ``find_variants(text)`` returns every candidate with exact offsets into
the text it was given; ``link_variants(text, variants, genes)`` attaches the gene the text links each variant
to ("ALK F1174L", "F1174L-mutated ALK", "mutations in ALK (F1174L, R1275Q)", "EGFR exon 19 deletion",
"BRAF(V600E)", "EML4-ALK" → ALK, "amplification of CDK4 and FGFR1" → one variant per gene).

Gene-dependent candidates (generic "mutation", copy number, fusion keywords, overexpression, wild-type) come
back with ``requires_gene=True``; they mean something only once linked, so a caller keeps them only when
``gene`` is set.
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from neurolit.errors import ConfigError, ModelError
from neurolit.ner.outcomes import folded, top_level_alternation
from neurolit.ner.variant_grammar import (
    GATE_LEADS,
    GATE_PREFILTERS,
    GATES,
    PSTART,
    RULES,
    START,
    Lead,
    Rule,
    fusion_target,
)

if TYPE_CHECKING:
    from neurolit.config import Config

GeneSpan = tuple[int, int, str, str]  # start, end, symbol, NCBI Gene ID


@dataclass(frozen=True, slots=True)
class VariantMatch:
    start: int
    end: int
    text: str
    variant_type: str
    normalized: str
    gene: str = ""
    gene_id: str = ""
    # generic, cnv, codon, fusion keyword, expression, wild-type: meaningful only once linked to a gene
    requires_gene: bool = False
    # how the gene was attached: adjacent ("ALK F1174L", "mutations in ALK", coordination, lists, brackets),
    # fusion (the targeted partner), hotspot (a known variant of a gene the abstract names elsewhere),
    # document (the abstract's only candidate gene); "" when unlinked
    linked_by: str = ""


SPECIFIC_TYPES = frozenset({"substitution", "dna_change", "snp", "indel", "frameshift", "nonsense", "exon"})

# "figure 2C", "Table S1A": one-letter shapes right after these words are references, not variants.
_REFERENCE_BEFORE = re.compile(
    r"(?:\b(?:[Ff]ig(?:ure)?s?|[Tt]ables?|[Ss]upp\w*|[Pp]anels?|[Ll]anes?)\.?\s*)$"
)
_SLASH_ALT = re.compile(r"/([ACDEFGHIKLMNPQRSTVWY])")
_ADJACENT_GAP = re.compile(r"[\s\-]{0,2}")


def find_variants(text: str) -> list[VariantMatch]:
    """Every variant mention in `text`, left to right, non-overlapping (longest candidate wins)."""
    if not text:
        return []
    candidates: list[tuple[int, int, int, str, str, bool, str]] = []
    lower = text.lower()
    ascii_ = text.isascii()
    gates = _GateHits(text, lower)
    for index, (rule, scanner) in enumerate(zip(RULES, _scanners(), strict=True)):
        if not all(gates.hit(gate) for gate in rule.requires):  # the rarer gates first
            continue
        if rule.leads_first and (ascii_ or not rule.leads[0].on_lower) and not gates.starts(rule.leads):
            continue
        if not rule.windowed and rule.gate and not gates.hit(rule.gate):
            continue
        if rule.at_hits:
            matches = _match_at(rule, text, [start for start, _ in gates.hits(rule.gate)])
        else:
            spans = gates.windows(rule.gate) if rule.windowed else [(0, len(text))]
            matches = _rule_matches(rule, scanner, gates, ascii_, spans)
        for m in matches:
            if rule.name == "protein_slash_alts":
                candidates.append((m.start(), m.end(), index, "substitution", "", False, "slash"))
                continue
            built = rule.build(m)
            if built is None:
                continue
            start, end = m.span("span") if "span" in rule.pattern.groupindex and m["span"] else m.span()
            start, end = _balance(text, start, end)
            if (
                rule.name in ("protein_1", "protein_position_pair")
                and not text.startswith("p.", start)
                and _REFERENCE_BEFORE.search(text[max(0, start - 16) : start])
            ):
                continue
            glued = f"gene:{m['prefix']}" if rule.name == "protein_glued" else ""
            candidates.append((start, end, index, built[0], built[1], rule.requires_gene, glued))
    # Longest first, then rule order; keep candidates that do not overlap an accepted one.
    candidates.sort(key=lambda c: (-(c[1] - c[0]), c[2], c[0]))
    taken: list[tuple[int, int]] = []  # accepted spans, sorted and pairwise disjoint
    accepted: list[tuple[int, int, int, str, str, bool, str]] = []
    for cand in candidates:
        at = bisect_left(taken, (cand[0], cand[1]))
        if (at > 0 and taken[at - 1][1] > cand[0]) or (at < len(taken) and taken[at][0] < cand[1]):
            continue
        insort(taken, (cand[0], cand[1]))
        accepted.append(cand)
    accepted.sort(key=lambda c: (c[0], c[1]))
    out: list[VariantMatch] = []
    for start, end, _, vtype, norm, needs_gene, special in accepted:
        if special == "slash":
            out.extend(_expand_slash(text, start, end))
            continue
        gene = special[5:] if special.startswith("gene:") else ""  # "BRAFV600E": the gene is in the token
        out.append(
            VariantMatch(
                start,
                end,
                text[start:end],
                vtype,
                norm,
                gene=gene,
                requires_gene=needs_gene,
                linked_by="adjacent" if gene else "",
            )
        )
    return _drop_redundant_generic(text, out)


# Faster scans with the same matches (each a match of the rule's own pattern at the same offsets):
# - rules written for re.IGNORECASE run case-sensitively over the lower-cased text when it is ASCII (`folded`);
# - these rules run without their leading lookbehind, tested in Python at each hit: a pattern that starts with
#   a lookbehind is tried at every position, one that starts with a character class is skipped ahead to the
#   next possible first character by the regex engine (measured 2-20x faster for these; slower for the others).
_STRIP_LOOKBEHIND = frozenset(
    {
        "dna_hgvs_sub",
        "dna_hgvs_sub_rev",
        "dna_hgvs_edit",
        "ivs",
        "dna_nuc_pos_nuc",
        "protein_indel_bare",
        "protein_codon_first",
        "protein_slash_alts",
        "protein_position_pair",
        "codon",
        "fusion_positive",
        "fusion_pair",
    }
)
_LOOKBEHINDS = (PSTART, START, r"(?<![\w-])", r"(?<![\w])")
# (the pattern to search, the leading lookbehind it left out, whether it searches the lower-cased text)
Scanner = tuple["re.Pattern[str] | None", "re.Pattern[str] | None", bool]


@cache
def _scanners() -> tuple[Scanner, ...]:
    out: list[Scanner] = []
    for rule in RULES:
        pattern = rule.pattern.pattern
        if rule.pattern.flags & re.IGNORECASE:
            try:
                out.append((folded(pattern), None, True))
                continue
            except ValueError:  # a pattern lower-casing would change: the plain scan
                pass
        prefix = next((p for p in _LOOKBEHINDS if pattern.startswith(p)), "")
        if rule.name in _STRIP_LOOKBEHIND and prefix and not top_level_alternation(pattern):
            out.append((re.compile(pattern[len(prefix) :]), re.compile(prefix), False))
            continue
        out.append((None, None, False))
    return tuple(out)


def _scan(
    rule: Rule, scanner: Scanner, text: str, lower: str, ascii_: bool, lo: int, hi: int
) -> list[re.Match[str]]:
    """``list(rule.pattern.finditer(text, lo, hi))``, found faster by the rule's `_scanners` entry."""
    fast, lookbehind, on_lower = scanner
    if fast is None or (on_lower and not ascii_):
        return list(rule.pattern.finditer(text, lo, hi))
    scanned = lower if on_lower else text
    out: list[re.Match[str]] = []
    pos = lo
    while (hit := fast.search(scanned, pos, hi)) is not None:
        at = hit.start()
        if lookbehind is not None and lookbehind.match(scanned, at) is None:
            pos = at + 1
            continue
        m = rule.pattern.match(text, at, hi)
        if m is None or m.end() != hit.end() or m.end() == at:
            # not expected (the same pattern at the same place); empty matches: left to finditer's rules
            return list(rule.pattern.finditer(text, lo, hi))
        out.append(m)
        pos = m.end()
    return out


class _GateHits:
    """The gates of one text, each searched at most once: whether it hits, and the windows around its hits.

    A gate with `GATE_LEADS` is tried only where its leads allow; one whose `GATE_PREFILTERS` condition fails
    is known not to hit without searching for it.
    """

    def __init__(self, text: str, lower: str) -> None:
        self.text, self.lower = text, lower
        self._hit: dict[str, bool] = {}
        self._hits: dict[str, list[tuple[int, int]]] = {}
        self._windows: dict[str, list[tuple[int, int]]] = {}
        self._found: dict[tuple[int, bool], list[int]] = {}  # where a lead's pattern (`Lead.key`) occurs
        self._starts: dict[int, list[int]] = {}  # id(leads) → where the patterns with these leads can start

    def hit(self, gate: str) -> bool:
        if gate not in self._hit:
            if gate in self._hits or gate in GATE_LEADS:
                self._hit[gate] = bool(self.hits(gate))
            else:
                pattern, on_lower = GATES[gate]
                searched = self.lower if on_lower else self.text
                self._hit[gate] = self._may_hit(gate) and pattern.search(searched) is not None
        return self._hit[gate]

    def hits(self, gate: str) -> list[tuple[int, int]]:
        """The (start, end) of the gate's hits: those its finditer finds."""
        if gate not in self._hits:
            pattern, on_lower = GATES[gate]
            searched = self.lower if on_lower else self.text
            found: list[re.Match[str]] | None = []
            if gate in GATE_LEADS:
                found = _finditer_at(pattern, searched, self.starts(GATE_LEADS[gate]))
            elif self._may_hit(gate):
                found = None
            if found is None:
                found = list(pattern.finditer(searched))
            self._hits[gate] = [m.span() for m in found]
        return self._hits[gate]

    def windows(self, gate: str) -> list[tuple[int, int]]:
        """Merged [lo, hi) spans around the gate's hits, for the rules tried only near them."""
        if gate not in self._windows:
            spans: list[tuple[int, int]] = []
            for start, end in self.hits(gate):
                lo, hi = max(0, start - _WINDOW_BEFORE), min(len(self.text), end + _WINDOW_AFTER)
                if spans and lo <= spans[-1][1]:
                    spans[-1] = (spans[-1][0], max(spans[-1][1], hi))
                else:
                    spans.append((lo, hi))
            self._windows[gate] = spans
        return self._windows[gate]

    def starts(self, leads: Sequence[Lead]) -> list[int]:
        """Every place, in order, where a match of a pattern with these leads can start (see `Lead`)."""
        # keyed by id: leads are module constants, and hashing a dataclass per lookup costs more than a scan
        found = self._starts.get(id(leads))
        if found is None:
            starts: set[int] = set()
            for lead in leads:
                occurrences = self._occurrences(lead)
                for back in lead.backs if occurrences else ():
                    starts.update(map(back.__rsub__, occurrences) if back else occurrences)  # at - back, in C
            found = sorted(starts)
            if found and found[0] < 0:  # a back reaching before the text
                del found[: bisect_left(found, 0)]
            self._starts[id(leads)] = found
        return found

    def _occurrences(self, lead: Lead) -> list[int]:
        found = self._found.get(lead.key)
        if found is None:
            searched = self.lower if lead.on_lower else self.text
            # most literals do not occur at all: `in` says so faster than a regex scan
            present = lead.regex or lead.literal in searched
            found = [m.start() for m in lead.pattern.finditer(searched)] if present else []
            self._found[lead.key] = found
        return found

    def _may_hit(self, gate: str) -> bool:
        prefilter = GATE_PREFILTERS.get(gate)
        if prefilter is None:
            return True
        searched = self.lower if GATES[gate][1] else self.text
        if any(literal in searched for literal in prefilter.literals):
            return True
        return prefilter.pattern is not None and prefilter.pattern.search(searched) is not None


def _finditer_at(
    pattern: re.Pattern[str], string: str, starts: Sequence[int], lo: int = 0, hi: int | None = None
) -> list[re.Match[str]] | None:
    """``list(pattern.finditer(string, lo, hi))`` when every match starts at one of `starts` (sorted).

    None when a match is empty (finditer's rules for those are left to finditer).
    """
    end = len(string) if hi is None else hi
    out: list[re.Match[str]] = []
    pos = lo
    for index in range(
        bisect_left(starts, lo), len(starts)
    ):  # no slice: windows of a long text share `starts`
        at = starts[index]
        if at >= end:
            break
        if at < pos:
            continue
        m = pattern.match(string, at, end)
        if m is not None:
            if m.end() == at:
                return None
            out.append(m)
            pos = m.end()
    return out


def _rule_matches(
    rule: Rule, scanner: Scanner, gates: _GateHits, ascii_: bool, spans: Sequence[tuple[int, int]]
) -> list[re.Match[str]]:
    """The rule's matches within each [lo, hi) span (finditer's), tried only at its leads when it has some."""
    text, lower = gates.text, gates.lower
    # leads over the lower-cased text give offsets into the text itself only when it is ASCII
    starts = (
        gates.starts(rule.leads) if rule.leads and spans and (ascii_ or not rule.leads[0].on_lower) else None
    )
    if starts is not None:
        out: list[re.Match[str]] = []
        for lo, hi in spans:
            found = _finditer_at(rule.pattern, text, starts, lo, hi)
            if found is None:
                break
            out.extend(found)
        else:
            return out
    return [m for lo, hi in spans for m in _scan(rule, scanner, text, lower, ascii_, lo, hi)]


def _match_at(rule: Rule, text: str, hits: list[int]) -> list[re.Match[str]]:
    """``list(rule.pattern.finditer(text))`` for a rule whose matches start only at its `at_hits` offsets."""
    if rule.hit_starts is not None:
        starts = rule.hit_starts(text, hits)
    else:
        starts = sorted({hit - back for hit in hits for back in rule.at_hits if hit >= back})
    found = _finditer_at(rule.pattern, text, starts)
    return list(rule.pattern.finditer(text)) if found is None else found


_WINDOW_BEFORE = 40  # a windowed rule's match may start this far before its anchor ("399 Gln allele")
_WINDOW_AFTER = 300  # and run this far after it (longer than any natural-language mention)


def _balance(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop an unmatched bracket a pattern's optional ``\\(?``/``\\)?`` picked up at either end."""
    span = text[start:end]
    if span.endswith(")") and span.count("(") < span.count(")"):
        end -= 1
    elif span.startswith("(") and span.count("(") > span.count(")"):
        start += 1
    return start, end


def _expand_slash(text: str, start: int, end: int) -> list[VariantMatch]:
    """``G12C/D/V`` → p.G12C, p.G12D, p.G12V (the second and third on their own one-letter spans).

    ``G1915T/A`` (nucleotides around a long position) stays one DNA change with two alternatives.
    """
    head_end = text.index("/", start, end)
    ref, pos, alt = text[start], text[start + 1 : head_end - 1], text[head_end - 1]
    alts = [alt, *(m.group(1) for m in _SLASH_ALT.finditer(text, head_end, end))]
    if int(pos) >= 100 and all(a in "ACGT" for a in (ref, *alts)):
        return [VariantMatch(start, end, text[start:end], "dna_change", f"c.{pos}{ref}>{','.join(alts)}")]
    out = [VariantMatch(start, head_end, text[start:head_end], "substitution", f"p.{ref}{pos}{alt}")]
    for m in _SLASH_ALT.finditer(text, head_end, end):
        out.append(
            VariantMatch(m.start(1), m.end(1), m.group(1), "substitution", f"p.{ref}{pos}{m.group(1)}")
        )
    return out


def _drop_redundant_generic(text: str, variants: list[VariantMatch]) -> list[VariantMatch]:
    """Drop the keyword after a change ("V600E mutation", "F1174L-mutated", "EML4-ALK fusion")."""
    out: list[VariantMatch] = []
    for v in variants:
        if out and _ADJACENT_GAP.fullmatch(text[out[-1].end : v.start]):
            prev = out[-1]
            if v.variant_type == "generic" and prev.variant_type in SPECIFIC_TYPES:
                continue
            if v.variant_type == "fusion" and v.requires_gene and prev.variant_type == "fusion":
                continue  # "EML4-ALK fusion"
        out.append(v)
    return out


# ---------------------------------------------------------------------------------------------- linking
_BEFORE_GAP = re.compile(
    r"[\s()\[\]\-:/]*(?:gene\s|genes\s|protein\s|locus\s|kinase\sdomain\s|tyrosine\skinase\s(?:domain\s)?)?"
    r"(?:p\.)?[\s(\[\-]*"
)
_AFTER_GAP = re.compile(
    r"[\s\-]*(?:(?:mutations?|mutated|mutant|positive|rearranged|amplified|variants?|substitutions?)\s+)?"
    r"(?:(?:in|of|within|at|on|affecting|involving)\s+)?(?:the\s+|an?\s+)?(?:genes?\s+|locus\s+)?\(?"
)
_COORD_GAP = re.compile(r"\s*(?:,\s*(?:and|or)?|and|or|/|&)\s*")
_LIST_GAP = re.compile(r"\s*(?:,\s*(?:and|or)?|and|or|/|;)\s*(?:p\.)?")
# "EGFR mutation and high gene copy number": a gene-dependent event coordinated with a linked variant
_EVENT_LIST_GAP = re.compile(r"\s*(?:,\s*(?:and|or)?|and|or|and/or)\s*")
_PAREN_BEFORE = re.compile(
    r"[\s\-]*(?:genes?\s|(?:\w+\s){0,2})?(?:mutations?|mutants?|variants?|alterations?|substitutions?)?\s*$"
)
_PAREN_INNER = re.compile(r"[\s,;/]*(?:(?:and|or|including|e\.g\.,?|i\.e\.,?)[\s,]*)*(?:p\.)?")
_LINK_WINDOW = 120  # structural bound on how far a local link can reach (the gap patterns decide)


class _Spans:
    """Items sorted by start with a bisectable start list: range queries stay O(log n) on 2 MB inputs."""

    def __init__(self, items: Sequence[Any], start: Callable[[Any], int]) -> None:
        self.items = sorted(items, key=start)
        self.starts = [start(x) for x in self.items]

    def starting_in(self, lo: int, hi: int) -> list[Any]:
        return self.items[bisect_left(self.starts, lo) : bisect_left(self.starts, hi)]


_MAX_MENTION = 200  # longest gene mention we expect; bounds the range queries


_MIN_SHARE = 0.8  # the packaged default; [variants] hotspot_min_share overrides it


@dataclass(frozen=True, slots=True)
class LinkSettings:
    """Choices of `link_variants`; `from_config` reads the [variants] section of the configuration."""

    cross_sentence: bool = True  # attach unlinked sequence variants to a gene named elsewhere in the text
    hotspot_min_share: float = _MIN_SHARE  # a CIViC variant→gene entry counts when that gene has this share

    @classmethod
    def from_config(cls, config: Config | None = None) -> LinkSettings:
        from neurolit.config import load_config

        section = (config or load_config()).section("variants")
        share = float(section.get("hotspot_min_share", _MIN_SHARE))
        if not 0.5 <= share <= 1.0:
            raise ConfigError(f"[variants] hotspot_min_share must be between 0.5 and 1.0, not {share}")
        return cls(bool(section.get("cross_sentence", True)), share)


def link_variants(
    text: str,
    variants: Sequence[VariantMatch],
    genes: Sequence[GeneSpan],
    settings: LinkSettings | None = None,
) -> list[VariantMatch]:
    """Attach to each variant the gene the text links it to; coordinated genes yield one variant each.

    `genes` are gene mentions (start, end, symbol, NCBI Gene ID) over the same `text`. First the local
    syntax decides (adjacency, coordination, lists, brackets, fusion partners). A sequence-level variant left
    without a gene is then attached across sentences when the abstract supports one choice: a known variant of
    a gene the abstract names (CIViC table, e.g. T790M → EGFR), else the single gene the abstract links its
    other variants to, else the single gene it mentions. Variants the text does not link keep gene "".
    The result is in text order; ``linked_by`` says which rule attached the gene.
    """
    gene_spans = _Spans(genes, lambda g: g[0])
    var_spans = _Spans(variants, lambda v: v.start)
    gene_ids = {g[2].upper(): g[3] for g in genes if g[3]}
    out: list[VariantMatch] = []
    # the linked copies of the previous variant, for lists ("L858R and T790M")
    previous: list[VariantMatch] = []
    previous_end = -1
    for v in var_spans.items:
        if v.gene:
            linked = [v if v.gene_id else replace(v, gene_id=gene_ids.get(v.gene.upper(), ""))]
        elif v.variant_type == "fusion" and "::" in v.normalized:
            linked = [replace(_link_fusion(v, gene_spans, gene_ids), linked_by="fusion")]
        else:
            found = _genes_for(text, v, gene_spans, var_spans)
            if not found and previous and previous[0].gene and previous_end <= v.start:
                gap = text[previous_end : v.start]
                specific_list = v.variant_type in SPECIFIC_TYPES and _LIST_GAP.fullmatch(gap)
                if specific_list or (v.variant_type not in SPECIFIC_TYPES and _EVENT_LIST_GAP.fullmatch(gap)):
                    found = [(0, 0, p.gene, p.gene_id) for p in previous]
            linked = [_with_gene(v, g[2], g[3], "adjacent") for g in found] if found else [v]
        out.extend(linked)
        previous, previous_end = linked, v.end
    settings = settings or LinkSettings()
    if settings.cross_sentence and any(not v.gene and v.variant_type in SPECIFIC_TYPES for v in out):
        out = _link_across_sentences(out, genes, settings.hotspot_min_share)
    return out


def _link_across_sentences(
    variants: list[VariantMatch], genes: Sequence[GeneSpan], min_share: float
) -> list[VariantMatch]:
    mentioned: dict[str, str] = {}
    for g in genes:
        if g[2] and (g[2].upper() not in mentioned or not mentioned[g[2].upper()]):
            mentioned[g[2].upper()] = g[3]
    if not mentioned:
        return variants
    symbols = {g[2].upper(): g[2] for g in genes if g[2]}
    # the genes variants are written next to; a gene glued to its change ("F7V60E") may be no gene mention
    linked_genes = {v.gene.upper(): v.gene for v in variants if v.gene and v.linked_by == "adjacent"}
    single = spelled = ""
    if len(linked_genes) == 1:
        single, spelled = next(iter(linked_genes.items()))
    elif not linked_genes and len(mentioned) == 1:
        single = next(iter(mentioned))
        spelled = symbols[single]
    hotspots = variant_hotspots(min_share)
    out: list[VariantMatch] = []
    for v in variants:
        if v.gene or v.variant_type not in SPECIFIC_TYPES:
            out.append(v)
            continue
        known = hotspots.get(v.normalized, "")
        if known and known.upper() in mentioned:
            out.append(_with_gene(v, symbols[known.upper()], mentioned[known.upper()], "hotspot"))
        elif single:
            out.append(_with_gene(v, symbols.get(single, spelled), mentioned.get(single, ""), "document"))
        else:
            out.append(v)
    return out


@cache
def variant_hotspots(min_share: float = _MIN_SHARE) -> dict[str, str]:
    """Normalized variant → the gene CIViC attaches it to, where one gene has `min_share` of the evidence."""
    try:
        text = resources.files("neurolit.resources").joinpath(_HOTSPOTS).read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError) as exc:
        raise ModelError(
            f"the packaged table {_HOTSPOTS} is missing; reinstall neurolit or rebuild it with "
            "`python scripts/build_variant_hotspots.py`"
        ) from exc
    counts: dict[str, dict[str, int]] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        normalized, gene, n = line.split("\t")
        counts.setdefault(normalized, {})[gene] = int(n)
    table: dict[str, str] = {}
    for normalized, by_gene in counts.items():
        gene, best = max(by_gene.items(), key=lambda kv: kv[1])
        if best >= min_share * sum(by_gene.values()):
            table[normalized] = gene
    return table


_HOTSPOTS = "variant_hotspots.tsv"


def _with_gene(v: VariantMatch, symbol: str, gene_id: str, how: str) -> VariantMatch:
    norm = v.normalized
    if v.variant_type == "fusion" and norm == "FUSION:":
        norm = f"FUSION:{symbol}"
    return replace(v, gene=symbol, gene_id=gene_id, normalized=norm, linked_by=how)


def _link_fusion(v: VariantMatch, genes: _Spans, gene_ids: dict[str, str]) -> VariantMatch:
    target = fusion_target(v.normalized)
    inside = [g for g in genes.starting_in(v.start, v.end) if g[2].upper() == target.upper()]
    gene_id = inside[0][3] if inside else gene_ids.get(target.upper(), "")
    return replace(v, gene=target, gene_id=gene_id)


def _genes_for(text: str, v: VariantMatch, genes: _Spans, variants: _Spans) -> list[GeneSpan]:
    near = genes.starting_in(v.start - _LINK_WINDOW - _MAX_MENTION, v.end + _LINK_WINDOW + 1)
    before = [g for g in near if g[1] <= v.start and v.start - g[1] <= _LINK_WINDOW]
    after = [g for g in near if g[0] >= v.end and g[0] - v.end <= _LINK_WINDOW]
    inside = [g for g in near if v.start <= g[0] and g[1] <= v.end]
    if inside:  # a gene mention inside the variant span
        return inside[-1:]
    if before:
        g = before[-1]
        if _BEFORE_GAP.fullmatch(text[g[1] : v.start]):
            if v.variant_type in SPECIFIC_TYPES:  # "FGFR1 and NRAS Q61K": the change belongs to NRAS alone
                return [g]
            return _coordinated_backward(text, g, genes, variants)
    if after:
        g = after[0]
        gap = text[v.end : g[0]]
        if _AFTER_GAP.fullmatch(gap) and (v.variant_type not in SPECIFIC_TYPES or gap.strip()):
            return _coordinated_forward(text, g, genes, variants)
    paren = _parenthesised_list_gene(text, v, before, variants)
    return [paren] if paren else []


def _followed_by_variant(text: str, g: GeneSpan, variants: _Spans) -> bool:
    for v in variants.starting_in(g[1], g[1] + _LINK_WINDOW):
        if v.variant_type in SPECIFIC_TYPES and _BEFORE_GAP.fullmatch(text[g[1] : v.start]):
            return True
    return False


def _coordinated_backward(text: str, last: GeneSpan, genes: _Spans, variants: _Spans) -> list[GeneSpan]:
    """Walk back over coordinated gene mentions ("CDK4 and FGFR1 amplification")."""
    chain = [last]
    index = bisect_left(genes.starts, last[0]) - 1
    while index >= 0:
        g = genes.items[index]
        index -= 1
        if g[1] > chain[-1][0]:
            continue  # overlapping mention
        if not _COORD_GAP.fullmatch(text[g[1] : chain[-1][0]]) or _followed_by_variant(text, g, variants):
            break
        chain.append(g)
    return list(reversed(chain))


def _coordinated_forward(text: str, first: GeneSpan, genes: _Spans, variants: _Spans) -> list[GeneSpan]:
    """Walk forward over coordinated gene mentions ("amplification of CDK4 and FGFR1")."""
    chain = [first]
    index = bisect_left(genes.starts, first[1])
    while index < len(genes.items):
        g = genes.items[index]
        index += 1
        if not _COORD_GAP.fullmatch(text[chain[-1][1] : g[0]]) or _followed_by_variant(text, g, variants):
            break
        chain.append(g)
    return chain


def _parenthesised_list_gene(
    text: str, v: VariantMatch, before: Sequence[GeneSpan], variants: _Spans
) -> GeneSpan | None:
    """A variant in a parenthesised list right after a gene ("mutations in ALK (F1174L, R1275Q)")."""
    if v.variant_type not in SPECIFIC_TYPES:
        return None
    open_at = text.rfind("(", max(0, v.start - _LINK_WINDOW), v.start)
    if open_at < 0 or ")" in text[open_at : v.start]:
        return None
    # Only other variants, commas and conjunctions between the bracket and this variant.
    inner = text[open_at + 1 : v.start]
    for other in variants.starting_in(open_at + 1, v.start):
        if other.end <= v.start:
            inner = inner.replace(other.text, " ")
    if not _PAREN_INNER.fullmatch(inner):
        return None
    for g in reversed(before):
        if g[1] <= open_at and _PAREN_BEFORE.fullmatch(text[g[1] : open_at]):
            return g
    return None
