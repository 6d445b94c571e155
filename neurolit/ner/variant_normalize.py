"""Normalization of variant mentions to the PubTator 6th-column forms used by neurolit.

Sequence changes follow HGVS with one-letter amino acids (``p.F1174L``, ``p.R213*``, ``p.E746_A750del``,
``c.3522C>A``); non-sequence events carry a category prefix (``EXON:19del``, ``CNV:amplification``,
``FUSION:EML4::ALK``, ``GENERIC:mutation``, ``EXPR:overexpression``, ``WT:wild-type``).
The tables here are facts about amino acids and nucleotides, not tuning.
"""

from __future__ import annotations

import re

AA1 = "ACDEFGHIKLMNPQRSTVWY"

AA3_TO_1: dict[str, str] = {
    "ala": "A",
    "arg": "R",
    "asn": "N",
    "asp": "D",
    "cys": "C",
    "gln": "Q",
    "glu": "E",
    "gly": "G",
    "his": "H",
    "ile": "I",
    "leu": "L",
    "lys": "K",
    "met": "M",
    "phe": "F",
    "pro": "P",
    "ser": "S",
    "thr": "T",
    "trp": "W",
    "tyr": "Y",
    "val": "V",
    "ter": "*",
    "sec": "U",
    "xaa": "X",
}

AA_NAME_TO_1: dict[str, str] = {
    "alanine": "A",
    "arginine": "R",
    "asparagine": "N",
    "aspartic acid": "D",
    "aspartate": "D",
    "cysteine": "C",
    "glutamine": "Q",
    "glutamic acid": "E",
    "glutamate": "E",
    "glycine": "G",
    "histidine": "H",
    "isoleucine": "I",
    "leucine": "L",
    "lysine": "K",
    "methionine": "M",
    "phenylalanine": "F",
    "proline": "P",
    "serine": "S",
    "threonine": "T",
    "tryptophan": "W",
    "tyrosine": "Y",
    "valine": "V",
    "stop": "*",
    "stop codon": "*",
    "termination": "*",
    "termination codon": "*",
    "term": "*",
    "premature stop codon": "*",
    "premature termination codon": "*",
}

NUC_NAME_TO_1: dict[str, str] = {
    "adenine": "A",
    "adenosine": "A",
    "guanine": "G",
    "guanosine": "G",
    "cytosine": "C",
    "cytidine": "C",
    "thymine": "T",
    "thymidine": "T",
    "uracil": "U",
    "uridine": "U",
}

_SPACES = re.compile(r"\s+")


def aa_one(token: str) -> str:
    """One-letter code for a one-letter, three-letter or full amino-acid name (stop forms → ``*``)."""
    tok = _SPACES.sub(" ", token.strip().strip("()")).lower()
    if not tok:
        return ""
    if tok in ("x", "*", "stop", "ter", "term"):
        return "*"
    if len(tok) == 1:
        return tok.upper()
    if tok in AA3_TO_1:
        return AA3_TO_1[tok]
    for suffix in (" residue", " codon"):
        if tok.endswith(suffix) and tok[: -len(suffix)] in AA_NAME_TO_1:
            return AA_NAME_TO_1[tok[: -len(suffix)]]
    return AA_NAME_TO_1.get(tok, "")


def nuc_one(token: str) -> str:
    tok = token.strip().strip("()").lower()
    if len(tok) == 1:
        return tok.upper()
    return NUC_NAME_TO_1.get(tok, "")


def protein_sequence(letters: str) -> str:
    """Amino-acid letters or concatenated three-letter codes as one-letter codes (``GluAla`` → ``EA``)."""
    if not letters:
        return ""
    if len(letters) % 3 == 0 and all(
        letters[i : i + 3].lower() in AA3_TO_1 for i in range(0, len(letters), 3)
    ):
        return "".join(AA3_TO_1[letters[i : i + 3].lower()] for i in range(0, len(letters), 3))
    return letters.upper()


def protein_substitution(ref: str, pos: str, alt: str) -> str:
    return f"p.{aa_one(ref)}{pos}{aa_one(alt)}"


def dna_substitution(prefix: str, pos: str, ref: str, alt: str) -> str:
    return f"{prefix or 'c'}.{_compact(pos)}{nuc_one(ref)}>{nuc_one(alt)}"


def _compact(text: str) -> str:
    return _SPACES.sub("", text)


def dna_edit(prefix: str, pos: str, op: str, tail: str) -> str:
    """``c.2236_2250del15``, ``c.3020insC``; dashes between two positions become underscores."""
    pos = _compact(pos)
    if re.fullmatch(r"\d+-\d+", pos):
        first, second = pos.split("-")
        if len(second) < len(first):  # 1782-83 → 1782_1783
            second = first[: len(first) - len(second)] + second
        pos = f"{first}_{second}"
    return f"{prefix or 'c'}.{pos}{op.lower()}{_compact(tail).upper().lstrip('.')}"


def exon_event(exon: str, event: str) -> str:
    ev = event.lower()
    if ev.startswith(("del", "loss")):
        kind = "del"
    elif ev.startswith(("ins", "dup")):
        kind = "ins"
    elif ev.startswith("skip"):
        kind = "skipping"
    else:
        kind = "mutation"
    return f"EXON:{exon}{kind}"


def fusion(five_prime: str, three_prime: str) -> str:
    if five_prime and three_prime:
        return f"FUSION:{five_prime}::{three_prime}"
    return f"FUSION:{five_prime or three_prime}" if (five_prime or three_prime) else "FUSION:"


_ACID_CHANGE = re.compile(r"[cp]\.[A-Z*]{1,2}>[A-Z*,]{1,2}")
_ALLELE = re.compile(r"c\.(?:IVS)?[\-+\d_]+[ACGT]{1,2}(?:\+[ACGT]{2})?|p\.[A-Z]?\d+|p\.\d+[A-Z*]")


def variant_category(normalized: str) -> str:
    """The tmVar-style category of a normalized variant.

    sequence: a full change (DNAMutation, ProteinMutation, SNP); other: sized or sequence-only indels
    (OtherMutation); acid_change: a change without a position (AcidChange); allele: a position with one
    residue (DNAAllele, ProteinAllele); event: the category-prefixed oncology forms (EXON:, CNV:, ...).
    """
    if normalized.startswith(("SIZE:", "SEQ:")):
        return "other"
    if _ACID_CHANGE.fullmatch(normalized):
        return "acid_change"
    if _ALLELE.fullmatch(normalized):
        return "allele"
    if normalized[:2] in ("p.", "c.", "g.", "m.", "r.", "n.") or normalized.startswith(("rs", "IVS")):
        return "sequence"
    return "event"


def key_for_comparison(normalized: str) -> str:
    """The TRIPLES.md comparison key: ``p.`` dropped, fusions collapsed, gains as amplification."""
    norm = normalized.strip()
    if norm.startswith("p."):
        return norm[2:]
    if norm.startswith("FUSION:"):
        return "fusion"
    if norm in ("CNV:amplification", "CNV:gain"):
        return "amplification"
    if norm.startswith("GENERIC:"):
        return "mutation"
    if norm.startswith("EXON:"):
        return "exon" + norm[5:]
    if norm.startswith(("WT:", "CNV:", "EXPR:")):
        return norm.split(":", 1)[1]
    return norm
