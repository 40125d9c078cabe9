"""Measure discovery throughput and peak memory on generated ticket exports of growing size.

Usage: python benchmarks/discover_throughput.py [--sizes 100000 1000000] [--work DIR]

Each size is generated straight to disk (tickets.csv plus small companies and users files) and
discovered in a fresh child process, so each peak resident set size (ru_maxrss) belongs to one
run. The report prints rows per second of wall time and of CPU time (steadier on a shared
machine) and peak memory per size. Flat memory across a tenfold growth shows that discovery
streams.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
TICKET_HEADER = (
    "id,key,subject,description,html,status_name,status_active,priority_name,department_name,"
    "user_id,owner_name,assigned_user_id,assigned_name,company_id,company_name,cc,tags,"
    "date_added,last_modified,date_due,archived,merge_ticket_id,cf_4\n"
)
STATUSES = ("Open", "In Progress", "Closed", "Waiting on Client", "Scheduled")
PRIORITIES = ("Low", "Medium", "High", "Critical")
SUBJECTS = ("Printer offline", "Outlook keeps asking for password", "VPN drops", "New starter")
COMPANIES = 300
USERS = 20


def generate(folder: Path, tickets: int, seed: int = 7) -> int:
    """Write an export with `tickets` ticket rows into `folder`; return the bytes written."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    with (folder / "companies.csv").open("w", encoding="utf-8", newline="") as stream:
        stream.write("id,name,website,date_added\n")
        for number in range(1, COMPANIES + 1):
            stream.write(
                f"{number},Company {number} Pty Ltd,company{number}.com.au,2021-01-01 09:00:00\n"
            )
    with (folder / "users.csv").open("w", encoding="utf-8", newline="") as stream:
        stream.write("id,name,email,group_name\n")
        for number in range(1, USERS + 1):
            stream.write(f"{number},Tech {number},tech{number}@msp.com.au,Staff\n")

    with (folder / "tickets.csv").open("w", encoding="utf-8", newline="") as stream:
        stream.write(TICKET_HEADER)
        for number in range(1, tickets + 1):
            stream.write(_ticket_line(rng, 10000 + number))
    return sum(path.stat().st_size for path in folder.iterdir())


def _ticket_line(rng: random.Random, ticket_id: int) -> str:
    subject = rng.choice(SUBJECTS)
    company = rng.randint(1, COMPANIES)
    user = rng.randint(1, USERS)
    day = rng.randint(1, 28)
    month = rng.randint(1, 12)
    # fputcsv leaves a quote after a backslash undoubled, as Bluetrait's exports do.
    description = f'"<p>{subject}. Path ""C:\\Users\\Public\\" fails"",\nplease call.</p>"'
    merged = str(ticket_id - 1) if ticket_id % 997 == 0 else ""
    return (
        f"{ticket_id},K{ticket_id:07d},{subject},{description},1,{rng.choice(STATUSES)},1,"
        f"{rng.choice(PRIORITIES)},Service Desk,{user},Tech {user},{user},Tech {user},{company},"
        f"Company {company} Pty Ltd,,network;backup,2023-{month:02d}-{day:02d} 10:{day:02d}:00,"
        f"2023-{month:02d}-{day:02d} 11:00:00,{day:02d}/{month:02d}/2024,0,{merged},Email\n"
    )


def run_one(source: Path, out: Path) -> dict[str, float]:
    """Discover `source` in this process; return elapsed seconds, rows and peak memory."""
    sys.path.insert(0, str(SRC))
    from bt2twenty.sources.bluetrait.discovery import discover

    started = time.perf_counter()
    cpu_started = time.process_time()
    profile = discover(source, out)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    rows = sum(entry["rows_read"] for entry in profile.objects)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"rows": rows, "seconds": elapsed, "cpu_seconds": cpu, "peak_rss_mib": peak_kib / 1024}


def main() -> None:
    """Generate each size, discover it in a child process and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--work", type=Path, default=None, help="Folder for generated exports.")
    parser.add_argument("--run-one", type=Path, default=None, help=argparse.SUPPRESS)
    arguments = parser.parse_args()

    if arguments.run_one is not None:
        print(json.dumps(run_one(arguments.run_one, arguments.run_one.parent / "out")))
        return

    work = arguments.work or Path(tempfile.mkdtemp(prefix="bt2twenty-bench-"))
    print(
        f"{'tickets':>10} {'MB':>8} {'rows/s':>10} {'seconds':>8} {'rows/CPU s':>11} "
        f"{'peak RSS MiB':>13}"
    )
    for size in arguments.sizes:
        folder = work / f"export-{size}"
        megabytes = generate(folder, size) / 1e6
        child = subprocess.run(
            [sys.executable, __file__, "--run-one", str(folder)],
            check=True,
            capture_output=True,
            text=True,
        )
        result = json.loads(child.stdout.strip().splitlines()[-1])
        rate = result["rows"] / result["seconds"]
        cpu_rate = result["rows"] / result["cpu_seconds"]
        print(
            f"{size:>10} {megabytes:>8.1f} {rate:>10.0f} {result['seconds']:>8.1f} "
            f"{cpu_rate:>11.0f} {result['peak_rss_mib']:>13.1f}"
        )


if __name__ == "__main__":
    main()
