"""The shortcuts of the variant scan find exactly what the plain patterns find: gates found from their leads
(`GATE_LEADS`) or skipped by a failed `GATE_PREFILTERS` condition, rules tried only at their leads, at their
gate's hits (`at_hits`), or only when their `requires` gates hit."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from neurolit.ner import variants
from neurolit.ner.variant_grammar import GATE_LEADS, GATE_PREFILTERS, GATES, RULES, Lead

# Fragments of the shapes the gates and rules look for (and of their near misses), glued by the separators
# the patterns care about; each text is also tried upper- and lower-cased.
_PIECES = [
    *("c.35delG", "g.203A>C", "c.G1714C", "IVS8+4A>G", "G-308A", "-308A allele", "1799 T>A", "A1166C"),
    *("5del", "3020insC", "2236_2250del15", "E746_A750del", "157delMTTTVP", "del19", "ex19del", "exon 19"),
    *("22-bp deletion", "deletion of 37 bp", "dup24bp", "in/del", "ins/del 3 nt", "two-base", "nucleotide"),
    *("Δ32", "delta32", "DD 32", "deletion", "insertion", "duplication", "skipping", "skip", "dup"),
    *("insertion (A", "guanine insertion", "CGGGG) insertion", "deletion of an A", "C deletion", "delGT"),
    *("duplication of T", "thymidine deletion", "insAC", "oelCG", "T duplication", "4 dupA", "ins/del"),
    *("A>G", "C to T", "G/A", "T-->C", "C→T", "adenine", "guanosine", "cytidine", "thymine", "uracil"),
    *("Val-->Ala", "Arg158Pro", "Arg 158", "arginine 150 proline", "tyrosine", "His", "histidine at", "Ter"),
    *("Arg(158)", "glu (12)", "xala", "\t", "\x1c", "Q61"),
    *("premature stop codon at position 45", "termination codon", "399 Gln allele", "codon 12", "for", "to"),
    *("V600E", "p.V600E", "BRAFV600E", "G12C/D/V", "G12/G13", "T790M", "R213*", "Leu2fs", "L858R mutation"),
    *("EML4-ALK", "BCR::ABL1", "TMPRSS2 - ERG", "FGFR3–TACC3", "EGFR-positive", "KRAS positive", "ALK"),
    *("overexpression", "high expression", "wild-type", "WT", "mutations", "mutant", "alterations"),
    *("variants", "amplification", "copy number", "loss", "gain", "fusion", "rearranged", "by", "C"),
    *("activating ", "kinase domain ", "homozygously deleted", "biallelic loss", "high-level ", "increased "),
    *("gene ", "focal ", "non-", "deletions in ", "mutation within the ", "Exon 20ins", "translocation"),
    *("CD8A12V", "KIT", "NRAS", "MET", "H1975", "٣", "p. ", "p.", "ABCDEFGHIJV600E", "p.p.V600E", "_"),
    *("rs#1234", "rs 1799", "TNFA-863C > A", "DDD32", "Δ32", "Delta"),
    *("Arg 158 Pro", "p.Val600Glu", "Gln (61) His", "Ter", "5504delA", "-308 G/A", "IVS3-48C", "*1", ", "),
    *("1", "19", "20", "308", "A", "G", "T", "+", "-", ">", "→", "/", "–", ".", ",", "(", ")", " ", "\n"),
    "x",
]
_TEXTS = st.tuples(
    st.lists(st.sampled_from(_PIECES), max_size=30).map("".join),
    st.sampled_from([str, str.upper, str.lower]),
).map(lambda pair: pair[1](pair[0]))


def _spans(matches: list[re.Match[str]]) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
    return [(m.span(), m.groupdict()) for m in matches]


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_gates_find_what_their_patterns_find(text: str) -> None:
    """The gates searched by a shortcut (their leads, or a prefilter first) against their own patterns; the
    others are their patterns."""
    lower = text.lower()
    for name in sorted(GATE_LEADS.keys() | GATE_PREFILTERS.keys()):
        pattern, on_lower = GATES[name]
        expected = [m.span() for m in pattern.finditer(lower if on_lower else text)]
        assert variants._GateHits(text, lower).hits(name) == expected, name
        assert variants._GateHits(text, lower).hit(name) == bool(expected), name


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_prefilters_never_drop_a_gate_hit(text: str) -> None:
    lower = text.lower()
    for name in GATE_PREFILTERS:
        pattern, on_lower = GATES[name]
        if pattern.search(lower if on_lower else text):
            assert variants._GateHits(text, lower)._may_hit(name), name


@settings(max_examples=300, deadline=None)
@given(_TEXTS, st.integers(0, 40), st.integers(0, 400))
def test_rules_find_what_their_patterns_find(text: str, lo: int, length: int) -> None:
    lower = text.lower()
    lo = min(lo, len(text))
    hi = min(len(text), lo + length)
    gates = variants._GateHits(text, lower)
    for rule, scanner in zip(RULES, variants._scanners(), strict=True):
        if rule.leads:
            found = variants._rule_matches(rule, scanner, gates, text.isascii(), [(0, len(text)), (lo, hi)])
            expected = [*rule.pattern.finditer(text), *rule.pattern.finditer(text, lo, hi)]
            assert _spans(found) == _spans(expected), rule.name
        if rule.at_hits:
            starts = [start for start, _ in gates.hits(rule.gate)]
            assert _spans(variants._match_at(rule, text, starts)) == _spans(list(rule.pattern.finditer(text)))
        if rule.requires and rule.pattern.search(text):
            assert all(gates.hit(gate) for gate in rule.requires), rule.name


# Gates these rules had before their leads made them unnecessary: each is part of every match, so leaving them
# out changes nothing.
_FORMER_GATES = {
    "dna_hgvs_sub": re.compile(r"[cgmrn]\.\s?[\d*\-+ACGTacgt]"),
    "dna_hgvs_sub_rev": re.compile(r"[cgmrn]\.\s?[\d*\-+ACGTacgt]"),
    "dna_hgvs_edit": re.compile(r"[cgmrn]\.\s?[\d*\-+ACGTacgt]"),
    "fusion_pair": re.compile(r"[A-Z0-9]\s?(?:[-:]{1,2}|–)\s?[A-Z]"),
}


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_rules_without_a_gate_contain_their_former_gate(text: str) -> None:
    for rule in RULES:
        if rule.name in _FORMER_GATES:
            assert not rule.gate and rule.leads
            for m in rule.pattern.finditer(text):
                assert _FORMER_GATES[rule.name].search(m.group(0)), rule.name


def test_non_ascii_text_skips_lower_cased_leads() -> None:
    # "İ" lower-cases to two characters: leads over the lower-cased text would point to the wrong place.
    text = "İİ WILD-TYPE EGFR and Tyrosine 99 Cysteine; BCR-ABL1; c.35delG"
    gates = variants._GateHits(text, text.lower())
    for rule, scanner in zip(RULES, variants._scanners(), strict=True):
        found = variants._rule_matches(rule, scanner, gates, text.isascii(), [(0, len(text))])
        assert _spans(found) == _spans(list(rule.pattern.finditer(text))), rule.name
    assert {"WILD-TYPE", "c.35delG"} <= {v.text for v in variants.find_variants(text)}


def _leads() -> list[tuple[str, Lead, bool | None]]:
    """(owner, lead, the text it must search: lower-cased or not; None when either is right)."""
    out: list[tuple[str, Lead, bool | None]] = []
    for name, leads in GATE_LEADS.items():
        out += [(name, lead, GATES[name][1]) for lead in leads]
    for rule in RULES:
        on_lower = True if rule.pattern.flags & re.IGNORECASE else None
        out += [(rule.name, lead, on_lower) for lead in rule.leads]
    return out


def test_leads_are_well_formed() -> None:
    for owner, lead, on_lower in _leads():
        if on_lower is not None:
            assert lead.on_lower == on_lower, owner
        if lead.on_lower and not lead.regex:
            assert lead.literal == lead.literal.lower(), owner
        if not lead.regex:  # occurrences of a literal that overlaps itself could hide one another
            assert not any(lead.literal[:k] == lead.literal[-k:] for k in range(1, len(lead.literal))), owner
        assert lead.backs and (min(lead.backs) >= 0 or lead.regex), owner
    for rule in RULES:
        assert len({lead.on_lower for lead in rule.leads}) <= 1, rule.name
        assert all(gate in GATES for gate in rule.requires), rule.name


def test_leads_find_every_occurrence_in_order() -> None:
    lead = Lead("el", (0, 1), r"(?=\d)")
    text = "del5 el6 xel"
    assert variants._GateHits(text, text).starts((lead,)) == [0, 1, 4, 5]
