"""Where the review page gets an article's title, abstract, journal and year.

`ArticleSource` is the small protocol the app needs. `CorpusArticles` reads the corpus store
(``$NEUROLIT_HOME/corpora/<name>.sqlite``, `neurolit.fetch.store.CorpusStore`); when there is no store,
`InputArticles` reads a bundled corpus folder (``corpora/<name>/``) through `neurolit.io.read_articles`; else
`EvidenceArticles` rebuilds what it can from the evidence table's own columns (title, journal, year, and the
evidence sentences as the only known text).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from neurolit.records import Article, Triple


class ArticleSource(Protocol):
    """Looks up one article by PMID; None when unknown."""

    def get(self, pmid: str) -> Article | None: ...  # pragma: no cover - protocol

    @property
    def description(self) -> str: ...  # pragma: no cover - protocol


class CorpusArticles:
    """Articles from a corpus store. Opens the store per lookup: the store is not shared across threads."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def description(self) -> str:
        return f"corpus store {self.path}"

    def get(self, pmid: str) -> Article | None:
        from neurolit.fetch.store import CorpusStore

        with CorpusStore.open(self.path) as store:
            return store.get(pmid)


class EvidenceArticles:
    """Articles rebuilt from evidence table rows: title, journal, year; the evidence sentences as text."""

    def __init__(self, triples: Iterable[Triple]) -> None:
        self._by_pmid: dict[str, list[Triple]] = {}
        for triple in triples:
            self._by_pmid.setdefault(triple.pmid, []).append(triple)

    @property
    def description(self) -> str:
        return "the evidence table (no corpus store: only the evidence sentences are known)"

    def get(self, pmid: str) -> Article | None:
        rows = self._by_pmid.get(pmid)
        if not rows:
            return None
        first = rows[0]
        sentences = sorted({(row.evidence_start, row.evidence) for row in rows if row.evidence})
        abstract = " … ".join(sentence for _start, sentence in sentences)
        return Article(
            pmid=pmid, title=first.title, abstract=abstract, journal=first.journal, year=first.year
        )


class InputArticles:
    """Articles of a corpus that is not a store (a bundled corpus folder), read once with `read_articles`."""

    def __init__(self, corpus: str, home: Path) -> None:
        self.corpus = corpus
        self.home = home
        self._articles: dict[str, Article] | None = None

    @property
    def description(self) -> str:
        return f"corpus {self.corpus}"

    def get(self, pmid: str) -> Article | None:
        if self._articles is None:
            from neurolit.io import read_articles

            self._articles = {article.pmid: article for article in read_articles(self.corpus, home=self.home)}
        return self._articles.get(pmid)


def corpus_articles(corpus: str, home: Path) -> ArticleSource | None:
    """The corpus's articles: its store when it exists, else a bundled corpus of that name, else None."""
    path = home / "corpora" / f"{corpus}.sqlite"
    if path.is_file():
        return CorpusArticles(path)
    from neurolit.errors import NeurolitError
    from neurolit.io import read_articles

    try:
        next(iter(read_articles(corpus, home=home)), None)
    except NeurolitError:
        return None
    return InputArticles(corpus, home)
