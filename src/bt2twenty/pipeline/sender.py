"""Send journaled batches to Twenty and find the records a rejected batch stumbled on.

Each batch is journaled as pending before it is sent. It is confirmed after Twenty accepts it,
with its id-map rows and the `updatedAt` and `updatedBy` Twenty returned for each record, which
rollback compares to tell a later edit. Batches go with `upsert`, so a batch resent after a
crash or a lost response updates the records it created instead of duplicating them. A batch
that Twenty rejects is split in halves until the rejected records are alone; they go to
quarantine with Twenty's message and the rest load.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bt2twenty.journal import BatchItem, BatchOperation, Journal, Origin, WriteStamp
from bt2twenty.transform.payload import BuiltRecord
from bt2twenty.twenty import TwentyBadRequestError, TwentyClient

logger = logging.getLogger(__name__)


def payload_hash(payload: dict[str, Any]) -> str:
    """Hash a payload's content, to tell a changed source row from an unchanged one."""
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class SendOutcome:
    """The outcome of one batch: records loaded, and records Twenty rejected with its reason."""

    loaded: list[BuiltRecord] = field(default_factory=list)
    rejected: list[tuple[BuiltRecord, str]] = field(default_factory=list)


class BatchSender:
    """Sends batches of built records for one run, journaling each step."""

    def __init__(
        self,
        client: TwentyClient,
        journal: Journal,
        *,
        run_id: int,
        on_rejected: Callable[[BuiltRecord, str], None],
    ) -> None:
        self._client = client
        self._journal = journal
        self._run_id = run_id
        self._on_rejected = on_rejected

    def send(
        self,
        objects_path: str,
        records: Sequence[BuiltRecord],
        *,
        phase_id: int | None,
    ) -> SendOutcome:
        """Send records of one target object as one batch, splitting it if Twenty rejects it."""
        outcome = SendOutcome()
        self._send_part(objects_path, list(records), phase_id, outcome)
        return outcome

    def _send_part(
        self,
        objects_path: str,
        records: list[BuiltRecord],
        phase_id: int | None,
        outcome: SendOutcome,
    ) -> None:
        items = [
            BatchItem(
                source_object=record.source_object,
                source_id=record.source_id,
                target_id=record.record_id,
                payload_hash=payload_hash(record.payload),
                origin=Origin.CREATED,
            )
            for record in records
        ]
        batch = self._journal.add_batch(
            self._run_id,
            target_object=records[0].target_object,
            operation=BatchOperation.UPSERT,
            items=items,
            phase_id=phase_id,
        )
        self._journal.mark_sent(batch.id)
        try:
            returned = self._client.records.create_many(
                objects_path, [record.payload for record in records], upsert=True
            )
        except TwentyBadRequestError as error:
            reason = "; ".join(error.messages) or str(error)
            self._journal.mark_failed(batch.id, reason=f"rejected by Twenty: {reason}"[:2000])
            if len(records) == 1:
                logger.warning(
                    "Twenty rejected %s %s: %s",
                    records[0].source_object,
                    records[0].source_id,
                    reason,
                )
                outcome.rejected.append((records[0], reason))
                self._on_rejected(records[0], reason)
                return
            middle = len(records) // 2
            self._send_part(objects_path, records[:middle], phase_id, outcome)
            self._send_part(objects_path, records[middle:], phase_id, outcome)
            return
        written = {str(record.get("id")): WriteStamp.from_record(record) for record in returned}
        self._journal.mark_confirmed(batch.id, written=written)
        outcome.loaded.extend(records)
