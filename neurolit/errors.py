"""Typed exceptions. Every error a user can cause or meet is a NeurolitError with a message saying what to do.

The CLI maps NeurolitError to exit status 1 and prints the message; anything else is a bug.
"""

from __future__ import annotations


class NeurolitError(Exception):
    """Base of every error neurolit raises on purpose."""


class ConfigError(NeurolitError, ValueError):
    """A setting, environment variable or configuration file is invalid."""


class InputError(NeurolitError, ValueError):
    """An input file, corpus name or argument cannot be used."""


class FetchError(NeurolitError, IOError):
    """E-utilities or a file server failed after retries, or answered with an error body."""


class RateLimitError(FetchError):
    """The server kept answering HTTP 429 after every retry."""


class ParseError(NeurolitError, ValueError):
    """Malformed or truncated XML/PubTator/JSON input. The message names the file and position."""

    def __init__(
        self, message: str, *, source: str | None = None, line: int | None = None, column: int | None = None
    ) -> None:
        where = ""
        if source is not None:
            where = f"{source}"
            if line is not None:
                where += f":{line}"
                if column is not None:
                    where += f":{column}"
            where += ": "
        super().__init__(f"{where}{message}")
        self.source = source
        self.line = line
        self.column = column


class StoreError(NeurolitError, RuntimeError):
    """The corpus store cannot be opened, is locked, or is inconsistent."""


class CorpusNotFoundError(StoreError, LookupError):
    """No corpus by that name under NEUROLIT_HOME."""


class LockedError(StoreError):
    """Another run holds the corpus lock."""


class ModelError(NeurolitError, RuntimeError):
    """A model or compiled resource is missing or cannot be loaded."""


class ReviewError(NeurolitError, ValueError):
    """A review decision or imported sheet is invalid, or conflicts with a newer decision."""


class ConflictError(ReviewError):
    """A concurrent edit: the decision was made against a state that is no longer current."""
