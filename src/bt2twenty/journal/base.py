"""The state every part of `Journal` shares: the store and the migration it belongs to."""

from __future__ import annotations

import logging

from bt2twenty.journal.models import MigrationInfo
from bt2twenty.journal.store import Store

logger = logging.getLogger(__name__)


class JournalBase:
    """Attributes the noun mixins (runs, batches, id map, ...) rely on."""

    _store: Store
    migration: MigrationInfo
