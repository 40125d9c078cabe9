"""Measure the Twenty client's achieved request rate against a rate-limited stand-in.

The stand-in keeps Twenty's per-workspace token bucket at LIMIT requests per minute; the
client is configured with the same limit and sends batch creates of 60 records from several
threads for DURATION seconds. Printed: requests per minute achieved as a ratio of the limit,
records per minute as a ratio of LIMIT x 60, and how many 429s the client met.

Usage: python benchmarks/client_rate.py [--limit 600] [--duration 60] [--threads 4]
"""

from __future__ import annotations

import argparse
import threading
import time
import uuid

from bt2twenty.sandbox import SandboxConfig, running_sandbox
from bt2twenty.twenty import TwentyClient

BATCH = 60


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=600, help="requests per minute allowed")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds to send for")
    parser.add_argument("--threads", type=int, default=4, help="requests in flight at once")
    args = parser.parse_args()

    config = SandboxConfig(
        api_key="bench-key", rate_limit_per_minute=args.limit, rate_limit_per_second=100
    )
    with running_sandbox(config) as sandbox:
        client = TwentyClient(
            sandbox.url,
            sandbox.api_key,
            era="v2",
            rate_limit_per_minute=args.limit,
            burst_per_second=100,
            max_connections=args.threads,
        )
        deadline = time.monotonic() + args.duration
        sent = [0]
        lock = threading.Lock()

        def send() -> None:
            while time.monotonic() < deadline:
                batch = [{"id": str(uuid.uuid4()), "name": f"Bench {n}"} for n in range(BATCH)]
                client.records.create_many("companies", batch, upsert=True)
                with lock:
                    sent[0] += 1

        era = client.profile.era  # detect the era before the clock starts
        started = time.monotonic()
        threads = [threading.Thread(target=send) for _ in range(args.threads)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        client.close()
        statuses = [entry[2] for entry in sandbox.request_log]

    per_minute = sent[0] / elapsed * 60
    ratio = per_minute / args.limit
    print(f"server                era {era}, {args.limit} requests/min, batch {BATCH}")
    print(f"client                {args.threads} threads")
    print(f"elapsed               {elapsed:.1f} s")
    print(f"requests accepted     {sent[0]}  ({per_minute:.1f}/min)")
    print(f"rate / limit          {ratio:.3f}")
    print(f"records per minute    {per_minute * BATCH:.0f}  ({ratio:.3f} of limit x batch)")
    seen = client.limiter.rate_limited_count
    print(f"429 answers           {statuses.count(429)}  (client slowed down {seen} times)")


if __name__ == "__main__":
    main()
