"""Value converters: one pure function per Twenty field type, giving a payload and problems.

Call `convert_value(field_type, raw, parameters)`; every setting is in `ConversionParameters`,
and nothing is read from the machine (time zone, locale) or from globals.
"""

from __future__ import annotations

from bt2twenty.transform.datetimes import local_to_utc
from bt2twenty.transform.options import SelectOption, build_options, option_value, value_map_for
from bt2twenty.transform.parameters import (
    AmbiguousTimePolicy,
    ConversionParameters,
    SingleNamePolicy,
    SourceValue,
    StateStyle,
)
from bt2twenty.transform.registry import (
    CONVERTERS,
    SUPPORTED_FIELD_TYPES,
    convert_value,
    converter_for,
)
from bt2twenty.transform.result import Converted, Problem, Severity, record_error

__all__ = [
    "CONVERTERS",
    "SUPPORTED_FIELD_TYPES",
    "AmbiguousTimePolicy",
    "ConversionParameters",
    "Converted",
    "Problem",
    "SelectOption",
    "Severity",
    "SingleNamePolicy",
    "SourceValue",
    "StateStyle",
    "build_options",
    "convert_value",
    "converter_for",
    "local_to_utc",
    "option_value",
    "record_error",
    "value_map_for",
]
