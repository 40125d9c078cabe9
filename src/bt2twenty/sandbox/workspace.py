"""The sandbox's one workspace: its metadata registry, store, clock and seeded members."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime

from bt2twenty.sandbox.config import SandboxConfig
from bt2twenty.sandbox.errors import bad_request
from bt2twenty.sandbox.schema import FieldMeta, ObjectMeta, metadata_changed, metadata_id
from bt2twenty.sandbox.seed import SEEDED_MEMBERS, standard_objects
from bt2twenty.sandbox.store import Store

logger = logging.getLogger(__name__)

# Name of the API key as the actor that `createdBy` and `updatedBy` show.
API_KEY_NAME = "Sandbox API key"
API_KEY_ID = "20202020-a0b1-4c2d-8e3f-5a6b7c8d9e0f"


def utc_now() -> str:
    """Return the current time as Twenty prints timestamps: ISO 8601, milliseconds, ``Z``."""
    return format_timestamp(datetime.now(UTC))


def format_timestamp(moment: datetime) -> str:
    """Format an aware datetime as ``2024-05-01T09:30:00.000Z``."""
    text = moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="milliseconds")
    return text + "Z"


class Workspace:
    """Metadata of every object, kept in memory and persisted in the store."""

    def __init__(self, config: SandboxConfig, store: Store) -> None:
        self.config = config
        self.era = config.era
        self.store = store
        self.objects: dict[str, ObjectMeta] = {}
        self._positions: dict[str, float] = {}
        self._load_or_seed()

    def _load_or_seed(self) -> None:
        stored_era = self.store.setting("era")
        if stored_era is not None and stored_era != self.era:
            raise ValueError(
                f"the data file {self.store.path} contains an era {stored_era} workspace, "
                f"not {self.era}: start with --era {stored_era} or another --data file"
            )
        if stored_era is None:
            self._seed()
        for meta in self.store.load_metadata():
            self.objects[meta.id] = meta

    def _seed(self) -> None:
        now = utc_now()
        with self.store.transaction():
            self.store.set_setting("era", self.era)
            for meta in standard_objects(self.era, now):
                self.store.save_object(meta)
                for field in meta.fields.values():
                    self.store.save_field(field)
            for position, (first, last, email) in enumerate(SEEDED_MEMBERS, start=1):
                self._insert_member(first, last, email, position, now)
        logger.info("Seeded a new %s workspace in %s", self.era, self.store.path)

    def add_member(self, first_name: str, last_name: str, email: str) -> str:
        """Add a workspace member, as Twenty does when a person accepts an invitation.

        Twenty's API cannot create members, so tests that need a matching member call this.
        Returns the member's id.
        """
        with self.store.transaction():
            position = len(list(self.store.records_of("workspaceMember"))) + 1
            return self._insert_member(first_name, last_name, email, position, utc_now())

    def _insert_member(self, first: str, last: str, email: str, position: int, now: str) -> str:
        member_id = metadata_id("workspaceMember", email)
        actor: dict[str, object] = {
            "source": "SYSTEM",
            "workspaceMemberId": None,
            "name": "System",
            "context": {},
        }
        self.store.insert(
            "workspaceMember",
            {
                "id": member_id,
                "name": {"firstName": first, "lastName": last},
                "userEmail": email,
                "userId": str(uuid.uuid5(uuid.NAMESPACE_URL, email)),
                "colorScheme": "System",
                "locale": "en",
                "avatarUrl": "",
                "timeZone": "system",
                "dateFormat": "SYSTEM",
                "timeFormat": "SYSTEM",
                "calendarStartDay": 0,
                "createdAt": now,
                "updatedAt": now,
                "deletedAt": None,
                "createdBy": actor,
                "updatedBy": actor,
                "position": float(position),
            },
        )
        return member_id

    # Lookups

    def object_by_plural(self, name_plural: str) -> ObjectMeta:
        """Return the active object whose plural name is in a REST path, or raise a 400."""
        for meta in self.objects.values():
            if meta.name_plural == name_plural and meta.is_active:
                return meta
        raise bad_request(f"object '{name_plural}' not found")

    def object_by_singular(self, name_singular: str) -> ObjectMeta | None:
        """Return the object with this singular name, or None."""
        for meta in self.objects.values():
            if meta.name_singular == name_singular:
                return meta
        return None

    def object_by_id(self, object_id: str) -> ObjectMeta | None:
        """Return the object with this metadata id, or None."""
        return self.objects.get(object_id)

    def field_by_id(self, field_id: str) -> FieldMeta | None:
        """Return the field with this metadata id, or None."""
        for meta in self.objects.values():
            for field in meta.fields.values():
                if field.id == field_id:
                    return field
        return None

    def next_position(self, object_name: str) -> float:
        """Return the position for a new record placed last."""
        if object_name not in self._positions:
            self._positions[object_name] = self.store.max_position(object_name)
        self._positions[object_name] += 1.0
        return self._positions[object_name]

    def note_position(self, object_name: str, position: float) -> None:
        """Remember a client-given position so back-filled ones stay above it."""
        if object_name not in self._positions:
            self._positions[object_name] = self.store.max_position(object_name)
        self._positions[object_name] = max(self._positions[object_name], position)

    def forget_positions(self) -> None:
        """Drop cached positions, after a rolled-back transaction."""
        self._positions.clear()

    # Persistence of metadata changes

    def save_object(self, meta: ObjectMeta) -> None:
        """Register and persist an object and all its fields."""
        metadata_changed()
        self.objects[meta.id] = meta
        self.store.save_object(meta)
        for field in meta.fields.values():
            self.store.save_field(field)

    def save_field(self, field: FieldMeta) -> None:
        """Register and persist one field on its object."""
        metadata_changed()
        self.objects[field.object_id].fields[field.name] = field
        self.store.save_field(field)

    def reload(self) -> None:
        """Reload metadata from the store, after a rolled-back metadata change."""
        metadata_changed()
        self.objects = {meta.id: meta for meta in self.store.load_metadata()}
