"""The rules NER pipeline: spaCy components of our own, registered as factories, assembled by `build_pipeline`.

Component order and contract (a statistical model plugs in between the rules and the final step):

    tokenizer            blank English + biomedical infixes (hyphens, slashes, brackets between word chars)
    neurolit_sentences   rule sentence boundaries (`neurolit.ner.sentences`)
    neurolit_lexicon     genes, drugs, diseases from the compiled tables
    neurolit_abbreviations  "long form (SF)": SF takes the long form's entity everywhere in the document
    neurolit_drug_classes   "ALK inhibitors", "EGFR TKIs", "ALK/ROS1 inhibitor" → Drug spans with is_class
    neurolit_variants    variant grammar + gene linking (`neurolit.ner.variants`)
    neurolit_outcomes    response/resistance cues (`neurolit.ner.outcomes`)
    neurolit_context     chemicals inside protein names, deficiencies, effects (`neurolit.ner.context`)
    [model]              optional: `neurolit.ner.model.add_to_pipeline(nlp, model_path)` adds its components,
                         reading doc.spans["rules"], writing doc.spans["model"] and, when it combines,
                         doc.spans["final"]
    neurolit_entities    doc.spans["final"] if a combiner filled it, else doc.spans["rules"] → Doc._.mentions
                         (Mention records with exact character offsets) and non-overlapping doc.ents

The rules components work on plain records (`neurolit.ner.rules.RulesDoc`, kept in doc.user_data): each has
`apply(rules)`, and its spaCy `__call__` runs that on the Doc's record. doc.spans["rules"] is made from the records
once, when the model or the final step first asks for it (`_rules`). A pipeline of rules only runs without a Doc
at all (`NerAnnotator`, `rules_stages`, `neurolit.ner.rules.run_rules`), with the same output.

Every span carries ``get_nl(span)``: a dict with the exact character offsets ("start", "end"; spans may be wider
when token boundaries do not match) and the Mention fields (norm_id, norm_name, hgnc_id, variant_type, ...).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

from neurolit.config import load_config
from neurolit.ner.rules import RulesDoc, RuleSpan, make_mention, unique_mentions
from neurolit.records import Mention

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

    from neurolit.ner.lexicon import Lexicon, LexiconEntry

log = logging.getLogger(__name__)

RULES_KEY = "rules"
MODEL_KEY = "model"
FINAL_KEY = "final"
SERIAL_KEY = "neurolit.span_serial"
ATTRS_KEY = "neurolit.span_attrs"
SENTENCES_KEY = "neurolit.sentences"  # doc.user_data: the sentence character spans
TEXT_KEY = "neurolit.text"  # doc.user_data: (token count, doc.text) computed once, see `doc_text`
SPANS_KEY = "neurolit.rules_spans"  # doc.user_data: (doc.spans["rules"], its spans as a list), see `_rules`
STATE_KEY = "neurolit.rules_doc"  # doc.user_data: the RulesDoc the rules components edit, see `rules_doc`


def ner_settings() -> Mapping[str, Any]:
    return load_config().section("ner")


# ------------------------------------------------------------------------------------------- helpers
def _register_extensions() -> None:
    from spacy.tokens import Doc, Span

    if not Span.has_extension("nl"):
        Span.set_extension("nl", getter=get_nl, setter=set_nl)
    if not Doc.has_extension("mentions"):
        Doc.set_extension("mentions", default=None)


def doc_text(doc: Doc) -> str:
    """doc.text, built once per document: spaCy joins every token's text on each access of doc.text."""
    data: dict[Any, Any] = doc.user_data
    cached = data.get(TEXT_KEY)
    if isinstance(cached, tuple) and cached[0] == len(doc):
        return str(cached[1])
    text = doc.text
    data[TEXT_KEY] = (len(doc), text)
    return text


def make_doc(nlp: Language, text: str) -> Doc:
    """nlp.make_doc(text) with `doc_text` known: the components need the text, which the caller has."""
    doc = nlp.make_doc(text)
    doc.user_data[TEXT_KEY] = (len(doc), text)
    return doc


def get_nl(span: Span) -> dict[str, Any]:
    """The neurolit attributes of a span (kept per span id in doc.user_data, see `add_spans`).

    spaCy keys span extension *values* by character offsets only, so two spans over the same text (a variant
    linked to two genes, a gene inside an equal drug-class span) would share them; ``get_nl(span)`` is therefore a
    getter over doc.user_data keyed by the span's id, which `add_spans` makes unique per document.
    """
    data: dict[Any, Any] = span.doc.user_data
    value = data.get((ATTRS_KEY, span.id))
    return value if isinstance(value, dict) else {}


def set_nl(span: Span, attrs: dict[str, Any]) -> None:
    """Store a span's attributes; a span made without `add_spans` (id 0) is given a fresh id first."""
    data: dict[Any, Any] = span.doc.user_data
    if span.id == 0:
        serial = int(data.get(SERIAL_KEY, 0)) + 1
        data[SERIAL_KEY] = serial
        span.id = serial
    data[(ATTRS_KEY, span.id)] = attrs


def add_spans(
    doc: Doc, items: Iterable[tuple[int, int, str, dict[str, Any]]], key: str = RULES_KEY
) -> list[Span | None]:
    """Add a span per (start, end, label, attrs) to doc.spans[key], in order, keeping the exact offsets and the
    attributes in `get_nl(span)` (None where spaCy makes no span); one update of doc.spans[key]."""
    data: dict[Any, Any] = doc.user_data
    made: list[Span | None] = []
    serial = int(data.get(SERIAL_KEY, 0))  # a per-document unique span id (see `get_nl`)
    for start, end, label, attrs in items:
        serial += 1
        span: Span | None = doc.char_span(
            start,
            end,
            label=label,
            kb_id=str(attrs.get("norm_id", "")),
            alignment_mode="expand",
            span_id=serial,
        )
        if span is not None and len(span):
            attrs.setdefault("source", "rules")
            data[(ATTRS_KEY, serial)] = {"start": start, "end": end, **attrs}
        else:
            span = None
        made.append(span)
    data[SERIAL_KEY] = serial
    kept = [span for span in made if span is not None]
    if not kept:
        return made
    group = doc.spans.get(key)
    if group is None:
        doc.spans[key] = kept
        if key == RULES_KEY:
            data[SPANS_KEY] = (doc.spans[key], list(kept))
    else:
        mirror = _rules_mirror(doc) if key == RULES_KEY else None
        group.extend(kept)
        if mirror is not None:
            mirror.extend(kept)
    return made


def span_mention(text: str, span: Span, label: str | None = None) -> Mention:
    """The Mention of a span; `text` is doc.text (passed in: spaCy rebuilds it on every access), `label` its
    label_ when the caller has it."""
    attrs: dict[str, Any] = get_nl(span)
    # span.start_char/end_char build Token objects: read only when the offsets are not kept
    start = int(attrs["start"]) if "start" in attrs else span.start_char
    end = int(attrs["end"]) if "end" in attrs else span.end_char
    if "norm_id" not in attrs and span.kb_id_:
        attrs = {**attrs, "norm_id": span.kb_id_}
    return make_mention(text, start, end, span.label_ if label is None else label, attrs)


def _entry_attrs(entry: LexiconEntry, source: str = "rules") -> dict[str, Any]:
    attrs: dict[str, Any] = {"norm_id": entry.norm_id, "norm_name": entry.norm_name, "source": source}
    if entry.hgnc_id:
        attrs["hgnc_id"] = entry.hgnc_id
    if entry.is_class:
        attrs["is_class"] = True
    return attrs


def _rules(doc: Doc) -> list[Span]:
    """The spans of doc.spans["rules"], as a new list.

    Iterating a SpanGroup builds every Span anew (three Token objects each), so the spans are kept beside the
    group in doc.user_data, and used while the group is the same object with the same length. The spans refer
    to the doc: the final step (`EntitiesComponent`) drops the list, so that the doc is freed by reference
    counting, not left to the garbage collector.
    """
    state = doc.user_data.get(STATE_KEY)
    if isinstance(state, RulesDoc) and not state.materialized:
        _materialize(doc, state)
    spans = _rules_mirror(doc)
    if spans is None:
        group = doc.spans.get(RULES_KEY)
        if group is None:
            return []
        spans = list(group)
        doc.user_data[SPANS_KEY] = (group, spans)
    return list(spans)


def rules_doc(doc: Doc) -> RulesDoc:
    """The RulesDoc of a Doc in the pipeline, made on first use (the rules components edit it, not doc.spans)."""
    state = doc.user_data.get(STATE_KEY)
    if not isinstance(state, RulesDoc):
        state = RulesDoc(doc_text(doc), doc=doc)
        doc.user_data[STATE_KEY] = state
    elif state.materialized:
        raise RuntimeError(
            "a rules component runs after doc.spans['rules'] was made: put the rules components before the "
            "statistical model and the final step (see build_pipeline)"
        )
    return state


def _materialize(doc: Doc, state: RulesDoc) -> None:
    """The RulesDoc's spans as doc.spans["rules"] (each with its `get_nl` attributes), once."""
    state.materialized = True
    add_spans(doc, [(s.start, s.end, s.label, dict(s.attrs)) for s in state.spans])


def rules_stages(nlp: Language) -> list[RuleComponent] | None:
    """The rules components of a rules-only pipeline, in order, to run without a Doc (`run_rules`); None when
    the pipeline holds anything else (a statistical model needs the Doc)."""
    names = list(nlp.pipe_names)
    if not names or names[-1] != "neurolit_entities":
        return None
    stages = [stage for stage in map(nlp.get_pipe, names[:-1]) if isinstance(stage, RuleComponent)]
    return stages if len(stages) == len(names) - 1 else None


def _rules_mirror(doc: Doc) -> list[Span] | None:
    """The kept list of doc.spans["rules"] when it is still that group's (see `_rules`), else None."""
    cached = doc.user_data.get(SPANS_KEY)
    if not isinstance(cached, tuple):
        return None
    group = doc.spans.get(RULES_KEY)
    return cached[1] if group is cached[0] and group is not None and len(group) == len(cached[1]) else None


# ------------------------------------------------------------------------------------------- tokenizer
def biomedical_tokenizer(nlp: Language, cache_size: int) -> None:
    """Split hyphens, slashes and brackets between word characters ("EML4-ALK", "ALK/ROS1", "BRAF(V600E)")."""
    from spacy.util import compile_infix_regex

    extra = [
        r"(?<=[\w])[-‐‑–—/](?=[\w])",
        r"(?<=[\w])[()\[\]](?=[\w])",
        r"(?<=[\w])[()\[\]]",
        r"[()\[\]](?=[\w])",
    ]
    infixes = list(nlp.Defaults.infixes or []) + extra
    tokenizer: Any = nlp.tokenizer
    tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    # Raise the cache before large pattern sets (DESIGN.md pitfall: a small cache costs ~3x throughput).
    tokenizer.max_cache_size = cache_size


# ------------------------------------------------------------------------------------------- components
class RuleComponent:
    """A rules component: `apply` edits a RulesDoc; called on a Doc in a spaCy pipeline, it edits the Doc's."""

    def apply(self, rules: RulesDoc) -> None:
        raise NotImplementedError

    def __call__(self, doc: Doc) -> Doc:
        self.apply(rules_doc(doc))
        return doc


class SentenceComponent(RuleComponent):
    def apply(self, rules: RulesDoc) -> None:
        from neurolit.ner.sentences import sentence_spans

        rules.sentences = sentence_spans(rules.text)

    def __call__(self, doc: Doc) -> Doc:
        rules = rules_doc(doc)
        self.apply(rules)
        spans = rules.sentences
        doc.user_data[SENTENCES_KEY] = spans
        if len(doc) == 0:
            return doc
        import numpy
        from spacy.attrs import SENT_START

        idx = doc.to_array("IDX").astype("int64")
        values = numpy.full(len(doc), -1, dtype="int64")
        values[0] = 1
        # the token containing each sentence's first character starts a sentence
        firsts = (
            numpy.searchsorted(idx, numpy.array([start for start, _ in spans], dtype="int64"), side="right")
            - 1
        )
        values[firsts[firsts >= 0]] = 1
        doc.from_array([SENT_START], values.astype("uint64").reshape(-1, 1))  # type: ignore[arg-type]
        return doc


class LexiconComponent(RuleComponent):
    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon

    def apply(self, rules: RulesDoc) -> None:
        text = rules.text
        items = self._dictionary(text)
        items.extend(self._formulas(rules, text, items))
        rules.add(items)

    def _dictionary(self, text: str) -> list[tuple[int, int, str, dict[str, Any]]]:
        """The dictionary matches of `text` as (start, end, label, attrs), with the salt/receptor/enzyme rules."""
        skip = [(u.start(), u.end()) for u in _URL_RE.finditer(text)] if _url_gate(text) else []
        if ")(" in text:
            skip.extend((k.start(), k.end()) for k in _KARYOTYPE_RE.finditer(text))
        items: list[tuple[int, int, str, dict[str, Any]]] = []
        for m in self.lexicon.match(text):
            if skip and any(a <= m.start < b for a, b in skip):
                continue  # "bmj.com", "inv(2)(p21;p23)": addresses and chromosome bands are not entity names
            if (
                m.entry.label == "Gene"
                and m.entry.case_sensitive
                and text[m.start : m.end] != m.entry.form
                and _is_salt_formula(text[m.start : m.end])
            ):
                continue  # "CCl4" (carbon tetrachloride) is not CCL4: a formula written in its own case
            # the three patterns below start with white space or a hyphen: most drug names are not followed by one
            if m.entry.label == "Drug" and not m.entry.is_class and _space_or_hyphen(text, m.end):
                salt = _SALT_RE.match(text, m.end)
                if salt is not None:
                    # "otilonium bromide", "ketamine hydrochloride", "diclofenac sodium": the salt is the drug
                    items.append((m.start, salt.end(), "Drug", _entry_attrs(m.entry)))
                    continue
                receptor = _RECEPTOR_RE.match(text, m.end)
                if receptor is not None:
                    # "mineralocorticoid receptor", "histamine H1 receptors": the protein, not the ligand
                    name = text[m.start : receptor.end()]
                    items.append((m.start, receptor.end(), "Gene", {"norm_id": "", "norm_name": name}))
                    continue
                if _NOT_A_DRUG_AFTER_RE.match(text, m.end):
                    # "tyrosine kinase", "alanine aminotransferase", "ATP-binding site", "formalin-fixed":
                    # a chemical naming a protein, a residue or a laboratory process, not a substance given
                    continue
            items.append((m.start, m.end, m.entry.label, _entry_attrs(m.entry)))
        return items

    def _formulas(
        self, rules: RulesDoc, text: str, items: list[tuple[int, int, str, dict[str, Any]]]
    ) -> list[tuple[int, int, str, dict[str, Any]]]:
        """Ions, inorganic salts and elements written as formulas: "Ca(2+)", "Na+", "CaCl(2)", "ZnSO(4)", "Pb".

        Only where no dictionary span (`items`, or a rules span already there) lies; the name comes from the
        dictionary entry of the formula or of the element's name ("Li" → lithium) when there is one.
        """
        found: list[tuple[int, int, str, dict[str, Any]]] = []
        covered: bytearray | None = None
        for f in _FORMULA_RE.finditer(text):
            start, end = f.span()
            formula = f.group()
            units = f.group("units")
            ion = f.group("charge") and _FORMULA_UNIT_RE.fullmatch(units) is not None  # "Ca(2+)", "Na+"
            if not (ion or _is_salt_formula(units)) and (
                formula not in _BARE_ELEMENTS
                or text[max(0, start - 4) : start].rstrip().lower().endswith("mm")
            ):
                continue  # "In", "As", "He", "mm Hg": element symbols that are mostly words or units
            if covered is None:
                earlier = [(s.start, s.end) for s in rules.spans]
                covered = coverage(len(text), [*earlier, *((a, b) for a, b, _, _ in items)])
            if any(covered[start:end]) or _ION_PROTEIN_RE.match(text, end):
                continue  # a dictionary name; "Ca(2+) channels", "Na+/K+-ATPase": proteins named after the ion
            element = _ELEMENT_NAMES.get(_FORMULA_UNIT_RE.sub(r"\1", units), "")
            entries = (
                self.lexicon.lookup(formula)
                or self.lexicon.lookup(re.sub(r"[()]", "", formula))
                or (self.lexicon.lookup(element) if element else ())
            )
            entry = next((e for e in entries if e.label == "Drug"), None)
            if entry is not None:
                found.append((start, end, "Drug", _entry_attrs(entry)))
            else:
                found.append((start, end, "Drug", {"norm_id": "", "norm_name": element or formula}))
        return found


_SALT_RE = re.compile(
    r"[\s-]+(?:(?:di)?hydrochloride|hydrobromide|HCl|bromide|chloride|iodide|(?:di)?mesylate|maleate|sulfate|"
    r"sulphate|citrate|(?:bi)?tartrate|acetate|fumarate|succinate|besylate|(?:di)?tosylate|malate|lactate|"
    r"gluconate|nitrate|sodium|potassium|monohydrate|dihydrate)(?![\w-])"
)
# Elements written as symbols in biomedical text (no "In", "As", "He", "I", "B", ...: those are mostly words).
_ELEMENT_NAMES = {
    "H": "hydrogen", "Li": "lithium", "C": "carbon", "N": "nitrogen", "O": "oxygen", "F": "fluorine",
    "Na": "sodium", "Mg": "magnesium", "Al": "aluminum", "Si": "silicon", "P": "phosphorus", "S": "sulfur",
    "Cl": "chloride", "K": "potassium", "Ca": "calcium", "Cr": "chromium", "Mn": "manganese", "Fe": "iron",
    "Co": "cobalt", "Ni": "nickel", "Cu": "copper", "Zn": "zinc", "Se": "selenium", "Br": "bromide",
    "Sr": "strontium", "Ag": "silver", "Cd": "cadmium", "I": "iodide", "Ba": "barium", "Pt": "platinum",
    "Au": "gold", "Hg": "mercury", "Pb": "lead", "Tl": "thallium", "As": "arsenic",
}  # fmt: skip
# Element symbols that stand alone as a chemical ("Pb levels", "Li treatment"); others need a charge or a salt.
_BARE_ELEMENTS = frozenset({"Li", "Na", "Mg", "Ca", "Fe", "Cu", "Zn", "Cd", "Pb", "Cr", "Hg"})
_ELEMENT = "|".join(sorted(_ELEMENT_NAMES, key=len, reverse=True))
# The one-character lookahead first: it rejects most positions sooner than the lookbehind (scan 0.033 → 0.024 ms).
_FORMULA_RE = re.compile(
    rf"(?=[A-Z])(?<![\w+-])(?P<units>(?:(?:{_ELEMENT})(?:\d{{1,2}}|\(\d{{1,2}}\))?){{1,5}})"
    r"(?P<charge>\d?\+|\(\d?[+-]\))?(?![\w+(]|\.\d)"
)
_ION_PROTEIN_RE = re.compile(
    r"[\s/-]*(?:[\w+()/-]*ATPases?|channels?|pumps?|currents?|transporters?|sensors?)\b"
)
_FORMULA_UNIT_RE = re.compile(rf"({_ELEMENT})(\d{{1,2}}|\(\d{{1,2}}\))?")


def _is_salt_formula(units: str) -> bool:
    """Two or more elements with a two-letter element or a counted oxygen: "NaCl", "CaCl(2)", "ZnSO(4)", "CO2".
    All-capital runs without counts ("CHK", "SOCS") are gene symbols, not formulas."""
    parts = _FORMULA_UNIT_RE.findall(units)
    if len(parts) < 2 or "".join(a + b for a, b in parts) != units:
        return False
    return any(len(element) == 2 for element, _ in parts) or any(
        element == "O" and count for element, count in parts
    )


def _space_or_hyphen(text: str, i: int) -> bool:
    r"""Whether text[i] exists and is white space or a hyphen (regex ``[\s-]``)."""
    return i < len(text) and (text[i].isspace() or text[i] == "-")


_RECEPTOR_RE = re.compile(r"(?:[\s-]+[A-Z]{0,3}\d?[A-Za-z]?)?[\s-]+receptors?(?![\w-])")
# Words after a chemical name that make it part of an enzyme/protein name or a laboratory process.
_NOT_A_DRUG_AFTER_RE = re.compile(
    r"[\s-]+(?:[a-z]*(?:kinase|phosphatase|transferase|transaminase|synthase|synthetase|hydroxylase|genase|"
    r"ductase|oxidase|boxylase|ligase|lyase|merase|hydrolase|esterase|peptidase|protease|nuclease|aminase|"
    r"cyclase|mutase)s?|residues?|binding|competitive|pocket|fixed|embedded|"
    r"stain(?:s|ed|ing)?)(?![\w-])"
)
_KARYOTYPE_RE = re.compile(r"\b(?:inv|t|del|dup|ins|der|i)\([\w;]+\)\([pq][\w.;]*\)")
_URL_GATE = re.compile(r"://|www\.|\.(?:com|org|net|gov|edu|int|info|io)\b", re.IGNORECASE)
_DOMAIN_END = re.compile(r"\.(?:com|org|net|gov|edu|int|info|io)\b")  # the last alternative of _URL_GATE


def _url_gate(text: str) -> bool:
    """`_URL_GATE.search(text)`, 4x faster on ASCII text: its three alternatives searched apart in the lower-cased
    text, each starting with a literal the regex engine (or `in`) skips ahead to."""
    if not text.isascii():
        return _URL_GATE.search(text) is not None
    lowered = text.lower()
    return "://" in lowered or "www." in lowered or _DOMAIN_END.search(lowered) is not None


_URL_RE = re.compile(
    r"(?:https?://|www\.)\S+|[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|gov|edu|int|info|io)(?:/\S*)?(?![\w])",
    re.IGNORECASE,
)


# "(SF)": up to 15 characters in parentheses; a definition starts at the white space before "(", if any (see
# `_parentheses`).
_PAREN_RE = re.compile(r"\(([^()\s][^()]{0,14})\)")


def _parentheses(text: str) -> list[tuple[int, int, int]]:
    r"""(start, inner start, inner end) of each "(SF)", as ``\s?\(([^()\s][^()]{0,14})\)`` finds them: the
    pattern starts with its literal "(" so the regex engine skips ahead to one (5x faster), and the optional
    white space before it is taken here."""
    found: list[tuple[int, int, int]] = []
    for m in _PAREN_RE.finditer(text):
        start = m.start()
        if start and text[start - 1].isspace():
            start -= 1
        found.append((start, m.start(1), m.end(1)))
    return found


def coverage(length: int, intervals: Iterable[tuple[int, int]]) -> bytearray:
    """A per-character mask of the intervals: overlap tests in O(span length), not O(number of spans)."""
    mask = bytearray(length)
    for start, end in intervals:
        mask[start:end] = b"\x01" * (end - start)
    return mask


def schwartz_hearst_long_form(short: str, text: str, paren: int) -> tuple[int, int] | None:
    """The long form ending at `paren` whose letters spell `short` (Schwartz & Hearst 2003), as offsets."""
    letters = [c.lower() for c in short if c.isalnum()]
    if len(letters) < 2 or not short[0].isalnum():
        return None
    window = text[max(0, paren - 120) : paren].rstrip()
    words = window.split()[-min(len(letters) + 5, 2 * len(letters)) :]
    if len(words) < 2:
        return None
    long_form = " ".join(words)
    li = len(long_form) - 1
    for si in range(len(letters) - 1, -1, -1):
        c = letters[si]
        while li >= 0 and (
            long_form[li].lower() != c or (si == 0 and li > 0 and long_form[li - 1].isalnum())
        ):
            li -= 1
        if li < 0:
            return None
        li -= 1
    begin = long_form.rfind(" ", 0, li + 1) + 1
    candidate = long_form[begin:]
    if len(candidate.split()) < 2 or not candidate[0].isalpha():
        return None
    end = max(0, paren - 120) + len(window)
    return end - len(candidate), end


class AbbreviationComponent(RuleComponent):
    """`long form (SF)`: when the long form is a tagged entity, every SF in the document gets its entity.

    When the SF itself was tagged as a gene but the long form as a drug (protein names in drug dictionaries:
    "anaplastic lymphoma kinase (ALK)"), the long form becomes the gene instead.
    """

    def __init__(self, non_gene_heads: Iterable[str] = ()) -> None:
        self.non_gene_heads = frozenset(h.lower() for h in non_gene_heads)

    def apply(self, rules: RulesDoc) -> None:
        text = rules.text
        spans = list(rules.spans)
        if not spans:
            return
        spans, definitions = self._definitions(rules, text, spans)
        if definitions:
            spans = self._propagate(rules, text, spans, definitions)
        rules.set_spans(spans)

    def _definitions(
        self, rules: RulesDoc, text: str, spans: list[RuleSpan]
    ) -> tuple[list[RuleSpan], dict[str, RuleSpan]]:
        """The short forms the text defines ("long form (SF)") → their long-form spans; `spans` updated where a
        definition makes a gene's long form, or shows a tagged symbol is not a gene."""
        by_end: dict[int, RuleSpan] = {}
        by_start: dict[int, RuleSpan] = {}
        for s in spans:
            by_end[s.end] = s
            by_start[s.start] = s
        definitions: dict[str, RuleSpan] = {}
        for start, inner, inner_end in _parentheses(text):
            short = text[inner:inner_end].strip()
            long_form = by_end.get(start)
            tagged = by_start.get(inner)
            if long_form is None and tagged is not None and tagged.label == "Gene":
                spans = self._gene_long_form(rules, text, spans, start, short, tagged)
                continue
            if long_form is None or long_form.label not in ("Gene", "Drug", "Disease"):
                continue
            if not re.search(r"[A-Z]", short) or len(short) < 2 or " " in short.strip():
                continue
            if (
                tagged is not None
                and tagged.end == inner_end
                and tagged.label == "Gene"
                and long_form.label == "Drug"
            ):
                long_form.label = "Gene"
                long_form.attrs = {
                    **long_form.attrs,
                    **{k: tagged.attrs.get(k, "") for k in ("norm_id", "norm_name", "hgnc_id")},
                }
                continue
            if not _plausible_short_form(short, text[max(0, start - 200) : start], long_form.label):
                continue  # "gefitinib (IMPRESS)": a trial acronym after a drug, not the drug's abbreviation
            if (
                long_form.label == "Gene"
                and _VARIANT_LIKE_RE.fullmatch(short)
                and _is_symbol(text[long_form.start : start])
            ):
                continue  # "Kras(G12D)", "NF1 (1322T)", "Apc (Min/+)": a variant, clone or genotype after a symbol
            definitions.setdefault(short, long_form)
        return spans, definitions

    def _gene_long_form(
        self,
        rules: RulesDoc,
        text: str,
        spans: list[RuleSpan],
        paren: int,
        short: str,
        tagged: RuleSpan,
    ) -> list[RuleSpan]:
        """ "anaplastic lymphoma kinase (ALK)": an untagged long form of a tagged gene symbol becomes the gene."""
        found = schwartz_hearst_long_form(short, text, paren)
        if found is not None and _last_word(text[found[0] : found[1]]) in self.non_gene_heads:
            # "turnaround time (TAT)": the text defines the symbol as something that is not a gene
            return [x for x in spans if x is not tagged]
        if found is None:
            return spans
        inside = [
            x for x in spans if found[0] <= x.start and x.end <= found[1] and x.label in ("Drug", "Disease")
        ]
        if any(found[0] < x.end and x.start < found[1] for x in spans if all(x is not y for y in inside)):
            return spans
        # words of the gene's name ("lymphoma" in "anaplastic lymphoma kinase") are not entities
        spans = [x for x in spans if all(x is not y for y in inside)]
        extra = rules.new(found[0], found[1], "Gene", {**tagged.attrs, "source": "abbreviation"})
        if extra is not None:
            spans.append(extra)
        return spans

    def _propagate(
        self,
        rules: RulesDoc,
        text: str,
        spans: list[RuleSpan],
        definitions: dict[str, RuleSpan],
    ) -> list[RuleSpan]:
        """Every occurrence of a defined short form takes its long form's entity."""
        occupied = {(s.start, s.end): s for s in spans}
        covered = coverage(
            len(text), [(s.start, s.end) for s in spans if s.label in ("Gene", "Drug", "Disease")]
        )
        removed: set[int] = set()  # id() of the spans replaced
        kept = list(spans)
        for start, end, short in _occurrences(text, definitions):
            long_form = definitions[short]
            existing = occupied.get((start, end))
            if existing is not None:
                if existing.label == long_form.label:
                    continue
                if (
                    existing.label == "Gene"
                    and long_form.label == "Disease"
                    and _GENE_CONTEXT_RE.match(text, end)
                ):
                    continue  # "von Hippel-Lindau disease (VHL)" ... "VHL gene", "Npc1 mutant mice": the gene
                removed.add(id(existing))
            elif any(covered[start:end]):
                continue
            span = rules.new(start, end, long_form.label, {**long_form.attrs, "source": "abbreviation"})
            if span is not None:
                kept.append(span)
        return [s for s in kept if id(s) not in removed]


def _occurrences(text: str, shorts: Iterable[str]) -> list[tuple[int, int, str]]:
    r"""Whole-word occurrences of the short forms, left to right, not overlapping, the longest first where two
    start together: what the alternation ``(?<![\w-])(SF1|SF2|...)(?![\w-])`` finds, without compiling a
    pattern per document."""
    best: dict[int, str] = {}
    for short in sorted(shorts, key=len, reverse=True):
        at = text.find(short)
        while at >= 0:
            if at not in best and not _word_char(text, at - 1) and not _word_char(text, at + len(short)):
                best[at] = short
            at = text.find(short, at + 1)
    found: list[tuple[int, int, str]] = []
    free = 0
    for at in sorted(best):
        if at >= free:
            free = at + len(best[at])
            found.append((at, free, best[at]))
    return found


def _word_char(text: str, i: int) -> bool:
    r"""Whether text[i] exists and is a word character or a hyphen (regex ``[\w-]``)."""
    return 0 <= i < len(text) and (text[i].isalnum() or text[i] in "_-")


# Words after a symbol that make it the gene even where the text defined it as a disease's abbreviation.
_GENE_CONTEXT_RE = re.compile(
    r"(?:\s*\([+-]/[+-]\))?[\s-]+(?:genes?|proteins?|mutations?|mutants?|mutated|variants?|alleles?|"
    r"expression|expressing|mRNAs?|transcripts?|promoter|locus|loci|knockout|knockdown|deficient|deficiency|"
    r"null|inactivation|loss|silencing|deletion|germline|somatic|carriers?)\b"
    r"|\s*\([+-]/[+-]\)"
)


# Short forms shaped like a variant ("G12D", "E746_A750del"), a clone ("1322T") or a genotype ("Min/+", "fl/+").
_VARIANT_LIKE_RE = re.compile(
    r"\d+[A-Z]?|[A-Z]\d+[A-Z*]|[A-Z]\d+(?:_[A-Z]\d+)?(?:del|ins|dup|fs)\w*|[\w-]*(?:/[+-]|[+-]/)[\w+/-]*"
)


def _is_symbol(name: str) -> bool:
    """A gene symbol rather than a name: one word of at most 8 characters ("Kras", "NF1", "HER-2")."""
    return len(name) <= 8 and not any(ch.isspace() for ch in name)


def _last_word(text: str) -> str:
    words = re.findall(r"[A-Za-z]+", text)
    return words[-1].lower() if words else ""


def _plausible_short_form(short: str, before: str, label: str) -> bool:
    """Whether `short` can abbreviate the words just `before` it: a drug's code ("crizotinib (PF-02341066)"), or
    its first letter starts one of the last len(short) + 5 words or sub-words there (Schwartz & Hearst's window:
    "EGFR" for "epidermal growth factor receptor", "FH" for "familial hypercholesterolemia"). "BRAF(V600E)" and
    "gefitinib (IMPRESS)" are not abbreviations."""
    if not short[:1].isalpha() or (label == "Drug" and any(ch.isdigit() for ch in short)):
        return True
    first = short[0].lower()
    words = before.split()[-(len(short) + 5) :]
    return any(part[:1].lower() == first for word in words for part in re.split(r"[\W_]+", word))


class DrugClassComponent(RuleComponent):
    """Gene or family + class head ("ALK inhibitors", "EGFR-TKIs", "ALK/ROS1 inhibitor"), and class terms."""

    def __init__(self, heads: Iterable[str], terms: Iterable[str]) -> None:
        head = "|".join(sorted(heads, key=len, reverse=True))
        self.after_gene = re.compile(
            r"(?:\s*[/,]\s*(?:and\s+|or\s+)?[A-Z][A-Za-z0-9-]{1,10}|\s+(?:and|or)\s+[A-Z][A-Z0-9-]{1,10})*"
            r"(?:\s*[-‐–]\s*|\s+)(?:(?:targeted|tyrosine\s+kinase|kinase|selective|specific)\s+)?"
            rf"(?:{head})(?![\w-])",
            re.IGNORECASE,
        )
        term = "|".join(re.escape(t).replace(r"\ ", r"[\s-]+") for t in sorted(terms, key=len, reverse=True))
        self.terms = re.compile(rf"(?<![\w-])(?:{term})(?![\w-])", re.IGNORECASE) if term else None
        self.folded = _folded_or_none(self.after_gene, self.terms)

    def apply(self, rules: RulesDoc) -> None:
        text = rules.text
        spans = list(rules.spans)
        after_gene, terms, scanned = self.after_gene, self.terms, text
        if self.folded is not None and text.isascii():  # the same matches, faster: see `outcomes.folded`
            after_gene, terms = self.folded
            scanned = text.lower()
        found: list[tuple[int, int, str]] = []
        for s in spans:
            if s.label != "Gene":
                continue
            m = after_gene.match(scanned, s.end)
            if m is not None:
                name = re.sub(r"\s+", " ", text[s.start : m.end()])
                found.append((s.start, m.end(), name))
        if terms is not None:
            for m in terms.finditer(scanned):
                found.append((m.start(), m.end(), re.sub(r"\s+", " ", text[m.start() : m.end()])))
        if not found:
            return
        taken = bytearray(len(text))
        classes: list[tuple[int, int, str]] = []
        for start, end, name in sorted(found, key=lambda f: (f[0], -f[1])):
            if any(taken[start:end]):
                continue
            taken[start:end] = b"\x01" * (end - start)
            classes.append((start, end, name))
        # A drug-dictionary match inside a class phrase ("tyrosine kinase") is part of the class.
        spans = [s for s in spans if not (s.label == "Drug" and all(taken[s.start : s.end]))]
        for start, end, name in classes:
            attrs = {
                "norm_id": f"CLASS:{_class_name(name)}",
                "norm_name": name,
                "is_class": True,
                "source": "rules",
            }
            span = rules.new(start, end, "Drug", attrs)
            if span is not None:
                spans.append(span)
        rules.set_spans(spans)


def _folded_or_none(
    after_gene: re.Pattern[str], terms: re.Pattern[str] | None
) -> tuple[re.Pattern[str], re.Pattern[str] | None] | None:
    """The drug-class patterns folded to lower case (`neurolit.ner.outcomes.folded`), or None when the
    configured heads or terms cannot be."""
    from neurolit.ner.outcomes import folded

    try:
        return folded(after_gene.pattern), (folded(terms.pattern) if terms is not None else None)
    except ValueError:
        return None


def _class_name(name: str) -> str:
    """A stable identifier for a drug class: "EGFR-TKIs" → "EGFR TKI", "ALK inhibitors" → "ALK inhibitor"."""
    words = re.sub(r"[\s\-‐–]+", " ", name).strip().split(" ")
    last = words[-1]
    if last.endswith("ies"):
        last = last[:-3] + "y"
    elif last.endswith("s") and len(last) > 3:
        last = last[:-1]
    return " ".join([*words[:-1], last])


class VariantComponent(RuleComponent):
    def apply(self, rules: RulesDoc) -> None:
        from neurolit.ner.variants import find_variants, link_variants

        text = rules.text
        variants = find_variants(text)
        if not variants:
            return
        genes = [
            (
                s.start,
                s.end,
                s.attrs.get("norm_name") or rules.span_text(s.start, s.end),
                s.attrs.get("norm_id", ""),
            )
            for s in rules.spans
            if s.label == "Gene"
        ]
        linked = [v for v in link_variants(text, variants, genes) if v.gene or not v.requires_gene]
        # A sequence-level variant ("R1306W", "p.R229G") is never also a drug or disease name.
        sequence = [(v.start, v.end) for v in linked if not v.requires_gene]
        if sequence:
            covered = coverage(len(text), sequence)
            rules.set_spans(s for s in rules.spans if s.label == "Gene" or not any(covered[s.start : s.end]))
        rules.add(
            (
                v.start,
                v.end,
                "Variant",
                {
                    "norm_id": v.normalized,
                    "norm_name": v.normalized,
                    "variant_type": v.variant_type,
                    "gene": v.gene,
                    "gene_id": v.gene_id,
                },
            )
            for v in linked
        )


class OutcomeComponent(RuleComponent):
    def apply(self, rules: RulesDoc) -> None:
        from neurolit.ner.outcomes import find_outcomes

        cues = [
            (
                o.start,
                o.end,
                "Outcome",
                {
                    "norm_id": o.response,
                    "norm_name": o.response,
                    "response": o.response,
                    "polarity": o.polarity,
                    "negated": o.negated,
                    "hedged": o.hedged,
                },
            )
            for o in find_outcomes(rules.text)
        ]
        rules.add(cues)


class EntitiesComponent:
    """Final step: Mention records in Doc._.mentions, and the longest non-overlapping spans as doc.ents."""

    def __call__(self, doc: Doc) -> Doc:
        from spacy.strings import get_string_id
        from spacy.util import filter_spans

        key = FINAL_KEY if FINAL_KEY in doc.spans else RULES_KEY
        spans = _rules(doc) if key == RULES_KEY else list(doc.spans[key])
        # reference cycles through the doc (see `_rules` and `rules_doc`)
        doc.user_data.pop(SPANS_KEY, None)
        state = doc.user_data.pop(STATE_KEY, None)
        if isinstance(state, RulesDoc):
            state.release()
        labels = [span.label for span in spans]
        names = {label: doc.vocab.strings[label] for label in set(labels)}  # label_ decodes on every access
        text = doc_text(doc)
        doc._.mentions = unique_mentions(
            span_mention(text, span, names[label]) for span, label in zip(spans, labels, strict=True)
        )
        outcome = get_string_id("Outcome")
        entities = [span for span, label in zip(spans, labels, strict=True) if label != outcome]
        # what `doc.ents = ...` does, without the setter building every Span a second time
        doc.set_ents(filter_spans(entities), default="outside")
        return doc


# ------------------------------------------------------------------------------------------- factories
def _register_factories() -> None:
    from spacy.language import Language

    if "neurolit_entities" in Language.factories:
        return

    @Language.factory("neurolit_sentences")
    def make_sentences(nlp: Language, name: str) -> SentenceComponent:
        return SentenceComponent()

    @Language.factory("neurolit_lexicon", default_config={"use_stoplist": True})
    def make_lexicon(nlp: Language, name: str, use_stoplist: bool) -> LexiconComponent:
        from neurolit.ner.lexicon import load_lexicon

        return LexiconComponent(load_lexicon(use_stoplist=use_stoplist))

    @Language.factory("neurolit_abbreviations", default_config={"non_gene_heads": []})
    def make_abbreviations(nlp: Language, name: str, non_gene_heads: list[str]) -> AbbreviationComponent:
        return AbbreviationComponent(non_gene_heads)

    @Language.factory("neurolit_drug_classes", default_config={"heads": [], "terms": []})
    def make_drug_classes(nlp: Language, name: str, heads: list[str], terms: list[str]) -> DrugClassComponent:
        return DrugClassComponent(heads, terms)

    @Language.factory("neurolit_variants")
    def make_variants(nlp: Language, name: str) -> VariantComponent:
        return VariantComponent()

    @Language.factory("neurolit_outcomes")
    def make_outcomes(nlp: Language, name: str) -> OutcomeComponent:
        return OutcomeComponent()

    @Language.factory("neurolit_entities")
    def make_entities(nlp: Language, name: str) -> EntitiesComponent:
        return EntitiesComponent()


def _add_model(nlp: Language, model_path: Path | None) -> bool:
    """Let the statistical NER (neurolit.ner.model) add its components, if that module and a model exist."""
    try:
        from neurolit.ner import model as ner_model
    except ImportError:
        return False
    add = getattr(ner_model, "add_to_pipeline", None)
    if add is None:
        return False
    return bool(add(nlp, model_path))


def build_pipeline(*, use_model: bool = True, model_path: Path | None = None) -> Language:
    """The NER pipeline: rules components, the statistical model when one is available, and the final step."""
    import spacy

    settings = ner_settings()
    _register_extensions()
    _register_factories()
    nlp = spacy.blank("en")
    # No parser or tagger runs here, so long texts (a 2 MB "abstract") cost memory linear in their size only.
    nlp.max_length = int(settings.get("max_length", 10_000_000))
    biomedical_tokenizer(nlp, int(settings.get("tokenizer_cache_size", 100_000)))
    nlp.add_pipe("neurolit_sentences")
    nlp.add_pipe("neurolit_lexicon", config={"use_stoplist": bool(settings.get("use_stoplist", True))})
    nlp.add_pipe(
        "neurolit_abbreviations",
        config={"non_gene_heads": list(settings.get("non_gene_long_form_heads", []))},
    )
    nlp.add_pipe(
        "neurolit_drug_classes",
        config={
            "heads": list(settings.get("drug_class_heads", [])),
            "terms": list(settings.get("drug_class_terms", [])),
        },
    )
    for component, module in (
        ("neurolit_variants", "neurolit.ner.variants"),
        ("neurolit_outcomes", "neurolit.ner.outcomes"),
    ):
        if find_spec(module) is None:
            log.warning("%s is not installed; the pipeline runs without %s", module, component)
            continue
        nlp.add_pipe(component)
    from neurolit.ner.context import add_context  # chemicals inside protein names; edits the rules' spans

    add_context(nlp)
    if use_model and _add_model(nlp, model_path):
        log.info("statistical NER added to the pipeline")
    nlp.add_pipe("neurolit_entities")
    return nlp
