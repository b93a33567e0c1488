"""The theme's own words in each language: gettext catalogues, compiled with Babel.

Templates mark their words with Jinja2's i18n extension (``{{ _("Search") }}``,
``{% trans %}``). A translator edits ``templates/locales/<code>/LC_MESSAGES/messages.po``
and nothing else: the catalogues sit in the theme, so a theme carries its words and every
build that follows the template files (fingerprints, the cache) follows them too. A build
compiles them with Babel in memory (no ``.mo`` files to forget); ``make messages`` extracts
the words the templates use and updates each catalogue (:func:`update_catalogues`).

A word a catalogue lacks (or leaves empty, or marks fuzzy) is English, word by word: a
language without any catalogue is an English theme around its stories, never an error.
``site-gen check`` counts the missing words of each catalogue (:func:`missing_words`).
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Iterable
from pathlib import Path

from .hashing import content_hash

LOCALES = "locales"
"""The folder of the catalogues, inside the templates folder."""
DOMAIN = "messages"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lgettext": (2,), "lngettext": (2, 3)}
"""What marks a word in a template (Babel's extraction keywords)."""


def catalogue_path(templates: Path, code: str) -> Path:
    return templates / LOCALES / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def load_catalogues(templates: Path) -> dict[str, gettext.NullTranslations]:
    """Each language's catalogue, compiled with Babel, by language code."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    found: dict[str, gettext.NullTranslations] = {}
    folder = templates / LOCALES
    for po in sorted(folder.glob(f"*/LC_MESSAGES/{DOMAIN}.po")) if folder.is_dir() else ():
        code = po.parent.parent.name
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=None, domain=DOMAIN)
        compiled = io.BytesIO()
        write_mo(compiled, catalog)
        compiled.seek(0)
        found[code] = gettext.GNUTranslations(compiled)
    return found


_COMPILED: dict[str, dict[str, gettext.NullTranslations]] = {}


def compiled_catalogues(templates: Path) -> dict[str, gettext.NullTranslations]:
    """:func:`load_catalogues`, compiled once per process for the same catalogue files."""
    key = f"{templates.resolve()}:{catalogues_key(templates)}"
    found = _COMPILED.get(key)
    if found is None:
        found = _COMPILED[key] = load_catalogues(templates)
    return found


def catalogues_key(templates: Path) -> str:
    """A hash of every catalogue's bytes: a page's fingerprint changes with its words."""
    folder = templates / LOCALES
    parts = [
        f"{po.relative_to(folder).as_posix()}={content_hash(po.read_bytes())}"
        for po in (sorted(folder.rglob("*.po")) if folder.is_dir() else ())
    ]
    return content_hash("\n".join(parts).encode())


def template_words(templates: Path, extra: Iterable[str] = ()):
    """The words the templates use, as a Babel catalogue (with ``extra`` words: menu sections)."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    catalog = Catalog(domain=DOMAIN, project="site_gen", charset="utf-8")
    method_map = [("**.html", "jinja2"), ("**.xml", "jinja2"), ("**.txt", "jinja2")]
    from .render import TEMPLATE_EXTENSIONS

    options = {"**": {"extensions": ",".join(TEMPLATE_EXTENSIONS), "trim_blocks": "true", "lstrip_blocks": "true"}}
    for filename, lineno, message, comments, context in extract_from_dir(
        str(templates), method_map, options, keywords=KEYWORDS, comment_tags=("Translators:",)
    ):
        if LOCALES in Path(filename).parts:
            continue
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    for word in extra:
        if word not in catalog:
            catalog.add(word, None, [("site.yaml", 0)], auto_comments=["a section of the menu"])
    return catalog


def update_catalogues(templates: Path, codes: Iterable[str], extra: Iterable[str] = ()) -> list[Path]:
    """Write ``messages.pot`` and bring each language's ``messages.po`` up to it (new words
    empty, words no template uses any more kept as obsolete); returns the files written."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    template = template_words(templates, extra)
    written = []
    pot = templates / LOCALES / f"{DOMAIN}.pot"
    pot.parent.mkdir(parents=True, exist_ok=True)
    with pot.open("wb") as handle:
        write_po(handle, template, omit_header=False, sort_output=True, include_lineno=False)
    written.append(pot)
    for code in codes:
        path = catalogue_path(templates, code)
        if path.exists():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=code.replace("-", "_"))
        else:
            catalog = Catalog(locale=code.replace("-", "_"), domain=DOMAIN, charset="utf-8")
        catalog.update(template, no_fuzzy_matching=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, sort_output=True, include_lineno=False, ignore_obsolete=False)
        written.append(path)
    return written


def missing_words(templates: Path, codes: Iterable[str], extra: Iterable[str] = ()) -> dict[str, tuple[Path, int]]:
    """For each language, its catalogue and how many of the templates' words it does not
    translate (those pages show them in English)."""
    from babel.messages.pofile import read_po

    wanted = [message.id for message in template_words(templates, extra) if message.id]
    result = {}
    for code in codes:
        path = catalogue_path(templates, code)
        translated: set = set()
        if path.exists():
            with path.open("rb") as handle:
                catalog = read_po(handle)
            translated = {
                m.id for m in catalog if m.id and not m.fuzzy and (all(m.string) if m.pluralizable else m.string)
            }
        count = sum(1 for word in wanted if word not in translated)
        if count:
            result[code] = (path, count)
    return result


def main(argv: list[str] | None = None) -> int:
    """``make messages``: bring every language's catalogue up to the templates' words
    (``python -m site_gen.i18n [--templates DIR] [--config site.yaml]``)."""
    import argparse

    from .config import load_config
    from .errors import BuildFailed

    parser = argparse.ArgumentParser(prog="python -m site_gen.i18n", description=main.__doc__)
    parser.add_argument("--templates", default="templates", type=Path)
    parser.add_argument("--config", default="site.yaml", type=Path)
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)
    except BuildFailed as failed:
        for error in failed.errors:
            print(error, file=__import__("sys").stderr)
        return 1
    codes = [language.code for language in config.site_languages if language.code != "en"]
    for path in update_catalogues(args.templates, codes, config.menu):
        print(path)
    for code, (path, count) in missing_words(args.templates, codes, config.menu).items():
        print(f"{path}: {count} words to translate ({code})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
