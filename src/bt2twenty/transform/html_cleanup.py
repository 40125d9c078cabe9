"""Clean source HTML before conversion: Outlook markup, double-escaped entities, inline images."""

from __future__ import annotations

import html
import re
import warnings
from dataclasses import dataclass

from bs4 import BeautifulSoup, Comment, MarkupResemblesLocatorWarning, Tag

INLINE_IMAGE_PLACEHOLDER = "[inline image not migrated]"

# A body such as "www.acme.com.au" is text, not a location to fetch; Beautiful Soup
# would warn about it once per body.
warnings.filterwarnings(
    "ignore", category=MarkupResemblesLocatorWarning, module=r"bt2twenty\.transform\."
)

# `&amp;nbsp;` and `&amp;amp;` come from text that was HTML-escaped twice.
_DOUBLE_ESCAPED_ENTITY = re.compile(r"&amp;(#\d+;|#x[0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)")
# Outlook's conditional comments hide VML and Office XML from other mail readers.
_CONDITIONAL_COMMENT = re.compile(r"<!--\[if[^\]]*\]>.*?<!\[endif\]-->", re.DOTALL | re.IGNORECASE)
# Word's "downlevel-revealed" markers wrap content every reader shows, such as list numbers.
_DOWNLEVEL_MARKER = re.compile(r"<!\[(?:if[^\]]*|endif)\]>", re.IGNORECASE)
_HTML_SNIFF = re.compile(
    r"<(?:p|div|br|span|table|ul|ol|li|b|i|u|strong|em|a|h[1-6]|font|img|html|body)\b[^>]*>"
    r"|&(?:nbsp|amp|lt|gt|quot|#\d+);|<!--",
    re.IGNORECASE,
)
# The bullet or number Word writes as text at the start of a list paragraph, followed by
# no-break spaces: "·", "o", "§", "1.", "a)".
_WORD_LIST_MARKER = re.compile(
    r"^[\s\u00a0]*(?:(?P<bullet>[·•o§▪\-–])|(?P<number>\d{1,3}|[a-zA-Z])[.)])[\s\u00a0]+"
)
_REMOVED_TAGS = frozenset(
    {"script", "style", "head", "meta", "link", "title", "xml", "object", "iframe"}
)


@dataclass(frozen=True)
class CleanHtml:
    """Parsed, cleaned HTML and the number of inline images replaced by a placeholder."""

    soup: BeautifulSoup
    inline_images: int


def looks_like_html(text: str) -> bool:
    """Return whether `text` contains HTML tags or entities."""
    return bool(_HTML_SNIFF.search(text))


def plain_text_to_html(text: str) -> str:
    """Wrap plain text as HTML: a paragraph per blank-line-separated block, line breaks kept."""
    paragraphs = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    parts = []
    for paragraph in paragraphs:
        lines = [html.escape(line) for line in paragraph.strip("\n").split("\n")]
        if any(line.strip() for line in lines):
            parts.append("<p>" + "<br>".join(lines) + "</p>")
    return "".join(parts)


def unescape_double_escaped(text: str) -> str:
    """Turn `&amp;nbsp;` back into `&nbsp;`, repeating for text escaped more than twice."""
    previous = None
    while previous != text:
        previous = text
        text = _DOUBLE_ESCAPED_ENTITY.sub(r"&\1", text)
    return text


def _is_inline_image(tag: Tag) -> bool:
    source = str(tag.get("src") or "").strip().lower()
    return source.startswith(("data:", "cid:")) or not source


def _clean_tree(soup: BeautifulSoup) -> int:
    """Remove comments, head and style content and Office tags in one pass; count inline images.

    Word's `<o:p>` paragraph marks are unwrapped because they can hold text; other
    namespaced Office tags (VML shapes, smart tags' XML) are removed.
    """
    inline_images = 0
    for node in list(soup.descendants):
        if isinstance(node, Comment):
            node.extract()
        elif not isinstance(node, Tag) or node.decomposed or node.parent is None:
            continue
        elif node.name in _REMOVED_TAGS:
            node.decompose()
        elif node.name == "o:p":
            node.unwrap()
        elif ":" in node.name:
            node.decompose()
        elif node.name == "img" and _is_inline_image(node):
            node.replace_with(INLINE_IMAGE_PLACEHOLDER)
            inline_images += 1
    return inline_images


def _is_word_list_paragraph(node: object) -> bool:
    if not isinstance(node, Tag) or node.name != "p":
        return False
    classes: list[str] = node.get_attribute_list("class")
    return any(str(name).startswith("MsoListParagraph") for name in classes if name)


def _strip_leading_characters(tag: Tag, count: int) -> None:
    """Remove the first `count` characters of `tag`'s text, across nested elements."""
    for string in list(tag.find_all(string=True)):
        if count <= 0:
            return
        text = str(string)
        string.replace_with(text[count:])
        count -= len(text)


def _word_list_item(paragraph: Tag) -> tuple[Tag, bool] | None:
    """Turn a Word list paragraph into a list item; return it and whether it is numbered."""
    marker = _WORD_LIST_MARKER.match(paragraph.get_text())
    if marker is None:
        return None
    _strip_leading_characters(paragraph, marker.end())
    paragraph.name = "li"
    del paragraph["class"]
    return paragraph, marker.group("number") is not None


def convert_word_lists(soup: BeautifulSoup) -> None:
    """Rebuild Word's list paragraphs (class `MsoListParagraph…`) as `<ul>` or `<ol>` lists.

    Word writes each list item as a paragraph that starts with its bullet or number as
    text. Consecutive items become one list, and nesting levels are flattened.
    """
    current_list: Tag | None = None
    for paragraph in list(soup.find_all(_is_word_list_paragraph)):
        converted = _word_list_item(paragraph)
        if converted is None:
            current_list = None
            continue
        item, is_numbered = converted
        previous = item.find_previous_sibling()
        if current_list is None or previous is not current_list:
            current_list = soup.new_tag("ol" if is_numbered else "ul")
            item.insert_before(current_list)
        current_list.append(item.extract())


def clean_html(source: str) -> CleanHtml:
    """Parse `source` HTML without Outlook and Word markup, with inline images replaced.

    Images carried inside the message (`data:` and `cid:` sources) cannot be migrated as
    part of a rich-text body, so each becomes a visible placeholder.
    """
    text = unescape_double_escaped(source)
    text = _CONDITIONAL_COMMENT.sub("", text)
    text = _DOWNLEVEL_MARKER.sub("", text)

    soup = BeautifulSoup(text, "html.parser")
    inline_images = _clean_tree(soup)
    convert_word_lists(soup)
    return CleanHtml(soup=soup, inline_images=inline_images)
