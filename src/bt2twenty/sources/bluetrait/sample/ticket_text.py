"""Ticket subjects and bodies as clients and technicians write them: Outlook HTML and plain text."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable

logger = logging.getLogger(__name__)

SUBJECTS = (
    "Printer offline – Level {number}",
    "Laptop won't boot",
    "Xero login issue",
    "Outlook keeps asking for password",
    "Phones not ringing after NBN outage",
    "Scanner to email not working",
    "Wi-Fi slow in boardroom",
    "Shared drive permissions",
    "Teams calls dropping",
    "Replace toner",
    "Website down?",
    "Suspicious email — please check",
    "Server room too hot ({number}°C)",
    "VPN drops every {number} minutes",
    "MFA reset for {first_name}",
    "New starter: {full_name}",
    "Quote request: {number} new PCs",
    "Request: new monitor for {first_name}",
)
DEVICE_SUBJECTS = ("Backup job failed on {device}", "Disk space low on {device}")


def plain_body(subject: str) -> str:
    return f"{subject}\n\nSent from my iPhone"


def html_body(
    rng: random.Random, subject: str, sender: str, company: str, device_name: Callable[[], str]
) -> str:
    """Return an HTML ticket body in one of the shapes mail clients and the portal produce."""
    style = rng.randrange(5)
    if style == 0:
        return (
            f"<p>Hi team,</p><p>{subject}. Can someone take a look?</p><p>Thanks,<br />{sender}</p>"
        )
    if style == 1:
        return f"<p>{subject} &amp; it's urgent — the &quot;main&quot; printer.</p><p>&nbsp;</p>"
    if style == 2:
        return (
            f"<div>{subject}</div><div><br></div><div>Screenshot attached.</div>"
            f"<div>Regards,</div><div>{sender}</div>"
        )
    if style == 3:
        return f"<p>{subject}</p><table><tr><td>Device</td><td>{device_name()}</td></tr></table>"
    return outlook_body(subject, sender, company)


def outlook_body(subject: str, sender: str, company: str) -> str:
    """Return a body in Outlook's Word markup: MsoNormal paragraphs, o:p tags and a quoted reply."""
    return (
        '<div class="WordSection1"><p class="MsoNormal">Hi team,<o:p></o:p></p>'
        f'<p class="MsoNormal">{subject}. We&#8217;ve restarted it twice.<o:p></o:p></p>'
        '<p class="MsoNormal"><o:p>&nbsp;</o:p></p>'
        f'<p class="MsoNormal">Kind regards,<br />{sender}<br />{company}<o:p></o:p></p>'
        '<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">'
        '<p class="MsoNormal"><b><span lang="EN-US">From:</span></b>'
        '<span lang="EN-US"> Service Desk &lt;support@brightmsp.com.au&gt;<br />'
        "<b>Sent:</b> Monday, 4 March 2024 2:15 PM<br />"
        f"<b>Subject:</b> RE: {subject}<o:p></o:p></span></p></div></div>"
    )


NOTE_BODIES = (
    "<p>Remote session completed. Replaced driver.</p>",
    "<p>Still broken :( </p>",
    "Thanks, all working now!",
    "<p>Called {owner}, rebooted the device.</p>",
    "<p>Escalated to vendor &ndash; case logged.<br />Waiting on reply.</p>",
)
NOTE_SOURCES = ("portal", "email", "internal", "phone")
