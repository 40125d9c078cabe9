"""`TwentyClient`: one object for every operation the tool performs on a Twenty workspace."""

from __future__ import annotations

import logging
from dataclasses import replace
from types import TracebackType

import httpx

from bt2twenty.settings import Settings
from bt2twenty.twenty.era import ApiProfile, Era, detect_api_profile, profile_for
from bt2twenty.twenty.graphql import GraphqlApi
from bt2twenty.twenty.http import TwentyHttp
from bt2twenty.twenty.metadata import MetadataApi
from bt2twenty.twenty.ratelimit import RateLimiter
from bt2twenty.twenty.records import RecordsApi

logger = logging.getLogger(__name__)


class TwentyClient:
    """Records, metadata and GraphQL operations on one workspace, sharing one rate limiter.

    The API profile (era, page and batch maxima) is detected from the server on first use
    unless `era` forces one. Use it as a context manager, or call `close`.
    """

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        era: Era | None = None,
        rate_limit_per_minute: float | None = 100,
        burst_per_second: float | None = 100,
        batch_size: int | None = None,
        page_size: int | None = None,
        timeout_seconds: float = 60.0,
        max_attempts: int = 8,
        max_retry_seconds: float = 600.0,
        max_connections: int = 8,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.limiter = RateLimiter(per_minute=rate_limit_per_minute, per_second=burst_per_second)
        self.http = TwentyHttp(
            base_url,
            api_key,
            limiter=self.limiter,
            timeout_seconds=timeout_seconds,
            max_attempts=max_attempts,
            max_retry_seconds=max_retry_seconds,
            max_connections=max_connections,
            transport=transport,
        )
        self._forced_era = era
        self._batch_size = batch_size
        self._page_size = page_size
        self._profile: ApiProfile | None = None
        self._records: RecordsApi | None = None
        self._graphql: GraphqlApi | None = None
        self.metadata = MetadataApi(self.http)

    @classmethod
    def from_settings(cls, settings: Settings) -> TwentyClient:
        """Build a client from settings; raises `SettingsError` if the URL or key is missing."""
        url, api_key = settings.require_twenty()
        return cls(
            url,
            api_key,
            era=None if settings.twenty_era == "auto" else settings.twenty_era,
            rate_limit_per_minute=settings.rate_limit_per_minute,
            burst_per_second=settings.burst_per_second,
            batch_size=settings.batch_size,
            page_size=settings.page_size,
            timeout_seconds=settings.request_timeout_seconds,
            max_attempts=settings.max_attempts,
            max_retry_seconds=settings.max_retry_seconds,
            max_connections=max(settings.concurrency, 1),
        )

    @property
    def profile(self) -> ApiProfile:
        """The server's API profile, detected once (or forced by `era`)."""
        if self._profile is None:
            detected = (
                profile_for(self._forced_era)
                if self._forced_era is not None
                else detect_api_profile(self.http)
            )
            self._profile = _with_overrides(detected, self._batch_size, self._page_size)
        return self._profile

    @property
    def records(self) -> RecordsApi:
        """Record operations (REST)."""
        if self._records is None:
            self._records = RecordsApi(self.http, self.profile)
        return self._records

    @property
    def graphql(self) -> GraphqlApi:
        """Uploads and invitations (GraphQL)."""
        if self._graphql is None:
            self._graphql = GraphqlApi(self.http, self.profile)
        return self._graphql

    def download_file(self, location: str) -> bytes:
        """Return a stored file's bytes: `location` is a path on the server or a URL it gave."""
        return self.http.download(location)

    def close(self) -> None:
        """Close the connection pool."""
        self.http.close()

    def __enter__(self) -> TwentyClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _with_overrides(
    profile: ApiProfile, batch_size: int | None, page_size: int | None
) -> ApiProfile:
    if batch_size is not None:
        profile = replace(profile, max_batch_size=batch_size)
    if page_size is not None:
        profile = replace(profile, max_page_size=min(page_size, profile.max_page_size))
    return profile
