"""The article → triples step shared by refresh and the Dask engine: NER (neurolit.ner) then relations.

`Extractor` loads the NER pipeline once, on first use, and is picklable before that (Dask ships it to workers,
each loads its own pipeline). Its `version` names the relation extractor, the NER components that run and a
content hash of the statistical model, so a refresh after an upgrade or a retraining re-extracts every record.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from neurolit.records import Article, Triple

if TYPE_CHECKING:
    from neurolit.ner.annotate import NerAnnotator
    from neurolit.relations.extract import RelationExtractor


class Extractor:
    """Articles → triples at the configured confidence threshold (or `min_confidence`)."""

    def __init__(self, *, use_model: bool = True, min_confidence: float | None = None) -> None:
        self.use_model = use_model
        self.min_confidence = min_confidence
        self._annotator: NerAnnotator | None = None
        self._relations: RelationExtractor | None = None
        # One pipeline is not used from two threads at once (in-process Dask workers share this object).
        self._guard = threading.Lock()

    @property
    def version(self) -> str:
        """The relation extractor's version, the NER components that actually run (whether the statistical
        model was found), and the threshold. Loads the pipeline."""
        from neurolit.relations.extract import EXTRACTOR_VERSION

        annotator, _ = self._load()
        nlp = annotator.nlp
        components = "+".join(nlp.pipe_names)
        models = [
            _fingerprint(Path(str(config["model_path"])))
            for config in (nlp.get_pipe_config(name) for name in nlp.pipe_names)
            if config.get("model_path")
        ]
        model = f";model={'+'.join(models)}" if models else ""
        threshold = "" if self.min_confidence is None else f";min_confidence={self.min_confidence}"
        return f"{EXTRACTOR_VERSION};ner={components}{model}{threshold}"

    def with_threshold(self, min_confidence: float | None) -> Extractor:
        """The same loaded pipeline with another confidence threshold."""
        other = Extractor(use_model=self.use_model, min_confidence=min_confidence)
        other._annotator, other._relations = self._annotator, self._relations
        other._guard = self._guard
        return other

    def _load(self) -> tuple[NerAnnotator, RelationExtractor]:
        if self._annotator is None or self._relations is None:
            from neurolit.ner.annotate import NerAnnotator
            from neurolit.relations.extract import RelationExtractor

            self._annotator = NerAnnotator.load(use_model=self.use_model)
            self._relations = RelationExtractor()
        return self._annotator, self._relations

    def run(self, articles: Sequence[Article]) -> list[Triple]:
        with self._guard:
            annotator, relations = self._load()
            docs = annotator.annotate_documents(articles)
            return list(relations.extract_many(docs, min_confidence=self.min_confidence))

    def __getstate__(self) -> dict[str, Any]:
        # Ship settings only; every process loads its own pipeline.
        return {"use_model": self.use_model, "min_confidence": self.min_confidence}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(**state)  # type: ignore[misc]


def _fingerprint(folder: Path) -> str:
    """A short content hash of a model folder: a retrained model re-extracts every record on refresh."""
    digest = hashlib.sha1()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode("utf-8"))
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def default_extractor() -> Extractor:
    return Extractor()
