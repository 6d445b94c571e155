"""Answer a corpus query from the local mirror (no network): `neurolit fetch --source mirror`.

The mirror store's FTS5 index takes the query. PubMed-style field tags are translated where FTS5 has an
equivalent (`[ti]` → the title column, `[tiab]`/`[tw]`/`[all]` → any column, `[mh]` → MeSH) and boolean
operators are upper-cased; anything else is passed to FTS5 as written. The corpus remembers the query and that
it came from the mirror, so `neurolit refresh` re-runs it against the mirror (after `neurolit mirror sync`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from neurolit.config import Config, load_config
from neurolit.errors import InputError, StoreError
from neurolit.mirror.sync import MirrorSettings

SOURCE_KEY = "refresh.source"
MIRROR_SOURCE = "mirror"

_TAGGED = re.compile(r'("[^"]+"|[\w*.\-]+)\s*\[(\w+)\]')
_COLUMNS = {"ti": "title", "title": "title", "ab": "abstract", "mh": "mesh", "mesh": "mesh", "majr": "mesh"}
_ANY = {"tiab", "tw", "all", "text", "word"}
_OPERATORS = re.compile(r"\b(and|or|not)\b")


def to_fts_query(query: str) -> str:
    """Translate a simple PubMed query into FTS5 syntax (see the module docstring)."""

    def tag(match: re.Match[str]) -> str:
        term, field = match.group(1), match.group(2).lower()
        if field in _COLUMNS:
            return f"{_COLUMNS[field]}:{_quote(term)}"
        if field in _ANY:
            return _quote(term)
        raise InputError(
            f"the mirror cannot search the PubMed field [{field}]; use [ti], [ab], [tiab] or [mh]"
        )

    translated = _TAGGED.sub(tag, query)
    return _OPERATORS.sub(lambda m: m.group(1).upper(), translated).strip()


def _quote(term: str) -> str:
    if term.startswith('"') or term.endswith("*") or re.fullmatch(r"\w+", term):
        return term
    return '"' + term.replace('"', "") + '"'


@dataclass(frozen=True, slots=True)
class MirrorFetchResult:
    corpus: str
    found: int
    inserted: int
    updated: int
    unchanged: int
    removed: int


def mirror_pmids(fts_query: str, config: Config | None = None) -> list[str]:
    """Every PMID of the mirror matching an FTS5 query, best first."""
    from neurolit.fetch.store import CorpusStore

    settings = MirrorSettings.from_config(config or load_config())
    if not settings.store_path.exists():
        raise StoreError(
            f"no local mirror at {settings.store_path}; create it with `neurolit mirror sync` "
            "(or set [mirror] directory)"
        )
    with CorpusStore.open(settings.store_path) as mirror:
        return [hit.pmid for hit in mirror.search(fts_query, limit=max(mirror.count(), 1))]


def fetch_from_mirror(
    query: str,
    corpus: str,
    *,
    max_records: int | None = None,
    config: Config | None = None,
    remove_missing: bool = False,
) -> MirrorFetchResult:
    """Copy the mirror's records matching `query` into corpus `corpus` (created if needed) and save the query.

    With remove_missing, corpus records that no longer match (deleted from PubMed, or revised out of the
    query) are removed: that is what a refresh does.
    """
    from neurolit.fetch.store import CorpusStore

    config = config or load_config()
    fts = to_fts_query(query)
    pmids = mirror_pmids(fts, config)
    if max_records is not None:
        pmids = pmids[:max_records]
    settings = MirrorSettings.from_config(config)
    inserted = updated = unchanged = removed = 0
    with (
        CorpusStore.open(settings.store_path) as mirror,
        CorpusStore.open(corpus, home=config.home, create=True) as store,
        store.transaction(),
    ):
        wanted = set(pmids)
        for start in range(0, len(pmids), 500):
            counts = store.upsert_articles(mirror.iter_articles(pmids[start : start + 500]))
            inserted += counts.inserted
            updated += counts.updated
            unchanged += counts.unchanged
        if remove_missing:
            gone = sorted(store.pmids() - wanted)
            removed = store.apply_deletions(gone, source="mirror") if gone else 0
        store.set_query(query)
        store.set_meta(SOURCE_KEY, MIRROR_SOURCE)
    return MirrorFetchResult(corpus, len(pmids), inserted, updated, unchanged, removed)
