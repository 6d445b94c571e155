"""The variant grammar: compiled regular expressions, one per mention shape, each with its normalizer.

A rule turns a regex match into (variant_type, normalized form) or rejects it (returns None). Rules are tried
over the whole text; overlapping candidates are resolved in `neurolit.ner.variants` (longest span wins, then
rule order). Shapes covered (tmVar 3.0 categories plus the oncology events neurolit needs):

- protein: ``V600E``, ``p.V600E``, ``p.Phe1174Leu``, ``Arg158 Pro``, ``R213*``/``R213X``/``Arg213Ter``,
  ``G12C/D/V`` (split into three), ``G12/G13``, ``codon 12``, frameshifts ``P34fs``, ``p.Leu2fs*5``,
  ``p.Val35AlafsX25``, in-frame indels ``E746_A750del``, ``L747_P753delinsS``, ``D770_N771insSVD``,
  ``A767_V769dup``, ``Y248del``, ``157delMTTTVP``; natural language ("arginine 150 proline",
  "tryptophan to arginine substitution at amino acid 10", "lysine for glutamic acid at amino acid 325");
- DNA: ``c.3522C>A``, ``c.2236_2250del15``, ``c.35delG``, ``c.681dupA``, ``g.203A>C``, ``c.G1714C``,
  ``IVS8+4A>G`` (and spaced/arrow forms), bare ``677C>T``, ``-308G>A``, ``G-308A``, ``1799T>A``,
  ``5504delA``, ``3020insC``; natural language ("C to T transition at nucleotide 3916", "deletion of C at
  nucleotide 888"); sized events ("22-bp deletion", "deletion of 37,410 bp", "dup24bp", "Delta32");
- SNP: ``rs113488022``;
- oncology events: exon-level (``exon 19 deletion``, ``deletions in exon 19``, ``ex19del``, ``exon 20
  insertion``, ``exon 14 skipping``), fusions (``EML4-ALK``, ``KIF5B-RET``, ``rearrangement``, ``fusion``,
  ``translocation``, ``rearranged``, ``ALK-positive``), copy number (``amplification``, ``copy number gain``,
  ``homozygous deletion``, ``loss``, ``high gene copy number``), ``overexpression``, ``wild-type``, and the
  generic ``mutation``/``mutant``/``mutated``/``mutation-positive``. The gene-dependent ones are returned with
  ``requires_gene=True``: they count only when `link_variants` attaches a gene.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from neurolit.ner import variant_normalize as vn

Built = tuple[str, str] | None  # (variant_type, normalized) or None to reject


@dataclass(frozen=True, slots=True)
class Lead:
    """Where matches of a pattern can start: `backs` characters before an occurrence of `literal` at which the
    lookarounds `context` (written right after the literal) hold (a negative back: after the occurrence).

    A pattern given leads is tried only at these places (the regex engine finds a literal far faster than it
    tries an alternation at every character). For the same matches, every match must start at such a place
    (the context may test only characters the match consumes, positively looks ahead at, or that precede it:
    it is tested on the whole text, and a windowed match may be cut short), and occurrences of the literal
    must not overlap ("aa"), so that one scan finds them all. `regex`: the literal is a pattern (same rules).
    `on_lower`: searched in the lower-cased text (a rule's leads are then used only for ASCII text).
    """

    literal: str
    backs: tuple[int, ...] = (0,)
    context: str = ""
    on_lower: bool = False
    regex: bool = False
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)
    # what its occurrences are cached under: leads that differ only in their backs (a gate's and its rule's)
    # share one compiled pattern (`_lead_pattern`), hence one scan
    key: tuple[int, bool] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        literal = self.literal if self.regex else re.escape(self.literal)
        object.__setattr__(self, "pattern", _lead_pattern(literal + self.context))
        object.__setattr__(self, "key", (id(self.pattern), self.on_lower))


@cache
def _lead_pattern(pattern: str) -> re.Pattern[str]:
    """One compiled object per lead pattern: leads that differ only in their backs share their scan."""
    return re.compile(pattern)


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    pattern: re.Pattern[str]
    build: Callable[[re.Match[str]], Built]
    requires_gene: bool = False
    gate: str = ""  # name of a cheap GATES pattern that must occur in the text for this rule to be tried
    # windowed: try the rule only near the gate's hits (its matches start within a few words of a hit); keeps
    # the costly natural-language rules off the rest of the text
    windowed: bool = False
    # every match starts this many characters before a hit of the gate: the rule is tried only there (the
    # gate's hits must not overlap, so that its finditer finds every one)
    at_hits: tuple[int, ...] = ()
    # where its matches can start (over the lower-cased text for an IGNORECASE rule); see `Lead`
    leads: tuple[Lead, ...] = ()
    # more GATES the text contains wherever the rule matches (rarer than `gate`, or cheaper): the rule is
    # skipped when one does not hit
    requires: tuple[str, ...] = ()
    # the places among `at_hits` worth trying, from the text around each hit (a cheap test instead of a regex
    # match at every offset); None: all of them
    hit_starts: Callable[[str, list[int]], list[int]] | None = None
    # its leads are cheaper to find than its gate: the rule is skipped without searching for the gate when
    # they do not occur
    leads_first: bool = False


# ---------------------------------------------------------------------------------------------- tokens
_AA3 = "|".join(f"[{c[0].upper()}{c[0]}]{c[1:]}" for c in sorted(vn.AA3_TO_1) if c not in ("sec", "xaa"))
AA3 = f"(?:{_AA3})"
AA1 = "[ACDEFGHIKLMNPQRSTVWY]"
_AA_NAMES = sorted((n for n in vn.AA_NAME_TO_1 if n not in ("term",)), key=len, reverse=True)
AANAME = "(?:" + "|".join(n.replace(" ", r"\s") for n in _AA_NAMES) + ")"
AANAME_CI = f"(?i:{AANAME})"
AA_ANY = f"(?:{AANAME_CI}|{AA3})"
NUCNAME = "(?i:adenine|adenosine|guanine|guanosine|cytosine|cytidine|thymine|thymidine|uracil)"
NUC = "[ACGTU]"
NUC_ANY = f"(?:{NUCNAME}|{NUC})"
ARROW = r"(?:\s?(?:-{1,4}>|>|→|⟶|/)\s?)"
TO_WORD = r"(?:\s?(?:-{1,4}>|→|⟶)\s?|\s?-to-\s?|\s(?:to|into)\s)"
START = r"(?<![\w.+\-])"  # a mention does not start inside a word, number or HGVS string
PSTART = r"(?<![\w.+])(?<![^\w]-)(?<!^-)"  # protein changes may follow a hyphen after a gene ("EGFR-L858R")
END = r"(?![\w])"
NUMWORD = (
    r"(?:one|single|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen|eighteen|nineteen|twenty)"
)
SIZE_UNIT = r"(?:bp|base[\s-]?pairs?|basepairs?|bases?|nucleotides?|nt|kb|kbp|Kb|Mb|Mbp|amino\sacids?)"
INDEL_WORD = (
    r"(?:insertion/deletion|deletion/insertion|ins/del|del/ins|indel|deletion|insertion|duplication|"
    r"tandem\sduplication|inversion|(?:tandem\s)?repeat|deleted|insert)s?"
)

# Things that look like one-letter changes but are not variants (genes, receptors, cell cycle, staging).
_ONE_LETTER_BLOCK = frozenset(
    {
        "E2F",
        "P2X",
        "P2Y",
        "A2A",
        "A1C",
        "H2A",
        "S1P",
        "K2P",
        "T1R",
        "T2R",
        "M1R",
        "E1A",
        "E1B",
        "E3L",
        "E6E",
        "C1Q",
        "C3A",
        "C5A",
        "D2R",
        "D1R",
        "H1N",
        "H3N",
        "H5N",
        "H7N",
        "N1H",
        "G1S",
        "G2M",
        "S1A",
        "S2A",
        "T1C",
        "T2W",
        "P1A",
        "A1A",
        "V1A",
        "V1B",
        "V2R",
        "R1A",
        "R2A",
        "Y1R",
        "Y2R",
        "F1S",
        "C4A",
        "C4B",
        "T2D",
        "T1D",
        "M6P",
        "C6D",
        "C5D",
        "C7D",
        "C8D",
        "C9D",
        "H2S",
        "C2C",
        "S6K",
        "P4H",
        "E4F",
        "E2A",
        "G6P",
        "D3R",
        "D4R",
        "D5R",
        "T98G",
        "T47D",
        "H1R",
        "H2R",
        "H3R",
        "H4R",
        "M2R",
        "M3R",
        "M4R",
        "M5R",
        "A3G",
        "A1R",
        "V2V",
    }
)


# Genes whose symbol ends in a letter and that are written glued to a hotspot change ("BRAFV600E").
_GLUED_GENES = "BRAF|KRAS|NRAS|HRAS|EGFR|PIK3CA|KIT|PDGFRA|ALK|MET|ERBB2|GNAQ|RET|ROS1|NTRK1|JAK2|FLT3"
# Cell lines and reagents that look like a gene symbol glued to a protein change.
_GLUED_BLOCK = frozenset(
    {
        "HEK293T",
        "MCF10A",
        "MCF12A",
        "HEK293E",
        "HEK293F",
        "HEK293A",
        "NIH3T3",
        "BEAS2B",
        "RAW264",
        "HT1080",
        "SKBR3",
        "MDAMB231",
        "IMR90",
    }
)


def _pos_ok(pos: str) -> bool:
    return pos.isdigit() and 0 < int(pos) < 100000


def _is_dna_shape(ref: str, alt: str, pos: str) -> bool:
    """C35322T, G1359A, T1270533G: nucleotides on both sides of a long position are a DNA change."""
    return ref in "ACGT" and alt in "ACGT" and int(pos) >= 100


# ---------------------------------------------------------------------------------------------- builders
def _b_protein_1(m: re.Match[str]) -> Built:
    ref, pos, alt = m["ref"], m["pos"], m["alt"]
    has_p = bool(m["p"])
    if not has_p and _is_dna_shape(ref, alt, pos):
        return "dna_change", f"c.{pos}{ref}>{alt}"
    if not _pos_ok(pos):
        return None
    if not has_p and f"{ref}{pos}{alt}" in _ONE_LETTER_BLOCK:
        return None
    alt1 = "*" if alt in ("X", "*") or alt.lower() in ("stop", "ter") else alt
    if not has_p and ref in "ACGT" and alt1 in "ACGT" and int(pos) >= 100:
        # C35322T, G1359A, A1166C: nucleotide changes written in the one-letter protein shape.
        return "dna_change", f"c.{pos}{ref}>{alt1}"
    if not has_p and ref == alt1 and int(pos) < 10:
        return None
    kind = "nonsense" if alt1 == "*" else "substitution"
    return kind, f"p.{ref}{pos}{alt1}"


def _b_protein_3(m: re.Match[str]) -> Built:
    ref, alt = vn.aa_one(m["ref"]), vn.aa_one(m["alt"])
    if not ref or not alt or not _pos_ok(m["pos"]):
        return None
    return ("nonsense" if alt == "*" else "substitution"), f"p.{ref}{m['pos']}{alt}"


def _b_protein_name(m: re.Match[str]) -> Built:
    ref, alt = vn.aa_one(m["ref"]), vn.aa_one(m["alt"])
    if m.groupdict().get("for"):  # "lysine for glutamic acid": the second is replaced by the first
        ref, alt = alt, ref
    if not ref or not alt or ref == "*" or (ref == alt and not m["pos"]):
        return None
    if not m["pos"]:  # "leucine-to-proline substitution": a change without a position
        return ("nonsense" if alt == "*" else "substitution"), f"p.{ref}>{alt}"
    return ("nonsense" if alt == "*" else "substitution"), f"p.{ref}{m['pos']}{alt}"


def _b_position_only(m: re.Match[str]) -> Built:
    if not _pos_ok(m["pos"]):
        return None
    ref = vn.aa_one(m["ref"]) if m["ref"] else ""
    return "substitution", f"p.{ref}{m['pos']}"


def _b_codon(m: re.Match[str]) -> Built:
    return "substitution", f"CODON:{m['pos']}"


def _b_frameshift(m: re.Match[str]) -> Built:
    ref = vn.aa_one(m["ref"])
    alt = vn.aa_one(m["alt"]) if m["alt"] else ""
    if not ref or not _pos_ok(m["pos"]):
        return None
    tail = ""
    if m["stop"]:
        tail = "*" + (m["n"] or "")
    elif m["n"]:
        tail = "*" + m["n"]
    return "frameshift", f"p.{ref}{m['pos']}{alt}fs{tail}"


def _b_protein_indel(m: re.Match[str]) -> Built:
    r1 = vn.aa_one(m["r1"])
    if not r1 or not _pos_ok(m["p1"]):
        return None
    span = f"{r1}{m['p1']}"
    if m["p2"]:
        r2 = vn.aa_one(m["r2"]) if m["r2"] else ""
        span += f"_{r2}{m['p2']}"
    op = m["op"].lower()
    op = {"deletion": "del", "insertion": "ins", "duplication": "dup", "delins": "delins"}.get(op, op)
    seq = vn.protein_sequence(m["seq"] or "")
    return "indel", f"p.{span}{op}{seq}"


def _b_protein_indel_bare(m: re.Match[str]) -> Built:
    seq = vn.protein_sequence(m["seq"])
    return "indel", f"p.{m['pos']}{m['op'].lower()}{seq}"


def _b_dna_hgvs_sub(m: re.Match[str]) -> Built:
    return "dna_change", vn.dna_substitution(m["pfx"], m["pos"], m["ref"], m["alt"])


def _b_dna_hgvs_sub_rev(m: re.Match[str]) -> Built:  # c.G1714C
    return "dna_change", vn.dna_substitution(m["pfx"], m["pos"], m["ref"], m["alt"])


def _b_dna_hgvs_edit(m: re.Match[str]) -> Built:
    op = m["op"].lower()
    kind = "dna_change"
    return kind, vn.dna_edit(m["pfx"], m["pos"], op, m["tail"] or "")


def _b_dna_bare_sub(m: re.Match[str]) -> Built:
    pos = re.sub(r"\s", "", m["pos"])
    digits = re.sub(r"\D", "", pos)
    if not digits or (m["sep"] and "/" in m["sep"] and not (pos[0] in "+-" or len(digits) >= 3)):
        return None
    return "dna_change", vn.dna_substitution("c", pos.lstrip("+"), m["ref"], m["alt"])


def _b_dna_nuc_pos_nuc(m: re.Match[str]) -> Built:  # G-308A, C-1228T
    return "dna_change", vn.dna_substitution("c", m["pos"], m["ref"], m["alt"])


def _b_dna_bare_edit(m: re.Match[str]) -> Built:
    return "dna_change", vn.dna_edit("c", m["pos"], m["op"], m["tail"] or "")


def _b_ivs(m: re.Match[str]) -> Built:
    intron = re.sub(r"[\s-]", "", m["intron"]).upper()
    off = re.sub(r"\s", "", m["off"])
    if m["ref"]:
        return "dna_change", f"c.IVS{intron}{off}{vn.nuc_one(m['ref'])}>{vn.nuc_one(m['alt'])}"
    return "dna_change", f"c.IVS{intron}{off}{(m['op'] or '').lower()}{(m['tail'] or '').upper()}"


def _b_rs(m: re.Match[str]) -> Built:
    return "snp", f"rs{m['id']}"


def _b_dna_natural(m: re.Match[str]) -> Built:
    ref, alt = vn.nuc_one(m["ref"]), vn.nuc_one(m["alt"])
    if not ref or not alt:
        return None
    pos = re.sub(r"[\s,]", "", m["pos"])
    return "dna_change", f"c.{pos}{ref}>{alt}"


def _b_dna_natural_edit(m: re.Match[str]) -> Built:
    """ "deletion of C at nucleotide 888", "T insertion at 7916 and 7917"."""
    nuc = vn.nuc_one(m["nuc"] or m["nuc2"])
    op = "ins" if (m["op"] or m["op2"]).lower().startswith("ins") else "del"
    pos = m["pos"] or m["pos2"]
    if m["pos3"]:
        pos = f"{pos}_{m['pos3']}"
    return "dna_change", f"c.{pos}{op}{nuc}"


def _b_sized(m: re.Match[str]) -> Built:
    text = m.group(0).lower()
    if "dup" in text:
        op = "dup"
    elif ("ins" in text and "del" in text) or "indel" in text:
        op = "indel"
    elif "ins" in text:
        op = "ins"
    elif "repeat" in text:
        op = "repeat"
    elif "inver" in text:
        op = "inv"
    else:
        op = "del"
    size = m["size"] or m["size2"] or m["size3"] or m["size4"] or ""
    size = re.sub(r"[,\s-]", "", size)
    return "indel", f"SIZE:{op}{size}"


def _b_delta(m: re.Match[str]) -> Built:
    return "indel", f"SIZE:del{m['size'] or m['size2']}"


def _b_nuc_string(m: re.Match[str]) -> Built:
    op = (m["op"] or m["op2"] or m["op3"] or m["op4"]).lower()
    seq = m["seq"] or m["one"] or m["seq2"] or m["seq3"] or vn.nuc_one(m["nn"] or "")
    kind = "dup" if op.startswith("dup") else "indel" if "/" in op or "-" in op else op[:3]
    pos = m["pos"] or ""
    return "indel", f"c.{pos}{kind}{seq}" if pos else f"SEQ:{kind}{seq}"


def _b_dna_allele(m: re.Match[str]) -> Built:
    pos = re.sub(r"\s", "", m["pos"] or m["pos2"])
    return "dna_change", f"c.{pos}{m['nt'] or m['nt2']}"


def _b_acid_change(m: re.Match[str]) -> Built:
    if m["aref"]:
        ref, alt = vn.aa_one(m["aref"]), vn.aa_one(m["aalt"])
        return ("nonsense" if alt == "*" else "substitution"), f"p.{ref}>{alt}"
    ref, alt = m["ref"] or m["ref2"], m["alt"] or m["alt2"]
    if len(ref) != len(alt) or ref == alt:
        return None
    return "dna_change", f"c.{ref}>{alt}"


def _b_protein_allele(m: re.Match[str]) -> Built:
    if m["ref"]:
        return "substitution", f"p.{vn.aa_one(m['ref'])}{m['pos']}"
    if m["name"]:
        return "substitution", f"p.{vn.aa_one(m['name'])}{m['pos2']}"
    if m["pos3"]:
        return "substitution", f"p.{m['pos3']}{vn.aa_one(m['name3'])}"
    return "nonsense", f"p.{m['pos4']}*"


def _b_exon(m: re.Match[str]) -> Built:
    return "exon", vn.exon_event(m["exon"], m["ev"])


def _b_fusion_word(m: re.Match[str]) -> Built:
    return "fusion", "FUSION:"


def _b_cnv(m: re.Match[str]) -> Built:
    word = m.group(0).lower()
    if "amplif" in word or "gain" in word or ("copy" in word and "loss" not in word):
        return (
            "cnv",
            "CNV:amplification",
        )  # "EGFR gene copy number" is reported as gain (TRIPLES.md convention)
    if "deletion" in word or "deleted" in word:
        return "cnv", "CNV:deletion"
    return "cnv", "CNV:loss"


def _b_expression(m: re.Match[str]) -> Built:
    return "expression", "EXPR:overexpression"


def _b_wildtype(m: re.Match[str]) -> Built:
    return "wildtype", "WT:wild-type"


def _b_generic(m: re.Match[str]) -> Built:
    return "generic", "GENERIC:mutation"


_AA3_LOWER = "ala|arg|asn|asp|cys|gln|glu|gly|his|ile|leu|lys|met|phe|pro|ser|thr|trp|tyr|val"
_AA_ANCHOR_NAMES = (
    "alanine",
    "arginine",
    "asparagine",
    r"aspartic\sacid",
    "aspartate",
    "cysteine",
    "glutamine",
    r"glutamic\sacid",
    "glutamate",
    "glycine",
    "histidine",
    "isoleucine",
    "leucine",
    "lysine",
    "methionine",
    "phenylalanine",
    "proline",
    "serine",
    "threonine",
    "tryptophan",
    "tyrosine",
    "valine",
    r"stop\scodon",
    r"termination\scodon",
)
# Cheap patterns, searched once per text, that every match of the rules using them must contain.
# (pattern, searched on the lower-cased text?)
GATES: dict[str, tuple[re.Pattern[str], bool]] = {
    "rs": (re.compile(r"rs\s?#?\d"), True),
    "ivs": (re.compile(r"IVS"), False),
    "nuc_arrow": (re.compile(r"[ACGT]\s?(?:-{1,4}>|>|→|/)\s?[ACGT]"), False),
    "nuc_pos_nuc": (re.compile(r"[ACGT][\-+]\d"), False),
    "edit": (re.compile(r"del|ins|dup"), True),
    "fs": (re.compile(r"fs"), False),
    "aa_anchor": (
        re.compile(
            rf"(?<![a-z])(?:{'|'.join(_AA_ANCHOR_NAMES)})(?![a-z])|"
            rf"(?<![a-z])(?:{_AA3_LOWER})(?:-?\d|\s?(?:-{{1,4}}>|→|-to-|\s(?:to|by|with|for)\s)|\s(?:at|in)\s|\sallele)"
        ),
        True,
    ),
    # Anchors start with a character class (the regex engine then skips ahead fast): keep them that way.
    "nuc_anchor": (
        re.compile(
            r"[ACGT][ACGT]?\)?(?:\s\([ACGT]\))?(?:\s?-{1,4}>|\s?>|\s?→|-to-|\sto\s|/)|"
            r"[AaGgCcTtUu](?:denin|denos|uanin|uanos|ytosin|ytidin|hymi|racil|ridin)|"
            r"[ACGHILMPSTV](?:la|rg|sn|sp|ys|ln|lu|ly|is|le|eu|et|he|ro|er|hr|rp|yr|al)\s?(?:-{1,4}>|→)"
        ),
        False,
    ),
    "nuc_edit_anchor": (
        re.compile(
            r"[ACGT][ACGT]{0,11}\)?\s(?:deletion|insertion|duplication)|[dio](?:el|ns|up)[ACGT]{2}|"
            r"[did](?:uplication|eletion|nsertion)\s(?:of\s(?:an?\s)?)?\(?(?:[ACGT]|"
            r"[AaGgCcTt](?:denine|uanine|ytosine|hymine|hymidine))|"
            r"[AaGgCcTt](?:denine|uanine|ytosine|hymine|hymidine)\s(?:deletion|insertion)"
        ),
        False,
    ),
    "mutation_anchor": (re.compile(r"\d\s(?:mutation|mutant|variant|substitution)"), True),
    "indel_anchor": (re.compile(r"\d\s?(?:delins|del|ins|dup)"), True),
    "op_first_anchor": (re.compile(r"[di](?:el|ns)\s?\d|[ACGT]\d{2,6}\sby\s"), False),
    "sized_anchor": (
        re.compile(
            r"\d[\s-]?(?:bp|base|nucleotide|nt|kb|mb|amino)|[a-z][\s-](?:bp|bases?|nucleotides?)\b|"
            r"[did](?:eletion|nsertion|uplication)\sof\s\d|[did](?:up|el|ns)\d|[di](?:ns|el|n)/(?:del|ins)"
        ),
        True,
    ),
    "num_nuc": (re.compile(r"\d\s?[ACGT]"), False),
    "allele_shape": (
        re.compile(r"[ACGT]\s(?:allele|genotype|carrier|homozygote|deletion)|[+\-]\d+[ACGT]"),
        False,
    ),
    "aa3_num": (re.compile(rf"(?:{_AA3_LOWER})\s?\(?\d"), True),
    "aa1_num": (re.compile(r"[ACDEFGHIKLMNPQRSTVWY]\d"), False),
    "slash": (re.compile(r"/"), False),
    "codon": (re.compile(r"codon"), True),
    "delta": (re.compile(r"[Dd]elta|Δ|DD\d"), False),
    "exon": (re.compile(r"exon"), True),
    "exon_short": (re.compile(r"\d(?:del|ins|dup|skip)|(?:del|ins)\s?(?:19|20)"), True),
    "fusion_word": (re.compile(r"rearrang|fusion|transloc"), True),
    "positive": (re.compile(r"positive"), True),
    "cnv": (re.compile(r"amplif|gain|loss|delet|copy"), True),
    "expression": (re.compile(r"express"), True),
    "wildtype": (re.compile(r"wild|wt"), True),
    "generic": (re.compile(r"mutat|mutant|alter|variant"), True),
}


@dataclass(frozen=True, slots=True)
class Prefilter:
    """A necessary condition for a gate to hit, far cheaper to test than the gate's own pattern.

    The gate can hit the text it searches only if one of `literals` occurs in that text or `pattern` matches in
    it. Patterns start with a rare character (a digit, an upper-case letter or a literal): the regex engine skips
    ahead to it instead of trying a long alternation at every letter, as the gates themselves do.
    """

    literals: tuple[str, ...] = ()
    pattern: re.Pattern[str] | None = None


# Gates that seldom hit but are costly to search for. Every hit of the gate implies the condition;
# tests/ner/test_variant_leads.py checks it on generated texts.
GATE_PREFILTERS: dict[str, Prefilter] = {
    # the same pattern, found from its digit: digits are rare, 3-letter codes are everywhere ("protein")
    "aa3_num": Prefilter(
        pattern=re.compile(
            rf"\d(?:(?<=(?:{_AA3_LOWER})\d)|(?<=(?:{_AA3_LOWER})[\s(]\d)|(?<=(?:{_AA3_LOWER})\s\(\d))"
        )
    ),
    "delta": Prefilter(literals=("elta", "Δ", "DD")),
    "fusion_word": Prefilter(literals=("rearrang", "fusion", "transloc")),
}


_NUC_NAME_PARTS = (
    ("den", "(?=in|os)"),
    ("uan", "(?=in|os)"),
    ("yt", "(?=osin|idin)"),
    ("hymi", ""),
    ("racil", ""),
    ("ridin", ""),
)


def _units_lead(unit: str) -> Lead:
    """A size unit after a number or a word: "22-bp", "22bp", "a 5 nt", "two-base"."""
    return Lead(unit, (1, 2), rf"(?:(?<=\d{unit})|(?<=[\da-z][\s-]{unit}))", on_lower=True)


def _lower(*words: str, backs: tuple[int, ...] = (0,), context: str = "") -> tuple[Lead, ...]:
    """Leads over the lower-cased text; `context` may name the word as {w}."""
    return tuple(Lead(w, backs, context.replace("{w}", w), on_lower=True) for w in words)


# The word starting an amino-acid name or 3-letter code ("tyrosine", "Arg", "premature stop codon"), found
# by its first three letters after a non-letter (the back of -1 skips that character; matching it is faster
# than a lookbehind) or at the start of the text. Matches cannot overlap: each starts a word.
_AA_WORD_STARTS = "a(?:la|rg|sn|sp)|cys|g(?:ln|lu|ly)|his|i(?:le|so)|l(?:eu|ys)|met|p(?:he|re|ro)|s(?:er|to)|t(?:er|hr|rp|ry|yr)|val"
AA_WORD_LEADS = (
    Lead(rf"[^a-z](?:{_AA_WORD_STARTS})", (-1,), on_lower=True, regex=True),
    Lead(rf"\A(?:{_AA_WORD_STARTS})", on_lower=True, regex=True),
)

# Gates found from literals (see `Lead`): every hit of the gate starts at one of its leads
# (tests/ner/test_variant_leads.py compares each with the gate's own finditer on generated texts).
GATE_LEADS: dict[str, tuple[Lead, ...]] = {
    "aa_anchor": AA_WORD_LEADS,
    "exon_short": (
        *_lower("del", "ins", backs=(0, 1), context=r"(?:(?<=\d{w})|(?=\s?(?:19|20)))"),
        *_lower("dup", "skip", backs=(1,), context=r"(?<=\d{w})"),
    ),
    # "C deletion", "GT insertion", "adenine deletion", "deletion of an A", "delGT", "insAC"
    "nuc_edit_anchor": (
        # the word starts 1 character before the part ("nsertion" would overlap itself: "sertion", 2), a
        # nucleotide run or name before it 2-14 characters further back
        *(
            Lead(part, (back, *range(back + 2, back + 15)), rf"(?<=[did]{word})")
            for part, word, back in (
                ("eletion", "eletion", 1),
                ("sertion", "nsertion", 2),
                ("uplication", "uplication", 1),
            )
        ),
        # "delGT", "insAC": found from the first of the two capitals (rarer than "el", "ns", "up": one scan)
        Lead("[ACGT]", (3,), r"(?<=[dio](?:el|ns|up)[ACGT])(?=[ACGT])", regex=True),
    ),
    "op_first_anchor": (
        Lead("el", (1,), r"(?<=[di]el)(?=\s?\d)"),
        Lead("ns", (1,), r"(?<=[di]ns)(?=\s?\d)"),
        Lead("by", (4, 5, 6, 7, 8), r"(?<=\d\sby)(?=\s)"),  # [ACGT]\d{2,6}\sby\s
    ),
    "indel_anchor": _lower("del", "ins", "dup", backs=(1, 2), context=r"(?:(?<=\d{w})|(?<=\d\s{w}))"),
    "mutation_anchor": _lower("muta", "variant", "substitution", backs=(2,), context=r"(?<=\d\s{w})"),
    "sized_anchor": (
        *(_units_lead(unit) for unit in ("bp", "base", "nucleotide", "nt", "kb", "mb", "amino")),
        # "del5", "deletion of 37 bp" (and ins, dup)
        *_lower("el", backs=(1,), context=r"(?:(?<=[did]el)(?=\d)|(?=etion\sof\s\d))"),
        *_lower("ns", backs=(1,), context=r"(?:(?<=[did]ns)(?=\d)|(?=ertion\sof\s\d))"),
        *_lower("up", backs=(1,), context=r"(?:(?<=[did]up)(?=\d)|(?=lication\sof\s\d))"),
        *_lower("/", backs=(2, 3), context=r"(?=del|ins)"),  # "in/del", "ins/del"
    ),
    "nuc_anchor": (
        *(
            Lead(nuc, (0,), r"(?=[ACGT]?\)?(?:\s\([ACGT]\))?(?:\s?-{1,4}>|\s?>|\s?→|-to-|\sto\s|/))")
            for nuc in "ACGT"
        ),
        # adenine, guanosine, cytidine, thymine, uracil, uridine
        *(Lead(part, (1,), context) for part, context in _NUC_NAME_PARTS),
        Lead(">", (4, 5, 6, 7, 8)),  # Val-->Ala
        Lead("→", (3, 4)),
    ),
    "cnv": _lower("amplif", "gain", "loss", "delet", "copy"),
    "generic": _lower("muta", "alter", "variant"),
    "num_nuc": tuple(Lead(nuc, (1, 2), rf"(?:(?<=\d{nuc})|(?<=\d\s{nuc}))") for nuc in "ACGT"),
    "edit": _lower("del", "ins", "dup"),
    "nuc_arrow": (Lead(">", (1, 2, 3, 4, 5, 6)), Lead("→", (1, 2)), Lead("/", (1, 2))),
    "nuc_pos_nuc": (Lead("-", (1,), r"(?<=[ACGT]-)(?=\d)"), Lead("+", (1,), r"(?<=[ACGT]\+)(?=\d)")),
    "allele_shape": (
        *(
            Lead(word, (2,), rf"(?<=[ACGT]\s{word})")
            for word in ("allele", "genotype", "carrier", "homozygote", "deletion")
        ),
        Lead("-", (0,), r"(?=\d+[ACGT])"),
        Lead("+", (0,), r"(?=\d+[ACGT])"),
    ),
}


# ---------------------------------------------------------------------------------------------- rules
_HGVS_DOT = (Lead(".", (1,), r"(?<=[cgmrn]\.)"),)  # c.35delG, g.203A>C
# C>T, G/A, Val-->Ala
_ACID_CHANGE_LEADS = (
    *(Lead(nuc, (0,), rf"(?<![\w/>-]{nuc})(?=[ACGT]?(?:\s?-|\s?>|\s?→|-to-|\sto\s|/))") for nuc in "ACGT"),
    Lead(">", (4, 5, 6, 7, 8)),
    Lead("→", (3, 4)),
)
_FUSION_3P_STARTS = (
    "ALK|ROS1|RET|NTRK|FGFR|BRAF|NRG1|MET|ABL|PDGFR|JAK2|ERG|ETV|FLI1|RARA|MAML2|NUTM1|PRKACA|RAF1|EGFR"
)
_FUSION_5P = ("FGFR1", "FGFR2", "FGFR3", "EWSR1", "BCR", "PML", "NPM", "NPM1", "TMPRSS2")


def _fusion_lead(separator: str) -> Lead:
    """The separator of "EML4-ALK", "BCR::ABL1", "TMPRSS2 - ERG": after a symbol of 2-10 characters (and a
    space), before a targeted 3' partner or after a listed 5' partner."""
    sep = re.escape(separator)
    after_symbol = rf"(?:(?<=[A-Z0-9]{sep})|(?<=[A-Z0-9]\s{sep}))"
    before_3p = rf"(?=[-:]?\s?(?:{_FUSION_3P_STARTS}))"
    after_5p = "|".join(rf"(?<={gene}{space}{sep})" for gene in _FUSION_5P for space in ("", r"\s"))
    return Lead(separator, tuple(range(2, 12)), rf"{after_symbol}(?:{before_3p}|{after_5p})")


# The position of "Arg158Pro", "p.Val600Glu", "Gln (61) His": its first digit right after a 3-letter code and
# an optional space and bracket; the match starts at the code (3-5 characters before the digit) or at "p." / "p. "
# before it. Digits are far rarer than letters: one scan finds them all, on the text itself (any case, any text).
PROTEIN_3_LEADS = (
    Lead(
        "[1-9]",
        tuple(range(3, 9)),
        # a lower-case letter first: one character test rejects most digits before the codes are tried (2x faster)
        rf"(?:(?<=[a-z][1-9])|(?<=[a-z][\s(][1-9])|(?<=[a-z]\s\([1-9]))"
        rf"(?:(?<={AA3}[1-9])|(?<={AA3}[\s(][1-9])|(?<={AA3}\s\([1-9]))",
        regex=True,
    ),
)
# The keyword rules, tried only where a gate's word occurs (the same scans as their gates'), at the distances a
# leading optional word can put it from the match's start: "activating mutation", "kinase domain variants",
# "high-level gene copy number gain", "homozygously deleted", "biallelic loss".
_GENERIC_PREFIXES = (
    *("activating", "oncogenic", "somatic", "germline", "sensitizing", "sensitising", "driver", "point"),
    *("missense", "hotspot", "kinase domain"),
)
_GENERIC_LEADS = _lower(
    "muta", "alter", "variant", backs=tuple(sorted({0, *(len(w) + 1 for w in _GENERIC_PREFIXES)}))
)
_CNV_PREFIXES = ("", "focal ", "high-level ", "low-level ", "gene ", "genomic ")
# from the start of the event words to the gate's word: "(high |increased )(gene )copy", "homozygous(ly) ",
# "biallelic "
_CNV_WORD_BACKS = (0, 5, 10, 15, 11, 13)
_CNV_LEADS = _lower(
    "amplif",
    "gain",
    "loss",
    "delet",
    "copy",
    backs=tuple(sorted({len(p) + back for p in _CNV_PREFIXES for back in _CNV_WORD_BACKS})),
)


# Bare DNA changes start a number ("677C>T", "-308 G/A", "5504delA", "-308A allele") not preceded by a word,
# a number or an HGVS string (`START`): one scan for number starts followed by the rest of the shape.
def _number_start_lead(rest: str) -> Lead:
    return Lead(r"[\-+*\d]", (0,), rf"(?<![\w.+\-][\-+*\d])(?={rest})", regex=True)


_BARE_SUB_LEADS = (_number_start_lead(r"\d*(?:\s?[+\-]\s?\d+)?(?:,\s|\s)?\(?[ACGT]"),)
_BARE_EDIT_LEADS = (_number_start_lead(r"\d*(?:[+\-]\d+)?(?:[_\-]\d+)?\s?(?:del|ins|dup)"),)
_ALLELE_LEADS = (_number_start_lead(r"\d+\s?[ACGT]"), Lead("IVS"))
# "ex19del", "exon 20ins", "del19": the gate's leads (the same scans), 1-6 characters after the start ("Exon",
# the exon number) or at it
_EXON_SHORT_LEADS = (
    *_lower("del", "ins", backs=tuple(range(7)), context=r"(?:(?<=\d{w})|(?=\s?(?:19|20)))"),
    *_lower("dup", "skip", backs=tuple(range(1, 7)), context=r"(?<=\d{w})"),
)
# "deletions in exon 19": "exon" after the event word, a preposition and an optional "the "
_EXON_EVENTS = ("deletion", "deletions", "insertion", "insertions", "duplication", "duplications", "skipping")
_EXON_AFTER_BACKS = {
    len(event) + len(prep) + 2 + the
    for event in (*_EXON_EVENTS, "mutation", "mutations")
    for prep in ("in", "of", "within")
    for the in (0, 4)
}
_EXON_AFTER_LEADS = (Lead("exon", tuple(sorted(_EXON_AFTER_BACKS)), on_lower=True),)


def _p_dot_starts(text: str, hits: list[int]) -> list[int]:
    """`at_hits` (0, 2, 3) of protein_1, the last two only after "p." ("p.V600E", "p. V600E")."""
    starts = {*hits}
    for hit in hits:
        starts.update(hit - back for back in (2, 3) if hit >= back and text.startswith("p.", hit - back))
    return sorted(starts)


_SYMBOL_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def _symbol_starts(text: str, hits: list[int]) -> list[int]:
    """`at_hits` 1-8 of protein_glued, only where the gene symbol can start: the symbol is capitals and digits
    (a digit may be any decimal digit) and no word character comes before it, so only the start of the run of
    such characters before the hit can match."""
    starts = set()
    for hit in hits:
        at = hit
        while at > 0 and hit - at < 8 and (text[at - 1] in _SYMBOL_CHARS or text[at - 1].isdecimal()):
            at -= 1
        if at < hit:
            starts.add(at)
    return sorted(starts)


_P = r"(?P<p>p\.\s?)"
_POS = r"(?P<pos>[1-9]\d{0,6})"

RULES: tuple[Rule, ...] = (
    Rule(
        "rs",
        re.compile(rf"(?<![\w.])[Rr][Ss]\s?#?(?P<id>\d{{3,10}}){END}"),
        _b_rs,
        gate="rs",
        leads=(Lead("rs", (0,), r"(?=\s?#?\d{3})", on_lower=True),),
    ),
    # --- DNA, HGVS-like
    Rule(
        "dna_hgvs_sub",
        re.compile(
            rf"{START}(?P<pfx>[cgmrn])\.\s?(?P<pos>[*\-+]?\d+(?:\s?[+\-]\s?\d+)?)\s?\(?(?P<ref>[ACGTUacgtu])"
            rf"{ARROW}(?P<alt>[ACGTUacgtu])\)?(?![A-Za-z])"
        ),
        _b_dna_hgvs_sub,
        # no gate: the lead finds its few places, and "c." with a position or base starts every match
        leads=_HGVS_DOT,
    ),
    Rule(
        "dna_hgvs_sub_rev",
        re.compile(rf"{START}(?P<pfx>[cg])\.(?P<ref>[ACGT])(?P<pos>\d+)(?P<alt>[ACGT]){END}"),
        _b_dna_hgvs_sub_rev,
        # no gate: the lead finds its few places, and "c." with a position or base starts every match
        leads=_HGVS_DOT,
    ),
    Rule(
        "dna_hgvs_edit",
        re.compile(
            rf"{START}(?P<pfx>[cgmrn])\.\s?(?P<pos>[*\-]?\d+(?:[+\-]\d+)?(?:\s?[_\-]\s?[*\-]?\d+(?:[+\-]\d+)?)?)"
            rf"\s?(?P<op>delins|del|ins|dup|inv)(?P<tail>(?:\s?\.?[ACGTacgt]+|\d+|\([ACGT]+\)\(\d+\))*)"
            rf"(?![A-Za-z])"
        ),
        _b_dna_hgvs_edit,
        # no gate: the lead finds its few places, and "c." with a position or base starts every match
        leads=_HGVS_DOT,
    ),
    Rule(
        "ivs",
        re.compile(
            rf"{START}IVS\s?-?(?P<intron>[IVX]+|\d+)\s?(?P<off>[+\-]\s?\d+(?:_\d+)?)"
            rf"(?:,?\s?\(?(?P<ref>[ACGTacgt]){ARROW}(?P<alt>[ACGTacgt])\)?|\s?(?P<op>del|ins|dup)(?P<tail>[ACGT]*))"
            rf"(?![A-Za-z])"
        ),
        _b_ivs,
        gate="ivs",
    ),
    Rule(
        "dna_bare_sub",
        re.compile(
            rf"{START}(?P<pos>[\-+*]?\d+(?:\s?[+\-]\s?\d+)?)(?:,\s|\s)?\(?(?P<ref>[ACGT])"
            rf"(?P<sep>\s?(?:-{{1,4}}>|>|→|/)\s?)(?P<alt>[ACGT])\)?(?![A-Za-z0-9])"
        ),
        _b_dna_bare_sub,
        gate="nuc_arrow",
        leads=_BARE_SUB_LEADS,
    ),
    Rule(
        "dna_nuc_pos_nuc",
        re.compile(rf"{START}(?P<ref>[ACGT])(?P<pos>[\-+]\d+)(?P<alt>[ACGT]){END}"),
        _b_dna_nuc_pos_nuc,
        gate="nuc_pos_nuc",
    ),
    Rule(
        "dna_bare_edit",
        re.compile(
            rf"{START}(?P<pos>[\-+]?\d+(?:[+\-]\d+)?(?:[_\-]\d+)?)\s?(?P<op>delins|del|ins|dup)"
            rf"(?P<tail>\s?[ACGT]+|\d+)?(?![A-Za-z])"
        ),
        _b_dna_bare_edit,
        gate="edit",
        requires=("indel_anchor",),
        leads=_BARE_EDIT_LEADS,
    ),
    Rule(
        "dna_op_first",
        re.compile(
            r"(?<![\w-])(?P<op>del|ins)\s?(?P<pos>\d+)(?P<tail>[ACGT]+)(?![\w])"
            r"|(?<![\w-])(?P<ref>[ACGT])(?P<pos2>\d{2,6})\sby\s(?P<alt>[ACGT])(?![\w])"
        ),
        lambda m: (
            ("dna_change", vn.dna_edit("c", m["pos"], m["op"], m["tail"]))
            if m["op"]
            else ("dna_change", vn.dna_substitution("c", m["pos2"], m["ref"], m["alt"]))
        ),
        gate="op_first_anchor",
        windowed=True,
    ),
    # --- protein
    Rule(
        "protein_frameshift",
        re.compile(
            rf"{START}{_P}?(?P<ref>{AA3}|{AA1})(?P<pos>\d+)(?P<alt>{AA3}|{AA1})?\s?fs\s?(?:(?P<stop>\*|X|Ter)"
            rf"\s?(?P<n>\d+)?|(?P<n2>\d+))?{END}"
        ),
        lambda m: _b_frameshift(m) if not m["n2"] else ("frameshift", f"p.{vn.aa_one(m['ref'])}{m['pos']}fs"),
        gate="fs",
    ),
    Rule(
        "protein_indel",
        re.compile(
            rf"{START}{_P}?(?P<r1>{AA3}|{AA1})(?P<p1>\d+)(?:_(?:{AA3}|{AA1})\d+(?=_))*"
            rf"(?:\s?[_\-]\s?(?P<r2>{AA3}|{AA1})?(?P<p2>\d+))?"
            rf"\s?(?P<op>delins|del|ins|dup|deletion|insertion|duplication)"
            rf"(?P<seq>(?:{AA3})+|[ACDEFGHIKLMNPQRSTVWY]+)?{END}"
        ),
        _b_protein_indel,
        gate="indel_anchor",
        windowed=True,
    ),
    Rule(
        "protein_indel_bare",
        re.compile(rf"{START}(?P<pos>\d+)(?P<op>del|ins)(?P<seq>[ACDEFHIKLMNPQRSVWY][A-Z]{{0,20}}){END}"),
        _b_protein_indel_bare,
        gate="edit",
        requires=("indel_anchor",),
    ),
    Rule(
        "protein_3",
        re.compile(
            rf"{PSTART}{_P}?(?P<ref>{AA3})\s?\(?(?P<pos>[1-9]\d{{0,4}})\)?\s?(?:to\s|-->?\s?|→\s?)?"
            rf"(?P<alt>{AA3}|[Ss]top|STOP|X|\*)(?![a-z])"
        ),
        _b_protein_3,
        gate="aa3_num",
        leads=PROTEIN_3_LEADS,
        leads_first=True,
    ),
    Rule(
        "protein_1",
        re.compile(rf"{PSTART}{_P}?(?P<ref>{AA1}){_POS}(?P<alt>{AA1}|X|\*|stop|Ter)(?![\w*])"),
        _b_protein_1,
        gate="aa1_num",
        at_hits=(0, 2, 3),  # V600E, p.V600E, p. V600E
        hit_starts=_p_dot_starts,
    ),
    Rule(
        "protein_glued",
        re.compile(
            rf"(?<![\w-])(?P<prefix>[A-Z][A-Z0-9]{{0,6}}\d|{_GLUED_GENES})(?P<span>(?P<ref>{AA1})(?P<pos>[1-9]\d{{1,4}})"
            rf"(?P<alt>{AA1}))(?![\w*])"
        ),
        lambda m: (
            None
            if m.group(0) in _GLUED_BLOCK or m["prefix"] in ("p", "c", "g")
            else ("substitution", f"p.{m['ref']}{m['pos']}{m['alt']}")
        ),
        gate="aa1_num",
        at_hits=tuple(range(1, 9)),  # the gene symbol (1-8 characters) before the change
        hit_starts=_symbol_starts,
    ),
    Rule(
        "protein_name",
        re.compile(
            rf"(?<![\w-])(?P<ref>{AANAME_CI})(?:\s\((?:{AA3}|{AA1}|[ACGT]{{3}})\))?\s?-?(?P<pos>[1-9]\d{{0,4}})"
            rf"(?:{TO_WORD}|\s?-\s?|\s(?:by|for)\s|\s)(?:an?\s)?(?P<alt>{AANAME_CI}|{AA3})(?![a-z])"
        ),
        _b_protein_name,
        gate="aa_anchor",
        leads=AA_WORD_LEADS,
        windowed=True,
    ),
    Rule(
        "protein_name_at",
        re.compile(
            rf"(?<![\w-])(?P<ref>{AA_ANY})(?:\s\((?:{AA3}|{AA1}|[ACGT]{{3}})\))?(?:\sresidue)?"
            rf"(?:{TO_WORD}|\s(?:by|with)\s|(?P<for>\sfor\s))(?:an?\s|the\s)?(?P<alt>{AA_ANY})"
            rf"(?:\s\((?:{AA3}|{AA1}|[ACGT]{{3}})\))?(?:\sresidue)?"
            rf"(?:\s(?:substitution|mutation|change|replacement|transition|variant))?"
            rf"(?:\s(?:at|in|of)\s(?:the\s)?(?:amino[\s-]acids?\s|codon\s|residue\s|position\s)*(?:position\s)?"
            rf"(?P<pos>[1-9]\d{{0,4}})|(?=,?\s(?:amino\sacid\s)?(?:substitution|change|replacement|exchange)))"
        ),
        _b_protein_name,
        gate="aa_anchor",
        leads=AA_WORD_LEADS,
        windowed=True,
    ),
    Rule(
        "protein_name_pos_first",
        re.compile(
            rf"(?<![\w-])(?P<ref>{AA_ANY})(?:\sresidue)?\s(?:at|in)\s(?:the\s)?(?:amino\sacid\s|codon\s|residue\s|"
            rf"position\s)+(?P<pos>[1-9]\d{{0,4}})\s(?:by|to|with|into)\s(?:an?\s)?(?P<alt>{AA_ANY})(?![a-z])"
        ),
        _b_protein_name,
        gate="aa_anchor",
        leads=AA_WORD_LEADS,
        windowed=True,
    ),
    Rule(
        "protein_codon_first",
        re.compile(
            rf"(?<![\w-])codon\s(?P<pos>[1-9]\d{{0,4}}),?\s(?P<ref>{AA_ANY}){TO_WORD}(?P<alt>{AA_ANY})(?![a-z])"
        ),
        _b_protein_name,
        gate="codon",
    ),
    Rule(
        "protein_slash_alts",
        re.compile(
            rf"{START}(?P<head>(?P<ref0>{AA1})(?P<pos0>[1-9]\d{{0,3}})(?P<alt0>{AA1}))(?:/{AA1})+{END}"
        ),
        lambda m: None,  # expanded in find_variants (one match per alternative)
        gate="aa1_num",
        at_hits=(0,),
        requires=("slash",),
    ),
    Rule(
        "protein_position_pair",
        re.compile(
            rf"{START}(?P<ref>{AA1})(?P<pos>[1-9]\d{{0,3}})(?=/{AA1}[1-9]\d{{0,3}}{END}|\s?/\s?{AA1}\d)"
        ),
        _b_position_only,
        gate="aa1_num",
        at_hits=(0,),
        requires=("slash",),
    ),
    Rule(
        "protein_position_pair2",
        re.compile(
            rf"(?<={AA1}[1-9]/)(?P<ref>{AA1})(?P<pos>[1-9]\d{{0,3}}){END}"
            rf"|(?<={AA1}[1-9]\d/)(?P<ref2>{AA1})(?P<pos2>[1-9]\d{{0,3}}){END}"
        ),
        lambda m: ("substitution", f"p.{m['ref'] or m['ref2']}{m['pos'] or m['pos2']}"),
        gate="aa1_num",
        at_hits=(0,),
        requires=("slash",),
    ),
    Rule(
        "protein_position_mutation",
        re.compile(
            rf"{START}(?P<ref>{AA1}|{AA3})(?P<pos>[1-9]\d{{1,4}})(?=\s(?:mutations?|mutants?|variants?|"
            rf"substitutions?)\b)"
        ),
        _b_position_only,
        gate="mutation_anchor",
        windowed=True,
    ),
    Rule(
        "codon",
        re.compile(
            rf"(?<![\w-])[Cc]odons?\s(?P<pos>[1-9]\d{{0,4}})(?!\s?[,]?\s?(?:{AA_ANY}|[ACGT]{{3}}))"
            rf"(?=\s(?:mutations?|mutants?|variants?|substitutions?|and|or)\b|[,;)])"
        ),
        _b_codon,
        requires_gene=True,
        gate="codon",
    ),
    # --- DNA natural language
    Rule(
        "dna_natural",
        re.compile(
            rf"(?<![\w-])\(?(?P<ref>{NUC_ANY})\)?(?:\s\([ACGT]\))?(?:{TO_WORD}|\s?(?:>|/)\s?)\(?(?P<alt>{NUC_ANY})\)?"
            rf"(?:\s\([ACGT]\))?(?:\s(?:point\s)?(?:substitution|transition|transversion|mutation|change|"
            rf"polymorphism))?\s(?:at|in|of)\s(?:the\s)?(?:(?:cDNA\s|nucleotide\s|position\s|base\s|nt\s|codon\s)+)?"
            rf"(?:c\.)?(?P<pos>[\-+]?\d[\d,]*\d|[\-+]?\d)(?![\w'’])"
        ),
        _b_dna_natural,
        gate="nuc_anchor",
        windowed=True,
    ),
    Rule(
        "dna_natural_edit",
        re.compile(
            rf"(?<![\w-])(?:(?P<op>deletion|insertion)\sof\s(?:an?\s)?(?P<nuc>{NUC_ANY})(?:\snucleotide)?\sat\s"
            rf"(?:the\s)?(?:nucleotide\s|position\s)*(?P<pos>[\-+]?\d+)"
            rf"|(?P<nuc2>{NUC_ANY})\s(?P<op2>deletion|insertion)\sat\s(?:the\s)?(?:nucleotide\s|position\s)*"
            rf"(?P<pos2>[\-+]?\d+)(?:\s(?:and|to)\s(?P<pos3>\d+))?)(?![\w])"
        ),
        _b_dna_natural_edit,
        gate="nuc_edit_anchor",
        windowed=True,
    ),
    # --- position-less changes ("a C>T substitution", "G/A polymorphism", "Val-->Ala")
    Rule(
        "acid_change",
        re.compile(
            rf"(?P<ref>[ACGT](?<![\w/>-][ACGT])[ACGT]?)(?P<sep>\s?-{{1,4}}>\s?|\s?>\s?|\s?→\s?|-to-|\sto\s|/)"
            rf"(?P<alt>[ACGT]{{1,2}})(?![\w/>-])"
            rf"(?=\s(?:single|substitutions?|transitions?|transversions?|mutations?|polymorphisms?|SNPs?|"
            rf"nucleotide|alleles?|change|variants?|point|dinucleotide)\b|\)|\sin\s)"
            rf"|(?<![\w/>-])(?P<ref2>[ACGT])(?P<sep2>\s?-{{1,4}}>\s?|\s?→\s?)(?P<alt2>[ACGT])(?![\w/>-])"
            rf"|(?<![/>-])(?P<aref>{AA3})\s?(?:-{{1,4}}>|→)\s?(?P<aalt>{AA3})(?![a-z])"
        ),
        lambda m: _b_acid_change(m),
        gate="nuc_anchor",
        leads=_ACID_CHANGE_LEADS,
        windowed=True,
    ),
    # --- alleles ("-308A allele", "IVS3-48C", "-3279 CC genotype", "Thr111", "histidine 158")
    Rule(
        "dna_allele",
        re.compile(
            r"(?<![\w.+\-])(?P<pos>(?:IVS\d+\s?[+\-]\s?\d+\s?|[\-+]\d+\s?|\d{2,}))(?P<nt>[ACGT]{1,2}(?:\+[ACGT]{2})?)"
            r"(?=\s(?:alleles?|genotypes?|carriers?|homozygotes?|deletion|allele-?carriers?)\b)"
            r"|(?<![\w.+\-])(?P<pos2>(?:IVS\d+[+\-]\d+|[\-+]\d{2,5}))(?P<nt2>[ACGT])(?=\s?[,;)]|\sand\s|\sor\s)"
        ),
        _b_dna_allele,
        gate="num_nuc",
        requires=("allele_shape",),
        leads=_ALLELE_LEADS,
    ),
    Rule(
        "protein_allele",
        re.compile(
            rf"(?<![\w-])(?<!des\s)(?P<ref>{AA3})-?(?P<pos>[1-9]\d{{1,4}})(?![\w\-])"
            rf"|(?<![\w-])(?P<name>{AANAME_CI})\s(?:at\s(?:amino\sacid\s|residue\s|position\s|codon\s)+)?"
            rf"(?P<pos2>[1-9]\d{{1,4}})(?![\w\-.%])(?!\s(?:mg|µ|nm|mm|patients|cases|\w*methyl|\w*acetyl|"
            rf"\w*phosphoryl|\w*ubiquitin|by\s|to\s|with\s))"
            rf"|(?<![\w-])(?P<pos3>[1-9]\d{{1,4}})\s(?P<name3>{AA3}|{AANAME_CI})(?=\sallele)"
            rf"|(?<![\w-])(?:premature\s)?(?:stop|termination)\scodon\sat\s(?:the\s)?(?:amino\sacid\s|residue\s|"
            rf"position\s|codon\s)+(?P<pos4>[1-9]\d{{1,4}})(?![\w])"
        ),
        lambda m: _b_protein_allele(m),
        gate="aa_anchor",
        leads=(*AA_WORD_LEADS, Lead("allele", tuple(range(7, 35)), r"(?<=[a-z]\sallele)", on_lower=True)),
        windowed=True,
    ),
    # --- signed promoter positions after a gene name ("TNFA-863C > A")
    Rule(
        "dna_signed_sub",
        re.compile(
            r"(?<=[A-Za-z0-9])(?P<pos>-\d{2,5})\s?(?P<ref>[ACGT])\s?(?:-{1,4}>|>|→|/)\s?(?P<alt>[ACGT])"
            r"(?![A-Za-z0-9])"
        ),
        lambda m: ("dna_change", vn.dna_substitution("c", m["pos"], m["ref"], m["alt"])),
        gate="nuc_arrow",
        leads=(Lead("-", (0,), r"(?<=[A-Za-z0-9]-)(?=\d{2,5}\s?[ACGT])"),),
    ),
    # --- sized indels ("22-bp deletion", "deletion of 37,410 bp", "dup24bp", "Delta32")
    Rule(
        "sized",
        re.compile(
            rf"(?<![\w-])(?P<size>\d[\d,.]*|{NUMWORD})[\s-]?{SIZE_UNIT}(?:\s\([A-Z]+\))?[\s-]?"
            rf"(?:(?:\([A-Z0-9]+\)|[A-Z]{{2,}}|gene|genomic|homozygous|heterozygous|in-?frame|tandem|interstitial|"
            rf"germline|somatic|nucleotide)[\s-])*{INDEL_WORD}(?![\w])"
            rf"|(?<![\w-])(?:deletion|insertion|duplication)\sof\s(?P<size2>\d[\d,.]*)\s?{SIZE_UNIT}(?![\w])"
            rf"|(?<![\w-])(?:dup|del|ins)(?P<size3>\d+)\s?bp\b"
            rf"|(?<![\w-])(?:ins/del|del/ins|in/del)\s(?P<size4>\d+)\s?{SIZE_UNIT}(?![\w])"
        ),
        _b_sized,
        gate="sized_anchor",
        windowed=True,
    ),
    Rule(
        "delta",
        re.compile(
            r"(?<![a-z])(?:[Dd]elta|Δ)(?P<size>\d{2,3})(?:-\d+)?(?![\d(])|(?<![\w-])DD\s?(?P<size2>\d{2,3})"
            r"(?:\sdeletion)?(?![\d(])"
        ),
        _b_delta,
        gate="delta",
        # "DD" may overlap itself ("DDD"), but only the first D of a run can start a match (the lookbehind), and
        # a scan finds every such first D
        leads=(Lead("elta", (1,)), Lead("Δ"), Lead("DD", regex=True)),
    ),
    # --- nucleotide strings deleted/inserted ("TGAG deletion", "the C deletion", "delTTCA")
    Rule(
        "nuc_string_edit",
        re.compile(
            r"(?:(?<![\w-])\(?(?P<seq>[ACGT]{2,12})\)?|(?:(?<=the\s)|(?<=an\s)|(?<=a\s))(?P<one>[ACGT]))"
            r"\s(?P<op>deletions?|insertions?|duplications?|deletion/insertion|insertion-deletion|"
            r"insertion/deletion)(?![\w-])"
            r"(?:\s(?:in|at)\s(?:the\s)?(?:codon|nucleotide|position)\s(?P<pos>\d+))?"
            r"|(?<![\w-])(?P<op2>del|ins|dup)(?P<seq2>[ACGT]{2,12})(?![\w])"
            r"|(?<![\w-])(?P<op3>duplication|deletion|insertion)\s\(?(?P<seq3>[ACGT]{2,12})\)?(?![\w])"
            r"|(?<![\w-])(?P<nn>(?i:adenine|guanine|cytosine|thymine|thymidine))\s(?P<op4>deletion|insertion)"
            r"(?![\w-])"
        ),
        lambda m: _b_nuc_string(m),
        gate="nuc_edit_anchor",
        windowed=True,
    ),
    # --- exon-level events
    Rule(
        "exon",
        re.compile(
            r"(?i)(?<![\w-])[Ee]xons?\s?(?P<exon>\d{1,2})(?:\s(?:in-?frame\s|activating\s|small\s)?)?[\s-]?"
            r"(?P<ev>deletions?|del\b|insertions?|ins\b|duplications?|dup\b|skipping|skip\b|"
            r"mutations?|mutants?|alterations?)"
        ),
        _b_exon,
        gate="exon",
        leads=(Lead("exon", on_lower=True),),
    ),
    Rule(
        "exon_after",
        re.compile(
            r"(?i)(?<![\w-])(?P<ev>deletions?|insertions?|duplications?|skipping|mutations?)\s(?:in|of|within)\s"
            r"(?:the\s)?[Ee]xon\s?(?P<exon>\d{1,2})(?![\d])"
        ),
        _b_exon,
        gate="exon",
        leads=_EXON_AFTER_LEADS,
    ),
    Rule(
        "exon_short",
        re.compile(
            r"(?<![\w-])(?:[Ee]x(?:on)?)?(?P<exon>19|20|21|18|14|11|9)(?P<ev>del|ins|dup|skip)(?![a-z])"
            r"|(?<![\w-])(?P<ev2>del|ins)\s?(?P<exon2>19|20)(?![\w])"
        ),
        lambda m: ("exon", vn.exon_event(m["exon"] or m["exon2"], m["ev"] or m["ev2"])),
        gate="exon_short",
        leads=_EXON_SHORT_LEADS,
    ),
    # --- fusions and rearrangements
    Rule(
        "fusion_pair",
        re.compile(
            r"(?<![\w-])(?:(?P<g1>[A-Z][A-Z0-9]{1,9})(?:\s?[-:]{1,2}\s?|\s?–\s?)(?P<g2>ALK|ROS1|RET|NTRK[123]|FGFR[123]|"
            r"BRAF|NRG1|MET|ABL1?|PDGFR[AB]|JAK2|ERG|ETV[14]|FLI1|RARA|MAML2|NUTM1|PRKACA|RAF1|EGFR|NTRK)(?![\w-])"
            r"|(?P<g3>FGFR[123]|BCR|PML|EWSR1|TMPRSS2|NPM1?)(?:\s?[-:]{1,2}\s?|\s?–\s?)(?P<g4>[A-Z][A-Z0-9]{1,9})"
            r"(?![\w-]))"
        ),
        lambda m: _fusion_pair(m),
        # no gate: the leads find its few places, and the symbol-separator-symbol shape is every match
        leads=tuple(_fusion_lead(separator) for separator in "-:–"),
    ),
    Rule(
        "fusion_word",
        re.compile(
            r"(?i)(?<![\w])(?:gene\s)?(?:rearrangements?|rearranged|fusions?(?:\sgenes?)?|translocations?|"
            r"fusion-positive|rearrangement-positive|translocated)(?![\w])"
        ),
        _b_fusion_word,
        requires_gene=True,
        gate="fusion_word",
        leads=_lower("rearrang", "fusion", "transloc", backs=(0, 5)),  # after an optional "gene "
    ),
    Rule(
        "fusion_positive",
        re.compile(
            r"(?<![\w-])(?:ALK|ROS1|RET|NTRK[123]?)[-\s](?P<span>positive)(?![\w-])"
            r"(?![^.;]{0,40}(?:mutat|neuroblastoma))"
        ),
        _b_fusion_word,
        requires_gene=True,
        gate="positive",
    ),
    Rule(
        "mutation_positive",  # "EGFR-positive NSCLC": for these genes the status is a mutation
        re.compile(r"(?:(?<=EGFR[-\s])|(?<=KRAS[-\s])|(?<=NRAS[-\s])|(?<=BRAF[-\s]))positive(?![\w-])", re.I),
        _b_generic,
        requires_gene=True,
        gate="positive",
        leads=(Lead("positive", (0,), r"(?<=(?:egfr|kras|nras|braf)[-\s]positive)", on_lower=True),),
    ),
    # --- copy number
    Rule(
        "cnv",
        re.compile(
            r"(?i)(?<![\w])(?<!non-)(?:(?:focal|high-level|low-level|gene|genomic)\s)?(?:amplifications?|amplified|"
            r"copy[\s-]number\s(?:gains?|increases?|amplifications?|loss(?:es)?)|"
            r"(?:(?:high|increased)\s)?(?:gene[\s-])?copy[\s-]numbers?|"
            r"homozygous(?:ly)?\s(?:deletions?|deleted|loss(?:es)?)|biallelic\s(?:deletions?|loss(?:es)?)|"
            r"gains?|loss(?:es)?|deletions?|deleted)(?![\w-])"
        ),
        _b_cnv,
        requires_gene=True,
        gate="cnv",
        leads=_CNV_LEADS,
        windowed=True,
    ),
    Rule(
        "expression",
        re.compile(
            r"(?<![\w-])(?:over-?expression|over-?expressed|over-?expressing|high\sexpression)(?![\w-])",
            re.IGNORECASE,
        ),
        _b_expression,
        requires_gene=True,
        gate="expression",
        leads=(
            Lead("over", (0,), r"(?=-?express)", on_lower=True),
            Lead("hig", (0,), r"(?=h\sexpression)", on_lower=True),  # "hig": no overlap with itself
        ),
    ),
    Rule(
        "wildtype",
        re.compile(r"(?<![\w-])(?:wild[\s-]?type|WT)(?![\w-])", re.IGNORECASE),
        _b_wildtype,
        requires_gene=True,
        gate="wildtype",
        leads=(Lead("wild", on_lower=True), Lead("wt", on_lower=True)),
    ),
    Rule(
        "generic",
        re.compile(
            r"(?i)(?<![\w])(?:activating\s|oncogenic\s|somatic\s|germline\s|sensitizing\s|sensitising\s|"
            r"driver\s|point\s|missense\s|hotspot\s|kinase\sdomain\s)?"
            r"(?:mutations?(?:[\s-]positive)?|mutants?|mutated|mutation-negative|alterations?|altered|"
            r"variants?)(?![\w])"
        ),
        _b_generic,
        requires_gene=True,
        gate="generic",
        leads=_GENERIC_LEADS,
        windowed=True,
    ),
)


# Fusion partners the drug targets (the kinase or the therapeutically targeted partner); data, not tuning.
FUSION_TARGETS = frozenset(
    {
        "ALK",
        "ROS1",
        "RET",
        "NTRK1",
        "NTRK2",
        "NTRK3",
        "NTRK",
        "FGFR1",
        "FGFR2",
        "FGFR3",
        "BRAF",
        "NRG1",
        "MET",
        "ABL1",
        "ABL",
        "PDGFRA",
        "PDGFRB",
        "JAK2",
        "RAF1",
        "EGFR",
        "PRKACA",
        "RARA",
        "ERG",
    }
)
_NOT_FUSION_5P = frozenset({"HER", "PD", "CD", "IL", "CAR", "MAPK", "IGF", "TKI", "TKIS", "NSCLC", "EGFR"})


def _fusion_pair(m: re.Match[str]) -> Built:
    g1 = m["g1"] or m["g3"]
    g2 = m["g2"] or m["g4"]
    if not g1 or not g2 or g1 == g2 or g1 in _NOT_FUSION_5P or g1.isdigit():
        return None
    first, second = ("g1", "g2") if m["g1"] else ("g3", "g4")
    separator = m.string[m.end(first) : m.start(second)]
    if ":" in separator and separator[-1].isspace():
        return None  # "RESULTS: EGFR", "Background: ALK": a label followed by a colon is not a fusion partner
    if m["g3"] and (g2 in _NOT_FUSION_5P or len(g2) < 2):
        return None
    return "fusion", vn.fusion(g1, g2)


def fusion_target(normalized: str) -> str:
    """The partner a fusion is attributed to: the targeted kinase when one is known, else the 3' partner."""
    parts = normalized.removeprefix("FUSION:").split("::")
    for part in reversed(parts):
        if part in FUSION_TARGETS:
            return part
    return parts[-1] if parts else ""
