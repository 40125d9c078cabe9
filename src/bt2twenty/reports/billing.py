"""The recurring billing inventory: every recurring invoice and product cadence in the export.

Twenty has no billing engine, so recurring billing rules do not move. This inventory gives the
admin what the customer's billing tool needs to recreate them. Recurrence is read only from the
columns that mark it. When the export has none, the document states this and lists nothing.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from bt2twenty.reports.source import ExportTables, is_true
from bt2twenty.reports.writer import Column, Document, Section, Table

logger = logging.getLogger(__name__)

NAME = "recurring-billing"
INVOICE_MARKERS = ("recurring", "recurring_frequency", "next_run_date")
PRODUCT_MARKERS = ("recurring", "billing_cycle")
MAX_ITEMS_SHOWN = 10

COLUMNS = (
    Column("kind", "Kind"),
    Column("id", "Bluetrait id"),
    Column("number", "Number / SKU"),
    Column("name", "Description"),
    Column("company", "Company"),
    Column("cadence", "Cadence"),
    Column("next_date", "Next date"),
    Column("amount", "Amount ex tax"),
    Column("tax", "Tax"),
    Column("total", "Total"),
    Column("currency", "Currency"),
    Column("unit", "Unit"),
    Column("status", "Status"),
    Column("items", "Items"),
)


def build_billing(tables: ExportTables, *, default_currency: str) -> Document:
    """Build the recurring billing inventory from the invoices and products files."""
    table = Table(COLUMNS)
    notes: list[str] = []

    invoice_columns = tables.columns("invoices")
    invoice_markers = [name for name in INVOICE_MARKERS if name in invoice_columns]
    if not tables.has("invoices"):
        notes.append("The export holds no invoices file, so no recurring invoice is listed.")
    elif not invoice_markers:
        notes.append(
            "The invoices file has no column that marks recurrence (looked for: "
            + ", ".join(INVOICE_MARKERS)
            + "), so no invoice is listed as recurring. Check the customer's recurring "
            "invoices in Bluetrait itself."
        )
    else:
        table.rows.extend(_invoices(tables, default_currency))

    product_columns = tables.columns("products")
    product_markers = [name for name in PRODUCT_MARKERS if name in product_columns]
    if not tables.has("products"):
        notes.append("The export holds no products file, so no product cadence is listed.")
    elif not product_markers:
        notes.append(
            "The products file has no column that marks a billing cadence (looked for: "
            + ", ".join(PRODUCT_MARKERS)
            + "), so no product is listed as recurring."
        )
    else:
        table.rows.extend(_products(tables, default_currency))

    invoices = sum(1 for row in table.rows if row["kind"] == "invoice")
    products = len(table.rows) - invoices
    intro = [
        f"{invoices} recurring invoices and {products} products billed on a cadence.",
        "Recurring billing does not move into Twenty. Recreate each rule in the customer's "
        "billing tool (Xero or other) from this list; amounts are as exported, and a blank "
        f"currency is shown as {default_currency}, the migration's default currency.",
        *notes,
    ]
    markers = Section(
        "Where recurrence was read",
        [
            "Invoices: " + (", ".join(invoice_markers) or "no marking column") + ".",
            "Products: " + (", ".join(product_markers) or "no marking column") + ".",
        ],
    )
    logger.info("Recurring billing: %d invoices, %d products", invoices, products)
    return Document(NAME, "Recurring billing inventory", intro, table, "Recurring items", [markers])


def _invoices(tables: ExportTables, default_currency: str) -> list[dict[str, str]]:
    recurring = [row for row in tables.rows("invoices") if _invoice_recurs(row)]
    items = _line_items({row.get("id", "").strip() for row in recurring}, tables)
    rows = []
    for row in recurring:
        invoice_id = row.get("id", "").strip()
        rows.append(
            {
                "kind": "invoice",
                "id": invoice_id,
                "number": row.get("number", "").strip(),
                "name": row.get("reference", "").strip(),
                "company": tables.company(row),
                "cadence": row.get("recurring_frequency", "").strip() or "(not given)",
                "next_date": _date_text(row.get("next_run_date", "")),
                "amount": row.get("subtotal", "").strip(),
                "tax": row.get("tax_total", "").strip(),
                "total": row.get("total", "").strip(),
                "currency": row.get("currency", "").strip() or default_currency,
                "unit": "",
                "status": row.get("status", "").strip(),
                "items": _items_text(items.get(invoice_id, [])),
            }
        )
    return rows


def _products(tables: ExportTables, default_currency: str) -> list[dict[str, str]]:
    rows = []
    for row in tables.rows("products"):
        if not _product_recurs(row):
            continue
        rows.append(
            {
                "kind": "product",
                "id": row.get("id", "").strip(),
                "number": row.get("sku", "").strip(),
                "name": row.get("name", "").strip(),
                "company": "",
                "cadence": row.get("billing_cycle", "").strip() or "(not given)",
                "next_date": "",
                "amount": row.get("unit_price", "").strip(),
                "tax": "taxable" if is_true(row.get("taxable")) else "",
                "total": "",
                "currency": default_currency,
                "unit": row.get("unit", "").strip(),
                "status": "active" if is_true(row.get("active", "1")) else "inactive",
                "items": "",
            }
        )
    return rows


def _invoice_recurs(row: dict[str, str]) -> bool:
    if "recurring" in row:
        return is_true(row["recurring"])
    return bool(row.get("recurring_frequency", "").strip() or _date_text(row.get("next_run_date")))


def _product_recurs(row: dict[str, str]) -> bool:
    if "recurring" in row:
        return is_true(row["recurring"])
    return bool(row.get("billing_cycle", "").strip())


def _line_items(invoice_ids: set[str], tables: ExportTables) -> dict[str, list[str]]:
    """Return "code × quantity @ unit price" per line of the given invoices."""
    items: dict[str, list[str]] = defaultdict(list)
    if not invoice_ids:
        return items
    for line in tables.stream("invoice_lines"):
        invoice_id = line.get("invoice_id", "").strip()
        if invoice_id not in invoice_ids:
            continue
        label = line.get("item_code", "").strip() or line.get("description", "").strip()
        quantity = line.get("quantity", "").strip()
        price = line.get("unit_price", "").strip()
        items[invoice_id].append(f"{label} × {quantity} @ {price}")
    return items


def _items_text(items: list[str]) -> str:
    shown = "; ".join(items[:MAX_ITEMS_SHOWN])
    if len(items) > MAX_ITEMS_SHOWN:
        shown += f"; and {len(items) - MAX_ITEMS_SHOWN} more lines"
    return shown


def _date_text(value: str | None) -> str:
    """Return the date as exported, or an empty string for MySQL's zero date."""
    text = (value or "").strip()
    return "" if text.startswith("0000-00-00") else text
