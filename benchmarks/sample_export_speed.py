"""Measure rows per second and peak memory of ``sample-export`` at two scales, tenfold apart.

Each scale runs in a fresh Python process, so its peak resident memory (``ru_maxrss``) is its
own. Usage: ``python benchmarks/sample_export_speed.py [--scale 10] [--seed 1]``, from the
repository root; the second scale is ten times the first.
Linux only: it reads each child's peak memory with ``os.wait4``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

logger = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[1]
CHILD_SCRIPT = """
import json, sys
from pathlib import Path
from bt2twenty.sources.bluetrait.sample import write_sample_export
summary = write_sample_export(Path(sys.argv[1]), scale=float(sys.argv[2]), seed=int(sys.argv[3]))
print(json.dumps({"rows": summary.total_rows, "seconds": summary.seconds,
                  "tickets": summary.rows["tickets.csv"]}))
"""


def measure(scale: float, seed: int) -> dict[str, float]:
    """Write one export of `scale` in a child process and return its rows, time and peak RSS."""
    with tempfile.TemporaryDirectory(prefix="bt2twenty-bench-") as folder:
        out_dir = Path(folder) / "export"
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD_SCRIPT, str(out_dir), str(scale), str(seed)],
            stdout=subprocess.PIPE,
            text=True,
            env={"PYTHONPATH": str(REPO_ROOT / "src")},
        )
        assert child.stdout is not None
        output = child.stdout.read()
        # wait4 returns the resource usage of this one child; ru_maxrss is in KiB on Linux.
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            raise SystemExit(f"sample export at scale {scale} failed with exit code {status}")
        size_bytes = sum(path.stat().st_size for path in out_dir.rglob("*") if path.is_file())
    result: dict[str, float] = json.loads(output)
    result["peak_mib"] = usage.ru_maxrss / 1024
    result["size_mib"] = size_bytes / 1024 / 1024
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=10.0, help="Smaller scale; default 10.")
    parser.add_argument("--seed", type=int, default=1, help="Random seed; default 1.")
    arguments = parser.parse_args()

    print(f"python {platform.python_version()} on {platform.machine()}, {platform.processor()}")
    print(
        f"{'scale':>8} {'tickets':>10} {'rows':>12} {'seconds':>9} {'rows/s':>9} "
        f"{'peak MiB':>9} {'output MiB':>11}"
    )
    for scale in (arguments.scale, arguments.scale * 10):
        result = measure(scale, arguments.seed)
        print(
            f"{scale:>8g} {result['tickets']:>10,.0f} {result['rows']:>12,.0f} "
            f"{result['seconds']:>9.1f} {result['rows'] / result['seconds']:>9,.0f} "
            f"{result['peak_mib']:>9.1f} {result['size_mib']:>11.1f}"
        )


if __name__ == "__main__":
    main()
