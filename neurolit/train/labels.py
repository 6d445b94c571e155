"""The training-corpus registry and label mapping, read from ``neurolit/resources/ner_training_corpora.toml``.

The mapping of each corpus's entity types to neurolit's labels, the labels a corpus annotates exhaustively,
the held-out evaluation files and the token shapes that make a "candidate" are data, not code paths.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from neurolit.errors import ConfigError

REGISTRY_FILE = "ner_training_corpora.toml"  # in neurolit/resources (packaged data)
UNKNOWN = "?"  # a corpus type whose tokens are marked missing (neither entity nor O)


@dataclass(frozen=True, slots=True)
class CorpusSpec:
    """One training corpus: its files (relative to the shared corpora folder), format and type mapping."""

    name: str
    format: str  # pubtator | iob
    files: tuple[str, ...]
    annotates: frozenset[str]
    types: Mapping[str, str]
    licence: str = ""

    def map_type(self, corpus_type: str) -> str | None:
        """Our label for a corpus type: a label, "" (not ours: O), "?" (unknown: missing) or None (unlisted)."""
        return self.types.get(corpus_type)


@dataclass(frozen=True, slots=True)
class CorpusRegistry:
    labels: tuple[str, ...]
    order: tuple[str, ...]
    corpora: Mapping[str, CorpusSpec]
    exclude_files: tuple[str, ...]
    dev_files: tuple[str, ...]
    dev_corpus: str
    candidates: Mapping[str, tuple[re.Pattern[str], ...]]
    repeat: Mapping[str, int] = field(default_factory=dict)  # corpus → copies of each sentence in training

    def get(self, name: str) -> CorpusSpec:
        if name not in self.corpora:
            known = ", ".join(self.order)
            raise ConfigError(f"unknown training corpus {name!r}; choose among: {known}")
        return self.corpora[name]


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if (
        not isinstance(value, Sequence)
        or isinstance(value, str)
        or not all(isinstance(v, str) for v in value)
    ):
        raise ConfigError(f"{where} must be a list of strings")
    return tuple(value)


def parse_registry(data: Mapping[str, Any], source: str = REGISTRY_FILE) -> CorpusRegistry:
    """Validate the registry data (the parsed TOML) and compile its candidate patterns."""
    labels = _strings(data.get("labels"), f"{source}: labels")
    corpora: dict[str, CorpusSpec] = {}
    repeat: dict[str, int] = {}
    for name, spec in dict(data.get("corpus", {})).items():
        fmt = spec.get("format")
        if fmt not in ("pubtator", "iob"):
            raise ConfigError(f"{source}: corpus {name}: format must be 'pubtator' or 'iob', not {fmt!r}")
        types = dict(spec.get("types", {}))
        for corpus_type, label in types.items():
            if label not in ("", UNKNOWN) and label not in labels:
                raise ConfigError(
                    f"{source}: corpus {name}: type {corpus_type} maps to unknown label {label!r}"
                )
        annotates = frozenset(_strings(spec.get("annotates", []), f"{source}: corpus {name}: annotates"))
        if not annotates <= set(labels):
            raise ConfigError(f"{source}: corpus {name}: annotates lists labels not in {labels}")
        repeat[name] = int(spec.get("repeat", 1))
        if repeat[name] < 1:
            raise ConfigError(f"{source}: corpus {name}: repeat must be at least 1")
        corpora[name] = CorpusSpec(
            name,
            fmt,
            _strings(spec.get("files"), f"{source}: corpus {name}: files"),
            annotates,
            types,
            str(spec.get("licence", "")),
        )
    order = _strings(data.get("order", list(corpora)), f"{source}: order")
    missing = [name for name in order if name not in corpora]
    if missing:
        raise ConfigError(f"{source}: order names undefined corpora: {', '.join(missing)}")
    candidates: dict[str, tuple[re.Pattern[str], ...]] = {}
    for label, patterns in dict(data.get("candidates", {})).items():
        try:
            candidates[label] = tuple(re.compile(p) for p in _strings(patterns, f"{source}: candidates"))
        except re.error as exc:
            raise ConfigError(f"{source}: candidates.{label}: invalid pattern ({exc})") from exc
    dev = dict(data.get("dev", {}))
    return CorpusRegistry(
        labels=labels,
        order=order,
        corpora=corpora,
        exclude_files=_strings(dict(data.get("exclude", {})).get("files", []), f"{source}: exclude.files"),
        dev_files=_strings(dev.get("files", []), f"{source}: dev.files"),
        dev_corpus=str(dev.get("corpus", "")),
        candidates=candidates,
        repeat=repeat,
    )


def load_registry(path: Path | None = None) -> CorpusRegistry:
    """The registry from `path`, or the packaged ``neurolit/resources/ner_training_corpora.toml``."""
    if path is not None:
        try:
            return parse_registry(tomllib.loads(path.read_text(encoding="utf-8")), str(path))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read corpus registry {path}: {exc}") from exc
    return _packaged_registry()


@cache
def _packaged_registry() -> CorpusRegistry:
    text = resources.files("neurolit.resources").joinpath(REGISTRY_FILE).read_text(encoding="utf-8")
    return parse_registry(tomllib.loads(text))


def candidate_labels(
    token_text: str, candidates: Mapping[str, tuple[re.Pattern[str], ...]]
) -> frozenset[str]:
    """The labels whose candidate shapes match one token's text."""
    return frozenset(
        label for label, patterns in candidates.items() if any(p.search(token_text) for p in patterns)
    )
