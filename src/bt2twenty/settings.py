"""Layered settings: command-line flags, then the environment, then the project file.

The project file is ``bt2twenty.toml`` in the project folder. Secrets (API keys) are read only
from the environment or a prompt: a project file that names one is rejected, and no secret is
ever written back to disk. Every secret read is registered for redaction.
"""

from __future__ import annotations

import difflib
import logging
import os
import tomllib
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from bt2twenty.errors import SettingsError
from bt2twenty.redaction import register_secret

logger = logging.getLogger(__name__)

PROJECT_FILE_NAME = "bt2twenty.toml"
ENV_PREFIX = "BT2TWENTY_"

# Keys that hold credentials. They may come only from the environment or a prompt.
SECRET_FIELDS = ("twenty_api_key", "bluetrait_api_key", "llm_api_key")

ApiEra = Literal["auto", "v1", "v2"]

_project_file: ContextVar[Path | None] = ContextVar("_project_file", default=None)


class Settings(BaseSettings):
    """Every setting the pipeline reads, resolved from flags, environment and project file."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        extra="forbid",
        populate_by_name=True,
        validate_default=True,
    )

    project_dir: Path = Field(default=Path("."), description="Folder of the migration project.")

    twenty_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("twenty_url", "BT2TWENTY_TWENTY_URL", "TWENTY_API_URL"),
        description="Base URL of the Twenty workspace, e.g. https://api.twenty.com.",
    )
    twenty_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("twenty_api_key", "TWENTY_API_KEY"),
        description="Twenty API key; environment or prompt only.",
    )
    twenty_era: ApiEra = Field(
        default="auto",
        description="Twenty API era: auto-detect, or force v1 (1.x) or v2 (2.x) behaviour.",
    )

    bluetrait_url: str | None = Field(
        default=None,
        description="Bluetrait tenant API URL, e.g. https://example.bluetrait.io/api/.",
    )
    bluetrait_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("bluetrait_api_key", "BLUETRAIT_API_KEY"),
        description="Bluetrait API key; environment or prompt only.",
    )
    semantic_matching: bool = Field(
        default=False,
        description="Match headers to fields by meaning with a local model (the `ai` extra).",
    )
    llm_matching: bool = Field(
        default=False,
        description="Ask an LLM about columns the proposer could not place (off by default).",
    )
    llm_url: str | None = Field(
        default=None,
        description="Base URL of an OpenAI-compatible API, e.g. http://127.0.0.1:11434/v1.",
    )
    llm_model: str | None = Field(default=None, description="Model name sent to the LLM API.")
    llm_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("llm_api_key", "BT2TWENTY_LLM_API_KEY"),
        description="Key of the optional OpenAI-compatible endpoint used by mapping proposals.",
    )

    rate_limit_per_minute: int = Field(
        default=100, ge=1, description="Requests per minute the workspace allows (Twenty: 100)."
    )
    burst_per_second: int = Field(
        default=100, ge=1, description="Requests per second the workspace allows (Twenty: 100)."
    )
    batch_size: int | None = Field(
        default=None, ge=1, le=10_000, description="Records per batch request; None uses the era's."
    )
    page_size: int | None = Field(
        default=None, ge=1, le=10_000, description="Records per list page; None uses the era's."
    )
    delta_overlap_minutes: int = Field(
        default=60,
        ge=0,
        description="Minutes before the last run's latest source stamp that a delta reads again.",
    )
    spot_check_size: int = Field(
        default=25, ge=0, le=10_000, description="Records per object on the spot-check sheet."
    )
    concurrency: int = Field(default=4, ge=1, le=64, description="Requests in flight at once.")
    attachment_max_bytes: int = Field(
        default=100 * 1024 * 1024,
        ge=0,
        description="Largest attachment file uploaded, in bytes; larger ones are quarantined "
        "(Twenty's multipart upload limit: 100 MB).",
    )
    request_timeout_seconds: float = Field(default=60.0, gt=0, description="Per-request timeout.")
    max_attempts: int = Field(
        default=8, ge=1, description="Attempts per request for retryable failures (429, 5xx)."
    )
    max_retry_seconds: float = Field(
        default=600.0, gt=0, description="Total time a request may spend being retried."
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        project_file = _project_file.get()
        if project_file is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=project_file))
        return tuple(sources)

    def require_twenty(self) -> tuple[str, str]:
        """Return the Twenty URL and API key, or raise naming every place that was checked."""
        missing = []
        if not self.twenty_url:
            missing.append(
                "the Twenty URL (flag --twenty-url, environment BT2TWENTY_TWENTY_URL or "
                f"TWENTY_API_URL, or twenty_url in {PROJECT_FILE_NAME})"
            )
        if self.twenty_api_key is None:
            missing.append("the Twenty API key (environment TWENTY_API_KEY)")
        if missing:
            raise SettingsError(
                "Missing " + " and ".join(missing) + ".",
                hint="Create an API key in Twenty under Settings → APIs & Webhooks, put it in "
                "the environment variable TWENTY_API_KEY, and pass --twenty-url.",
            )
        assert self.twenty_url is not None
        assert self.twenty_api_key is not None
        return _checked_url(self.twenty_url), self.twenty_api_key.get_secret_value()


def load_settings(project_dir: Path | None = None, **flags: Any) -> Settings:
    """Resolve settings for `project_dir`: flags given here win over the environment, which
    wins over ``bt2twenty.toml``. Flags whose value is None are treated as not given.
    """
    project_dir = project_dir or Path(".")
    project_file = project_dir / PROJECT_FILE_NAME
    _reject_secrets_in_file(project_file)

    given = {name: value for name, value in flags.items() if value is not None}
    given["project_dir"] = project_dir
    token = _project_file.set(project_file if project_file.is_file() else None)
    try:
        settings = Settings(**given)
    except ValidationError as error:
        raise SettingsError(
            _describe_validation_error(error, project_file),
            hint="Fix the values listed above; flags win over the environment, which wins over "
            f"{PROJECT_FILE_NAME}.",
        ) from None
    finally:
        _project_file.reset(token)

    for unknown in unknown_environment_settings():
        logger.warning("Environment variable %s names no setting and is ignored", unknown)

    for name in SECRET_FIELDS:
        secret = getattr(settings, name)
        if secret is not None:
            register_secret(secret.get_secret_value())
    return settings


def _reject_secrets_in_file(project_file: Path) -> None:
    if not project_file.is_file():
        return
    try:
        values = tomllib.loads(project_file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(
            f"{project_file} is not valid TOML: {error}.",
            hint="Fix the line named above, or delete the file to use flags and the environment.",
        ) from None
    named = [name for name in SECRET_FIELDS if name in values]
    if named:
        raise SettingsError(
            f"{project_file} contains {', '.join(named)}; secrets are never read from files.",
            hint="Remove the key from the file and export it instead, for example "
            "TWENTY_API_KEY=... or BLUETRAIT_API_KEY=...",
        )


def _describe_validation_error(error: ValidationError, project_file: Path) -> str:
    problems = []
    for item in error.errors():
        location = ".".join(str(part) for part in item["loc"]) or "settings"
        if item["type"] == "extra_forbidden":
            problems.append(f"unknown setting {location!r}{_did_you_mean(location)}")
        elif location in SECRET_FIELDS:
            problems.append(f"{location}: {item['msg']}")
        else:
            problems.append(f"{location}: {item['msg']} (got {item.get('input')!r})")
    return f"Invalid settings (from flags, environment or {project_file}): " + "; ".join(problems)


def _did_you_mean(name: str) -> str:
    match = difflib.get_close_matches(name, list(Settings.model_fields), n=1)
    return f"; did you mean {match[0]!r}?" if match else ""


def unknown_environment_settings() -> list[str]:
    """Return `BT2TWENTY_*` variables that name no setting, with the nearest setting, if any."""
    known = {ENV_PREFIX + name.upper() for name in Settings.model_fields}
    known |= {"BT2TWENTY_TWENTY_URL", "BT2TWENTY_LLM_API_KEY"}
    found = []
    for variable in sorted(os.environ):
        if variable.startswith(ENV_PREFIX) and variable not in known:
            guess = _did_you_mean(variable.removeprefix(ENV_PREFIX).lower())
            found.append(f"{variable}{guess}")
    return found


def _checked_url(url: str) -> str:
    """Return the Twenty base URL without a trailing slash, or raise saying how to write it."""
    base = url.strip().rstrip("/")
    if not base.lower().startswith(("http://", "https://")):
        raise SettingsError(
            f"Invalid Twenty URL: {url!r} has no http:// or https://.",
            hint="Pass the workspace's base URL, for example --twenty-url https://crm.example.com.",
        )
    if base.lower().endswith(("/rest", "/graphql", "/metadata")):
        raise SettingsError(
            f"Invalid Twenty URL: {url!r} ends in an API path.",
            hint=f"Pass the base URL without it: --twenty-url {base.rsplit('/', 1)[0]}",
        )
    return base
