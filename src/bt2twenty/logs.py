"""Configure the package's logging: one logger per module, every handler redacting secrets."""

from __future__ import annotations

import logging
from pathlib import Path

from bt2twenty.redaction import RedactingFilter

PACKAGE_LOGGER = "bt2twenty"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(*, level: int = logging.WARNING, log_file: Path | None = None) -> None:
    """Send the package's log lines to stderr at `level` and, if given, to `log_file` at DEBUG.

    Each handler carries a `RedactingFilter`, so a secret never reaches either destination.
    Calling it again replaces the handlers it installed before.
    """
    logger = logging.getLogger(PACKAGE_LOGGER)
    for handler in list(logger.handlers):
        if getattr(handler, "_bt2twenty", False):
            logger.removeHandler(handler)
            handler.close()

    stream_handler = logging.StreamHandler()
    stream_handler.setLevel(level)
    _attach(logger, stream_handler)

    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        file_handler = logging.FileHandler(log_file, encoding="utf-8")
        file_handler.setLevel(logging.DEBUG)
        _attach(logger, file_handler)

    logger.setLevel(min(level, logging.DEBUG if log_file else level))
    logger.propagate = False

    # The retry library logs each scheduled retry under its own event names; the HTTP layer
    # already logs every failed attempt in words, so those lines are dropped.
    stamina_logger = logging.getLogger("stamina")
    stamina_logger.addHandler(logging.NullHandler())
    stamina_logger.propagate = False


def _attach(logger: logging.Logger, handler: logging.Handler) -> None:
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(RedactingFilter())
    handler._bt2twenty = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
