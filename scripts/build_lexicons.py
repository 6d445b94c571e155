"""Compile ../shared/data/lexicons (and training-split annotations) into the NER tables under neurolit/resources.

    python scripts/build_lexicons.py [--data ../shared/data] [--out neurolit/resources]

Writes ner_lexicon_gene.tsv.gz, ner_lexicon_drug.tsv.gz, ner_lexicon_disease.tsv.gz and ner_stoplist.tsv.
Sources (see neurolit/resources/NOTICE): HGNC, FamPlex, pharmOncoX (NCIt/ChEMBL), DrugBank open vocabulary,
drug-ner-dictionary (DrugBank/MeSH), Disease Ontology, MONDO, OncoTree; surface forms and identifiers of
annotated names from the *training* splits of BioRED, BC5CDR (train+dev), NCBI-disease (train+dev), NLM-Gene
and GNormPlus. The stoplist merges the curated list (neurolit/resources/ner_stoplist_curated.tsv) with keys the
dictionary tags in those training texts but annotators mostly did not (learned precision filter).
The output is deterministic: rows are sorted and gzip timestamps are zero.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from neurolit.formats.pubtator import PubTatorAnnotation, read_pubtator  # noqa: E402
from neurolit.ner.lexicon import Lexicon, LexiconEntry, merge_entries  # noqa: E402
from neurolit.ner.text import compact_key, normalize_key  # noqa: E402

Row = tuple[str, str, str, str, str, str, int]  # key, form, norm_id, norm_name, hgnc_id, flags, rank

MAX_NAME_CHARS = 60
MAX_NAME_TOKENS = 8
LEARN_MIN_COUNT = 3
LEARN_MAX_PRECISION = 0.3
CORPUS_MIN_PRECISION = 0.5

GENE_TYPES = {"GeneOrGeneProduct", "Gene"}
# NLM-Gene and GNormPlus annotate gene families ("Notch", "Wnt", "PI3K") as FamilyName, with gene IDs;
# `neurolit eval ner` scores them as genes, so names and the learned stoplist count them too.
GENE_FAMILY_TYPES = GENE_TYPES | {"FamilyName"}
DRUG_TYPES = {"ChemicalEntity", "Chemical"}
DISEASE_TYPES = {
    "DiseaseOrPhenotypicFeature",
    "Disease",
    "SpecificDisease",
    "DiseaseClass",
    "Modifier",
    "CompositeMention",
}

# (corpus file, label, gold types) — training splits only; dev/test files are kept for evaluation.
TRAIN_CORPORA = [
    ("corpora/biored/Train.PubTator", "Gene", GENE_TYPES),
    ("corpora/biored/Train.PubTator", "Drug", DRUG_TYPES),
    ("corpora/biored/Train.PubTator", "Disease", DISEASE_TYPES),
    ("corpora/nlm-gene/NLMgene_Train.PubTator", "Gene", GENE_FAMILY_TYPES),
    ("corpora/gnormplus/GNormPlus_Train.PubTator", "Gene", GENE_FAMILY_TYPES),
    ("corpora/bc5cdr/CDR_TrainingSet.PubTator", "Drug", DRUG_TYPES),
    ("corpora/bc5cdr/CDR_DevelopmentSet.PubTator", "Drug", DRUG_TYPES),
    ("corpora/bc5cdr/CDR_TrainingSet.PubTator", "Disease", DISEASE_TYPES),
    ("corpora/bc5cdr/CDR_DevelopmentSet.PubTator", "Disease", DISEASE_TYPES),
    ("corpora/ncbi-disease/NCBIdisease_TrainDev.PubTator", "Disease", DISEASE_TYPES),
]


def _annotated(ann: PubTatorAnnotation, types: set[str]) -> bool:
    """Whether a gold annotation counts for a label: its type is one of `types`, and a FamilyName is a named
    family ("Notch", "Wnt", "PKC", "NF-kappaB"), not a generic class noun ("cytokines", "transcription factors",
    "kinases") that the other gene corpora (BioRED, tmVar3) do not annotate."""
    if ann.type not in types:
        return False
    return ann.type != "FamilyName" or _NAMED_FAMILY_RE.search(ann.text) is not None


_NAMED_FAMILY_RE = re.compile(r"[A-Z0-9]")
_SYMBOL_NUMBER_RE = re.compile(r"^([A-Za-z]{2,})(\d{1,3}[A-Za-z]?)$")
_CODE_RE = re.compile(r"^[A-Za-z]{1,6}[- ]?\d{2,}[A-Za-z]?$")
_JUNK_RE = re.compile(r"[\[\]{};=]|\bCAS\b|\d{4,}-\d|^\W|\(.*\)$")


def _ok_name(name: str) -> bool:
    name = name.strip()
    if len(name) < 3 or len(name) > MAX_NAME_CHARS or _JUNK_RE.search(name):
        return False
    return len(normalize_key(name).split(" ")) <= MAX_NAME_TOKENS


def _split(value: str, sep: str = ",") -> list[str]:
    return [v.strip().strip('"') for v in value.split(sep) if v.strip()]


def _rows_for(
    name: str,
    norm_id: str,
    norm_name: str,
    *,
    hgnc_id: str = "",
    flags: str = "",
    rank: int = 0,
    code_variants: bool = False,
) -> Iterator[Row]:
    key = normalize_key(name)
    if not key or not any(ch.isalpha() for ch in name):
        return  # "6.3", "14.1": number-only aliases are never names in running text
    form = name if "c" in flags else ""
    yield key, form, norm_id, norm_name, hgnc_id, flags, rank
    if "c" in flags:
        # "IGFBP-1", "IL 17", "FGFR-4" for IGFBP1, IL17, FGFR4: letters and trailing number written apart
        split = _SYMBOL_NUMBER_RE.match(name)
        if split is not None:
            spaced = normalize_key(f"{split.group(1)} {split.group(2)}")
            if spaced != key:
                yield spaced, form, norm_id, norm_name, hgnc_id, flags, rank
    if code_variants and _CODE_RE.match(name):
        compact = compact_key(name)
        if compact != key:
            yield compact, form, norm_id, norm_name, hgnc_id, flags, rank


# ---------------------------------------------------------------------------------------------- genes
def gene_rows(data: Path) -> list[Row]:
    rows: list[Row] = []
    with gzip.open(data / "lexicons/hgnc/hgnc_entries.tsv.gz", "rt", encoding="utf-8") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        records = [r for r in reader if r["Status"] == "Approved" and r["NCBI Gene ID(supplied by NCBI)"]]
    records.sort(
        key=lambda r: (
            r["Locus type"] != "gene with protein product",
            int(r["NCBI Gene ID(supplied by NCBI)"]),
        )
    )
    for r in records:
        coding = r["Locus type"] == "gene with protein product"
        gid, hid, sym = r["NCBI Gene ID(supplied by NCBI)"], r["HGNC ID"], r["Approved symbol"]
        rows.extend(_rows_for(sym, gid, sym, hgnc_id=hid, flags="c", rank=10 if coding else 12))
        if not coding:
            continue
        for prev in _split(r["Previous symbols"]):
            if len(prev) >= 3:
                rows.extend(_rows_for(prev, gid, sym, hgnc_id=hid, flags="c", rank=30))
        for alias in _split(r["Alias symbols"]):
            if len(alias) >= 3 and len(alias) <= 20:
                rows.extend(_rows_for(alias, gid, sym, hgnc_id=hid, flags="c", rank=35))
        name = r["Approved name"]
        if _ok_name(name):
            rows.extend(_rows_for(name, gid, sym, hgnc_id=hid, rank=19))
        for form in oncogene_forms(sym, name):
            rows.extend(_rows_for(form, gid, sym, hgnc_id=hid, flags="c", rank=36))
    with open(data / "lexicons/famplex/famplex_groundings.tsv", encoding="utf-8") as fh:
        for text, ident, ns, _kind in csv.reader(fh, delimiter="\t"):
            if ns != "fplx" or not _ok_name(text) or "inhibitor" in text.lower():
                continue
            short = len(text) <= 8 and " " not in text
            rows.extend(_rows_for(text, f"FPLX:{ident}", ident, flags="cf" if short else "f", rank=33))
    return rows


_PROTO_ONCOGENE_RE = re.compile(r"^(?P<word>\S+) proto-oncogene(?: (?P<n>\d+))?(?:,|$)")


def oncogene_forms(symbol: str, name: str) -> list[str]:
    """Spellings of a cellular proto-oncogene that HGNC does not list: "c-Met", "c-Kit", "c-ros", "K-Ras", "B-Raf".

    Derived from the approved name ("MET proto-oncogene, ...", "B-Raf proto-oncogene, ...", "ROS proto-oncogene 1"):
    the cellular prefix "c-" before the symbol and the oncogene word, the hyphenated oncogene word itself, and for
    four-letter symbols the first letter hyphenated (K-Ras, N-Ras, H-Ras). Mixed-case forms so that any case of
    the text is accepted (see neurolit.ner.lexicon.case_compatible).
    """
    m = _PROTO_ONCOGENE_RE.match(name)
    if m is None or (m["n"] is not None and m["n"] != "1"):
        return []
    word = m["word"]
    forms = {f"c-{symbol}", f"c-{word.upper()}"}
    if "-" in word:
        forms.add(word)
    if len(symbol) == 4 and symbol.isalpha() and symbol.isupper():
        forms.add(f"{symbol[0]}-{symbol[1:].capitalize()}")
    return sorted(forms)


# ---------------------------------------------------------------------------------------------- drugs
# MeSH tree prefixes of concepts the drug dictionary lists that are not drugs (enzymes, proteins, anatomy,
# organisms, processes; nucleic acids and their classes: "MicroRNAs", "DNA, Complementary", "RNA, Small
# Interfering", nucleic acid probes, which no training corpus annotates as a chemical; multiprotein complexes
# and glycoproteins: "Proteasome Endopeptidase Complex", "Electron Transport Complex III", "Platelet
# Glycoprotein GPIb-IX Complex") unless DrugBank lists them.
NON_DRUG_MESH_TREES = (
    *("D08", "D12", "D23", "D24", "A", "B", "G", "C"),
    *("D13.444", "D13.150", "D27.720.470.530.600", "D27.505.259.750.600"),
    *("D05.500", "D09.400.430"),
)
ID_ORDER = ("MeSH:", "DrugBank:", "NCIt:", "CHEMBL")


def _best_id(ids: Iterable[str]) -> str:
    ranked = sorted(
        set(ids), key=lambda i: (next((n for n, p in enumerate(ID_ORDER) if i.startswith(p)), 9), i)
    )
    return ranked[0] if ranked else ""


def drug_rows(data: Path) -> list[Row]:
    lex = data / "lexicons"
    concepts: dict[str, dict[str, object]] = {}  # canonical key -> {"name": str, "ids": set}

    def concept(name: str, *ids: str) -> str:
        ckey = normalize_key(name)
        slot = concepts.setdefault(ckey, {"name": name, "ids": set()})
        ids_set = slot["ids"]
        assert isinstance(ids_set, set)
        ids_set.update(i for i in ids if i and not i.endswith(":"))
        return ckey

    surfaces: list[tuple[str, str, int]] = []  # surface, canonical key, rank
    with open(lex / "pharmoncox/oncopharmadb_drugs_2022-05.tsv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            name = r["nci_concept_display_name"]
            ckey = concept(name, f"NCIt:{r['nci_t']}", r["molecule_chembl_id"])
            surfaces.append((name, ckey, 20))
            surfaces.extend((s, ckey, 21) for s in _split(r["nci_concept_synonym_all"], "|"))
    with open(lex / "drugbank-open-vocabulary/drugbank_vocabulary.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            name = r["Common name"]
            ckey = concept(name, f"DrugBank:{r['DrugBank ID']}")
            surfaces.append((name, ckey, 20))
            surfaces.extend((s, ckey, 22) for s in _split(r["Synonyms"], " | "))
    canonical: dict[str, str] = {}  # drug-ner canonical (lower case) -> concept key
    with open(lex / "drug-ner-dictionary/drug_canonical_2.0.9.tsv", encoding="utf-8") as fh:
        drug_ner = list(csv.DictReader(fh, delimiter="\t"))
    # A MeSH ID the dictionary gives to several DrugBank drugs is a pharmacological class ("Protein Kinase
    # Inhibitors" for crizotinib and gefitinib), not the drug's own descriptor: those drugs keep their DrugBank ID.
    mesh_drugs: dict[str, set[str]] = defaultdict(set)
    for r in drug_ner:
        if r["mesh_id"] and r["drugbank_id"]:
            mesh_drugs[r["mesh_id"]].add(r["drugbank_id"])
    shared_mesh = {mesh for mesh, drugs in mesh_drugs.items() if len(drugs) > 1}
    print(f"Drug: {len(shared_mesh)} MeSH IDs shared by several DrugBank drugs not used as drug IDs")
    for r in drug_ner:
        trees = [t for t in r["mesh_tree"].split("|") if t]
        if not r["drugbank_id"] and trees and all(t.startswith(NON_DRUG_MESH_TREES) for t in trees):
            continue  # enzymes, proteins, cells: MeSH concepts that are not drugs
        mesh = r["mesh_id"] if r["mesh_id"] not in shared_mesh else ""
        ids = [
            f"DrugBank:{r['drugbank_id']}" if r["drugbank_id"] else "",
            f"MeSH:{mesh}" if mesh else "",
        ]
        canonical[r["canonical_lc"]] = concept(r["name"], *ids)
    with open(lex / "drug-ner-dictionary/drug_variants_2.0.9.tsv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            found = canonical.get(r["canonical_lc"])
            if found:
                surfaces.append((r["variant_lc"], found, 23))
    with gzip.open(lex / "pharmoncox/compound_synonyms_2022-06.tsv.gz", "rt", encoding="utf-8") as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            if not r["nci_t"]:
                continue
            ckey = concept(r["nci_concept_display_name"], f"NCIt:{r['nci_t']}", r["molecule_chembl_id"])
            surfaces.append((r["alias"], ckey, 45))
    rows: list[Row] = []
    for surface, ckey, rank in surfaces:
        if not _ok_name(surface) or not _ok_drug_synonym(surface, rank):
            continue
        slot = concepts[ckey]
        concept_ids = slot["ids"]
        assert isinstance(concept_ids, set)
        rows.extend(
            _rows_for(surface, _best_id(concept_ids), str(slot["name"]), rank=rank, code_variants=True)
        )
    return rows


_ENZYME_WORD_RE = re.compile(
    r"\s\S*(?:kinase|phosphatase|transferase|transaminase|synthase|dehydrogenase)s?$", re.I
)
_EFFECT_WORD_RE = re.compile(r"\s(?:effects?|actions?|propert(?:y|ies))$", re.I)
_CYTOBAND_RE = re.compile(r"^[pq][- ]?\d{1,2}(?:\.\d+)?$", re.IGNORECASE)
PREFERRED_DRUG_RANK = 20  # NCIt display names and DrugBank common names; synonyms rank higher


def _ok_drug_synonym(surface: str, rank: int) -> bool:
    """Drop drug synonyms shaped like other things: short letter-only abbreviations that are not the drug's
    preferred name ("SCC" for sodium copper chlorophyllin, "CoM", "Clin"; an abbreviation defined in the text is
    still resolved by the abbreviation step, and training annotations add back those annotators tag as
    chemicals), enzymes named after a substrate and chromosome bands ("p23")."""
    letters = surface.replace("-", "")
    if rank > PREFERRED_DRUG_RANK and letters.isalpha() and len(letters) <= 4:
        return False
    if " " in surface.strip() and _ENZYME_WORD_RE.search(surface.strip()):
        return False  # "alanine aminotransferase", "tyrosine kinase": an enzyme named after its substrate
    if _EFFECT_WORD_RE.search(surface.strip()):
        return False  # "neuroprotective effects", "anxiolytic effect": an action, not a substance
    return not _CYTOBAND_RE.match(surface)


# ---------------------------------------------------------------------------------------------- diseases
def disease_rows(data: Path) -> list[Row]:
    lex = data / "lexicons"
    rows: list[Row] = []
    with gzip.open(lex / "doid-mondo/doid.json.gz", "rt", encoding="utf-8") as fh:
        doid = json.load(fh)
    for term in doid:
        if term.get("is_obsolete") or not term.get("name") or term["name"].startswith("obsolete"):
            continue
        names = [term["name"], *term.get("synonyms", [])]
        for n, name in enumerate(names):
            if _ok_name(name):
                rows.extend(_rows_for(name, term["id"], term["name"], rank=25 if n == 0 else 26))
    with gzip.open(lex / "doid-mondo/mondo.json.gz", "rt", encoding="utf-8") as fh:
        mondo = json.load(fh)
    for term in mondo:
        if not term.get("name") or term["name"].startswith("obsolete"):
            continue
        xrefs = {x["namespace"]: x["id"] for x in term.get("xrefs", [])}
        if "DOID" in xrefs:
            ident = xrefs["DOID"] if xrefs["DOID"].startswith("DOID:") else f"DOID:{xrefs['DOID']}"
        elif "MESH" in xrefs:
            ident = f"MeSH:{xrefs['MESH']}"
        else:
            ident = f"MONDO:{term['id']}"
        for name in [term["name"], *term.get("synonyms", [])]:
            if _ok_name(name):
                rows.extend(_rows_for(name, ident, term["name"], rank=27))
    with open(lex / "oncotree/oncotree_2025_10_03.tsv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            if r["code"] == "TISSUE":
                continue
            if _ok_name(r["name"]):
                rows.extend(_rows_for(r["name"], f"OncoTree:{r['code']}", r["name"], rank=26))
            if len(r["code"]) >= 3 and r["code"].isupper() and r["code"].isalpha():
                rows.extend(_rows_for(r["code"], f"OncoTree:{r['code']}", r["name"], flags="c", rank=60))
    return rows


# ---------------------------------------------------------------------------------------------- corpora
def _gold_id(label: str, identifier: str) -> str:
    first = re.split(r"[,;|]", identifier)[0].strip()
    if not first or first == "-":
        return ""
    if label == "Gene":
        return first if first.isdigit() else ""
    if re.match(r"^[CD]\d+$", first):
        return f"MeSH:{first}"
    return first if ":" in first else ""


def corpus_rows(data: Path, existing: dict[str, set[str]], gene_rows_: list[Row]) -> dict[str, list[Row]]:
    """Annotated surface forms from training splits that the lexicons do not already hold (per label)."""
    seen: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    forms: dict[tuple[str, str], str] = {}
    for rel, label, types in TRAIN_CORPORA:
        path = data / rel
        if not path.exists():
            continue
        for doc in read_pubtator(path):
            for ann in doc.annotations:
                if not _annotated(ann, types):
                    continue
                gid = _gold_id(label, ann.identifier)
                key = normalize_key(ann.text)
                if not gid or not key or key in existing[label] or not _ok_name(ann.text):
                    continue
                if label == "Drug" and _ENZYME_WORD_RE.search(ann.text.strip()):
                    continue  # "alanine aminotransferase": an enzyme, whatever a corpus labelled it
                seen[(label, key)][gid] += 1
                forms.setdefault((label, key), ann.text)
    human = human_genes(gene_rows_)
    rows: dict[str, list[Row]] = defaultdict(list)
    for (label, key), ids in seen.items():
        form = forms[(label, key)]
        short = label == "Gene" and len(form) <= 6
        norm, name, hgnc_id = ids.most_common(1)[0][0], form, ""
        if label == "Gene":
            # non-human genes keep their gold ID: dropping them costs 0.02 gene F1 on BioRED dev and NLM-Gene test
            norm, name, hgnc_id = human_gene(form, norm, human) or (norm, form, "")
        rows[label].append((key, form if short else "", norm, name, hgnc_id, "cp" if short else "p", 50))
    return rows


HumanGenes = tuple[dict[str, tuple[str, str]], dict[str, str]]


def human_genes(gene_rows_: list[Row]) -> HumanGenes:
    """NCBI Gene ID → (symbol, HGNC ID), and the compact upper-case approved symbol → NCBI Gene ID."""
    by_id: dict[str, tuple[str, str]] = {}
    by_symbol: dict[str, str] = {}
    for _key, _form, norm_id, norm_name, hgnc_id, _flags, rank in gene_rows_:
        if hgnc_id and rank <= 12:
            by_id.setdefault(norm_id, (norm_name, hgnc_id))
            by_symbol.setdefault(compact_key(norm_name).upper(), norm_id)
    return by_id, by_symbol


def human_gene(form: str, gold_id: str, human: HumanGenes) -> tuple[str, str, str] | None:
    """The human gene (NCBI ID, symbol, HGNC ID) an annotated gene name stands for in neurolit.

    A human gold ID gives its approved symbol ("K-ras" → KRAS, not the surface "K-ras"). A non-human gold ID (mouse
    "c-Met", rat "Kras") whose spelling, without a cellular/viral "c-"/"v-" prefix, is a human approved symbol in
    any case is the human ortholog: neurolit normalizes to human genes.
    """
    by_id, by_symbol = human
    if gold_id in by_id:
        symbol, hgnc_id = by_id[gold_id]
        return gold_id, symbol, hgnc_id
    compact = compact_key(form).upper()
    for candidate in (compact, compact[1:] if compact[:1] in ("C", "V") and len(compact) > 3 else ""):
        found = by_symbol.get(candidate) if candidate else None
        if found is not None:
            symbol, hgnc_id = by_id[found]
            return found, symbol, hgnc_id
    return None


def gene_preference_rows(data: Path, gene_rows_: list[Row]) -> list[Row]:
    """Ambiguous gene names resolved as training annotators resolved them ("p62" → SQSTM1).

    For a name the HGNC tables already hold, when training annotations give it one human gene (>= 2 votes,
    >= 60%) other than the one the lexicon ranks first, a row for that gene is added ahead of the others.
    """
    by_id: dict[str, tuple[str, str]] = {}
    best: dict[str, tuple[int, str]] = {}
    forms: dict[str, str] = {}
    for key, form, norm_id, norm_name, hgnc_id, _flags, rank in gene_rows_:
        if norm_id.isdigit() and hgnc_id:
            by_id.setdefault(norm_id, (norm_name, hgnc_id))
        if key not in best or rank < best[key][0]:
            best[key] = (rank, norm_id)
            forms[key] = form
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for rel, label, _types in TRAIN_CORPORA:
        if label != "Gene" or not (data / rel).exists():
            continue
        for doc in read_pubtator(data / rel):
            for ann in doc.annotations:
                if ann.type in GENE_TYPES:  # a family's IDs (FamilyName) do not choose a gene's
                    gid = _gold_id("Gene", ann.identifier)
                    if gid in by_id:
                        votes[normalize_key(ann.text)][gid] += 1
    rows: list[Row] = []
    for key, counter in votes.items():
        if key not in best:
            continue
        gid, top = counter.most_common(1)[0]
        if top >= 2 and top / sum(counter.values()) >= 0.6 and gid != best[key][1]:
            symbol, hgnc_id = by_id[gid]
            rows.append((key, forms[key], gid, symbol, hgnc_id, "c" if forms[key] else "", 5))
    return rows


def _resolve_label_conflicts(data: Path, rows: dict[str, list[Row]]) -> None:
    """A name in several labels' tables keeps only the label training annotators gave it (>= 80% of >= 2)."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for rel in sorted({rel for rel, _, _ in TRAIN_CORPORA}):
        if not (data / rel).exists():
            continue
        jobs = [(label, types) for r, label, types in TRAIN_CORPORA if r == rel]
        for doc in read_pubtator(data / rel):
            for ann in doc.annotations:
                for label, types in jobs:
                    if _annotated(ann, types):
                        votes[normalize_key(ann.text)][label] += 1
    keys = {label: {r[0] for r in label_rows} for label, label_rows in rows.items()}
    drop: dict[str, set[str]] = defaultdict(set)
    for key, counter in votes.items():
        total = sum(counter.values())
        label, top = counter.most_common(1)[0]
        if total < 2 or top / total < 0.8:
            continue
        for other in rows:
            if other != label and key in keys[other] and key in keys[label]:
                drop[other].add(key)
    for label, dropped in drop.items():
        rows[label] = [r for r in rows[label] if r[0] not in dropped]
        print(f"{label}: {len(dropped)} names dropped in favour of the label training corpora give them")


def _entries(rows: Iterable[Row], label: str) -> dict[str, list[LexiconEntry]]:
    table: dict[str, list[LexiconEntry]] = {}
    for key, form, norm_id, norm_name, hgnc_id, flags, rank in rows:
        table.setdefault(key, []).append(LexiconEntry(label, norm_id, norm_name, form, hgnc_id, flags, rank))
    return table


def learn_stoplist(
    data: Path, tables: dict[str, dict[str, list[LexiconEntry]]], curated: list[tuple[str, str]]
) -> list[tuple[str, str, str]]:
    """(label, key, reason) for keys tagged often in training texts but rarely annotated there."""
    hits: Counter[tuple[str, str]] = Counter()
    correct: Counter[tuple[str, str]] = Counter()
    by_file: dict[str, list[tuple[str, set[str]]]] = defaultdict(list)
    for rel, label, types in TRAIN_CORPORA:
        by_file[rel].append((label, types))
    for rel, jobs in by_file.items():
        path = data / rel
        if not path.exists():
            continue
        labels = [label for label, _ in jobs]
        lexicon = Lexicon(merge_entries(*(tables[label] for label in labels)), curated)
        for doc in read_pubtator(path):
            text = doc.text
            gold: dict[str, set[tuple[int, int]]] = defaultdict(set)
            for ann in doc.annotations:
                for label, types in jobs:
                    if _annotated(ann, types):
                        gold[label].add((ann.start, ann.end))
            for m in lexicon.match(text):
                pair = (m.entry.label, m.key)
                hits[pair] += 1
                if (m.start, m.end) in gold[m.entry.label]:
                    correct[pair] += 1
    learned = []
    for pair, count in hits.items():
        precision = correct[pair] / count
        if count >= LEARN_MIN_COUNT and precision < LEARN_MAX_PRECISION:
            learned.append((pair[0], pair[1], f"learned {correct[pair]}/{count}"))
    return sorted(learned)


def _write_gz_tsv(path: Path, header: list[str], rows: Iterable[Iterable[object]]) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE, escapechar="\\")
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
        gz.write(buf.getvalue().encode("utf-8"))


def _clean(rows: list[Row]) -> list[Row]:
    out: dict[tuple[str, str, str, str], Row] = {}
    for row in rows:
        if "\t" in "".join(map(str, row)) or "\n" in "".join(map(str, row)) or "\\" in row[0]:
            continue
        ident = (row[0], row[1], row[2], row[5])
        if ident not in out or row[6] < out[ident][6]:
            out[ident] = row
    return sorted(out.values(), key=lambda r: (r[0], r[6], r[1], r[2]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "neurolit" / "resources")
    args = parser.parse_args(argv)
    data: Path = args.data
    if not (data / "lexicons").is_dir():
        parser.error(f"{data}/lexicons not found; pass --data pointing at the shared data folder")
    # Rows are sorted by rank before dedupe so gene ties keep protein-coding / lower-ID order.
    rows = {"Gene": gene_rows(data), "Drug": drug_rows(data), "Disease": disease_rows(data)}
    existing = {label: {r[0] for r in label_rows} for label, label_rows in rows.items()}
    for label, extra in corpus_rows(data, existing, rows["Gene"]).items():
        rows[label].extend(extra)
    preferred = gene_preference_rows(data, rows["Gene"])
    rows["Gene"].extend(preferred)
    print(f"Gene: {len(preferred)} ambiguous names resolved as training annotations resolve them")
    _resolve_label_conflicts(data, rows)
    symbols = {r[0] for r in rows["Gene"] if r[6] <= 12}
    for label in ("Disease", "Drug"):
        before = len(rows[label])
        rows[label] = [r for r in rows[label] if not (r[0] in symbols and " " not in r[0] and len(r[0]) <= 6)]
        print(f"{label}: {before - len(rows[label])} short names that are approved gene symbols dropped")
    curated_path = args.out / "ner_stoplist_curated.tsv"
    curated = []
    with open(curated_path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip() and not line.startswith("#"):
                label, name = line.rstrip("\n").split("\t")[:2]
                curated.append((label, normalize_key(name)))
    final: dict[str, dict[str, list[LexiconEntry]]] = {}
    for label, label_rows in rows.items():
        cleaned = _clean(label_rows)
        final[label] = _entries(cleaned, label)
        _write_gz_tsv(
            args.out / f"ner_lexicon_{label.lower()}.tsv.gz",
            ["key", "form", "norm_id", "norm_name", "hgnc_id", "flags", "rank"],
            cleaned,
        )
        print(f"{label}: {len(cleaned):,} names, {len(final[label]):,} keys")
    learned = learn_stoplist(data, final, curated)
    with open(args.out / "ner_stoplist.tsv", "w", encoding="utf-8") as fh:
        fh.write("label\tkey\treason\n")
        for label, key in sorted(set(curated)):
            fh.write(f"{label}\t{key}\tcurated\n")
        for label, key, reason in learned:
            if (label, key) not in set(curated):
                fh.write(f"{label}\t{key}\t{reason}\n")
    print(f"stoplist: {len(set(curated))} curated + {len(learned)} learned")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
