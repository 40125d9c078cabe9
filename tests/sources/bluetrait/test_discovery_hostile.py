"""Discovery on small hostile exports: date columns, types, custom fields, ZIP input, the CLI."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from bt2twenty.cli.app import app
from bt2twenty.sources.bluetrait.discovery import discover

TICKETS = (
    "Ticket #,Subject,Date Added,Due,Closed,Modified,Contact Email,Website,Status,Cost,Notes\n"
    '1,A,2024-03-04 14:15:00,25/03/2024,4/03/2024 2:15 PM,"Mon Mar 04, 2024, 02:15 PM",'
    'a@x.au,acme.com.au,Open,"$1,100.00",<p>hi</p>\n'
    '2,B,0000-00-00 00:00:00,01/04/2024,13/03/2024 9:05 AM,"Tue Mar 05, 2024, 09:00 AM",'
    "b@x.au; c@x.au,https://beta.au,Closed,$20.00,plain\n"
    '3,C,2023-10-01 02:30:00,02/05/2024,01/02/2024 10:00 AM,"Wed Mar 06, 2024, 10:00 AM",'
    "d@x.au,gamma.com,Open,$5.50,<b>x</b>\n"
)


def _columns(document: dict[str, Any], object_name: str) -> dict[str, dict[str, Any]]:
    entry = next(entry for entry in document["objects"] if entry["name"] == object_name)
    return {column["name"]: column for column in entry["columns"]}


def _export(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tickets.csv").write_text(TICKETS, encoding="utf-8")
    (folder / "activity.csv").write_text(
        "id,ticket_id,visit_date\n1,1,01/02/2024\n2,2,03/04/2024\n3,99,05/06/2024\n",
        encoding="utf-8",
    )
    (folder / "companies.csv").write_text("id,name,cf_7\n1,Acme,Gold\n2,Beta,\n", encoding="utf-8")
    return folder


def test_date_columns_decided(tmp_path: Path) -> None:
    document = discover(_export(tmp_path / "export"), tmp_path / "out").document
    columns = _columns(document, "tickets")

    assert columns["date_added"]["type"] == "datetime"
    assert columns["date_added"]["dates"]["zero_dates"] == 1
    assert columns["date_due"]["type"] == "date"
    assert columns["date_due"]["dates"]["order"] == "DMY"
    assert not columns["date_due"]["dates"]["ambiguous"]
    assert columns["date_closed"]["dates"]["order"] == "DMY"
    assert columns["last_modified"]["type"] == "datetime"
    assert columns["last_modified"]["dates"]["formats"] == {"display": 3}

    ambiguous = _columns(document, "activity")["visit_date"]
    assert ambiguous["dates"]["ambiguous"]
    kinds = {(problem["kind"], problem["object"]) for problem in document["problems"]}
    assert ("ambiguous_date_order", "activity") in kinds
    assert ("zero_date", "tickets") in kinds
    assert ("dst_edge", "tickets") in kinds


def test_column_types_inferred(tmp_path: Path) -> None:
    document = discover(_export(tmp_path / "export"), tmp_path / "out").document
    columns = _columns(document, "tickets")
    assert columns["id"]["type"] == "id"
    assert columns["contact_email"]["type"] == "email"
    assert columns["contact_email"]["multi_email_cells"] == 1
    assert columns["website"]["type"] == "url"
    assert columns["status_name"]["distinct_values"] == {"Open": 2, "Closed": 1}
    assert columns["cost"]["type"] == "money"
    assert columns["notes"]["type"] == "html"
    assert not columns["cost"]["known"]
    assert (
        "cost" in next(e for e in document["objects"] if e["name"] == "tickets")["unknown_columns"]
    )


def test_unlabelled_custom_field_to_create(tmp_path: Path) -> None:
    document = discover(_export(tmp_path / "export"), tmp_path / "out").document
    custom = _columns(document, "companies")["cf_7"]["custom_field"]
    assert custom["label"] is None
    assert custom["to_create"]


def test_zip_source_with_rejects(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("companies.csv", "id,name\n1,Acme\n2,Beta,extra\n3,Gamma\n")
    document = discover(archive, tmp_path / "out").document
    entry = document["objects"][0]
    assert document["source"]["kind"] == "zip"
    assert (entry["rows_read"], entry["rows_yielded"], entry["rows_rejected"]) == (3, 2, 1)
    assert entry["balanced"]
    assert Path(entry["reject_file"]).is_file()
    assert entry["reject_examples"] == [
        {
            "file": "companies.csv",
            "first_line": 3,
            "last_line": 3,
            "reason": "expected 2 fields (from the header), found 3; the extra fields are not empty",
        }
    ]
    markdown = (tmp_path / "out" / "scope.md").read_text(encoding="utf-8")
    assert "| companies | companies.csv | 3 | expected 2 fields" in markdown


def test_cli_discover_writes_files(tmp_path: Path) -> None:
    source = _export(tmp_path / "export")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["discover", str(source), "--out", str(out), "--rate-limit", "50"]
    )
    assert result.exit_code == 0, result.output
    assert "rows read" in result.output
    assert (out / "scope.md").is_file()
    assert (out / "scope.html").is_file()
    profile = json.loads((out / "source-profile.json").read_text(encoding="utf-8"))
    assert profile["estimate"]["rate_limit_per_minute"] == 50


def test_cli_missing_source_fails_clearly(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["discover", str(tmp_path / "nope"), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_cli_unknown_zone_rejected(tmp_path: Path) -> None:
    source = _export(tmp_path / "export")
    result = CliRunner().invoke(
        app, ["discover", str(source), "--out", str(tmp_path / "o"), "--zone", "Mars/Olympus"]
    )
    assert result.exit_code == 2
    assert "unknown time zone 'Mars/Olympus'" in result.output


def test_secret_quoted_elsewhere_masked(tmp_path: Path) -> None:
    source = tmp_path / "export"
    source.mkdir()
    (source / "passwords.csv").write_text(
        "id,name,password,old\n1,Router,Tr0ub4dor&3-horse,0\n", encoding="utf-8"
    )
    (source / "tickets.csv").write_text(
        "id,subject\n1,Router login is Tr0ub4dor&3-horse\n", encoding="utf-8"
    )
    discover(source, tmp_path / "out")
    for name in ("source-profile.json", "scope.md", "scope.html"):
        text = (tmp_path / "out" / name).read_text(encoding="utf-8")
        assert "Tr0ub4dor&3-horse" not in text, name


def test_excel_damage_reported(tmp_path: Path) -> None:
    source = tmp_path / "export"
    source.mkdir()
    (source / "companies.csv").write_text(
        "id,name,postcode\n1,Darwin Dental,800\n2,Acme,2000\n", encoding="utf-8"
    )
    (source / "agents.csv").write_text(
        "id,name,hw_serial_number\n1,PC1,5.00E+11\n2,PC2,5CD1234XYZ\n", encoding="utf-8"
    )
    document = discover(source, tmp_path / "out").document
    damage = {
        (problem["object"], problem["examples"][0]["field"]): problem["count"]
        for problem in document["problems"]
        if problem["kind"] == "excel_damage"
    }
    assert damage == {("companies", "postcode"): 1, ("agents", "hw_serial_number"): 1}


def test_users_file_split_by_group_id(tmp_path: Path) -> None:
    source = tmp_path / "export"
    source.mkdir()
    (source / "users.csv").write_text(
        "id,name,email,group_id\n1,Tom Tech,tom@msp.au,4\n2,Jane Client,jane@acme.au,1\n",
        encoding="utf-8",
    )
    document = discover(source, tmp_path / "out").document
    rows = {entry["name"]: entry["rows_read"] for entry in document["objects"]}
    assert rows == {"users": 1, "clients": 1}
    clients = next(entry for entry in document["objects"] if entry["name"] == "clients")
    assert clients["row_filter"] == "submitters"
    assert clients["files"][0]["path"] == "users.csv"


def test_scope_names_encoding_and_delimiter(tmp_path: Path) -> None:
    source = tmp_path / "export"
    source.mkdir()
    body = "id;name;notes\n" + "".join(
        f"{i};Caf\u00e9 {i};r\u00e9sum\u00e9 sent\n" for i in range(40)
    )
    (source / "companies.csv").write_bytes(body.encode("cp1252"))
    discover(source, tmp_path / "out")
    markdown = (tmp_path / "out" / "scope.md").read_text(encoding="utf-8")
    assert "companies.csv (cp1252" in markdown
    assert "semicolons)" in markdown


def test_excel_serial_dates_recognised(tmp_path: Path) -> None:
    source = tmp_path / "export"
    source.mkdir()
    (source / "timesheets.csv").write_text(
        "id,date,start_time,hours\n1,45355,45355.375,1.5\n2,45356,45356.5,2\n", encoding="utf-8"
    )
    columns = _columns(discover(source, tmp_path / "out").document, "timesheets")
    assert columns["date"]["type"] == "date"
    assert columns["date"]["dates"]["formats"] == {"excel_serial": 2}
    assert columns["start_time"]["type"] == "datetime"
    assert columns["hours"]["type"] == "decimal"


def test_missing_header_reported(tmp_path: Path) -> None:
    source = tmp_path / "export"
    source.mkdir()
    (source / "clients.csv").write_text(
        "1001,Jo Lee,jo@acme.au,2024-01-02 10:00:00\n1002,Al Ng,al@acme.au,2024-01-03 10:00:00\n",
        encoding="utf-8",
    )
    document = discover(source, tmp_path / "out").document
    kinds = [(problem["kind"], problem["object"]) for problem in document["problems"]]
    assert ("missing_header", "clients") in kinds


def test_attachment_paths_matched(tmp_path: Path) -> None:
    source = tmp_path / "export"
    (source / "files" / "tickets" / "1").mkdir(parents=True)
    (source / "files" / "tickets" / "1" / "log.txt").write_text("error", encoding="utf-8")
    (source / "ticket_attachments.csv").write_text(
        "id,ticket_id,path\n1,1,files\\tickets\\1\\log.txt\n2,1,files/tickets/1/gone.txt\n",
        encoding="utf-8",
    )
    document = discover(source, tmp_path / "out").document
    missing = [
        problem for problem in document["problems"] if problem["kind"] == "missing_attachment"
    ]
    assert [example["source_id"] for example in missing[0]["examples"]] == ["2"]
    assert document["attachments"]["files"] == 1
