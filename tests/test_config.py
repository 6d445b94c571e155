from __future__ import annotations

from pathlib import Path

import pytest

from neurolit.config import load_config
from neurolit.errors import ConfigError


def test_defaults_and_environment(tmp_path: Path) -> None:
    config = load_config(
        {
            "NEUROLIT_HOME": str(tmp_path),
            "NEUROLIT_EUTILS_URL": "http://127.0.0.1:9/eutils",
            "NCBI_API_KEY": "k",
            "NCBI_EMAIL": "curator@example.org",
        }
    )
    assert config.home == tmp_path
    assert config.eutils_url == "http://127.0.0.1:9/eutils/"
    assert config.api_key == "k"
    assert config.email == "curator@example.org"
    assert config.get("fetch", "requests_per_second_without_key") == 3.0


def test_default_eutils_url_is_ncbi(tmp_path: Path) -> None:
    config = load_config({"NEUROLIT_HOME": str(tmp_path)})
    assert config.eutils_url == "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
    assert config.api_key is None


def test_user_file_overrides_one_key(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("[fetch]\nbatch_size = 17\n", encoding="utf-8")
    config = load_config({"NEUROLIT_HOME": str(tmp_path)})
    assert config.get("fetch", "batch_size") == 17
    assert config.get("fetch", "max_retries") == 6  # untouched defaults survive the merge


def test_invalid_user_file_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("[fetch\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config({"NEUROLIT_HOME": str(tmp_path)})


def test_missing_named_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config({"NEUROLIT_HOME": str(tmp_path), "NEUROLIT_CONFIG": str(tmp_path / "nope.toml")})


def test_missing_key_names_section(tmp_path: Path) -> None:
    config = load_config({"NEUROLIT_HOME": str(tmp_path)})
    with pytest.raises(ConfigError, match=r"\[fetch\] nonexistent"):
        config.get("fetch", "nonexistent")
