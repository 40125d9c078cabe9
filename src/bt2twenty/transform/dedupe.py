"""Duplicates inside the source, resolved by the mapping's policies and reported.

- Company names: compared after normalising case, punctuation, spacing and the forms of
  "Pty Ltd"; a later duplicate gets a numeric suffix ("Acme (2)") or is quarantined.
- Person primary emails: Twenty keeps them unique, so a later person with the same email
  keeps it only as an additional email, is linked to the first person, or is quarantined.
- Company domains: where several companies share one, the first keeps it as its domain and
  the others keep it as a secondary link, or none of them keeps it as primary.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, Literal

from bt2twenty.mapping.model import MappingSettings
from bt2twenty.transform.payload import BuiltRecord
from bt2twenty.transform.result import Problem, flag, reject

_PUNCTUATION = re.compile(r"[^\w\s&]")
_SPACES = re.compile(r"\s+")
_COMPANY_FORMS = (
    (re.compile(r"\bproprietary\b"), "pty"),
    (re.compile(r"\blimited\b"), "ltd"),
    (re.compile(r"\bincorporated\b"), "inc"),
    (re.compile(r"\band\b"), "&"),
)


def normalise_company_name(name: str) -> str:
    """Return the form of a company name used to compare it with others."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = _PUNCTUATION.sub(" ", text)
    for pattern, replacement in _COMPANY_FORMS:
        text = pattern.sub(replacement, text)
    return _SPACES.sub(" ", text).strip()


def _add_problem(record: BuiltRecord, problem: Problem, **payload_changes: Any) -> BuiltRecord:
    payload = {**record.payload, **payload_changes}
    return replace(record, payload=payload, problems=(*record.problems, problem))


class CompanyNames:
    """Gives later companies with an already-seen name a numeric suffix, or quarantines them."""

    def __init__(self, policy: Literal["suffix", "quarantine"] = "suffix") -> None:
        self.policy = policy
        self._seen: dict[str, int] = {}
        self._names: set[str] = set()
        self.duplicates: list[tuple[str, str, str]] = []

    def apply(self, record: BuiltRecord) -> BuiltRecord:
        """Return the record, renamed or rejected if its name was seen before."""
        name = record.payload.get("name")
        if not isinstance(name, str) or not name.strip():
            return record
        key = normalise_company_name(name)
        count = self._seen.get(key, 0) + 1
        self._seen[key] = count
        if count == 1:
            self._names.add(name.casefold())
            return record

        if self.policy == "quarantine":
            return _add_problem(
                record,
                reject(
                    "DUPLICATE_COMPANY_NAME",
                    f"company name {name!r} is already used by another company in the source",
                ),
            )
        number = count
        renamed = f"{name} ({number})"
        while renamed.casefold() in self._names:
            number += 1
            renamed = f"{name} ({number})"
        self._names.add(renamed.casefold())
        self.duplicates.append((record.source_id, name, renamed))
        return _add_problem(
            record,
            flag(
                "DUPLICATE_COMPANY_NAME",
                f"company name {name!r} is a duplicate; loaded as {renamed!r}",
            ),
            name=renamed,
        )


@dataclass(frozen=True)
class EmailOutcome:
    """A person record after the email check, and the first person it links to, if any."""

    record: BuiltRecord
    linked_to: str | None = None


class PersonEmails:
    """Keeps primary emails unique, as Twenty requires, by the mapping's policy."""

    def __init__(
        self,
        policy: Literal["additional_email", "link_existing", "quarantine"] = "additional_email",
    ) -> None:
        self.policy = policy
        self._owners: dict[str, BuiltRecord] = {}
        self.collisions: list[tuple[str, str, str]] = []

    def apply(self, record: BuiltRecord) -> EmailOutcome:
        """Return the record with its email collision resolved, and the linked person."""
        emails = record.payload.get("emails")
        if not isinstance(emails, dict) or not emails.get("primaryEmail"):
            return EmailOutcome(record)
        address = str(emails["primaryEmail"]).casefold()
        first = self._owners.get(address)
        if first is None:
            self._owners[address] = record
            return EmailOutcome(record)

        self.collisions.append((record.source_id, first.source_id, address))
        message = (
            f"email {address} is also the primary email of {first.source_object} {first.source_id}"
        )
        if self.policy == "quarantine":
            return EmailOutcome(_add_problem(record, reject("DUPLICATE_EMAIL", message)))
        if self.policy == "link_existing":
            return EmailOutcome(
                _add_problem(record, flag("DUPLICATE_EMAIL", message + "; linked to that person")),
                linked_to=first.record_id,
            )
        additional = [e for e in emails.get("additionalEmails") or [] if e.casefold() != address]
        promoted = additional[0] if additional else None
        changed = {
            "primaryEmail": promoted,
            "additionalEmails": [address, *additional[1:]],
        }
        return EmailOutcome(
            _add_problem(
                record,
                flag("DUPLICATE_EMAIL", message + "; kept as an additional email"),
                emails=changed,
            )
        )


class SharedDomains:
    """Resolves a domain held by several companies, by the shared-domain policy."""

    def __init__(
        self, shared: Iterable[str], policy: Literal["first_company", "none"] = "first_company"
    ) -> None:
        self.policy = policy
        self._shared = {domain.casefold() for domain in shared}
        self._claimed: set[str] = set()

    @staticmethod
    def find_shared(records: Iterable[BuiltRecord]) -> set[str]:
        """Return the domains that more than one company has, from a first pass."""
        seen: set[str] = set()
        shared: set[str] = set()
        for record in records:
            domain = _primary_link(record)
            if domain is None:
                continue
            (shared if domain in seen else seen).add(domain)
        return shared

    def apply(self, record: BuiltRecord) -> BuiltRecord:
        """Return the company with a shared domain kept, or moved to its secondary links."""
        domain = _primary_link(record)
        if domain is None or domain not in self._shared:
            return record
        if self.policy == "first_company" and domain not in self._claimed:
            self._claimed.add(domain)
            return _add_problem(
                record,
                flag(
                    "SHARED_DOMAIN",
                    f"domain {domain} is shared with other companies; this one keeps it",
                ),
            )
        links = dict(record.payload["domainName"])
        secondary = list(links.get("secondaryLinks") or [])
        secondary.append(
            {"url": links.get("primaryLinkUrl"), "label": links.get("primaryLinkLabel") or ""}
        )
        links.update(primaryLinkUrl=None, primaryLinkLabel=None, secondaryLinks=secondary)
        return _add_problem(
            record,
            flag(
                "SHARED_DOMAIN",
                f"domain {domain} is shared with other companies; kept as a secondary link",
            ),
            domainName=links,
        )


def _primary_link(record: BuiltRecord) -> str | None:
    links = record.payload.get("domainName")
    if not isinstance(links, dict) or not links.get("primaryLinkUrl"):
        return None
    return str(links["primaryLinkUrl"]).casefold()


class SourceDuplicates:
    """The duplicate policies for one target object, applied to its records in source order.

    The loader and the verifier both go through this class, so the verifier expects exactly
    the payloads the loader sent. Companies need `scan` over every record before `apply`,
    because the first company of a shared domain is known only after a full pass.
    """

    def __init__(self, target_object: str, settings: MappingSettings) -> None:
        self.target_object = target_object
        self._settings = settings
        self._company_names = CompanyNames(settings.duplicate_company_policy)
        self._emails = PersonEmails(settings.duplicate_email_policy)
        self._domains: SharedDomains | None = None

    @property
    def is_stateful(self) -> bool:
        """Whether a record's outcome depends on the records applied before it."""
        return self.target_object in {"company", "person"}

    @property
    def needs_scan(self) -> bool:
        """Whether `scan` must see every record before the first `apply`."""
        return self.target_object == "company"

    def scan(self, records: Iterable[BuiltRecord]) -> None:
        """Find the domains several companies share, from a first pass over the records."""
        shared = SharedDomains.find_shared(records)
        self._domains = SharedDomains(shared, self._settings.shared_domain_policy)

    def apply(self, record: BuiltRecord) -> EmailOutcome:
        """Return the record with the policies applied, and the person it links to, if any."""
        if self.target_object == "company":
            record = self._company_names.apply(record)
            if self._domains is not None:
                record = self._domains.apply(record)
        if self.target_object == "person":
            return self._emails.apply(record)
        return EmailOutcome(record)
