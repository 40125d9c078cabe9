"""Standard objects, fields and workspace members a new sandbox workspace starts with."""

from __future__ import annotations

from typing import Any

from bt2twenty.sandbox.schema import (
    FieldMeta,
    JsonObject,
    ObjectMeta,
    metadata_changed,
    metadata_id,
    rich_text_type,
)

# Colours Twenty accepts on SELECT and MULTI_SELECT options.
TAG_COLORS = (
    "red",
    "ruby",
    "crimson",
    "tomato",
    "orange",
    "amber",
    "yellow",
    "lime",
    "grass",
    "green",
    "jade",
    "mint",
    "turquoise",
    "cyan",
    "sky",
    "blue",
    "iris",
    "violet",
    "purple",
    "plum",
    "pink",
    "bronze",
    "gold",
    "brown",
    "gray",
)

# Standard objects a custom object is linked to as a target (``target<Object>`` fields).
TARGET_HOLDERS = ("noteTarget", "taskTarget", "attachment", "timelineActivity")

SEEDED_MEMBERS = (
    ("Ava", "Nguyen", "ava.nguyen@example.com"),
    ("Liam", "Chen", "liam.chen@example.com"),
    ("Olivia", "Smith", "olivia.smith@example.com"),
)


def _options(values: list[str], colors: tuple[str, ...] = TAG_COLORS) -> list[JsonObject]:
    return [
        {
            "id": metadata_id("option", value),
            "value": value,
            "label": value.replace("_", " ").title(),
            "position": position,
            "color": colors[position % len(colors)],
        }
        for position, value in enumerate(values)
    ]


def new_object(
    name_singular: str,
    name_plural: str,
    label_singular: str,
    label_plural: str,
    now: str,
    *,
    is_custom: bool = False,
    object_id: str | None = None,
) -> ObjectMeta:
    """Build an object carrying the system fields every Twenty object has."""
    meta = ObjectMeta(
        id=object_id or metadata_id("object", name_singular),
        name_singular=name_singular,
        name_plural=name_plural,
        label_singular=label_singular,
        label_plural=label_plural,
        is_custom=is_custom,
        created_at=now,
        updated_at=now,
    )
    system: list[tuple[str, str, str, dict[str, Any]]] = [
        ("id", "Id", "UUID", {"is_nullable": False, "is_unique": True}),
        ("createdAt", "Creation date", "DATE_TIME", {"is_nullable": False, "default_value": "now"}),
        ("updatedAt", "Last update", "DATE_TIME", {"is_nullable": False, "default_value": "now"}),
        ("deletedAt", "Deleted", "DATE_TIME", {}),
        ("createdBy", "Created by", "ACTOR", {"is_nullable": False}),
        ("updatedBy", "Updated by", "ACTOR", {"is_nullable": False}),
        ("position", "Position", "POSITION", {}),
        ("searchVector", "Search vector", "TS_VECTOR", {}),
    ]
    for name, label, field_type, extra in system:
        add_field(meta, name, label, field_type, now, is_system=True, **extra)
    return meta


def add_field(
    meta: ObjectMeta, name: str, label: str, field_type: str, now: str, **extra: Any
) -> FieldMeta:
    """Add a field to `meta` with a deterministic id and return it."""
    field = FieldMeta(
        id=extra.pop("field_id", None) or metadata_id("field", meta.name_singular, name),
        object_id=meta.id,
        name=name,
        label=label,
        type=field_type,
        created_at=now,
        updated_at=now,
        **extra,
    )
    meta.fields[name] = field
    metadata_changed()
    return field


def link_objects(
    source: ObjectMeta,
    name: str,
    label: str,
    target: ObjectMeta,
    inverse_name: str,
    inverse_label: str,
    now: str,
    *,
    is_custom: bool = False,
) -> tuple[FieldMeta, FieldMeta]:
    """Create a MANY_TO_ONE field on `source` and its ONE_TO_MANY inverse on `target`."""
    many_to_one = add_field(
        source, name, label, "RELATION", now, relation_type="MANY_TO_ONE", is_custom=is_custom
    )
    one_to_many = add_field(
        target,
        inverse_name,
        inverse_label,
        "RELATION",
        now,
        relation_type="ONE_TO_MANY",
        is_custom=is_custom,
    )
    many_to_one.target_object_id = target.id
    many_to_one.target_field_id = one_to_many.id
    one_to_many.target_object_id = source.id
    one_to_many.target_field_id = many_to_one.id
    return many_to_one, one_to_many


def link_as_target(holder: ObjectMeta, target: ObjectMeta, now: str) -> None:
    """Make `target` linkable from a note, task, attachment or timeline target holder."""
    capitalized = target.name_singular[0].upper() + target.name_singular[1:]
    inverse = {
        "noteTarget": "noteTargets",
        "taskTarget": "taskTargets",
        "attachment": "attachments",
        "timelineActivity": "timelineActivities",
    }[holder.name_singular]
    link_objects(
        holder,
        f"target{capitalized}",
        target.label_singular,
        target,
        inverse,
        holder.label_plural,
        now,
        is_custom=target.is_custom,
    )


def standard_objects(era: str, now: str) -> list[ObjectMeta]:
    """Build the standard objects of a new workspace in `era`, with their relations."""
    rich_text = rich_text_type(era)
    company = new_object("company", "companies", "Company", "Companies", now)
    person = new_object("person", "people", "Person", "People", now)
    opportunity = new_object("opportunity", "opportunities", "Opportunity", "Opportunities", now)
    note = new_object("note", "notes", "Note", "Notes", now)
    note_target = new_object("noteTarget", "noteTargets", "Note Target", "Note Targets", now)
    task = new_object("task", "tasks", "Task", "Tasks", now)
    task_target = new_object("taskTarget", "taskTargets", "Task Target", "Task Targets", now)
    attachment = new_object("attachment", "attachments", "Attachment", "Attachments", now)
    member = new_object(
        "workspaceMember", "workspaceMembers", "Workspace Member", "Workspace Members", now
    )
    activity = new_object(
        "timelineActivity", "timelineActivities", "Timeline Activity", "Timeline Activities", now
    )

    add_field(company, "name", "Name", "TEXT", now)
    add_field(company, "domainName", "Domain Name", "LINKS", now, is_unique=era == "v1")
    add_field(company, "address", "Address", "ADDRESS", now)
    add_field(company, "linkedinLink", "Linkedin", "LINKS", now)
    if era == "v1":
        add_field(company, "employees", "Employees", "NUMBER", now)
        add_field(company, "xLink", "X", "LINKS", now)
        add_field(company, "annualRecurringRevenue", "ARR", "CURRENCY", now)
        add_field(company, "idealCustomerProfile", "ICP", "BOOLEAN", now, default_value=False)
    else:
        add_field(company, "annualRevenue", "Annual Revenue", "CURRENCY", now)

    add_field(person, "name", "Name", "FULL_NAME", now)
    add_field(person, "emails", "Emails", "EMAILS", now, is_unique=True)
    add_field(person, "linkedinLink", "Linkedin", "LINKS", now)
    add_field(person, "jobTitle", "Job Title", "TEXT", now)
    add_field(person, "phones", "Phones", "PHONES", now)
    add_field(person, "avatarUrl", "Avatar", "TEXT", now)
    if era == "v1":
        add_field(person, "xLink", "X", "LINKS", now)
        add_field(person, "city", "City", "TEXT", now)
    else:
        add_field(
            person, "avatarFile", "Avatar File", "FILES", now, settings={"maxNumberOfValues": 1}
        )

    add_field(opportunity, "name", "Name", "TEXT", now)
    add_field(opportunity, "amount", "Amount", "CURRENCY", now)
    add_field(opportunity, "closeDate", "Close date", "DATE_TIME", now)
    stages = ["NEW", "SCREENING", "MEETING", "PROPOSAL", "CUSTOMER"]
    add_field(
        opportunity,
        "stage",
        "Stage",
        "SELECT",
        now,
        is_nullable=False,
        options=_options(stages),
        default_value="'NEW'",
    )

    for holder in (note, task):
        add_field(holder, "title", "Title", "TEXT", now)
        add_field(holder, "bodyV2", "Body", rich_text, now)
    add_field(task, "dueAt", "Due Date", "DATE_TIME", now)
    statuses = ["TODO", "IN_PROGRESS", "DONE"]
    add_field(
        task, "status", "Status", "SELECT", now, options=_options(statuses), default_value="'TODO'"
    )

    add_field(attachment, "name", "Name", "TEXT", now)
    add_field(attachment, "fullPath", "Full path", "TEXT", now)
    categories = [
        "ARCHIVE",
        "AUDIO",
        "IMAGE",
        "PRESENTATION",
        "SPREADSHEET",
        "TEXT_DOCUMENT",
        "VIDEO",
        "OTHER",
    ]
    add_field(
        attachment,
        "fileCategory",
        "File category",
        "SELECT",
        now,
        options=_options(categories),
        default_value="'OTHER'",
    )
    if era == "v2":
        add_field(attachment, "file", "File", "FILES", now, settings={"maxNumberOfValues": 1})

    add_field(member, "name", "Name", "FULL_NAME", now)
    add_field(member, "userEmail", "User Email", "TEXT", now)
    add_field(member, "userId", "User Id", "UUID", now, is_nullable=False)
    add_field(member, "colorScheme", "Color Scheme", "TEXT", now, default_value="'System'")
    add_field(member, "locale", "Language", "TEXT", now, default_value="'en'")
    add_field(member, "avatarUrl", "Avatar Url", "TEXT", now)
    add_field(member, "timeZone", "Time zone", "TEXT", now, default_value="'system'")
    date_formats = ["SYSTEM", "MONTH_FIRST", "DAY_FIRST", "YEAR_FIRST"]
    add_field(
        member,
        "dateFormat",
        "Date format",
        "SELECT",
        now,
        options=_options(date_formats),
        default_value="'SYSTEM'",
    )
    time_formats = ["SYSTEM", "HOUR_24", "HOUR_12"]
    add_field(
        member,
        "timeFormat",
        "Time format",
        "SELECT",
        now,
        options=_options(time_formats),
        default_value="'SYSTEM'",
    )
    add_field(member, "calendarStartDay", "Start of the week", "NUMBER", now, default_value=0)
    if era == "v2":
        add_field(member, "jobTitle", "Job Title", "TEXT", now)

    add_field(activity, "happensAt", "Creation date", "DATE_TIME", now)
    add_field(activity, "name", "Event name", "TEXT", now)
    add_field(activity, "properties", "Event details", "RAW_JSON", now)
    add_field(activity, "linkedRecordCachedName", "Linked Record cached name", "TEXT", now)
    add_field(activity, "linkedRecordId", "Linked Record id", "UUID", now)
    add_field(activity, "linkedObjectMetadataId", "Linked Object Metadata Id", "UUID", now)

    link_objects(person, "company", "Company", company, "people", "People", now)
    link_objects(
        company,
        "accountOwner",
        "Account Owner",
        member,
        "accountOwnerForCompanies",
        "Account Owner For Companies",
        now,
    )
    link_objects(opportunity, "company", "Company", company, "opportunities", "Opportunities", now)
    link_objects(
        opportunity,
        "pointOfContact",
        "Point of Contact",
        person,
        "pointOfContactForOpportunities",
        "Linked Opportunities",
        now,
    )
    link_objects(opportunity, "owner", "Owner", member, "ownedOpportunities", "Opportunities", now)
    link_objects(note_target, "note", "Note", note, "noteTargets", "Relations", now)
    link_objects(task_target, "task", "Task", task, "taskTargets", "Relations", now)
    link_objects(task, "assignee", "Assignee", member, "assignedTasks", "Assigned tasks", now)
    link_objects(
        activity, "workspaceMember", "Workspace Member", member, "timelineActivities", "Events", now
    )

    holders = (note_target, task_target, attachment, activity)
    for target in (person, company, opportunity):
        for holder in holders:
            link_as_target(holder, target, now)
    for target in (note, task):
        link_as_target(attachment, target, now)
        link_as_target(activity, target, now)

    return [
        company,
        person,
        opportunity,
        note,
        note_target,
        task,
        task_target,
        attachment,
        member,
        activity,
    ]
