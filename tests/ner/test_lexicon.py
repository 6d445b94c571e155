from __future__ import annotations

from typing import Any

from neurolit.ner.annotate import NerAnnotator
from neurolit.ner.lexicon import Lexicon, LexiconEntry, case_compatible


def _entry(form: str, flags: str = "c", rank: int = 10) -> LexiconEntry:
    return LexiconEntry("Gene", "1", form, form=form, flags=flags, rank=rank)


def test_case_policy_for_symbols() -> None:
    assert case_compatible("HER-2", _entry("HER2", rank=35))
    assert case_compatible("p53", _entry("P53", rank=35))
    assert case_compatible("Ras", _entry("RAS", flags="cf", rank=33))
    assert case_compatible("Kras", _entry("KRAS"))
    assert not case_compatible("kras", _entry("KRAS"))
    assert not case_compatible("Spring", _entry("SPRING", rank=35))  # alias: no capitalised form
    assert case_compatible("c-Myc", _entry("C-MYC", rank=35))
    assert case_compatible("anaplastic lymphoma kinase", _entry("x", flags="", rank=19))


def test_greedy_longest_match_plural_and_stoplist() -> None:
    gene = LexiconEntry("Gene", "238", "ALK", form="ALK", flags="c", rank=10)
    disease = LexiconEntry("Disease", "DOID:769", "neuroblastoma", rank=25)
    lung = LexiconEntry("Disease", "DOID:1324", "lung cancer", rank=25)
    nsclc = LexiconEntry("Disease", "DOID:3908", "non-small cell lung cancer", rank=25)
    word = LexiconEntry("Gene", "9", "SET", form="SET", flags="c", rank=10)
    lexicon = Lexicon(
        {
            "alk": [gene],
            "neuroblastoma": [disease],
            "lung cancer": [lung],
            "non small cell lung cancer": [nsclc],
            "set": [word],
        },
        [("Gene", "set")],
    )
    text = "ALK-mutated neuroblastomas and non-small-cell lung cancers; alk; SET"
    found = [(text[m.start : m.end], m.entry.norm_id) for m in lexicon.match(text)]
    assert found == [
        ("ALK", "238"),
        ("neuroblastomas", "DOID:769"),
        ("non-small-cell lung cancers", "DOID:3908"),
    ]


def test_packaged_tables_normalize_the_founding_case_names(annotator: NerAnnotator) -> None:
    component: Any = annotator.nlp.get_pipe("neurolit_lexicon")
    lexicon = component.lexicon
    assert isinstance(lexicon, Lexicon) and len(lexicon) > 300_000
    assert lexicon.lookup("PF-06463922")[0].norm_name == "Lorlatinib"
    assert lexicon.lookup("CH5424802")[0].norm_name == "Alectinib"
    assert lexicon.lookup("HER2")[0].norm_name == "ERBB2"
    assert lexicon.lookup("p53")[0].norm_id == "7157"
    assert lexicon.lookup("neuroblastoma")[0].norm_id == "DOID:769"
    assert not any(e.label == "Gene" for e in lexicon.lookup("CAT"))  # curated ambiguity filter


def test_symbol_and_number_written_apart() -> None:
    assert case_compatible("Twist 1", _entry("TWIST1"))
    assert case_compatible("IFI 16", _entry("IFI16"))
    assert not case_compatible("OR 1", _entry("OR1", rank=35))  # two letters and a number: an abbreviation
    assert not case_compatible("and 1", _entry("AND1", rank=35))  # a lower-case word and a number


def test_named_gene_families_are_tagged(annotator: NerAnnotator) -> None:
    text = "Notch and Wnt signalling were active, but cytokines were not measured."
    genes = {m.text: m.norm_id for m in annotator.annotate_text(text) if m.label == "Gene"}
    # named as the training annotations name them (NOTCH1, WNT5A), as for other ambiguous gene names
    assert genes.get("Notch") and genes.get("Wnt")
    assert "cytokines" not in genes  # a generic class noun, not a named family
