from __future__ import annotations

from neurolit.ner.text import compact_key, match_tokens, normalize_key


def test_keys_unify_dashes_case_greek_and_spelling() -> None:
    assert normalize_key("Non–small-cell lung cancer") == normalize_key("non small cell lung cancer")
    assert normalize_key("TNF-α") == "tnf alpha"
    assert normalize_key("Tumour") == normalize_key("tumor")
    assert compact_key("PF-06463922") == compact_key("PF 06463922") == "pf06463922"


def test_match_tokens_keep_exact_offsets() -> None:
    text = "EML4‑ALK\u00a0(ALK/ROS1)"
    for start, end, norm in match_tokens(text):
        assert normalize_key(text[start:end]) == norm
    assert [text[s:e] for s, e, _ in match_tokens(text)] == ["EML4", "ALK", "(", "ALK", "/", "ROS1", ")"]
