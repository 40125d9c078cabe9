"""The id map: lookups, iteration by object and run, counts, and rolled-back rows."""

from __future__ import annotations

from bt2twenty.journal import Journal, ObjectCount, Origin, Run

from .conftest import make_items


def _load(journal: Journal, run: Run, source_object: str, ids, target_object: str) -> None:
    batch = journal.add_batch(
        run.id,
        target_object=target_object,
        operation="create",
        items=make_items(journal, source_object, ids),
    )
    journal.mark_confirmed(batch.id)


def test_target_id_unknown_none(journal: Journal) -> None:
    assert journal.target_id("Company", "1") is None


def test_lookup_many_found_only(journal: Journal, run: Run) -> None:
    _load(journal, run, "Company", range(3), "company")
    found = journal.lookup_many("Company", ["0", "2", "7", "2"])
    assert found == {
        "0": journal.record_id("Company", "0"),
        "2": journal.record_id("Company", "2"),
    }


def test_lookup_many_beyond_chunk(journal: Journal, run: Run) -> None:
    _load(journal, run, "Client", range(1_300), "person")
    found = journal.lookup_many("Client", [str(number) for number in range(1_400)])
    assert len(found) == 1_300
    assert found["1299"] == journal.record_id("Client", "1299")


def test_lookup_many_other_object(journal: Journal, run: Run) -> None:
    _load(journal, run, "Company", range(2), "company")
    assert journal.lookup_many("Client", ["0", "1"]) == {}


def test_entries_by_object(journal: Journal, run: Run) -> None:
    _load(journal, run, "Company", range(3), "company")
    _load(journal, run, "Client", range(2), "person")
    entries = list(journal.id_map_entries(source_object="Client"))
    assert [entry.source_id for entry in entries] == ["0", "1"]
    assert {entry.target_object for entry in entries} == {"person"}


def test_entries_by_run(journal: Journal, run: Run) -> None:
    _load(journal, run, "Company", range(2), "company")
    delta = journal.start_run("delta")
    _load(journal, delta, "Company", range(2, 5), "company")
    entries = list(journal.id_map_entries(run_id=delta.id))
    assert [entry.source_id for entry in entries] == ["2", "3", "4"]


def test_entries_paged_in_order(journal: Journal, run: Run) -> None:
    _load(journal, run, "Ticket", range(2_500), "ticket")
    forward = [entry.source_id for entry in journal.id_map_entries()]
    backward = [entry.source_id for entry in journal.id_map_entries(newest_first=True)]
    assert forward == [str(number) for number in range(2_500)]
    assert backward == forward[::-1]


def test_entries_by_origin(journal: Journal, run: Run) -> None:
    _load(journal, run, "Company", range(2), "company")
    assert list(journal.id_map_entries(origin="linked")) == []
    assert len(list(journal.id_map_entries(origin=Origin.CREATED))) == 2


def test_count_by_object(journal: Journal, run: Run) -> None:
    _load(journal, run, "Company", range(3), "company")
    _load(journal, run, "Client", range(2), "person")
    assert journal.count_by_object() == [
        ObjectCount("Client", "person", created=2, linked=0, updated=0, deleted=0, rolled_back=0),
        ObjectCount("Company", "company", created=3, linked=0, updated=0, deleted=0, rolled_back=0),
    ]


def test_rolled_back_hidden(journal: Journal, run: Run) -> None:
    _load(journal, run, "Company", range(3), "company")
    rollback = journal.start_run("rollback")
    assert journal.mark_rolled_back("Company", ["0", "1"], run_id=rollback.id) == 2
    assert journal.target_id("Company", "0") is None
    assert journal.lookup_many("Company", ["0", "1", "2"]) == {
        "2": journal.record_id("Company", "2")
    }
    assert [entry.source_id for entry in journal.id_map_entries()] == ["2"]
    assert len(list(journal.id_map_entries(include_rolled_back=True))) == 3
    assert journal.count_by_object()[0].rolled_back == 2


def test_rolled_back_row_reloaded(journal: Journal, run: Run) -> None:
    _load(journal, run, "Company", range(1), "company")
    rollback = journal.start_run("rollback")
    journal.mark_rolled_back("Company", ["0"], run_id=rollback.id)
    rerun = journal.start_run("load")
    _load(journal, rerun, "Company", range(1), "company")
    entry = journal.id_map_entry("Company", "0")
    assert entry is not None
    assert entry.rolled_back_at is None
    assert entry.run_id == rerun.id
    assert entry.origin is Origin.CREATED
