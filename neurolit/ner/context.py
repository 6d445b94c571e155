"""Context rules over the rules' chemical mentions, run after the rules components and before the model.

- A ligand or ion names the protein it binds or carries ("dopamine D2 receptors", "sodium/iodide symporter",
  "histamine H(3)-receptor", "glutamate N-methyl-D-aspartate (NMDA) receptor", "zinc finger"): the chemical is
  dropped, and before a gene head ("receptor", "transporter", ...) the whole phrase becomes a gene without an ID.
- A chemical before "deficiency" names a missing protein or a condition ("antithrombin deficiency"); a
  pharmacological class written as an adjective before "effect" or "property" ("anxiolytic effect",
  "neuroprotective effects") is an action, not a substance given.
- An abbreviation whose letters spell a longer phrase than the chemical before it ("high glucose (HG)") is not
  the chemical's abbreviation.
- Amino acids named in a sequence change ("glutamate by glycine", "the tyrosine codon") belong to the variant.

Only doc.spans["rules"] is edited. Words are looked up in sets of lower-case token strings (a short walk over
the tokens after each chemical mention), never by regular expressions over the text. Word lists: [ner_context].
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from neurolit.config import load_config
from neurolit.ner.pipeline import _rules, _set_rules, add_span, doc_text, get_nl, schwartz_hearst_long_form

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span, Token

COMPONENT = "neurolit_context"
_HYPHENS = frozenset({"-", "‐", "‑", "–"})
_HYPHEN_CHARS = "".join(_HYPHENS)
_LINK_PUNCT = _HYPHENS | {"/", "(", ")", "[", "]"}


@dataclass(frozen=True)
class ContextWords:
    """The word lists of [ner_context] (lower case)."""

    protein_heads: frozenset[str]
    gene_heads: frozenset[str]
    ion_heads: frozenset[str]
    ions: frozenset[str]
    link_words: frozenset[str]
    deficiency_words: frozenset[str]
    effect_words: frozenset[str]
    adjective_endings: tuple[str, ...]
    amino_acids: frozenset[str]
    residue_words: frozenset[str]
    residue_connectors: frozenset[str]
    residue_window: int
    residue_max_gap: int
    max_link_tokens: int
    max_subtype_chars: int

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> ContextWords:
        def words(key: str) -> frozenset[str]:
            return frozenset(str(w).lower() for w in settings.get(key, []))

        return cls(
            protein_heads=words("protein_heads"),
            gene_heads=words("gene_heads"),
            ion_heads=words("ion_heads"),
            ions=words("ions"),
            link_words=words("link_words"),
            deficiency_words=words("deficiency_words"),
            effect_words=words("effect_words"),
            adjective_endings=tuple(sorted(words("adjective_endings"))),
            amino_acids=words("amino_acids"),
            residue_words=words("residue_words"),
            residue_connectors=words("residue_connectors"),
            residue_window=int(settings.get("residue_window", 4)),
            residue_max_gap=int(settings.get("residue_max_gap", 3)),
            max_link_tokens=int(settings.get("max_link_tokens", 8)),
            max_subtype_chars=int(settings.get("max_subtype_chars", 4)),
        )


def context_settings() -> Mapping[str, Any]:
    return load_config().section("ner_context")


class ContextComponent:
    """Drops chemical mentions that name a protein, a deficiency or an effect; tags "X receptor" as a gene."""

    def __init__(self, words: ContextWords) -> None:
        self.words = words

    def __call__(self, doc: Doc) -> Doc:
        spans = _rules(doc)
        drugs = [s for s in spans if s.label_ == "Drug" and not get_nl(s).get("is_class")]
        if not drugs:
            return doc
        drug_tokens = {i for s in drugs for i in range(s.start, s.end)}
        dropped: set[int] = set()
        genes: list[tuple[int, int]] = []
        for span in drugs:
            if span.id in dropped:
                continue
            head = self._protein_head(doc, span.end, drug_tokens)
            if head is not None:
                chain = [s for s in drugs if span.start <= s.start and s.end <= head.i]
                if _head_word(head) in self.words.ion_heads:  # "lidocaine sodium channel": only "sodium" goes
                    chain = [s for s in chain if s.text.lower() in self.words.ions]
                dropped.update(s.id for s in chain)
                if _head_word(head) in self.words.gene_heads:
                    genes.append((get_nl(span)["start"], self._name_end(doc, head)))
            elif self._not_a_substance(doc, span):
                dropped.add(span.id)
        dropped.update(self._phrase_abbreviations(doc, drugs))
        dropped.update(self._sequence_residues(doc, drugs))
        if not dropped:
            return doc
        kept = [s for s in spans if s.id not in dropped]
        _set_rules(doc, kept)
        self._add_genes(doc, genes, kept)
        return doc

    def _protein_head(self, doc: Doc, after: int, drug_tokens: set[int]) -> Token | None:
        """The protein head noun reached from token `after` over chemicals and at most max_link_tokens others."""
        words = self.words
        links = 0
        for i in range(after, len(doc)):
            token = doc[i]
            if _head_word(token) in words.protein_heads:
                return token
            if i in drug_tokens:
                continue
            links += 1
            if links > words.max_link_tokens or not self._links(token):
                return None
        return None

    def _name_end(self, doc: Doc, head: Token) -> int:
        """The end of a protein name at its head, with an attached number ("transporter-1")."""
        i = head.i
        if (
            not head.whitespace_
            and i + 2 < len(doc)
            and doc[i + 1].text in _HYPHENS
            and self._subtype(doc[i + 2])
        ):
            i += 2
        return doc[i].idx + len(doc[i].text)

    def _links(self, token: Token) -> bool:
        """Punctuation, a subtype ("D2", "H", "3", "NMDA", "1A") or a link word ("co-", "type") inside a name."""
        text = token.text
        return text in _LINK_PUNCT or token.lower_ in self.words.link_words or self._subtype(token)

    def _subtype(self, token: Token) -> bool:
        text = token.text
        if len(text) > self.words.max_subtype_chars:
            return False
        # "D2", "3", "NMDA", "A" and element symbols ("Cl" in "Na-Cl co-transporter")
        return any(ch.isdigit() for ch in text) or text.isupper() or (len(text) <= 2 and text.istitle())

    def _not_a_substance(self, doc: Doc, span: Span) -> bool:
        """A deficiency ("antithrombin deficiency") or an action ("anxiolytic effect"), not a substance."""
        nxt = doc[span.end].lower_ if span.end < len(doc) else ""
        if nxt in self.words.deficiency_words:
            return True
        last = doc[span.end - 1].lower_
        if not get_nl(span).get("norm_id") and self.words.effect_words.intersection((last, nxt)):
            return True  # "neuroprotective effects", "anticholinesterase activity": a class concept's action
        # "anxiolytic effect", "anti-arrhythmic property": a class adjective, not a substance ("caffeine effects");
        # a mention named as its own normalized name is the substance ("arsenic effects")
        return (
            nxt in self.words.effect_words
            and last.endswith(self.words.adjective_endings)
            and span.text.lower() != str(get_nl(span).get("norm_name", "")).lower()
        )

    def _sequence_residues(self, doc: Doc, drugs: list[Span]) -> set[int]:
        """Ids of amino-acid mentions that describe a sequence change, not the chemical.

        "changing the tyrosine codon", "glutamate by glycine", "encodes for a Tyrosine (Tyr) instead of": a
        residue word within window tokens, or two amino acids joined only by connectors ("X to Y").
        """
        words = self.words
        residues = [s for s in drugs if s.text.lower() in words.amino_acids]
        if not residues:
            return set()
        dropped: set[int] = set()
        for span in residues:
            window = doc[max(0, span.start - words.residue_window) : span.end + words.residue_window]
            if any(t.lower_ in words.residue_words for t in window):
                dropped.add(span.id)
        for first, second in itertools.pairwise(residues):
            between = doc[first.end : second.start]
            if len(between) <= words.residue_max_gap and all(
                t.lower_ in words.residue_connectors for t in between
            ):
                dropped.update((first.id, second.id))
        return dropped

    @staticmethod
    def _phrase_abbreviations(doc: Doc, drugs: list[Span]) -> set[int]:
        """Ids of abbreviation spans whose short form spells a longer phrase than the chemical before it.

        "high glucose (HG)": the abbreviation step gives HG the chemical's label, but HG abbreviates the condition
        "high glucose", not glucose (Schwartz & Hearst's long form starts before the chemical's name).
        """
        copies: dict[str, list[Span]] = {}
        for span in drugs:
            if get_nl(span).get("source") == "abbreviation":
                copies.setdefault(span.text, []).append(span)
        if not copies:
            return set()
        text = doc_text(doc)
        ends = {get_nl(s)["end"]: get_nl(s)["start"] for s in drugs}
        dropped: set[int] = set()
        for short, spans in copies.items():
            pos = text.find(f"({short})")
            paren = pos - 1 if pos > 0 and text[pos - 1].isspace() else pos
            start = ends.get(paren)
            if pos < 0 or start is None:
                continue
            found = schwartz_hearst_long_form(short, text, paren)
            if found is not None and found[0] < start:
                dropped.update(s.id for s in spans)
        return dropped

    @staticmethod
    def _add_genes(doc: Doc, genes: Iterable[tuple[int, int]], kept: list[Span]) -> None:
        """The whole "ligand ... receptor" phrase as a gene without an ID, unless a gene span overlaps it."""
        taken = [(get_nl(s)["start"], get_nl(s)["end"]) for s in kept if s.label_ == "Gene"]
        text = doc_text(doc)
        for start, end in genes:
            if any(a < end and start < b for a, b in taken) or _unbalanced(text[start:end]):
                continue  # a gene inside the phrase, or a phrase cut inside brackets ("(5-HT(6)) receptors")
            if any(0 < a - end <= 1 for a, _ in taken):
                continue  # "glucose transporter GLUT2": the symbol after the head is the gene mention
            name = text[start:end]
            add_span(doc, start, end, "Gene", norm_id="", norm_name=name)
            taken.append((start, end))


def add_context(nlp: Language) -> None:
    """Register the factory (once) and add the component at the end of the current pipeline."""
    from spacy.language import Language as SpacyLanguage

    if COMPONENT not in SpacyLanguage.factories:

        @SpacyLanguage.factory(COMPONENT)
        def make_context(nlp: Language, name: str) -> ContextComponent:
            return ContextComponent(ContextWords.from_settings(context_settings()))

    nlp.add_pipe(COMPONENT)


def _unbalanced(name: str) -> bool:
    return name.count("(") != name.count(")") or name.count("[") != name.count("]")


def _head_word(token: Token) -> str:
    """The lower-case word, without the hyphen left on "-receptor" in "H(3)-receptor" (no split after a bracket)."""
    return token.lower_.lstrip(_HYPHEN_CHARS)
