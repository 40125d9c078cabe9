"""The sample export: determinism, the reference layout, planted data problems and scaling."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from typer.testing import CliRunner

from bt2twenty.cli.app import app
from bt2twenty.errors import ConfigError
from bt2twenty.sources.bluetrait.sample import write_sample_export
from bt2twenty.sources.bluetrait.sample.api_bodies import (
    JsonArrayWriter,
    departments_body,
    priorities_body,
)
from bt2twenty.sources.bluetrait.sample.australia import is_valid_abn
from bt2twenty.sources.bluetrait.sample.php_csv import format_row, parse_records, read_rows

SYDNEY = ZoneInfo("Australia/Sydney")
UTC = ZoneInfo("UTC")


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out_dir = tmp_path_factory.mktemp("sample") / "export"
    write_sample_export(out_dir, scale=1, seed=11)
    return out_dir


def rows(export: Path, name: str) -> list[dict[str, str]]:
    return list(read_rows(export / name))


def tree(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def local_time(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S")


# Determinism


def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    write_sample_export(tmp_path / "a", scale=0.5, seed=5)
    write_sample_export(tmp_path / "b", scale=0.5, seed=5)

    first, second = tree(tmp_path / "a"), tree(tmp_path / "b")
    assert first.keys() == second.keys()
    for name, content in first.items():
        assert content == second[name], name


def test_other_seed_gives_other_rows(tmp_path: Path) -> None:
    write_sample_export(tmp_path / "a", scale=0.5, seed=5)
    write_sample_export(tmp_path / "b", scale=0.5, seed=6)

    for name in ("companies.csv", "clients.csv", "tickets.csv", "invoices.csv"):
        assert (tmp_path / "a" / name).read_bytes() != (tmp_path / "b" / name).read_bytes(), name


# Layout


def test_file_names_match_reference(sample: Path, reference_export: Path) -> None:
    def names(root: Path) -> set[str]:
        return {
            path.relative_to(root).as_posix()
            for path in root.rglob("*")
            if path.is_file() and not path.relative_to(root).as_posix().startswith("files/")
        }

    assert names(sample) == names(reference_export)


def test_headers_match_reference(sample: Path, reference_export: Path) -> None:
    for reference_file in sorted(reference_export.glob("*.csv")):
        expected = reference_file.read_text(encoding="utf-8").split("\n", 1)[0]
        generated = (sample / reference_file.name).read_text(encoding="utf-8").split("\n", 1)[0]
        assert generated == expected, reference_file.name


def test_files_are_utf8_without_bom_with_lf(sample: Path) -> None:
    for path in sorted(sample.glob("*.csv")):
        raw = path.read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf"), path.name
        assert b"\r\n" not in raw, path.name
        assert raw.endswith(b"\n"), path.name
        raw.decode("utf-8")


def test_attachments_match_their_rows(sample: Path) -> None:
    attachments = rows(sample, "ticket_attachments.csv")
    assert attachments
    for row in attachments:
        path = sample / row["path"]
        assert row["path"] == f"files/tickets/{row['ticket_id']}/{row['id']}-{row['file_name']}"
        content = path.read_bytes()
        assert len(content) == int(row["size"])
        assert hashlib.sha256(content).hexdigest() == row["sha256"]
    on_disk = {
        path.relative_to(sample).as_posix()
        for path in (sample / "files").rglob("*")
        if path.is_file()
    }
    assert on_disk == {row["path"] for row in attachments}


@pytest.mark.parametrize(
    ("action", "csv_name"),
    [
        ("get_companies", "companies.csv"),
        ("get_tickets", "tickets.csv"),
        ("msp_get_agents", "agents.csv"),
    ],
)
def test_api_bodies_are_csv_rows(
    sample: Path, reference_export: Path, action: str, csv_name: str
) -> None:
    for export in (reference_export, sample):
        body = json.loads((export / "api" / f"{action}.json").read_text(encoding="utf-8"))
        assert body == rows(export, csv_name)


def test_api_bodies_laid_out_like_reference(reference_export: Path, tmp_path: Path) -> None:
    rebuilt = tmp_path / "get_tickets.json"
    with rebuilt.open("w", encoding="utf-8", newline="") as stream:
        writer = JsonArrayWriter(stream)
        for row in read_rows(reference_export / "tickets.csv"):
            writer.write(row)
        writer.close()
    assert rebuilt.read_bytes() == (reference_export / "api" / "get_tickets.json").read_bytes()


def test_lookup_bodies_match_reference(reference_export: Path) -> None:
    tickets = rows(reference_export, "tickets.csv")
    api = reference_export / "api"
    assert priorities_body(tickets) == json.loads((api / "get_ticket_priorities.json").read_text())
    assert departments_body(tickets) == json.loads(
        (api / "get_ticket_departments.json").read_text()
    )


def test_lookup_bodies_have_integer_ids(sample: Path) -> None:
    for action in ("get_ticket_priorities", "get_ticket_departments"):
        body = json.loads((sample / "api" / f"{action}.json").read_text(encoding="utf-8"))
        assert [entry["id"] for entry in body] == list(range(1, len(body) + 1))


# PHP quoting


def test_reference_round_trips_byte_exactly(reference_export: Path) -> None:
    for path in sorted(reference_export.glob("*.csv")):
        text = path.read_text(encoding="utf-8")
        records = list(parse_records(text.splitlines(keepends=True)))
        assert "".join(format_row(record) for record in records) == text, path.name


def test_sample_round_trips_byte_exactly(sample: Path) -> None:
    for path in sorted(sample.glob("*.csv")):
        text = path.read_text(encoding="utf-8")
        records = list(parse_records(text.splitlines(keepends=True)))
        assert {len(record) for record in records} == {len(records[0])}, path.name
        assert "".join(format_row(record) for record in records) == text, path.name


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("plain text", "plain text"),
        ("a,b", '"a,b"'),
        ('say "hi"', '"say ""hi"""'),
        ("two\nlines", '"two\nlines"'),
        ('C:\\Users\\Public\\" fails, "again"', '"C:\\Users\\Public\\" fails, ""again"""'),
        ("DOMAIN\\user", "DOMAIN\\user"),
        ("", ""),
    ],
)
def test_php_quoting_round_trips(value: str, written: str) -> None:
    line = format_row([value, "next"])
    assert line == f"{written},next\n"
    assert list(parse_records(line.splitlines(keepends=True))) == [[value, "next"]]


@given(st.lists(st.text(alphabet='ab ,"\\\n\r\té🔥', max_size=12), min_size=1, max_size=5))
def test_php_quoting_round_trips_any_text(values: list[str]) -> None:
    # PHP's escape rule cannot round-trip an enclosed field that ends in a backslash: the
    # backslash escapes the closing quote. Such values are left out.
    assume(not any(value.endswith("\\") for value in values))
    text = format_row(values)
    assert list(parse_records(text.splitlines(keepends=True))) == [values]


def test_fully_enclosed_php_fields_parse() -> None:
    line = '"Tasman Real Estate","OUTBACK\\zoë","say ""hi""",plain\n'
    assert list(parse_records([line])) == [
        ["Tasman Real Estate", "OUTBACK\\zoë", 'say "hi"', "plain"]
    ]


def test_backslash_quote_kept_unescaped(sample: Path) -> None:
    raw = (sample / "tickets.csv").read_text(encoding="utf-8")
    assert '\\" fails' in raw
    descriptions = [row["description"] for row in rows(sample, "tickets.csv")]
    assert any('C:\\Users\\Public\\" fails with "Access denied"' in text for text in descriptions)


# Planted data problems


def test_duplicate_company_names(sample: Path) -> None:
    names = Counter(row["name"] for row in rows(sample, "companies.csv"))
    assert any(count > 1 for count in names.values())


def test_company_name_case_and_space_variant(sample: Path) -> None:
    names = [row["name"] for row in rows(sample, "companies.csv")]
    variants = [name for name in names if name.endswith(" ") and name == name.upper()]
    assert variants
    assert any(other.upper() + " " == variants[0] for other in names)


def test_domain_shared_by_two_companies(sample: Path) -> None:
    websites = Counter(row["website"] for row in rows(sample, "companies.csv") if row["website"])
    assert websites["sharedgroup.com.au"] == 2


def test_abns_valid_except_planted_one(sample: Path) -> None:
    invalid = [row["abn"] for row in rows(sample, "companies.csv") if not is_valid_abn(row["abn"])]
    assert invalid == ["11 222 333 444"]


def test_nt_postcode_keeps_leading_zero(sample: Path) -> None:
    postcodes = {row["postcode"] for row in rows(sample, "companies.csv") if row["state"] == "NT"}
    assert postcodes & {"0800", "0870"}


def test_phone_formats(sample: Path) -> None:
    phones = [row["phone"] for row in rows(sample, "companies.csv")]
    phones += [row["phone_number"] for row in rows(sample, "clients.csv")]
    mobiles = [row["mobile"] for row in rows(sample, "clients.csv") if row["mobile"]]
    assert any(phone.startswith("1300 ") for phone in phones)
    assert any(phone.startswith("(0") for phone in phones)
    assert any(phone.startswith("+61 ") for phone in phones)
    assert any(" ext " in phone for phone in phones)
    assert any(mobile.startswith("04") for mobile in mobiles)
    assert any(mobile.startswith("614") for mobile in mobiles)


def test_clients_without_last_name(sample: Path) -> None:
    single_word = [row for row in rows(sample, "clients.csv") if " " not in row["name"].strip()]
    assert single_word


def test_client_with_two_emails_in_one_cell(sample: Path) -> None:
    assert any("; " in row["email"] for row in rows(sample, "clients.csv"))


def test_one_email_on_two_clients(sample: Path) -> None:
    emails = Counter(row["email"] for row in rows(sample, "clients.csv") if row["email"])
    assert any(count > 1 and email.startswith("shared.inbox@") for email, count in emails.items())


def test_orphan_references(sample: Path) -> None:
    company_ids = {row["id"] for row in rows(sample, "companies.csv")}
    user_ids = {row["id"] for row in rows(sample, "clients.csv")} | {
        row["id"] for row in rows(sample, "users.csv")
    }

    orphan_clients = [
        row for row in rows(sample, "clients.csv") if row["company_id"] not in company_ids
    ]
    orphan_tickets = [row for row in rows(sample, "tickets.csv") if row["user_id"] not in user_ids]
    assert [row["company_id"] for row in orphan_clients] == ["9999"]
    assert [row["user_id"] for row in orphan_tickets] == ["888888"]


def test_merged_ticket_points_at_ticket(sample: Path) -> None:
    tickets = rows(sample, "tickets.csv")
    ids = {row["id"] for row in tickets}
    merged = [row for row in tickets if row["merge_ticket_id"]]
    assert len(merged) == 1
    assert merged[0]["merge_ticket_id"] in ids


def test_daylight_saving_edge_times(sample: Path) -> None:
    added = [local_time(row["date_added"]) for row in rows(sample, "tickets.csv")]

    def skipped(moment: datetime) -> bool:
        aware = moment.replace(tzinfo=SYDNEY)
        return aware.astimezone(UTC).astimezone(SYDNEY).replace(tzinfo=None) != moment

    def repeated(moment: datetime) -> bool:
        offsets = {moment.replace(tzinfo=SYDNEY, fold=fold).utcoffset() for fold in (0, 1)}
        return len(offsets) == 2 and not skipped(moment)

    assert [moment for moment in added if skipped(moment)] == [datetime(2023, 10, 1, 2, 30)]
    assert [moment for moment in added if repeated(moment)] == [datetime(2023, 4, 2, 2, 30)]


def test_no_skipped_times_outside_planted_ticket(sample: Path) -> None:
    for name, column in (("ticket_notes.csv", "date_added"), ("timesheets.csv", "end_time")):
        for row in rows(sample, name):
            moment = local_time(row[column])
            aware = moment.replace(tzinfo=SYDNEY)
            assert aware.astimezone(UTC).astimezone(SYDNEY).replace(tzinfo=None) == moment, row


def test_gst_total_disagrees_with_lines(sample: Path) -> None:
    lines_by_invoice: dict[str, list[dict[str, str]]] = {}
    for line in rows(sample, "invoice_lines.csv"):
        lines_by_invoice.setdefault(line["invoice_id"], []).append(line)

    mismatched = []
    for invoice in rows(sample, "invoices.csv"):
        lines = lines_by_invoice[invoice["id"]]
        subtotal = sum(Decimal(line["line_total"]) for line in lines)
        tax = sum(
            (Decimal(line["line_total"]) * Decimal(line["tax_rate"]) / 100).quantize(
                Decimal("0.01")
            )
            for line in lines
        )
        assert Decimal(invoice["subtotal"]) == subtotal, invoice["id"]
        assert Decimal(invoice["total"]) == subtotal + Decimal(invoice["tax_total"]), invoice["id"]
        if abs(Decimal(invoice["tax_total"]) - tax) > Decimal("0.01"):
            mismatched.append(invoice["id"])
    assert mismatched == ["8006"]


def test_mojibake_text_present(sample: Path) -> None:
    companies = [row["name"] for row in rows(sample, "companies.csv")]
    subjects = [row["subject"] for row in rows(sample, "tickets.csv")]
    assert any("Ã" in name for name in companies)
    assert any("Ã" in subject for subject in subjects)


def test_emoji_in_ticket_subject(sample: Path) -> None:
    subjects = [row["subject"] for row in rows(sample, "tickets.csv")]
    assert any(any(ord(character) > 0xFFFF for character in subject) for subject in subjects)


def test_html_bodies_look_like_mail(sample: Path) -> None:
    bodies = [row["description"] for row in rows(sample, "tickets.csv") if row["html"] == "1"]
    plain = [row["description"] for row in rows(sample, "tickets.csv") if row["html"] == "0"]
    assert any('class="MsoNormal"' in body and "<o:p>" in body for body in bodies)
    assert any("<br />" in body for body in bodies)
    assert any("&nbsp;" in body and "&quot;" in body for body in bodies)
    assert any("\n" in body for body in plain)


def test_password_secrets_with_history(sample: Path) -> None:
    passwords = rows(sample, "passwords.csv")
    current = {row["id"]: row for row in passwords if row["old"] == "0"}
    history = [row for row in passwords if row["old"] == "1"]
    assert history
    for row in history:
        assert row["parent_id"] in current
        assert row["password"] != current[row["parent_id"]]["password"]
    assert all(row["password"] for row in passwords)


def test_zero_byte_attachment(sample: Path) -> None:
    empty = [row for row in rows(sample, "ticket_attachments.csv") if row["size"] == "0"]
    assert empty
    assert (sample / empty[0]["path"]).stat().st_size == 0


def test_custom_fields_label_every_cf_column(sample: Path) -> None:
    labelled = {row["column"]: row["table_name"] for row in rows(sample, "custom_fields.csv")}
    for name, table in (
        ("companies.csv", "companies"),
        ("clients.csv", "users"),
        ("tickets.csv", "tickets"),
    ):
        header = next(parse_records((sample / name).open(encoding="utf-8")))
        for column in (column for column in header if column.startswith("cf_")):
            assert labelled[column] == table


# Scale


def test_scale_grows_counts(tmp_path: Path) -> None:
    small = write_sample_export(tmp_path / "small", scale=1, seed=2)
    large = write_sample_export(tmp_path / "large", scale=3, seed=2)

    for name in (
        "companies.csv",
        "clients.csv",
        "tickets.csv",
        "timesheets.csv",
        "invoices.csv",
        "agents.csv",
    ):
        assert large.rows[name] == 3 * small.rows[name], name
    for name in ("ticket_notes.csv", "invoice_lines.csv", "agent_software.csv"):
        assert 2.5 * small.rows[name] < large.rows[name] < 3.5 * small.rows[name], name


def test_scale_one_is_reference_size(sample: Path, reference_export: Path) -> None:
    expected = json.loads((reference_export.parent / "bluetrait-export.expected.json").read_text())[
        "records"
    ]
    for name in (
        "users",
        "companies",
        "clients",
        "projects",
        "agents",
        "tickets",
        "timesheets",
        "products",
        "invoices",
        "articles",
    ):
        assert len(rows(sample, f"{name}.csv")) == expected[name], name


def test_smallest_scale_keeps_problems(tmp_path: Path) -> None:
    summary = write_sample_export(tmp_path / "tiny", scale=0.01, seed=3)

    assert summary.rows["tickets.csv"] == 60
    companies = rows(tmp_path / "tiny", "companies.csv")
    assert Counter(row["website"] for row in companies)["sharedgroup.com.au"] == 2
    assert any(count > 1 for count in Counter(row["name"] for row in companies).values())
    assert any(row["merge_ticket_id"] for row in rows(tmp_path / "tiny", "tickets.csv"))
    assert "8006" in {row["id"] for row in rows(tmp_path / "tiny", "invoices.csv")}


def test_non_empty_folder_rejected(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("x")
    with pytest.raises(ConfigError, match="not empty"):
        write_sample_export(tmp_path, scale=0.5, seed=1)


# Command line


def test_cli_writes_export_and_summary(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["sample-export", str(tmp_path / "out"), "--scale", "0.5", "--seed", "4"]
    )

    assert result.exit_code == 0, result.output
    assert "Wrote" in result.output
    assert (tmp_path / "out" / "tickets.csv").is_file()


def test_cli_progress_bar_for_large_exports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bt2twenty.cli import sample_commands

    monkeypatch.setattr(sample_commands, "PROGRESS_BAR_MIN_ROWS", 0)
    result = CliRunner().invoke(app, ["sample-export", str(tmp_path / "out"), "--scale", "0.5"])

    assert result.exit_code == 0, result.output
    assert "Writing sample export" in result.output


def test_cli_rejects_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("x")
    result = CliRunner().invoke(app, ["sample-export", str(tmp_path)])

    assert result.exit_code == 2
    assert "not empty" in result.output


def test_references_match_full_rows() -> None:
    from bt2twenty.sources.bluetrait.sample.companies import company_reference, company_row
    from bt2twenty.sources.bluetrait.sample.people import client_reference, client_row
    from bt2twenty.sources.bluetrait.sample.plan import SamplePlan

    plan = SamplePlan.for_scale(1, 8)
    for index in range(plan.counts["companies"]):
        row = company_row(plan, index)
        assert company_reference(plan, index) == {"id": row["id"], "name": row["name"]}, index
    for index in range(plan.counts["clients"]):
        row = client_row(plan, index)
        expected = {column: row[column] for column in ("id", "name", "company_id", "company_name")}
        assert client_reference(plan, index) == expected, index
