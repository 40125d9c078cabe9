"""The converter for each Twenty field type, and one entry point that picks it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from bt2twenty.errors import SettingsError
from bt2twenty.transform.address import convert_address
from bt2twenty.transform.currency import convert_currency
from bt2twenty.transform.datetimes import convert_date, convert_date_time
from bt2twenty.transform.emails import convert_emails
from bt2twenty.transform.links import convert_links
from bt2twenty.transform.names import convert_full_name
from bt2twenty.transform.parameters import ConversionParameters, SourceValue
from bt2twenty.transform.phones import convert_phones
from bt2twenty.transform.result import Converted
from bt2twenty.transform.richtext import convert_rich_text
from bt2twenty.transform.scalars import (
    convert_array,
    convert_boolean,
    convert_number,
    convert_numeric,
    convert_raw_json,
    convert_text,
    convert_uuid,
)
from bt2twenty.transform.selects import convert_multi_select, convert_rating, convert_select

Converter = Callable[[SourceValue, ConversionParameters], Converted[object]]
AddressSource = Mapping[str, SourceValue]

# Keys are Twenty field type names. `RICH_TEXT_V2` is the 1.x name of the type that 2.x
# calls `RICH_TEXT`; both take `{markdown, blocknote}`.
CONVERTERS: Mapping[str, Converter] = MappingProxyType(
    {
        "TEXT": convert_text,
        "FULL_NAME": convert_full_name,
        "EMAILS": convert_emails,
        "PHONES": convert_phones,
        "LINKS": convert_links,
        "CURRENCY": convert_currency,
        "DATE": convert_date,
        "DATE_TIME": convert_date_time,
        "BOOLEAN": convert_boolean,
        "NUMBER": convert_number,
        "NUMERIC": convert_numeric,
        "ARRAY": convert_array,
        "RAW_JSON": convert_raw_json,
        "SELECT": convert_select,
        "MULTI_SELECT": convert_multi_select,
        "RATING": convert_rating,
        "UUID": convert_uuid,
        "RICH_TEXT": convert_rich_text,
        "RICH_TEXT_V2": convert_rich_text,
    }
)

SUPPORTED_FIELD_TYPES = frozenset({*CONVERTERS, "ADDRESS"})


def converter_for(field_type: str) -> Converter:
    """Return the converter of a Twenty field type; raises `SettingsError` for other types."""
    try:
        return CONVERTERS[field_type]
    except KeyError:
        supported = ", ".join(sorted(SUPPORTED_FIELD_TYPES))
        raise SettingsError(
            f"no converter for Twenty field type {field_type!r}",
            hint=f"Map the column to one of: {supported}.",
        ) from None


def convert_value(
    field_type: str,
    raw: SourceValue | AddressSource,
    parameters: ConversionParameters | None = None,
) -> Converted[object]:
    """Convert one source value to the payload Twenty expects for `field_type`.

    ADDRESS takes a mapping of the row's address columns (or one street line), and every
    other type takes a single cell. A problem with the value is returned in the result,
    while a problem with the settings (an unknown field type, time zone, phone region or
    currency) raises `SettingsError`.
    """
    settings = parameters if parameters is not None else ConversionParameters()
    if field_type == "ADDRESS":
        return convert_address(raw, settings)
    if isinstance(raw, Mapping):
        raise TypeError(f"a {field_type} field takes one value, not a mapping of columns")
    return converter_for(field_type)(raw, settings)
