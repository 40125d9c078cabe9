"""Measure verification throughput against a rate-limited stand-in.

A sample export is discovered, mapped, confirmed, its schema applied and loaded into a stand-in
without a rate limit. Then the stand-in and the client get a limit of LIMIT requests per minute
and `verify` runs. Both token buckets start full, so the first LIMIT requests of a run go out
at once. The benchmark prints records read back per minute in the steady state after those
first LIMIT requests, as a ratio of the bound LIMIT x PAGE (records per list request). It also
prints the same ratio over the whole read-back, and the time spent rebuilding the expected
records from the source, which does not depend on the rate limit.

Usage: python benchmarks/verify_rate.py [--limit 600] [--page 60] [--scale 2]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bt2twenty.mapping.workflow import confirm, propose
from bt2twenty.pipeline.load import run_load
from bt2twenty.pipeline.verify import run_verify
from bt2twenty.sandbox import SandboxConfig, running_sandbox
from bt2twenty.schema.workflow import apply
from bt2twenty.settings import load_settings
from bt2twenty.sources.bluetrait.discovery import discover
from bt2twenty.sources.bluetrait.sample import write_sample_export

KEY = "benchmark-key-0001"
UNLIMITED = 1_000_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=600, help="requests per minute")
    parser.add_argument("--page", type=int, default=60, help="records per list request")
    parser.add_argument("--scale", type=float, default=2.0, help="sample export scale")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        config = SandboxConfig(
            api_key=KEY,
            rate_limit_per_minute=None,
            rate_limit_per_second=None,
            data_path=Path(folder) / "twenty.sqlite",
        )
        with running_sandbox(config) as sandbox:
            os.environ["TWENTY_API_KEY"] = KEY
            project = Path(folder) / "project"
            export = Path(folder) / "export"
            write_sample_export(export, scale=args.scale, seed=7)
            discover(export, project)
            fast = load_settings(
                project,
                twenty_url=sandbox.url,
                rate_limit_per_minute=UNLIMITED,
                burst_per_second=UNLIMITED,
            )
            propose(fast)
            assert not confirm(fast).problems
            apply(fast)
            started = time.perf_counter()
            run_load(fast)
            print(f"loaded in {time.perf_counter() - started:.0f} s (no rate limit)")

            sandbox.set_rate_limit(args.limit)
            limited = load_settings(
                project,
                twenty_url=sandbox.url,
                rate_limit_per_minute=args.limit,
                burst_per_second=100,
                page_size=args.page,
            )
            marks: dict[str, float] = {}

            def on_phase(name: str, _total: int) -> Callable[[int], None]:
                if name.startswith("reading") and "read_back" not in marks:
                    marks["read_back"] = time.perf_counter()
                    marks["read_back_monotonic"] = time.monotonic()
                return lambda _count: None

            sandbox.clear_request_log()
            started = time.perf_counter()
            result = run_verify(limited, on_phase=on_phase)
            finished = time.perf_counter()
            log = list(sandbox.request_log)

    requests = len(log)
    throttled = sum(1 for entry in log if entry.status == 429)
    pages = sorted(
        entry.time
        for entry in log
        if entry.method == "GET" and entry.time >= marks["read_back_monotonic"]
    )

    read = sum(item.read for item in result.objects)
    read_back_seconds = finished - marks["read_back"]
    per_minute = read / read_back_seconds * 60
    bound = args.limit * args.page
    print(f"records verified: {result.verified} of {read} read; clean: {result.is_clean}")
    print(f"rebuild from the source: {marks['read_back'] - started:.1f} s")
    print(
        f"read-back: {read} records in {read_back_seconds:.1f} s = {per_minute:,.0f} records/min; "
        f"bound {args.limit} req/min x {args.page} = {bound:,}/min; ratio {per_minute / bound:.3f}"
    )
    print(f"requests during verify: {requests} ({throttled} answered 429)")
    steady = pages[args.limit :]
    if len(steady) > 1:
        request_rate = (len(steady) - 1) / (steady[-1] - steady[0]) * 60
        records_per_request = read / len(pages)
        steady_records = request_rate * records_per_request
        print(
            f"steady state after the first {args.limit} requests: {request_rate:.0f} req/min "
            f"({request_rate / args.limit:.3f} of the limit), {records_per_request:.1f} records "
            f"per request, {steady_records:,.0f} records/min = {steady_records / bound:.3f} "
            "of the bound"
        )
    else:
        print(f"too few read requests ({len(pages)}) to measure past the first {args.limit}")
    print(f"whole verify: {read / (finished - started) * 60:,.0f} records/min")


if __name__ == "__main__":
    main()
