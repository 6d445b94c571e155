"""Text normalization shared by the lexicon build script and the runtime matcher.

Dictionary keys are built from *match tokens*: runs of letters/digits and single punctuation characters, with
dashes and whitespace dropped, lower-cased, Greek letters spelled out and a few spelling variants unified. The
same function is applied to lexicon names at build time and to document text at match time, so "non-small-cell
lung cancer", "non small cell lung cancer" and "Non–small cell lung cancer" share one key. Offsets always come
from the original text: the tokenizer returns (start, end, norm) triples.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# Letters/digits runs (Unicode aware, no underscore) or a single visible non-space character.
TOKEN_RE = re.compile(r"[^\W_]+|[^\w\s]|_")

# Characters that only separate words inside names: dropped from keys (every Unicode dash, slash kept).
SEPARATORS = frozenset("-‐‑‒–—―−﹘﹣－_'’`´·•")

GREEK = {
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "δ": "delta",
    "ε": "epsilon",
    "κ": "kappa",
    "λ": "lambda",
    "μ": "mu",
    "θ": "theta",
    "σ": "sigma",
    "τ": "tau",
    "ω": "omega",
    "ζ": "zeta",
    "η": "eta",
    "ι": "iota",
    "ν": "nu",
    "ξ": "xi",
    "π": "pi",
    "ρ": "rho",
    "υ": "upsilon",
    "φ": "phi",
    "χ": "chi",
    "ψ": "psi",
}

# British/American and other spelling variants unified in keys (whole tokens).
SPELLING = {
    "tumour": "tumor",
    "tumours": "tumors",
    "oesophageal": "esophageal",
    "oesophagus": "esophagus",
    "haematological": "hematological",
    "haematologic": "hematologic",
    "leukaemia": "leukemia",
    "leukaemias": "leukemias",
    "anaemia": "anemia",
    "oestrogen": "estrogen",
    "haemorrhage": "hemorrhage",
    "tumoural": "tumoral",
    "paediatric": "pediatric",
    "ischaemia": "ischemia",
    "ischaemic": "ischemic",
    "oedema": "edema",
    "diarrhoea": "diarrhea",
    "haemolytic": "hemolytic",
    "foetal": "fetal",
}

_GREEK_RE = re.compile("[" + "".join(GREEK) + "]")


def norm_token(token: str) -> str:
    """The normalized form of one match token (lower case, Greek spelled out, spelling variants unified)."""
    low = token.lower()
    if _GREEK_RE.search(low):
        low = _GREEK_RE.sub(lambda m: GREEK[m.group(0)], low)
    return SPELLING.get(low, low)


def match_tokens(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, normalized) for each match token of `text`; separators are skipped."""
    for m in TOKEN_RE.finditer(text):
        tok = m.group(0)
        if len(tok) == 1 and tok in SEPARATORS:
            continue
        yield m.start(), m.end(), norm_token(tok)


def normalize_key(text: str) -> str:
    """The dictionary key of a name: its normalized match tokens joined by single spaces."""
    return " ".join(norm for _, _, norm in match_tokens(text))


def compact_key(text: str) -> str:
    """The key without any separation: "PF-06463922", "PF 06463922" and "PF06463922" all give "pf06463922"."""
    return "".join(norm for _, _, norm in match_tokens(text))
