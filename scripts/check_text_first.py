"""Check that the rules NER run text first gives exactly what the same pipeline gives through spaCy.

    python scripts/check_text_first.py [--shared ../shared/data] [--mutations 5000] [--seed 0]

1. Every text of every PubTator corpus under <shared>/corpora, as written, with doubled spaces and new lines, and
   with no-break spaces put in: the Mentions and sentences of `NerAnnotator` (text first) and of
   `NerAnnotator(nlp, text_first=False)` (nlp.pipe) compared.
2. Mutated abstracts (BC5CDR and BioRED train, words that reach the context rules inserted next to chemicals):
   compared the same way, and `ContextComponent.needs_tokens` checked directly — where it says no token rule can
   apply, the token rules run on the real Doc must drop nothing and add no gene.
Prints the counts and exits 1 on any difference. Takes a few minutes; not part of the test suite (which runs the
same comparisons on generated text and a sample of abstracts, tests/ner/test_rules.py).
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from pathlib import Path

from neurolit.formats.pubtator import read_pubtator
from neurolit.ner.annotate import NerAnnotator
from neurolit.ner.context import ContextComponent
from neurolit.ner.pipeline import rules_stages
from neurolit.ner.rules import RulesDoc
from neurolit.records import Article

ROOT = Path(__file__).resolve().parent.parent
# Inserted next to chemicals: protein heads, link words and subtypes, effect and deficiency words, residue words,
# amino acids, abbreviation definitions, ions, odd white space and punctuation.
INSERTS = (
    " receptor", " receptors ", "-receptor", " channel", " co-transporter", " transporter-1", " D2 ", " (NMDA) ",
    " type ", " subtype ", " effect", " effects", " activity", " deficiency", "ic", "ive", " by ", " to ", " a ",
    " codon", " position ", " instead", " glycine ", " tyrosine ", " Tyr ", " (HG)", " (DOX)", "(", ")", "-", "/",
    ",", ".", ":", " :p ", "'s", "  ", "\n", "\u00a0", "\u2009", " sodium ", " calcium ", " Ca(2+) ", " Na+ ",
    " zinc finger", " anxiolytic", " L-type ", " 5-HT", "ROS", " and ", " the ", "effective", "interaction",
)  # fmt: skip


def corpus_texts(corpora: Path) -> Iterator[str]:
    for path in sorted(corpora.rglob("*")):
        if path.suffix.lower() != ".pubtator":
            continue
        for doc in read_pubtator(path):
            text = doc.to_article().text
            yield text
            yield text.replace(" ", "  ", 3).replace(". ", ".\n", 2)
            yield text.replace(" ", "\u00a0", 5)


def mutated(texts: list[str], annotator: NerAnnotator, count: int, seed: int) -> Iterator[str]:
    rnd = random.Random(seed)
    for _ in range(count):
        text = rnd.choice(texts)
        chemicals = [m for m in annotator.annotate_text(text) if m.label == "Drug"]
        for _ in range(rnd.randint(1, 6)):
            if chemicals and rnd.random() < 0.8:
                m = rnd.choice(chemicals)
                at = min(len(text), rnd.choice([m.start, m.end, m.end + rnd.randint(0, 20)]))
            else:
                at = rnd.randrange(len(text) + 1)
            text = text[:at] + rnd.choice(INSERTS) + text[at:]
        yield text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--mutations", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    text_first = NerAnnotator.load(use_model=False)
    through_spacy = NerAnnotator(text_first.nlp, text_first=False)
    stages = rules_stages(text_first.nlp)
    if stages is None or not isinstance(stages[-1], ContextComponent):
        raise SystemExit("the rules pipeline does not end with the context component")
    context, before = stages[-1], stages[:-1]

    def differs(texts: Iterator[str]) -> tuple[int, int]:
        articles = [Article(pmid=str(i), title="", abstract=t) for i, t in enumerate(texts)]
        pairs = zip(
            text_first.annotate_documents(articles), through_spacy.annotate_documents(articles), strict=True
        )
        return len(articles), sum(a.mentions != b.mentions or a.sentences != b.sentences for a, b in pairs)

    total, bad = differs(corpus_texts(args.shared / "corpora"))
    print(f"corpus texts (each 3 ways): {total:,}; text first and through spaCy differ on {bad}")

    sources = [
        d.to_article().text
        for name in ("bc5cdr/CDR_TrainingSet.PubTator", "biored/Train.PubTator")
        for d in read_pubtator(args.shared / "corpora" / name)
    ]
    texts = list(mutated(sources, text_first, args.mutations, args.seed))
    count, mutated_bad = differs(iter(texts))
    print(f"mutated abstracts: {count:,}; text first and through spaCy differ on {mutated_bad}")

    said_no = unsound = 0
    for text in texts:
        rules = RulesDoc(text, text_first.nlp.tokenizer)
        for stage in before:
            stage.apply(rules)
        drugs = [s for s in rules.spans if s.label == "Drug" and not s.attrs.get("is_class")]
        if not drugs or context.needs_tokens(text, drugs):
            continue
        said_no += 1
        doc = rules.tokens()
        dropped: set[int] = set()
        genes = context._token_rules(
            doc, [(r, doc.char_span(r.start, r.end, alignment_mode="expand")) for r in drugs], dropped
        )
        unsound += bool(dropped or genes)
    print(f"needs_tokens said no for {said_no:,} of them; a token rule changed something in {unsound}")
    sys.exit(1 if bad or mutated_bad or unsound else 0)


if __name__ == "__main__":
    main()
