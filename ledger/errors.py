"""Typed errors of the library. The CLI turns each into one line on stderr and a non-zero exit."""

from __future__ import annotations

from collections.abc import Sequence


class LedgerError(Exception):
    """Base of every error the library raises on purpose."""


class ReadError(LedgerError):
    """A file could not be turned into the intermediate form (empty, binary, wrong format, unsafe, no text layer)."""


class UnknownLayoutError(LedgerError):
    """The document was read but matches none of the known publication layouts."""


class ParseError(LedgerError):
    """A known layout was recognised but the document could not be parsed into a snapshot."""


class ValueParseError(LedgerError):
    """An indicator value (指标值) could not be normalised."""


class NotFoundError(LedgerError):
    """A reference (snapshot id, hash prefix, DEPARTMENT@YEAR) matched nothing."""


class AmbiguousRefError(LedgerError):
    """A reference matched several snapshots or departments.

    ``ref`` is the text as the user gave it and ``choices`` the references that would each name one of the
    candidates, so a front end can print the commands that work (the user's command with ``ref`` replaced). The
    message lists the choices too, for a caller that prints only the message.
    """

    def __init__(self, message: str, *, ref: str | None = None, choices: Sequence[str] = ()) -> None:
        self.message = message
        self.ref = ref
        self.choices = list(choices)
        super().__init__(f"{message}; say which: {', '.join(self.choices)}" if self.choices else message)


class IntegrityError(LedgerError):
    """The ledger failed verification: a hash does not match or the chain is broken."""
