"""Worker threads sharing one journal: every batch and id-map row lands exactly once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from bt2twenty.journal import BatchState, Journal, Run

from .conftest import make_items

WORKERS = 8
BATCHES_PER_WORKER = 15
ITEMS_PER_BATCH = 60


def _worker(journal: Journal, run: Run, worker: int) -> list[int]:
    batch_ids = []
    for number in range(BATCHES_PER_WORKER):
        first = (worker * BATCHES_PER_WORKER + number) * ITEMS_PER_BATCH
        items = make_items(journal, "Ticket", range(first, first + ITEMS_PER_BATCH))
        batch = journal.add_batch(run.id, target_object="ticket", operation="create", items=items)
        journal.mark_sent(batch.id)
        journal.mark_confirmed(batch.id)
        batch_ids.append(batch.id)
    return batch_ids


def _reader(journal: Journal, stop: threading.Event, failures: list[BaseException]) -> None:
    try:
        while not stop.is_set():
            journal.lookup_many("Ticket", [str(number) for number in range(0, 7_200, 7)])
            journal.status()
    except BaseException as exc:
        failures.append(exc)


def test_concurrent_batches(journal: Journal, run: Run) -> None:
    stop = threading.Event()
    failures: list[BaseException] = []
    reader = threading.Thread(target=_reader, args=(journal, stop, failures))
    reader.start()
    try:
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            results = list(pool.map(lambda worker: _worker(journal, run, worker), range(WORKERS)))
    finally:
        stop.set()
        reader.join()

    batch_ids = [batch_id for ids in results for batch_id in ids]
    total = WORKERS * BATCHES_PER_WORKER * ITEMS_PER_BATCH
    assert failures == []
    assert len(set(batch_ids)) == WORKERS * BATCHES_PER_WORKER
    assert journal.unconfirmed_batches() == []
    assert {batch.state for batch in journal.batches()} == {BatchState.CONFIRMED}
    assert journal.count_by_object()[0].created == total
    assert len(journal.lookup_many("Ticket", [str(number) for number in range(total)])) == total


def test_iteration_while_writing(journal: Journal, run: Run) -> None:
    first = journal.add_batch(
        run.id,
        target_object="ticket",
        operation="create",
        items=make_items(journal, "Ticket", range(2_000)),
    )
    journal.mark_confirmed(first.id)
    seen = 0
    for seen, _entry in enumerate(journal.id_map_entries(), start=1):
        if seen == 10:
            more = journal.add_batch(
                run.id,
                target_object="ticket",
                operation="create",
                items=make_items(journal, "Ticket", range(2_000, 2_060)),
            )
            journal.mark_confirmed(more.id)
    assert seen == 2_060
