"""Table tests for RICH_TEXT: markdown and the BlockNote document Twenty shows."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bt2twenty.transform.html_cleanup import INLINE_IMAGE_PLACEHOLDER, unescape_double_escaped
from bt2twenty.transform.parameters import ConversionParameters
from bt2twenty.transform.richtext import convert_rich_text

PARAMETERS = ConversionParameters(field_name="description")

OUTLOOK_BODY = """<html xmlns:o="urn:schemas-microsoft-com:office:office">
<head><style>p.MsoNormal {margin:0cm}</style></head>
<body lang=EN-AU>
<!--[if gte mso 9]><xml><o:OfficeDocumentSettings><o:AllowPNG/></o:OfficeDocumentSettings></xml><![endif]-->
<div class=WordSection1>
<p class=MsoNormal>Hi team,<o:p></o:p></p>
<p class=MsoNormal><o:p>&nbsp;</o:p></p>
<p class=MsoNormal>The <b>printer</b> on level&nbsp;24 is down.<o:p></o:p></p>
<p class=MsoNormal><![if !supportLists]>1.<![endif]>Restart it<o:p></o:p></p>
<p class=MsoNormal><img width=100 src="cid:image001.png@01DA1234.5678"></p>
<p class=MsoNormal>Regards,<br>Priya<o:p></o:p></p>
</div></body></html>"""


def blocks_of(source: str, parameters: ConversionParameters = PARAMETERS) -> list[dict[str, Any]]:
    converted = convert_rich_text(source, parameters)
    assert converted.value is not None
    blocknote = converted.value["blocknote"]
    assert blocknote is not None
    return json.loads(blocknote)  # type: ignore[no-any-return]


def texts_of(block: dict[str, Any]) -> str:
    return "".join(item.get("text", "") for item in block["content"])


def test_outlook_markup_removed() -> None:
    converted = convert_rich_text(OUTLOOK_BODY, PARAMETERS)

    assert converted.value is not None
    markdown = converted.value["markdown"]
    assert markdown is not None
    assert "Hi team," in markdown
    assert "**printer**" in markdown
    assert "o:p" not in markdown
    assert "MsoNormal" not in markdown
    assert "OfficeDocumentSettings" not in markdown
    assert "margin" not in markdown
    assert INLINE_IMAGE_PLACEHOLDER in markdown


def test_outlook_image_flagged() -> None:
    converted = convert_rich_text(OUTLOOK_BODY, PARAMETERS)

    assert [problem.code for problem in converted.problems] == ["RICH_TEXT_IMAGE_REMOVED"]
    assert "1 image" in converted.problems[0].message


def test_outlook_blocks() -> None:
    blocks = blocks_of(OUTLOOK_BODY)

    assert [block["type"] for block in blocks] == ["paragraph"] * 5
    assert texts_of(blocks[0]) == "Hi team,"
    assert blocks[1]["content"][1] == {"type": "text", "text": "printer", "styles": {"bold": True}}
    assert texts_of(blocks[2]) == "1.Restart it"
    assert texts_of(blocks[4]) == "Regards,\nPriya"


def test_data_image_replaced() -> None:
    converted = convert_rich_text(
        '<p>See <img src="data:image/png;base64,iVBORw0KGgo="></p>', PARAMETERS
    )

    assert converted.value is not None
    assert converted.value["markdown"] == f"See {INLINE_IMAGE_PLACEHOLDER}"
    assert "base64" not in str(converted.value["blocknote"])
    assert converted.is_flagged


def test_double_escaped_entities() -> None:
    converted = convert_rich_text("<p>Fish &amp;amp; chips&amp;nbsp;today</p>", PARAMETERS)

    assert converted.value is not None
    assert converted.value["markdown"] == "Fish & chips today"


def test_unescape_repeats() -> None:
    assert unescape_double_escaped("&amp;amp;amp;lt;") == "&lt;"


def test_entities_decoded() -> None:
    source = "<p>Backup failed &amp; it's urgent — the &quot;main&quot; printer.</p><p>&nbsp;</p>"

    blocks = blocks_of(source)

    assert len(blocks) == 1
    assert texts_of(blocks[0]) == 'Backup failed & it\'s urgent — the "main" printer.'


def test_table_block() -> None:
    blocks = blocks_of(
        "<p>Server room too hot</p><table><tr><td>Device</td><td>TASMAN-LT071</td></tr></table>"
    )

    table = blocks[1]
    assert table["type"] == "table"
    assert table["content"]["type"] == "tableContent"
    cells = table["content"]["rows"][0]["cells"]
    assert [cell["content"][0]["text"] for cell in cells] == ["Device", "TASMAN-LT071"]
    assert cells[0]["type"] == "tableCell"


def test_table_markdown() -> None:
    converted = convert_rich_text("<table><tr><td>Device</td><td>PC1</td></tr></table>", PARAMETERS)

    assert converted.value is not None
    assert converted.value["markdown"] == "| Device | PC1 |\n| --- | --- |"


def test_lists_and_heading() -> None:
    source = "<h2>Steps</h2><ol><li>Open settings</li><li>Click <b>Reset</b><ul><li>twice</li></ul></li></ol>"

    blocks = blocks_of(source)

    assert [block["type"] for block in blocks] == [
        "heading",
        "numberedListItem",
        "numberedListItem",
    ]
    assert blocks[0]["props"]["level"] == 2
    assert blocks[2]["children"][0]["type"] == "bulletListItem"
    assert texts_of(blocks[2]["children"][0]) == "twice"


def test_link_inline() -> None:
    blocks = blocks_of("<p>See <a href='https://example.invalid/x'>portal</a></p>")

    link = blocks[0]["content"][1]
    assert link["type"] == "link"
    assert link["href"] == "https://example.invalid/x"
    assert link["content"] == [{"type": "text", "text": "portal", "styles": {}}]


def test_divs_with_br() -> None:
    source = "<div>MFA reset for José</div><div><br></div><div>Screenshot attached.</div>"

    blocks = blocks_of(source)

    assert [texts_of(block) for block in blocks] == ["MFA reset for José", "Screenshot attached."]


def test_plain_text_paragraphs() -> None:
    source = "Printer offline – Level 24\n\nSent from my iPhone"

    converted = convert_rich_text(source, ConversionParameters(is_html=False))

    assert converted.value is not None
    assert converted.value["markdown"] == source
    blocks = json.loads(str(converted.value["blocknote"]))
    assert [texts_of(block) for block in blocks] == [
        "Printer offline – Level 24",
        "Sent from my iPhone",
    ]


def test_plain_text_with_angle_brackets() -> None:
    converted = convert_rich_text("if a <b then c", ConversionParameters(is_html=False))

    assert converted.value is not None
    assert "a <b then c" in str(converted.value["blocknote"])


def test_block_fields() -> None:
    block = blocks_of("<p>Hello</p>")[0]

    assert set(block) == {"id", "type", "props", "content", "children"}
    assert block["props"] == {
        "textColor": "default",
        "backgroundColor": "default",
        "textAlignment": "left",
    }
    assert block["children"] == []


def test_block_ids_repeatable() -> None:
    first = blocks_of("<p>One</p><p>Two</p>")
    second = blocks_of("<p>One</p><p>Two</p>")

    assert [block["id"] for block in first] == [block["id"] for block in second]
    assert first[0]["id"] != first[1]["id"]


@pytest.mark.parametrize("source", ["<p>&nbsp;</p>", "<div><br></div>", "<!-- only a comment -->"])
def test_empty_result_flagged(source: str) -> None:
    converted = convert_rich_text(source, PARAMETERS)

    assert converted.value is None
    assert [problem.code for problem in converted.problems] == ["RICH_TEXT_EMPTY"]


@pytest.mark.parametrize("source", ["", "  \n ", None])
def test_empty_source(source: str | None) -> None:
    converted = convert_rich_text(source, PARAMETERS)

    assert converted.value is None
    assert converted.problems == ()


def test_mojibake_body_flagged() -> None:
    converted = convert_rich_text("<p>Disk space low on CafÃ© server</p>", PARAMETERS)

    assert [problem.code for problem in converted.problems] == ["MOJIBAKE_DETECTED"]


def test_mojibake_body_repaired() -> None:
    converted = convert_rich_text("<p>CafÃ© server</p>", ConversionParameters(repair_text=True))

    assert converted.value is not None
    assert converted.value["markdown"] == "Café server"


def test_table_header_row() -> None:
    blocks = blocks_of(
        "<table><tr><th>Device</th><th>Status</th></tr><tr><td>PC1</td><td>OK</td></tr></table>"
    )

    content = blocks[0]["content"]
    assert content["headerRows"] == 1
    assert len(content["rows"]) == 2
    assert content["columnWidths"] == [None, None]


def test_markdown_escapes_tag_text() -> None:
    converted = convert_rich_text("<p>a &lt;script&gt; tag, 3 &lt; 4</p>", PARAMETERS)

    assert converted.value is not None
    assert converted.value["markdown"] == "a \\<script> tag, 3 < 4"
    assert "a <script> tag" in str(converted.value["blocknote"])


def test_code_block_kept_literal() -> None:
    converted = convert_rich_text("<pre>x &lt;div&gt;\n  y</pre>", PARAMETERS)

    assert converted.value is not None
    assert converted.value["markdown"] == "```\nx <div>\n  y\n```"
    assert json.loads(str(converted.value["blocknote"]))[0]["type"] == "codeBlock"


def test_quote_block() -> None:
    blocks = blocks_of("<blockquote>quoted <b>reply</b></blockquote>")

    assert blocks[0]["type"] == "quote"
    assert texts_of(blocks[0]) == "quoted reply"


WORD_LISTS = """<p class=MsoNormal>Steps:<o:p></o:p></p>
<p class=MsoListParagraphCxSpFirst style='mso-list:l0 level1 lfo1'><![if !supportLists]><span style='font-family:Symbol'>·<span>&nbsp;&nbsp;&nbsp;&nbsp; </span></span><![endif]>Restart the <b>printer</b><o:p></o:p></p>
<p class=MsoListParagraphCxSpLast style='mso-list:l0 level1 lfo1'><![if !supportLists]><span>·<span>&nbsp;&nbsp; </span></span><![endif]>Check the queue<o:p></o:p></p>
<p class=MsoNormal>Then:</p>
<p class=MsoListParagraph><![if !supportLists]>1.<span>&nbsp;&nbsp;</span><![endif]>Call us<o:p></o:p></p>
<p class=MsoListParagraph><![if !supportLists]>2.<span>&nbsp;&nbsp;</span><![endif]>Wait</p>"""


def test_word_lists_markdown() -> None:
    converted = convert_rich_text(WORD_LISTS, PARAMETERS)

    assert converted.value is not None
    assert converted.value["markdown"] == (
        "Steps:\n\n- Restart the **printer**\n- Check the queue\n\nThen:\n\n1. Call us\n2. Wait"
    )


def test_word_lists_blocks() -> None:
    blocks = blocks_of(WORD_LISTS)

    assert [block["type"] for block in blocks] == [
        "paragraph",
        "bulletListItem",
        "bulletListItem",
        "paragraph",
        "numberedListItem",
        "numberedListItem",
    ]
    assert texts_of(blocks[1]) == "Restart the printer"
    assert texts_of(blocks[5]) == "Wait"


def test_word_list_without_marker_kept() -> None:
    blocks = blocks_of("<p class=MsoListParagraph>Plain paragraph</p>")

    assert blocks[0]["type"] == "paragraph"
    assert texts_of(blocks[0]) == "Plain paragraph"
