"""The statistical NER model: find the shipped model on disk, load it, run it on the sentences that need it,
and combine its spans with the rules (policy in `neurolit.ner.combine`).

The model is a plain spaCy folder (tok2vec + ner, its own tokenizer) trained by `neurolit train ner`. Inside
the rules pipeline it runs as the ``neurolit_model`` component, which `neurolit.ner.pipeline.build_pipeline`
adds through `add_to_pipeline`. Per sentence it either runs (the sentence has a rules mention of a gated label
or a token matching the gate patterns) or is skipped; model spans go to ``doc.spans["model"]`` and the
combined result to ``doc.spans["final"]``.

Where the model is looked up, first hit wins: an explicit path; NEUROLIT_NER_MODEL; [ner_model] path;
``models/<name>`` beside the package (a source checkout or editable install); ``$NEUROLIT_HOME/models/<name>``.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from neurolit.config import load_config
from neurolit.errors import ConfigError, ModelError
from neurolit.ner.combine import CombinationPolicy, Item
from neurolit.ner.span_filter import SpanFilter, combined, load_span_filter
from neurolit.records import Mention

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

log = logging.getLogger(__name__)

MODEL_ENV = "NEUROLIT_NER_MODEL"
COMPONENT = "neurolit_model"


def model_settings() -> Mapping[str, Any]:
    return load_config().section("ner_model")


def candidate_model_paths(
    settings: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> list[Path]:
    """Where the default model is looked for, in order."""
    env = os.environ if environ is None else environ
    settings = model_settings() if settings is None else settings
    name = str(settings.get("name", ""))
    paths: list[Path] = []
    if env.get(MODEL_ENV):
        paths.append(Path(env[MODEL_ENV]).expanduser())
    if settings.get("path"):
        paths.append(Path(str(settings["path"])).expanduser())
    if name:
        paths.append(Path(__file__).resolve().parent.parent.parent / "models" / name)
        paths.append(load_config(env).home / "models" / name)
    return paths


def resolve_model_path(path: Path | None = None) -> Path | None:
    """The model folder to use: `path` (which must exist), else the first default location that exists."""
    if path is not None:
        if not (path / "config.cfg").is_file():
            raise ModelError(
                f"{path} is not a spaCy model folder (no config.cfg); train one with "
                f"`neurolit train ner --out {path}` or pass --no-model"
            )
        return path
    for candidate in candidate_model_paths():
        if (candidate / "config.cfg").is_file():
            return candidate
    return None


def load_model(path: Path | None = None) -> Language:
    """Load the NER model (from `path` or the default location); ModelError when there is none."""
    import spacy

    resolved = resolve_model_path(path)
    if resolved is None:
        where = ", ".join(str(p) for p in candidate_model_paths())
        raise ModelError(
            f"no NER model found (looked in: {where}); train one with `neurolit train ner` or set {MODEL_ENV}"
        )
    try:
        return spacy.load(resolved)
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot load the NER model at {resolved}: {exc}") from exc


# ------------------------------------------------------------------------------------------- gating
GATE_MODES = ("all", "candidates", "uncovered")


@dataclass
class Gate:
    """Decides which text the model reads.

    - ``all``: every sentence.
    - ``candidates``: sentences with a rules mention of `rule_labels` or a token matching `patterns`.
    - ``uncovered``: sentences with a token matching `patterns` that no rules mention covers (under the
      ``union`` policy the model can only add spans that overlap no rules mention).
    With ``window`` > 0 the model reads only ±window tokens around each such token (merged, within the
    sentence) instead of the whole sentence.
    """

    mode: str
    rule_labels: frozenset[str]
    pattern: re.Pattern[str] | None
    window: int = 0
    _cache: dict[str, bool] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> Gate:
        mode = str(settings.get("gate", "candidates"))
        if mode not in GATE_MODES:
            raise ConfigError(f"[ner_model] gate = {mode!r}; choose one of {', '.join(GATE_MODES)}")
        patterns = [str(p) for p in settings.get("gate_patterns", [])]
        try:
            pattern = re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None
        except re.error as exc:
            raise ConfigError(f"[ner_model] gate_patterns: invalid pattern ({exc})") from exc
        window = int(settings.get("gate_window", 0))
        if window < 0:
            raise ConfigError("[ner_model] gate_window must be 0 (whole sentences) or more")
        return cls(mode, frozenset(settings.get("gate_rule_labels", [])), pattern, window)

    def is_candidate(self, token: str) -> bool:
        hit = self._cache.get(token)
        if hit is None:
            hit = bool(self.pattern is not None and self.pattern.search(token))
            if len(self._cache) > 500_000:
                self._cache.clear()
            self._cache[token] = hit
        return hit

    def regions(self, doc: Doc, rules: Sequence[Span] = ()) -> list[tuple[int, int]]:
        """Character ranges of `doc` the model should read."""
        sents = list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]
        if self.mode == "all":
            return [(s.start_char, s.end_char) for s in sents if s.text.strip()]
        covered = bytearray(len(doc))
        gated_rule_tokens = bytearray(len(doc))
        for span in rules:
            for i in range(span.start, span.end):
                covered[i] = 1
                if span.label_ in self.rule_labels:
                    gated_rule_tokens[i] = 1
        out: list[tuple[int, int]] = []
        for sent in sents:
            hits = [t.i for t in sent if not covered[t.i] and self.is_candidate(t.text)]
            if self.mode == "candidates" and not hits and not any(gated_rule_tokens[sent.start : sent.end]):
                continue
            if self.mode == "uncovered" and not hits:
                continue
            if self.window <= 0 or self.mode == "candidates":
                if sent.text.strip():
                    out.append((sent.start_char, sent.end_char))
                continue
            start = end = -1
            for i in hits:
                lo, hi = max(sent.start, i - self.window), min(sent.end, i + self.window + 1)
                if start >= 0 and lo <= end:
                    end = max(end, hi)
                    continue
                if start >= 0:
                    out.append((doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)))
                start, end = lo, hi
            if start >= 0:
                out.append((doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)))
        return out


# ------------------------------------------------------------------------------------------- filtering
def model_stop_keys(settings: Mapping[str, Any] | None = None) -> frozenset[str]:
    """Normalized names the model may not add: the rules' ambiguity stoplist (any label) and
    [ner_model] model_stop_names."""
    from neurolit.ner.lexicon import read_stoplist
    from neurolit.ner.text import normalize_key

    settings = model_settings() if settings is None else settings
    keys = {key for _, key in read_stoplist()}
    keys.update(normalize_key(name) for name in settings.get("model_stop_names", []))
    return frozenset(keys)


def filter_model_spans(
    text: str, spans: Iterable[tuple[int, int, str]], stop_keys: frozenset[str]
) -> list[tuple[int, int, str]]:
    """Model spans without the stoplisted names."""
    from neurolit.ner.text import normalize_key

    return [(s, e, label) for s, e, label in spans if normalize_key(text[s:e]) not in stop_keys]


def configured_span_filter(settings: Mapping[str, Any] | None = None) -> SpanFilter | None:
    """The filter of the model's additions per [ner_model] span_filter / span_filter_threshold (None: off)."""
    settings = model_settings() if settings is None else settings
    if not settings.get("span_filter", True):
        return None
    threshold = float(settings.get("span_filter_threshold", 0.5))
    if not 0.0 <= threshold <= 1.0:
        raise ConfigError("[ner_model] span_filter_threshold must be between 0 and 1")
    return load_span_filter(threshold)


# ------------------------------------------------------------------------------------------- running
def predict_spans(
    model: Language, texts: Sequence[str], batch_size: int = 256
) -> list[list[tuple[int, int, str]]]:
    """Entity (start, end, label) character spans the model finds in each text."""
    out: list[list[tuple[int, int, str]]] = []
    for doc in model.pipe(texts, batch_size=batch_size):
        out.append([(ent.start_char, ent.end_char, ent.label_) for ent in doc.ents])
    return out


def model_mentions(
    model: Language, text: str, sentences: Sequence[tuple[int, int]] | None = None, *, score: float = 0.8
) -> list[Mention]:
    """Model mentions for one text, run per sentence (character spans; the whole text when None)."""
    spans = list(sentences) if sentences else [(0, len(text))]
    found = predict_spans(model, [text[s:e] for s, e in spans])
    mentions = [
        Mention(
            start=s + a,
            end=s + b,
            text=text[s + a : s + b],
            label=label,  # type: ignore[arg-type]
            source="model",
            score=score,
        )
        for (s, _), ents in zip(spans, found, strict=True)
        for a, b, label in ents
    ]
    return mentions


class ModelComponent:
    """Runs the model on gated sentences of each doc, then combines its spans with the rules spans."""

    def __init__(
        self,
        model: Language,
        gate: Gate,
        policy: CombinationPolicy,
        *,
        batch_size: int = 256,
        score: float = 0.8,
        stop_keys: frozenset[str] = frozenset(),
        span_filter: SpanFilter | None = None,
        propagate: bool = False,
    ) -> None:
        self.stop_keys = stop_keys
        self.span_filter = span_filter
        self.propagate = propagate
        self.model = model
        self.gate = gate
        self.policy = policy
        self.batch_size = batch_size
        self.score = score

    def _gated(self, doc: Doc) -> list[tuple[int, int]]:
        from neurolit.ner.pipeline import _rules

        return self.gate.regions(doc, _rules(doc))

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        from spacy.util import minibatch

        from neurolit.ner.pipeline import doc_text

        for batch in minibatch(docs, size=batch_size):
            gated = [self._gated(doc) for doc in batch]
            texts = [doc_text(doc)[s:e] for doc, spans in zip(batch, gated, strict=True) for s, e in spans]
            found = iter(predict_spans(self.model, texts, self.batch_size))
            for doc, spans in zip(batch, gated, strict=True):
                model_spans: list[tuple[int, int, str]] = []
                for s, _ in spans:
                    model_spans.extend((s + a, s + b, label) for a, b, label in next(found))
                self._apply(doc, filter_model_spans(doc_text(doc), model_spans, self.stop_keys))
                yield doc

    def _apply(self, doc: Doc, model_spans: Sequence[tuple[int, int, str]]) -> None:
        # Span extension values are keyed by character offsets in spaCy, so a model span with a rules span's
        # offsets would overwrite that span's ``_.nl``: doc.spans["model"] holds plain labelled spans, and only
        # the model spans the policy keeps get their own ``_.nl``.
        plain = [doc.char_span(s, e, label=label, alignment_mode="expand") for s, e, label in model_spans]
        from neurolit.ner.pipeline import FINAL_KEY, MODEL_KEY, _rules

        doc.spans[MODEL_KEY] = [span for span in plain if span is not None and len(span)]

        rules = _rules(doc)
        doc.spans[FINAL_KEY] = combine_spans(
            doc,
            rules,
            [Item(s, e, label) for s, e, label in model_spans],
            self.policy,
            self.score,
            span_filter=self.span_filter,
            propagate=self.propagate,
        )


def _item(span: Span) -> Item:
    attrs = span._.nl or {}
    return Item(int(attrs.get("start", span.start_char)), int(attrs.get("end", span.end_char)), span.label_)


def combine_spans(
    doc: Doc,
    rules: Sequence[Span],
    model: Sequence[Item],
    policy: CombinationPolicy,
    score: float = 0.8,
    *,
    span_filter: SpanFilter | None = None,
    propagate: bool = False,
) -> list[Span]:
    """The combined spans: rules spans kept as they are, model spans added or re-bounded per the policy;
    the model's additions pass `span_filter` (all when None) and are propagated when `propagate`."""
    from neurolit.ner.pipeline import doc_text

    out: list[Span] = []
    rule_items = [_item(s) for s in rules]
    decisions = combined(doc_text(doc), rule_items, model, policy, span_filter, propagate=propagate)
    for d in decisions:
        source = rules[d.rule] if d.rule is not None else None
        if source is not None and (d.model is None or _item(source) == Item(d.start, d.end, d.label)):
            out.append(source)
            continue
        kb_id = source.kb_id_ if source is not None else ""
        span = doc.char_span(d.start, d.end, label=d.label, kb_id=kb_id, alignment_mode="expand")
        if span is None or not len(span):
            if source is not None:
                out.append(source)
            continue
        if source is not None:
            attrs = {k: v for k, v in (source._.nl or {}).items() if k not in ("start", "end")}
            attrs["source"] = f"{attrs.get('source', 'rules')}+model"
        else:
            attrs = {"source": "model", "score": score}
        span._.nl = {"start": d.start, "end": d.end, **attrs}
        out.append(span)
    return out


# ------------------------------------------------------------------------------------------- the hook
def _register_factory() -> None:
    from spacy.language import Language

    if COMPONENT in Language.factories:
        return

    @Language.factory(COMPONENT, default_config={"model_path": ""})
    def make_model_component(nlp: Language, name: str, model_path: str) -> ModelComponent:
        settings = model_settings()
        model = load_model(Path(model_path) if model_path else None)
        return ModelComponent(
            model,
            Gate.from_settings(settings),
            CombinationPolicy.from_config(dict(settings.get("policy", {}))),
            batch_size=int(settings.get("batch_size", 256)),
            score=float(settings.get("mention_score", 0.8)),
            stop_keys=model_stop_keys(settings),
            span_filter=configured_span_filter(settings),
            propagate=bool(settings.get("propagate", False)),
        )


def add_to_pipeline(nlp: Language, model_path: Path | None = None) -> bool:
    """Add the model component to a rules pipeline. False (rules only) when no default model exists;
    ModelError when an explicit `model_path` cannot be used."""
    resolved = resolve_model_path(model_path)
    if resolved is None:
        log.warning(
            "no NER model found in %s; running rules only", ", ".join(str(p) for p in candidate_model_paths())
        )
        return False
    _register_factory()
    nlp.add_pipe(COMPONENT, config={"model_path": str(resolved)})
    return True
