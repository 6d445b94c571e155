"""Configuration: packaged defaults (resources/defaults.toml) overlaid by a user file and environment variables.

Environment contract (documented in the README):
- NEUROLIT_HOME: where corpus stores, review decisions and the mirror live (default ~/.neurolit).
- NEUROLIT_EUTILS_URL: E-utilities base URL (default NCBI's), for mirrors and tests.
- NCBI_API_KEY, NCBI_EMAIL: passed to E-utilities.
- NEUROLIT_CONFIG: a TOML file overriding the defaults (else $NEUROLIT_HOME/config.toml if present).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from neurolit.errors import ConfigError

DEFAULT_HOME = Path("~/.neurolit")


def neurolit_home(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    return Path(env.get("NEUROLIT_HOME") or DEFAULT_HOME).expanduser()


@cache
def _packaged_defaults() -> dict[str, Any]:
    text = resources.files("neurolit.resources").joinpath("defaults.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


@dataclass(frozen=True)
class Config:
    """Resolved configuration. `section(name)` returns one stage's settings as a read-only mapping."""

    data: Mapping[str, Any]
    home: Path
    eutils_url: str
    api_key: str | None
    email: str | None

    def section(self, name: str) -> Mapping[str, Any]:
        value = self.data.get(name, {})
        if not isinstance(value, Mapping):
            raise ConfigError(f"configuration section [{name}] must be a table")
        return value

    def get(self, section: str, key: str) -> Any:
        values = self.section(section)
        if key not in values:
            raise ConfigError(f"missing configuration key [{section}] {key}; add it to your config.toml")
        return values[key]


def load_config(environ: Mapping[str, str] | None = None, path: Path | None = None) -> Config:
    """Read packaged defaults, then the user's TOML file, then environment variables."""
    env = os.environ if environ is None else environ
    home = neurolit_home(env)
    data = _packaged_defaults()
    user_file = path or (Path(env["NEUROLIT_CONFIG"]) if env.get("NEUROLIT_CONFIG") else home / "config.toml")
    if user_file.is_file():
        try:
            data = _merge(data, tomllib.loads(user_file.read_text(encoding="utf-8")))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{user_file}: invalid TOML ({exc}); fix or remove the file") from exc
    elif path is not None or env.get("NEUROLIT_CONFIG"):
        raise ConfigError(f"configuration file {user_file} does not exist")
    eutils_url = env.get("NEUROLIT_EUTILS_URL") or data["fetch"]["eutils_url"]
    if not eutils_url.endswith("/"):
        eutils_url += "/"
    return Config(
        data=data,
        home=home,
        eutils_url=eutils_url,
        api_key=env.get("NCBI_API_KEY") or None,
        email=env.get("NCBI_EMAIL") or None,
    )
