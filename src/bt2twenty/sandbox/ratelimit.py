"""Per-workspace token buckets: one token per request, refilled continuously."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass


@dataclass
class TokenBucket:
    """A bucket of `capacity` tokens refilled at `capacity / window_seconds` per second."""

    capacity: int
    window_seconds: float
    tokens: float = 0.0
    updated: float = 0.0

    def __post_init__(self) -> None:
        self.tokens = float(self.capacity)
        self.updated = time.monotonic()

    def refill(self, now: float) -> None:
        """Add the tokens earned since the last refill, up to capacity."""
        rate = self.capacity / self.window_seconds
        self.tokens = min(float(self.capacity), self.tokens + (now - self.updated) * rate)
        self.updated = now

    def seconds_until_token(self) -> float:
        """Return how long until one whole token is available."""
        missing = 1.0 - self.tokens
        if missing <= 0:
            return 0.0
        return missing * self.window_seconds / self.capacity


@dataclass(frozen=True)
class Decision:
    """The outcome for one request: allowed or not, and what the 429 headers report."""

    allowed: bool
    limit: int
    remaining: int
    retry_after_seconds: int
    window_seconds: float


class RateLimiter:
    """A long (per minute) and a short (per second) bucket; a request needs a token from both."""

    def __init__(self, per_minute: int | None, per_second: int | None) -> None:
        self._lock = threading.Lock()
        self.configure(per_minute, per_second)

    def configure(self, per_minute: int | None, per_second: int | None) -> None:
        """Replace the buckets; None switches a bucket off, and both None switch limiting off."""
        for name, value in (("per_minute", per_minute), ("per_second", per_second)):
            if value is not None and value < 1:
                raise ValueError(f"{name}={value} is invalid: use 1 or more, or None for no limit")
        with self._lock:
            self.buckets = []
            if per_minute is not None:
                self.buckets.append(TokenBucket(per_minute, 60.0))
            if per_second is not None:
                self.buckets.append(TokenBucket(per_second, 1.0))

    @property
    def enabled(self) -> bool:
        """Whether any bucket is on."""
        return bool(self.buckets)

    def take(self) -> Decision:
        """Take one token from every bucket, or report the bucket that is empty."""
        with self._lock:
            if not self.buckets:
                return Decision(True, 0, 0, 0, 0.0)
            now = time.monotonic()
            for bucket in self.buckets:
                bucket.refill(now)
            empty = [bucket for bucket in self.buckets if bucket.tokens < 1.0]
            if empty:
                bucket = max(empty, key=lambda item: item.seconds_until_token())
                wait = max(1, math.ceil(bucket.seconds_until_token()))
                return Decision(False, bucket.capacity, 0, wait, bucket.window_seconds)
            for bucket in self.buckets:
                bucket.tokens -= 1.0
            tightest = min(self.buckets, key=lambda item: item.tokens / item.capacity)
            return Decision(
                True, tightest.capacity, int(tightest.tokens), 0, tightest.window_seconds
            )
