"""A journal writer run as a child process, so tests can kill it with SIGKILL mid-write.

Usage: python crash_writer.py JOURNAL MODE

- `hold-pending`: add one 60-item batch, print its id, then wait to be killed.
- `hold-sent`: add one 60-item batch, mark it sent, print its id, then wait to be killed.
- `loop`: first confirm every unconfirmed batch left by earlier processes (as a resumed run
  would), print `ready`, then add, send and confirm 60-item batches until killed.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from bt2twenty.journal import BatchItem, Journal

ITEMS_PER_BATCH = 60


def _items(journal: Journal, prefix: str, start: int) -> list[BatchItem]:
    return [
        BatchItem(
            source_object="Ticket",
            source_id=f"{prefix}-{number}",
            target_id=journal.record_id("Ticket", f"{prefix}-{number}"),
            payload_hash=f"h-{prefix}-{number}",
        )
        for number in range(start, start + ITEMS_PER_BATCH)
    ]


def _hold(journal: Journal, *, send: bool) -> None:
    run = journal.start_run("load")
    batch = journal.add_batch(
        run.id, target_object="ticket", operation="create", items=_items(journal, "held", 0)
    )
    if send:
        journal.mark_sent(batch.id)
    print(batch.id, flush=True)
    time.sleep(600)


def _loop(journal: Journal) -> None:
    for batch in journal.unconfirmed_batches():
        journal.mark_sent(batch.id)
        journal.mark_confirmed(batch.id)
    run = journal.start_run("load")
    print("ready", flush=True)

    prefix = str(os.getpid())
    start = 0
    while True:
        batch = journal.add_batch(
            run.id, target_object="ticket", operation="create", items=_items(journal, prefix, start)
        )
        journal.mark_sent(batch.id)
        journal.mark_confirmed(batch.id)
        start += ITEMS_PER_BATCH


def main() -> None:
    path, mode = Path(sys.argv[1]), sys.argv[2]
    journal = Journal.open(path)
    if mode == "loop":
        _loop(journal)
    else:
        _hold(journal, send=mode == "hold-sent")


if __name__ == "__main__":
    main()
