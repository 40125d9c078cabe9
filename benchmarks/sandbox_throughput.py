"""Measure how fast the sandbox accepts records, and the request rate it serves when limited.

It sends 60-record batches with the rate limit off twice: to a sandbox in this process, as tests
run it, and to one started with the CLI. Then it sends requests under Twenty's default limits.
It prints figures only and asserts no speed. Run it from the repository root:

    PYTHONPATH=src python benchmarks/sandbox_throughput.py [--batches N] [--clients N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx

from bt2twenty.sandbox import SandboxConfig, running_sandbox

BATCH_SIZE = 60


def _batch(batch_number: int) -> list[dict[str, object]]:
    return [
        {
            "id": str(uuid.uuid4()),
            "name": {"firstName": f"First {batch_number}", "lastName": f"Last {index}"},
            "emails": {"primaryEmail": f"p{batch_number}.{index}@example.com"},
            "jobTitle": "Engineer",
            "phones": {
                "primaryPhoneNumber": "412345678",
                "primaryPhoneCountryCode": "AU",
                "primaryPhoneCallingCode": "+61",
            },
        }
        for index in range(BATCH_SIZE)
    ]


def send_batches(url: str, batches: int, clients: int) -> tuple[float, int]:
    """Send `batches` batches of 60 people from `clients` threads; return seconds and failures."""
    payloads = [_batch(number) for number in range(batches)]
    failures: list[int] = []

    def send(share: list[list[dict[str, object]]]) -> None:
        headers = {"Authorization": "Bearer bench"}
        with httpx.Client(base_url=url, headers=headers, timeout=30) as http:
            for payload in share:
                response = http.post("/rest/batch/people", json=payload)
                if response.status_code != 201:
                    failures.append(response.status_code)

    threads = [
        threading.Thread(target=send, args=(payloads[index::clients],)) for index in range(clients)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, len(failures)


def print_rate(title: str, batches: int, elapsed: float, failures: int) -> None:
    """Print records and requests per second of one unlimited run."""
    records = batches * BATCH_SIZE
    print(title)
    print(
        f"  {records} records in {elapsed:.1f} s = {records / elapsed:,.0f} records/s, "
        f"{batches / elapsed:,.0f} requests/s"
    )
    print(f"  failed requests: {failures}")


def measure_unlimited(batches: int, clients: int) -> None:
    """Send batches to a sandbox in this process, as tests run it, with the rate limit off."""
    config = SandboxConfig(api_key="bench", rate_limit_per_minute=None)
    with running_sandbox(config) as sandbox:
        elapsed, failures = send_batches(sandbox.url, batches, clients)
    title = f"unlimited, sandbox in this process: {batches} batches x {BATCH_SIZE} people"
    print_rate(f"{title}, {clients} client(s)", batches, elapsed, failures)


def measure_unlimited_subprocess(batches: int, clients: int) -> None:
    """Send batches to a sandbox started with the CLI, so clients do not share its GIL."""
    environment = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    command = [sys.executable, "-m", "bt2twenty", "sandbox", "--port", "0"]
    command += ["--api-key", "bench", "--rate-limit", "0"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=environment) as server:
        assert server.stdout is not None
        url = server.stdout.readline().strip().removeprefix("Twenty sandbox at ")
        try:
            elapsed, failures = send_batches(url, batches, clients)
        finally:
            server.terminate()
    title = f"unlimited, sandbox in its own process: {batches} batches x {BATCH_SIZE} people"
    print_rate(f"{title}, {clients} client(s)", batches, elapsed, failures)


def measure_limited(seconds: float, per_minute: int, per_second: int) -> None:
    """Send requests as fast as one client can and print the rate the limit lets through."""
    config = SandboxConfig(
        api_key="bench", rate_limit_per_minute=per_minute, rate_limit_per_second=per_second
    )
    with (
        running_sandbox(config) as sandbox,
        httpx.Client(
            base_url=sandbox.url, headers={"Authorization": "Bearer bench"}, timeout=30
        ) as http,
    ):
        started = time.monotonic()
        while time.monotonic() - started < seconds:
            http.get("/rest/companies", params={"limit": 1})
        log = sandbox.request_log
        accepted = sum(1 for entry in log if entry.status == 200)
        limited = sum(1 for entry in log if entry.status == 429)
        print(f"limited: {per_minute}/min and {per_second}/s for {seconds:.0f} s")
        print(
            f"  sent {len(log) / seconds:,.0f} requests/s; accepted {accepted} "
            f"({accepted / seconds:.2f}/s), rejected {limited} with 429"
        )
        print(
            f"  expected about {per_minute + per_minute * seconds / 60:.0f} accepted "
            "(a full bucket plus the refill)"
        )


def main() -> None:
    """Parse the options and run the three measurements."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--batches", type=int, default=3000, help="batches of 60 records to send (default 3000)"
    )
    parser.add_argument(
        "--clients", type=int, default=1, help="concurrent HTTP clients (default 1)"
    )
    parser.add_argument(
        "--limited-seconds", type=float, default=10.0, help="length of the limited run in seconds"
    )
    options = parser.parse_args()
    measure_unlimited(options.batches, options.clients)
    measure_unlimited_subprocess(options.batches, options.clients)
    measure_limited(options.limited_seconds, per_minute=100, per_second=100)


if __name__ == "__main__":
    main()
