"""No registered secret or credential-shaped value survives into logs or error messages."""

from __future__ import annotations

import logging
from pathlib import Path

from bt2twenty.errors import Bt2TwentyError
from bt2twenty.logs import configure_logging
from bt2twenty.redaction import MASK, redact, register_secret


def test_registered_secret_masked() -> None:
    register_secret("registered-secret-0001")
    assert redact("key=registered-secret-0001 end") == f"key={MASK} end"


def test_bearer_header_masked() -> None:
    text = redact("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig")
    assert "eyJhbGciOiJIUzI1NiJ9" not in text


def test_api_key_json_field_masked() -> None:
    text = redact('{"api_key": "bt-unregistered-key", "api_action": "get_tickets"}')
    assert "bt-unregistered-key" not in text
    assert "get_tickets" in text


def test_error_message_redacted() -> None:
    register_secret("error-secret-0002")
    error = Bt2TwentyError("request with error-secret-0002 failed", hint="retry error-secret-0002")
    assert "error-secret-0002" not in str(error)


def test_log_file_and_stream_redacted(tmp_path: Path, capsys) -> None:
    register_secret("log-secret-0003")
    log_file = tmp_path / "run.log"
    configure_logging(level=logging.INFO, log_file=log_file)
    logger = logging.getLogger("bt2twenty.tests")
    logger.info("sending key %s", "log-secret-0003")
    try:
        raise ValueError("boom log-secret-0003")
    except ValueError:
        logger.exception("failed with log-secret-0003")
    for handler in logging.getLogger("bt2twenty").handlers:
        handler.flush()

    written = log_file.read_text()
    assert "log-secret-0003" not in written
    assert "sending key" in written
    assert "boom" in written
    assert "log-secret-0003" not in capsys.readouterr().err
    configure_logging()
