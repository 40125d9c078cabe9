"""No password secret reaches a hand-over file, the project folder, the logs or the output."""

from __future__ import annotations

import csv
import html
import json
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from bt2twenty.cli.app import app
from bt2twenty.settings import Settings
from bt2twenty.sources.bluetrait.export import secret_columns

from ..conftest import FIXTURES
from .conftest import reference_export

runner = CliRunner()

# The columns of the reference passwords file whose values are secret: the password and the
# free-text notes. Login names, entry names, URLs and folders are not.
REFERENCE_SECRET_COLUMNS = ["password", "description"]


def _listed_secrets() -> list[str]:
    expected = json.loads((FIXTURES / "bluetrait-export.expected.json").read_text())
    check = next(c for c in expected["checks"] if c["kind"] == "secrets_never_output")
    return list(check["secrets"])


def _column_values(path: Path, columns: list[str]) -> set[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {row[column].strip() for row in rows for column in columns if row[column].strip()}


def _texts(folder: Path) -> dict[str, str]:
    """Every file under `folder` as text, and HTML files also unescaped."""
    texts = {}
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        texts[str(path)] = text
        if path.suffix == ".html":
            texts[f"{path} (unescaped)"] = html.unescape(text)
    return texts


def _assert_absent(secrets: set[str], texts: dict[str, str]) -> None:
    for secret in sorted(secrets):
        for where, text in texts.items():
            assert secret not in text, f"{secret!r} found in {where}"


def test_reference_secret_columns() -> None:
    with (reference_export() / "passwords.csv").open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert secret_columns("passwords", header) == REFERENCE_SECRET_COLUMNS


def test_no_secret_anywhere(discovered_project: Settings, tmp_path: Path) -> None:
    log_file = tmp_path / "logs" / "report.log"
    project = discovered_project.project_dir
    result = runner.invoke(
        app, ["--log-file", str(log_file), "-vv", "report", "--project", str(project)]
    )
    assert result.exit_code == 0, result.output

    secrets = set(_listed_secrets())
    secrets |= _column_values(reference_export() / "passwords.csv", REFERENCE_SECRET_COLUMNS)
    assert "S3cr3t!356a192b79" in secrets
    assert "Rotated quarterly" in secrets
    texts = _texts(project)
    assert any(path.endswith("passwords-inventory.md") for path in texts)
    texts["log file"] = log_file.read_text(encoding="utf-8")
    texts["stdout"] = result.stdout
    texts["stderr"] = result.stderr
    assert "passwords-inventory.{md,html,csv}  50 rows" in result.stdout
    assert "DEBUG" in texts["log file"]
    _assert_absent(secrets, texts)


def test_unknown_password_column_is_secret(
    small_project: Callable[[dict[str, str]], Settings], tmp_path: Path
) -> None:
    settings = small_project(
        {
            "passwords.csv": "id,name,username,password,url,category,otp_seed,recovery_codes,"
            "old,parent_id\n"
            "1,Router admin,admin,Hunter2Secret,https://10.0.0.1,Network,JBSWY3DPEHPK3PXP,"
            "RC-1111-2222,0,\n"
            "2,Router admin,admin,OldHunter1Secret,https://10.0.0.1,Network,JBSWY3DPOLDSEED,"
            "RC-0000-9999,1,1\n",
            "users.csv": "id,name,email,group_name,allow_login\n1,Ann Lee,ann@example.com,Staff,1\n",
        }
    )
    log_file = tmp_path / "report.log"
    result = runner.invoke(
        app,
        ["--log-file", str(log_file), "-vv", "report", "--project", str(settings.project_dir)],
    )
    assert result.exit_code == 0, result.output

    inventory = (settings.project_dir / "reports/handover/passwords-inventory.md").read_text()
    assert "Router admin" in inventory
    assert "otp\\_seed" in inventory or "otp_seed" in inventory
    assert "recovery\\_codes" in inventory or "recovery_codes" in inventory
    texts = _texts(settings.project_dir)
    texts["log file"] = log_file.read_text(encoding="utf-8")
    texts["stdout"] = result.stdout
    texts["stderr"] = result.stderr
    secrets = {
        "Hunter2Secret",
        "OldHunter1Secret",
        "JBSWY3DPEHPK3PXP",
        "JBSWY3DPOLDSEED",
        "RC-1111-2222",
        "RC-0000-9999",
    }
    _assert_absent(secrets, texts)
