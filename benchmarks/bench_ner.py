"""Benchmark: the rules NER pipeline (and relation extraction) against the tokenization ceiling, per component.

    nice /work/venv/bin/python benchmarks/bench_ner.py [--shared ../shared/data] [--docs 500]

Texts: BioRED Train abstracts (title + abstract, ~1,500 characters) read from ../shared/data at run time.
Rates are abstracts per CPU second of this process (time.process_time: robust to other jobs on a shared machine).
A rules-only pipeline runs text first (`neurolit.ner.rules`: no spaCy Doc unless a context rule needs tokens); the
same pipeline run as a spaCy pipeline is measured too, for comparison.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from bench_pipeline import (
    CountingTokenizer,
    settle_tokenizer,
    warm_up_texts,
)  # this folder is on sys.path when run as a script

from neurolit.formats.pubtator import read_pubtator
from neurolit.ner.annotate import NerAnnotator
from neurolit.ner.pipeline import rules_stages
from neurolit.ner.rules import RulesDoc
from neurolit.relations.extract import RelationExtractor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data"
    )
    parser.add_argument("--docs", type=int, default=500)
    args = parser.parse_args()
    docs = [d.to_article() for d in read_pubtator(args.shared / "corpora/biored/Train.PubTator")][: args.docs]
    texts = [a.text for a in docs]
    started = time.process_time()
    annotator = NerAnnotator.load(use_model=False)
    load = time.process_time() - started
    nlp = annotator.nlp
    list(annotator.annotate_documents(docs[:20]))  # warm-up
    others = warm_up_texts(args.shared)
    settle_tokenizer(nlp, others)  # the same tokenizer-cache state before both stages (bench_pipeline.py)
    started = time.process_time()
    tokenizer: Any = nlp.tokenizer
    list(tokenizer.pipe(texts))
    tokenize = time.process_time() - started
    settle_tokenizer(nlp, others)
    started = time.process_time()
    annotated = list(annotator.annotate_documents(docs))
    full = time.process_time() - started
    relations = RelationExtractor()
    relations.candidates(annotated[0])  # warm-up
    started = time.process_time()
    for doc in annotated:
        relations.candidates(doc)
    extract = time.process_time() - started
    print(f"{len(texts)} abstracts, {sum(map(len, texts)) / len(texts):,.0f} characters on average")
    print(f"pipeline load: {load:.1f} CPU s")
    print(f"tokenization alone: {len(texts) / tokenize:,.0f} abstracts/CPU s")
    print(
        f"rules NER (annotate_documents, Mention records): {len(texts) / full:,.0f} abstracts/CPU s "
        f"= {tokenize / full:.2f} of tokenization"
    )
    print(
        f"rules NER + relations: {len(texts) / (full + extract):,.0f} abstracts/CPU s "
        f"= {tokenize / (full + extract):.2f} of tokenization"
    )
    through_spacy = NerAnnotator(nlp, text_first=False)
    settle_tokenizer(nlp, others)
    started = time.process_time()
    list(through_spacy.annotate_documents(docs))
    spacy_run = time.process_time() - started
    print(
        f"the same rules run as a spaCy pipeline (Docs and spans): {len(texts) / spacy_run:,.0f} abstracts/CPU s "
        f"= {tokenize / spacy_run:.2f} of tokenization"
    )
    print("per stage of the text-first run (each stage on the same RulesDoc records, in order):")
    print(f"  {'(tokenization alone)':<24} {1000 * tokenize / len(texts):6.2f} ms/abstract")
    settle_tokenizer(nlp, others)
    counting = CountingTokenizer(tokenizer)
    states = [RulesDoc(t, counting) for t in texts]
    names = nlp.pipe_names[:-1]
    for name, stage in zip(names, rules_stages(nlp) or [], strict=True):
        started = time.process_time()
        for state in states:
            stage.apply(state)
        spent = time.process_time() - started
        print(f"  {name:<24} {1000 * spent / len(texts):6.2f} ms/abstract")
    started = time.process_time()
    for state in states:
        state.mentions()
    print(f"  {'Mention records':<24} {1000 * (time.process_time() - started) / len(texts):6.2f} ms/abstract")
    print(f"  {'relations':<24} {1000 * extract / len(texts):6.2f} ms/abstract")
    print(
        f"texts tokenized by the rules (a context rule could apply): {counting.calls} of {len(texts)} "
        "(their tokenization is inside neurolit_context)"
    )


if __name__ == "__main__":
    main()
