"""Before-images: the first state of a pre-existing record is kept, whatever comes after."""

from __future__ import annotations

from bt2twenty.journal import Journal, Run


def test_first_write_wins(journal: Journal, run: Run) -> None:
    assert journal.save_before_image(
        run.id, target_object="company", target_id="c-1", record={"name": "Original"}
    )
    later = journal.start_run("delta")
    assert not journal.save_before_image(
        later.id, target_object="company", target_id="c-1", record={"name": "Migrated"}
    )
    image = journal.before_image("company", "c-1")
    assert image is not None
    assert image.record == {"name": "Original"}
    assert image.run_id == run.id


def test_images_keyed_by_object(journal: Journal, run: Run) -> None:
    journal.save_before_image(run.id, target_object="company", target_id="x", record={"a": 1})
    journal.save_before_image(run.id, target_object="person", target_id="x", record={"a": 2})
    person = journal.before_image("person", "x")
    assert person is not None
    assert person.record == {"a": 2}


def test_missing_image_none(journal: Journal) -> None:
    assert journal.before_image("company", "nope") is None


def test_nested_record_round_trip(journal: Journal, run: Run) -> None:
    record = {
        "name": "Acme Pty Ltd",
        "domainName": {"primaryLinkUrl": "acme.com.au", "secondaryLinks": []},
        "employees": 12,
        "address": {"addressCity": "Sydney", "addressPostcode": "2000"},
        "idealCustomerProfile": False,
        "tagline": None,
    }
    journal.save_before_image(run.id, target_object="company", target_id="c-9", record=record)
    image = journal.before_image("company", "c-9")
    assert image is not None
    assert image.record == record


def test_images_listed_by_run(journal: Journal, run: Run) -> None:
    journal.save_before_image(run.id, target_object="company", target_id="a", record={})
    delta = journal.start_run("delta")
    journal.save_before_image(delta.id, target_object="company", target_id="b", record={})
    assert [image.target_id for image in journal.before_images(run_id=delta.id)] == ["b"]
