"""Variant grammar, normalizer, gene linking and the variant evaluation, through their public functions."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neurolit.config import load_config
from neurolit.errors import ConfigError, InputError
from neurolit.ner.variant_eval import (
    evaluate_variants,
    gold_normalized,
    main,
    read_gold,
    triple_variant_coverage,
    variant_key,
)
from neurolit.ner.variant_normalize import key_for_comparison, variant_category
from neurolit.ner.variants import LinkSettings, VariantMatch, find_variants, link_variants, variant_hotspots
from neurolit.records import Mention
from tests.conftest import SEEDS, shared_path

# Gene mentions for linking tests: what B1's gene tagger gives (start, end, symbol, NCBI Gene ID).
GENE_IDS = {
    "ALK": "238",
    "EGFR": "1956",
    "KRAS": "3845",
    "BRAF": "673",
    "EML4": "27436",
    "CDK4": "1019",
    "FGFR1": "2260",
    "NRAS": "4893",
    "KIF5B": "3799",
    "RET": "5979",
    "ROS1": "6098",
    "MET": "4233",
    "ERBB2": "2064",
    "PTEN": "5728",
    "CDKN2A": "1029",
    "CD74": "972",
}
_GENE_RE = re.compile(r"\b(?:" + "|".join(sorted(GENE_IDS, key=len, reverse=True)) + r")\b")


def genes_in(text: str) -> list[tuple[int, int, str, str]]:
    return [(m.start(), m.end(), m.group(0), GENE_IDS[m.group(0)]) for m in _GENE_RE.finditer(text)]


def specific(text: str) -> list[VariantMatch]:
    return [v for v in find_variants(text) if not v.requires_gene]


@pytest.mark.parametrize(
    ("text", "mention", "variant_type", "normalized"),
    [
        ("ALK F1174L neuroblastoma", "F1174L", "substitution", "p.F1174L"),
        ("the p.Phe1174Leu change", "p.Phe1174Leu", "substitution", "p.F1174L"),
        ("carriers of Phe1174Leu", "Phe1174Leu", "substitution", "p.F1174L"),
        ("BRAF V600E melanoma", "V600E", "substitution", "p.V600E"),
        ("KRAS p.Gly12Cys tumours", "p.Gly12Cys", "substitution", "p.G12C"),
        ("EGFR T790M-positive disease", "T790M", "substitution", "p.T790M"),
        ("the L858R point mutation", "L858R", "substitution", "p.L858R"),
        ("TP53 R213* was truncating", "R213*", "nonsense", "p.R213*"),
        ("TP53 R213X was truncating", "R213X", "nonsense", "p.R213*"),
        ("TP53 Arg213Ter was truncating", "Arg213Ter", "nonsense", "p.R213*"),
        ("a P34fs frameshift", "P34fs", "frameshift", "p.P34fs"),
        ("a p.Leu2fs*5 frameshift", "p.Leu2fs*5", "frameshift", "p.L2fs*5"),
        ("EGFR E746_A750del in exon 19", "E746_A750del", "indel", "p.E746_A750del"),
        ("EGFR L747_P753delinsS", "L747_P753delinsS", "indel", "p.L747_P753delinsS"),
        ("EGFR D770_N771insSVD", "D770_N771insSVD", "indel", "p.D770_N771insSVD"),
        ("ERBB2 A775_G776insYVMA", "A775_G776insYVMA", "indel", "p.A775_G776insYVMA"),
        ("ALK c.3522C>A in the kinase domain", "c.3522C>A", "dna_change", "c.3522C>A"),
        ("EGFR c.2236_2250del15 was found", "c.2236_2250del15", "dna_change", "c.2236_2250del15"),
        ("KRAS c.35G>T", "c.35G>T", "dna_change", "c.35G>T"),
        ("the splice variant IVS8+4 A>G", "IVS8+4 A>G", "dna_change", "c.IVS8+4A>G"),
        ("BRAF 1799T>A was detected", "1799T>A", "dna_change", "c.1799T>A"),
        ("TNF -308G>A promoter", "-308G>A", "dna_change", "c.-308G>A"),
        ("the G-308A polymorphism", "G-308A", "dna_change", "c.-308G>A"),
        ("the g.203A>C change", "g.203A>C", "dna_change", "g.203A>C"),
        ("dbSNP rs113488022 is V600E", "rs113488022", "snp", "rs113488022"),
        ("a 22-bp deletion in intron 2", "22-bp deletion", "indel", "SIZE:del22"),
        ("EGFR exon 19 deletion", "exon 19 deletion", "exon", "EXON:19del"),
        ("EGFR exon 20 insertion", "exon 20 insertion", "exon", "EXON:20ins"),
        ("MET exon 14 skipping", "exon 14 skipping", "exon", "EXON:14skipping"),
        ("deletions in exon 19 of EGFR", "deletions in exon 19", "exon", "EXON:19del"),
        ("EGFR exon 19 del and L858R", "exon 19 del", "exon", "EXON:19del"),
        ("EGFR ex19del tumours", "ex19del", "exon", "EXON:19del"),
        ("an EML4-ALK fusion", "EML4-ALK", "fusion", "FUSION:EML4::ALK"),
        ("KIF5B-RET positive", "KIF5B-RET", "fusion", "FUSION:KIF5B::RET"),
        ("CD74–ROS1 rearranged", "CD74–ROS1", "fusion", "FUSION:CD74::ROS1"),
        (
            "tryptophan to arginine substitution at amino acid 10",
            "tryptophan to arginine substitution at amino acid 10",
            "substitution",
            "p.W10R",
        ),
        (
            "a C to T transition at nucleotide 3916",
            "C to T transition at nucleotide 3916",
            "dna_change",
            "c.3916C>T",
        ),
        (
            "substitution of lysine for glutamic acid at amino acid 325",
            "lysine for glutamic acid at amino acid 325",
            "substitution",
            "p.E325K",
        ),
    ],
)
def test_grammar_finds_and_normalizes(text: str, mention: str, variant_type: str, normalized: str) -> None:
    found = [v for v in find_variants(text) if v.text == mention]
    assert found, f"{mention!r} not found in {text!r}: {find_variants(text)}"
    v = found[0]
    assert (v.variant_type, v.normalized) == (variant_type, normalized)
    assert text[v.start : v.end] == v.text


def test_coordinated_alternatives_are_split() -> None:
    text = "KRAS G12C/D/V and G12/G13 mutations"
    got = [(v.text, v.normalized) for v in specific(text)]
    assert got == [("G12C", "p.G12C"), ("D", "p.G12D"), ("V", "p.G12V"), ("G12", "p.G12"), ("G13", "p.G13")]


def test_nucleotide_alternatives_stay_one_dna_change() -> None:
    [v] = specific("the G1915T/A polymorphism")
    assert (v.text, v.variant_type, v.normalized) == ("G1915T/A", "dna_change", "c.1915G>T,A")


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        ("EGFR amplification", "CNV:amplification"),
        ("MET copy number gain", "CNV:amplification"),
        ("CDKN2A homozygous deletion", "CNV:deletion"),
        ("EGFR high gene copy number", "CNV:amplification"),
        ("PTEN loss", "CNV:loss"),
        ("ERBB2 overexpression", "EXPR:overexpression"),
        ("wild-type EGFR", "WT:wild-type"),
        ("EGFR wild type", "WT:wild-type"),
        ("EGFR mutation-positive", "GENERIC:mutation"),
        ("EGFR-mutant", "GENERIC:mutation"),
        ("KRAS mutated", "GENERIC:mutation"),
        ("ALK rearrangement", "FUSION:"),
        ("ROS1 fusion", "FUSION:"),
        ("ALK-rearranged", "FUSION:"),
        ("KRAS codon 12 mutations", "CODON:12"),
    ],
)
def test_gene_dependent_events_are_flagged(text: str, normalized: str) -> None:
    found = [v for v in find_variants(text) if v.normalized == normalized]
    assert found and all(v.requires_gene for v in found)


@pytest.mark.parametrize(
    "text",
    [
        "H1975, PC9, HCC827, A549 and H3122 cells were treated.",
        "AZD9291 and PF-06463922 were compared with CH5424802.",
        "Stage T4N2M1 disease, HLA-A*02:01 carriers, CD34+ cells, G1 phase arrest, S100 staining.",
        "Figure S2C shows the data from 2019 (P < 0.05).",
        "Patients with T2D or the C4A gene deletion; HEK293T and MCF10A cells; the E2F family.",
        "The antibody clone D5F3 and the 22C3 assay; H2O and CO2 were measured.",
    ],
)
def test_no_false_positives_on_lookalikes(text: str) -> None:
    assert specific(text) == []


def test_redundant_keywords_after_a_change_are_dropped() -> None:
    assert [v.text for v in find_variants("the V600E mutation")] == ["V600E"]
    assert [v.text for v in find_variants("F1174L-mutated ALK")] == ["F1174L"]
    assert [v.text for v in find_variants("EML4-ALK fusion")] == ["EML4-ALK"]


def test_unbalanced_brackets_are_not_part_of_the_span() -> None:
    text = "a splice site mutation (IVS10-1G>A) and (c.920T>G)"
    assert [v.text for v in specific(text)] == ["IVS10-1G>A", "c.920T>G"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ALK F1174L", [("F1174L", "ALK")]),
        ("F1174L-mutated ALK", [("F1174L", "ALK")]),
        ("mutations in ALK (F1174L, R1275Q)", [("mutations", "ALK"), ("F1174L", "ALK"), ("R1275Q", "ALK")]),
        ("EGFR exon 19 deletion", [("exon 19 deletion", "EGFR")]),
        ("KRAS G12C", [("G12C", "KRAS")]),
        ("BRAF(V600E)", [("V600E", "BRAF")]),
        ("EML4-ALK fusion", [("EML4-ALK", "ALK")]),
        ("amplification of CDK4 and FGFR1", [("amplification", "CDK4"), ("amplification", "FGFR1")]),
        ("CDK4 and FGFR1 amplification", [("amplification", "CDK4"), ("amplification", "FGFR1")]),
        ("EGFR L858R and T790M", [("L858R", "EGFR"), ("T790M", "EGFR")]),
        ("wild-type EGFR", [("wild-type", "EGFR")]),
        ("EGFR wild-type", [("wild-type", "EGFR")]),
        ("ALK-rearranged lung cancer", [("rearranged", "ALK")]),
        ("ALK-positive NSCLC", [("positive", "ALK")]),
        ("V600E mutation of BRAF", [("V600E", "BRAF")]),
        ("patients with EGFR and KRAS mutations", [("mutations", "EGFR"), ("mutations", "KRAS")]),
    ],
)
def test_link_variants(text: str, expected: list[tuple[str, str]]) -> None:
    linked = link_variants(text, find_variants(text), genes_in(text))
    got = [(v.text, v.gene) for v in linked if v.gene]
    assert got == expected
    for v in linked:
        if v.gene:
            assert v.gene_id == GENE_IDS[v.gene]


def test_link_variants_fills_fusion_partner_and_keeps_both_in_the_normalized_form() -> None:
    text = "ALK rearrangement and KIF5B-RET"
    linked = link_variants(text, find_variants(text), genes_in(text))
    assert [(v.normalized, v.gene, v.gene_id) for v in linked] == [
        ("FUSION:ALK", "ALK", "238"),
        ("FUSION:KIF5B::RET", "RET", "5979"),
    ]


def test_unlinked_generic_words_stay_unlinked() -> None:
    text = "Weight loss was seen in 10 patients with EGFR L858R."
    linked = link_variants(text, find_variants(text), genes_in(text))
    assert [(v.text, v.gene) for v in linked] == [("loss", ""), ("L858R", "EGFR")]


def test_coordination_stops_at_a_gene_with_its_own_change() -> None:
    text = "amplification of CDK4 and FGFR1 and NRAS Q61K"
    linked = link_variants(text, find_variants(text), genes_in(text))
    assert [(v.text, v.gene) for v in linked] == [
        ("amplification", "CDK4"),
        ("amplification", "FGFR1"),
        ("Q61K", "NRAS"),
    ]


def test_glued_gene_and_bracketed_gene_names() -> None:
    text = "BRAFV600E-mutant melanoma and epidermal growth factor receptor (EGFR) mutation; BRAF status"
    linked = link_variants(text, find_variants(text), genes_in(text))
    assert [(v.text, v.gene, v.gene_id, v.linked_by) for v in linked] == [
        ("V600E", "BRAF", "673", "adjacent"),
        ("mutation", "EGFR", "1956", "adjacent"),
    ]


@pytest.mark.parametrize(
    ("text", "mention", "normalized"),
    [
        ("EGFR gene copy number by FISH", "gene copy number", "CNV:amplification"),
        ("high EGFR-gene-copy number", "gene-copy number", "CNV:amplification"),
        ("in EGFR-positive NSCLC", "positive", "GENERIC:mutation"),
        ("EGFR Exon 19 Deletion", "Exon 19 Deletion", "EXON:19del"),
        ("Mutations in EGFR predict response", "Mutations", "GENERIC:mutation"),
    ],
)
def test_oncology_phrasings_link_to_their_gene(text: str, mention: str, normalized: str) -> None:
    linked = link_variants(text, find_variants(text), genes_in(text))
    assert [(v.text, v.normalized, v.gene) for v in linked] == [(mention, normalized, "EGFR")]


def test_non_amplified_is_not_an_amplification() -> None:
    assert [v.text for v in find_variants("ERBB2 non-amplified tumours")] == []


def test_variants_left_unlinked_attach_to_a_gene_named_elsewhere() -> None:
    text = (
        "Osimertinib in EGFR-mutant and KRAS-mutant lung cancer. "
        "Resistance emerged through the T790M mutation and the G12C change."
    )
    linked = link_variants(text, find_variants(text), genes_in(text))
    got = {(v.text, v.gene, v.linked_by) for v in linked if v.variant_type == "substitution"}
    assert got == {("T790M", "EGFR", "hotspot"), ("G12C", "KRAS", "hotspot")}
    assert variant_hotspots()["p.T790M"] == "EGFR"


def test_single_candidate_gene_links_across_sentences() -> None:
    text = "ALK mutations drive neuroblastoma. Cells carrying A1099T responded."
    linked = link_variants(text, find_variants(text), genes_in(text))
    assert [(v.text, v.gene, v.linked_by) for v in linked] == [
        ("mutations", "ALK", "adjacent"),
        ("A1099T", "ALK", "document"),
    ]


def test_cross_sentence_linking_is_configurable(neurolit_home: Path) -> None:
    text = "Osimertinib in EGFR-mutant lung cancer. Resistance emerged through T790M."
    (neurolit_home / "config.toml").write_text("[variants]\ncross_sentence = false\n")
    local_only = LinkSettings.from_config(load_config())
    assert local_only == LinkSettings(cross_sentence=False, hotspot_min_share=0.8)
    assert [v.gene for v in link_variants(text, find_variants(text), genes_in(text), local_only)] == [
        "EGFR",
        "",
    ]
    assert [v.gene for v in link_variants(text, find_variants(text), genes_in(text))] == ["EGFR", "EGFR"]
    (neurolit_home / "config.toml").write_text("[variants]\nhotspot_min_share = 0.2\n")
    with pytest.raises(ConfigError, match="hotspot_min_share"):
        LinkSettings.from_config(load_config())


def test_no_cross_sentence_link_without_a_unique_candidate() -> None:
    text = "EGFR and ALK were sequenced. A novel R999Q change was found."
    linked = link_variants(text, find_variants(text), genes_in(text))
    assert [(v.text, v.gene) for v in linked] == [("R999Q", "")]


def test_founding_case_report() -> None:
    seed = SEEDS / "000_f6749f8b3c24dd0e.txt"
    if not seed.is_file():
        pytest.skip(f"founding case report {seed} is not present")
    text = seed.read_text(encoding="utf-8")
    linked = [
        v for v in link_variants(text, find_variants(text), genes_in(text)) if v.gene or not v.requires_gene
    ]
    keys = {(v.gene, v.normalized) for v in linked}
    assert {
        ("ALK", "p.F1174L"),
        ("NRAS", "p.Q61K"),
        ("CDK4", "CNV:amplification"),
        ("FGFR1", "CNV:amplification"),
        ("ALK", "GENERIC:mutation"),
    } <= keys
    assert all(v.gene for v in linked)  # every kept variant in the abstract is attached to its gene


def test_offsets_exact_with_unicode_and_markup() -> None:
    text = (
        "<i>EGFR</i>\u00a0L858R\u2009and exon\u00a019 deletion; β-catenin S45F; EML4\u2013ALK; "
        "c.35G\u00a0>\u00a0T"
    )
    found = specific(text)
    assert {v.normalized for v in found} >= {"p.L858R", "EXON:19del", "p.S45F", "FUSION:EML4::ALK", "c.35G>T"}
    for v in found:
        assert text[v.start : v.end] == v.text


def test_empty_and_large_input() -> None:
    assert find_variants("") == []
    assert link_variants("", [], []) == []
    block = "Patients with EGFR L858R responded. " * 60_000  # ~2 MB
    found = specific(block)
    assert len(found) == 60_000
    assert all(block[v.start : v.end] == "L858R" for v in found[:100])
    linked = link_variants(block, found, genes_in(block))
    assert len(linked) == 60_000 and all(v.gene == "EGFR" for v in linked)


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("ACGTLRVEKXpcgs.>_-/()*0123456789 delinsfsexonrs\u00a0–")), max_size=80
    )
)
def test_spans_always_match_the_text(text: str) -> None:
    for v in find_variants(text):
        assert 0 <= v.start < v.end <= len(text)
        assert text[v.start : v.end] == v.text


def test_normalization_helpers() -> None:
    assert key_for_comparison("p.F1174L") == "F1174L"
    assert key_for_comparison("FUSION:EML4::ALK") == "fusion"
    assert key_for_comparison("CNV:gain") == "amplification"
    assert key_for_comparison("EXON:19del") == "exon19del"
    assert variant_category("p.V600E") == "sequence"
    assert variant_category("SIZE:del22") == "other"
    assert variant_category("c.C>T") == "acid_change"
    assert variant_category("c.-308A") == "allele"
    assert variant_category("CNV:amplification") == "event"


@pytest.mark.parametrize(
    ("identifier", "expected"),
    [
        ("p|SUB|L|307|R;Gene:23417;VariantGroup:0", "p.L307R"),
        ("c|SUB|T|920|G;Gene:23417", "c.920T>G"),
        ("c|DEL|528|T", "c.528delT"),
        ("p|FS|S|119||;Gene:5080", "p.S119fs"),
        ("rs113488022", "rs113488022"),
        ("c|DEL||32", ""),
    ],
)
def test_gold_identifiers_are_converted(identifier: str, expected: str) -> None:
    assert gold_normalized(identifier) == expected


def _write_pubtator(path: Path) -> None:
    title = "EGFR L858R and c.2573T>G in lung cancer"
    abstract = "We found rs121434568 and a 15-bp deletion; H1975 cells carry T790M."
    text = f"{title}\n{abstract}"
    rows = [
        ("L858R", "ProteinMutation", "p|SUB|L|858|R"),
        ("c.2573T>G", "DNAMutation", "c|SUB|T|2573|G"),
        ("rs121434568", "SNP", "rs121434568"),
        ("15-bp deletion", "OtherMutation", "c|DEL||15"),
        ("T790M", "ProteinMutation", "p|SUB|T|790|M"),
    ]
    lines = [f"1|t|{title}", f"1|a|{abstract}"]
    for mention, kind, ident in rows:
        start = text.index(mention)
        lines.append(f"1\t{start}\t{start + len(mention)}\t{mention}\t{kind}\t{ident}")
    path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")


def test_evaluate_variants_on_a_pubtator_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold = tmp_path / "gold.pubtator"
    _write_pubtator(gold)
    result = evaluate_variants(read_gold(gold, "tmvar3"))
    assert (result.strict.tp, result.strict.fp, result.strict.fn) == (5, 0, 0)
    assert result.norm_correct == result.norm_total == 4
    core = evaluate_variants(read_gold(gold, "tmvar3", ["DNAMutation", "ProteinMutation", "SNP"]))
    assert (core.strict.tp, core.strict.fp, core.strict.fn) == (4, 0, 0)  # the deletion is ignored, not an FP
    assert main(["--gold", str(gold), "--corpus-type", "tmvar3", "--errors", "5"]) == 0
    assert "strict   P 1.000  R 1.000  F1 1.000" in capsys.readouterr().out


def test_evaluate_variants_on_mutation_corpora_json(tmp_path: Path) -> None:
    text = "The BRCA1 c.5266dupC and p.Gln1756fs alleles."
    entities = [
        {"ID": "T1", "type": "DNAMutation", "begin": 10, "end": 20, "text": "c.5266dupC"},
        {"ID": "T2", "type": "ProteinMutation", "begin": 25, "end": 36, "text": "p.Gln1756fs"},
    ]
    path = tmp_path / "gold.json"
    path.write_text(
        json.dumps({"documents": [{"document": {"ID": "9", "text": text, "entities": entities}}]})
    )
    result = evaluate_variants(read_gold(path, "json"))
    assert (result.strict.tp, result.strict.fp, result.strict.fn) == (2, 0, 0)


def test_read_gold_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        read_gold(tmp_path / "missing.pubtator", "tmvar3")
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    with pytest.raises(InputError, match="mutationCorpora JSON"):
        read_gold(bad, "json")
    with pytest.raises(InputError, match="unknown corpus type"):
        read_gold(bad, "bc5cdr")


def test_scores_on_shared_dev_corpora() -> None:
    """Regression guard for docs/evaluation.md (tmVar3 train and BioRED dev are the dev sets)."""
    tmvar = shared_path("corpora", "tmvar3", "tmVar3_Train.PubTator")
    biored = shared_path("corpora", "biored", "Dev.PubTator")
    core = evaluate_variants(read_gold(tmvar, "tmvar3", ["DNAMutation", "ProteinMutation", "SNP"]))
    assert core.strict.f1 >= 0.90 and core.norm_accuracy >= 0.90
    every = evaluate_variants(read_gold(tmvar, "tmvar3"))
    assert every.overlap.f1 >= 0.88
    dev = evaluate_variants(read_gold(biored, "biored"))
    assert dev.strict.f1 >= 0.88 and dev.overlap.f1 >= 0.90


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("T790M", "T790M"),
        ("p.Thr790Met", "T790M"),
        ("exon 19 deletion", "exon19del"),
        ("EML4-ALK fusion", "fusion"),
        ("mutation", "mutation"),
        ("amplification", "amplification"),
        ("wild-type", "wild-type"),
        ("rare", "rare"),
    ],
)
def test_variant_key_follows_triples_md(written: str, key: str) -> None:
    assert variant_key(written) == key


def _rules_annotate(text: str) -> list[Mention]:
    """Variant mentions from this module's grammar and linking over a regex gene tagger (no spaCy)."""
    linked = link_variants(text, find_variants(text), genes_in(text))
    return [
        Mention(v.start, v.end, v.text, "Variant", norm_id=v.normalized, gene=v.gene)
        for v in linked
        if v.gene
    ]


def test_triple_variant_coverage(tmp_path: Path) -> None:
    abstracts = [
        {"pmid": "1", "title": "Osimertinib after T790M", "abstract": "EGFR-mutant tumours with T790M."},
        {"pmid": "2", "title": "KRAS G12C", "abstract": "Sotorasib in KRAS-mutant cancer."},
    ]
    triples = [
        {"pmid": "1", "gene": "EGFR", "variant": "T790M", "drug": "osimertinib"},
        {"pmid": "1", "gene": "EGFR", "variant": "mutation", "drug": "osimertinib"},
        {"pmid": "2", "gene": "KRAS", "variant": "G12D", "drug": "sotorasib"},
        {"pmid": "2", "gene": "KRAS", "variant": None, "drug": "sotorasib"},
    ]
    (tmp_path / "abstracts_dev.jsonl").write_text("\n".join(json.dumps(a) for a in abstracts) + "\n")
    (tmp_path / "triples_dev.jsonl").write_text("\n".join(json.dumps(t) for t in triples) + "\n")
    coverage = triple_variant_coverage(tmp_path, _rules_annotate)
    assert (coverage.found, coverage.total) == (2, 3)
    assert coverage.missing == ("MISSING 2 KRAS 'G12D' (key G12D)",)
    with pytest.raises(InputError, match=r"abstracts_dev\.jsonl"):
        triple_variant_coverage(tmp_path / "nowhere", _rules_annotate)


def test_a_gene_glued_to_its_change_can_link_the_other_variants() -> None:
    """ "F7V60E": the gene written into the change is no gene mention of the text; it used to raise KeyError."""
    from neurolit.ner.annotate import cached_annotator

    variants = [
        m for m in cached_annotator(False, None).annotate_text("ALK F7V60E l/L8R") if m.label == "Variant"
    ]
    assert [(m.text, m.gene) for m in variants] == [("V60E", "F7"), ("L8R", "F7")]
