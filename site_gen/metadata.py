"""What search engines and social sites read from a page's ``<head>``; pure.

Builds plain-data views for ``templates/partials/meta.html``: OpenGraph and
Twitter card tags, and schema.org JSON-LD (``NewsArticle``,
``BreadcrumbList``, ``WebSite``, ``Organization``). Every URL here is
absolute. The JSON-LD dicts are serialised by the template with Jinja's
``|tojson``, which escapes ``<``, ``>``, ``&`` and ``'`` as ``\\u003c`` etc., so
a headline holding ``</script>`` or ``<!--`` cannot end the script block
(see :mod:`site_gen.render`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from . import urls
from .config import Config
from .dates import Moment
from .model import Article, Term
from .share import LOGO, LOGO_SIZE

SCHEMA = "https://schema.org"


def modified(article: Article) -> Moment:
    """When an article last changed: ``updated`` when later than ``date``."""
    return article.updated if article.updated and article.updated > article.date else article.date


def newest_change(articles: Iterable[Article]) -> Moment | None:
    """The latest :func:`modified` of some articles, or None for none."""
    return max((modified(a) for a in articles), default=None)


def image_of(article: Article, config: Config) -> dict | None:
    """Absolute URL and alt text of the article's own image, or None."""
    if article.image is not None and article.image.src:
        return {"url": urls.absolute_src(config.base_url, article.image.src), "alt": article.image.alt}
    return None


def site_image(config: Config) -> dict | None:
    """The publisher's logo as the image of pages that have none: the raster one when the
    site has an icon (social sites show no SVG), else the configured logo."""
    if config.publisher.icon:
        url = urls.absolute(config.base_url, LOGO)
        return {"url": url, "alt": config.publisher.name, "width": LOGO_SIZE, "height": LOGO_SIZE}
    if not config.publisher.logo:
        return None
    return {"url": urls.absolute_src(config.base_url, config.publisher.logo), "alt": config.publisher.name}


def social(
    config: Config,
    title: str,
    canonical: str,
    description: str,
    image: dict | None = None,
    article: dict | None = None,
) -> dict:
    """OpenGraph and Twitter card values of one page.

    ``article`` (from :func:`article_social`) makes ``og:type`` ``article``;
    a page with its own ``image`` gets a large Twitter card, others the logo.
    """
    large = image is not None
    image = image if image is not None else site_image(config)
    return {
        "type": "article" if article else "website",
        "title": title,
        "description": description,
        "url": canonical,
        "site_name": config.title,
        "image": image,
        "card": "summary_large_image" if large else "summary",
        "article": article,
    }


def article_social(article: Article, terms: dict[str, Sequence[Term]], config: Config) -> dict:
    """The ``article:*`` OpenGraph values: times, section, tags and author pages."""
    return {
        "published_time": article.date.timestamp_iso(),
        "modified_time": modified(article).timestamp_iso(),
        "section": terms["section"][0].name if terms.get("section") else "",
        "tags": [t.name for t in terms.get("tag", ())],
        "authors": [urls.absolute(config.base_url, t.path) for t in terms.get("author", ())],
    }


def publisher(config: Config) -> dict:
    """schema.org ``Organization`` of the publisher, with its logo."""
    org: dict = {"@type": "Organization", "name": config.publisher.name, "url": config.base_url}
    if config.publisher.icon:  # Google asks for a raster logo of at least 112×112 px
        url = urls.absolute(config.base_url, LOGO)
        org["logo"] = {"@type": "ImageObject", "url": url, "width": LOGO_SIZE, "height": LOGO_SIZE}
    elif config.publisher.logo:
        org["logo"] = {"@type": "ImageObject", "url": urls.absolute_src(config.base_url, config.publisher.logo)}
    return org


def news_article(
    article: Article, terms: dict[str, Sequence[Term]], config: Config, images: Sequence[str] = ()
) -> dict:
    """schema.org ``NewsArticle`` with every property Google recommends for articles.

    Authors link to their author pages; an article without a byline is
    credited to the publisher. Dates carry their offset. ``images`` are its share images
    (16:9, 4:3 and 1:1, see :mod:`site_gen.share`); without them, its own image or the logo.
    """
    canonical = urls.absolute(config.base_url, article.path)
    authors = [
        {"@type": "Person", "name": t.name, "url": urls.absolute(config.base_url, t.path)}
        for t in terms.get("author", ())
    ] or [{"@type": "Organization", "name": config.publisher.name, "url": config.base_url}]
    data: dict = {
        "@context": SCHEMA,
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
        "url": canonical,
        "headline": article.title,
        "description": article.summary,
        "datePublished": article.date.timestamp_iso(),
        "dateModified": modified(article).timestamp_iso(),
        "author": authors,
        "publisher": publisher(config),
        "isAccessibleForFree": True,
        "inLanguage": article.lang,
    }
    image = image_of(article, config) or site_image(config)
    if images:
        data["image"] = list(images)
    elif image:
        data["image"] = [image["url"]]
    if terms.get("section"):
        data["articleSection"] = terms["section"][0].name
    if terms.get("tag"):
        data["keywords"] = [t.name for t in terms["tag"]]
    if article.dateline:
        data["dateline"] = article.dateline
    return data


def breadcrumbs(config: Config, trail: Sequence[tuple[str, str]]) -> dict:
    """schema.org ``BreadcrumbList`` from ``(name, site path)`` pairs, home first."""
    return {
        "@context": SCHEMA,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": urls.absolute(config.base_url, path)}
            for n, (name, path) in enumerate(trail, 1)
        ],
    }


def home(config: Config) -> list[dict]:
    """``WebSite`` and ``Organization`` for the home page."""
    site = {
        "@context": SCHEMA,
        "@type": "WebSite",
        "name": config.title,
        "url": config.base_url,
        "inLanguage": config.language,
        "publisher": {"@type": "Organization", "name": config.publisher.name, "url": config.base_url},
    }
    if config.description:
        site["description"] = config.description
    return [site, dict(publisher(config), **{"@context": SCHEMA})]
