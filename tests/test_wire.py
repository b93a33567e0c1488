"""site_gen.wire: pasted wire copy → front matter + Markdown (pure; no disk)."""

from __future__ import annotations

import re
from datetime import date
from html import escape

import pytest

from site_gen.config import Config
from site_gen.errors import ContentError
from site_gen.load import parse_article
from site_gen.markdown import render_markdown
from site_gen.wire import convert, dump_front_matter, split_credit
from site_gen.yamlload import load_mapping
from tests.wire_fixtures import TODAY, ZONE, case_names, convert_case, expected, read_case, report

CASES = case_names()
CONFIG = Config(title="Test", base_url="https://example.org/")


def wire(text: str, zone: str = ZONE, today: date | None = TODAY):
    return convert(text, zone=zone, source_name="copy.txt", today=today)


def story(*header: str, lead: str = "KABUL: The lead paragraph of the story.", title: str = "A headline") -> str:
    """Wire copy with the given header lines between headline and lead."""
    return "\n\n".join([title, *header, lead, "A second paragraph."]) + "\n"


def body_html(result) -> str:
    return render_markdown(result.body).html


# -- the fixture file of cases ------------------------------------------------
def test_there_are_at_least_twenty_cases_besides_the_sample():
    assert "00-sample" in CASES
    assert len(CASES) >= 21


@pytest.mark.parametrize("name", CASES)
def test_case_converts_to_its_expected_article(name):
    result = convert_case(name)
    md, log = expected(name)
    assert result.document() == md
    assert report(result) == log


@pytest.mark.parametrize("name", CASES)
def test_case_front_matter_reads_back_as_written_and_loads_as_an_article(name):
    result = convert_case(name)
    document = result.document()
    yaml_text = document.split("---\n")[1]
    fields = load_mapping(yaml_text)
    assert {key: field.value for key, field in fields.items()} == result.front_matter
    article, _html, warnings = parse_article(document.encode(), f"{name}.md", CONFIG)
    assert warnings == []
    assert article.title == result.front_matter["title"]
    assert article.slug == result.front_matter["slug"]
    assert article.dateline == (result.front_matter["dateline"] or "")
    assert article.date.isoformat() == result.front_matter["date"]


@pytest.mark.parametrize("name", CASES)
def test_case_output_is_clean_text(name):
    document = convert_case(name).document()
    assert "\r" not in document and "\ufeff" not in document and "\u00a0" not in document
    assert all(line == line.rstrip() for line in document.splitlines())
    assert "icon-" not in document and "Also Read" not in document


# -- the sample ----------------------------------------------------------------
def test_sample_headline_date_dateline_caption_and_22_paragraphs():
    result = convert_case("00-sample")
    fm = result.front_matter
    assert fm["title"] == "Pakistan, Afghanistan Pledge to Strengthen Anti-Terrorism Cooperation"
    assert fm["date"] == "2025-07-20"
    assert fm["dateline"] == "KABUL"
    assert fm["image"] == {
        "caption": "Interior Minister Mohsin Naqvi holds a meeting with his Afghan counterpart Sirajuddin Haqqani, in Kabul"
    }
    assert fm["tags"] == [] and fm["section"] is None
    assert "summary" not in fm  # the page shows the first paragraph itself; a copy would stand above it twice
    html = body_html(result)
    assert html.count("<p>") == 22
    assert html.startswith("<p>Pakistan and Afghanistan have agreed")  # the dateline is out of the body
    assert "Pakistan’s commitment" in html and "concern—particularly" in html  # curly quotes and dashes kept
    assert [d.line for d in result.dropped] == [6, 52]
    assert {d.reason for d in result.dropped} == {"share buttons"}


# -- headline -----------------------------------------------------------------
@pytest.mark.parametrize(
    "headline",
    [
        "Minister: “We will not back down”",
        "'Not for sale': residents of G-9 refuse to vacate",
        '"Quoted" #1 priority: $2bn & 40% — what\'s next?',
        "- dash first: [bracket] {brace} | pipe > angle * star ! bang % @ ` ~",
        "Yes",
        "null",
        "1.5",
        "2025-07-20 and after",
        "Headline ending in a colon:",
    ],
)
def test_any_headline_stays_valid_yaml_and_reads_back_exactly(headline):
    result = wire(story("July 21, 2025", title=headline))
    fields = load_mapping(dump_front_matter(result.front_matter))
    assert fields["title"].text == headline
    article, _html, _ = parse_article(result.document().encode(), "x.md", CONFIG)
    assert article.title == headline


def test_headline_skips_leading_date_and_byline_lines():
    result = wire("July 21, 2025\nBy Staff Reporter\n\nThe real headline\n\nKARACHI: Lead.\n")
    assert result.front_matter["title"] == "The real headline"
    assert result.front_matter["author"] == "Staff Reporter"


# -- dates ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "line, expected_date",
    [
        ("Sun Jul 20 2025", "2025-07-20"),
        ("July 21, 2025", "2025-07-21"),
        ("21 July 2025", "2025-07-21"),
        ("Saturday, 26 July 2025", "2025-07-26"),
        ("2025-07-22 14:30 PKT", "2025-07-22T14:30:00+05:00"),
        ("2025-07-22 14:30", "2025-07-22T14:30:00+05:00"),  # no zone: the site's
        ("Updated: Jul 23, 2025 09:10 am", "2025-07-23T09:10:00+05:00"),
        ("July 23, 2025 12:05 am", "2025-07-23T00:05:00+05:00"),
        ("July 23, 2025 12:05 pm", "2025-07-23T12:05:00+05:00"),
        ("Published: July 24, 2025 10:15 p.m.", "2025-07-24T22:15:00+05:00"),
        ("July 22nd, 2025 at 9pm", "2025-07-22T21:00:00+05:00"),
        ("2025-07-22 09:00 AFT", "2025-07-22T09:30:00+05:00"),
        ("3 Sept 2025, 18:05 GMT", "2025-09-03T23:05:00+05:00"),
        ("2025-07-22T14:30:00+05:00", "2025-07-22T14:30:00+05:00"),
        ("اتوار، 20 جولائی 2025", "2025-07-20"),
    ],
)
def test_date_line_forms(line, expected_date):
    assert wire(story(line)).front_matter["date"] == expected_date


def test_time_without_zone_takes_the_site_zone():
    result = wire(story("July 22, 2025 10:00 am"), zone="Asia/Kabul")
    assert result.front_matter["date"] == "2025-07-22T10:00:00+04:30"
    pkt = wire(story("2025-07-22 14:30 PKT"), zone="Asia/Kabul")
    assert pkt.front_matter["date"] == "2025-07-22T14:00:00+04:30"  # the same moment, shown in the site zone


def test_published_and_updated_lines():
    result = wire(story("Updated: July 25, 2025 8:00 am", "Published: July 24, 2025 10:15 pm"))
    assert result.front_matter["date"] == "2025-07-24T22:15:00+05:00"
    assert result.front_matter["updated"] == "2025-07-25T08:00:00+05:00"
    assert list(result.front_matter)[:3] == ["title", "date", "updated"]


def test_impossible_date_is_reported_and_left_out():
    result = wire(story("30 February 2025", "July 21, 2025"))
    assert result.front_matter["date"] == "2025-07-21"
    assert [str(w) for w in result.warnings] == [
        "copy.txt:3: warning: there is no such day: '30 February 2025'; the line was left out — add `date:` by hand"
    ]


def test_no_date_line_uses_today_with_a_warning_or_fails_without_one():
    result = wire("Headline\n\nKARACHI: Lead.\n")
    assert result.front_matter["date"] == "2025-07-30"
    assert "no date line found" in str(result.warnings[0])
    with pytest.raises(ContentError) as caught:
        wire("Headline\n\nKARACHI: Lead.\n", today=None)
    assert str(caught.value) == (
        "copy.txt:2: no date line found — add a line such as `July 21, 2025` under the headline"
    )


# -- bylines and captions -------------------------------------------------------
@pytest.mark.parametrize(
    "line, field, names",
    [
        ("By Staff Reporter", "author", "Staff Reporter"),
        ("BY STAFF REPORTER", "author", "Staff Reporter"),
        ("By Our Correspondent", "author", "Our Correspondent"),
        ("By Sana Gandapur | The Frontier Bulletin", "author", "Sana Gandapur"),
        ("Web Desk", "author", "Web Desk"),
        ("By Ayesha Rahman and Bilal Qureshi", "authors", ["Ayesha Rahman", "Bilal Qureshi"]),
    ],
)
def test_bylines(line, field, names):
    fm = wire(story(line, "July 21, 2025")).front_matter
    assert fm[field] == names
    assert "image" not in fm


def test_sentence_starting_with_by_is_not_a_byline():
    result = wire(story("July 21, 2025", lead="By the end of June, the dam was full."))
    assert result.front_matter["author"] is None
    assert "By the end of June" in result.body


@pytest.mark.parametrize(
    "caption, expected_caption, credit",
    [
        ("Students queue outside the gate — File photo", "Students queue outside the gate", "File photo"),
        ("Students queue outside the gate - AFP/File", "Students queue outside the gate", "AFP/File"),
        ("A labourer unloads wheat (Photo: INP)", "A labourer unloads wheat", "INP"),
        ("Talks in Kabul | Photo by Ali Raza", "Talks in Kabul", "Ali Raza"),
        ("A Pakistan-Afghanistan border crossing", "A Pakistan-Afghanistan border crossing", ""),
        ("Officials meet (left to right) in Kabul", "Officials meet (left to right) in Kabul", ""),
    ],
)
def test_caption_credit_is_split(caption, expected_caption, credit):
    assert split_credit(caption) == (expected_caption, credit)


@pytest.mark.parametrize(
    "header",
    [
        ("The caption line", "By Staff Reporter", "July 21, 2025"),
        ("July 21, 2025", "The caption line", "By Staff Reporter"),
        ("By Staff Reporter", "July 21, 2025", "The caption line"),  # below the date, before a dateline lead
        ("July 21, 2025\nBy Staff Reporter\nThe caption line",),  # no blank lines between header lines
        ("Photo: The caption line", "July 21, 2025", "By Staff Reporter"),
    ],
)
def test_header_lines_in_any_order(header):
    result = wire(story(*header))
    fm = result.front_matter
    assert (fm["date"], fm["author"], fm["image"], fm["dateline"]) == (
        "2025-07-21",
        "Staff Reporter",
        {"caption": "The caption line"},
        "KABUL",
    )
    assert body_html(result) == "<p>The lead paragraph of the story.</p>\n<p>A second paragraph.</p>\n"


def test_short_first_paragraph_without_dateline_after_stays_in_the_body():
    result = wire(story("July 21, 2025", lead="Short lead."))
    assert "image" not in result.front_matter
    assert body_html(result) == "<p>Short lead.</p>\n<p>A second paragraph.</p>\n"


# -- datelines ------------------------------------------------------------------
@pytest.mark.parametrize(
    "lead, dateline, rest",
    [
        ("KABUL: Talks began.", "KABUL", "Talks began."),
        ("DERA ISMAIL KHAN: Talks began.", "DERA ISMAIL KHAN", "Talks began."),
        ("MAZAR-I-SHARIF: Talks began.", "MAZAR-I-SHARIF", "Talks began."),
        ("ISLAMABAD, July 22 (APP) - Talks began.", "ISLAMABAD", "Talks began."),
        ("PESHAWAR, 22 July (Reuters) — Talks began.", "PESHAWAR", "Talks began."),
        ("HERAT — Talks began.", "HERAT", "Talks began."),
        ("HERAT—Talks began.", "HERAT", "Talks began."),
        ("KABUL:Talks began.", "KABUL", "Talks began."),
        ("KARACHI - Talks began.", "KARACHI", "Talks began."),
        ("US-PAKISTAN talks began.", "", "US-PAKISTAN talks began."),
        ("کابل: خبرې پیل شوې.", "کابل", "خبرې پیل شوې."),
        ("اسلام آباد (اے پی پی): مذاکرات شروع ہوئے۔", "اسلام آباد", "مذاکرات شروع ہوئے۔"),
        ("Kabul: not a dateline in capitals.", "", "Kabul: not a dateline in capitals."),
        ("BREAKING: not a place.", "", "BREAKING: not a place."),
        ("UN chief says: talks began.", "", "UN chief says: talks began."),
        ("انہوں نے کہا: مذاکرات شروع ہوئے۔", "", "انہوں نے کہا: مذاکرات شروع ہوئے۔"),
    ],
)
def test_datelines(lead, dateline, rest):
    result = wire(story("July 21, 2025", lead=lead))
    assert (result.front_matter["dateline"] or "") == dateline
    assert result.body.startswith(rest)


def test_agency_in_the_dateline_is_the_author_when_there_is_no_byline():
    assert wire(story("July 21, 2025", lead="ISLAMABAD (APP): Talks.")).front_matter["author"] == "APP"
    with_byline = wire(story("By Staff Reporter", "July 21, 2025", lead="ISLAMABAD (APP): Talks."))
    assert with_byline.front_matter["author"] == "Staff Reporter"


# -- body -----------------------------------------------------------------------
def test_bullets_become_one_list():
    html = body_html(convert_case("08-bullets"))
    assert html.count("<ul>") == 1 and html.count("<li>") == 4
    assert "<li>A surcharge of 10% applies to incomes above Rs10 million</li>" in html
    assert "•" not in html


def test_numbered_lines_become_an_ordered_list():
    html = body_html(convert_case("19-numbered-list"))
    assert html.count("<ol>") == 1 and html.count("<li>") == 5


def test_pull_quote_stays_one_block_with_its_attribution():
    html = body_html(convert_case("09-pull-quote"))
    quotes = re.findall(r"<blockquote>(.*?)</blockquote>", html, re.S)
    assert len(quotes) == 2
    assert quotes[0].count("<p>") == 1
    assert "Madyan to Kalam is taken" in quotes[0]
    assert "<br />\n— Fazal Wahid, president of the Swat Hotels Association" in quotes[0]
    assert "Tourists should book early and travel on weekdays" in quotes[1]


def test_single_line_quotation_is_a_plain_paragraph():
    html = body_html(convert_case("00-sample"))
    assert "<blockquote>" not in html


@pytest.mark.parametrize(
    "line, reason",
    [
        ("icon-facebook icon-twitter icon-whatsapp", "share buttons"),
        ("Share  Tweet  WhatsApp", "share buttons"),
        ("Facebook | Twitter | Email | Print", "share buttons"),
        ("Also Read: Punjab announces new buses", "“read more” link"),
        ("READ MORE: Budget at a glance", "“read more” link"),
        ("Published in The Frontier Bulletin, July 19th, 2025", "print edition footer"),
        ("Advertisement", "advertisement"),
        ("Follow us on Facebook and WhatsApp", "promotion"),
        ("* * *", "separator"),
        ("© 2025 The Frontier Bulletin", "copyright notice"),
    ],
)
def test_junk_lines_are_dropped_and_reported(line, reason):
    result = wire(story("July 21, 2025", lead=f"KABUL: Lead.\n\n{line}"))
    assert [(d.line, d.text, d.reason) for d in result.dropped] == [(7, " ".join(line.split()), reason)]
    assert line.split()[0] not in result.body


def test_lines_that_only_mention_sharing_are_kept():
    text = "Share prices rose 3% on the Pakistan Stock Exchange, brokers said."
    result = wire(story("July 21, 2025", lead=f"KARACHI: Lead.\n\n{text}"))
    assert result.dropped == ()
    assert text in result.body


# -- text hygiene ---------------------------------------------------------------
def test_bom_crlf_trailing_space_nbsp_and_entities_are_normalised():
    result = convert_case("11-hygiene-bom-crlf-entities")
    assert read_case("11-hygiene-bom-crlf-entities").startswith("\ufeff")
    assert result.front_matter["title"] == "Pakistan’s tea imports rise 12%"
    assert result.front_matter["dateline"] == "KARACHI"
    assert "followed by Rwanda & Uganda." in result.body
    assert "the rupee had made tea 20% dearer in shops — “the biggest jump in a decade” — though" in result.body


def test_entities_escaped_twice_are_decoded():
    result = wire(story("July 21, 2025", lead="KABUL: Pakistan&amp;#8217;s &lt;b&gt;view&lt;/b&gt;."))
    assert result.body.startswith("Pakistan’s \\<b>view\\</b>.")


# -- HTML and template syntax stay visible text ---------------------------------
@pytest.mark.parametrize("raw_html", [False, True])
def test_html_and_markdown_syntax_show_as_typed(raw_html):
    html = render_markdown(convert_case("12-html-and-template-syntax").body, raw_html=raw_html).html
    assert "<script" not in html and "<b>" not in html and "<a " not in html and "<em>" not in html
    assert "links such as &lt;script&gt;alert(‘you won’)&lt;/script&gt; and ask" in html  # quotes: typographer
    assert "{{ config }}" in html and "{% raw %}{{ user.name }}{% endraw %}" in html
    assert "<h1" not in html and "<ol" not in html and "<hr" not in html
    assert "<p># This line starts with a hash but is not a heading.</p>" in html
    assert "<p>1. This line starts with a number but is not a list.</p>" in html
    assert "*asterisks*, _underscores_, [brackets](javascript:alert(1)), `backticks`, a back\\slash" in html
    assert "section 144(c) of the code" in html  # not turned into ©
    assert "&lt;b&gt;Do not click&lt;/b&gt;" in html


@pytest.mark.parametrize(
    "line",
    [
        "# Heading?",
        "## Two",
        "> quote",
        "1. one",
        "2) two",
        "=== equals",
        "[x]: /url",
        "    indented four",
        "```fence",
        "<div>html</div>",
        "| a | b |",
        "[^1]: note",
        "![image](/x.png)",
        "<https://example.org>",
        "~~struck~~",
    ],
)
@pytest.mark.parametrize("alone", [True, False])
def test_a_paragraph_never_turns_into_markup(line, alone):
    """Whether the line is a paragraph of its own or continues one, it shows as typed.

    (A block of lines that all start with ``>`` is a pull quote, on purpose.)
    """
    lead = f"KABUL: Lead.\n\n{line}" if alone else f"KABUL: Lead.\n\nFirst words\n{line}"
    html = body_html(wire(story("July 21, 2025", lead=lead)))
    shown = ("" if alone else "First words ") + escape(line.strip(), quote=False)
    block = f"<p>{shown}</p>\n"
    if alone and line.startswith(">"):
        block = f"<blockquote>\n<p>{line[1:].strip()}</p>\n</blockquote>\n"
    assert html == f"<p>Lead.</p>\n{block}<p>A second paragraph.</p>\n"


# -- language and slugs ---------------------------------------------------------
@pytest.mark.parametrize(
    "name, lang, slug",
    [
        ("13-urdu", "ur", "2025-07-20-pshaor-min-bs-ripd"),
        ("14-pashto", "ps", "2025-07-23-kabl-ke-d-aobo"),
        ("15-dari", "fa", "2025-07-24-bazar-mioh-dr-mzar"),
        ("24-urdu-app-dateline", "ur", "2025-07-27-aslam-abad-min-shjrkari"),
        ("00-sample", None, "pakistan-afghanistan-pledge-to-strengthen-anti-terrorism-cooperation"),
    ],
)
def test_language_and_ascii_slug(name, lang, slug):
    fm = convert_case(name).front_matter
    assert fm.get("lang") == lang
    assert fm["slug"] == slug
    assert slug.isascii()


def test_arabic_script_headline_without_letters_to_transliterate_gets_the_date():
    result = wire("؟؟؟\n\n20 جولائی 2025\n\nپشاور: صوبائی حکومت نے نیا روٹ کھول دیا۔\n")
    assert result.front_matter["slug"] == "2025-07-20"
    assert result.front_matter["lang"] == "ur"


def test_summary_is_never_a_copy_of_the_lead():
    lead = "KABUL: " + " ".join(["word"] * 80)
    assert "summary" not in wire(story("July 21, 2025", lead=lead)).front_matter
    assert "summary" not in wire(story("July 21, 2025")).front_matter


def test_a_standfirst_is_the_summary():
    result = convert_case("18-standfirst-and-caption")
    body_text = result.body.split("\n\n")[0]
    assert result.front_matter["summary"] and result.front_matter["summary"] not in body_text


@pytest.mark.parametrize(
    ("name", "dropped", "credit"),
    [
        (
            "25-urdu-junk-and-file-photo",
            ["share buttons", "“read more” link", "“read more” link", "print edition footer"],
            "فائل فوٹو",
        ),
        (
            "26-pashto-junk-and-photo-credit",
            ["share buttons", "“read more” link", "“read more” link", "print edition footer"],
            "ارشیف",
        ),
        (
            "27-dari-junk-and-photo-credit",
            ["share buttons", "“read more” link", "“read more” link", "print edition footer"],
            "آرشیف",
        ),
    ],
)
def test_urdu_pashto_and_dari_junk_and_photo_credits_follow_the_english_rules(name, dropped, credit):
    result = convert_case(name)
    assert [d.reason for d in result.dropped] == dropped
    assert result.front_matter["image"]["credit"] == credit
    assert "پڑھیں" not in result.body and "ولولئ" not in result.body and "بخوانید" not in result.body


def test_urdu_desk_byline_is_the_author():
    assert convert_case("25-urdu-junk-and-file-photo").front_matter["author"] == "ویب ڈیسک"


# -- input that cannot be an article --------------------------------------------
@pytest.mark.parametrize(
    "text, message",
    [
        ("", "copy.txt: the file is empty — paste the wire copy into it"),
        (" \n\t\n\u00a0\n", "copy.txt: the file is empty — paste the wire copy into it"),
        (
            "\n\nHeadline\nKABUL: Lead.\nMore.\n",
            "copy.txt:3: no blank line: cannot tell the headline from the story — "
            "put an empty line after the headline and between paragraphs",
        ),
        ("abc\x00def\n\nghi", "copy.txt: the file holds binary data, not text — save the wire copy as UTF-8 text"),
        (
            "Headline\n\nicon-facebook icon-twitter\n",
            "copy.txt:1: no story under the headline — paste the paragraphs of the story after the headline",
        ),
    ],
)
def test_bad_copy_raises_a_content_error(text, message):
    with pytest.raises(ContentError) as caught:
        wire(text)
    assert str(caught.value) == message
