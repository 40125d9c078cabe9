"""Build a BlockNote document (the JSON the Twenty editor shows) from cleaned HTML."""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass, field
from typing import cast

from bs4 import BeautifulSoup, Tag
from bs4.element import Comment, NavigableString

Block = dict[str, object]
InlineItem = dict[str, object]
Styles = dict[str, bool]

BLOCK_ID_NAMESPACE = uuid.UUID("6b1f6f0e-3f3c-5d63-9a64-0c1b2e7a9d41")

# Block and table shapes follow BlockNote's documented document structure (blocknotejs.org,
# "Document Structure" and "Tables"). NOTE: BlockNote 0.23 stored a table cell as a bare
# list of inline content and 0.35 as a `tableCell` object, which is what is built here.
# Check the editor version Twenty ships if a table does not show.
DEFAULT_PROPS: dict[str, object] = {
    "textColor": "default",
    "backgroundColor": "default",
    "textAlignment": "left",
}

_STYLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strike",
    "strike": "strike",
    "del": "strike",
    "code": "code",
    "tt": "code",
}
_HEADING_TAGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 3, "h5": 3, "h6": 3}
_LIST_TAGS = {"ul": "bulletListItem", "ol": "numberedListItem"}
_CONTAINER_TAGS = frozenset(
    {"p", "div", "section", "article", "header", "footer", "main", "aside", "body", "html",
     "center", "address", "dl", "dt", "dd", "form", "fieldset", "figure", "figcaption", "nav"}
)  # fmt: skip
_BLOCK_TAGS = _CONTAINER_TAGS | set(_HEADING_TAGS) | set(_LIST_TAGS) | {
    "li", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "blockquote", "pre", "hr", "img",
}  # fmt: skip
_WHITESPACE = re.compile(r"[ \t\r\n\f\u00a0]+")


@dataclass
class InlineBuffer:
    """Inline content gathered for the block being built."""

    items: list[InlineItem] = field(default_factory=list)

    def add_text(self, text: str, styles: Styles) -> None:
        """Append text, merging it into the previous run when the styles match."""
        if not text:
            return
        last = self.items[-1] if self.items else None
        if last is not None and last["type"] == "text" and last["styles"] == styles:
            last["text"] = str(last["text"]) + text
            return
        self.items.append({"type": "text", "text": text, "styles": dict(styles)})

    def add_link(self, href: str, content: list[InlineItem]) -> None:
        """Append a link around already-built text runs."""
        if content:
            self.items.append({"type": "link", "href": href, "content": content})


def trim_inline(items: list[InlineItem]) -> list[InlineItem]:
    """Strip spaces at the start and end of a block's content and drop empty runs."""
    items = [dict(item) for item in items]
    if items and items[0]["type"] == "text":
        items[0]["text"] = str(items[0]["text"]).lstrip(" ")
    if items and items[-1]["type"] == "text":
        items[-1]["text"] = str(items[-1]["text"]).rstrip(" ")
    return [item for item in items if item["type"] != "text" or item["text"]]


def has_visible_text(items: list[InlineItem]) -> bool:
    """Return whether the inline content shows anything but whitespace."""
    for item in items:
        if item["type"] == "link":
            return True
        if str(item["text"]).strip():
            return True
    return False


def _collect_inline(node: Tag, styles: Styles, buffer: InlineBuffer) -> None:
    for child in node.children:
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString):
            buffer.add_text(_WHITESPACE.sub(" ", str(child)), styles)
        elif isinstance(child, Tag):
            _collect_inline_tag(child, styles, buffer)


def _collect_inline_tag(tag: Tag, styles: Styles, buffer: InlineBuffer) -> None:
    if tag.name == "br":
        buffer.add_text("\n", styles)
        return
    if tag.name == "a" and tag.get("href"):
        link_buffer = InlineBuffer()
        _collect_inline(tag, styles, link_buffer)
        buffer.add_link(str(tag["href"]), link_buffer.items)
        return

    style = _STYLE_TAGS.get(tag.name)
    inner = {**styles, style: True} if style else styles
    _collect_inline(tag, inner, buffer)


def inline_content(node: Tag) -> list[InlineItem]:
    """Flatten everything under `node` into inline content; nested blocks become line breaks."""
    buffer = InlineBuffer()
    for child in node.children:
        if isinstance(child, Tag) and child.name in _BLOCK_TAGS:
            if buffer.items and has_visible_text(buffer.items):
                buffer.add_text("\n", {})
            for item in inline_content(child):
                buffer.items.append(item)
        elif isinstance(child, Tag):
            _collect_inline_tag(child, {}, buffer)
        elif isinstance(child, NavigableString) and not isinstance(child, Comment):
            buffer.add_text(_WHITESPACE.sub(" ", str(child)), {})
    return trim_inline(buffer.items)


def _block(
    block_type: str,
    content: object,
    props: dict[str, object] | None = None,
    children: list[Block] | None = None,
) -> Block:
    return {
        "id": "",
        "type": block_type,
        "props": {**DEFAULT_PROPS, **(props or {})},
        "content": content,
        "children": children or [],
    }


def _list_blocks(tag: Tag) -> list[Block]:
    item_type = _LIST_TAGS[tag.name]
    blocks: list[Block] = []
    for item in tag.find_all("li", recursive=False):
        nested = [child for child in item.find_all(list(_LIST_TAGS), recursive=False)]
        for child in nested:
            child.extract()
        content = inline_content(item)
        children = [block for child in nested for block in _list_blocks(child)]
        if has_visible_text(content) or children:
            blocks.append(_block(item_type, content, children=children))
    return blocks


def _table_cell(cell: Tag) -> dict[str, object]:
    props: dict[str, object] = {"colspan": 1, "rowspan": 1, **DEFAULT_PROPS}
    return {"type": "tableCell", "content": inline_content(cell), "props": props}


def _table_block(tag: Tag) -> Block | None:
    """Build a table block; a row of a table nested in a cell belongs to the inner table."""
    rows: list[dict[str, object]] = []
    width = 0
    header_rows = 0
    for row in tag.find_all("tr"):
        if row.find_parent("table") is not tag:
            continue
        cells = [_table_cell(cell) for cell in row.find_all(["td", "th"], recursive=False)]
        if cells:
            if not rows and row.find("th", recursive=False) is not None:
                header_rows = 1
            rows.append({"cells": cells})
            width = max(width, len(cells))
    if not rows:
        return None

    content: dict[str, object] = {"type": "tableContent", "columnWidths": [None] * width}
    if header_rows:
        content["headerRows"] = header_rows
    content["rows"] = rows
    return {
        "id": "",
        "type": "table",
        "props": {"textColor": "default"},
        "content": content,
        "children": [],
    }


def _tag_blocks(tag: Tag) -> list[Block]:
    if tag.name in _HEADING_TAGS:
        content = inline_content(tag)
        return (
            [_block("heading", content, {"level": _HEADING_TAGS[tag.name], "isToggleable": False})]
            if has_visible_text(content)
            else []
        )
    if tag.name in _LIST_TAGS:
        return _list_blocks(tag)
    if tag.name == "li":
        content = inline_content(tag)
        return [_block("bulletListItem", content)] if has_visible_text(content) else []
    if tag.name == "table":
        table = _table_block(tag)
        return [table] if table is not None else []
    if tag.name == "blockquote":
        content = inline_content(tag)
        return [_block("quote", content)] if has_visible_text(content) else []
    if tag.name == "pre":
        text = tag.get_text()
        return (
            [
                _block(
                    "codeBlock",
                    [{"type": "text", "text": text, "styles": {}}],
                    {"language": "text"},
                )
            ]
            if text.strip()
            else []
        )
    if tag.name == "img":
        return [
            _block(
                "image", [], {"url": str(tag.get("src", "")), "caption": str(tag.get("alt", ""))}
            )
        ]
    if tag.name == "hr":
        return []
    return blocks_from(tag)


def blocks_from(node: Tag) -> list[Block]:
    """Convert the children of `node` into blocks; loose inline content becomes paragraphs."""
    blocks: list[Block] = []
    buffer = InlineBuffer()

    def flush() -> None:
        content = trim_inline(buffer.items)
        if has_visible_text(content):
            blocks.append(_block("paragraph", content))
        buffer.items = []

    for child in node.children:
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString):
            buffer.add_text(_WHITESPACE.sub(" ", str(child)), {})
        elif isinstance(child, Tag) and child.name in _BLOCK_TAGS:
            flush()
            blocks.extend(_tag_blocks(child))
        elif isinstance(child, Tag):
            _collect_inline_tag(child, {}, buffer)
    flush()
    return blocks


def assign_ids(blocks: list[Block], seed: str) -> None:
    """Give every block a UUID derived from `seed` and its position, so output is repeatable."""
    counter = 0

    def visit(items: list[Block]) -> None:
        nonlocal counter
        for block in items:
            block["id"] = str(uuid.uuid5(BLOCK_ID_NAMESPACE, f"{seed}:{counter}"))
            counter += 1
            visit(cast(list[Block], block["children"]))

    visit(blocks)


def build_blocknote(soup: BeautifulSoup, source: str) -> list[Block]:
    """Build the BlockNote blocks for cleaned HTML; ids derive from the source text."""
    blocks = blocks_from(soup)
    seed = hashlib.sha256(source.encode("utf-8")).hexdigest()
    assign_ids(blocks, seed)
    return blocks
