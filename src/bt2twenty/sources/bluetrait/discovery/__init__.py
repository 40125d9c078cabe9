"""Discovery: profile a Bluetrait export before anything is mapped.

``discover(source, out_dir)`` reads every row once and writes ``source-profile.json``,
``scope.md``, ``scope.html`` and reject files; it returns the `SourceProfile` it wrote.
"""

from __future__ import annotations

from bt2twenty.sources.bluetrait.discovery.run import (
    PROFILE_FILE,
    DiscoverOptions,
    SourceProfile,
    discover,
)

__all__ = ["PROFILE_FILE", "DiscoverOptions", "SourceProfile", "discover"]
