"""The export reader on hostile files: encodings, delimiters, headers, widths and archives."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

from bt2twenty.sources.bluetrait import open_export


def _write(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


def _rows(folder: Path, object_name: str) -> list[dict[str, str]]:
    with open_export(folder) as export:
        return [row.values for row in export.iter_rows(object_name)]


def test_utf8_bom_is_stripped(tmp_path: Path) -> None:
    _write(tmp_path, "companies.csv", b"\xef\xbb\xbfid,name\n1,Caf\xc3\xa9 Pty Ltd\n")
    with open_export(tmp_path) as export:
        rows = [row.values for row in export.iter_rows("companies")]
        encoding = export.get("companies").files[0].encoding  # type: ignore[union-attr]
    assert rows == [{"id": "1", "name": "Café Pty Ltd"}]
    assert encoding is not None
    assert encoding.encoding == "utf-8-sig"
    assert encoding.bom


def test_windows_1252_detected(tmp_path: Path) -> None:
    body = "id,name,notes\n" + "".join(
        f"{i},Caf\u00e9 {i},Client\u2019s \u2013 r\u00e9sum\u00e9 sent\n" for i in range(50)
    )
    _write(tmp_path, "companies.csv", body.encode("cp1252"))
    with open_export(tmp_path) as export:
        rows = [row.values for row in export.iter_rows("companies")]
        encoding = export.get("companies").files[0].encoding  # type: ignore[union-attr]
    assert rows[0]["name"] == "Café 0"
    assert rows[0]["notes"] == "Client’s – résumé sent"
    assert encoding is not None
    assert encoding.encoding == "cp1252"
    assert 0.0 < encoding.confidence <= 1.0


def test_semicolon_delimited_file(tmp_path: Path) -> None:
    _write(tmp_path, "companies.csv", b'id;name;notes\n1;Acme;"a; b"\n')
    assert _rows(tmp_path, "companies") == [{"id": "1", "name": "Acme", "notes": "a; b"}]


def test_tab_delimited_file(tmp_path: Path) -> None:
    _write(tmp_path, "companies.tsv", b"id\tname\n1\tAcme, Inc\n")
    assert _rows(tmp_path, "companies") == [{"id": "1", "name": "Acme, Inc"}]


def test_embedded_newline_keeps_line_numbers(tmp_path: Path) -> None:
    _write(tmp_path, "tickets.csv", b'id,description\n1,"one\ntwo"\n2,three\n')
    with open_export(tmp_path) as export:
        rows = list(export.iter_rows("tickets"))
    assert rows[0].values["description"] == "one\ntwo"
    assert [row.line for row in rows] == [2, 4]


def test_duplicate_headers_renamed(tmp_path: Path) -> None:
    _write(tmp_path, "clients.csv", b"id,name,email,email\n1,Jo Lee,a@x.au,b@x.au\n")
    with open_export(tmp_path) as export:
        rows = [row.values for row in export.iter_rows("clients")]
        layout = export.get("clients").files[0].layout  # type: ignore[union-attr]
    assert rows == [{"id": "1", "name": "Jo Lee", "email": "a@x.au", "email__2": "b@x.au"}]
    assert layout is not None
    assert layout.duplicates == {"email": 2}


def test_trailing_empty_columns_accepted(tmp_path: Path) -> None:
    _write(tmp_path, "companies.csv", b"id,name,,\n1,Acme,,\n2,Beta\n3,Gamma,,,,\n")
    with open_export(tmp_path) as export:
        rows = [row.values for row in export.iter_rows("companies")]
        account = export.accounts["companies"]
    assert rows == [
        {"id": "1", "name": "Acme"},
        {"id": "2", "name": "Beta"},
        {"id": "3", "name": "Gamma"},
    ]
    assert account.rows_rejected == 0


def test_five_megabyte_field(tmp_path: Path) -> None:
    big = ('Outlook log line, with "quotes" and commas\n' * 120_000)[:5_000_000]
    escaped = big.replace('"', '""')
    _write(tmp_path, "tickets.csv", f'id,description\n1,"{escaped}"\n2,short\n'.encode())
    rows = _rows(tmp_path, "tickets")
    assert len(rows[0]["description"]) == 5_000_000
    assert rows[0]["description"] == big
    assert rows[1] == {"id": "2", "description": "short"}


def test_wrong_field_counts_rejected_to_file(tmp_path: Path) -> None:
    source = tmp_path / "export"
    _write(
        source,
        "companies.csv",
        b"id,name,phone\n1,Acme,02 9999 0000\n2,Beta\n3,Gamma,1,extra\n4,Delta,\n",
    )
    rejects = tmp_path / "rejects"
    with open_export(source, reject_dir=rejects) as export:
        rows = [row.values["id"] for row in export.iter_rows("companies")]
        account = export.accounts["companies"]
        samples = export.rejects.samples["companies"]
        path = export.rejects.paths["companies"]

    assert rows == ["1", "4"]
    assert account.rows_read == 4
    assert account.rows_yielded == 2
    assert account.rows_rejected == 2
    assert account.balanced
    assert [(reject.file, reject.first_line) for reject in samples] == [
        ("companies.csv", 3),
        ("companies.csv", 4),
    ]
    assert "expected 3 fields" in samples[0].reason
    with path.open(encoding="utf-8") as stream:
        written = list(csv.DictReader(stream))
    assert [row["first_line"] for row in written] == ["3", "4"]
    assert json.loads(written[1]["fields"]) == ["3", "Gamma", "1", "extra"]


def test_unclosed_quote_rejects_rest_of_file(tmp_path: Path) -> None:
    _write(tmp_path, "tickets.csv", b'id,path\n1,ok\n2,"C:\\temp\\"\n3,lost\n')
    with open_export(tmp_path) as export:
        rows = [row.values["id"] for row in export.iter_rows("tickets")]
        account = export.accounts["tickets"]
        reject = export.rejects.samples["tickets"][0]
    assert rows == ["1"]
    assert account.rows_rejected == 1
    assert account.balanced
    assert reject.first_line == 3
    assert "never closed" in reject.reason


def test_password_reject_withholds_fields(tmp_path: Path) -> None:
    source = tmp_path / "export"
    _write(source, "passwords.csv", b"id,name,password\n1,Router,Hunter2Secret,extra\n")
    with open_export(source, reject_dir=tmp_path / "rejects") as export:
        list(export.iter_rows("passwords"))
        path = export.rejects.paths["passwords"]
    assert "Hunter2Secret" not in path.read_text(encoding="utf-8")


def test_screen_report_headers_aliased(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "tickets-2024-03-04 10:00:00.csv",
        b"Ticket #,Subject,Company Name,Date Added,Assigned To,Status,Colour\n"
        b"10001,Printer offline,Acme,04/03/2024,Tom Tech,Open,red\n",
    )
    with open_export(tmp_path) as export:
        rows = [row.values for row in export.iter_rows("tickets")]
        layout = export.get("tickets").files[0].layout  # type: ignore[union-attr]
    assert rows == [
        {
            "id": "10001",
            "subject": "Printer offline",
            "company_name": "Acme",
            "date_added": "04/03/2024",
            "assigned_name": "Tom Tech",
            "status_name": "Open",
            "colour": "red",
        }
    ]
    assert layout is not None
    unknown = [column.header for column in layout.columns if not column.known]
    assert unknown == ["Colour"]


def test_zip_input_reads_members(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("export/companies.csv", "id,name\n1,Acme\n2,Beta\n")
        bundle.writestr("export/files/tickets/1/a.txt", "hello")
    with open_export(archive) as export:
        names = [obj.name for obj in export.objects()]
        rows = [row.values["name"] for row in export.iter_rows("companies")]
        attachments = [entry.path for entry in export.attachments]
    assert names == ["companies"]
    assert rows == ["Acme", "Beta"]
    assert attachments == ["export/files/tickets/1/a.txt"]


def test_clients_split_from_users_file(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "users.csv",
        b"id,name,email,group_name\n1,Tom Tech,tom@msp.au,Staff\n"
        b"2,Jane Client,jane@acme.au,Submitter\n3,Ann Admin,ann@msp.au,Administrator\n",
    )
    with open_export(tmp_path) as export:
        staff = [row.values["id"] for row in export.iter_rows("users")]
        clients = [row.values["id"] for row in export.iter_rows("clients")]
        sources = {obj.name: obj.files[0].entry.path for obj in export.objects()}
    assert staff == ["1", "3"]
    assert clients == ["2"]
    assert sources == {"users": "users.csv", "clients": "users.csv"}


def test_unknown_file_still_read(tmp_path: Path) -> None:
    _write(tmp_path, "locations.csv", b"id,company_id,name\n1,5,Head Office\n")
    with open_export(tmp_path) as export:
        names = [obj.name for obj in export.objects()]
        rows = list(export.iter_rows("locations"))
        recognised = export.get("locations").files[0].recognised  # type: ignore[union-attr]
    assert names == ["locations"]
    assert len(rows) == 1
    assert not recognised


def test_reference_export_row_counts(reference_export: Path) -> None:
    expected = json.loads((reference_export.parent / "bluetrait-export.expected.json").read_text())
    with open_export(reference_export) as export:
        for obj in export.objects():
            rows = list(export.iter_rows(obj.name))
            account = export.accounts[obj.name]
            assert account.balanced, obj.name
            assert account.rows_rejected == 0, obj.name
            assert len(rows) == expected["records"][obj.name], obj.name


def test_reference_backslash_quote_read(reference_export: Path) -> None:
    expected = json.loads((reference_export.parent / "bluetrait-export.expected.json").read_text())
    checks = [check for check in expected["checks"] if check["kind"] == "backslash_quote"]
    assert checks
    with open_export(reference_export) as export:
        for check in checks:
            rows = {row.values["id"]: row.values for row in export.iter_rows(check["object"])}
            value = rows[str(check["source_id"])][check["field"]]
            assert check["contains"] in value


def test_zip_nested_folders_and_attachment_csv(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("backup/data/tickets.csv", "id,subject\n1,Printer\n")
        bundle.writestr("backup/files/tickets/1/report.csv", "not,an,object\n")
        bundle.writestr("backup/files/tickets/1/error log.txt", "stack trace")
    with open_export(archive) as export:
        names = [obj.name for obj in export.objects()]
        attachments = sorted(entry.name for entry in export.attachments)
    assert names == ["tickets"]
    assert attachments == ["error log.txt", "report.csv"]


def test_line_endings_detected(tmp_path: Path) -> None:
    _write(tmp_path, "companies.csv", b'id,name\r\n1,"Acme\r\nHQ"\r\n2,Beta\r\n')
    _write(tmp_path, "products.csv", b"id,name\r1,Widget\r2,Gadget\r")
    with open_export(tmp_path) as export:
        companies = [row.values for row in export.iter_rows("companies")]
        products = [row.values for row in export.iter_rows("products")]
        endings = {obj.name: obj.files[0].line_ending for obj in export.objects()}
    assert companies == [{"id": "1", "name": "Acme\r\nHQ"}, {"id": "2", "name": "Beta"}]
    assert products == [{"id": "1", "name": "Widget"}, {"id": "2", "name": "Gadget"}]
    assert endings == {"companies": "CRLF", "products": "CR"}


def _clear_utf8_flags(data: bytes) -> bytes:
    """Clear bit 11 in every local and central header, as Info-ZIP on Linux writes names."""
    patched = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = patched.find(signature)
        while start != -1:
            flags = int.from_bytes(patched[start + offset : start + offset + 2], "little")
            patched[start + offset : start + offset + 2] = (flags & ~0x800).to_bytes(2, "little")
            start = patched.find(signature, start + 4)
    return bytes(patched)


def test_zip_utf8_names_without_flag(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("tickets.csv", "id,subject\n1,Quote\n")
        bundle.writestr("files/tickets/1/Quote – signed.pdf", b"%PDF")
    archive.write_bytes(_clear_utf8_flags(archive.read_bytes()))

    with open_export(archive) as export:
        names = [entry.path for entry in export.attachments]
        rows = [row.values["subject"] for row in export.iter_rows("tickets")]
    assert names == ["files/tickets/1/Quote – signed.pdf"]
    assert rows == ["Quote"]
