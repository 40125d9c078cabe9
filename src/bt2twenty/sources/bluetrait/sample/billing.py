"""Product, invoice, quote and purchase-order rows of a sample export, with GST worked per line."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from bt2twenty.sources.bluetrait.sample.companies import company_reference
from bt2twenty.sources.bluetrait.sample.people import client_reference, random_client_index
from bt2twenty.sources.bluetrait.sample.plan import SamplePlan, format_date, random_moment

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")
GST_RATE = Decimal("10.00")
# (sku, name, unit price ex GST, unit, recurring)
CATALOGUE = (
    ("M365-BP", "Microsoft 365 Business Premium", "36.30", "month", True),
    ("M365-BS", "Microsoft 365 Business Standard", "18.70", "month", True),
    ("MSP-MON", "Managed Endpoint Monitoring", "12.00", "month", True),
    ("MSP-SRV", "Managed Server", "149.00", "month", True),
    ("BKP-1TB", "Cloud Backup 1TB", "55.00", "month", True),
    ("LAB-REM", "Remote Support (hourly)", "165.00", "hour", False),
    ("LAB-ONS", "Onsite Support (hourly)", "185.00", "hour", False),
    ("HW-MON", "Dell 27in Monitor", "389.00", "each", False),
    ("HW-LAP", "Lenovo ThinkPad E14", "1349.00", "each", False),
    ("NBN-100", "NBN 100/20 Business", "109.00", "month", True),
    ("DOM-REG", "Domain Registration .com.au", "39.95", "year", True),
    ("FW-SUB", "Firewall Subscription", "1188.00", "year", True),
)
INVOICE_STATUSES = ("Draft", "Awaiting Payment", "Paid", "Paid", "Paid", "Overdue", "Void")
QUOTE_STATUSES = ("Draft", "Sent", "Accepted", "Declined", "Expired")
PO_STATUSES = ("Draft", "Ordered", "Received")
GST_MISMATCH_INDEX = 5
BANK_NOTE = "<p>Payment to BSB 062-000 Acct 1234 5678</p>"


@dataclass(frozen=True)
class Invoice:
    """One billing record: its invoices.csv row and its invoice_lines.csv rows."""

    row: dict[str, str]
    lines: list[dict[str, str]]


def product_row(plan: SamplePlan, index: int) -> dict[str, str]:
    """Return product number `index` (0-based); past the catalogue, tiers of its items repeat."""
    sku, name, price, unit, recurring = CATALOGUE[index % len(CATALOGUE)]
    tier = index // len(CATALOGUE)
    if tier:
        sku, name = f"{sku}-T{tier + 1}", f"{name} (tier {tier + 1})"
    unit_price = Decimal(price)
    return {
        "id": str(201 + index),
        "sku": sku,
        "name": name,
        "description": "",
        "unit_price": f"{unit_price:.2f}",
        "cost_price": f"{(unit_price * Decimal('0.7')).quantize(CENT, ROUND_HALF_UP)}",
        "taxable": "1",
        "unit": unit,
        "recurring": "1" if recurring else "0",
        "billing_cycle": {"month": "monthly", "year": "yearly"}.get(unit, "") if recurring else "",
        "category": "Services" if recurring or unit == "hour" else "Hardware",
        "active": "1",
    }


def invoice(plan: SamplePlan, index: int, first_line_id: int) -> Invoice:
    """Return billing record `index` (0-based) with its lines, numbered from `first_line_id`."""
    rng = plan.rng("invoice", index)
    client_index = random_client_index(plan, rng)
    client = client_reference(plan, client_index)
    company = company_reference(plan, plan.company_of_client(client_index))
    kind = rng.choice(("invoice", "invoice", "invoice", "quote", "purchase_order"))
    if index == GST_MISMATCH_INDEX:
        kind = "invoice"
    invoice_id = 8001 + index

    lines = [
        _line(plan, rng, invoice_id, first_line_id + offset, offset + 1)
        for offset in range(rng.randrange(1, 6))
    ]
    subtotal = sum((Decimal(line["line_total"]) for line in lines), Decimal(0))
    tax_total = sum((_line_tax(line) for line in lines), Decimal(0))
    if index == GST_MISMATCH_INDEX:
        # A total keyed in by hand: the GST no longer matches the lines.
        tax_total = (subtotal * Decimal("0.0064")).quantize(CENT, ROUND_HALF_UP)
    total = subtotal + tax_total

    issued = random_moment(rng)
    status = _status(rng, kind)
    recurring = kind == "invoice" and rng.random() < 0.05
    prefix = {"invoice": "INV", "quote": "Q", "purchase_order": "PO"}[kind]
    row = {
        "id": str(invoice_id),
        "type": kind,
        "number": f"{prefix}-{invoice_id:06d}",
        "company_id": company["id"],
        "company_name": company["name"],
        "contact_user_id": client["id"],
        "supplier_name": "Leader Computers" if kind == "purchase_order" else "",
        "status": status,
        "date_issued": format_date(issued),
        "date_due": format_date(issued + timedelta(days=14)),
        "reference": rng.choice(("", "Monthly services", f"Job {rng.randrange(10001, 10400)}")),
        "subtotal": f"{subtotal:.2f}",
        "tax_total": f"{tax_total:.2f}",
        "total": f"{total:.2f}",
        "amount_paid": f"{total:.2f}" if status == "Paid" else "0.00",
        # Older records leave the currency empty; it is implied AUD.
        "currency": "" if rng.random() < 0.25 else "AUD",
        "amounts_are": "tax_exclusive",
        "notes": BANK_NOTE,
        "project_id": str(rng.randrange(plan.counts["projects"]) + 1) if rng.random() < 0.1 else "",
        "xero_invoice_id": rng.randbytes(16).hex() if kind == "invoice" else "",
        "recurring": "1" if recurring else "0",
        "recurring_frequency": rng.choice(("monthly", "quarterly", "yearly")) if recurring else "",
        "next_run_date": format_date(issued + timedelta(days=30)) if recurring else "",
    }
    return Invoice(row=row, lines=lines)


def _status(rng: random.Random, kind: str) -> str:
    if kind == "quote":
        return rng.choice(QUOTE_STATUSES)
    if kind == "purchase_order":
        return rng.choice(PO_STATUSES)
    return rng.choice(INVOICE_STATUSES)


def _line(
    plan: SamplePlan, rng: random.Random, invoice_id: int, line_id: int, sort_order: int
) -> dict[str, str]:
    product = product_row(plan, rng.randrange(plan.counts["products"]))
    quantity = rng.choice((Decimal("0.5"), Decimal(1), Decimal(2), Decimal(3), Decimal(10)))
    unit_price = Decimal(product["unit_price"])
    discount = Decimal(10) if rng.random() < 0.1 else Decimal(0)
    gst_free = rng.random() < 0.1
    line_total = (quantity * unit_price * (1 - discount / 100)).quantize(CENT, ROUND_HALF_UP)
    return {
        "id": str(line_id),
        "invoice_id": str(invoice_id),
        "product_id": product["id"],
        "item_code": product["sku"],
        "description": product["name"],
        "quantity": f"{quantity}",
        "unit_price": product["unit_price"],
        "discount": f"{discount}",
        "tax_rate": "0.00" if gst_free else f"{GST_RATE}",
        "tax_code": "EXEMPTOUTPUT" if gst_free else "OUTPUT",
        "line_total": f"{line_total:.2f}",
        "timesheet_id": "",
        "sort_order": str(sort_order),
    }


def _line_tax(line: dict[str, str]) -> Decimal:
    rate = Decimal(line["tax_rate"]) / 100
    return (Decimal(line["line_total"]) * rate).quantize(CENT, ROUND_HALF_UP)
