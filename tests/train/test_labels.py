from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from neurolit.errors import ConfigError
from neurolit.train.labels import UNKNOWN, candidate_labels, load_registry, parse_registry


def test_packaged_registry_maps_every_corpus_to_our_labels() -> None:
    registry = load_registry()
    assert registry.labels == ("Gene", "Drug", "Disease", "Variant")
    assert registry.order[0] == "biored"
    biored = registry.get("biored")
    assert biored.map_type("GeneOrGeneProduct") == "Gene"
    assert biored.map_type("ChemicalEntity") == "Drug"
    assert biored.map_type("OrganismTaxon") == ""
    assert registry.get("nlm-gene").map_type("FamilyName") == UNKNOWN
    assert registry.get("bc5cdr").annotates == frozenset({"Drug", "Disease"})
    assert "biored/Dev.PubTator" in registry.exclude_files
    assert registry.repeat["biored"] == 3
    for name in registry.order:
        assert registry.get(name).licence, f"{name} has no licence note"


def test_candidate_shapes() -> None:
    candidates = load_registry().candidates
    assert "Gene" in candidate_labels("BRCA1", candidates)
    assert "Drug" in candidate_labels("lorlatinib", candidates)
    assert "Disease" in candidate_labels("neuroblastoma", candidates)
    assert "Variant" in candidate_labels("F1174L", candidates)
    assert candidate_labels("the", candidates) == frozenset()


def test_unknown_corpus_names_the_choices() -> None:
    with pytest.raises(ConfigError, match="choose among: biored"):
        load_registry().get("nope")


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ('[corpus.x]\nformat = "xml"\nfiles = ["a"]\n', "format must be"),
        ('[corpus.x]\nformat = "iob"\nfiles = ["a"]\n[corpus.x.types]\nT = "Protein"\n', "unknown label"),
        ('[corpus.x]\nformat = "iob"\nfiles = ["a"]\nrepeat = 0\n', "repeat must be"),
        ('[candidates]\nGene = ["(unclosed"]\n', "invalid pattern"),
    ],
)
def test_invalid_registry_is_rejected(patch: str, message: str) -> None:
    data = tomllib.loads('labels = ["Gene", "Drug"]\n' + patch)
    with pytest.raises(ConfigError, match=message):
        parse_registry(data)


def test_registry_file_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("labels = [", encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot read corpus registry"):
        load_registry(bad)
