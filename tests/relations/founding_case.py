"""The founding case report (../seeds, bundled as the demo) annotated by hand, offsets found with str.find.

The annotations are what the NER stage is specified to produce (Gene, Variant with its linked gene, Drug with
is_class for classes, Disease, Outcome); they let relation extraction be tested on its own.
"""

from __future__ import annotations

from neurolit.records import AnnotatedDocument, Article, Mention

PMID = "34210658"
TITLE = (
    "Exceptional response to the ALK and ROS1 inhibitor lorlatinib and subsequent mechanism of resistance in "
    "relapsed ALK F1174L-mutated neuroblastoma"
)
ABSTRACT = (
    "Treatment of high-risk neuroblastoma typically incorporates multiagent chemotherapy, surgery, "
    "radiation therapy, autologous stem cell transplantation, immunotherapy, and differentiation "
    "therapy. The discovery of activating mutations in ALK receptor tyrosine kinase (ALK) in ∼8% of "
    "neuroblastomas opens the possibility of further improving outcomes for this subset of patients with "
    "the addition of ALK inhibitors. ALK inhibitors have shown efficacy in tumors such as non-small-cell "
    "lung cancer and anaplastic large cell lymphoma in which wild-type ALK overexpression is driven by "
    "translocation events. In contrast, ALK mutations driving neuroblastomas are missense mutations in "
    "the tyrosine kinase domain yielding constitutive activation and differing sensitivity to available "
    "ALK inhibitors. We describe a case of a patient with relapsed, refractory, metastatic ALK "
    "F1174L-mutated neuroblastoma who showed no response to the first-generation ALK inhibitor "
    "crizotinib but had a subsequent complete response to the ALK/ROS1 inhibitor lorlatinib. The "
    "patient’s disease relapsed after 13 mo of treatment. Sequencing of cell-free DNA at the time of "
    "relapse pointed toward a potential mechanism of acquired lorlatinib resistance: amplification of "
    "CDK4 and FGFR1 and a NRAS Q61K mutation. We review the literature regarding differing sensitivity "
    "of ALK mutations found in neuroblastoma to current FDA-approved ALK inhibitors and known pathways "
    "of acquired resistance. Our report adds to the literature of important correlations between "
    "neuroblastoma ALK mutation status and clinical responsiveness to ALK inhibitors. It also highlights "
    "the importance of understanding acquired mechanisms of resistance."
)
GENE_IDS = {"ALK": "238", "ROS1": "6098", "CDK4": "1019", "FGFR1": "2260", "NRAS": "4893"}


def _all(text: str, needle: str) -> list[int]:
    found, start = [], text.find(needle)
    while start >= 0:
        found.append(start)
        start = text.find(needle, start + 1)
    return found


def founding_article() -> Article:
    return Article(
        pmid=PMID,
        title=TITLE,
        abstract=ABSTRACT,
        year=2021,
        journal="Cold Spring Harbor Molecular Case Studies",
    )


def founding_document() -> AnnotatedDocument:
    article = founding_article()
    text = article.text
    mentions: list[Mention] = []
    for symbol in GENE_IDS:
        for start in _all(text, symbol):
            end = start + len(symbol)
            if text[end : end + 1].isalnum() or (start and text[start - 1].isalnum()):
                continue
            mentions.append(Mention(start, end, symbol, "Gene", norm_id=GENE_IDS[symbol], norm_name=symbol))
    for start in _all(text, "F1174L"):
        mentions.append(
            Mention(
                start,
                start + 6,
                "F1174L",
                "Variant",
                norm_id="p.F1174L",
                variant_type="substitution",
                gene="ALK",
                gene_id="238",
            )
        )
    start = text.find("Q61K")
    mentions.append(
        Mention(
            start,
            start + 4,
            "Q61K",
            "Variant",
            norm_id="p.Q61K",
            variant_type="substitution",
            gene="NRAS",
            gene_id="4893",
        )
    )
    start = text.find("amplification of CDK4")
    mentions.append(
        Mention(
            start,
            start + len("amplification"),
            "amplification",
            "Variant",
            norm_id="CNV:amplification",
            variant_type="cnv",
            gene="CDK4",
            gene_id="1019",
        )
    )
    for name, drug_id in (("crizotinib", "NCIt:C74061"), ("lorlatinib", "NCIt:C101790")):
        for start in _all(text, name):
            mentions.append(Mention(start, start + len(name), name, "Drug", norm_id=drug_id, norm_name=name))
    for phrase in ("ALK inhibitors", "ALK inhibitor", "ALK/ROS1 inhibitor", "ALK and ROS1 inhibitor"):
        for start in _all(text, phrase):
            end = start + len(phrase)
            if any(m.label == "Drug" and m.start <= start < m.end for m in mentions):
                continue
            mentions.append(Mention(start, end, phrase, "Drug", is_class=True))
    for start in _all(text, "neuroblastoma"):
        mentions.append(
            Mention(
                start, start + 13, "neuroblastoma", "Disease", norm_id="DOID:769", norm_name="neuroblastoma"
            )
        )
    return AnnotatedDocument(article, tuple(sorted(mentions, key=lambda m: (m.start, m.end))))
