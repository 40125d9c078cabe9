"""Settings of a sandbox run: era, limits and injected faults."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Era = Literal["v1", "v2"]

# Twenty's self-hosted defaults: 100 requests per 60 s and 100 per 1 s, per workspace.
DEFAULT_RATE_LIMIT_PER_MINUTE = 100
DEFAULT_RATE_LIMIT_PER_SECOND = 100

# Marks a per-second limit left to follow the per-minute one: Twenty's 100 per second while a
# per-minute limit is on, and no limit when the per-minute limit is off.
FOLLOW_PER_MINUTE: Literal["follow"] = "follow"

# Twenty's documentation advertises 60 records per batch call.
DEFAULT_MAX_BATCH = 60


@dataclass(frozen=True)
class FaultSpec:
    """Faults to inject: shares of requests that fail, added latency and a 429 storm.

    A share `error_rate` of requests gets a 500 before processing. A share `drop_rate` is
    processed and then loses its connection before a complete response. Every request first
    waits `latency_seconds`. For `storm_seconds` after the spec is set, every request gets a 429.
    The same `seed` gives the same sequence of faults.
    """

    error_rate: float = 0.0
    drop_rate: float = 0.0
    latency_seconds: float = 0.0
    storm_seconds: float = 0.0
    seed: int | None = None

    def __post_init__(self) -> None:
        for name in ("error_rate", "drop_rate"):
            rate = getattr(self, name)
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"{name}={rate} is invalid: use a share between 0 and 1")
        if self.error_rate + self.drop_rate > 1.0:
            raise ValueError(
                f"error_rate + drop_rate = {self.error_rate + self.drop_rate} is more than 1: "
                "lower one of them"
            )
        for name in ("latency_seconds", "storm_seconds"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name}={getattr(self, name)} is invalid: use 0 or more seconds")

    @property
    def is_active(self) -> bool:
        """Whether any fault is switched on."""
        return bool(self.error_rate or self.drop_rate or self.latency_seconds or self.storm_seconds)


FAULT_SPEC_HELP = (
    "Comma-separated key=value pairs: error_rate (share of 500s, 0-1), drop_rate (share of "
    "requests processed and then cut off, 0-1), latency (seconds added to every request), "
    "storm (seconds of 429s from the start), seed (integer). "
    "Example: error_rate=0.1,drop_rate=0.05,latency=0.2,storm=10,seed=1"
)

_FAULT_KEYS = {
    "error_rate": "error_rate",
    "drop_rate": "drop_rate",
    "latency": "latency_seconds",
    "storm": "storm_seconds",
    "seed": "seed",
}


def parse_fault_spec(spec: str) -> FaultSpec:
    """Parse ``error_rate=0.1,drop_rate=0.05,latency=0.2,storm=10,seed=1`` into a `FaultSpec`."""
    values: dict[str, float | int] = {}
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        key, separator, raw_value = part.partition("=")
        key = key.strip()
        if not separator or key not in _FAULT_KEYS:
            raise ValueError(
                f"fault setting {part!r} is invalid: use key=value with a key among "
                f"{', '.join(_FAULT_KEYS)}"
            )
        try:
            values[_FAULT_KEYS[key]] = int(raw_value) if key == "seed" else float(raw_value)
        except ValueError:
            raise ValueError(
                f"fault setting {key}={raw_value!r} is invalid: use a number"
            ) from None
    return FaultSpec(**values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class SandboxConfig:
    """Settings of one sandbox: the Twenty era it imitates and the limits it enforces."""

    api_key: str
    era: Era = "v2"
    data_path: Path | None = None
    rate_limit_per_minute: int | None = DEFAULT_RATE_LIMIT_PER_MINUTE
    rate_limit_per_second: int | Literal["follow"] | None = FOLLOW_PER_MINUTE
    max_batch: int = DEFAULT_MAX_BATCH
    partial_unique_indexes: bool = False
    faults: FaultSpec = field(default_factory=FaultSpec)
    workspace_id: str = "20202020-1c25-4d02-bf25-6aeccf7ea419"

    @property
    def per_second_limit(self) -> int | None:
        """The per-second limit in force, after resolving `FOLLOW_PER_MINUTE`."""
        return resolve_per_second(self.rate_limit_per_minute, self.rate_limit_per_second)

    def __post_init__(self) -> None:
        if self.era not in ("v1", "v2"):
            raise ValueError(f"era {self.era!r} is invalid: use 'v1' or 'v2'")
        if self.max_batch < 1:
            raise ValueError(f"max_batch={self.max_batch} is invalid: use 1 or more")
        if not self.api_key:
            raise ValueError("api_key is empty: give the key clients must send")


@dataclass(frozen=True)
class EraLimits:
    """Page sizes of one era of Twenty's REST API."""

    default_limit: int
    max_limit: int


# 1.x sources document a default of 60 and a maximum of 200, and current 2.x uses 1000 and 10,000.
ERA_LIMITS: dict[str, EraLimits] = {
    "v1": EraLimits(default_limit=60, max_limit=200),
    "v2": EraLimits(default_limit=1000, max_limit=10_000),
}


def resolve_per_second(per_minute: int | None, per_second: int | str | None) -> int | None:
    """Return the per-second limit in force.

    `FOLLOW_PER_MINUTE` gives Twenty's 100 while `per_minute` is on, and None while it is off.
    """
    if per_second == FOLLOW_PER_MINUTE:
        return DEFAULT_RATE_LIMIT_PER_SECOND if per_minute is not None else None
    if isinstance(per_second, str):
        raise TypeError(f"per_second={per_second!r} is invalid: use a number or None")
    return per_second
