"""Hostile YAML: Python tags, billion laughs, deep nesting, huge files — each a clear error, at once."""

from __future__ import annotations

import pytest

from site_gen.yamlload import MAX_NODES, YamlError, load_mapping
from tests._site import CONFIG, NOW_ARG, article, make_site, run_cli

A = "content/articles/2025/07/"

LAUGHS = "".join(
    f"{name}: &{name} [{', '.join(['*' + prev] * 9 if prev else ['lol'] * 9)}]\n"
    for prev, name in zip(["", *"abcdefgh"], "abcdefghi", strict=True)
)


def errors_of(tmp_path, text: str | bytes, config: str = CONFIG) -> tuple[int, str]:
    root = make_site(tmp_path / "site", {"articles/2025/07/a.md": text}, config=config)
    code, _, err = run_cli(root, "check", "--now", NOW_ARG)
    return code, err


def test_python_object_tag_is_refused_and_never_run(tmp_path):
    marker = tmp_path / "pwned"
    text = f'---\ntitle: !!python/object/apply:os.system ["touch {marker}"]\ndate: 2025-07-20\n---\nText.\n'
    code, out = errors_of(tmp_path, text)
    assert code == 1
    assert out.splitlines()[0] == (
        f"{A}a.md:2: the YAML tag `!!python/object/apply:os.system` is not allowed"
        " — front matter holds only text, numbers, true/false, lists and mappings"
    )
    assert not marker.exists()


@pytest.mark.parametrize("tag", ["!!python/object:os.system {}", "!!python/name:os.system", "!!python/tuple [1, 2]"])
def test_other_python_tags(tag):
    with pytest.raises(YamlError, match=r"the YAML tag `!!python/\w+(:os\.system)?` is not allowed"):
        load_mapping(f"title: {tag}\n")


@pytest.mark.parametrize(
    ("written", "shown"),
    [("!foo x", "!foo"), ("!!foo x", "!!foo"), ("!<tag:example.org,2025:x> y", "tag:example.org,2025:x")],
)
def test_a_tag_is_named_as_written(written, shown):
    with pytest.raises(YamlError) as caught:
        load_mapping(f"title: {written}\n")
    assert caught.value.message == f"the YAML tag `{shown}` is not allowed"


def test_billion_laughs_fails_fast(tmp_path):
    code, out = errors_of(tmp_path, "---\n" + LAUGHS + "title: Bomb\ndate: 2025-07-20\n---\nText.\n")
    assert code == 1
    assert out.splitlines()[0] == (
        f"{A}a.md:6: the YAML expands to more than 10,000 values (anchors `&` and aliases `*` used over and over)"
        " — write the values out instead of using `&name` and `*name`"
    )


def test_billion_laughs_in_site_yaml(tmp_path):
    code, out = errors_of(tmp_path, article("Budget"), config=CONFIG + LAUGHS)
    assert code == 1
    assert out.splitlines()[0] == (
        "site.yaml:10: the YAML expands to more than 10,000 values (anchors `&` and aliases `*` used over and over)"
        " — write the values out instead of using `&name` and `*name`"
    )


def test_a_few_aliases_are_fine():
    fields = load_mapping("tags: &t [Pakistan, Afghanistan]\nkeywords: *t\n")
    assert fields["keywords"].value == ["Pakistan", "Afghanistan"]


def test_many_plain_values_are_refused():
    with pytest.raises(YamlError) as caught:
        load_mapping("tags: [" + ", ".join(["x"] * (MAX_NODES + 1)) + "]\n")
    assert caught.value.message == "the YAML holds more than 10,000 values"


def test_alias_inside_itself(tmp_path):
    code, out = errors_of(tmp_path, "---\ntitle: Loop\ndate: 2025-07-20\ntags: &t [a, *t]\n---\nText.\n")
    assert code == 1
    assert out.splitlines()[0] == (
        f"{A}a.md:4: an alias `*name` refers to the value that contains it — write the values out"
    )


@pytest.mark.parametrize(
    ("depth", "message"),
    [
        (60, "the YAML is nested more than 40 levels deep — front matter needs at most a list inside a mapping"),
        (20_000, "YAML syntax error: exceeded maximum nesting depth — check indentation and quoting"),
    ],
)
def test_deep_nesting(tmp_path, depth, message):
    deep = "[" * depth + "]" * depth
    code, out = errors_of(tmp_path, f"---\ntitle: Deep\ndate: 2025-07-20\ntags: {deep}\n---\nText.\n")
    assert code == 1
    assert out.splitlines()[0] == f"{A}a.md:4: {message}"


def test_aliases_that_nest_deeper_than_the_limit(tmp_path):
    # Each anchor holds the previous one three levels down: 20 short lines, 60 levels once expanded.
    lines = ["a0: &a0 [x]"] + [f"a{n}: &a{n} [[[*a{n - 1}]]]" for n in range(1, 21)]
    with pytest.raises(YamlError, match="nested more than 40 levels deep") as raised:
        load_mapping("\n".join(lines) + "\n")
    assert raised.value.line == 13, "a13 uses *a12 (line 13) 3 levels down: 1 + 3 + 37 levels"


def test_huge_file(tmp_path):
    code, out = errors_of(tmp_path, article("Huge", body="word " * 600_000))
    assert code == 1
    assert (
        out.splitlines()[0] == f"{A}a.md: the file is too large (over 2,000,000 bytes) — split it or remove pasted data"
    )


def test_huge_front_matter(tmp_path):
    code, out = errors_of(tmp_path, article("Long", summary="x" * 300_000))
    assert code == 1
    assert out.splitlines()[0] == (
        f"{A}a.md:2: the YAML is too long (300,041 characters; at most 200,000)"
        " — keep front matter to a few fields; put long text in the body"
    )


@pytest.mark.parametrize(
    "text",
    [
        "tags: " + "[" * 39 + "x" + "]" * 39 + "\n",  # 40 levels: the limit
        "tags: " + "[" * 40 + "x" + "]" * 40 + "\n",
        "tags: [" + ", ".join(["x"] * (MAX_NODES - 3)) + "]\n",  # with the mapping, the key, the list: 10,000 values
        "tags: [" + ", ".join(["x"] * (MAX_NODES - 2)) + "]\n",
        "a:\n  b:\n    - [c, {d: e}]\n    - f\n",
        "title: plain\n",
    ],
)
def test_the_quick_check_of_aliasless_yaml_agrees_with_the_full_one(text):
    """Front matter without ``*`` has no aliases: yamlload measures it with a quicker walk,
    which must refuse exactly what the full check refuses."""
    from site_gen.yamlload import _check_size, _Loader, _tree_fits

    loader = _Loader(text)
    node = loader.get_single_node()
    loader.dispose()
    try:
        _check_size(node)
        refused = False
    except YamlError:
        refused = True
    assert (_tree_fits(node) < 0) == refused
