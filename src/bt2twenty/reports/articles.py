"""The article ↔ ticket table: each knowledge-base article with the tickets it was used on.

Articles become Twenty notes linked to the companies and people of those tickets. This table
lets the admin check those links and keeps the record of where each article was used.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable

from bt2twenty.reports.source import ExportTables, is_true
from bt2twenty.reports.writer import Column, Document, ExtraTable, Table

logger = logging.getLogger(__name__)

NAME = "article-tickets"
LINKS_NAME = "article-ticket-links"

COLUMNS = (
    Column("id", "Article id"),
    Column("subject", "Article"),
    Column("category", "Category"),
    Column("published", "Published"),
    Column("public", "Public"),
    Column("author", "Author"),
    Column("ticket_count", "Tickets"),
    Column("tickets", "Ticket ids"),
    Column("companies", "Companies"),
    Column("clients", "Clients"),
)
LINK_COLUMNS = (
    Column("article_id", "Article id"),
    Column("article", "Article"),
    Column("ticket_id", "Ticket id"),
    Column("ticket_key", "Ticket key"),
    Column("ticket_subject", "Ticket subject"),
    Column("company", "Company"),
    Column("client", "Client"),
)


def build_articles(tables: ExportTables) -> Document:
    """Build the article table and the CSV file with one row per article-ticket link."""
    links = [
        (row.get("article_id", "").strip(), row.get("ticket_id", "").strip())
        for row in tables.rows("article_tickets")
    ]
    tickets = _linked_tickets(tables, {ticket_id for _, ticket_id in links})
    articles = {row.get("id", "").strip(): row for row in tables.rows("articles")}

    link_table = Table(LINK_COLUMNS)
    by_article: dict[str, list[dict[str, str]]] = defaultdict(list)
    for article_id, ticket_id in links:
        ticket = tickets.get(ticket_id)
        article = articles.get(article_id, {})
        entry = {
            "article_id": article_id,
            "article": article.get("subject", "").strip()
            or f"article {article_id} (not in the export)",
            "ticket_id": ticket_id,
            "ticket_key": ticket.get("key", "").strip() if ticket else "",
            "ticket_subject": ticket.get("subject", "").strip()
            if ticket
            else f"ticket {ticket_id} (not in the export)",
            "company": tables.company(ticket) if ticket else "",
            "client": _client(tables, ticket) if ticket else "",
        }
        link_table.rows.append(entry)
        by_article[article_id].append(entry)

    table = Table(COLUMNS)
    for article_id, article in articles.items():
        used = by_article.get(article_id, [])
        table.rows.append(
            {
                "id": article_id,
                "subject": article.get("subject", "").strip(),
                "category": article.get("category_name", "").strip(),
                "published": _yes_no(article.get("published")),
                "public": _yes_no(article.get("public")),
                "author": tables.user(article.get("user_id", "")),
                "ticket_count": str(len(used)),
                "tickets": ", ".join(entry["ticket_id"] for entry in used),
                "companies": _distinct(entry["company"] for entry in used),
                "clients": _distinct(entry["client"] for entry in used),
            }
        )

    unused = sum(1 for row in table.rows if row["ticket_count"] == "0")
    intro = _intro(tables, len(table.rows), len(link_table.rows), unused)
    extras = [ExtraTable(LINKS_NAME, "Article-ticket links", link_table)]
    logger.info("Article table: %d articles, %d links", len(table.rows), len(link_table.rows))
    return Document(
        NAME,
        "Knowledge-base articles and their tickets",
        intro,
        table,
        "Articles",
        extra_tables=extras,
    )


def _intro(tables: ExportTables, articles: int, links: int, unused: int) -> list[str]:
    if not tables.has("articles"):
        return ["The export holds no articles file, so there is no knowledge base to hand over."]
    if not tables.has("article_tickets"):
        return [
            f"{articles} articles. The export holds no article-ticket file, so the tickets each "
            "article was used on are unknown; each article moves as a note without links."
        ]
    return [
        f"{articles} articles and {links} article-ticket links; {unused} articles were used on "
        "no ticket.",
        "Each article becomes a Twenty note linked to the companies and people of its tickets. "
        f"{LINKS_NAME}.csv has one row per link.",
    ]


def _linked_tickets(tables: ExportTables, wanted: set[str]) -> dict[str, dict[str, str]]:
    """Return the linked tickets only, streaming the tickets file once."""
    if not wanted:
        return {}
    return {
        ticket_id: row
        for row in tables.stream("tickets")
        if (ticket_id := row.get("id", "").strip()) in wanted
    }


def _client(tables: ExportTables, ticket: dict[str, str]) -> str:
    name = ticket.get("owner_name", "").strip()
    if name:
        return name
    user_id = ticket.get("user_id", "").strip()
    if not user_id or user_id == "0":
        return ""
    return tables.client_names.get(user_id, f"client {user_id} (not in the export)")


def _distinct(values: Iterable[str]) -> str:
    """Join the non-empty values in first-seen order, each once."""
    return "; ".join(dict.fromkeys(value for value in values if value))


def _yes_no(value: str | None) -> str:
    return "yes" if is_true(value) else "no"
