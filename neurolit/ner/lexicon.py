"""Dictionary matching of genes, drugs and diseases against compiled lexicon tables.

The tables (``neurolit/resources/ner_lexicon_*.tsv.gz``, built by ``scripts/build_lexicons.py``) hold one name per
row: ``key  form  norm_id  norm_name  hgnc_id  flags  rank``. ``key`` is :func:`neurolit.ner.text.normalize_key`
of the name; ``form`` is the original spelling for case-sensitive symbols; flags: ``c`` case-sensitive symbol,
``f`` gene family, ``k`` drug class. Ambiguity filters are data too: ``ner_stoplist.tsv`` lists (label, key) pairs
never tagged by the dictionary (curated English words and abbreviations, plus keys learned to be mostly
un-annotated in training corpora).

Matching is greedy longest-match over match tokens, one dictionary probe per candidate length, so it costs a few
microseconds per token and no spaCy objects.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources

from neurolit.errors import ModelError
from neurolit.ner.text import SEPARATORS, TOKEN_RE, norm_token, normalize_key

LEXICON_LABELS = ("Gene", "Drug", "Disease")
APPROVED_SYMBOL_RANK = 12  # ranks <= this are approved HGNC symbols (see scripts/build_lexicons.py)


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    label: str
    norm_id: str
    norm_name: str
    form: str = ""
    hgnc_id: str = ""
    flags: str = ""
    rank: int = 0

    @property
    def case_sensitive(self) -> bool:
        return "c" in self.flags

    @property
    def is_family(self) -> bool:
        return "f" in self.flags

    @property
    def is_class(self) -> bool:
        return "k" in self.flags


@dataclass(frozen=True, slots=True)
class LexiconMatch:
    start: int
    end: int
    key: str
    entry: LexiconEntry


def _squash(text: str) -> str:
    return "".join(ch for ch in text if ch not in SEPARATORS and not ch.isspace())


def case_compatible(surface: str, entry: LexiconEntry) -> bool:
    """Whether `surface` may stand for a case-sensitive symbol (`entry.form`).

    Exact or separator-insensitive matches pass ("HER-2" for HER2). Symbols with digits pass unless the text is
    all lower-case letters+digits longer than "p53"-style names. Letter-only symbols need upper case, a mixed
    case ("c-Myc"), or a capitalised form for families and approved symbols ("Ras", "Kras", "Bax").
    """
    if not entry.case_sensitive or surface == entry.form:
        return True
    parts = surface.split()
    if len(parts) > 1 and len(parts[0]) <= 2 and len(parts) == 2 and parts[1].isdigit():
        return False  # "PS 1", "OR 2", "CR 1": a two-letter abbreviation and a number apart are not a symbol
    s, f = _squash(surface), _squash(entry.form)
    if s == f:
        return True
    if (
        any(ch.isspace() for ch in surface)
        and not any(ch.isspace() for ch in entry.form)
        and not _SPACED_SYMBOL_RE.fullmatch(surface)
    ):
        return False  # "OR 1" is not OR1 ("Twist 1", "IFI 16" are TWIST1, IFI16); "IGFBP-1" is IGFBP1
    if s.isupper():
        return True
    if f != f.upper() and (any(ch.isdigit() for ch in f) or "-" in entry.form):
        return True  # a mixed-case symbol with a digit or hyphen ("C-Kit", "p53") written in another case
    if any(ch.isdigit() for ch in f):
        return s != s.lower() or (len(s) <= 4 and s[:1].isalpha() and s[1:].isdigit())
    letters = [ch for ch in s if ch.isalpha()]
    if not letters or all(ch.islower() for ch in letters):
        return False
    if letters[0].isupper() and all(ch.islower() for ch in letters[1:]):
        return entry.is_family or (len(f) >= 3 and entry.rank <= APPROVED_SYMBOL_RANK)
    return True  # mixed case such as c-Myc, hTERT


# A symbol and its number written apart: a capitalised word of 3+ letters, one space, 1-2 digits.
_SPACED_SYMBOL_RE = re.compile(r"[A-Z][A-Za-z]{2,} \d{1,2}")


class Lexicon:
    """An in-memory dictionary: normalized key → entries, plus a stoplist of (label, key) pairs."""

    def __init__(
        self,
        entries: Mapping[str, Iterable[LexiconEntry]],
        stoplist: Iterable[tuple[str, str]] = (),
        *,
        max_tokens: int = 12,
    ) -> None:
        self._table: dict[str, tuple[LexiconEntry, ...]] = {}
        lengths: dict[str, set[int]] = {}
        stop = set(stoplist)
        pairs: set[str] = set()
        for key, group in entries.items():
            kept = tuple(sorted((e for e in group if (e.label, key) not in stop), key=lambda e: e.rank))
            if not kept or not key:
                continue
            parts = key.split(" ")
            if len(parts) > max_tokens:
                continue
            self._table[key] = kept
            lengths.setdefault(parts[0], set()).add(len(parts))
            if len(parts) > 1:
                pairs.add(f"{parts[0]} {parts[1]}")
        # first token -> the token counts of the keys it starts, longest first (plural keys too: "-s" fallback)
        self._first: dict[str, tuple[int, ...]] = {
            first: tuple(sorted(counts, reverse=True)) for first, counts in lengths.items()
        }
        # the first two tokens of every multi-token key: most multi-token probes end at this set lookup
        self._pairs = frozenset(pairs)
        self._norms: dict[str, str] = {}  # token text -> normalized token, filled while matching

    def __len__(self) -> int:
        return len(self._table)

    def lookup(self, name: str) -> tuple[LexiconEntry, ...]:
        return self._table.get(normalize_key(name), ())

    def _resolve(self, text: str, start: int, end: int, key: str) -> LexiconEntry | None:
        entries = self._table.get(key)
        if entries is None:
            return None
        surface = text[start:end]
        for entry in entries:
            if case_compatible(surface, entry):
                return entry
        return None

    def match(self, text: str) -> list[LexiconMatch]:
        """Greedy longest, non-overlapping matches, left to right. Plural "-s" falls back for drugs/diseases."""
        tokens, norms = self._tokens(text)
        out: list[LexiconMatch] = []
        first = self._first
        pairs = self._pairs
        n = len(tokens)
        i = 0
        while i < n:
            found: LexiconMatch | None = None
            lengths = first.get(norms[i], ())
            paired = False
            if lengths and lengths[0] > 1 and i + 1 < n:
                pair = f"{norms[i]} {norms[i + 1]}"
                # a two-token plural ("lung cancers") probes its singular key ("lung cancer")
                paired = pair in pairs or (pair.endswith("s") and pair[:-1] in pairs)
            for length in lengths:
                if length > n - i or (length > 1 and not paired):
                    continue
                j = i + length - 1
                key = " ".join(norms[i : j + 1]) if length > 1 else norms[i]
                start, end = tokens[i][0], tokens[j][1]
                entry = self._resolve(text, start, end, key)
                if entry is None and len(norms[j]) > 3 and norms[j].endswith("s"):
                    entry = self._resolve(text, start, end, key[:-1])
                    if entry is not None and entry.label == "Gene" and not entry.is_family:
                        entry = None
                    elif entry is not None:
                        key = key[:-1]
                if entry is not None:
                    found = LexiconMatch(start, end, key, entry)
                    break
            if found is None:
                # A plural single token whose singular starts no longer key ("neuroblastomas").
                tok = norms[i]
                if len(tok) > 3 and tok.endswith("s") and tok not in first:
                    entry = self._resolve(text, tokens[i][0], tokens[i][1], tok[:-1])
                    if entry is not None and (entry.label != "Gene" or entry.is_family):
                        found = LexiconMatch(tokens[i][0], tokens[i][1], tok[:-1], entry)
            if found is None:
                i += 1
                continue
            out.append(found)
            while i < n and tokens[i][0] < found.end:
                i += 1
        return out

    def _tokens(self, text: str) -> tuple[list[tuple[int, int]], list[str]]:
        """Match-token offsets and normalized tokens (`neurolit.ner.text.match_tokens`, normalization cached)."""
        cache = self._norms
        offsets: list[tuple[int, int]] = []
        norms: list[str] = []
        for m in TOKEN_RE.finditer(text):
            tok = m.group()
            norm = cache.get(tok)
            if norm is None:
                if len(tok) == 1 and tok in SEPARATORS:
                    continue
                norm = norm_token(tok)
                if len(cache) < _NORM_CACHE_SIZE:
                    cache[tok] = norm
            offsets.append(m.span())
            norms.append(norm)
        return offsets, norms


_NORM_CACHE_SIZE = 200_000


def _read_table(name: str) -> Iterable[list[str]]:
    try:
        data = resources.files("neurolit.resources").joinpath(name).read_bytes()
    except FileNotFoundError as exc:
        raise ModelError(
            f"compiled lexicon {name} is missing from neurolit/resources; "
            "rebuild it with `python scripts/build_lexicons.py`"
        ) from exc
    if name.endswith(".gz"):
        data = gzip.decompress(data)
    reader = csv.reader(io.StringIO(data.decode("utf-8")), delimiter="\t", quoting=csv.QUOTE_NONE)
    next(reader, None)  # header
    return reader


def read_entries(label: str) -> dict[str, list[LexiconEntry]]:
    """The compiled table of one label as key → entries."""
    table: dict[str, list[LexiconEntry]] = {}
    for row in _read_table(f"ner_lexicon_{label.lower()}.tsv.gz"):
        key, form, norm_id, norm_name, hgnc_id, flags, rank = row
        table.setdefault(key, []).append(
            LexiconEntry(label, norm_id, norm_name, form, hgnc_id, flags, int(rank))
        )
    return table


def read_stoplist() -> list[tuple[str, str]]:
    return [(row[0], row[1]) for row in _read_table("ner_stoplist.tsv") if len(row) >= 2]


def merge_entries(*tables: Mapping[str, list[LexiconEntry]]) -> dict[str, list[LexiconEntry]]:
    merged: dict[str, list[LexiconEntry]] = {}
    for table in tables:
        for key, entries in table.items():
            merged.setdefault(key, []).extend(entries)
    return merged


def load_lexicon(labels: Iterable[str] = LEXICON_LABELS, *, use_stoplist: bool = True) -> Lexicon:
    """Load the packaged tables (a second or two; callers keep the object)."""
    tables = [read_entries(label) for label in labels]
    stop = read_stoplist() if use_stoplist else []
    return Lexicon(merge_entries(*tables), stop)
