"""Share images: what WhatsApp, Facebook, X and Google show of a story; and the site's icons.

Every article gets raster share images at 1200 px wide: the 1200×630 one for ``og:image``
and the 16:9, 4:3 and 1:1 crops Google asks for in ``NewsArticle.image``
(:data:`SIZES`). They are cut from the article's own photo, else from the first image of its
body (:mod:`site_gen.images` makes those crops with the other widths), else drawn here as a
*card*: headline, section, site name and date in the article's language and script, Urdu in
Nastaliq, shaped by Pillow's Raqm layout.

A story is drawn a card of its own only while it is recent by the build's clock
(:func:`recent`: ``share_cards_days`` of ``site.yaml``, a week by default, the days in which a
story is shared): drawing costs tens of milliseconds a story (a hundred in Nastaliq), minutes of
a cold build's time for an archive of thousands. An older story without a photo is shared with
the *site's card* (site name, description and address, :func:`site_card`), drawn once for the
whole site. The window's edges are clock events of the build (:func:`site_gen.rebuild.valid_interval`), as the
news sitemap's are, so the build that moves a story out of it plans every page.

A card is a page of its own (:meth:`site_gen.plan.Planner.share_pages`): its context is
exactly what it shows, so it is drawn again only when that changes, and the PNG bytes are
kept in a folder (``.site-gen-cache/images/cards/``) under the hash of that context, so a
build into another folder or a fresh build draws nothing it drew before.

The fonts are the OFL Noto fonts in ``site_gen/fonts/`` (licence beside them), shipped with
the package rather than looked up on the machine: a fresh clone or a CI image without fonts
draws the same cards, byte for byte, as a newsroom machine with every font installed.

The site's icons (``favicon.ico``, ``apple-touch-icon.png``, ``icon-192.png``,
``icon-512.png``) and the raster publisher logo are resized from ``publisher.icon`` of
``site.yaml`` (a square raster), also cached by content hash (:func:`site_icons`).
"""

from __future__ import annotations

import io
import json
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from pathlib import Path

from .errors import ContentError
from .hashing import digest, short_content_hash
from .images import SHARE_CROPS, local_path

SIZES = SHARE_CROPS
"""Share image sizes by name: ``og`` for OpenGraph and Twitter, the rest for JSON-LD."""
TEMPLATE = "(share card)"
"""The :attr:`~site_gen.plan.Page.template` of a card: drawn here, not by Jinja."""
JSONLD_SIZES = ("16x9", "4x3", "1x1")
CARD_VERSION = "1"
"""Bump when the drawing changes: every card's context (and so its cache key) changes with it."""
FONTS = Path(__file__).parent / "fonts"
SCRIPT_FONTS = {
    # language → (headline font, small text font, Raqm language tag)
    "ur": ("NotoNastaliqUrdu-Bold.ttf", "NotoNastaliqUrdu-Regular.ttf", "ur"),
    "ps": ("NotoNaskhArabic-Bold.ttf", "NotoNaskhArabic-Regular.ttf", "ps"),
    "fa": ("NotoNaskhArabic-Bold.ttf", "NotoNaskhArabic-Regular.ttf", "fa"),
    "ar": ("NotoNaskhArabic-Bold.ttf", "NotoNaskhArabic-Regular.ttf", "ar"),
}
LATIN_FONTS = ("NotoSans-Bold.ttf", "NotoSans-Regular.ttf", "en")
BACKGROUND = (138, 28, 28)
"""The bulletin's red (its logo's), behind the headline."""
INK = (255, 255, 255)
"""The headline's white (grey level 255 of the drawing)."""
WHITE = 255
MUTED = 215
"""Grey level of the section, the rule and the date: a pale red."""
MONTHS = {
    "ur": "جنوری فروری مارچ اپریل مئی جون جولائی اگست ستمبر اکتوبر نومبر دسمبر",
    "ps": "جنوري فبروري مارچ اپرېل مۍ جون جولای اګست سپتمبر اکتوبر نومبر دسمبر",
    "fa": "جنوری فبروری مارچ اپریل می جون جولای اگست سپتامبر اکتوبر نومبر دسمبر",
    "ar": "يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر",
}
"""Gregorian month names in each right-to-left language of the bulletin."""
DIGITS = {"ur": "۰۱۲۳۴۵۶۷۸۹", "ps": "۰۱۲۳۴۵۶۷۸۹", "fa": "۰۱۲۳۴۵۶۷۸۹", "ar": "٠١٢٣٤٥٦٧٨٩"}
ICON_SIZES = {"apple-touch-icon.png": 180, "icon-192.png": 192, "icon-512.png": 512}
FAVICON = "favicon.ico"
LOGO = "logo.png"
"""The raster publisher logo (square, from ``publisher.icon``), at the site root."""
LOGO_SIZE = 512


THEME_COLOR = "#{:02x}{:02x}{:02x}".format(*BACKGROUND)
"""The browser's toolbar colour (``theme-color``, the web app manifest)."""


def icon_links(icon: str, link) -> dict | None:
    """Links to the favicon set for ``<head>`` (``link``: site path → URL); None without an icon."""
    if not icon:
        return None
    return {"favicon": link(FAVICON), "png": link("icon-192.png"), "apple": link("apple-touch-icon.png")}


def base_lang(lang: str) -> str:
    return lang.split("-")[0].lower()


def card_date(day: date, lang: str) -> str:
    """A date as the card shows it, in the article's language and digits (``۲۰ جولائی ۲۰۲۵``)."""
    lang = base_lang(lang)
    if lang not in MONTHS:
        return f"{day.day} {day.strftime('%B')} {day.year}"
    digits = str.maketrans("0123456789", DIGITS[lang])
    return f"{str(day.day).translate(digits)} {MONTHS[lang].split()[day.month - 1]} {str(day.year).translate(digits)}"


def share_paths(article_path: str) -> dict[str, str]:
    """Where an article's drawn card sits, by size name: beside its page (``…/slug/share-og.png``)."""
    return {name: f"{article_path}share-{name}.png" for name in SIZES}


SITE_CARD = ""
"""The site's card sits at the site root (``share-og.png`` …), as an article's beside its page."""


def window(days: int) -> timedelta:
    """How long after its date a story has a card of its own."""
    return timedelta(days=days)


def recent(at: datetime, now: datetime | None, days: int) -> bool:
    """Whether a story dated ``at`` is drawn a card of its own at ``now`` (every story without a clock)."""
    return now is None or now < at + window(days)


def site_card(title: str, description: str, host: str, lang: str, direction: str, size) -> dict:
    """What one size of the site's card shows: its description (or name) as the headline,
    its name and address below."""
    return {
        "v": CARD_VERSION,
        "title": description or title,
        "section": "",
        "site": title,
        "date": host,
        "lang": lang,
        "dir": direction,
        "size": list(size),
    }


def card_key(context: dict) -> str:
    """The cache name of a card: the hash of everything it shows."""
    return digest(json.dumps(context, sort_keys=True, ensure_ascii=False).encode())


def render_card(context: dict, folder: Path | None) -> bytes:
    """The PNG bytes of one card, from the cache folder when drawn before."""
    key = card_key(context)
    cached = folder / f"{key}.png" if folder is not None else None
    if cached is not None:
        try:
            return cached.read_bytes()
        except OSError:
            pass
    data = draw_card(context)
    if cached is not None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            temp = cached.with_name(f"{cached.name}.{digest(data)[:8]}.tmp")
            temp.write_bytes(data)
            temp.replace(cached)
        except OSError:
            pass  # a cache that cannot be written costs time, not correctness
    return data


@cache
def _font(name: str, size: int):
    from PIL import ImageFont

    return ImageFont.truetype(str(FONTS / name), size, layout_engine=ImageFont.Layout.RAQM)


def _wrap(words: list[str], widths: list[float], space: float, scale: float, width: int) -> list[str]:
    """Words into lines no wider than ``width``, from their widths at the reference size."""
    lines: list[str] = []
    line: list[str] = []
    used = 0.0
    for word, w in zip(words, widths, strict=True):
        grown = used + (space if line else 0) + w
        if line and grown * scale > width:
            lines.append(" ".join(line))
            line, used = [word], w
        else:
            line.append(word)
            used = grown
    if line:
        lines.append(" ".join(line))
    return lines


REFERENCE = 100
"""Words are measured once at this size; a line's width at another size is in proportion
(words are shaped alone, spaces break every join), so fitting tries sizes without shaping again."""


def _fit_headline(title: str, names: tuple, rtl: bool, width: int, height: int):
    """The largest headline size (and its lines) that fits the box, down to a floor."""
    bold, _regular, language = names
    direction = "rtl" if rtl else "ltr"
    leading = 1.9 if language == "ur" else 1.25  # Nastaliq climbs and falls: more room between lines
    reference = _font(bold, REFERENCE)
    words = title.split() or [""]
    widths = [reference.getlength(w, direction=direction, language=language) for w in words]
    space = reference.getlength(" ", direction=direction, language=language)
    width = int(width * 0.97)  # rounding of hinted glyphs at the real size
    for size in (76, 68, 60, 54, 48, 42, 36):
        lines = _wrap(words, widths, space, size / REFERENCE, width)
        if len(lines) * size * leading <= height:
            return _font(bold, size), lines, size * leading
    lines = _wrap(words, widths, space, 36 / REFERENCE, width)
    keep = max(1, int(height // (36 * leading)))
    if len(lines) > keep:
        lines = lines[:keep]
        lines[-1] += " …"
    return _font(bold, 36), lines, 36 * leading


@cache
def _palette() -> tuple[int, ...]:
    """Grey level → colour between the card's red (0) and white (255)."""
    return tuple(round(b + (i / 255) * (i_ - b)) for i in range(256) for b, i_ in zip(BACKGROUND, INK, strict=True))


def draw_card(context: dict) -> bytes:
    """One size of a card: the 1200×630 drawing (:func:`_band`), centred on a taller red
    ground for the other sizes, as a palette PNG."""
    from PIL import Image

    width, height = context["size"]
    band = _band(json.dumps({k: v for k, v in context.items() if k != "size"}, sort_keys=True))
    if band.size == (width, height):
        image = band
    else:
        image = Image.new("L", (width, height), 0)
        image.paste(band, (0, (height - band.height) // 2))
    card = Image.frombytes("P", image.size, image.tobytes())
    card.putpalette(_palette())
    out = io.BytesIO()
    card.save(out, "PNG", compress_level=3)
    return out.getvalue()


@lru_cache(maxsize=4)
def _band(shown: str):
    """Draw a card's 1200×630 face once for its four sizes (they are rendered one after the
    other): the section on top, the headline in the middle, site name and date below.
    In grey levels (0 the red, 255 white), given a palette afterwards."""
    from PIL import Image, ImageDraw

    context = json.loads(shown)
    width, height = SIZES["og"]
    lang = base_lang(context["lang"])
    names = SCRIPT_FONTS.get(lang, LATIN_FONTS)
    rtl = context["dir"] == "rtl"
    direction = "rtl" if rtl else "ltr"
    language = names[2]
    image = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(image)
    margin = 72
    edge = width - margin if rtl else margin
    anchor = "ra" if rtl else "la"
    # Section and site name are shown as written (the site's names are English): Latin fonts for them.
    latin = _font(LATIN_FONTS[1], 30)
    if context["section"]:
        kicker = _font(LATIN_FONTS[0], 30)
        draw.text((edge, margin - 8), context["section"].upper(), font=kicker, fill=MUTED, anchor=anchor)
    draw.rectangle((margin, height - margin - 56, width - margin, height - margin - 53), fill=MUTED)
    font, lines, step = _fit_headline(context["title"], names, rtl, width - 2 * margin, height - 2 * margin - 150)
    top = (height - len(lines) * step) / 2
    for n, line in enumerate(lines):
        where = (edge, top + n * step)
        draw.text(where, line, font=font, fill=WHITE, anchor=anchor, direction=direction, language=language)
    foot = height - margin - 36
    site_anchor, date_anchor = ("ra", "la") if rtl else ("la", "ra")
    other = margin if rtl else width - margin
    draw.text((edge, foot), context["site"], font=latin, fill=WHITE, anchor=site_anchor)
    script = _font(names[1], 30) if lang in SCRIPT_FONTS else latin
    draw.text(
        (other, foot),
        context["date"],
        font=script,
        fill=MUTED,
        anchor=date_anchor,
        direction=direction,
        language=language,
    )
    return image


def site_icons(icon: str, static: Path, cache_folder: Path, where: str) -> tuple[dict[str, Path], list[ContentError]]:
    """The favicon set and raster logo, resized from ``icon`` (a site path in ``static/``):
    ``(output path → cached file, errors on site.yaml, at`` ``where``); nothing without an icon."""
    if not icon:
        return {}, []
    outputs, problems = _site_icons(icon, static, cache_folder)
    hint = "give a square PNG of 512×512 px or more in static/"
    return outputs, [ContentError(where, 0, problem, hint) for problem in problems]


def _site_icons(icon: str, static: Path, cache_folder: Path) -> tuple[dict[str, Path], list[str]]:
    site_path = local_path(icon)
    if site_path is None:
        return {}, [f"publisher.icon must be a file of static/ (/images/icon.png), not {icon}"]
    path = static / site_path
    try:
        data = path.read_bytes()
    except OSError as exc:
        return {}, [f"cannot read publisher.icon {icon}: {exc.strerror or exc}"]
    key = short_content_hash(data + CARD_VERSION.encode())
    folder = cache_folder / "icons" / key
    names = [*ICON_SIZES, FAVICON, LOGO]
    if not all((folder / name).is_file() for name in names):
        try:
            _make_icons(data, folder)
        except OSError as exc:
            return {}, [f"publisher.icon {icon}: {exc}"]
    return {name: folder / name for name in names}, []


def _make_icons(data: bytes, folder: Path) -> None:
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, ValueError) as exc:
        raise OSError(f"not a raster image Pillow can read ({exc})") from None
    image = image.convert("RGBA")
    if image.width != image.height or image.width < LOGO_SIZE:
        raise OSError(f"must be a square of at least {LOGO_SIZE}×{LOGO_SIZE} px, not {image.width}×{image.height}")
    folder.mkdir(parents=True, exist_ok=True)
    for name, size in {**ICON_SIZES, LOGO: LOGO_SIZE}.items():
        resized = image.resize((size, size), Image.Resampling.LANCZOS)
        if name == "apple-touch-icon.png":  # iOS draws transparency black
            flat = Image.new("RGBA", resized.size, (255, 255, 255, 255))
            resized = Image.alpha_composite(flat, resized)
        _atomic(folder / name, lambda f, im=resized: im.save(f, "PNG", optimize=True))
    _atomic(folder / FAVICON, lambda f: image.save(f, "ICO", sizes=[(16, 16), (32, 32), (48, 48)]))


def _atomic(target: Path, save) -> None:
    temp = target.with_name(target.name + ".tmp")
    with open(temp, "wb") as handle:
        save(handle)
    temp.replace(target)
