"""The mapping's data model: what `mapping.yaml` holds, validated on load.

Columns are mapped one by one: each source column has one entry, which maps it to a target
field (or a part of a composite field) or skips it with a reason. `map confirm` checks that
every profiled column has an entry. Each proposed entry carries the
confidence, the method that produced it and a one-line reason, so a reviewer sees why.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

MAPPING_VERSION = 1

Confidence = Annotated[float, Field(ge=0.0, le=1.0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Provenance(_Strict):
    """Why an entry is what it is: how sure the proposer was, how it decided, and a reason."""

    confidence: Confidence = 1.0
    method: str = "edited by hand"
    reason: str = ""


class NewField(_Strict):
    """A custom field the schema step creates for a column that fits no existing field."""

    type: str
    label: str
    description: str | None = None
    unique: bool = False
    relation_target: str | None = None


class NewObject(_Strict):
    """A custom object the schema step creates."""

    label_singular: str
    label_plural: str
    name_plural: str
    icon: str | None = None
    description: str | None = None


class ColumnMapping(Provenance):
    """The destination of one source column: a target field, one part of it, or none."""

    target: str | None = None
    part: str | None = None
    transform: str = "text"
    params: dict[str, str | int | float | bool | None] = Field(default_factory=dict)
    value_map: str | None = None
    create: NewField | None = None
    skip: str | None = None


class RouteCondition(_Strict):
    """A test on one column of a source row."""

    column: str
    equals: str | None = None
    in_: list[str] | None = Field(default=None, alias="in")
    is_empty: bool | None = None


class Route(_Strict):
    """Send rows that meet `when` to another target object (e.g. commercial projects)."""

    when: RouteCondition
    target: str
    reason: str = ""


class ObjectMapping(Provenance):
    """The destination of one source object, with its column map and routing rules."""

    target: str | None = None
    create: NewObject | None = None
    skip: str | None = None
    routes: list[Route] = Field(default_factory=list)
    columns: dict[str, ColumnMapping] = Field(default_factory=dict)


class ValueOption(_Strict):
    """The option a source value becomes: Twenty's stored value, its label and colour."""

    value: str | None
    label: str | None = None
    color: str | None = None


class ValueMap(Provenance):
    """Source values of one column mapped to the options of a SELECT or MULTI_SELECT field."""

    field_type: Literal["SELECT", "MULTI_SELECT"] = "SELECT"
    separator: str | None = None
    values: dict[str, ValueOption] = Field(default_factory=dict)


class MappingSettings(_Strict):
    """Choices that apply to the whole migration."""

    tenant_time_zone: str = "Australia/Sydney"
    date_order: Literal["DMY", "MDY", "YMD"] = "DMY"
    default_currency: str = "AUD"
    phone_region: str = "AU"
    single_name_policy: Literal["last_name", "first_name", "reject"] = "last_name"
    duplicate_email_policy: Literal["additional_email", "link_existing", "quarantine"] = (
        "additional_email"
    )
    shared_domain_policy: Literal["first_company", "none"] = "first_company"
    duplicate_company_policy: Literal["suffix", "quarantine"] = "suffix"
    existing_record_policy: Literal["link", "update", "quarantine"] = "link"
    # Also create an opportunity for each open quote (draft or sent), beside its invoice record.
    open_quotes_as_opportunities: bool = False
    # What a delta does with a record whose source row is gone from Bluetrait.
    deleted_record_policy: Literal["leave", "flag", "remove"] = "leave"
    fallback_owner: str | None = None
    repair_mojibake: bool = False
    skip_objects: list[str] = Field(default_factory=list)


class Mapping(_Strict):
    """The whole mapping file."""

    version: int = MAPPING_VERSION
    source_profile: str | None = None
    target_origin: str | None = None
    settings: MappingSettings = Field(default_factory=MappingSettings)
    objects: dict[str, ObjectMapping] = Field(default_factory=dict)
    value_maps: dict[str, ValueMap] = Field(default_factory=dict)
