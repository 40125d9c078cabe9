"""Measure how fast the journal records id-map rows through batch confirmations, and looks them up.

Usage: python benchmarks/journal_throughput.py [--sizes 100000 1000000] [--work DIR]

For each size, a fresh journal gets batches of 60 items, each taken through the full
lifecycle a load uses (`add_batch`, `mark_sent`, `mark_confirmed`: three commits, each
fsynced because the journal runs with `synchronous=FULL`). Then it times single lookups
(`target_id`) and 60-id lookups (`lookup_many`) of random source ids. The report prints
rows per second, lookups per second and the file size. Put `--work` on the disk the journal
will live on: commit speed is mostly the disk's fsync latency.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from bt2twenty.journal import BatchItem, Journal

ITEMS_PER_BATCH = 60
LOOKUPS = 100_000
SOURCE_OBJECT = "Ticket"


def record(journal: Journal, rows: int) -> float:
    """Record `rows` id-map rows through confirmed batches; return the seconds taken."""
    run = journal.start_run("load")
    started = time.perf_counter()
    for first in range(0, rows, ITEMS_PER_BATCH):
        items = [
            BatchItem(
                source_object=SOURCE_OBJECT,
                source_id=str(number),
                target_id=journal.record_id(SOURCE_OBJECT, str(number)),
                payload_hash=f"{number:064x}",
            )
            for number in range(first, min(first + ITEMS_PER_BATCH, rows))
        ]
        batch = journal.add_batch(run.id, target_object="ticket", operation="create", items=items)
        journal.mark_sent(batch.id)
        journal.mark_confirmed(batch.id)
    elapsed = time.perf_counter() - started
    journal.finish_run(run.id, status="completed")
    return elapsed


def time_single_lookups(journal: Journal, rows: int, rng: random.Random) -> float:
    source_ids = [str(rng.randrange(rows)) for _ in range(LOOKUPS)]
    started = time.perf_counter()
    for source_id in source_ids:
        if journal.target_id(SOURCE_OBJECT, source_id) is None:
            raise AssertionError(f"source id {source_id} missing from the id map")
    return time.perf_counter() - started


def time_batched_lookups(journal: Journal, rows: int, rng: random.Random) -> float:
    groups = [
        [str(rng.randrange(rows)) for _ in range(ITEMS_PER_BATCH)]
        for _ in range(LOOKUPS // ITEMS_PER_BATCH)
    ]
    started = time.perf_counter()
    for group in groups:
        journal.lookup_many(SOURCE_OBJECT, group)
    return time.perf_counter() - started


def measure(rows: int, work: Path) -> None:
    path = work / f"journal-{rows}.sqlite"
    rng = random.Random(rows)
    with Journal.open(path) as journal:
        recorded = record(journal, rows)
        single = time_single_lookups(journal, rows, rng)
        batched = time_batched_lookups(journal, rows, rng)
    size = sum(candidate.stat().st_size for candidate in work.glob(f"{path.name}*"))

    batches = -(-rows // ITEMS_PER_BATCH)
    print(f"{rows:>9,} rows in {batches:,} batches of {ITEMS_PER_BATCH}:")
    print(f"    recording  {rows / recorded:>10,.0f} id-map rows/s  ({recorded:.1f} s)")
    print(f"    commits    {3 * batches / recorded:>10,.0f} per s        (3 per batch)")
    print(f"    target_id  {LOOKUPS / single:>10,.0f} lookups/s")
    looked_up = (LOOKUPS // ITEMS_PER_BATCH) * ITEMS_PER_BATCH
    print(f"    lookup_many{looked_up / batched:>10,.0f} ids/s       (60 ids per call)")
    print(f"    file size  {size / 1e6:>10,.1f} MB          ({size / rows:.0f} bytes per row)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--work", type=Path, help="folder for the journal files (default: temp)")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(dir=options.work) as folder:
        for rows in options.sizes:
            measure(rows, Path(folder))


if __name__ == "__main__":
    main()
