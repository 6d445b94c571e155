"""Assemble the training and dev sets: read the registered corpora, hold out evaluation documents, drop
documents and sentences already seen in an earlier corpus, and write sentence-level spaCy DocBins."""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from neurolit.errors import InputError
from neurolit.formats.pubtator import read_pubtator
from neurolit.train.convert import (
    LabeledSpan,
    TrainingDocument,
    conversion_pipeline,
    read_corpus,
    sentence_docs,
    sentence_key,
)
from neurolit.train.labels import UNKNOWN, CorpusRegistry


@dataclass
class CorpusStats:
    """What went into a DocBin, per corpus: documents, sentences, entities per label, what was skipped."""

    documents: Counter[str] = field(default_factory=Counter)
    sentences: Counter[str] = field(default_factory=Counter)
    entities: Counter[str] = field(default_factory=Counter)
    skipped_heldout: Counter[str] = field(default_factory=Counter)
    skipped_duplicate: Counter[str] = field(default_factory=Counter)

    def to_dict(self) -> dict[str, dict[str, int]]:
        return {
            name: dict(getattr(self, name))
            for name in ("documents", "sentences", "entities", "skipped_heldout", "skipped_duplicate")
        }


@dataclass(frozen=True)
class BuiltCorpus:
    train_path: Path
    dev_path: Path
    train: CorpusStats
    dev: CorpusStats


def heldout_keys(registry: CorpusRegistry, root: Path) -> tuple[set[str], set[str]]:
    """PMIDs and sentence keys of every evaluation file listed in [exclude]; missing files are an error."""
    nlp = conversion_pipeline()
    pmids: set[str] = set()
    sentences: set[str] = set()
    for name in registry.exclude_files:
        path = root / name
        if not path.is_file():
            raise InputError(
                f"held-out file {path} is missing; training needs ../shared/data/corpora complete"
            )
        for doc in read_pubtator(path):
            pmids.add(doc.pmid)
            sentences.update(sentence_key(s.text) for s in nlp(doc.text).sents)
    return pmids, sentences


def _sample(docs: Iterable[TrainingDocument], n: int | None, seed: int) -> list[TrainingDocument]:
    items = list(docs)
    if n is None or n >= len(items):
        return items
    return sorted(random.Random(seed).sample(items, n), key=lambda d: d.key)


def mark_rule_mentions_missing(
    docs: Sequence[TrainingDocument],
    labels: Sequence[str],
) -> list[TrainingDocument]:
    """Add the rules pipeline's mentions of labels a document's corpus does not annotate as unknown spans.

    A gene-only corpus says nothing about "cisplatin" or "asthma"; without this their tokens would be taught
    as O. Mentions overlapping a gold span are left alone.
    """
    from neurolit.ner.annotate import cached_annotator

    if not docs:
        return []
    nlp = cached_annotator(False, None).nlp
    out: list[TrainingDocument] = []
    for tdoc, doc in zip(docs, nlp.pipe((d.text for d in docs), batch_size=64), strict=True):
        extra = [
            LabeledSpan(m.start, m.end, UNKNOWN)
            for m in (doc._.mentions or [])
            if m.label in labels
            and m.label not in tdoc.annotates
            and not any(m.start < s.end and s.start < m.end for s in tdoc.spans)
        ]
        out.append(replace(tdoc, spans=tdoc.spans + tuple(extra)) if extra else tdoc)
    return out


def build_docbins(
    registry: CorpusRegistry,
    root: Path,
    out_dir: Path,
    *,
    corpora: Sequence[str] | None = None,
    sample: int | None = None,
    seed: int = 0,
    rules_for_missing: bool = True,
) -> BuiltCorpus:
    """Convert the selected corpora (default: all, in registry order) to train.spacy and dev.spacy in out_dir.

    `sample` keeps at most that many documents (IOB: sentences × 10) per corpus and for dev. With
    `rules_for_missing`, rules mentions of labels a corpus does not annotate are marked missing.
    """
    from spacy.tokens import DocBin

    names = list(corpora) if corpora else list(registry.order)
    for name in names:
        registry.get(name)
    if not root.is_dir():
        raise InputError(f"corpora folder {root} does not exist; pass --data pointing at ../shared/data")
    nlp = conversion_pipeline()
    held_pmids, held_sentences = heldout_keys(registry, root)
    out_dir.mkdir(parents=True, exist_ok=True)

    train_bin = DocBin(store_user_data=False)
    train_stats = CorpusStats()
    seen_pmids: set[str] = set()
    seen_sentences: set[str] = set(held_sentences)
    for name in names:
        spec = registry.get(name)
        limit = None if sample is None else (sample * 10 if spec.format == "iob" else sample)
        kept: list[TrainingDocument] = []
        for tdoc in read_corpus(spec, root):
            if spec.format == "pubtator":
                if tdoc.key in held_pmids:
                    train_stats.skipped_heldout[name] += 1
                    continue
                if tdoc.key in seen_pmids:
                    train_stats.skipped_duplicate[name] += 1
                    continue
                seen_pmids.add(tdoc.key)
            kept.append(tdoc)
        chosen = _sample(kept, limit, seed)
        if rules_for_missing and set(registry.labels) - spec.annotates:
            chosen = mark_rule_mentions_missing(chosen, registry.labels)
        repeat = registry.repeat.get(name, 1)
        for tdoc in chosen:
            train_stats.documents[name] += 1
            for doc in sentence_docs(nlp, tdoc, registry.labels, registry.candidates):
                key = sentence_key(doc.text)
                if key in seen_sentences:
                    (train_stats.skipped_heldout if key in held_sentences else train_stats.skipped_duplicate)[
                        name
                    ] += 1
                    continue
                seen_sentences.add(key)
                for _ in range(repeat):
                    train_bin.add(doc)
                train_stats.sentences[name] += 1
                train_stats.entities.update(ent.label_ for ent in doc.ents)

    dev_bin = DocBin(store_user_data=False)
    dev_stats = CorpusStats()
    dev_spec = registry.get(registry.dev_corpus)
    dev_docs: list[TrainingDocument] = []
    for name in registry.dev_files:
        path = root / name
        if not path.is_file():
            raise InputError(f"dev file {path} is missing")
        from neurolit.train.convert import read_pubtator_corpus

        dev_docs.extend(read_pubtator_corpus(dev_spec, path))
    for tdoc in _sample(dev_docs, sample, seed):
        dev_stats.documents["dev"] += 1
        for doc in sentence_docs(nlp, tdoc, registry.labels, registry.candidates):
            dev_bin.add(doc)
            dev_stats.sentences["dev"] += 1
            dev_stats.entities.update(ent.label_ for ent in doc.ents)

    if not train_stats.sentences:
        raise InputError("no training sentences were produced; check the corpus selection")
    train_path, dev_path = out_dir / "train.spacy", out_dir / "dev.spacy"
    train_bin.to_disk(train_path)
    dev_bin.to_disk(dev_path)
    (out_dir / "corpus_stats.json").write_text(
        json.dumps({"train": train_stats.to_dict(), "dev": dev_stats.to_dict()}, indent=2), encoding="utf-8"
    )
    return BuiltCorpus(train_path, dev_path, train_stats, dev_stats)
