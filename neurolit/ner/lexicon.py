"""Dictionary matching of genes, drugs and diseases against compiled lexicon tables.

The tables (``neurolit/resources/ner_lexicon_*.tsv.gz``, built by ``scripts/build_lexicons.py``) hold one name per
row: ``key  form  norm_id  norm_name  hgnc_id  flags  rank``. ``key`` is :func:`neurolit.ner.text.normalize_key`
of the name; ``form`` is the original spelling for case-sensitive symbols; flags: ``c`` case-sensitive symbol,
``f`` gene family, ``k`` drug class. Ambiguity filters are data too: ``ner_stoplist.tsv`` lists (label, key) pairs
never tagged by the dictionary (curated English words and abbreviations, plus keys learned to be mostly
un-annotated in training corpora).

Matching is greedy longest-match over match tokens, one dictionary probe per candidate length, and no spaCy
objects; what a token string can start is worked out once per process, so only the few tokens that can start a
match are visited per text.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from itertools import accumulate, compress
from operator import itemgetter

from neurolit.errors import ModelError
from neurolit.ner.text import SEPARATORS, norm_token, normalize_key

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
        stop = set(stoplist)
        # token counts as bit masks while building (sets of ints would take ~60 MB for the pairs below)
        firsts: dict[str, int] = {}
        nexts: dict[str, dict[str, int]] = {}
        for key, group in entries.items():
            kept = tuple(sorted((e for e in group if (e.label, key) not in stop), key=lambda e: e.rank))
            if not kept or not key:
                continue
            parts = key.split(" ")
            if len(parts) > max_tokens:
                continue
            self._table[key] = kept
            firsts[parts[0]] = firsts.get(parts[0], 0) | 1 << len(parts)
            if len(parts) > 1:
                seconds = nexts.setdefault(parts[0], {})
                seconds[parts[1]] = seconds.get(parts[1], 0) | 1 << len(parts)
        counts = _descending_counts(max_tokens)
        # first token -> the token counts of the keys it starts, longest first (plural keys too: "-s" fallback)
        self._first: dict[str, tuple[int, ...]] = {first: counts[mask] for first, mask in firsts.items()}
        # first token -> second token -> the token counts of the keys these two start, longest first: most
        # multi-token probes end at this lookup, the others probe only lengths that exist. Kept per first token
        # (in its `_token_info`): a small dict per probe, not one of 300,000 pairs missing the CPU caches.
        for seconds in nexts.values():
            for second in list(seconds):
                # a two-token plural ("lung cancers") probes its singular key ("lung cancer")
                seconds[second + "s"] = seconds.get(second + "s", 0) | 1 << 2
        self._nexts: dict[str, dict[str, tuple[int, ...]]] = {
            first: {second: counts[mask] for second, mask in seconds.items()}
            for first, seconds in nexts.items()
        }
        self._infos = _TokenInfo(self._token_info, _NORM_CACHE_SIZE)  # token text -> what it can start

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
        """Greedy longest, non-overlapping matches, left to right. Plural "-s" falls back for drugs/diseases.

        One pass: the raw match tokens and their end offsets come from one C-level regex split, each distinct
        token string is looked up once per process (`_TokenInfo`), only tokens that can start a match are
        visited in Python (about half of an abstract's), and multi-token keys are probed only where the first
        two tokens start one.
        """
        tokens, ends = _scan(text)
        infos = list(map(self._infos.__getitem__, tokens))
        last = len(infos) - 1
        out: list[LexiconMatch] = []
        after = 0  # the first token not inside the last match
        # the candidate indices selected in C (compress/itemgetter): no Python step for the other tokens
        for i in compress(range(len(infos)), map(itemgetter(4), infos)):
            if i < after:
                continue
            seconds = infos[i][3]
            lengths = seconds.get(infos[i + 1][0]) if seconds is not None and i < last else None
            found = self._longer(text, tokens, infos, ends, i, lengths) if lengths else None
            if found is None:
                entry, key = infos[i][1], infos[i][2]
                if entry is None:
                    continue
                found = (LexiconMatch(ends[i] - len(tokens[i]), ends[i], key, entry), i)
            out.append(found[0])
            after = found[1] + 1
        return out

    def _longer(
        self,
        text: str,
        tokens: list[str],
        infos: list[_Info],
        ends: list[int],
        i: int,
        lengths: tuple[int, ...],
    ) -> tuple[LexiconMatch, int] | None:
        """The longest multi-token match starting at token i, with its last token index; `lengths` are the
        token counts of the keys starting with tokens i and i + 1."""
        n = len(infos)
        start = ends[i] - len(tokens[i])
        for length in lengths:
            if length > n - i:
                continue
            j = i + length - 1
            key = " ".join([info[0] for info in infos[i : j + 1]])
            entry = self._resolve(text, start, ends[j], key)
            if entry is None:
                entry = self._plural(text, start, ends[j], key, infos[j][0])
                if entry is not None:
                    key = key[:-1]
            if entry is not None:
                return LexiconMatch(start, ends[j], key, entry), j
        return None

    def _plural(self, text: str, start: int, end: int, key: str, last: str) -> LexiconEntry | None:
        """The entry of the singular of a plural key (its last token `last` ends in "-s": "lung cancers"); a gene
        only as a family ("RAS proteins"), never a symbol with an "s" added."""
        if len(last) <= 3 or not last.endswith("s"):
            return None
        entry = self._resolve(text, start, end, key[:-1])
        return None if entry is not None and entry.label == "Gene" and not entry.is_family else entry

    def _token_info(self, token: str) -> _Info:
        """(norm, single-token entry, its key, the second tokens of the longer keys it starts, whether it can
        start a match at all) of a token.

        A one-token match depends only on the token's own text (its surface and its key), so it is resolved
        here once per distinct string, as the greedy matcher would after its longer probes failed.
        """
        norm = norm_token(token)
        lengths = self._first.get(norm)
        entry: LexiconEntry | None = None
        key = norm
        if lengths is None or lengths[-1] == 1:
            # a one-token key; or a plural whose singular starts no longer key ("neuroblastomas")
            entry = self._resolve(token, 0, len(token), norm) if lengths is not None else None
            if entry is None:
                entry = self._plural(token, 0, len(token), norm, norm)
                if entry is not None:
                    key = norm[:-1]
        seconds = self._nexts.get(norm)
        return norm, entry, key, seconds, seconds is not None or entry is not None


def _descending_counts(max_tokens: int) -> dict[int, tuple[int, ...]]:
    """Bit mask of token counts → the counts, longest first (one shared tuple per mask)."""
    return {
        mask: tuple(n for n in range(max_tokens, 0, -1) if mask >> n & 1) for mask in range(2 << max_tokens)
    }


_Info = tuple[str, "LexiconEntry | None", str, "dict[str, tuple[int, ...]] | None", bool]


class _TokenInfo(dict[str, _Info]):
    """Token string → `Lexicon._token_info`, filled on first sight (bounded: past the limit, computed anew)."""

    def __init__(self, compute: Callable[[str], _Info], limit: int) -> None:
        super().__init__()
        self._compute = compute
        self._limit = limit

    def __missing__(self, token: str) -> _Info:
        info = self._compute(token)
        if len(self) < self._limit:
            self[token] = info
        return info


# The match tokens of `neurolit.ner.text.TOKEN_RE` without the separators, as the one group of a split pattern:
# splitting gives the tokens and the text between them, whose lengths add up to each token's end offset. ASCII
# texts (most) use ASCII classes, which find the same tokens there ~1.5x faster than the Unicode ones.
_SEPARATOR_CLASS = "".join(re.escape(ch) for ch in sorted(SEPARATORS))
_UNICODE_SPLIT = re.compile(rf"([^\W_]+|[^\w\s{_SEPARATOR_CLASS}])")
_ASCII_SPLIT = re.compile(rf"([A-Za-z0-9]+|[^\w\s{_SEPARATOR_CLASS}])", re.ASCII)


def _scan(text: str) -> tuple[list[str], list[int]]:
    """The non-separator match tokens of `text` and their end offsets."""
    parts = (_ASCII_SPLIT if text.isascii() else _UNICODE_SPLIT).split(text)
    return parts[1::2], list(accumulate(map(len, parts)))[1::2]


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
