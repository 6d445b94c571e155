"""The Python API: a small facade over the stages, for scripts and notebooks. The CLI calls these too.

Each function imports its stage lazily, so `import neurolit` stays cheap.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from neurolit.ner.annotate import NerAnnotator
    from neurolit.records import AnnotatedDocument, Article, Mention


def read_articles(input: str | Path, *, home: Path | None = None) -> Iterator[Article]:
    """Stream the Articles of INPUT: a corpus name, a corpus .sqlite file, PubMed XML (.xml, .xml.gz),
    PubTator (.pubtator), JSON lines (.jsonl: pmid, title, abstract) or a MEDLINE export (.txt, .nbib).

    >>> [a.pmid for a in neurolit.read_articles("demo")]
    ['34210658']
    """
    from neurolit.io import read_articles as _read_articles

    return _read_articles(input, home=home)


def load_pipeline(*, use_model: bool = True, model_path: Path | None = None) -> NerAnnotator:
    """The NER pipeline (loaded once per arguments and kept): `.nlp` is the spaCy Language for `nlp.pipe`,
    `.annotate_text(text)` and `.annotate_documents(articles)` return neurolit records.

    >>> ner = neurolit.load_pipeline(use_model=False)
    >>> [m.text for m in ner.annotate_text("EML4-ALK lung cancer")]
    ['EML4', 'EML4-ALK', 'ALK', 'lung cancer']
    """
    from neurolit.ner.annotate import cached_annotator

    return cached_annotator(use_model, model_path)


def annotate(text: str, *, use_model: bool = True) -> list[Mention]:
    """Mentions (genes, variants, drugs, diseases, outcomes) with exact offsets into `text` and normalized IDs.

    >>> [(m.text, m.label, m.norm_id) for m in neurolit.annotate("ALK F1174L neuroblastoma")]
    [('ALK', 'Gene', '238'), ('F1174L', 'Variant', 'p.F1174L'), ('neuroblastoma', 'Disease', 'DOID:769')]
    """
    return load_pipeline(use_model=use_model).annotate_text(text)


def annotate_documents(
    articles: Iterable[Article], *, use_model: bool = True, batch_size: int | None = None
) -> Iterator[AnnotatedDocument]:
    """Stream AnnotatedDocument records (mentions + sentence spans) for articles; offsets into Article.text."""
    return load_pipeline(use_model=use_model).annotate_documents(articles, batch_size=batch_size)


if TYPE_CHECKING:
    from neurolit.records import Triple


def extract(
    source: str | Path | Iterable[Article | AnnotatedDocument],
    *,
    use_model: bool = True,
    min_confidence: float | None = None,
    civic: str | Path | None = None,
) -> list[Triple]:
    """Variant–drug–response Triples from a corpus name, a file (as for `read_articles`), Articles or
    AnnotatedDocuments, at or above the confidence threshold ([relations] min_confidence by default); with
    `civic` (a CIViC ClinicalEvidenceSummaries TSV) each triple is marked known_in_civic with its CIViC
    evidence IDs.

    >>> sorted((t.gene, t.variant, t.drug, t.significance) for t in neurolit.extract("demo"))[:2]
    [('ALK', 'F1174L', 'crizotinib', 'resistance'), ('ALK', 'F1174L', 'lorlatinib', 'sensitivity')]
    """
    from neurolit.relations.pipeline import extract_triples_from

    return list(extract_triples_from(source, use_model=use_model, min_confidence=min_confidence, civic=civic))


if TYPE_CHECKING:
    from flask import Flask

    from neurolit.review.agreement import AgreementReport


def review_app(
    corpus: str, *, evidence: str | Path | None = None, token: str | None = None, curator: str | None = None
) -> Flask:
    """The curator review web app (a Flask app) for a corpus's evidence table; decisions are kept in
    ``$NEUROLIT_HOME/review/<corpus>.sqlite``. Serve it with `neurolit review --corpus NAME`.

    >>> client = neurolit.review_app("demo", curator="alice").test_client()
    """
    from neurolit.review.app import create_app
    from neurolit.review.server import open_review

    service = open_review(corpus, evidence=Path(evidence) if evidence is not None else None)
    return create_app(service, token=token, curator=curator)


def export_curated(
    corpus: str,
    out: str | Path,
    *,
    status: str = "accepted",
    fmt: str = "csv",
    evidence: str | Path | None = None,
) -> int:
    """Write the reviewed triples with that status (`accepted`, `rejected`, `pending`, `rereview`, ...) as the
    evidence schema plus decision columns (fmt="csv") or CIViC-style evidence items (fmt="civic-tsv").
    Returns the number of rows.

    >>> neurolit.export_curated("demo", "curated.csv")
    """
    from neurolit.review.exports import export_curated as _export
    from neurolit.review.server import open_review

    service = open_review(corpus, evidence=Path(evidence) if evidence is not None else None)
    return _export(service, Path(out), status=status, fmt=fmt).rows


def review_agreement(corpus: str, curators: tuple[str, str] | None = None) -> AgreementReport:
    """Agreement between curators on a corpus's decisions: counts, confusion table and Cohen's kappa per pair.

    >>> [(p.curator_a, p.curator_b, p.kappa) for p in neurolit.review_agreement("demo").pairs]
    """
    from neurolit.review.agreement import agreement_report
    from neurolit.review.store import DecisionStore

    return agreement_report(DecisionStore.for_corpus(corpus).log(), curators)


if TYPE_CHECKING:
    from neurolit.mirror.sync import SyncReport
    from neurolit.refresh.run import RefreshResult
    from neurolit.scale.engine import DaskReport


def refresh(corpus: str, *, use_model: bool = True) -> RefreshResult:
    """Refresh one corpus: fetch what is new or revised since its watermark (with the [refresh] overlap), apply
    deletions, re-extract only changed records into $NEUROLIT_HOME/evidence/<corpus>.csv, then move the
    watermark. Raises LockedError when another run holds the corpus lock.

    >>> neurolit.refresh("alk-nb").extracted
    """
    from neurolit.refresh.extraction import Extractor
    from neurolit.refresh.run import refresh_corpus

    return refresh_corpus(corpus, extractor=Extractor(use_model=use_model))


def mirror_sync(*, baseline: bool = True, updates: bool = True) -> SyncReport:
    """Download, MD5-verify and ingest the PubMed baseline and/or update files into the local mirror (each file
    once; resumable). The file server is [mirror] base_url.

    >>> neurolit.mirror_sync(baseline=False).ingested
    """
    from neurolit.mirror.sync import sync_mirror

    return sync_mirror(baseline=baseline, updates=updates)


def extract_dask(
    inputs: str | Path | list[str | Path],
    out: str | Path,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    use_model: bool = True,
    min_confidence: float | None = None,
) -> DaskReport:
    """`extract` on Dask: corpus names, `"mirror"`, folders of PubMed XML or files → Parquet parts beside `out`
    and the merged evidence CSV at `out` (the same triples as `extract`). A LocalCluster unless `scheduler`.

    >>> neurolit.extract_dask("mirror", "evidence.csv", workers=8).articles
    """
    from neurolit.refresh.extraction import Extractor
    from neurolit.scale.engine import run_dask

    items = list(inputs) if isinstance(inputs, list) else [inputs]
    extractor = Extractor(use_model=use_model, min_confidence=min_confidence)
    return run_dask(items, out, scheduler=scheduler, n_workers=workers, extractor=extractor)


def train_ner_model(
    out: str | Path,
    *,
    config: str | Path = "models/configs/ner.cfg",
    data: str | Path = "../shared/data",
    sample: int | None = None,
    max_steps: int | None = None,
    corpora: Iterable[str] | None = None,
    overwrite: bool = False,
) -> Path:
    """Train the NER model (`neurolit train ner`) from the corpora under `data`/corpora; returns the model folder.

    >>> neurolit.train_ner_model("/tmp/tiny-ner", sample=2, max_steps=5)
    PosixPath('/tmp/tiny-ner')
    """
    from neurolit.train.trainer import train_ner

    result = train_ner(
        Path(config),
        Path(out),
        Path(data) / "corpora",
        sample=sample,
        max_steps=max_steps,
        corpora=list(corpora) if corpora is not None else None,
        overwrite=overwrite,
    )
    return result.model_path


def model_mentions(text: str, *, model_path: str | Path | None = None) -> list[Mention]:
    """What the statistical NER model alone finds in `text` (no rules, no normalization), per sentence.

    >>> [(m.text, m.label) for m in neurolit.model_mentions("Lorlatinib inhibits ALK.")]
    [('Lorlatinib', 'Drug'), ('ALK', 'Gene')]
    """
    from neurolit.ner.model import load_model
    from neurolit.ner.model import model_mentions as _model_mentions
    from neurolit.ner.sentences import sentence_spans

    return _model_mentions(load_model(Path(model_path) if model_path else None), text, sentence_spans(text))
