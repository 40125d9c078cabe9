"""Table tests for the LINKS converter: company domains and whole URLs."""

from __future__ import annotations

import pytest

from bt2twenty.transform.links import convert_links, normalise_domain
from bt2twenty.transform.parameters import ConversionParameters

DOMAIN = ConversionParameters(field_name="website", is_domain=True)
URL = ConversionParameters(field_name="linkedin")


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("acme.com.au", id="bare"),
        pytest.param("ACME.com.au", id="upper-case"),
        pytest.param("www.acme.com.au", id="www"),
        pytest.param("https://acme.com.au", id="https"),
        pytest.param("http://www.acme.com.au/", id="http-www-slash"),
        pytest.param("https://www.Acme.com.au/contact?x=1#team", id="path-query-fragment"),
        pytest.param("  https://acme.com.au  ", id="spaces"),
        pytest.param("acme.com.au.", id="trailing-dot"),
        pytest.param("acme.com.au:8080", id="port"),
        pytest.param("https://user:secret@www.acme.com.au", id="user-info"),
        pytest.param("www.www.acme.com.au", id="repeated-www"),
    ],
)
def test_domain_reduced_to_host(source: str) -> None:
    converted = convert_links(source, DOMAIN)

    assert converted.value == {
        "primaryLinkUrl": "acme.com.au",
        "primaryLinkLabel": "",
        "secondaryLinks": [],
    }
    assert converted.problems == ()


def test_domain_keeps_subdomain() -> None:
    assert normalise_domain("https://portal.acme.com.au/login") == "portal.acme.com.au"


def test_domain_punycode() -> None:
    assert normalise_domain("https://www.München.de/") == "xn--mnchen-3ya.de"


def test_domain_normalised_twice_same() -> None:
    once = normalise_domain("HTTPS://WWW.Acme.com.au/x/")

    assert normalise_domain(once) == once


@pytest.mark.parametrize(
    ("source", "url"),
    [
        pytest.param(
            "https://www.linkedin.com/in/jane-lee/",
            "https://www.linkedin.com/in/jane-lee",
            id="trailing-slash",
        ),
        pytest.param(
            "HTTPS://LinkedIn.com/in/Jane",
            "https://linkedin.com/in/Jane",
            id="origin-lower-path-kept",
        ),
        pytest.param("linkedin.com/in/jane", "https://linkedin.com/in/jane", id="scheme-added"),
        pytest.param(
            "https://acme.com.au/page?a=1#top", "https://acme.com.au/page?a=1#top", id="query-kept"
        ),
    ],
)
def test_url_kept_whole(source: str, url: str) -> None:
    converted = convert_links(source, URL)

    assert converted.value is not None
    assert converted.value["primaryLinkUrl"] == url


def test_several_links() -> None:
    converted = convert_links("acme.com.au; www.acme.net.au, ACME.com.au", DOMAIN)

    assert converted.value == {
        "primaryLinkUrl": "acme.com.au",
        "primaryLinkLabel": "",
        "secondaryLinks": [{"url": "acme.net.au", "label": ""}],
    }


@pytest.mark.parametrize("source", ["localhost", "n/a", "-", "acme", "192.168.1.1"])
def test_invalid_domain_kept(source: str) -> None:
    converted = convert_links(source, DOMAIN)

    assert converted.value is None
    assert [problem.code for problem in converted.problems] == ["LINK_INVALID"]
    assert converted.leftovers == (source,)


@pytest.mark.parametrize("source", ["", None, "   "])
def test_empty_links(source: str | None) -> None:
    converted = convert_links(source, DOMAIN)

    assert converted.value is None
    assert converted.problems == ()
