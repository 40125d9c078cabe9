"""The alias table: the object each file name stands for, and the column each header means.

Canonical names follow Bluetrait's own snake_case table columns. Aliases cover Bluetrait's
screen-report headers ("Company Name", "Date Added", "Ticket #") and the names other PSA tools
use in their CSV exports. Headers are compared after `normalise_header`, so case, spaces and
punctuation do not matter. A header with no alias keeps its normalised name and is offered to
the mapping step as an unknown column.
"""

from __future__ import annotations

import logging
import re

logger = logging.getLogger(__name__)

OBJECTS = (
    "users",
    "companies",
    "clients",
    "products",
    "projects",
    "agents",
    "tickets",
    "ticket_notes",
    "ticket_attachments",
    "invoices",
    "timesheets",
    "invoice_lines",
    "agent_software",
    "agent_alerts",
    "articles",
    "article_tickets",
    "passwords",
    "custom_fields",
)
"""Every object the reader recognises, in an order where references point backwards."""

FILE_ALIASES: dict[str, tuple[str, ...]] = {
    "users": ("users", "user", "staff", "technicians", "members", "employees"),
    "companies": (
        "companies",
        "company",
        "customers",
        "customer",
        "accounts",
        "account",
        "organisations",
        "organizations",
    ),
    "clients": ("clients", "client", "contacts", "contact", "people", "end_users", "submitters"),
    "products": ("products", "product", "items", "catalogue", "catalog"),
    "projects": ("projects", "project"),
    "agents": ("agents", "agent", "devices", "assets", "endpoints", "computers", "configurations"),
    "tickets": ("tickets", "ticket", "requests", "cases", "service_tickets", "jobs"),
    "ticket_notes": (
        "ticket_notes",
        "notes",
        "ticket_replies",
        "replies",
        "ticket_comments",
        "comments",
        "ticket_actions",
    ),
    "ticket_attachments": ("ticket_attachments", "attachments", "ticket_files"),
    "invoices": ("invoices", "invoice", "quotes", "purchase_orders", "billing"),
    "timesheets": ("timesheets", "timesheet", "time_entries", "time_logs", "timelogs"),
    "invoice_lines": (
        "invoice_lines",
        "invoice_items",
        "line_items",
        "quote_lines",
        "purchase_order_lines",
        "billing_lines",
    ),
    "agent_software": ("agent_software", "installed_software", "software"),
    "agent_alerts": ("agent_alerts", "alerts", "monitoring_alerts"),
    "articles": ("articles", "kb_articles", "knowledge_base", "kb"),
    "article_tickets": ("article_tickets", "articles_to_tickets", "ticket_articles"),
    "passwords": ("passwords", "password_entries", "credentials", "vault"),
    "custom_fields": ("custom_fields", "custom_field_labels", "table_access_cf"),
}

_COMMON: dict[str, tuple[str, ...]] = {
    "date_added": ("created", "created_at", "date_created", "create_date", "added", "date_opened"),
    "last_modified": ("modified", "updated", "updated_at", "last_updated", "date_modified"),
    "company_id": ("account_id", "customer_id", "client_id"),
    "company_name": ("company", "customer", "account", "account_name", "client_company"),
}

COLUMN_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "tickets": {
        "id": ("ticket_id", "ticket_number", "ticket_no", "requestid", "number"),
        "subject": ("summary", "title"),
        "description": ("details", "body", "initial_issue"),
        "status_name": ("status", "state", "ticket_status"),
        "priority_name": ("priority", "urgency"),
        "department_name": ("department", "queue", "board", "team"),
        "owner_name": ("owner", "requester", "contact", "contact_name", "end_user", "user"),
        "assigned_name": ("assigned", "assigned_to", "technician", "agent", "resource"),
        "date_due": ("due_date", "due"),
        "date_added": ("dateoccurred",),
        "date_closed": ("closed", "resolved_at", "date_resolved"),
        "tags": ("tag", "labels"),
    },
    "companies": {
        "name": ("company_name", "company", "business_name", "account_name", "customer_name"),
        "website": ("web", "url", "domain", "web_site"),
        "phone": ("phone_number", "telephone", "main_phone"),
        "abn": ("abn_number", "tax_number", "business_number"),
        "postcode": ("post_code", "zip", "zip_code", "postal_code"),
        "suburb": ("city", "town"),
    },
    "clients": {
        "name": ("full_name", "contact_name", "client_name"),
        "email": ("email_address", "e_mail"),
        "phone_number": ("phone", "telephone", "work_phone"),
        "mobile": ("mobile_phone", "mobile_number", "cell"),
        "position": ("job_title", "title", "role"),
    },
    "users": {
        "name": ("full_name", "user_name", "staff_name"),
        "email": ("email_address", "e_mail"),
        "group_name": ("group", "user_group", "role", "permission_group"),
    },
    "ticket_notes": {
        "description": ("note", "body", "reply", "comment", "details"),
        "private": ("internal", "is_private", "hidden"),
        "id": ("note_id", "reply_id"),
    },
    "timesheets": {
        "hours": ("duration", "time", "time_spent", "hours_worked"),
        "date": ("entry_date", "work_date"),
        "user_name": ("technician", "staff", "user", "resource"),
        "billable": ("is_billable", "chargeable"),
        "hourly_rate": ("rate", "charge_rate"),
    },
    "invoices": {
        "number": ("invoice_number", "invoice_no", "invoicenumber", "quote_number", "po_number"),
        "total": ("total_amount", "amount", "grand_total"),
        "tax_total": ("tax", "gst", "total_tax", "gst_total"),
        "subtotal": ("sub_total", "total_ex_gst", "net_amount"),
        "date_issued": ("invoice_date", "issue_date", "date"),
        "date_due": ("due_date", "due"),
    },
    "invoice_lines": {
        "quantity": ("qty",),
        "unit_price": ("price", "rate", "unitamount"),
        "tax_rate": ("gst_rate",),
        "tax_code": ("taxtype", "tax_type"),
        "line_total": ("amount", "total", "lineamount"),
    },
    "products": {
        "sku": ("code", "item_code", "product_code", "part_number"),
        "unit_price": ("price", "sell_price", "sale_price"),
        "cost_price": ("cost", "buy_price"),
    },
    "agents": {
        "name": ("hostname", "computer_name", "device", "device_name", "asset_name"),
        "hw_serial_number": ("serial", "serial_number"),
        "hw_manufacturer": ("manufacturer", "make", "vendor"),
        "hw_model": ("model",),
    },
    "articles": {"subject": ("title", "name"), "description": ("body", "content")},
    "passwords": {
        "name": ("title", "entry_name"),
        "password": ("secret", "pass"),
        "category": ("folder", "category_name"),
    },
}

KNOWN_COLUMNS: dict[str, frozenset[str]] = {
    name: frozenset(columns.split())
    for name, columns in {
        "users": "id name username email phone_number group_id group_name allow_login "
        "two_factor_enabled timesheets_hourly_rate date_added last_login active company_id",
        "companies": "id name abn phone website address suburb state postcode country notes active "
        "date_added last_modified primary_location_id default_billing_user_id xero_contact_id",
        "clients": "id name email username phone_number mobile position company_id company_name "
        "allow_login email_notifications date_added group_id group_name address location_id "
        "first_name last_name",
        "products": "id sku name description unit_price cost_price taxable unit recurring "
        "billing_cycle category active xero_item_code xero_account_code supplier",
        "projects": "id name company_id description status_id status_name category_id "
        "category_name project_manager_id project_lead_id internal budget_hours budget_amount "
        "task_count date_added date_due completed_date quoted_amount",
        "agents": "id name company_id company_name location_id hw_serial_number hw_manufacturer "
        "hw_model purchase_date warranty_expires os_name os_version os_build agent_version "
        "last_seen online watchdog_status ip_internal ip_external mac_address logged_in_user "
        "date_added",
        "tickets": "id key subject description html status_name status_active priority_name "
        "department_name user_id owner_name submitted_user_id assigned_user_id assigned_name "
        "company_id company_name project_id agent_id cc tags date_added last_modified date_due "
        "archived merge_ticket_id state_id priority_id department_id name email "
        "date_state_changed date_closed pop_account_id",
        "ticket_notes": "id ticket_id user_id name email description private source date_added "
        "html subject cc company_id",
        "ticket_attachments": "id ticket_id ticket_note_id file_name path mime_type date_added "
        "size sha256",
        "invoices": "id type number company_id company_name contact_user_id supplier_name status "
        "date_issued date_due reference subtotal tax_total total amount_paid amount_due currency "
        "amounts_are notes project_id ticket_id xero_invoice_id xero_url recurring "
        "recurring_frequency next_run_date converted_from_quote_id",
        "timesheets": "id user_id user_name ticket_id project_id company_id date start_time "
        "end_time hours description billable timesheet_type hourly_rate invoiced invoice_id "
        "activity work_type",
        "invoice_lines": "id invoice_id product_id item_code description quantity unit_price "
        "discount tax_rate tax_code line_total timesheet_id sort_order account_code ticket_id",
        "agent_software": "agent_id name publisher version install_date",
        "agent_alerts": "id agent_id type severity message date_added date_resolved ticket_id",
        "articles": "id subject description category_id category_name public published user_id "
        "views date_added last_modified",
        "article_tickets": "article_id ticket_id",
        "passwords": "id name username password url description category company_id "
        "company_name user_id date_added last_modified old parent_id",
        "custom_fields": "id table_name column name type allowed_values",
    }.items()
}
"""The columns Bluetrait's own tables have, per object; anything else is an unknown column."""

_TIMESTAMP_SUFFIX = re.compile(r"[-_ ]\d{4}-\d{2}-\d{2}(?:[ _T]\d{2}[:_.-]?\d{2}[:_.-]?\d{2})?$")
_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalise_header(header: str) -> str:
    """Return a header as lower snake_case ("Ticket #" becomes "ticket_number")."""
    text = header.strip().lower().replace("#", " number ").replace("%", " percent ")
    text = re.sub(r"\bno\.", "number", text)
    return _NON_WORD.sub("_", text).strip("_")


def object_for_file(file_name: str) -> str | None:
    """Return the object a CSV file holds, judged by its name, or None when unknown.

    Bluetrait names downloads ``<object>-<YYYY-MM-DD HH:MM:SS>.csv``; the timestamp is ignored.
    """
    stem = file_name.rsplit("/", 1)[-1]
    stem = stem[: -len(".csv")] if stem.lower().endswith(".csv") else stem
    stem = _TIMESTAMP_SUFFIX.sub("", stem)
    key = normalise_header(stem)
    for prefix in ("bluetrait_", "export_"):
        key = key.removeprefix(prefix)

    for object_name, names in FILE_ALIASES.items():
        if key in names:
            return object_name
    return None


def canonical_column(object_name: str, header: str) -> tuple[str, bool]:
    """Return (canonical column name, whether it is known) for one header of an object."""
    key = normalise_header(header)
    if not key:
        return "", False

    table = COLUMN_ALIASES.get(object_name, {})
    if key in table:
        return key, True
    for canonical, aliases in table.items():
        if key in aliases:
            return canonical, True
    for canonical, aliases in _COMMON.items():
        if key == canonical or key in aliases:
            return canonical, True
    return key, _is_known_shape(object_name, key)


def _is_known_shape(object_name: str, key: str) -> bool:
    """Return True for a Bluetrait column, an id reference or a ``cf_N`` custom field."""
    if key in KNOWN_COLUMNS.get(object_name, frozenset()):
        return True
    return key == "id" or key.endswith("_id") or re.fullmatch(r"cf_\d+", key) is not None
