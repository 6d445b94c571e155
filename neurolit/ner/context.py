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

Only the rules' spans are edited. Words are looked up in sets of lower-case token strings (a short walk over
the tokens after each chemical mention), never by regular expressions over the text. Word lists: [ner_context].

The rules read spaCy tokens. Without a Doc (a rules-only run, `neurolit.ner.rules.run_rules`) the text is
tokenized only when a test on its characters (`ContextComponent.needs_tokens`) shows that one of them can apply:
a protein head within reach after a chemical, an effect or deficiency word where the next token can start, an
amino acid's name; each test is an over-approximation, so where it says no, no token rule would change anything.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from neurolit.config import load_config
from neurolit.ner.pipeline import RuleComponent, schwartz_hearst_long_form
from neurolit.ner.rules import RulesDoc, RuleSpan

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span, Token

Drug = tuple[RuleSpan, "Span"]  # a chemical's record and its token-aligned span

COMPONENT = "neurolit_context"
_HYPHENS = frozenset({"-", "‐", "‑", "–"})
_HYPHEN_CHARS = "".join(_HYPHENS)
_LINK_PUNCT = _HYPHENS | {"/", "(", ")", "[", "]"}
_RUN = re.compile(r"\S+")
_SPACES = re.compile(r"(\s+)")
_SPACE = re.compile(r"\s")
_SPACE_OR_HYPHENS = re.compile(rf"[\s{re.escape(_HYPHEN_CHARS)}]+")


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


class ContextComponent(RuleComponent):
    """Drops chemical mentions that name a protein, a deficiency or an effect; tags "X receptor" as a gene."""

    def __init__(self, words: ContextWords) -> None:
        self.words = words
        # the most characters the head walk passes outside chemicals' runs: max_link_tokens link tokens (a
        # punctuation mark, a link word or a subtype)
        longest = max([1, words.max_subtype_chars, *(len(w) for w in words.link_words)])
        self._reach = words.max_link_tokens * longest
        self._next_words = tuple(sorted(words.deficiency_words | words.effect_words))
        self._longest = max((len(w) for w in words.effect_words), default=0)
        self._longest_amino = max((len(w) for w in words.amino_acids), default=0)
        links = sorted(words.link_words | _LINK_PUNCT, key=len, reverse=True)
        self._links_only = re.compile("(?:" + "|".join(map(re.escape, links)) + ")+")
        # the amino acids' names as one string: most chemicals' texts are in none of them
        self._amino_blob = "\n".join(sorted(words.amino_acids))

    def apply(self, rules: RulesDoc) -> None:
        records = [s for s in rules.spans if s.label == "Drug" and not s.attrs.get("is_class")]
        if not records:
            return
        dropped: set[int] = set()  # id() of the dropped records
        genes: list[tuple[int, int]] = []
        if rules.has_tokens or self.needs_tokens(rules.text, records):
            doc = rules.tokens()
            drugs = [(r, doc.char_span(r.start, r.end, alignment_mode="expand")) for r in records]
            genes = self._token_rules(doc, cast("list[Drug]", drugs), dropped)
        dropped.update(self._phrase_abbreviations(rules, records))
        if not dropped:
            return
        kept = [s for s in rules.spans if id(s) not in dropped]
        rules.set_spans(kept)
        self._add_genes(rules, genes, kept)

    def _token_rules(self, doc: Doc, drugs: list[Drug], dropped: set[int]) -> list[tuple[int, int]]:
        """The rules over tokens: ids of dropped chemicals go to `dropped`; returns the gene phrases to add."""
        drug_tokens = {i for _, s in drugs for i in range(s.start, s.end)}
        genes: list[tuple[int, int]] = []
        for record, span in drugs:
            if id(record) in dropped:
                continue
            head = self._protein_head(doc, span.end, drug_tokens)
            if head is not None:
                chain = [(r, s) for r, s in drugs if span.start <= s.start and s.end <= head.i]
                if _head_word(head) in self.words.ion_heads:  # "lidocaine sodium channel": only "sodium" goes
                    chain = [(r, s) for r, s in chain if s.text.lower() in self.words.ions]
                dropped.update(id(r) for r, _ in chain)
                if _head_word(head) in self.words.gene_heads:
                    genes.append((record.start, self._name_end(doc, head)))
            elif self._not_a_substance(doc, record, span):
                dropped.add(id(record))
        dropped.update(self._sequence_residues(doc, drugs))
        return genes

    def needs_tokens(self, text: str, drugs: list[RuleSpan]) -> bool:
        """Whether a token rule can apply to these chemicals, from the characters alone (False: none can).

        - head walk: it passes chemicals' tokens and at most max_link_tokens others, each at most `_reach` /
          max_link_tokens characters; every character of a chemical's token lies in a run of non-space characters
          holding that chemical, so a head is out of reach when more than `_reach` characters outside such runs
          (not spaces, not the hyphens a head may start with) lie before it. A run between the two without a
          chemical, digits or upper-case letters that is not made of link words and link punctuation stops the
          walk however it is tokenized (`_blocks`).
        - the next token: starts where the chemical's run goes on, or after one space; the last token: inside the
          chemical's run; an effect or deficiency word there means the text holds it in that stretch. An effect
          word after a named chemical matters only with an adjective ending on the last token, which ends where
          the chemical does when white space follows it.
        - an amino acid: the span's token-aligned text holds the chemical's and lies inside its runs.
        - the abbreviation copies (`_phrase_abbreviations`) read their token-aligned text themselves, only when a
          definition "(SF)" follows a chemical.
        """
        n = len(text)
        lower = text.lower()
        if len(lower) != n:  # a character whose lower case is longer: offsets would differ, ask the tokens
            return True
        runs = _Runs(text)
        # where each word of the lists starts (every occurrence, overlapping ones included)
        nexts = _places(lower, self._next_words)
        deficient = _places(lower, self.words.deficiency_words) if nexts else []
        effects = _places(lower, self.words.effect_words) if nexts else []
        for drug in drugs:
            start, end = drug.start, drug.end
            if text[start].isspace() or text[end - 1].isspace():
                return True  # not aligned the usual way: ask the tokens
            own = lower[start:end]
            amino = own in self._amino_blob
            if not (nexts or amino):
                continue
            unnamed = not drug.attrs.get("norm_id")
            run_end = runs.end_of(end - 1)
            if _any_in(nexts, end, run_end + 1) and (
                unnamed
                or _any_in(deficient, end, run_end + 1)
                or run_end > end  # the last token may end after the chemical: its ending is unknown here
                or lower.endswith(self.words.adjective_endings, 0, end)
            ):
                return True
            if unnamed and _any_in(effects, max(runs.start_of(end - 1), end - self._longest), end - 1):
                return True
            if amino:  # the token-aligned text (an amino acid's name) holds the chemical's
                lo = max(runs.start_of(start), end - self._longest_amino)
                around = lower[lo : min(run_end, start + self._longest_amino)]
                if any(own in name and name in around for name in self.words.amino_acids):
                    return True
        heads = _places(lower, self.words.protein_heads)
        if not heads or heads[-1] < min(d.end for d in drugs):
            return False
        # characters that are neither space, hyphen, nor in a run of non-space characters holding a chemical
        free = bytearray(b"\x01") * n
        for m in _SPACE_OR_HYPHENS.finditer(text):
            free[m.start() : m.end()] = bytes(m.end() - m.start())
        chemical = bytearray(n)  # the runs holding a chemical
        for a, b in {(runs.start_of(d.start), runs.end_of(d.end - 1)) for d in drugs}:
            free[a:b] = bytes(b - a)
            chemical[a:b] = b"\x01" * (b - a)
        counts = list(itertools.accumulate(free, initial=0))
        for drug in drugs:
            after = runs.end_of(drug.end - 1)
            for at in heads[bisect_left(heads, drug.end) :]:
                if counts[at] - counts[drug.end] > self._reach:
                    break  # and every later head is farther
                if not any(
                    not chemical[m.start()] and self._blocks(m.group())
                    for m in _RUN.finditer(text, after, runs.start_of(at))
                ):
                    return True
        return False

    def _blocks(self, run: str) -> bool:
        """Whether a run of non-space characters stops the head walk however it is tokenized: without digits and
        upper-case letters, a token is a link only as a link word or a link punctuation mark."""
        if any(ch.isdigit() or ch.isupper() or ch.istitle() for ch in run):
            return False
        return self._links_only.fullmatch(run) is None

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

    def _not_a_substance(self, doc: Doc, record: RuleSpan, span: Span) -> bool:
        """A deficiency ("antithrombin deficiency") or an action ("anxiolytic effect"), not a substance."""
        nxt = doc[span.end].lower_ if span.end < len(doc) else ""
        if nxt in self.words.deficiency_words:
            return True
        last = doc[span.end - 1].lower_
        if not record.attrs.get("norm_id") and self.words.effect_words.intersection((last, nxt)):
            return True  # "neuroprotective effects", "anticholinesterase activity": a class concept's action
        # "anxiolytic effect", "anti-arrhythmic property": a class adjective, not a substance ("caffeine effects");
        # a mention named as its own normalized name is the substance ("arsenic effects")
        return (
            nxt in self.words.effect_words
            and last.endswith(self.words.adjective_endings)
            and span.text.lower() != str(record.attrs.get("norm_name", "")).lower()
        )

    def _sequence_residues(self, doc: Doc, drugs: list[Drug]) -> set[int]:
        """Ids of amino-acid mentions that describe a sequence change, not the chemical.

        "changing the tyrosine codon", "glutamate by glycine", "encodes for a Tyrosine (Tyr) instead of": a
        residue word within window tokens, or two amino acids joined only by connectors ("X to Y").
        """
        words = self.words
        residues = [(r, s) for r, s in drugs if s.text.lower() in words.amino_acids]
        if not residues:
            return set()
        dropped: set[int] = set()
        for record, span in residues:
            window = doc[max(0, span.start - words.residue_window) : span.end + words.residue_window]
            if any(t.lower_ in words.residue_words for t in window):
                dropped.add(id(record))
        for (first_record, first), (second_record, second) in itertools.pairwise(residues):
            between = doc[first.end : second.start]
            if len(between) <= words.residue_max_gap and all(
                t.lower_ in words.residue_connectors for t in between
            ):
                dropped.update((id(first_record), id(second_record)))
        return dropped

    @staticmethod
    def _phrase_abbreviations(rules: RulesDoc, drugs: list[RuleSpan]) -> set[int]:
        """Ids of abbreviation spans whose short form spells a longer phrase than the chemical before it.

        "high glucose (HG)": the abbreviation step gives HG the chemical's label, but HG abbreviates the condition
        "high glucose", not glucose (Schwartz & Hearst's long form starts before the chemical's name).
        """
        text = rules.text
        ends = {d.end: d.start for d in drugs}
        # a definition "(SF)" follows a chemical directly or after one white space: without one, nothing to do
        # (and no span texts to read, which may need the tokens)
        if not any(
            text.startswith("(", e) or (text[e : e + 1].isspace() and text.startswith("(", e + 1))
            for e in ends
        ):
            return set()
        copies: dict[str, list[RuleSpan]] = {}
        for drug in drugs:
            if drug.attrs.get("source") == "abbreviation":
                copies.setdefault(rules.span_text(drug.start, drug.end), []).append(drug)
        if not copies:
            return set()
        dropped: set[int] = set()
        for short, spans in copies.items():
            pos = text.find(f"({short})")
            paren = pos - 1 if pos > 0 and text[pos - 1].isspace() else pos
            start = ends.get(paren)
            if pos < 0 or start is None:
                continue
            found = schwartz_hearst_long_form(short, text, paren)
            if found is not None and found[0] < start:
                dropped.update(id(s) for s in spans)
        return dropped

    @staticmethod
    def _add_genes(rules: RulesDoc, genes: Iterable[tuple[int, int]], kept: list[RuleSpan]) -> None:
        """The whole "ligand ... receptor" phrase as a gene without an ID, unless a gene span overlaps it."""
        taken = [(s.start, s.end) for s in kept if s.label == "Gene"]
        text = rules.text
        for start, end in genes:
            if any(a < end and start < b for a, b in taken) or _unbalanced(text[start:end]):
                continue  # a gene inside the phrase, or a phrase cut inside brackets ("(5-HT(6)) receptors")
            if any(0 < a - end <= 1 for a, _ in taken):
                continue  # "glucose transporter GLUT2": the symbol after the head is the gene mention
            rules.add([(start, end, "Gene", {"norm_id": "", "norm_name": text[start:end]})])
            taken.append((start, end))


def add_context(nlp: Language) -> None:
    """Register the factory (once) and add the component at the end of the current pipeline."""
    from spacy.language import Language as SpacyLanguage

    if COMPONENT not in SpacyLanguage.factories:

        @SpacyLanguage.factory(COMPONENT)
        def make_context(nlp: Language, name: str) -> ContextComponent:
            return ContextComponent(ContextWords.from_settings(context_settings()))

    nlp.add_pipe(COMPONENT)


class _Runs:
    """The runs of non-space characters of a text: found near a position (a bounded search), or, in a text with
    long runs, all at once by one split (so a text without white space costs linear time, not quadratic)."""

    _NEAR = 64  # characters searched each way before splitting the whole text

    def __init__(self, text: str) -> None:
        self.text = text
        self._bounds: tuple[list[int], list[int]] | None = None

    def end_of(self, i: int) -> int:
        """The end of the run holding the non-space character text[i]."""
        n = len(self.text)
        space = _SPACE.search(self.text, i, i + self._NEAR)
        if space is not None:
            return space.start()
        return n if i + self._NEAR >= n else self._split(i)[1]

    def start_of(self, i: int) -> int:
        """The start of the run holding the non-space character text[i]."""
        text, start, lo = self.text, i, max(0, i - self._NEAR)
        while start > lo and not text[start - 1].isspace():
            start -= 1
        return start if start == 0 or text[start - 1].isspace() else self._split(i)[0]

    def _split(self, i: int) -> tuple[int, int]:
        if self._bounds is None:
            # split around white space: run, space, run, ...; the runs lie between bounds[2k] and bounds[2k + 1]
            bounds = list(itertools.accumulate(map(len, _SPACES.split(self.text)), initial=0))
            self._bounds = (bounds[0::2], bounds[1::2])
        starts, ends = self._bounds
        k = bisect_right(starts, i) - 1
        return starts[k], ends[k]


def _places(text: str, words: Iterable[str]) -> list[int]:
    """Where each of the words starts in `text`, every occurrence (overlapping ones too), in order."""
    found: list[int] = []
    for word in words:
        at = text.find(word)
        while at >= 0:
            found.append(at)
            at = text.find(word, at + 1)
    found.sort()
    return found


def _any_in(places: list[int], lo: int, hi: int) -> bool:
    """Whether a place lies in [lo, hi] (`places` sorted)."""
    at = bisect_left(places, lo)
    return at < len(places) and places[at] <= hi


def _unbalanced(name: str) -> bool:
    return name.count("(") != name.count(")") or name.count("[") != name.count("]")


def _head_word(token: Token) -> str:
    """The lower-case word, without the hyphen left on "-receptor" in "H(3)-receptor" (no split after a bracket)."""
    return token.lower_.lstrip(_HYPHEN_CHARS)
