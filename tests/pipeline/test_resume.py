"""A load killed at any point and run again ends as if it had never been interrupted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest

from bt2twenty.journal import Journal
from bt2twenty.pipeline.load import journal_path, run_load
from bt2twenty.sandbox import FaultSpec

from .conftest import Project

CORE = ["companies", "clients", "tickets"]
EXPECTED = {"companies": 42, "people": 133, "tickets": 400}


def _start_run(project: Project) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "bt2twenty", "run", "--project", str(project.path)]
    for name in CORE:
        command += ["--only", name]
    env = {**os.environ, **project.env(), "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _confirmed_batches(project: Project) -> int:
    path = journal_path(project.settings)
    if not path.exists():
        return 0
    journal = Journal.open(path)
    try:
        return sum(1 for batch in journal.batches() if batch.state.value == "confirmed")
    finally:
        journal.close()


def _assert_complete(project: Project) -> None:
    with project.client() as client:
        for objects_path, count in EXPECTED.items():
            ids = [str(r["bluetraitId"]) for r in client.records.iterate(objects_path)]
            assert len(ids) == count, objects_path
            assert Counter(ids).most_common(1)[0][1] == 1, objects_path


@pytest.mark.parametrize("after_batches", [0, 2, 6])
def test_killed_run_resumes(project: Project, after_batches: int) -> None:
    project.sandbox.set_faults(FaultSpec(latency_seconds=0.05))
    process = _start_run(project)
    deadline = time.monotonic() + 60
    while _confirmed_batches(project) < after_batches and process.poll() is None:
        assert time.monotonic() < deadline, "the run never reached the kill point"
        time.sleep(0.05)
    if after_batches == 0:
        time.sleep(1.0)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    project.sandbox.set_faults(FaultSpec())

    result = run_load(project.settings, only=CORE)

    assert not result.interrupted
    assert all(report.counts.is_balanced for report in result.objects)
    _assert_complete(project)
    journal = Journal.open(journal_path(project.settings))
    try:
        assert journal.unconfirmed_batches() == []
        runs = journal.runs()
    finally:
        journal.close()
    if after_batches:
        assert any(run.status.value == "interrupted" for run in runs)


def test_killed_twice_then_resumed(project: Project) -> None:
    project.sandbox.set_faults(FaultSpec(latency_seconds=0.05))
    for kill_after in (1, 4):
        process = _start_run(project)
        deadline = time.monotonic() + 60
        while _confirmed_batches(project) < kill_after and process.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    project.sandbox.set_faults(FaultSpec())

    run_load(project.settings, only=CORE)
    _assert_complete(project)
