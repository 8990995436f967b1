"""User-facing errors: each one names what went wrong, where, and what to do next.

The CLI prints these as a single red line (plus the hint) instead of a traceback; anything else
that escapes is a bug and keeps its traceback.
"""

from __future__ import annotations


class NetflixEltError(Exception):
    """Base class for errors a user can act on.

    ``where`` names the file, line, model or table at fault; ``hint`` says what to do about it.
    """

    def __init__(self, message: str, *, where: str | None = None, hint: str | None = None) -> None:
        self.message = message
        self.where = where
        self.hint = hint
        super().__init__(self.render())

    def render(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        return f"{text} ({self.hint})" if self.hint else text

    def locate(self, where: str) -> NetflixEltError:
        """Name ``where`` (a model, the query) unless the error already names its subject; returns self."""
        if self.where is None:
            self.where = where
            self.args = (self.render(),)
        return self


class ConfigError(NetflixEltError):
    """A profile or configuration file is invalid."""


class UnsafeNameError(NetflixEltError, ValueError):
    """A name that cannot be written into SQL as a plain identifier (it would need quoting, or it
    would change the statement): refused before any statement holding it is run."""


class ProjectError(NetflixEltError):
    """The model project is invalid: a cycle, an unknown reference, a duplicate name."""


class SelectionError(NetflixEltError):
    """A --select / --exclude expression cannot be parsed or matches nothing it should."""


class ModelError(NetflixEltError):
    """A model failed while it was being built."""


class SqlError(NetflixEltError):
    """A statement the warehouse (or the embedded engine's translation) rejected; the caller names its
    subject with :meth:`NetflixEltError.locate` (the model, the query, the check)."""


class LoadError(NetflixEltError):
    """Raw input files cannot be loaded."""


class Cancelled(NetflixEltError):
    """The command was cancelled (Ctrl-C) before a statement could run; see ``engine.cancellation``."""
