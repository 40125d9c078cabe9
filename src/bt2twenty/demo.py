"""The demo: the whole pipeline on a generated export, into a local Twenty stand-in it starts.

Nothing leaves the machine and no account is needed. The demo confirms the proposed mapping
itself, which a real migration never does: there a person reviews `mapping.yaml` first.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bt2twenty.errors import ConfigError
from bt2twenty.mapping.workflow import confirm, propose
from bt2twenty.pipeline.load import LoadResult, run_load
from bt2twenty.pipeline.verify import VerifyResult, run_verify
from bt2twenty.redaction import register_secret
from bt2twenty.sandbox import SandboxConfig, running_sandbox
from bt2twenty.schema.workflow import apply
from bt2twenty.settings import load_settings
from bt2twenty.sources.bluetrait.discovery import discover
from bt2twenty.sources.bluetrait.sample import write_sample_export

logger = logging.getLogger(__name__)

# The stand-in has no rate limit in the demo. The client gets a limit far above what one
# machine sends, so the demo runs at full speed.
DEMO_RATE_LIMIT = 1_000_000


@dataclass
class DemoCheck:
    """One thing the demo verified, and whether it held."""

    name: str
    passed: bool
    detail: str


@dataclass
class DemoResult:
    """Everything the demo did, the checks it made, and where it wrote its files."""

    workdir: Path
    report_path: Path
    checks: list[DemoCheck] = field(default_factory=list)
    load: LoadResult | None = None
    verify: VerifyResult | None = None

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(check.passed for check in self.checks)


def run_demo(
    workdir: Path,
    *,
    scale: float = 1.0,
    seed: int = 1,
    step: Callable[[str], None] = lambda _name: None,
) -> DemoResult:
    """Generate an export, then discover, map, confirm, apply the schema, load and verify it."""
    if workdir.exists() and any(workdir.iterdir()):
        raise ConfigError(
            f"The demo folder {workdir} is not empty.",
            hint="Pass --workdir with a new folder, or delete this one.",
        )
    export_dir = workdir / "export"
    project_dir = workdir / "project"
    result = DemoResult(workdir=workdir, report_path=workdir / "demo-report.md")

    step("Writing a sample Bluetrait export")
    summary = write_sample_export(export_dir, scale=scale, seed=seed)

    api_key = secrets.token_urlsafe(24)
    register_secret(api_key)
    config = SandboxConfig(
        api_key=api_key,
        rate_limit_per_minute=None,
        rate_limit_per_second=None,
        data_path=workdir / "twenty-sandbox.sqlite",
    )
    with running_sandbox(config) as sandbox:
        step(f"Started the Twenty stand-in at {sandbox.url}")
        settings = load_settings(
            project_dir,
            twenty_url=sandbox.url,
            twenty_api_key=api_key,
            rate_limit_per_minute=DEMO_RATE_LIMIT,
            burst_per_second=DEMO_RATE_LIMIT,
        )

        step("Discovering the export")
        profile = discover(export_dir, project_dir)
        step("Proposing the mapping")
        propose(settings)
        step("Confirming the mapping (the demo confirms it itself; a real migration is reviewed)")
        confirmed = confirm(settings)
        result.checks.append(
            DemoCheck(
                "mapping confirmed",
                not confirmed.problems,
                "; ".join(str(p) for p in confirmed.problems[:5]) or "no problems",
            )
        )
        if confirmed.problems:
            _write_report(result, summary.total_rows, profile.document)
            return result

        step("Creating the Twenty schema")
        applied = apply(settings)
        result.checks.append(
            DemoCheck(
                "schema applied",
                True,
                f"{len(applied.result.applied)} objects, fields and relations",
            )
        )
        step("Loading the records")
        load = run_load(settings)
        result.load = load
        _check_load(result, load)

        step("Running the load again: nothing may be sent twice")
        again = run_load(settings)
        unchanged = all(r.counts.unchanged == r.counts.loaded for r in again.objects)
        result.checks.append(
            DemoCheck(
                "second run sends nothing",
                unchanged,
                "every record unchanged" if unchanged else "some records were sent again",
            )
        )

        step("Reading every record back and comparing each field")
        verified = run_verify(settings, seed=seed)
        result.verify = verified
        _check_verify(result, verified)

    _write_report(result, summary.total_rows, profile.document)
    return result


def _check_load(result: DemoResult, load: LoadResult) -> None:
    balanced = [r for r in load.objects if r.counts.is_balanced]
    result.checks.append(
        DemoCheck(
            "every row accounted for",
            len(balanced) == len(load.objects),
            f"{len(balanced)} of {len(load.objects)} objects: "
            "read = loaded + skipped + quarantined",
        )
    )
    in_twenty = [r for r in load.objects if r.in_twenty is not None]
    result.checks.append(
        DemoCheck(
            "every loaded record is in Twenty",
            all(r.in_twenty is not None for r in in_twenty),
            f"{sum(r.in_twenty or 0 for r in in_twenty)} records found by id",
        )
    )


def _check_verify(result: DemoResult, verified: VerifyResult) -> None:
    problems = sum(
        item.mismatched_records + item.missing + item.extra + item.outdated
        for item in verified.objects
    )
    result.checks.append(
        DemoCheck(
            "every field verified in Twenty",
            verified.is_clean,
            f"{verified.verified} records read back, {problems} with a difference; "
            f"report {verified.reports['markdown'].name}",
        )
    )


def _write_report(result: DemoResult, rows: int, profile: dict[str, Any]) -> None:
    lines = [
        "# bt2twenty demo",
        "",
        f"Sample export: {rows} rows in {result.workdir / 'export'}",
        "",
    ]
    lines += ["## Checks", "", "| check | result | detail |", "|---|---|---|"]
    for check in result.checks:
        lines.append(
            f"| {check.name} | {'passed' if check.passed else 'FAILED'} | {check.detail} |"
        )
    if result.load is not None:
        lines += ["", "## Records per object", ""]
        lines += [f"- {report.line()}" for report in result.load.objects]
    lines += ["", f"Scope document: {result.workdir / 'project' / 'scope.md'}"]
    if result.verify is not None:
        lines.append(f"Verification report: {result.verify.reports['markdown']}")
        lines.append(f"Spot-check sheet: {result.verify.reports['spot_check_html']}")
    lines.append("")
    result.report_path.write_text("\n".join(lines), encoding="utf-8")
    document = {
        "passed": result.passed,
        "checks": [check.__dict__ for check in result.checks],
        "load": result.load.as_json() if result.load else None,
        "verify": result.verify.as_json() if result.verify else None,
        "source_objects": len(profile.get("objects", [])),
    }
    result.report_path.with_suffix(".json").write_text(
        json.dumps(document, indent=1), encoding="utf-8"
    )
