"""Markup in exported values is shown as text in every format, and the HTML is well-formed."""

from __future__ import annotations

import csv
import html
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from bt2twenty.redaction import register_secret
from bt2twenty.reports.handover import write_handover
from bt2twenty.reports.writer import Column, Document, Table, render_csv, write_document
from bt2twenty.settings import Settings

MARKUP_COMPANY = "<b>Bold</b> & Sons <script>alert(1)</script>"
VOID_ELEMENTS = frozenset({"meta", "br", "hr", "img", "input", "link"})


class _TagBalance(HTMLParser):
    """Parser that records every element opened, and every close that matches no open element."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.tags: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag not in VOID_ELEMENTS:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.open[-1:] or 'nothing'}")
            return
        self.open.pop()


@pytest.fixture
def markup_project(small_project: Callable[[dict[str, str]], Settings]) -> Settings:
    quoted = '"' + MARKUP_COMPANY + '"'
    return small_project(
        {
            "companies.csv": f"id,name\n101,{quoted}\n",
            "agents.csv": "id,name,company_id,company_name,hw_serial_number,watchdog_status\n"
            f"3001,PC-<i>01</i>,101,{quoted},SN1,ok\n",
            "passwords.csv": "id,name,password,url,category,company_id,company_name,old\n"
            f"1,Wi-Fi <u>guest</u>,Secret<b>Pass,https://x.example,Clients,101,{quoted},0\n",
            "users.csv": "id,name,email,group_name,allow_login\n"
            '1,=HYPERLINK("http://x.example"),ann@example.com,Staff,1\n',
        }
    )


def test_html_well_formed(markup_project: Settings) -> None:
    result = write_handover(markup_project)
    pages = sorted(result.folder.glob("*.html"))
    assert len(pages) == 8
    for page in pages:
        parser = _TagBalance()
        parser.feed(page.read_text(encoding="utf-8"))
        parser.close()
        assert parser.problems == [], page.name
        assert parser.open == [], page.name
        assert parser.tags[0] == "html", page.name


def test_html_escapes_markup(markup_project: Settings) -> None:
    result = write_handover(markup_project)
    for name in ("agent-inventory", "passwords-inventory"):
        page = (result.folder / f"{name}.html").read_text(encoding="utf-8")
        assert "&lt;b&gt;Bold&lt;/b&gt; &amp; Sons &lt;script&gt;" in page, name
        assert "<b>" not in page, name
        assert "<script>" not in page, name
        parser = _TagBalance()
        parser.feed(page)
        assert not {"b", "i", "u", "script"} & set(parser.tags), name


def test_markdown_escapes_markup(markup_project: Settings) -> None:
    result = write_handover(markup_project)
    text = (result.folder / "agent-inventory.md").read_text(encoding="utf-8")
    assert "\\<b\\>Bold\\</b\\> & Sons" in text
    assert "PC-\\<i\\>01\\</i\\>" in text
    assert "<b>" not in text


def test_csv_keeps_values_and_defuses_formulas(markup_project: Settings) -> None:
    result = write_handover(markup_project)
    with (result.folder / "agent-inventory.csv").open(encoding="utf-8", newline="") as handle:
        device = next(csv.DictReader(handle))
    assert device["Company"] == MARKUP_COMPANY
    with (result.folder / "users-to-invite.csv").open(encoding="utf-8", newline="") as handle:
        user = next(csv.DictReader(handle))
    assert user["Name"] == '\'=HYPERLINK("http://x.example")'


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+2", "'=1+2"),
        ("+61 2 9999 0000", "'+61 2 9999 0000"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-50.00", "-50.00"),
        ("-cmd", "'-cmd"),
        ("plain", "plain"),
    ],
    ids=["equals", "plus", "at", "negative-number", "minus-text", "plain"],
)
def test_csv_formula_cells(value: str, written: str) -> None:
    table = Table([Column("v", "Value")], [{"v": value}])
    rows = list(csv.reader(render_csv(table).splitlines()))
    assert rows == [["Value"], [written]]


def test_registered_secret_masked_everywhere(tmp_path: Path) -> None:
    secret = "Leaky-<Secret>&-4711"
    register_secret(secret)
    document = Document(
        "leak",
        "Leak",
        ["intro"],
        Table([Column("v", "Value")], [{"v": f"before {secret} after"}, {"v": "clean"}]),
    )
    files = write_document(document, tmp_path)
    assert {file.format for file in files} == {"md", "html", "csv"}
    for file in files:
        text = file.path.read_text(encoding="utf-8")
        assert secret not in text, file.path.name
        assert html.escape(secret) not in text, file.path.name
        mask = "\\*\\*\\*" if file.format == "md" else "***"
        assert f"before {mask} after" in text, file.path.name
        assert "clean" in text, file.path.name
