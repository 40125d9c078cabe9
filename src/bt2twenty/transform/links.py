"""Converter for LINKS: websites and domains into Twenty's primary and secondary links."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit, urlunsplit

from bt2twenty.transform.parameters import ConversionParameters, SourceValue
from bt2twenty.transform.result import Converted, Problem, flag
from bt2twenty.transform.source import source_text

Links = dict[str, object]

_SCHEME_PREFIX = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_PATH_SEPARATOR = re.compile(r"[/\\?#]")
_USER_INFO_PREFIX = re.compile(r"^.*@")
_PORT_SUFFIX = re.compile(r":\d+$")
_SEPARATORS = re.compile(r"[\s;,]+")
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def split_links(text: str) -> list[str]:
    """Split a cell into links on whitespace, `;` and `,`."""
    return [part for part in _SEPARATORS.split(text.strip()) if part]


def to_punycode(host: str) -> str:
    """Return `host` with internationalised labels in their ASCII (punycode) spelling."""
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def normalise_domain(raw: str) -> str:
    """Reduce a website or domain to the bare host that Twenty stores for a company domain.

    Drops the scheme, user info, port, path, query and fragment, every leading `www`
    label and trailing dot, and lower-cases the rest. Twenty's `normalizeDomain` in
    twenty-shared (read at commit 0115ef08) does the same to company domains it stores.
    """
    without_scheme = _SCHEME_PREFIX.sub("", raw.strip())
    host = _PATH_SEPARATOR.split(without_scheme, maxsplit=1)[0]
    host = _PORT_SUFFIX.sub("", _USER_INFO_PREFIX.sub("", host)).lower()

    labels = host.split(".")
    while labels and labels[-1] == "":
        labels.pop()
    while labels and labels[0] == "www":
        labels.pop(0)
    return to_punycode(".".join(labels))


def is_host(host: str) -> bool:
    """Return whether `host` is a DNS name with at least two labels."""
    labels = host.split(".")
    if len(labels) < 2 or len(host) > 253:
        return False
    return all(_HOST_LABEL.match(label) for label in labels) and not labels[-1].isdigit()


def normalise_url(raw: str) -> str | None:
    """Return a URL with a lower-case scheme and host and no trailing slash.

    This matches Twenty's `lowercaseUrlOriginAndRemoveTrailingSlash` in twenty-shared. A
    value without a scheme gets `https://`, and the path, query and fragment are kept.
    Returns `None` when the text cannot be split into URL parts.
    """
    text = raw.strip()
    if not _SCHEME_PREFIX.match(text):
        text = "https://" + text

    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), parts.netloc.lower()
    url = urlunsplit((scheme, host, parts.path, parts.query, parts.fragment))
    return url.removesuffix("/")


def is_ip_address(host: str) -> bool:
    """Return whether `host` is an IPv4 or IPv6 address, as in an internal admin page."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _url_host(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


def _invalid_link(text: str, parameters: ConversionParameters) -> Problem:
    kind = "domain" if parameters.is_domain else "web address"
    return flag(
        "LINK_INVALID",
        f"{parameters.field_name} {text!r} is not a valid {kind}; it is returned as a"
        " leftover for a text field. Correct it in the source or confirm the text field.",
    )


def convert_link(text: str, parameters: ConversionParameters) -> str | None:
    """Convert one link: a bare host for a domain field, else the whole URL; `None` if invalid."""
    if parameters.is_domain:
        host = normalise_domain(text)
        return host if is_host(host) else None

    url = normalise_url(text)
    if url is None:
        return None
    host = _url_host(url)
    return url if is_host(to_punycode(host)) or is_ip_address(host) else None


def convert_links(raw: SourceValue, parameters: ConversionParameters) -> Converted[Links]:
    """Convert to LINKS `{primaryLinkUrl, primaryLinkLabel, secondaryLinks}`.

    With `parameters.is_domain` (a company's `domainName`) each link is reduced to a bare
    host; other links keep their path. Invalid links are flagged and returned as leftovers.
    """
    urls: list[str] = []
    problems: list[Problem] = []
    leftovers: list[str] = []

    for text in split_links(source_text(raw)):
        url = convert_link(text, parameters)
        if url is None:
            problems.append(_invalid_link(text, parameters))
            leftovers.append(text)
        elif url not in urls:
            urls.append(url)

    if not urls:
        return Converted(value=None, problems=tuple(problems), leftovers=tuple(leftovers))

    value: Links = {
        "primaryLinkUrl": urls[0],
        "primaryLinkLabel": "",
        "secondaryLinks": [{"url": url, "label": ""} for url in urls[1:]],
    }
    return Converted(value=value, problems=tuple(problems), leftovers=tuple(leftovers))
