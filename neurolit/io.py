"""Read articles from any input the commands accept: `read_articles(INPUT)`.

INPUT is one of
- a corpus name: a store under ``$NEUROLIT_HOME/corpora/<name>.sqlite``, else a bundled corpus folder
  ``corpora/<name>/`` of the project (the demo corpus works before anything was ingested);
- a path to a corpus store ``.sqlite`` file;
- a PubTator file (``.pubtator``, ``.pubtator.gz``);
- PubMed XML (``.xml``, ``.xml.gz``): efetch sets, baseline/update files, legacy MedlineCitationSet;
- JSON lines (``.jsonl``, ``.jsonl.gz``): one object per line with ``pmid``, ``title``, ``abstract`` and
  optionally ``journal``, ``year`` (or every Article field, as ``neurolit corpus export --format jsonl``
  writes them);
- a MEDLINE-format export from the PubMed website (``.txt``, ``.nbib``, ``.medline``).
Anything else raises InputError saying what is accepted.
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from neurolit.errors import InputError, ParseError
from neurolit.records import Article

ACCEPTED = (
    "a corpus name, a corpus .sqlite file, .pubtator, .xml/.xml.gz (PubMed XML), .jsonl (pmid, title, "
    "abstract) or a MEDLINE export (.txt/.nbib)"
)
_KINDS = {
    ".pubtator": "pubtator",
    ".xml": "xml",
    ".jsonl": "jsonl",
    ".txt": "medline",
    ".nbib": "medline",
    ".medline": "medline",
    ".sqlite": "store",
}


def bundled_corpora_dir() -> Path:
    """The project's ``corpora/`` folder (bundled demo corpus and saved corpus definitions)."""
    return Path(__file__).resolve().parent.parent / "corpora"


def input_kind(path: Path) -> str:
    """'pubtator', 'xml', 'jsonl', 'medline' or 'store' from the file name; InputError otherwise."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    kind = _KINDS.get(suffixes[-1]) if suffixes else None
    if kind is None or (kind == "medline" and path.name.endswith(".gz")):
        raise InputError(f"cannot tell the format of {path}: expected {ACCEPTED}")
    return kind


def _open_text(path: Path) -> io.TextIOBase:
    if path.suffix.lower() == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8")
    return path.open(encoding="utf-8")  # type: ignore[return-value]


def article_from_json(data: dict[str, Any]) -> Article:
    """An Article from a JSON object: at least pmid and title (abstract, journal, year and any other Article
    field optional)."""
    from neurolit.fetch.store import article_from_dict

    if "pmid" not in data or "title" not in data:
        raise ValueError("each line needs at least 'pmid' and 'title'")
    data = dict(data)
    if data.get("year") in ("", None):
        data["year"] = None
    else:
        data["year"] = int(data["year"])
    return article_from_dict(data)


def lone_surrogate(text: str) -> int | None:
    """The offset of the first lone surrogate in `text` (half a UTF-16 pair: not text, no encoder takes it; a
    ``\\ud800`` escape in JSON makes one), or None."""
    if text.isascii():
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return exc.start
    return None


def iter_jsonl(path: Path) -> Iterator[Article]:
    with _open_text(path) as handle:
        for lineno, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                if not isinstance(data, dict):
                    raise ValueError("a line must be a JSON object")
                for key in ("title", "abstract"):
                    value = data.get(key)
                    if isinstance(value, str) and lone_surrogate(value) is not None:
                        raise ValueError(
                            f"'{key}' holds a lone surrogate (a \\ud800-\\udfff escape): not text"
                        )
                yield article_from_json(data)
            except (ValueError, TypeError, KeyError, IndexError) as exc:
                raise ParseError(f"invalid JSON lines record ({exc})", source=str(path), line=lineno) from exc


def iter_file(path: Path) -> Iterator[Article]:
    """Articles from one file, by its extension (see the module docstring)."""
    kind = input_kind(path)
    if not path.is_file():
        raise InputError(f"{path} does not exist or is not a file")
    if kind == "xml":
        from neurolit.fetch.pubmed_xml import iter_pubmed_xml

        for record in iter_pubmed_xml(path):
            if isinstance(record, Article):
                yield record
    elif kind == "pubtator":
        from neurolit.formats.pubtator import read_pubtator

        for doc in read_pubtator(path):
            yield doc.to_article()
    elif kind == "jsonl":
        yield from iter_jsonl(path)
    elif kind == "medline":
        from neurolit.fetch.medline import iter_medline

        yield from iter_medline(path)
    else:
        yield from _iter_store(path, None)


def _iter_store(corpus: str | Path, home: Path | None) -> Iterator[Article]:
    from neurolit.fetch.store import CorpusStore

    with CorpusStore.open(corpus, home=home) as store:
        yield from store.iter_articles()


def _bundled(name: str) -> list[Path]:
    folder = bundled_corpora_dir() / name
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.name.endswith((".xml", ".xml.gz", ".jsonl", ".pubtator")))


def read_articles(input: str | Path, *, home: Path | None = None) -> Iterator[Article]:
    """Stream the Articles of INPUT: a corpus name or a file (.pubtator, .xml/.xml.gz, .jsonl, .txt/.nbib).

    >>> next(read_articles("demo")).pmid
    '34210658'
    """
    text = str(input)
    path = Path(text).expanduser()
    if path.exists():
        if path.is_dir():
            raise InputError(f"{path} is a folder; give a file ({ACCEPTED})")
        input_kind(path)  # fail now, not at the first iteration, on an unknown format
        return iter_file(path)
    looks_like_file = (
        isinstance(input, Path) or "/" in text or any(text.lower().endswith(s) for s in (*_KINDS, ".gz"))
    )
    if looks_like_file:
        raise InputError(f"{text} does not exist; expected {ACCEPTED}")
    from neurolit.config import load_config
    from neurolit.fetch.store import CorpusStore

    store_path = CorpusStore.path_for(text, home or load_config().home)
    if store_path.exists():
        return _iter_store(store_path, None)
    files = _bundled(text)
    if files:
        return (article for f in files for article in iter_file(f))
    known = [info.name for info in CorpusStore.list_corpora(home or load_config().home)]
    where = f" (corpora: {', '.join(known)})" if known else ""
    raise InputError(f"{text!r} is neither a file nor a corpus{where}; expected {ACCEPTED}")
