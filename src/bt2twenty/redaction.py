"""Keep secrets out of every log line, message and file the tool writes.

Secrets are registered once, when they are read (API keys from the environment or a prompt,
password-module values while reading an export). `redact` then replaces each registered value,
and anything shaped like a bearer token or an ``api_key`` field, with a fixed mask.
"""

from __future__ import annotations

import logging
import re
import threading

MASK = "***"

# Secrets shorter than this are not registered: masking "1" or "ab" everywhere would
# corrupt ordinary text, and values that short are not credentials anyway.
MIN_SECRET_LENGTH = 4

_PATTERNS = (
    re.compile(r"(?i)(authorization:\s*bearer\s+)[^\s'\",]+"),
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]{8,}"),
    re.compile(
        r"(?i)([\"']?(?:api_key|apikey|api-key|password|secret|token)[\"']?\s*[:=]\s*[\"']?)(?!null\b|None\b|true\b|false\b)[^\s'\",}&]+"
    ),
)

_lock = threading.Lock()
_secrets: set[str] = set()


def register_secret(value: str | None) -> None:
    """Add a value to the set that `redact` masks from now on."""
    if value is None:
        return
    value = value.strip()
    if len(value) < MIN_SECRET_LENGTH:
        return
    with _lock:
        _secrets.add(value)


def redact(text: str) -> str:
    """Return `text` with every registered secret and credential-shaped value masked."""
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    for pattern in _PATTERNS:
        text = pattern.sub(lambda match: match.group(1) + MASK, text)
    return text


class RedactingFilter(logging.Filter):
    """A logging filter that masks secrets in the final message and in exception text."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg = redact(message)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True
