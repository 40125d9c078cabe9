"""Measure a rollback against a rate-limited stand-in: records undone per minute, requests used.

A sample export of the given scale is discovered, mapped, confirmed, its schema applied and
loaded without a rate limit. Then `roll_back` runs in this process against the same stand-in
limited to LIMIT requests per minute (the client gets the same limit). Printed: records undone,
seconds, records per minute, requests per 60 records, and the 429 responses.

Each chunk of up to 60 records costs one lookup (to check for later edits) and one destroy,
so the expected bound is LIMIT x 60 / 2 records per minute.

Usage: python benchmarks/rollback_rate.py [--limit 600] [--scale 4]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from bt2twenty.mapping.workflow import confirm, propose
from bt2twenty.pipeline.load import run_load
from bt2twenty.pipeline.rollback import roll_back
from bt2twenty.sandbox import SandboxConfig, running_sandbox
from bt2twenty.schema.workflow import apply
from bt2twenty.settings import Settings, load_settings
from bt2twenty.sources.bluetrait.discovery import discover
from bt2twenty.sources.bluetrait.sample import write_sample_export

KEY = "benchmark-key-0001"
OBJECTS = ["companies", "clients", "projects", "tickets", "ticket_notes", "timesheets"]
CHUNK = 60


def prepare(folder: Path, scale: float, url: str) -> Path:
    """Write an export and a confirmed project with its schema applied; return the project."""
    export = folder / "export"
    project = folder / "project"
    write_sample_export(export, scale=scale, seed=7)
    discover(export, project)
    os.environ["TWENTY_API_KEY"] = KEY
    settings = unlimited(project, url)
    propose(settings)
    assert not confirm(settings).problems
    apply(settings)
    return project


def unlimited(project: Path, url: str) -> Settings:
    return load_settings(
        project, twenty_url=url, rate_limit_per_minute=1_000_000, burst_per_second=1_000_000
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=600, help="requests per minute allowed")
    parser.add_argument("--scale", type=float, default=4, help="export scale")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as temporary:
        config = SandboxConfig(api_key=KEY, rate_limit_per_minute=None)
        with running_sandbox(config) as sandbox:
            project = prepare(Path(temporary), args.scale, sandbox.url)
            run_load(unlimited(project, sandbox.url), only=OBJECTS)

            sandbox.set_rate_limit(args.limit, 100)
            sandbox.clear_request_log()
            settings = load_settings(
                project,
                twenty_url=sandbox.url,
                rate_limit_per_minute=args.limit,
                burst_per_second=100,
            )
            started = time.monotonic()
            result = roll_back(settings)
            seconds = time.monotonic() - started
            log = list(sandbox.request_log)

    undone = sum(r.destroyed + r.restored + r.already_gone for r in result.objects)
    per_minute = undone / seconds * 60
    bound = args.limit * CHUNK / 2
    print(f"rollback: {undone} records undone in {seconds:.1f} s at {args.limit} requests/min")
    print(f"  exit code            {result.exit_code}")
    print(f"  records per minute   {per_minute:.0f}")
    print(f"  bound (limit x {CHUNK} / 2)  {bound:.0f}, ratio {per_minute / bound:.3f}")
    print(
        f"  requests             {len(log)} ({len(log) / undone * CHUNK:.2f} per {CHUNK} records)"
    )
    print(f"  429 responses        {sum(1 for entry in log if entry[2] == 429)}")


if __name__ == "__main__":
    main()
