"""Exceptions, branched by what the operator should do about them.

    Bt2TwentyError                 root: every error the tool raises on purpose
    ├── ConfigError                fix the input, the settings or the key; never retried
    │   ├── SettingsError          a setting is missing or invalid
    │   └── SourceError            the Bluetrait export or API cannot be read as given
    ├── TransientError             the same call may succeed later; retried with backoff
    ├── RecordError                one record is bad; it is quarantined and the run goes on
    └── FatalError                 the run cannot go on safely; stop, then resume or roll back

Twenty's HTTP errors (`bt2twenty.twenty.errors`) join these branches by status: a 401 is a
`ConfigError`, a 429 or 503 a `TransientError`, a rejected record a `RecordError`.

Every message passes through `redact` before it is stored, so no secret reaches a log line, a
report or a traceback through an exception.
"""

from __future__ import annotations

from bt2twenty.redaction import redact


class Bt2TwentyError(Exception):
    """Root of the tool's exceptions; `hint` tells the operator what to do next."""

    hint: str = ""

    def __init__(self, message: str, *, hint: str = "") -> None:
        self.message = redact(message)
        if hint:
            self.hint = redact(hint)
        super().__init__(self.message)

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\n{self.hint}"
        return self.message


class ConfigError(Bt2TwentyError):
    """The input, the settings or a credential is wrong; retrying will not help."""


class SettingsError(ConfigError):
    """A setting is missing or invalid; the message lists where the tool looked."""


class SourceError(ConfigError):
    """The Bluetrait export or API cannot be read as given."""


class TransientError(Bt2TwentyError):
    """A temporary failure: the same request may succeed after a pause."""


class RecordError(Bt2TwentyError):
    """One record cannot be written; it goes to quarantine with this reason."""


class FatalError(Bt2TwentyError):
    """The run cannot continue safely; it stops, and can be resumed or rolled back."""
