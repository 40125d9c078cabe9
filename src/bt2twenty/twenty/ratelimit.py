"""A client-side rate limiter that keeps requests under a Twenty workspace's limits.

Twenty meters API-key traffic with two token buckets per workspace, one token per request
whatever its batch size: a short one (100 per second by default) and a long one (100 per
minute), both refilled continuously. `RateLimiter` mirrors both, so a steady sender stays just
under the limit instead of bouncing off 429s. When a 429 arrives anyway (another client shares
the workspace, or the configured limit is wrong), every sender pauses for the server's
`Retry-After`, the long rate drops by a quarter, and it climbs back after a run of successes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger(__name__)

# After a 429 the long-window rate is multiplied by this, and restored step by step.
BACKOFF_FACTOR = 0.75
# Successful requests needed before the rate is raised one step after a slowdown.
RECOVERY_STREAK = 20
RECOVERY_STEP = 0.05
# Pause when a 429 carries no Retry-After: one long-window token interval, at least 1 s.
MIN_PAUSE_SECONDS = 1.0
# Token counts within this of a whole token count as whole, so rounding in the refill
# arithmetic cannot leave a sender waiting for a sliver of a token forever.
TOKEN_EPSILON = 1e-9


@dataclass
class _Bucket:
    capacity: float
    window_seconds: float
    tokens: float

    @property
    def refill_per_second(self) -> float:
        return self.capacity / self.window_seconds


class RateLimiter:
    """Blocks each request until both the per-second and the per-minute bucket have a token.

    Thread-safe: the loader's worker threads share one limiter. `clock` and `sleep` are
    injectable so the limiter's arithmetic can be tested without waiting.
    """

    def __init__(
        self,
        *,
        per_minute: float | None,
        per_second: float | None = None,
        start_full: bool = False,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._buckets: list[_Bucket] = []
        self._long: _Bucket | None = None
        if per_minute is not None:
            self._long = _Bucket(per_minute, 60.0, per_minute if start_full else 1.0)
            self._buckets.append(self._long)
        if per_second is not None:
            self._buckets.append(_Bucket(per_second, 1.0, per_second if start_full else 1.0))
        self._configured_per_minute = per_minute
        self._rate_factor = 1.0
        self._success_streak = 0
        self._paused_until = 0.0
        self._updated_at = clock()
        self.rate_limited_count = 0

    @property
    def is_enabled(self) -> bool:
        """Whether any limit is being kept."""
        return bool(self._buckets)

    @property
    def current_per_minute(self) -> float | None:
        """The long-window rate in force now, after any slowdown."""
        if self._long is None:
            return None
        return self._long.capacity * self._rate_factor

    def acquire(self) -> None:
        """Wait until a request may be sent, then take one token from each bucket."""
        while True:
            with self._lock:
                wait = self._seconds_until_available()
                if wait <= 0:
                    for bucket in self._buckets:
                        bucket.tokens -= 1.0
                    return
            self._sleep(wait)

    def record_success(self) -> None:
        """Count a request that was not rate limited, raising a lowered rate after a streak."""
        with self._lock:
            if self._rate_factor >= 1.0:
                return
            self._success_streak += 1
            if self._success_streak >= RECOVERY_STREAK:
                self._success_streak = 0
                self._rate_factor = min(1.0, self._rate_factor + RECOVERY_STEP)
                logger.info("Rate raised to %.0f requests per minute", self.current_per_minute)

    def record_rate_limited(self, retry_after: float | None) -> float:
        """Slow down after a 429: pause every sender and lower the rate; return the pause."""
        with self._lock:
            self.rate_limited_count += 1
            self._success_streak = 0
            pause = retry_after if retry_after is not None else self._default_pause()
            pause = max(pause, 0.0)
            now = self._clock()
            self._paused_until = max(self._paused_until, now + pause)
            for bucket in self._buckets:
                bucket.tokens = min(bucket.tokens, 0.0)
            if self._long is not None:
                self._rate_factor = max(0.05, self._rate_factor * BACKOFF_FACTOR)
            logger.warning(
                "Rate limited by Twenty; pausing %.1f s, now at %s requests per minute",
                pause,
                f"{self.current_per_minute:.0f}" if self.current_per_minute else "no limit",
            )
            return pause

    def observe_remaining(self, remaining: int) -> None:
        """Spend tokens the server reports as gone (`X-RateLimit-Remaining`), never add any."""
        with self._lock:
            for bucket in self._buckets:
                bucket.tokens = min(bucket.tokens, float(remaining))

    def observe_limit(self, limit: int, window_seconds: float) -> None:
        """Adopt a limit the server reported with its window, when it is lower than ours.

        A window under a minute is the burst limit; a longer one is the sustained limit. The
        `X-RateLimit-Limit` header alone names no window, so only limits that come with one
        (Twenty 2.x puts `limit`, `periodCount` and `periodUnit` in its 429 body) are used.
        """
        if limit < 1 or window_seconds <= 0:
            return
        with self._lock:
            if window_seconds >= 60.0:
                self._adopt_long(limit * 60.0 / window_seconds)
            else:
                self._adopt_short(limit / window_seconds)

    def _adopt_long(self, per_minute: float) -> None:
        if self._long is not None and per_minute >= self._long.capacity:
            return
        logger.info("Twenty reports %.0f requests per minute; adopting it", per_minute)
        if self._long is None:
            self._long = _Bucket(per_minute, 60.0, 0.0)
            self._buckets.append(self._long)
            return
        self._long.capacity = per_minute
        self._long.tokens = min(self._long.tokens, per_minute)

    def _adopt_short(self, per_second: float) -> None:
        short = next((bucket for bucket in self._buckets if bucket is not self._long), None)
        if short is not None and per_second >= short.capacity:
            return
        logger.info("Twenty reports %.0f requests per second; adopting it", per_second)
        if short is None:
            self._buckets.append(_Bucket(per_second, 1.0, 0.0))
            return
        short.capacity = per_second
        short.tokens = min(short.tokens, per_second)

    def _seconds_until_available(self) -> float:
        now = self._clock()
        self._refill(now)
        if now < self._paused_until:
            return self._paused_until - now
        waits = [0.0]
        for bucket in self._buckets:
            if bucket.tokens < 1.0 - TOKEN_EPSILON:
                rate = bucket.refill_per_second * self._factor_for(bucket)
                waits.append((1.0 - bucket.tokens) / rate)
        return max(waits)

    def _refill(self, now: float) -> None:
        elapsed = max(0.0, now - self._updated_at)
        self._updated_at = now
        for bucket in self._buckets:
            rate = bucket.refill_per_second * self._factor_for(bucket)
            ceiling = bucket.capacity * self._factor_for(bucket)
            bucket.tokens = min(ceiling, bucket.tokens + elapsed * rate)

    def _factor_for(self, bucket: _Bucket) -> float:
        return self._rate_factor if bucket is self._long else 1.0

    def _default_pause(self) -> float:
        if self._long is None:
            return MIN_PAUSE_SECONDS
        return max(MIN_PAUSE_SECONDS, 1.0 / self._long.refill_per_second)
