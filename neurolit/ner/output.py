"""Writing annotated documents: PubTator (DESIGN.md conventions) or JSON lines with every mention attribute."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import TextIO

from neurolit.errors import InputError
from neurolit.formats.pubtator import PubTatorAnnotation, PubTatorDocument, format_document
from neurolit.records import AnnotatedDocument

OUTPUT_SUFFIXES = (".pubtator", ".jsonl")


def to_pubtator(doc: AnnotatedDocument) -> PubTatorDocument:
    annotations = tuple(PubTatorAnnotation(m.start, m.end, m.text, m.label, m.norm_id) for m in doc.mentions)
    return PubTatorDocument(doc.pmid, doc.article.title, doc.article.abstract, annotations)


def to_json(doc: AnnotatedDocument) -> dict[str, object]:
    return {
        "pmid": doc.pmid,
        "title": doc.article.title,
        "abstract": doc.article.abstract,
        "sentences": [list(s) for s in doc.sentences],
        "mentions": [asdict(m) for m in doc.mentions],
    }


def write_annotated(docs: Iterable[AnnotatedDocument], out: TextIO, fmt: str) -> int:
    count = 0
    for doc in docs:
        if fmt == "pubtator":
            out.write(format_document(to_pubtator(doc)))
        else:
            out.write(json.dumps(to_json(doc), ensure_ascii=False) + "\n")
        count += 1
    return count


def output_format(path: Path) -> str:
    for suffix in OUTPUT_SUFFIXES:
        if path.name.endswith(suffix):
            return suffix[1:]
    raise InputError(f"cannot tell the output format of {path}; name it *.pubtator or *.jsonl")
