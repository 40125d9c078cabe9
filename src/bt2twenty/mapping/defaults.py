"""The default Bluetrait → Twenty map: the proposer's prior for every known column.

Keys are the canonical column names the export reader yields, which are Bluetrait's own
snake_case names. The reader's aliases translate screen-report and other PSA headers to them.
A column whose target is None is skipped, and its label holds the reason. `create_type` names
the type of the custom field the schema step creates when the target object lacks the field.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DefaultColumn:
    """The usual destination of one Bluetrait column."""

    target: str | None
    transform: str = "text"
    part: str | None = None
    create_type: str | None = None
    label: str = ""
    params: dict[str, str] = field(default_factory=dict)
    value_map: bool = False

    @property
    def skip_reason(self) -> str | None:
        return self.label if self.target is None else None


@dataclass(frozen=True)
class DefaultObject:
    """The usual destination of one Bluetrait object."""

    target: str | None
    reason: str
    custom_labels: tuple[str, str] | None = None
    columns: dict[str, DefaultColumn] = field(default_factory=dict)


def _skip(reason: str) -> DefaultColumn:
    return DefaultColumn(target=None, label=reason)


def _new(
    target: str,
    create_type: str,
    label: str,
    transform: str,
    *,
    params: dict[str, str] | None = None,
    value_map: bool = False,
) -> DefaultColumn:
    return DefaultColumn(
        target=target,
        transform=transform,
        create_type=create_type,
        label=label,
        params=params or {},
        value_map=value_map,
    )


def _link(
    target: str, label: str, source_object: str, transform: str = "relation"
) -> DefaultColumn:
    return DefaultColumn(
        target=target,
        transform=transform,
        create_type="RELATION",
        label=label,
        params={"object": source_object},
    )


_ID = _new("bluetraitId", "TEXT", "Bluetrait id", "text")
_CREATED = DefaultColumn(target="createdAt", transform="date_time")
_MODIFIED = _skip("source modification time; read by delta runs, not stored")
_DISPLAY_NAME = _skip("display name of a referenced record; the relation carries it")

DEFAULT_OBJECTS: dict[str, DefaultObject] = {
    "companies": DefaultObject("company", "Bluetrait companies are Twenty companies", columns={
        "id": _ID,
        "name": DefaultColumn("name"),
        "abn": _new("abn", "TEXT", "ABN", "text"),
        "phone": _new("phone", "PHONES", "Phone", "phones"),
        "website": DefaultColumn("domainName", "links", params={"kind": "domain"}),
        "address": DefaultColumn("address", "address", part="addressStreet1"),
        "suburb": DefaultColumn("address", "address", part="addressCity"),
        "state": DefaultColumn("address", "address", part="addressState"),
        "postcode": DefaultColumn("address", "address", part="addressPostcode"),
        "country": DefaultColumn("address", "address", part="addressCountry"),
        "notes": _new("notes", "RICH_TEXT", "Notes", "rich_text"),
        "active": _new("active", "BOOLEAN", "Active", "boolean"),
        "date_added": _CREATED,
        "last_modified": _MODIFIED,
    }),
    "clients": DefaultObject("person", "Bluetrait clients (submitters) are Twenty people", columns={
        "id": _ID,
        "name": DefaultColumn("name", "full_name"),
        "email": DefaultColumn("emails", "emails"),
        "username": _new("bluetraitUsername", "TEXT", "Bluetrait username", "text"),
        "phone_number": DefaultColumn("phones", "phones", part="primary"),
        "mobile": DefaultColumn("phones", "phones", part="additional"),
        "position": DefaultColumn("jobTitle"),
        "company_id": DefaultColumn("company", "relation", params={"object": "companies"}),
        "company_name": _DISPLAY_NAME,
        "allow_login": _skip("portal login setting; Twenty has no client portal"),
        "email_notifications": _skip("notification preference; Twenty has no equivalent"),
        "date_added": _CREATED,
        "group_name": _skip("user group; clients are the Submitter group"),
    }),
    "users": DefaultObject(None, "staff become workspace members by invitation, matched by email"),
    "tickets": DefaultObject("ticket", "tickets have no standard Twenty object", ("Ticket", "Tickets"), columns={
        "id": _new("ticketNumber", "NUMBER", "Ticket number", "number"),
        "key": _new("ticketKey", "TEXT", "Ticket key", "text"),
        "subject": DefaultColumn("name"),
        "description": _new("description", "RICH_TEXT", "Description", "rich_text"),
        "html": _skip("tells whether description is HTML; the rich-text conversion reads it"),
        "status_name": _new("status", "SELECT", "Status", "select", value_map=True),
        "status_active": _skip("whether the status counts as open; kept in the status option"),
        "priority_name": _new("priority", "SELECT", "Priority", "select", value_map=True),
        "department_name": _new("department", "SELECT", "Department", "select", value_map=True),
        "user_id": _link("requester", "Requester", "clients"),
        "owner_name": _DISPLAY_NAME,
        "submitted_user_id": _skip("who logged the ticket; user_id is the requester"),
        "assigned_user_id": _link("assignee", "Assignee", "users", transform="member"),
        "assigned_name": _DISPLAY_NAME,
        "company_id": _link("company", "Company", "companies"),
        "company_name": _DISPLAY_NAME,
        "project_id": _link("project", "Project", "projects"),
        "agent_id": _new("agentName", "TEXT", "Device", "lookup", params={"object": "agents", "column": "name"}),
        "cc": _new("ccEmails", "EMAILS", "CC", "emails"),
        "tags": _new("tags", "MULTI_SELECT", "Tags", "multi_select", value_map=True),
        "date_added": _CREATED,
        "last_modified": _MODIFIED,
        "date_due": _new("dueAt", "DATE_TIME", "Due", "date_time"),
        "archived": _new("archived", "BOOLEAN", "Archived", "boolean"),
        "merge_ticket_id": _link("mergedInto", "Merged into", "tickets"),
    }),
    "ticket_notes": DefaultObject("note", "ticket notes are notes linked to their ticket", columns={
        "id": _ID,
        "ticket_id": DefaultColumn("ticket", "note_target", params={"object": "tickets"}),
        "user_id": _new("author", "TEXT", "Author", "lookup", params={"object": "users", "column": "email"}),
        "name": _new("authorName", "TEXT", "Author name", "text"),
        "email": _new("authorEmail", "EMAILS", "Author email", "emails"),
        "description": DefaultColumn("bodyV2", "rich_text"),
        "private": _new("private", "BOOLEAN", "Private", "boolean"),
        "source": _new("channel", "SELECT", "Channel", "select", value_map=True),
        "date_added": _CREATED,
    }),
    "ticket_attachments": DefaultObject("attachment", "files uploaded and linked to their ticket", columns={
        "id": _ID,
        "ticket_id": DefaultColumn("ticket", "attachment_target", params={"object": "tickets"}),
        "ticket_note_id": _skip("attachments link to the ticket; the note link is kept in the name"),
        "file_name": DefaultColumn("name"),
        "path": DefaultColumn("file", "file_upload"),
        "mime_type": DefaultColumn("fileCategory", "file_category"),
        "date_added": _CREATED,
        "size": _skip("checked against the uploaded bytes"),
        "sha256": _skip("checked against the uploaded bytes"),
    }),
    "timesheets": DefaultObject("timesheet", "timesheets have no standard Twenty object", ("Timesheet", "Timesheets"), columns={
        "id": _ID,
        "user_id": _link("staffMember", "Staff member", "users", transform="member"),
        "user_name": _DISPLAY_NAME,
        "ticket_id": _link("ticket", "Ticket", "tickets"),
        "project_id": _link("project", "Project", "projects"),
        "company_id": _link("company", "Company", "companies"),
        "date": _new("date", "DATE", "Date", "date"),
        "start_time": _new("startTime", "DATE_TIME", "Start", "date_time"),
        "end_time": _new("endTime", "DATE_TIME", "End", "date_time"),
        "hours": _new("hours", "NUMERIC", "Hours", "numeric"),
        "description": DefaultColumn("name"),
        "billable": _new("billable", "BOOLEAN", "Billable", "boolean"),
        "timesheet_type": _new("timesheetType", "SELECT", "Type", "select", value_map=True),
        "hourly_rate": _new("rate", "CURRENCY", "Rate", "currency"),
        "invoiced": _new("invoiced", "BOOLEAN", "Invoiced", "boolean"),
        "invoice_id": _link("invoice", "Invoice", "invoices"),
    }),
    "projects": DefaultObject("project", "internal projects are a custom object; commercial ones may be opportunities", ("Project", "Projects"), columns={
        "id": _ID,
        "name": DefaultColumn("name"),
        "company_id": _link("company", "Company", "companies"),
        "description": _new("description", "RICH_TEXT", "Description", "rich_text"),
        "status_name": _new("status", "SELECT", "Status", "select", value_map=True),
        "category_name": _new("category", "SELECT", "Category", "select", value_map=True),
        "project_manager_id": _link("manager", "Manager", "users", transform="member"),
        "project_lead_id": _link("lead", "Lead", "users", transform="member"),
        "internal": _new("internal", "BOOLEAN", "Internal", "boolean"),
        "budget_hours": _new("budgetHours", "NUMERIC", "Budget hours", "numeric"),
        "budget_amount": _new("budgetAmount", "CURRENCY", "Budget", "currency"),
        "task_count": _new("taskCount", "NUMBER", "Tasks", "number"),
        "date_added": _CREATED,
        "date_due": _new("dueAt", "DATE_TIME", "Due", "date_time"),
        "completed_date": _new("completedAt", "DATE_TIME", "Completed", "date_time"),
    }),
    "invoices": DefaultObject("invoice", "invoices, quotes and purchase orders, told apart by type", ("Invoice", "Invoices"), columns={
        "id": _ID,
        "type": _new("documentType", "SELECT", "Document type", "select", value_map=True),
        "number": DefaultColumn("name"),
        "company_id": _link("company", "Company", "companies"),
        "company_name": _DISPLAY_NAME,
        "contact_user_id": _link("contact", "Contact", "clients"),
        "supplier_name": _new("supplier", "TEXT", "Supplier", "text"),
        "status": _new("status", "SELECT", "Status", "select", value_map=True),
        "date_issued": _new("issuedOn", "DATE", "Issued", "date"),
        "date_due": _new("dueOn", "DATE", "Due", "date"),
        "reference": _new("reference", "TEXT", "Reference", "text"),
        "subtotal": _new("subtotal", "CURRENCY", "Subtotal", "currency"),
        "tax_total": _new("taxTotal", "CURRENCY", "Tax", "currency"),
        "total": _new("total", "CURRENCY", "Total", "currency"),
        "amount_paid": _new("amountPaid", "CURRENCY", "Paid", "currency"),
        "currency": _skip("read by the currency conversion of the amount columns"),
        "amounts_are": _new("amountsAre", "SELECT", "Amounts are", "select", value_map=True),
        "notes": _new("notes", "TEXT", "Notes", "text"),
        "project_id": _link("project", "Project", "projects"),
        "xero_invoice_id": _new("xeroInvoiceId", "TEXT", "Xero invoice id", "text"),
        "recurring": _skip("recurring billing does not migrate; it is inventoried for the admin"),
        "recurring_frequency": _skip("recurring billing does not migrate; it is inventoried"),
        "next_run_date": _skip("recurring billing does not migrate; it is inventoried"),
    }),
    "invoice_lines": DefaultObject("invoiceLine", "invoice lines belong to their invoice", ("Invoice line", "Invoice lines"), columns={
        "id": _ID,
        "invoice_id": _link("invoice", "Invoice", "invoices"),
        "product_id": _link("product", "Product", "products"),
        "item_code": _new("itemCode", "TEXT", "Item code", "text"),
        "description": DefaultColumn("name"),
        "quantity": _new("quantity", "NUMERIC", "Quantity", "numeric"),
        "unit_price": _new("unitPrice", "CURRENCY", "Unit price", "currency"),
        "discount": _new("discount", "NUMERIC", "Discount", "numeric"),
        "tax_rate": _new("taxRate", "NUMERIC", "Tax rate", "numeric"),
        "tax_code": _new("taxCode", "TEXT", "Tax code", "text"),
        "line_total": _new("lineTotal", "CURRENCY", "Line total", "currency"),
        "timesheet_id": _link("timesheet", "Timesheet", "timesheets"),
        "sort_order": _new("sortOrder", "NUMBER", "Sort order", "number"),
    }),
    "products": DefaultObject("product", "products have no standard Twenty object", ("Product", "Products"), columns={
        "id": _ID,
        "sku": _new("sku", "TEXT", "SKU", "text"),
        "name": DefaultColumn("name"),
        "description": _new("description", "TEXT", "Description", "text"),
        "unit_price": _new("unitPrice", "CURRENCY", "Unit price", "currency"),
        "cost_price": _new("costPrice", "CURRENCY", "Cost", "currency"),
        "taxable": _new("taxable", "BOOLEAN", "Taxable", "boolean"),
        "unit": _new("unit", "TEXT", "Unit", "text"),
        "recurring": _new("recurring", "BOOLEAN", "Recurring", "boolean"),
        "billing_cycle": _new("billingCycle", "SELECT", "Billing cycle", "select", value_map=True),
        "category": _new("category", "SELECT", "Category", "select", value_map=True),
        "active": _new("active", "BOOLEAN", "Active", "boolean"),
    }),
    "articles": DefaultObject("note", "knowledge-base articles become notes linked to the records of their tickets", columns={
        "id": _ID,
        "subject": DefaultColumn("title"),
        "description": DefaultColumn("bodyV2", "rich_text"),
        "category_name": _new("category", "TEXT", "Category", "text"),
        "public": _skip("portal visibility; Twenty has no knowledge-base portal"),
        "published": _skip("portal publishing state"),
        "user_id": _skip("article author; kept in the hand-over table"),
        "views": _skip("portal view counter"),
        "date_added": _CREATED,
        "last_modified": _MODIFIED,
    }),
    "agents": DefaultObject(None, "RMM agents do not migrate; each company gets a note listing its devices"),
    "agent_software": DefaultObject(None, "installed software is listed in the agent inventory"),
    "agent_alerts": DefaultObject(None, "open alerts are listed in the agent inventory"),
    "article_tickets": DefaultObject(None, "article-ticket links decide the article notes' targets"),
    "passwords": DefaultObject(None, "password secrets never move; an inventory without secrets is handed over"),
    "custom_fields": DefaultObject(None, "custom-field labels name the cf_N columns"),
}  # fmt: skip
