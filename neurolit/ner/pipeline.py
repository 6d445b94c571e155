"""The rules NER pipeline: spaCy components of our own, registered as factories, assembled by `build_pipeline`.

Component order and contract (a statistical model plugs in between the rules and the final step):

    tokenizer            blank English + biomedical infixes (hyphens, slashes, brackets between word chars)
    neurolit_sentences   rule sentence boundaries (`neurolit.ner.sentences`)
    neurolit_lexicon     genes, drugs, diseases from the compiled tables → doc.spans["rules"]
    neurolit_abbreviations  "long form (SF)": SF takes the long form's entity everywhere in the document
    neurolit_drug_classes   "ALK inhibitors", "EGFR TKIs", "ALK/ROS1 inhibitor" → Drug spans with is_class
    neurolit_variants    variant grammar + gene linking (`neurolit.ner.variants`) → doc.spans["rules"]
    neurolit_outcomes    response/resistance cues (`neurolit.ner.outcomes`) → doc.spans["rules"]
    [model]              optional: `neurolit.ner.model.add_to_pipeline(nlp, model_path)` adds its components,
                         writing doc.spans["model"] and, when it combines, doc.spans["final"]
    neurolit_entities    doc.spans["final"] if a combiner filled it, else doc.spans["rules"] → Doc._.mentions
                         (Mention records with exact character offsets) and non-overlapping doc.ents

Every span carries ``get_nl(span)``: a dict with the exact character offsets ("start", "end"; spans may be wider
when token boundaries do not match) and the Mention fields (norm_id, norm_name, hgnc_id, variant_type, ...).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from neurolit.config import load_config
from neurolit.records import EntityLabel, Mention

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
_MENTION_FIELDS = (
    "norm_id",
    "norm_name",
    "source",
    "score",
    "hgnc_id",
    "variant_type",
    "gene",
    "gene_id",
    "is_class",
    "response",
    "polarity",
    "negated",
    "hedged",
)


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


def get_nl(span: Span) -> dict[str, Any]:
    """The neurolit attributes of a span (kept per span id in doc.user_data, see `new_span`)."""
    data: dict[Any, Any] = span.doc.user_data
    value = data.get((ATTRS_KEY, span.id))
    return value if isinstance(value, dict) else {}


def set_nl(span: Span, attrs: dict[str, Any]) -> None:
    """Store a span's attributes; a span made without `new_span` (id 0) is given a fresh id first."""
    data: dict[Any, Any] = span.doc.user_data
    if span.id == 0:
        serial = int(data.get(SERIAL_KEY, 0)) + 1
        data[SERIAL_KEY] = serial
        span.id = serial
    data[(ATTRS_KEY, span.id)] = attrs


def add_span(doc: Doc, start: int, end: int, label: str, key: str = RULES_KEY, **attrs: Any) -> Span | None:
    """Add a span for the characters [start, end) to doc.spans[key], keeping the exact offsets in get_nl(span)."""
    span = new_span(doc, start, end, label, str(attrs.get("norm_id", "")))
    if span is None:
        return None
    attrs.setdefault("source", "rules")
    set_nl(span, {"start": start, "end": end, **attrs})
    group = doc.spans.get(key)
    if group is None:
        doc.spans[key] = [span]
    else:
        group.append(span)
    return span


def new_span(doc: Doc, start: int, end: int, label: str, kb_id: str = "") -> Span | None:
    """A span over the tokens covering [start, end) with a per-document unique id.

    spaCy keys span extension *values* by character offsets only, so two spans over the same text (a variant
    linked to two genes, a gene inside an equal drug-class span) would share them; ``get_nl(span)`` is therefore a
    getter over doc.user_data keyed by this id.
    """
    serial = int(doc.user_data.get(SERIAL_KEY, 0)) + 1
    doc.user_data[SERIAL_KEY] = serial
    span = doc.char_span(start, end, label=label, kb_id=kb_id, alignment_mode="expand", span_id=serial)
    return span if span is not None and len(span) else None


def span_mention(text: str, span: Span) -> Mention:
    """The Mention of a span; `text` is doc.text (passed in: spaCy rebuilds it on every access)."""
    attrs: dict[str, Any] = get_nl(span)
    start = int(attrs.get("start", span.start_char))
    end = int(attrs.get("end", span.end_char))
    fields = {k: attrs[k] for k in _MENTION_FIELDS if k in attrs}
    if "norm_id" not in fields and span.kb_id_:
        fields["norm_id"] = span.kb_id_
    label = cast(EntityLabel, span.label_)
    return Mention(start=start, end=end, text=text[start:end], label=label, **fields)


def _entry_attrs(entry: LexiconEntry, source: str = "rules") -> dict[str, Any]:
    attrs: dict[str, Any] = {"norm_id": entry.norm_id, "norm_name": entry.norm_name, "source": source}
    if entry.hgnc_id:
        attrs["hgnc_id"] = entry.hgnc_id
    if entry.is_class:
        attrs["is_class"] = True
    return attrs


def _rules(doc: Doc) -> list[Span]:
    return list(doc.spans[RULES_KEY]) if RULES_KEY in doc.spans else []


def _set_rules(doc: Doc, spans: Iterable[Span]) -> None:
    doc.spans[RULES_KEY] = sorted(spans, key=lambda s: (get_nl(s)["start"], get_nl(s)["end"], s.label_))


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
class SentenceComponent:
    def __call__(self, doc: Doc) -> Doc:
        from neurolit.ner.sentences import sentence_spans

        spans = sentence_spans(doc_text(doc))
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


class LexiconComponent:
    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        skip = [(u.start(), u.end()) for u in _URL_RE.finditer(text)] if _URL_GATE.search(text) else []
        if ")(" in text:
            skip.extend((k.start(), k.end()) for k in _KARYOTYPE_RE.finditer(text))
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
            if m.entry.label == "Drug" and not m.entry.is_class:
                salt = _SALT_RE.match(text, m.end)
                if salt is not None:
                    # "otilonium bromide", "ketamine hydrochloride", "diclofenac sodium": the salt is the drug
                    add_span(doc, m.start, salt.end(), "Drug", **_entry_attrs(m.entry))
                    continue
                receptor = _RECEPTOR_RE.match(text, m.end)
                if receptor is not None:
                    # "mineralocorticoid receptor", "histamine H1 receptors": the protein, not the ligand
                    name = text[m.start : receptor.end()]
                    add_span(doc, m.start, receptor.end(), "Gene", norm_id="", norm_name=name)
                    continue
                if _NOT_A_DRUG_AFTER_RE.match(text, m.end):
                    # "tyrosine kinase", "alanine aminotransferase", "ATP-binding site", "formalin-fixed":
                    # a chemical naming a protein, a residue or a laboratory process, not a substance given
                    continue
            add_span(doc, m.start, m.end, m.entry.label, **_entry_attrs(m.entry))
        self._formulas(doc, text)
        return doc

    def _formulas(self, doc: Doc, text: str) -> None:
        """Ions, inorganic salts and elements written as formulas: "Ca(2+)", "Na+", "CaCl(2)", "ZnSO(4)", "Pb".

        Only where no dictionary span lies; the name comes from the dictionary entry of the formula or of the
        element's name ("Li" → lithium) when there is one.
        """
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
                covered = coverage(len(text), ((get_nl(s)["start"], get_nl(s)["end"]) for s in _rules(doc)))
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
                add_span(doc, start, end, "Drug", **_entry_attrs(entry))
            else:
                add_span(doc, start, end, "Drug", norm_id="", norm_name=element or formula)


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
_FORMULA_RE = re.compile(
    rf"(?<![\w+-])(?=[A-Z])(?P<units>(?:(?:{_ELEMENT})(?:\d{{1,2}}|\(\d{{1,2}}\))?){{1,5}})"
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
_URL_RE = re.compile(
    r"(?:https?://|www\.)\S+|[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|gov|edu|int|info|io)(?:/\S*)?(?![\w])",
    re.IGNORECASE,
)


_PAREN_RE = re.compile(r"\s?\(([^()\s][^()]{0,14})\)")


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


class AbbreviationComponent:
    """`long form (SF)`: when the long form is a tagged entity, every SF in the document gets its entity.

    When the SF itself was tagged as a gene but the long form as a drug (protein names in drug dictionaries:
    "anaplastic lymphoma kinase (ALK)"), the long form becomes the gene instead.
    """

    def __init__(self, non_gene_heads: Iterable[str] = ()) -> None:
        self.non_gene_heads = frozenset(h.lower() for h in non_gene_heads)

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        spans = _rules(doc)
        if not spans:
            return doc
        by_end: dict[int, Span] = {}
        by_start: dict[int, Span] = {}
        for s in spans:
            by_end[get_nl(s)["end"]] = s
            by_start[get_nl(s)["start"]] = s
        definitions: dict[str, Span] = {}
        for m in _PAREN_RE.finditer(text):
            short = m.group(1).strip()
            long_form = by_end.get(m.start())
            tagged = by_start.get(m.start(1))
            if long_form is None and tagged is not None and tagged.label_ == "Gene":
                # "anaplastic lymphoma kinase (ALK)": an untagged long form of a tagged gene symbol.
                found = schwartz_hearst_long_form(short, text, m.start())
                if found is not None and _last_word(text[found[0] : found[1]]) in self.non_gene_heads:
                    # "turnaround time (TAT)": the text defines the symbol as something that is not a gene
                    spans = [x for x in spans if x is not tagged]
                    continue
                inside = [
                    x
                    for x in spans
                    if found is not None
                    and found[0] <= get_nl(x)["start"]
                    and get_nl(x)["end"] <= found[1]
                    and x.label_ in ("Drug", "Disease")
                ]
                if found is not None and not any(
                    found[0] < get_nl(x)["end"] and get_nl(x)["start"] < found[1]
                    for x in spans
                    if all(x is not y for y in inside)
                ):
                    # words of the gene's name ("lymphoma" in "anaplastic lymphoma kinase") are not entities
                    spans = [x for x in spans if all(x is not y for y in inside)]
                    attrs = {k: v for k, v in get_nl(tagged).items() if k not in ("start", "end")}
                    extra = add_span(doc, found[0], found[1], "Gene", **{**attrs, "source": "abbreviation"})
                    if extra is not None:
                        spans.append(extra)
                continue
            if long_form is None or long_form.label_ not in ("Gene", "Drug", "Disease"):
                continue
            if not re.search(r"[A-Z]", short) or len(short) < 2 or " " in short.strip():
                continue
            if (
                tagged is not None
                and get_nl(tagged)["end"] == m.end(1)
                and tagged.label_ == "Gene"
                and long_form.label_ == "Drug"
            ):
                long_form.label_ = "Gene"
                set_nl(
                    long_form,
                    {
                        **get_nl(long_form),
                        **{k: get_nl(tagged).get(k, "") for k in ("norm_id", "norm_name", "hgnc_id")},
                    },
                )
                continue
            if not _plausible_short_form(short, text[max(0, m.start() - 200) : m.start()], long_form.label_):
                continue  # "gefitinib (IMPRESS)": a trial acronym after a drug, not the drug's abbreviation
            if (
                long_form.label_ == "Gene"
                and _VARIANT_LIKE_RE.fullmatch(short)
                and _is_symbol(text[get_nl(long_form)["start"] : m.start()])
            ):
                continue  # "Kras(G12D)", "NF1 (1322T)", "Apc (Min/+)": a variant, clone or genotype after a symbol
            definitions.setdefault(short, long_form)
        if not definitions:
            _set_rules(doc, spans)
            return doc
        pattern = re.compile(
            r"(?<![\w-])("
            + "|".join(re.escape(k) for k in sorted(definitions, key=len, reverse=True))
            + r")(?![\w-])"
        )
        occupied = {(get_nl(s)["start"], get_nl(s)["end"]): s for s in spans}
        covered = coverage(
            len(text),
            [
                (get_nl(s)["start"], get_nl(s)["end"])
                for s in spans
                if s.label_ in ("Gene", "Drug", "Disease")
            ],
        )
        removed: set[int] = set()
        kept = list(spans)
        for m in pattern.finditer(text):
            long_form = definitions[m.group(1)]
            existing = occupied.get((m.start(), m.end()))
            if existing is not None:
                if existing.label_ == long_form.label_:
                    continue
                if (
                    existing.label_ == "Gene"
                    and long_form.label_ == "Disease"
                    and _GENE_CONTEXT_RE.match(text, m.end())
                ):
                    continue  # "von Hippel-Lindau disease (VHL)" ... "VHL gene", "Npc1 mutant mice": the gene
                removed.add(existing.id)
            elif any(covered[m.start() : m.end()]):
                continue
            attrs = {k: v for k, v in get_nl(long_form).items() if k not in ("start", "end")}
            attrs["source"] = "abbreviation"
            span = new_span(doc, m.start(), m.end(), long_form.label_, str(attrs.get("norm_id", "")))
            if span is not None:
                set_nl(span, {"start": m.start(), "end": m.end(), **attrs})
                kept.append(span)
        _set_rules(doc, [s for s in kept if s.id not in removed])
        return doc


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


class DrugClassComponent:
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

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        spans = _rules(doc)
        found: list[tuple[int, int, str]] = []
        for s in spans:
            if s.label_ != "Gene":
                continue
            start, end = get_nl(s)["start"], get_nl(s)["end"]
            m = self.after_gene.match(text, end)
            if m is not None:
                name = re.sub(r"\s+", " ", text[start : m.end()])
                found.append((start, m.end(), name))
        if self.terms is not None:
            for m in self.terms.finditer(text):
                found.append((m.start(), m.end(), re.sub(r"\s+", " ", m.group(0))))
        if not found:
            return doc
        taken = bytearray(len(text))
        classes: list[tuple[int, int, str]] = []
        for start, end, name in sorted(found, key=lambda f: (f[0], -f[1])):
            if any(taken[start:end]):
                continue
            taken[start:end] = b"\x01" * (end - start)
            classes.append((start, end, name))
        # A drug-dictionary match inside a class phrase ("tyrosine kinase") is part of the class.
        spans = [
            s for s in spans if not (s.label_ == "Drug" and all(taken[get_nl(s)["start"] : get_nl(s)["end"]]))
        ]
        for start, end, name in classes:
            span = new_span(doc, start, end, "Drug")
            if span is not None:
                set_nl(
                    span,
                    {
                        "start": start,
                        "end": end,
                        "norm_id": f"CLASS:{_class_name(name)}",
                        "norm_name": name,
                        "is_class": True,
                        "source": "rules",
                    },
                )
                spans.append(span)
        _set_rules(doc, spans)
        return doc


def _class_name(name: str) -> str:
    """A stable identifier for a drug class: "EGFR-TKIs" → "EGFR TKI", "ALK inhibitors" → "ALK inhibitor"."""
    words = re.sub(r"[\s\-‐–]+", " ", name).strip().split(" ")
    last = words[-1]
    if last.endswith("ies"):
        last = last[:-3] + "y"
    elif last.endswith("s") and len(last) > 3:
        last = last[:-1]
    return " ".join([*words[:-1], last])


class VariantComponent:
    def __call__(self, doc: Doc) -> Doc:
        from neurolit.ner.variants import find_variants, link_variants

        text = doc_text(doc)
        variants = find_variants(text)
        if not variants:
            return doc
        # each span's label and attributes read once (both are looked up, not stored, on a spaCy Span)
        spans = [(s, s.label_ == "Gene", get_nl(s)) for s in _rules(doc)]
        genes = [
            (attrs["start"], attrs["end"], attrs.get("norm_name") or s.text, attrs.get("norm_id", ""))
            for s, is_gene, attrs in spans
            if is_gene
        ]
        linked = [v for v in link_variants(text, variants, genes) if v.gene or not v.requires_gene]
        # A sequence-level variant ("R1306W", "p.R229G") is never also a drug or disease name.
        sequence = [(v.start, v.end) for v in linked if not v.requires_gene]
        if sequence:
            covered = coverage(len(text), sequence)
            kept = [
                s for s, is_gene, attrs in spans if is_gene or not any(covered[attrs["start"] : attrs["end"]])
            ]
            _set_rules(doc, kept)
        for v in linked:
            add_span(
                doc,
                v.start,
                v.end,
                "Variant",
                norm_id=v.normalized,
                norm_name=v.normalized,
                variant_type=v.variant_type,
                gene=v.gene,
                gene_id=v.gene_id,
            )
        return doc


class OutcomeComponent:
    def __call__(self, doc: Doc) -> Doc:
        from neurolit.ner.outcomes import find_outcomes

        for o in find_outcomes(doc_text(doc)):
            add_span(
                doc,
                o.start,
                o.end,
                "Outcome",
                norm_id=o.response,
                norm_name=o.response,
                response=o.response,
                polarity=o.polarity,
                negated=o.negated,
                hedged=o.hedged,
            )
        return doc


class EntitiesComponent:
    """Final step: Mention records in Doc._.mentions, and the longest non-overlapping spans as doc.ents."""

    def __call__(self, doc: Doc) -> Doc:
        from spacy.util import filter_spans

        key = FINAL_KEY if FINAL_KEY in doc.spans else RULES_KEY
        spans = list(doc.spans[key]) if key in doc.spans else []
        seen: set[tuple[int, int, str, str, str]] = set()
        mentions: list[Mention] = []
        text = doc_text(doc)
        for span in spans:
            mention = span_mention(text, span)
            ident = (mention.start, mention.end, mention.label, mention.norm_id, mention.gene)
            if ident in seen:
                continue
            seen.add(ident)
            mentions.append(mention)
        mentions.sort(key=lambda m: (m.start, m.end, m.label))
        doc._.mentions = mentions
        doc.ents = filter_spans([s for s in spans if s.label_ != "Outcome"])
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
