"""The mapping stage as library functions: propose, confirm, and the lock check writers call.

Each takes the settings first; the `map` commands are thin layers over them. The target
schema is read from the configured Twenty workspace, or is Twenty's standard schema when no
workspace is configured.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bt2twenty.errors import ConfigError, SettingsError
from bt2twenty.mapping.llm import LlmAdvisor
from bt2twenty.mapping.lock import LOCK_FILE_NAME, Lock, build_lock, require_lock, write_lock
from bt2twenty.mapping.model import Mapping
from bt2twenty.mapping.propose import propose_mapping
from bt2twenty.mapping.semantic import SemanticMatcher
from bt2twenty.mapping.target import TargetSchema, schema_from_metadata, standard_schema
from bt2twenty.mapping.validate import MappingProblem, validate_mapping
from bt2twenty.mapping.yamlfile import MAPPING_FILE_NAME, load_mapping, save_mapping
from bt2twenty.settings import Settings

logger = logging.getLogger(__name__)

PROFILE_FILE_NAME = "source-profile.json"


@dataclass(frozen=True)
class ProposeResult:
    """The outcome of `propose`: the file written, the mapping and its uncertain entries."""

    path: Path
    mapping: Mapping
    uncertain: int


@dataclass(frozen=True)
class ConfirmResult:
    """The outcome of `confirm`: the lock written, or the problems that stopped it."""

    problems: list[MappingProblem]
    lock: Lock | None
    lock_path: Path


def mapping_path(settings: Settings) -> Path:
    """Return the path of the project's mapping file."""
    return settings.project_dir / MAPPING_FILE_NAME


def load_profile(settings: Settings, profile_path: Path | None = None) -> dict[str, Any]:
    """Read the source profile written by `discover`."""
    path = profile_path or settings.project_dir / PROFILE_FILE_NAME
    if not path.is_file():
        raise ConfigError(
            f"Source profile not found: {path}.",
            hint=f"Run `bt2twenty discover SOURCE --out {settings.project_dir}` first.",
        )
    try:
        profile: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise ConfigError(
            f"{path} is not valid JSON: {error}.",
            hint="Run `bt2twenty discover` again to rewrite it.",
        ) from None
    return profile


def load_target_schema(settings: Settings) -> TargetSchema:
    """Read the live schema of the configured workspace, else Twenty's standard schema."""
    if not settings.twenty_url or settings.twenty_api_key is None:
        logger.info("No Twenty workspace configured; using the standard schema")
        return standard_schema()

    from bt2twenty.twenty import TwentyClient

    with TwentyClient.from_settings(settings) as client:
        return schema_from_metadata(client.metadata.list_objects(), client.metadata.list_fields())


def propose(settings: Settings, *, profile_path: Path | None = None) -> ProposeResult:
    """Write a proposed `mapping.yaml`, keeping the comments of an existing one."""
    profile = load_profile(settings, profile_path)
    schema = load_target_schema(settings)
    advisor = _advisor(settings)
    matcher = SemanticMatcher() if settings.semantic_matching else None
    try:
        mapping = propose_mapping(profile, schema, advisor=advisor, matcher=matcher)
    finally:
        if advisor is not None:
            advisor.close()
    mapping.source_profile = str(profile_path or PROFILE_FILE_NAME)
    path = mapping_path(settings)
    settings.project_dir.mkdir(parents=True, exist_ok=True)
    save_mapping(mapping, path)
    uncertain = sum(
        1
        for object_mapping in mapping.objects.values()
        for entry in object_mapping.columns.values()
        if entry.confidence < 0.8 and not entry.skip
    )
    return ProposeResult(path=path, mapping=mapping, uncertain=uncertain)


def _advisor(settings: Settings) -> LlmAdvisor | None:
    if not settings.llm_matching:
        return None
    if not settings.llm_url or not settings.llm_model:
        raise SettingsError(
            "LLM matching is on but llm_url or llm_model is missing.",
            hint="Set BT2TWENTY_LLM_URL (an OpenAI-compatible base URL) and BT2TWENTY_LLM_MODEL, "
            "and the key in BT2TWENTY_LLM_API_KEY if the endpoint needs one.",
        )
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    return LlmAdvisor(settings.llm_url, settings.llm_model, api_key=key)


def confirm(settings: Settings, *, profile_path: Path | None = None) -> ConfirmResult:
    """Validate the whole mapping and, if no problem remains, write `mapping.lock`."""
    mapping = load_mapping(mapping_path(settings))
    profile = load_profile(settings, profile_path)
    schema = load_target_schema(settings)
    lock_path = settings.project_dir / LOCK_FILE_NAME
    problems = validate_mapping(mapping, profile, schema)
    if problems:
        return ConfirmResult(problems=problems, lock=None, lock_path=lock_path)

    lock = build_lock(mapping, profile, schema)
    write_lock(lock, lock_path)
    logger.info("Mapping confirmed by %s", lock.confirmed_by)
    return ConfirmResult(problems=[], lock=lock, lock_path=lock_path)


def check_confirmed(
    settings: Settings, *, schema: TargetSchema | None = None, profile_path: Path | None = None
) -> tuple[Mapping, Lock]:
    """Return the confirmed mapping, or raise `LockError` saying what changed since."""
    mapping = load_mapping(mapping_path(settings))
    profile = load_profile(settings, profile_path)
    schema = schema or load_target_schema(settings)
    lock = require_lock(settings.project_dir / LOCK_FILE_NAME, mapping, profile, schema)
    return mapping, lock
