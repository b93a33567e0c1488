"""The daily bulletin by e-mail (``site-gen digest``): the day's stories, lead first, as an
e-mail-ready HTML page, its plain-text alternative and a ``.eml`` file holding both.

E-mail programs read HTML as it was written for browsers twenty years ago, so the digest is
made for them: tables for layout, every style inlined into ``style`` attributes (with
css-inline: Gmail and Outlook drop ``<style>`` blocks or parts of them; only the dark-mode
``@media`` rules, which cannot be inlined, stay in one), every link and image absolute, every
image with its width, height and alt text (images are off by default in many clients), and
the whole under Gmail's 102 KB clipping limit (:data:`CLIP_BYTES`: past it Gmail hides the
rest behind "View entire message"; stories past it are left out and the digest links to the
site instead). Sending is the newsroom's mailer's job: the ``.eml`` is a complete MIME
``multipart/alternative`` message any mail program opens or sends (README, "The daily digest").

The templates are ``templates/digest/email.html`` and ``email.txt``; the lead's picture is
its share image (:meth:`site_gen.plan.Planner.share_view`): its photo cropped to 1200×630,
or its card, which a build writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from . import urls
from .errors import BuildFailed, ContentError

CLIP_BYTES = 102 * 1024
"""Gmail clips a message whose HTML is larger than this."""
HTML_BUDGET = CLIP_BYTES - 8 * 1024
"""What the digest's HTML may take: the rest is room for what a mailer adds (footer, tracking)."""
LEAD_WIDTH = 560
"""Width of the lead picture in the 600 px column (its file is 1200 px wide: sharp on phones)."""
TEMPLATES = ("digest/email.html", "digest/email.txt")


@dataclass
class Digest:
    """One day's digest in one language."""

    day: date
    lang: str
    subject: str
    html: str
    text: str
    eml: bytes
    stories: int
    left_out: int = 0
    """Stories not shown, to keep the HTML under :data:`HTML_BUDGET` (the digest links to the site)."""
    files: list[Path] = field(default_factory=list)


def make_digest(options, day: date | None = None, lang: str | None = None) -> Digest:
    """The digest of ``day`` (default: the build clock's day) in ``lang`` (default: the site's
    language); :class:`BuildFailed` when the site has errors or the day has no story."""
    from .build import load_site
    from .dates import utc_now
    from .plan import Planner, digest_language

    config, site, _pages, _loaded, images = load_site(options)
    zone = ZoneInfo(config.timezone)
    now = (options.now or utc_now()).astimezone(zone)
    day = day or now.date()
    lang = digest_language(lang or config.language)
    planner = Planner(site, config, images.views, now)
    period = next((p for p in site.days if (p.year, p.month, p.day) == (day.year, day.month, day.day)), None)
    order = planner.digest_stories(period, lang) if period else []
    if not order:
        hint = "give another --date or --lang; a digest lists the published stories of one day"
        raise BuildFailed([ContentError("content", 0, f"no published story on {day.isoformat()} in `{lang}`", hint)])
    lead = order[0]
    rtl = config.is_rtl(lang)
    view = {
        "site": {"title": config.title, "url": config.base_url, "description": config.description},
        "lang": lang,
        "dir": "rtl" if rtl else "ltr",
        "align": "right" if rtl else "left",
        "day": _day_label(day, lang),
        "subject": f"{config.title}: {_day_label(day, lang)}",
        # The day's digest page on the site shows every story, those left out here too.
        "more_url": urls.absolute(config.base_url, planner.digest_path(period, lang))
        if lang in planner.digest_langs
        else config.base_url,
    }
    stories = [_story(planner, i, zone, config) for i in order]
    stories[0]["image"] = _lead_image(planner.share_view(lead)["og"], site.articles[lead].title)
    from .render import make_environment

    env = make_environment(options.path("templates"))
    shown = len(stories)
    while True:
        context = {**view, "stories": stories[:shown], "left_out": len(stories) - shown}
        html = _inline(env.get_template(TEMPLATES[0]).render(context))
        if len(html.encode("utf-8")) <= HTML_BUDGET or shown == 1:
            break
        shown -= 1
    text = env.get_template(TEMPLATES[1]).render(context)
    eml = _message(view["subject"], config, html, text, now, day, lang)
    return Digest(day, lang, view["subject"], html, text, eml, shown, len(stories) - shown)


def write_digest(digest: Digest, folder: Path) -> list[Path]:
    """``YYYY-MM-DD-LANG.html``, ``.txt`` and ``.eml`` in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{digest.day.isoformat()}-{digest.lang}"
    files = []
    for suffix, data in ((".html", digest.html.encode()), (".txt", digest.text.encode()), (".eml", digest.eml)):
        path = folder / f"{stem}{suffix}"
        temp = path.with_name(path.name + ".tmp")
        temp.write_bytes(data)
        temp.replace(path)
        files.append(path)
    digest.files = files
    return files


def _story(planner, i: int, zone: ZoneInfo, config) -> dict:
    a = planner.site.articles[i]
    section = planner.site.article_terms[i]["section"]
    return {
        "title": a.title,
        "url": urls.absolute(config.base_url, a.path),
        "summary": a.summary,
        "section": section[0].name if section else "",
        "time": a.date.at.astimezone(zone).strftime("%H:%M") if a.date.has_time else "",
        "dateline": a.dateline,
        "image": None,
    }


def _lead_image(view: dict, title: str) -> dict:
    height = round(view["height"] * LEAD_WIDTH / view["width"])
    return {"url": view["url"], "width": LEAD_WIDTH, "height": height, "alt": view["alt"] or title}


def _day_label(day: date, lang: str) -> str:
    from .share import MONTHS, card_date

    if lang in MONTHS:
        return card_date(day, lang)
    return f"{day.strftime('%A')} {day.day} {day.strftime('%B %Y')}"


def _inline(html: str) -> str:
    """Every style rule into the ``style`` attributes it applies to; ``@media`` rules (dark
    mode, narrow screens) kept in a ``<style>`` block, since they cannot be inlined."""
    import css_inline

    inliner = css_inline.CSSInliner(load_remote_stylesheets=False, keep_at_rules=True)
    return inliner.inline(html)


def _message(subject: str, config, html: str, text: str, now: datetime, day: date, lang: str) -> bytes:
    """The digest as a MIME ``multipart/alternative`` message: text first, HTML last (the
    one a client shows when it can). The mailer sets the recipients."""
    host = config.base_url.split("/")[2]  # an absolute http(s) URL (site.yaml's checks)
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = f"{config.publisher.name} <digest@{host}>"
    message["Date"] = format_datetime(now)
    message["Message-ID"] = f"<digest-{day.isoformat()}-{lang}@{host}>"
    message["Content-Language"] = lang
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return bytes(message)
