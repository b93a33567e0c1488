"""Responsive images: resize at build time, cache by content hash.

Every image an article uses (its ``image.src`` and each ``<img>`` of its body)
that lives in the static folder is resized with Pillow into a few widths, in
WebP and in its own format. The results are cached in a folder
(``.site-gen-cache/images/`` by default) under the hash of the source bytes,
so a rebuild only reads and hashes each source. A missing file is a
:class:`~site_gen.errors.ContentError` naming the article and the line.

:func:`process_images` does the I/O and returns plain views (``width``,
``height``, ``src``, ``srcset``, ``webp``) keyed by the image's site path,
and the files to add to the output; :func:`responsive_body` is pure and
rewrites a body's ``<img>`` tags with those views.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from markupsafe import Markup

from . import urls
from .errors import ContentError, display_path
from .hashing import short_content_hash
from .model import Article

WIDTHS = (160, 320, 640, 960, 1280)
"""Widths made for each image (never wider than the original)."""
FALLBACK_WIDTH = 640
"""Width of the plain ``src`` for browsers without ``srcset``."""
OUTPUT_FOLDER = "_img"
"""Folder of the output that holds resized images."""
PROCESS_VERSION = "2"
"""Bump when resizing or encoding changes, so cached files are remade."""
BODY_IMAGE_SIZES = "(min-width: 46rem) 42rem, calc(100vw - 2rem)"
"""``sizes`` of images in an article body (the reading column)."""
RESIZABLE = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}
_IMG_TAG = re.compile(r"<img\s[^>]*>")
_ATTR = re.compile(r'([a-zA-Z-]+)="([^"]*)"')


@dataclass
class ProcessedImages:
    """What :func:`process_images` found and made."""

    views: dict[str, dict] = field(default_factory=dict)
    """Site path of the source (``images/x.jpg``) → plain view for templates."""
    outputs: dict[str, Path] = field(default_factory=dict)
    """Output path (``_img/x-…-640.webp``) → cached file to copy."""
    errors: list[ContentError] = field(default_factory=list)
    processed: int = 0
    """Images resized in this run (not taken from the cache)."""


def local_path(src: str) -> str | None:
    """Site path of a site-relative image (``/images/x.jpg`` → ``images/x.jpg``); None for other URLs."""
    src = html.unescape(src.strip())
    if not src.startswith("/") or src.startswith("//"):
        return None
    path = unquote(src.split("?", 1)[0].split("#", 1)[0]).lstrip("/")
    return path if urls.is_safe_path(path) and path else None


def body_image_refs(body_html: str, body: str, body_line: int) -> tuple[tuple[str, int], ...]:
    """Each local image of a rendered body, with the line of the source file that names it; pure."""
    refs: list[tuple[str, int]] = []
    for tag in _IMG_TAG.findall(body_html):
        src = dict(_ATTR.findall(tag)).get("src", "")
        path = local_path(src)
        if not path:
            continue
        raw = html.unescape(src)
        at = body.find(raw)
        if at < 0:
            at = body.find(path)
        refs.append((path, body_line + (body[:at].count("\n") if at >= 0 else 0)))
    return tuple(refs)


def image_refs(article: Article) -> list[tuple[str, int]]:
    """Each local image an article uses, with the line that names it."""
    refs: list[tuple[str, int]] = []
    if article.image and article.image.src and local_path(article.image.src):
        refs.append((local_path(article.image.src), article.lines.get("image", 1)))
    return refs + list(article.body_images)


def process_images(
    articles, static: Path, cache: Path, base_path: str = "/", root: Path | None = None
) -> ProcessedImages:
    """Resize every local image the articles use; gather every missing or unreadable file."""
    result = ProcessedImages()
    for article in articles:
        for path, line in image_refs(article):
            if path in result.views:
                continue
            source = static / path
            if not source.is_file():
                result.errors.append(
                    ContentError(
                        article.source,
                        line,
                        f"image not found: /{path}",
                        f"put the file at {display_path(source, root)} or fix the path",
                    )
                )
                continue
            try:
                view, outputs, made = _process_one(path, source, cache, base_path)
            except OSError as exc:
                result.errors.append(ContentError(article.source, line, f"cannot read image /{path}: {exc}"))
                continue
            result.views[path] = view
            result.outputs.update(outputs)
            result.processed += made
        _add_share_crops(article, static, cache, base_path, result)
    return result


SHARE_CROPS = {"og": (1200, 630), "16x9": (1200, 675), "4x3": (1200, 900), "1x1": (1200, 1200)}
"""The share images cut from an article's photo (see :mod:`site_gen.share`)."""
SHARE_VERSION = "1"


def share_photo(article: Article, views: dict[str, dict]) -> str | None:
    """The image an article is shared with: its own photo, else the first image of its body
    (a raster one, of a known size); None when it has none (a drawn card stands in)."""
    for path, _line in image_refs(article):
        view = views.get(path)
        if view is not None and view.get("width"):
            return path
    return None


def _add_share_crops(article: Article, static: Path, cache: Path, base_path: str, result: ProcessedImages) -> None:
    """The share sizes of an article's photo, cropped to fill (and enlarged when smaller)."""
    path = share_photo(article, result.views)
    view = result.views.get(path) if path else None
    if view is None or "share" in view:
        return
    data = (static / path).read_bytes()
    key = short_content_hash(data + SHARE_VERSION.encode())
    folder = f"{OUTPUT_FOLDER}/{Path(path).parent.as_posix()}/".replace("/./", "/")
    crops = {}
    for name, (w, h) in SHARE_CROPS.items():
        cached = cache / f"{key}-share-{name}.jpg"
        if not cached.is_file():
            _crop(data, (w, h), cached)
        rel = f"{folder}{Path(path).stem}-{key[:8]}-share-{name}.jpg"
        result.outputs[rel] = cached
        crops[name] = {"path": rel, "width": w, "height": h}
    result.views[path] = dict(view, share=crops)


def _crop(data: bytes, size: tuple[int, int], target: Path) -> None:
    import io

    from PIL import Image, ImageOps

    image = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
    if image.mode in ("RGBA", "LA", "P"):  # a diagram drawn on transparency: on white
        image = image.convert("RGBA")
        flat = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(flat, image)
    target.parent.mkdir(parents=True, exist_ok=True)
    _save(ImageOps.fit(image.convert("RGB"), size, Image.Resampling.LANCZOS), target, "jpg")


def _process_one(path: str, source: Path, cache: Path, base_path: str) -> tuple[dict, dict[str, Path], int]:
    if source.suffix.lower() == ".svg":  # drawn at any size: used as it is
        return {"width": None, "height": None, "src": urls.href(base_path, path), "srcset": "", "webp": ""}, {}, 0
    data = source.read_bytes()
    key = short_content_hash(data + PROCESS_VERSION.encode())
    meta_file = cache / f"{key}.json"
    made = 0
    meta = _read_meta(meta_file)
    if meta is None or not all((cache / name).is_file() for name in meta["files"].values()):
        meta = _resize(data, key, cache)
        made = 1
    stem = Path(path).stem
    folder = f"{OUTPUT_FOLDER}/{Path(path).parent.as_posix()}/".replace("/./", "/")
    outputs: dict[str, Path] = {}
    original = urls.href(base_path, path)
    view = {"width": meta["width"], "height": meta["height"], "src": original, "srcset": "", "webp": ""}
    if not meta["files"]:  # a format kept as it is (GIF, SVG …)
        return view, outputs, made
    plain, webp = [], []
    for name, width in sorted(((n, int(n.split("-")[1].split(".")[0])) for n in meta["files"]), key=lambda x: x[1]):
        ext = name.rsplit(".", 1)[1]
        rel = f"{folder}{stem}-{key[:8]}-{width}.{ext}"
        outputs[rel] = cache / meta["files"][name]
        link = f"{urls.href(base_path, rel)} {width}w"
        (plain if ext == meta["ext"] else webp).append((width, link))
    view["srcset"] = ", ".join(link for _, link in plain)
    view["webp"] = ", ".join(link for _, link in webp)
    fallback = min((w for w, _ in plain), key=lambda w: (w < FALLBACK_WIDTH, abs(w - FALLBACK_WIDTH)))
    view["src"] = urls.href(base_path, f"{folder}{stem}-{key[:8]}-{fallback}.{meta['ext']}")
    return view, outputs, made


def _read_meta(meta_file: Path) -> dict | None:
    try:
        meta = json.loads(meta_file.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) and {"width", "height", "files", "format", "ext"} <= set(meta) else None


def _resize(data: bytes, key: str, cache: Path) -> dict:
    """Make every width of one image into the cache; returns its metadata."""
    import io

    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, ValueError) as exc:
        raise OSError(f"not an image Pillow can read ({exc})") from None
    fmt = image.format or ""
    image = ImageOps.exif_transpose(image)
    width, height = image.size
    cache.mkdir(parents=True, exist_ok=True)
    files: dict[str, str] = {}
    ext = RESIZABLE.get(fmt, ("", ""))[0]
    if fmt in RESIZABLE and not getattr(image, "is_animated", False):
        widths = sorted({w for w in WIDTHS if w < width} | {min(width, WIDTHS[-1])})
        for w in widths:
            h = max(1, round(height * w / width))
            resized = image if w == width else image.resize((w, h), Image.Resampling.LANCZOS)
            for out_ext in dict.fromkeys((ext, "webp")):
                name = f"{key}-{w}.{out_ext}"
                _save(resized, cache / name, out_ext)
                files[f"{out_ext}-{w}.{out_ext}"] = name
        if ext != "webp" and _total(cache, files, "webp") >= _total(cache, files, ext):
            files = {k: v for k, v in files.items() if not k.startswith("webp-")}  # WebP would cost more
    meta = {"width": width, "height": height, "format": fmt, "ext": ext, "files": files}
    temp = cache / f"{key}.json.tmp"
    temp.write_text(json.dumps(meta, sort_keys=True), "utf-8")
    temp.replace(cache / f"{key}.json")
    return meta


def _total(cache: Path, files: dict[str, str], ext: str) -> int:
    return sum((cache / name).stat().st_size for key, name in files.items() if key.startswith(ext + "-"))


def _save(image, target: Path, ext: str) -> None:
    temp = target.with_name(target.name + ".tmp")
    if ext == "jpg":
        image.convert("RGB").save(temp, "JPEG", quality=80, optimize=True, progressive=True)
    elif ext == "png":
        image.save(temp, "PNG", optimize=True)
    else:
        image.save(temp, "WEBP", quality=75, method=4)
    temp.replace(target)


def responsive_body(body: str, views: dict[str, dict], sizes: str) -> str:
    """A body's HTML with each local ``<img>`` made responsive and lazy
    (:func:`site_gen.render.body_picture`, the site's one ``<picture>`` markup); pure."""
    if not views or "<img" not in body:
        return body
    from .render import body_picture  # render imports this module

    def swap(match: re.Match) -> str:
        attrs = dict(_ATTR.findall(match.group(0)))
        path = local_path(attrs.get("src", ""))
        view = views.get(path) if path else None
        if view is None:
            return match.group(0)
        title = Markup(attrs["title"]) if "title" in attrs else None  # as the body wrote it
        return body_picture(view, html.unescape(attrs.get("alt", "")), sizes, title)

    return _IMG_TAG.sub(swap, body)
