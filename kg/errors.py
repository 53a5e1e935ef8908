"""Error types raised by the library.

Every error the library raises on purpose is a :class:`KgError`. Its message names the bad
value and what was expected; ``exit_code`` tells the CLI which exit status fits:

* 1 — the data does not conform to the shapes (:class:`NotConformingError`)
* 2 — usage error: bad input, bad option, unknown name (:class:`UsageError` and subclasses)
* 3 — runtime error: store, network, file system (:class:`RuntimeKgError` and subclasses)

>>> try:
...     raise FactSheetError("facts.yaml:3: 'qid' must look like Q123, got 'X1'")
... except KgError as err:
...     (err.exit_code, str(err))
(2, "facts.yaml:3: 'qid' must look like Q123, got 'X1'")
"""

from __future__ import annotations


class KgError(Exception):
    """Base class of every error the library raises deliberately."""

    exit_code = 3


class UsageError(KgError):
    """The user asked for something that cannot be done as asked (exit code 2)."""

    exit_code = 2


class FactSheetError(UsageError):
    """A fact sheet is malformed: the message names file, line and what was expected."""


class QueryError(UsageError):
    """A stored query is unknown, a parameter is missing or bad, or the SPARQL is malformed."""


class ReviewError(UsageError):
    """A review decision (``kg review``) is malformed: the message names the fact and the field."""


class InputError(UsageError):
    """An input file (article text, HTML, Turtle) cannot be read as what it should be."""


class UnsupportedLanguageError(InputError):
    """The article's language is not one the extractor handles."""


class NotConformingError(KgError):
    """The data does not conform to the SHACL shapes (exit code 1).

    ``report`` holds the :class:`kg.validate.ValidationReport` when there is one.
    """

    exit_code = 1

    def __init__(self, message: str, report=None):
        super().__init__(message)
        self.report = report


class RuntimeKgError(KgError):
    """Something outside the user's input failed: store, network, disk (exit code 3)."""

    exit_code = 3


class StoreError(RuntimeKgError):
    """The triple store cannot be opened, read or written."""


class NetworkError(RuntimeKgError):
    """A remote service (Wikidata, a SPARQL server) could not be reached or answered badly."""


class OutputError(RuntimeKgError):
    """An output file or stream cannot be written (disk full, no permission, closed pipe)."""


class CacheError(RuntimeKgError):
    """A cache file is corrupt, foreign, or cannot be read or written: the Wikidata cache, or the
    temporary file where an ingest writer keeps what its caches let go (kg.caches.Spill)."""


class InstallationError(RuntimeKgError):
    """kg's own files (shapes, stored queries, ontology) are missing: a broken install."""


class ValidatorError(RuntimeKgError):
    """The SHACL validator (pyshacl) stopped with an error instead of a report."""
