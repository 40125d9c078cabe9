"""Converter for RICH_TEXT: HTML or plain text into Twenty's markdown and BlockNote body."""

from __future__ import annotations

import json
import re

from bs4 import BeautifulSoup
from markdownify import MarkdownConverter

from bt2twenty.transform.blocknote import build_blocknote
from bt2twenty.transform.html_cleanup import clean_html, looks_like_html, plain_text_to_html
from bt2twenty.transform.parameters import ConversionParameters, SourceValue
from bt2twenty.transform.result import Converted, Problem, flag
from bt2twenty.transform.source import source_text
from bt2twenty.transform.text_repair import check_encoding

RichText = dict[str, str | None]

# Spaces on an otherwise blank line; a line that ends in two spaces is a Markdown hard
# line break and keeps them.
_BLANK_LINE_SPACES = re.compile(r"^[ \t]+$", re.MULTILINE)
_BLANK_LINES = re.compile(r"\n{3,}")


# Text such as "a <script> tag" would read as raw HTML in Markdown. A backslash keeps the
# angle bracket literal, because CommonMark lets a backslash escape any ASCII punctuation.
_TAG_OPENING = re.compile(r"<(?=[A-Za-z/!?])")


class BodyMarkdownConverter(MarkdownConverter):
    """markdownify's converter that also escapes text that would open an HTML tag."""

    def escape(self, text: str, parent_tags: set[str]) -> str:
        """Escape Markdown syntax in `text`, then every `<` that would open a tag."""
        # markdownify's bundled stub leaves out `escape`, which its converter does define.
        escaped = str(super().escape(text, parent_tags))  # type: ignore[misc]
        return _TAG_OPENING.sub(r"\\<", escaped)


_MARKDOWN = BodyMarkdownConverter(heading_style="ATX", bullets="-", table_infer_header=True)


def to_markdown(soup: BeautifulSoup) -> str:
    """Convert cleaned HTML to Markdown with ATX headings, `-` bullets and table headers."""
    markdown = _MARKDOWN.convert_soup(soup)
    markdown = markdown.replace("\u00a0", " ")
    markdown = _BLANK_LINE_SPACES.sub("", markdown)
    markdown = _BLANK_LINES.sub("\n\n", markdown)
    return markdown.strip()


def _is_html(text: str, parameters: ConversionParameters) -> bool:
    if parameters.is_html is not None:
        return parameters.is_html
    return looks_like_html(text)


def _image_problem(count: int, parameters: ConversionParameters) -> Problem:
    return flag(
        "RICH_TEXT_IMAGE_REMOVED",
        f"{parameters.field_name} had {count} image(s) embedded in the text (data: or cid:"
        " sources), which a Twenty rich-text body cannot hold; each was replaced by a"
        " placeholder. Migrate the images as attachments if they matter.",
    )


def _empty_problem(parameters: ConversionParameters) -> Problem:
    return flag(
        "RICH_TEXT_EMPTY",
        f"{parameters.field_name} is not empty in the source but has no visible text after"
        " conversion; check the source body.",
    )


def convert_rich_text(raw: SourceValue, parameters: ConversionParameters) -> Converted[RichText]:
    """Convert to RICH_TEXT `{markdown, blocknote}` from HTML or plain text.

    `parameters.is_html` is Bluetrait's `html` column for the row, and when it is `None`
    the text is sniffed for tags. Both forms are returned because Twenty shows a body only
    when its BlockNote JSON is present.
    """
    source = source_text(raw)
    if not source.strip():
        return Converted(value=None)

    checked = check_encoding(
        source, field_label=parameters.field_name, repair=parameters.repair_text
    )
    problems: list[Problem] = list(checked.problems)
    html = checked.text if _is_html(checked.text, parameters) else plain_text_to_html(checked.text)

    cleaned = clean_html(html)
    if cleaned.inline_images:
        problems.append(_image_problem(cleaned.inline_images, parameters))

    markdown = to_markdown(cleaned.soup)
    blocks = build_blocknote(cleaned.soup, source)
    if not markdown and not blocks:
        problems.append(_empty_problem(parameters))
        return Converted(value=None, problems=tuple(problems))

    value: RichText = {
        "markdown": markdown or None,
        "blocknote": json.dumps(blocks, ensure_ascii=False) if blocks else None,
    }
    return Converted(value=value, problems=tuple(problems))
