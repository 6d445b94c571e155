"""neurolit: PubMed → variant–drug–response evidence table for precision oncology.

The public Python API is imported lazily (no heavy imports, no side effects at import time):

    import neurolit
    mentions = neurolit.annotate("ALK F1174L neuroblastoma responded to lorlatinib.")
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_LAZY = {
    # name: module that defines it
    "annotate": "neurolit.api",
    "annotate_documents": "neurolit.api",
    "extract": "neurolit.api",
    "load_pipeline": "neurolit.api",
    "read_articles": "neurolit.api",
    "review_app": "neurolit.api",
    "export_curated": "neurolit.api",
    "review_agreement": "neurolit.api",
    "refresh": "neurolit.api",
    "mirror_sync": "neurolit.api",
    "extract_dask": "neurolit.api",
    "train_ner_model": "neurolit.api",
    "model_mentions": "neurolit.api",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'neurolit' has no attribute {name!r}")
