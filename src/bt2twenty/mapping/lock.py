"""`mapping.lock`: the confirmation that ties a mapping to the source and target it was made for.

The lock stores three things. The first is a hash of the mapping's meaning, so comments and key
order do not count. The second is the structure of the source profile that the mapping depends
on: objects, columns, their types, and the distinct values of value-mapped columns. The third
is the structure of the existing target fields it writes to. Commands that write to Twenty
call `require_lock`, which names the part that changed and the command that re-confirms.
"""

from __future__ import annotations

import getpass
import hashlib
import json
from collections.abc import Mapping as MappingType
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bt2twenty import __version__
from bt2twenty.errors import ConfigError
from bt2twenty.mapping.model import Mapping
from bt2twenty.mapping.target import TargetSchema

LOCK_FILE_NAME = "mapping.lock"
LOCK_VERSION = 1


class LockError(ConfigError):
    """The mapping is not confirmed, or something changed since it was."""


@dataclass(frozen=True)
class Lock:
    """A confirmation: the fingerprints confirmed, the user who confirmed them, and when."""

    mapping_sha256: str
    source_structure: dict[str, Any]
    target_structure: dict[str, Any]
    confirmed_by: str
    confirmed_at: str
    tool_version: str

    def as_json(self) -> dict[str, Any]:
        return {
            "lock_version": LOCK_VERSION,
            "mapping_sha256": self.mapping_sha256,
            "source_sha256": _sha256(self.source_structure),
            "target_sha256": _sha256(self.target_structure),
            "confirmed_by": self.confirmed_by,
            "confirmed_at": self.confirmed_at,
            "tool_version": self.tool_version,
            "source_structure": self.source_structure,
            "target_structure": self.target_structure,
        }


def mapping_fingerprint(mapping: Mapping) -> str:
    """Hash the mapping's content: any change of meaning changes it, comments do not."""
    return _sha256(mapping.model_dump(mode="json", by_alias=True))


def source_structure(profile: MappingType[str, Any], mapping: Mapping) -> dict[str, Any]:
    """Return the parts of a source profile that the mapping depends on."""
    value_mapped = {
        (name, column)
        for name, object_mapping in mapping.objects.items()
        for column, entry in object_mapping.columns.items()
        if entry.value_map
    }
    structure: dict[str, Any] = {}
    for source_object in profile.get("objects", []):
        name = source_object["name"]
        columns = {}
        for column in source_object.get("columns", []):
            described: dict[str, Any] = {"type": column.get("type")}
            if (name, column["name"]) in value_mapped:
                described["values"] = sorted((column.get("distinct_values") or {}).keys())
            columns[column["name"]] = described
        structure[name] = columns
    return structure


def target_structure(schema: TargetSchema, mapping: Mapping) -> dict[str, Any]:
    """Return the existing target objects and fields the mapping writes to, not created ones."""
    structure: dict[str, Any] = {}
    for object_mapping in mapping.objects.values():
        if object_mapping.skip or object_mapping.target is None or object_mapping.create:
            continue
        target = schema.objects.get(object_mapping.target)
        fields: dict[str, Any] = structure.setdefault(object_mapping.target, {})
        if target is None:
            fields["(object)"] = "missing"
            continue
        for entry in object_mapping.columns.values():
            if entry.skip or entry.target is None or entry.create is not None:
                continue
            field = target.fields.get(entry.target)
            fields[entry.target] = (
                [field.type, field.is_nullable, field.is_unique] if field else "missing"
            )
    return structure


def build_lock(mapping: Mapping, profile: MappingType[str, Any], schema: TargetSchema) -> Lock:
    """Build the lock for a mapping confirmed now by the current operating-system user."""
    return Lock(
        mapping_sha256=mapping_fingerprint(mapping),
        source_structure=source_structure(profile, mapping),
        target_structure=target_structure(schema, mapping),
        confirmed_by=_user(),
        confirmed_at=datetime.now(UTC).isoformat(timespec="seconds"),
        tool_version=__version__,
    )


def write_lock(lock: Lock, path: Path) -> None:
    """Write the lock file."""
    path.write_text(json.dumps(lock.as_json(), indent=1, sort_keys=False) + "\n", encoding="utf-8")


def read_lock(path: Path) -> Lock:
    """Read a lock file; raise `LockError` if there is none or it is unreadable."""
    if not path.is_file():
        raise LockError(
            f"The mapping is not confirmed: {path} not found.",
            hint="Review mapping.yaml, then run `bt2twenty map confirm`.",
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Lock(
            mapping_sha256=data["mapping_sha256"],
            source_structure=data["source_structure"],
            target_structure=data["target_structure"],
            confirmed_by=data["confirmed_by"],
            confirmed_at=data["confirmed_at"],
            tool_version=data["tool_version"],
        )
    except (ValueError, KeyError, TypeError) as error:
        raise LockError(
            f"{path} is damaged ({type(error).__name__}: {error}).",
            hint="Run `bt2twenty map confirm` to confirm the mapping again.",
        ) from None


def require_lock(
    lock_path: Path, mapping: Mapping, profile: MappingType[str, Any], schema: TargetSchema
) -> Lock:
    """Return the lock if mapping, source and target still match it, else raise `LockError`.

    The error names each part that changed, with the changed objects and columns, and the
    command that confirms the mapping again.
    """
    lock = read_lock(lock_path)
    changes = []
    if mapping_fingerprint(mapping) != lock.mapping_sha256:
        changes.append("mapping.yaml was edited")
    source_changes = _differences(lock.source_structure, source_structure(profile, mapping))
    if source_changes:
        changes.append("the source changed (" + ", ".join(source_changes[:10]) + ")")
    target_changes = _differences(lock.target_structure, target_structure(schema, mapping))
    if target_changes:
        changes.append("the Twenty schema changed (" + ", ".join(target_changes[:10]) + ")")
    if changes:
        raise LockError(
            "The confirmed mapping no longer matches: " + "; ".join(changes) + ".",
            hint="Review the change with `bt2twenty map show`, then run `bt2twenty map confirm` "
            "to confirm the mapping again.",
        )
    return lock


def _differences(before: dict[str, Any], after: dict[str, Any], prefix: str = "") -> list[str]:
    found = []
    for key in sorted(set(before) | set(after)):
        name = f"{prefix}{key}"
        if key not in after:
            found.append(f"{name} removed")
        elif key not in before:
            found.append(f"{name} added")
        elif isinstance(before[key], dict) and isinstance(after[key], dict):
            found.extend(_differences(before[key], after[key], prefix=f"{name}."))
        elif before[key] != after[key]:
            found.append(f"{name} changed")
    return found


def _sha256(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"
