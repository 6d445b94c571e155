"""Rule mentions as plain records, the state the rules components read and edit.

The rules components (`neurolit.ner.pipeline`, `neurolit.ner.context`) work on a `RulesDoc`: the text, its
sentences and a list of `RuleSpan` records (character offsets, label, Mention fields). No spaCy Doc is needed
for that, so a rules-only run (`run_rules`) goes from text to Mention records without tokenizing the whole text;
inside a spaCy pipeline the same components keep their `RulesDoc` in `doc.user_data`, and the spans are made
once, when something asks for `doc.spans["rules"]` (the statistical model, the final step).

What a token decides is answered as spaCy would: a span is kept where ``Doc.char_span(start, end,
alignment_mode="expand")`` gives a non-empty span, and a span's text is that span's text. Both are read from the
characters alone where they cannot differ (non-space first and last characters; white space or the text's edge on
both sides); otherwise from the tokens of the whole text (`RulesDoc.tokens`), made once, only then.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Protocol, cast

from neurolit.records import EntityLabel, Mention

if TYPE_CHECKING:
    from spacy.tokens import Doc

Item = tuple[int, int, str, dict[str, Any]]  # (start, end, label, Mention fields) of a span to add
# The Mention fields a span's attributes may carry (other keys, such as a model's score details, are left out).
MENTION_FIELDS = frozenset(
    (
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
)


class RuleSpan:
    """One rule mention: exact character offsets, label and its Mention fields (`attrs`); editable in place."""

    __slots__ = ("attrs", "end", "label", "start")

    def __init__(self, start: int, end: int, label: str, attrs: dict[str, Any]) -> None:
        self.start = start
        self.end = end
        self.label = label
        self.attrs = attrs

    def __repr__(self) -> str:
        return f"RuleSpan({self.start}, {self.end}, {self.label!r}, {self.attrs!r})"


class RulesDoc:
    """A text under annotation by the rules: its sentences, its rule spans (in order) and, on demand, its tokens.

    `tokenizer` makes the tokens when a rule needs them; `doc` is the spaCy Doc when there is one already.
    """

    __slots__ = ("_doc", "_tokenizer", "materialized", "sentences", "spans", "text")

    def __init__(
        self,
        text: str,
        tokenizer: Callable[[str], Doc] | None = None,
        doc: Doc | None = None,
    ) -> None:
        self.text = text
        self.spans: list[RuleSpan] = []
        self.sentences: list[tuple[int, int]] = []
        # True once the spans were handed to doc.spans["rules"]: the records are read-only from then on
        self.materialized = False
        self._doc = doc
        self._tokenizer = tokenizer

    @property
    def has_tokens(self) -> bool:
        return self._doc is not None

    def tokens(self) -> Doc:
        """The spaCy Doc of the text (the pipeline's own, or made by the tokenizer once)."""
        if self._doc is None:
            if self._tokenizer is None:
                raise RuntimeError("this RulesDoc has neither a Doc nor a tokenizer to make one")
            self._doc = self._tokenizer(self.text)
        return self._doc

    def release(self) -> None:
        """Drop the reference to the Doc (a reference cycle when this record lives in that Doc's user_data)."""
        self._doc = None

    def valid(self, start: int, end: int) -> bool:
        """Whether ``char_span(start, end, alignment_mode="expand")`` gives a non-empty span."""
        text = self.text
        if 0 <= start < end <= len(text) and not text[start].isspace() and not text[end - 1].isspace():
            return True  # a token holds each end, the first no later than the last
        span = self.tokens().char_span(start, end, alignment_mode="expand")
        return span is not None and len(span) > 0

    def span_text(self, start: int, end: int) -> str:
        """The text of the token-aligned span over [start, end) (spaCy's `Span.text`)."""
        text = self.text
        # white space (or the text's edge) on both sides, none inside at the ends: tokens start and end here
        if (
            0 <= start < end <= len(text)
            and (start == 0 or text[start - 1].isspace())
            and (end == len(text) or text[end].isspace())
            and not text[start].isspace()
            and not text[end - 1].isspace()
        ):
            return text[start:end]
        span = self.tokens().char_span(start, end, alignment_mode="expand")
        return "" if span is None else str(span.text)

    def add(self, items: Iterable[Item]) -> None:
        """Append a span per (start, end, label, attrs), in order, where spaCy would make one; attrs get
        ``source="rules"`` unless they name another source."""
        for start, end, label, attrs in items:
            if self.valid(start, end):
                attrs.setdefault("source", "rules")
                self.spans.append(RuleSpan(start, end, label, attrs))

    def new(self, start: int, end: int, label: str, attrs: dict[str, Any]) -> RuleSpan | None:
        """A span not yet in `spans` (the caller places it), or None where spaCy would make none."""
        return RuleSpan(start, end, label, attrs) if self.valid(start, end) else None

    def set_spans(self, spans: Iterable[RuleSpan]) -> None:
        """Replace the spans, ordered by (start, end, label) (stable: equal keys keep their order)."""
        self.spans = sorted(spans, key=lambda s: (s.start, s.end, s.label))

    def mentions(self) -> list[Mention]:
        """The Mention records: one per (offsets, label, norm_id, gene), first seen kept, in text order."""
        return unique_mentions(make_mention(self.text, s.start, s.end, s.label, s.attrs) for s in self.spans)


def make_mention(text: str, start: int, end: int, label: str, attrs: dict[str, Any]) -> Mention:
    """The Mention over text[start:end]; of `attrs` only the Mention fields are kept (offsets, a model's score
    details and the like are left out)."""
    fields = (
        attrs if attrs.keys() <= MENTION_FIELDS else {k: v for k, v in attrs.items() if k in MENTION_FIELDS}
    )
    return Mention(start=start, end=end, text=text[start:end], label=cast(EntityLabel, label), **fields)


def unique_mentions(mentions: Iterable[Mention]) -> list[Mention]:
    """Mentions without repeats of (start, end, label, norm_id, gene), the first kept, sorted by offsets and
    label."""
    seen: set[tuple[int, int, str, str, str]] = set()
    out: list[Mention] = []
    for mention in mentions:
        ident = (mention.start, mention.end, mention.label, mention.norm_id, mention.gene)
        if ident in seen:
            continue
        seen.add(ident)
        out.append(mention)
    out.sort(key=lambda m: (m.start, m.end, m.label))
    return out


class RuleStage(Protocol):
    """A rules component's work on a RulesDoc (its spaCy `__call__` runs the same on the Doc's RulesDoc)."""

    def apply(self, rules: RulesDoc) -> None: ...


def run_rules(stages: Sequence[RuleStage], text: str, tokenizer: Callable[[str], Doc]) -> RulesDoc:
    """Run the rules stages over `text` without a spaCy Doc (tokens are made only if a rule needs them)."""
    rules = RulesDoc(text, tokenizer)
    for stage in stages:
        stage.apply(rules)
    rules.release()
    return rules
