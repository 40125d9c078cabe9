"""Injected faults: 500s, latency, dropped connections and 429 storms, seeded for repeatability."""

from __future__ import annotations

import random
import threading
import time
from typing import Literal

from bt2twenty.sandbox.config import FaultSpec

FaultKind = Literal["none", "error", "drop"]


class FaultInjector:
    """Decide, request by request, which fault to inject under the current `FaultSpec`."""

    def __init__(self, spec: FaultSpec) -> None:
        self._lock = threading.Lock()
        self.set(spec)

    def set(self, spec: FaultSpec) -> None:
        """Replace the spec; a storm starts now and the random sequence restarts from the seed."""
        with self._lock:
            self.spec = spec
            self._random = random.Random(spec.seed)
            self._storm_until = time.monotonic() + spec.storm_seconds

    def storm_seconds_left(self) -> float:
        """Return the seconds left of the current 429 storm, or 0."""
        return max(0.0, self._storm_until - time.monotonic())

    def draw(self) -> FaultKind:
        """Return the fault for the next request: a 500, a dropped connection or none."""
        with self._lock:
            spec = self.spec
            if not (spec.error_rate or spec.drop_rate):
                return "none"
            roll = self._random.random()
        if roll < spec.error_rate:
            return "error"
        if roll < spec.error_rate + spec.drop_rate:
            return "drop"
        return "none"
