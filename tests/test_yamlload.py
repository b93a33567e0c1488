"""Safe YAML with line numbers (site_gen.yamlload)."""

import pytest

from site_gen.yamlload import YamlError, load_mapping


def test_fields_keep_value_text_and_line():
    fields = load_mapping("title: Hello\n\ntags: [a, b]\ncount: 3\n")
    assert list(fields) == ["title", "tags", "count"]
    assert (fields["title"].value, fields["title"].text, fields["title"].line) == ("Hello", "Hello", 1)
    assert (fields["tags"].value, fields["tags"].text, fields["tags"].line) == (["a", "b"], None, 3)
    assert (fields["count"].value, fields["count"].text, fields["count"].line) == (3, "3", 4)


@pytest.mark.parametrize(
    ("source", "value", "text"),
    [
        ("title: No", False, "No"),
        ("title: yes", True, "yes"),
        ("title: off", False, "off"),
        ("title: null", None, "null"),
        ("title: 1.10", 1.1, "1.10"),
        ("title: 0755", 493, "0755"),
        ('title: "No"', "No", "No"),
    ],
)
def test_scalars_keep_their_source_text(source, value, text):
    field = load_mapping(source)["title"]
    assert field.value == value
    assert field.text == text


@pytest.mark.parametrize(
    "source",
    ["date: 2025-07-20", "date: 2025-07-20 10:00:00", "date: 2025-07-20T10:00:00+05:00", "date: 2025-07-20t10:00:00Z"],
)
def test_dates_stay_text(source):
    field = load_mapping(source)["date"]
    assert field.value == source.split(": ", 1)[1]
    assert isinstance(field.value, str)


def test_nested_dates_stay_text():
    fields = load_mapping("corrections:\n  - {date: 2025-07-21, text: Fixed}\n")
    assert fields["corrections"].value == [{"date": "2025-07-21", "text": "Fixed"}]


@pytest.mark.parametrize("text", ["", "\n", "# only a comment\n"])
def test_empty_text_is_an_empty_mapping(text):
    assert load_mapping(text) == {}


def test_duplicate_key_names_the_second_line():
    with pytest.raises(YamlError) as caught:
        load_mapping("title: A\ndate: 2025-07-20\ntitle: B\n")
    assert (caught.value.message, caught.value.line) == ("`title` is given twice", 3)
    assert caught.value.hint == "keep one `title:` line"


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("just a sentence", "expected `key: value` lines, found a single value", 1),
        ("\n- a\n- b\n", "expected `key: value` lines, found a list", 2),
        ("? [a, b]\n: c\n", "a key must be a plain word", 1),
    ],
)
def test_not_a_mapping(text, message, line):
    with pytest.raises(YamlError) as caught:
        load_mapping(text)
    assert (caught.value.message, caught.value.line) == (message, line)


@pytest.mark.parametrize(
    ("text", "line", "message", "hint"),
    [
        ("title: a\ndate: 2025\n  bad: x\n", 3, "mapping values are not allowed in this context", ""),
        # An unclosed bracket or quote is reported where it was opened, not where the parser noticed.
        (
            "title: a\ntags: [a, b\ndate: x\n",
            2,
            "did not find expected ',' or ']'",
            "close the brackets, and quote names that contain `,` `:` or `#`",
        ),
        (
            "title: a\nplace: {city: Kabul\ndate: x\n",
            2,
            "did not find expected ',' or '}'",
            "close the brackets, and quote names that contain `,` `:` or `#`",
        ),
        ('title: "unclosed\ndate: x\n', 1, "a quote opened on this line is not closed", "close the quote"),
        ("title: a\n\tdate: b\n", 2, "found a tab character that violates indentation", ""),
        ("title: a: b\n", 1, "mapping values are not allowed in this context", ""),
        ("title: *nothing\n", 1, "found undefined alias", ""),
    ],
)
def test_syntax_errors_give_the_line(text, line, message, hint):
    with pytest.raises(YamlError) as caught:
        load_mapping(text)
    assert (caught.value.line, caught.value.message, caught.value.hint) == (line, "YAML syntax error: " + message, hint)


def test_no_python_objects():
    with pytest.raises(YamlError):
        load_mapping("x: !!python/object/apply:os.system ['true']\n")
