"""The client-side rate limiter keeps the send rate under the workspace's limits."""

from __future__ import annotations

import pytest

from bt2twenty.twenty.ratelimit import BACKOFF_FACTOR, RECOVERY_STREAK, RateLimiter


class FakeClock:
    """A clock that moves only when the limiter sleeps."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def make_limiter(clock: FakeClock, **kwargs: float | None) -> RateLimiter:
    return RateLimiter(clock=clock, sleep=clock.sleep, **kwargs)  # type: ignore[arg-type]


def test_steady_rate_matches_per_minute_limit() -> None:
    clock = FakeClock()
    limiter = make_limiter(clock, per_minute=100, per_second=100)
    for _ in range(301):
        limiter.acquire()
    # 300 requests after the first need 300 tokens at 100 per 60 s.
    assert clock.now == pytest.approx(180.0, rel=0.01)


def test_per_second_limit_caps_bursts() -> None:
    clock = FakeClock()
    limiter = make_limiter(clock, per_minute=None, per_second=5, start_full=True)
    for _ in range(5):
        limiter.acquire()
    assert clock.now == 0.0
    limiter.acquire()
    assert clock.now == pytest.approx(0.2)


def test_no_limit_never_waits() -> None:
    clock = FakeClock()
    limiter = make_limiter(clock, per_minute=None, per_second=None)
    for _ in range(1000):
        limiter.acquire()
    assert clock.now == 0.0
    assert not limiter.is_enabled


def test_rate_limited_pauses_and_slows() -> None:
    clock = FakeClock()
    limiter = make_limiter(clock, per_minute=100, per_second=100, start_full=True)
    pause = limiter.record_rate_limited(retry_after=7.0)
    assert pause == 7.0
    limiter.acquire()
    assert clock.now >= 7.0
    assert limiter.current_per_minute == pytest.approx(100 * BACKOFF_FACTOR)
    assert limiter.rate_limited_count == 1


def test_rate_limited_without_retry_after() -> None:
    clock = FakeClock()
    limiter = make_limiter(clock, per_minute=100, per_second=100)
    assert limiter.record_rate_limited(retry_after=None) >= 0.6


def test_rate_recovers_after_successes() -> None:
    clock = FakeClock()
    limiter = make_limiter(clock, per_minute=100)
    limiter.record_rate_limited(retry_after=0)
    lowered = limiter.current_per_minute
    assert lowered is not None
    for _ in range(RECOVERY_STREAK):
        limiter.record_success()
    raised = limiter.current_per_minute
    assert raised is not None
    assert raised > lowered


def test_reported_minute_limit_adopted() -> None:
    clock = FakeClock()
    limiter = make_limiter(clock, per_minute=100)
    limiter.observe_limit(50, 60.0)
    assert limiter.current_per_minute == 50
    limiter.observe_limit(500, 60.0)
    assert limiter.current_per_minute == 50


def test_reported_second_limit_adopted() -> None:
    clock = FakeClock()
    limiter = make_limiter(clock, per_minute=None, per_second=100, start_full=True)
    limiter.observe_limit(10, 1.0)
    for _ in range(10):
        limiter.acquire()
    assert clock.now == 0.0
    limiter.acquire()
    assert clock.now == pytest.approx(0.1)


def test_remaining_header_drains_tokens() -> None:
    clock = FakeClock()
    limiter = make_limiter(clock, per_minute=60, start_full=True)
    limiter.observe_remaining(0)
    limiter.acquire()
    assert clock.now == pytest.approx(1.0)
