"""``bt2twenty map``: propose, show, review and confirm the mapping."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer

from bt2twenty.cli import output
from bt2twenty.mapping.model import ColumnMapping, Mapping, MappingSettings, ValueOption
from bt2twenty.mapping.naming import field_name_for
from bt2twenty.mapping.workflow import confirm, load_profile, mapping_path, propose
from bt2twenty.mapping.yamlfile import load_mapping, save_mapping
from bt2twenty.settings import load_settings

map_app = typer.Typer(
    help="Propose, review and confirm the mapping from Bluetrait to Twenty.\n\n"
    "Example: bt2twenty map propose --project ./acme"
)

ProjectOption = Annotated[
    Path, typer.Option("--project", "-p", help="Folder of the migration project.")
]
ProfileOption = Annotated[
    Path | None,
    typer.Option(
        "--profile", help="Source profile from discover (default: PROJECT/source-profile.json)."
    ),
]
TwentyUrlOption = Annotated[
    str | None,
    typer.Option(
        "--twenty-url", help="Read the live schema of this workspace (key: TWENTY_API_KEY)."
    ),
]

REVIEW_THRESHOLD = 0.8


@map_app.command("propose")
def propose_command(
    project: ProjectOption = Path("."),
    profile: ProfileOption = None,
    twenty_url: TwentyUrlOption = None,
    semantic: Annotated[
        bool | None,
        typer.Option(
            "--semantic/--no-semantic", help="Match by meaning with the local model (ai extra)."
        ),
    ] = None,
    llm: Annotated[
        bool | None,
        typer.Option(
            "--llm/--no-llm", help="Ask the LLM at BT2TWENTY_LLM_URL about unplaced columns."
        ),
    ] = None,
) -> None:
    """Write mapping.yaml from the source profile and the target schema; nothing is sent.

    Example: bt2twenty map propose --project ./acme --twenty-url https://crm.example.com
    """
    settings = load_settings(
        project, twenty_url=twenty_url, llm_matching=llm, semantic_matching=semantic
    )
    result = propose(settings, profile_path=profile)
    objects = [m for m in result.mapping.objects.values() if not m.skip]
    output.success(f"Wrote {result.path}: {len(objects)} objects mapped.")
    if result.uncertain:
        output.info(
            f"{result.uncertain} entries need a look (confidence below {REVIEW_THRESHOLD}); run "
            f"`bt2twenty map review --project {project}`, then "
            f"`bt2twenty map confirm --project {project}`."
        )
    else:
        output.info(
            f"Every entry is confident. Read it with `bt2twenty map show --project {project}`, "
            f"then run `bt2twenty map confirm --project {project}`."
        )


@map_app.command("show")
def show_command(
    project: ProjectOption = Path("."),
    profile: ProfileOption = None,
    only: Annotated[str | None, typer.Option("--object", help="Show one source object.")] = None,
) -> None:
    """Print the mapping as a table: source column, target, type, confidence, sample values.

    Example: bt2twenty map show --project ./acme --object tickets
    """
    settings = load_settings(project)
    mapping = load_mapping(mapping_path(settings))
    samples = _samples(load_profile(settings, profile))
    for name, object_mapping in mapping.objects.items():
        if only and name != only:
            continue
        if object_mapping.skip:
            output.info(f"{name}: skipped ({object_mapping.skip})")
            continue
        rows = [
            _row(column, entry, samples.get((name, column), ""))
            for column, entry in object_mapping.columns.items()
        ]
        output.table(
            f"{name} → {object_mapping.target}",
            ["column", "target", "transform", "confidence", "samples"],
            rows,
        )


@map_app.command("review")
def review_command(project: ProjectOption = Path("."), profile: ProfileOption = None) -> None:
    """Walk the settings that discovery's problems call for, then each uncertain entry; save.

    Settings come first (duplicate emails, one-word names, shared domains, garbled text, time
    zone), each with its current value as the default. Then each entry below the confidence
    threshold: accept, change the target, or skip.

    Example: bt2twenty map review --project ./acme
    """
    settings = load_settings(project)
    path = mapping_path(settings)
    mapping = load_mapping(path)
    source_profile = load_profile(settings, profile)
    samples = _samples(source_profile)
    changed = _review_policies(mapping, source_profile)
    for name, object_mapping in mapping.objects.items():
        if object_mapping.skip:
            continue
        for column, entry in object_mapping.columns.items():
            if entry.skip or entry.confidence >= REVIEW_THRESHOLD:
                continue
            changed += _review_entry(name, column, entry, samples.get((name, column), ""))
            changed += _review_values(mapping, entry)
    save_mapping(mapping, path)
    output.success(
        f"Saved {path} ({changed} changes). Next: `bt2twenty map confirm --project {project}`."
    )


@map_app.command("confirm")
def confirm_command(
    project: ProjectOption = Path("."),
    profile: ProfileOption = None,
    twenty_url: TwentyUrlOption = None,
) -> None:
    """Check the whole mapping, list every problem, and lock it when there are none.

    Example: bt2twenty map confirm --project ./acme --twenty-url https://crm.example.com
    """
    settings = load_settings(project, twenty_url=twenty_url)
    result = confirm(settings, profile_path=profile)
    if result.problems:
        output.error(f"The mapping has {len(result.problems)} problems; nothing was locked:")
        for problem in result.problems:
            output.info(f"  {problem}")
        output.info(
            "Fix them in mapping.yaml (or with `bt2twenty map review`), then confirm again."
        )
        raise typer.Exit(1)
    assert result.lock is not None
    output.success(
        f"Mapping confirmed by {result.lock.confirmed_by} at {result.lock.confirmed_at}; "
        f"wrote {result.lock_path}. Next: "
        f"{output.command('schema plan', project, settings.twenty_url)}."
    )


def _row(column: str, entry: ColumnMapping, samples: str) -> list[Any]:
    if entry.skip:
        return [column, f"(skipped: {entry.skip})", "", "", samples]
    target = entry.target or ""
    if entry.part:
        target += f".{entry.part}"
    if entry.create:
        target += f" (new {entry.create.type})"
    return [column, target, entry.transform, f"{entry.confidence:.2f}", samples]


def _samples(profile: dict[str, Any]) -> dict[tuple[str, str], str]:
    found = {}
    for source_object in profile.get("objects", []):
        for column in source_object.get("columns", []):
            examples = column.get("examples") or []
            found[(source_object["name"], column["name"])] = ", ".join(examples[:3])[:60]
    return found


# Problems discovery reports that a mapping setting decides, and that setting.
POLICY_FOR_PROBLEM = {
    "duplicate_person_email": "duplicate_email_policy",
    "missing_last_name": "single_name_policy",
    "shared_domain": "shared_domain_policy",
    "duplicate_company_name": "duplicate_company_policy",
    "mangled_text": "repair_mojibake",
    "dst_edge": "tenant_time_zone",
}


def _review_policies(mapping: Mapping, profile: dict[str, Any]) -> int:
    """Ask, for each setting a discovered problem calls for, which value to use."""
    found: dict[str, list[dict[str, Any]]] = {}
    for problem in profile.get("problems", []):
        setting = POLICY_FOR_PROBLEM.get(str(problem.get("kind")))
        if setting is not None:
            found.setdefault(setting, []).append(problem)

    changed = 0
    for setting, problems in found.items():
        rows = sum(int(problem.get("count", 0)) for problem in problems)
        current = getattr(mapping.settings, setting)
        shown = str(current).lower() if isinstance(current, bool) else str(current)
        choices = _setting_choices(setting)
        output.info("")
        output.info(f"settings.{setting} = {shown}: {problems[0].get('message', '')} ({rows})")
        hint = f" ({' | '.join(choices)})" if choices else ""
        answer = typer.prompt(f"  {setting}{hint}", default=shown).strip()
        if answer == shown:
            continue
        if choices and answer not in choices:
            output.warn(f"{answer!r} is not one of {', '.join(choices)}; kept {shown}.")
            continue
        if setting == "tenant_time_zone" and not _is_time_zone(answer):
            output.warn(f"{answer!r} is not an IANA time zone name; kept {shown}.")
            continue
        setattr(
            mapping.settings, setting, answer == "true" if isinstance(current, bool) else answer
        )
        changed += 1
    return changed


def _setting_choices(setting: str) -> tuple[str, ...]:
    annotation = MappingSettings.model_fields[setting].annotation
    if annotation is bool:
        return ("true", "false")
    if get_origin(annotation) is Literal:
        return tuple(str(choice) for choice in get_args(annotation))
    return ()


def _is_time_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _review_entry(name: str, column: str, entry: ColumnMapping, samples: str) -> int:
    output.info("")
    output.info(
        f"{name}.{column} → {entry.target} ({entry.transform}), confidence {entry.confidence:.2f}"
    )
    output.info(f"  why: {entry.reason}")
    output.info(f"  samples: {samples or '(none)'}")
    choice = typer.prompt("  [a]ccept, [c]hange target, [s]kip column", default="a")
    choice = choice.strip().lower()[:1]
    if choice == "s":
        entry.skip = typer.prompt("  reason for skipping", default="not needed in Twenty")
        _mark_reviewed(entry, "skipped on review")
        return 1
    if choice == "c":
        new_target = typer.prompt("  target field name").strip()
        entry.target = new_target
        if entry.create is not None:
            entry.create.label = typer.prompt(
                "  label of the new field", default=entry.create.label
            )
            entry.target = field_name_for(new_target, set())
        _mark_reviewed(entry, "target changed on review")
        return 1
    _mark_reviewed(entry, "accepted on review")
    return 0


def _review_values(mapping: Mapping, entry: ColumnMapping) -> int:
    if entry.value_map is None or entry.value_map not in mapping.value_maps:
        return 0
    value_map = mapping.value_maps[entry.value_map]
    if not typer.confirm(
        f"  review the {len(value_map.values)} values of {entry.value_map}?", default=False
    ):
        return 0
    changed = 0
    for source_value, option in value_map.values.items():
        answer = typer.prompt(f"    {source_value!r} → option value", default=option.value or "")
        if answer != option.value:
            value_map.values[source_value] = ValueOption(
                value=answer or None, label=option.label, color=option.color
            )
            changed += 1
    return changed


def _mark_reviewed(entry: ColumnMapping, how: str) -> None:
    entry.confidence = 1.0
    entry.method = f"{entry.method}; {how}"


def register(app: typer.Typer) -> None:
    """Add the ``map`` commands to the main application."""
    app.add_typer(map_app, name="map")
