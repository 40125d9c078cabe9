"""The id map follows a simple model through any sequence of writes, deletes and rollbacks."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bt2twenty.journal import BatchItem, Journal, Origin

SOURCE_IDS = ("1", "2", "3")

# Each write step: batch operation and the origin the loader reports for its item.
WRITES = {
    "create": ("create", Origin.CREATED),
    "update": ("update", Origin.UPDATED),
    "upsert-created": ("upsert", Origin.CREATED),
    "upsert-linked": ("upsert", Origin.LINKED),
}
STEPS = st.lists(
    st.tuples(
        st.sampled_from([*WRITES, "delete", "restore", "rollback"]),
        st.sampled_from(SOURCE_IDS),
    ),
    max_size=10,
)


@dataclass
class ModelRow:
    origin: Origin
    deleted: bool = False
    rolled_back: bool = False


def _expected_origin(row: ModelRow | None, new: Origin) -> Origin:
    if row is None or row.rolled_back:
        return new
    if row.origin is Origin.CREATED:
        return Origin.CREATED
    if new is Origin.UPDATED:
        return Origin.UPDATED
    return row.origin


def _apply_model(model: dict[str, ModelRow], step: str, source_id: str) -> None:
    row = model.get(source_id)
    if step in WRITES:
        model[source_id] = ModelRow(origin=_expected_origin(row, WRITES[step][1]))
    elif row is not None and step == "delete":
        row.deleted = True
    elif row is not None and step == "restore":
        row.deleted = False
    elif row is not None and step == "rollback":
        row.rolled_back = True


def _apply_journal(journal: Journal, run_id: int, step: str, source_id: str) -> None:
    if step == "rollback":
        journal.mark_rolled_back("Company", [source_id], run_id=run_id)
        return
    operation, origin = WRITES.get(step, (step, None))
    item = BatchItem("Company", source_id, journal.record_id("Company", source_id), "h")
    batch = journal.add_batch(run_id, target_object="company", operation=operation, items=[item])
    journal.mark_sent(batch.id)
    journal.mark_confirmed(batch.id, origins={item.target_id: origin} if origin else None)


def _check(journal: Journal, model: dict[str, ModelRow]) -> None:
    for source_id in SOURCE_IDS:
        row = model.get(source_id)
        entry = journal.id_map_entry("Company", source_id)
        if row is None:
            assert entry is None
            continue
        assert entry is not None
        assert entry.origin is row.origin
        assert (entry.deleted_at is not None) == row.deleted
        assert (entry.rolled_back_at is not None) == row.rolled_back
        mapped = journal.target_id("Company", source_id)
        assert (mapped is None) == row.rolled_back


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=STEPS)
def test_id_map_matches_model(steps: list[tuple[str, str]]) -> None:
    with tempfile.TemporaryDirectory() as folder, Journal.open(Path(folder) / "j") as journal:
        run = journal.start_run("load")
        model: dict[str, ModelRow] = {}
        for step, source_id in steps:
            _apply_model(model, step, source_id)
            _apply_journal(journal, run.id, step, source_id)
        _check(journal, model)
