"""Measure the load against a rate-limited stand-in, and the loader's peak memory.

1. Rate: a sample export of about RECORDS loadable rows is discovered, mapped, confirmed and its
   schema applied, then `bt2twenty run` loads tickets, notes and timesheets into a stand-in
   limited to LIMIT requests per minute (the client gets the same limit). Printed: records
   per minute during the load, as a ratio of LIMIT x 60 (Twenty's documented batch size).
2. Memory: the same load, run as a child process, reports its peak resident set size, at the
   sizes given by --memory-scales (the export grows linearly with the scale).

Usage: python benchmarks/load_rate.py [--limit 600] [--scale 8] [--memory-scales 2 20]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bt2twenty.mapping.workflow import confirm, propose
from bt2twenty.sandbox import SandboxConfig, running_sandbox
from bt2twenty.schema.workflow import apply
from bt2twenty.settings import load_settings
from bt2twenty.sources.bluetrait.discovery import discover
from bt2twenty.sources.bluetrait.sample import write_sample_export

KEY = "benchmark-key-0001"
OBJECTS = ["companies", "clients", "projects", "tickets", "ticket_notes", "timesheets"]
BATCH = 60


def prepare(folder: Path, scale: float, url: str, limit: int) -> Path:
    """Write an export and a confirmed project with its schema applied; return the project."""
    export = folder / "export"
    project = folder / "project"
    write_sample_export(export, scale=scale, seed=7)
    discover(export, project)
    os.environ["TWENTY_API_KEY"] = KEY
    settings = load_settings(
        project, twenty_url=url, rate_limit_per_minute=limit, burst_per_second=100
    )
    propose(settings)
    assert not confirm(settings).problems
    apply(settings)
    return project


def run_child(project: Path, url: str, limit: int) -> tuple[float, int, str]:
    """Run `bt2twenty run` as a child; return seconds, peak RSS in MiB and its last lines."""
    arguments = ["run", "--project", str(project), "--json"]
    for name in OBJECTS:
        arguments += ["--only", name]
    # The child reports its own peak, so earlier children's peaks cannot leak into the figure.
    wrapper = (
        "import resource, sys\n"
        "from bt2twenty.cli.app import app\n"
        "try:\n"
        f"    app({arguments!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "finally:\n"
        "    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "    print('PEAK_KIB', peak, file=sys.stderr)\n"
    )
    command = [sys.executable, "-c", wrapper]
    env = {
        **os.environ,
        "TWENTY_API_URL": url,
        "TWENTY_API_KEY": KEY,
        "BT2TWENTY_RATE_LIMIT_PER_MINUTE": str(limit),
        "BT2TWENTY_BURST_PER_SECOND": "100",
    }
    started = time.monotonic()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    seconds = time.monotonic() - started
    peak_line = next(line for line in done.stderr.splitlines() if line.startswith("PEAK_KIB"))
    return seconds, int(peak_line.split()[1]) // 1024, done.stdout


def loaded_records(stdout: str) -> int:
    """Records written by the run: rows loaded, plus one note target per ticket note."""
    start = stdout.index("{")
    document = json.loads(stdout[start : stdout.rindex("}") + 1])
    rows = sum(obj["loaded"] - obj["unchanged"] for obj in document["objects"])
    notes = sum(
        o["loaded"] - o["unchanged"]
        for o in document["objects"]
        if o["source_object"] == "ticket_notes"
    )
    return rows + notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=600, help="requests per minute allowed")
    parser.add_argument("--scale", type=float, default=8, help="export scale for the rate run")
    parser.add_argument("--memory-scales", type=float, nargs="*", default=[2, 20])
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        config = SandboxConfig(
            api_key=KEY, rate_limit_per_minute=args.limit, rate_limit_per_second=100
        )
        with running_sandbox(config) as sandbox:
            project = prepare(folder / "rate", args.scale, sandbox.url, args.limit)
            sandbox.clear_request_log()
            seconds, peak, stdout = run_child(project, sandbox.url, args.limit)
            records = loaded_records(stdout)
            log = list(sandbox.request_log)
            statuses = [entry[2] for entry in log]
            requests = len(log)
            batch_times = [entry[3] for entry in log if "/rest/batch/" in entry[1]]
            window = batch_times[-1] - batch_times[0] if len(batch_times) > 1 else seconds
            window_requests = sum(1 for e in log if batch_times[0] <= e[3] <= batch_times[-1])
        per_minute = records / seconds * 60
        bound = args.limit * BATCH
        print(f"rate run: {records} records in {seconds:.1f} s at {args.limit} requests/min")
        print(f"  records per minute  {per_minute:.0f}")
        print(f"  bound (limit x {BATCH})  {bound}")
        print(f"  ratio               {per_minute / bound:.3f}")
        request_ratio = requests / seconds * 60 / args.limit
        print(f"  requests / limit    {request_ratio:.3f} (the child's setup included)")
        print(f"  429 answers         {statuses.count(429)}")
        in_window = records / window * 60
        print(f"  from first to last batch ({window:.1f} s, the child's start-up left out):")
        print(f"    records per minute  {in_window:.0f}, ratio {in_window / bound:.3f}")
        print(f"    requests / limit    {window_requests / window * 60 / args.limit:.3f}")
        print(f"  peak memory         {peak} MiB")

        for scale in args.memory_scales:
            config = SandboxConfig(api_key=KEY, rate_limit_per_minute=None)
            with running_sandbox(config) as sandbox:
                project = prepare(folder / f"memory-{scale}", scale, sandbox.url, 1_000_000)
                seconds, peak, stdout = run_child(project, sandbox.url, 1_000_000)
            records = loaded_records(stdout)
            print(
                f"memory run: scale {scale}: {records} records in {seconds:.1f} s, peak {peak} MiB"
            )


if __name__ == "__main__":
    main()
