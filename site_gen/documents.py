"""Word documents and saved web pages → :class:`~site_gen.wire.Block` lists; pure (bytes in, data out).

A ``.docx`` goes through mammoth (with :data:`STYLE_MAP`), a saved ``.html`` page through
trafilatura, which keeps the article and drops navigation, share buttons, "related" boxes,
ads, scripts and comments. Both give HTML that nh3 sanitises down to :data:`TAGS`, then
each block element becomes one :class:`Block`: its plain text for the wire rules
(:func:`site_gen.wire.convert_blocks`), its Markdown (html-to-markdown) for the body.
Nothing in a document is executed, fetched or evaluated: pictures inside a ``.docx`` come
back as bytes (:class:`Picture`) for the importer to save; images of a page stay links.
Problems that stop the import raise :class:`~site_gen.errors.ContentError`.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from .errors import ContentError
from .wire import Block

MAX_DOCUMENT_BYTES = 25_000_000
"""Largest ``.docx`` or ``.html`` read (a Word file with a few photos is 1–10 MB)."""
MAX_UNPACKED_BYTES = 100_000_000
"""Largest sum of the uncompressed sizes of a ``.docx``'s parts: past it, a zip bomb."""
MAX_PARTS = 2_000
"""Most parts a ``.docx`` may hold."""
PICTURE_PREFIX = "site-gen-picture:"
"""The address of picture N in Markdown until the importer saves it (``site-gen-picture:1``)."""

STYLE_MAP = """
p[style-name='Title'] => h1:fresh
p[style-name='Subtitle'] => p.standfirst:fresh
p[style-name='Heading 1'] => h2:fresh
p[style-name='Heading 2'] => h3:fresh
p[style-name='Heading 3'] => h4:fresh
p[style-name='Quote'] => blockquote > p:fresh
p[style-name='Intense Quote'] => blockquote > p:fresh
p[style-name='Caption'] => figcaption:fresh
"""
"""mammoth's style map: Word's Title is the headline, Heading 1–3 become ``##``–``####`` (the
page's ``#`` is the headline), Quote a block quote, Caption a picture's caption."""

TAGS = {
    *[
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "strong",
        "b",
        "em",
        "i",
        "u",
        "a",
        "ul",
        "ol",
        "li",
        "blockquote",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    ],
    *["figure", "figcaption", "img", "br", "hr", "sup", "sub"],
}
"""What survives sanitising: the structure an article needs, no scripts, styles, forms or frames."""
ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt"}, "th": {"colspan", "rowspan"}, "td": {"colspan", "rowspan"}}
_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "table", "figure", "hr"}
_ARTICLE_TEXT = 80
"""Fewest characters of text that make a page an article."""


@dataclass(frozen=True)
class Picture:
    """A picture embedded in a Word document."""

    number: int
    """1-based, in document order; its Markdown address is ``site-gen-picture:N``."""
    data: bytes
    extension: str
    """``.png``, ``.jpg``, …"""
    alt: str
    """Alt text from the document (``""`` when it has none)."""


@dataclass
class Document:
    """A document read into blocks."""

    blocks: list[Block]
    pictures: list[Picture] = field(default_factory=list)
    lead: Picture | None = None
    """The first picture: the article's ``image:`` (left out of the body)."""
    lead_src: str = ""
    """The lead image's address when it is a link (a page's ``og:image``)."""
    lead_alt: str = ""
    source: str = ""
    """The page's own address (``<link rel="canonical">`` or ``og:url``)."""
    warnings: list[ContentError] = field(default_factory=list)


# -- Word --------------------------------------------------------------------
def read_docx(data: bytes, where: str) -> Document:
    """A ``.docx`` file's blocks and pictures; refuses encrypted, macro, corrupt and oversized files."""
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ContentError(where, 0, "the document is password-protected, or an old Word 97–2003 .doc", _SAVE_AS_DOCX)
    archive = _open_docx(data, where)
    names = set(archive.namelist())
    if "word/vbaProject.bin" in names or b"macroEnabled" in archive.read("[Content_Types].xml"):
        raise ContentError(where, 0, "the document holds macros (.docm)", "save it as a plain Word document (.docx)")
    warnings = []
    body = archive.read("word/document.xml")
    if re.search(rb"<w:(?:ins|del|moveFrom|moveTo)\b", body):
        warnings.append(
            ContentError(
                where,
                0,
                "the document has tracked changes that were not accepted; imported with insertions kept "
                "and deletions left out",
                "check the text, or accept all changes in Word and import it again",
                "warning",
            )
        )
    import mammoth

    pictures: list[Picture] = []

    def picture(image) -> dict[str, str]:
        with image.open() as stream:
            content = stream.read(MAX_UNPACKED_BYTES + 1)
        kind = (image.content_type or "").split("/")[-1].lower()
        extension = {"jpeg": ".jpg", "jpg": ".jpg", "png": ".png", "gif": ".gif", "webp": ".webp"}.get(kind, "")
        if not extension:
            warnings.append(
                ContentError(where, 0, f"a picture of type {kind or 'unknown'} was left out", _PICTURE_HINT)
            )
            return {"src": "", "alt": ""}
        pictures.append(Picture(len(pictures) + 1, content, extension, " ".join((image.alt_text or "").split())))
        return {"src": f"{PICTURE_PREFIX}{len(pictures)}"}

    try:
        converted = mammoth.convert_to_html(
            io.BytesIO(data), style_map=STYLE_MAP, convert_image=mammoth.images.img_element(picture)
        )
    except Exception as exc:  # mammoth's own errors, and XML it cannot read
        raise ContentError(where, 0, f"the document cannot be read ({type(exc).__name__})", _SAVE_AS_DOCX) from None
    document = blocks_of_html(converted.value)
    document.pictures = pictures
    document.warnings = warnings + document.warnings
    _take_lead_picture(document)
    return document


_SAVE_AS_DOCX = "open it in Word and save it again as a .docx without a password"
_PICTURE_HINT = "save pictures as JPEG or PNG in the document"


def _open_docx(data: bytes, where: str) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ContentError(where, 0, "the document is damaged (not a readable .docx)", _SAVE_AS_DOCX) from None
    if len(parts) > MAX_PARTS or sum(p.file_size for p in parts) > MAX_UNPACKED_BYTES:
        raise ContentError(
            where,
            0,
            f"the document unpacks to more than {MAX_UNPACKED_BYTES:,} bytes",
            "is it really a story? a zip bomb is refused",
        )
    names = {p.filename for p in parts}
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        raise ContentError(where, 0, "the document is damaged (no word/document.xml in it)", _SAVE_AS_DOCX)
    if any(p.flag_bits & 0x1 for p in parts):
        raise ContentError(where, 0, "the document is password-protected", _SAVE_AS_DOCX)
    return archive


def _take_lead_picture(document: Document) -> None:
    """The first picture becomes the lead image; a caption or italic line beside it, its caption."""
    for index, block in enumerate(document.blocks):
        if block.kind != "picture":
            continue
        number = int(block.markdown.split(PICTURE_PREFIX, 1)[1].split(")", 1)[0])
        document.lead = document.pictures[number - 1]
        del document.blocks[index]
        for near in (index, index - 1):  # the line below the picture, else the one above
            if 0 <= near < len(document.blocks) and document.blocks[near].kind in ("caption", "italic"):
                old = document.blocks[near]
                document.blocks[near] = Block(old.text, old.markdown, "caption")
                break
        return


# -- web pages -----------------------------------------------------------------
def read_html(data: bytes, where: str) -> Document:
    """A saved page's article: trafilatura finds it; its metadata gives title, author, date, image, URL."""
    import trafilatura
    from lxml import html as lxml_html

    text = _decode_html(data)
    try:
        tree = lxml_html.document_fromstring(text)
    except Exception:  # lxml's parser errors (an empty or non-HTML file)
        raise ContentError(
            where, 0, "the page cannot be read as HTML", "save the page again as “Web page, HTML only”"
        ) from None
    source = _page_url(tree)
    extracted = trafilatura.bare_extraction(
        text,
        url=source or None,
        output_format="python",
        include_images=True,
        include_tables=True,
        include_links=True,
        include_formatting=True,
        with_metadata=True,
        include_comments=False,
    )
    body = getattr(extracted, "text", "") if extracted is not None else ""
    if extracted is None or len(" ".join((body or "").split())) < _ARTICLE_TEXT:
        raise ContentError(
            where, 0, "no article text found in the page", "save the story's own page, not a front or list page"
        )
    article_html = (
        trafilatura.extract(
            text,
            url=source or None,
            output_format="html",
            include_images=True,
            include_tables=True,
            include_links=True,
            include_formatting=True,
            include_comments=False,
        )
        or ""
    )
    document = blocks_of_html(article_html, base=source)
    head: list[Block] = []
    title = " ".join((extracted.title or "").split())
    if title:
        document.blocks = [b for b in document.blocks if not (b.kind == "title" or b.text == title)]
        head.append(Block(title, "", "title"))
    if extracted.author:
        head.append(Block(f"By {extracted.author.replace(';', ' and ')}"))
    if extracted.date:
        head.append(Block(extracted.date))
    document.blocks = head + document.blocks
    document.source = source
    image = extracted.image or ""
    if image and urlsplit(image).scheme in ("http", "https"):
        document.lead_src = image  # linked, never downloaded
        for img in tree.iter("img"):
            if urljoin(source, (img.get("src") or "").strip()) != image:
                continue
            document.lead_alt = " ".join((img.get("alt") or "").split())
            caption = img.xpath("ancestor::figure[1]//figcaption")
            if caption and caption[0].text_content().strip():
                document.blocks.append(Block(caption[0].text_content(), "", "caption"))
            break
    document.blocks = [b for b in document.blocks if b.kind != "picture" or document.lead_src not in b.markdown]
    local = [
        img.get("src") for img in tree.iter("img") if urlsplit(img.get("src") or "").scheme not in ("http", "https")
    ]
    for src in local[:3]:
        document.warnings.append(
            ContentError(where, 0, f"the picture {src} is a file saved with the page; left out", _LOCAL_HINT, "warning")
        )
    return document


_LOCAL_HINT = "put it in static/images/ and add it by hand if the story needs it"


def _decode_html(data: bytes) -> str:
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        return str(best) if best is not None else data.decode("cp1252", "replace")


def _page_url(tree) -> str:
    """The page's own address: ``<link rel="canonical">``, else ``og:url``; http(s) only."""
    for xpath in ('//link[@rel="canonical"]/@href', '//meta[@property="og:url"]/@content'):
        for value in tree.xpath(xpath):
            value = value.strip()
            if urlsplit(value).scheme in ("http", "https") and urlsplit(value).netloc:
                return value
    return ""


# -- shared: sanitised HTML → blocks ---------------------------------------------
def blocks_of_html(markup: str, base: str = "") -> Document:
    """Sanitise ``markup`` with nh3 and cut it into one :class:`Block` per block element."""
    import nh3
    from lxml import html as lxml_html

    clean = nh3.clean(
        markup,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto", PICTURE_PREFIX.rstrip(":")},
        link_rel=None,
        strip_comments=True,
    )
    document = Document([])
    if not clean.strip():
        return document
    root = lxml_html.fragment_fromstring(clean, create_parent="div")
    if root.text and root.text.strip():
        document.blocks.append(Block(root.text.strip(), to_markdown(_escape(root.text.strip()))))
    for element in root:
        document.blocks += _blocks_of(element, base, document)
        tail = (element.tail or "").strip()
        if tail:
            document.blocks.append(Block(tail, to_markdown(f"<p>{_escape(tail)}</p>")))
    return document


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _blocks_of(element, base: str, document: Document) -> list[Block]:
    from lxml import etree

    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in ("div", "section", "article", "main", "body"):
        return [b for child in element for b in _blocks_of(child, base, document)]
    for img in element.iter("img"):
        src = (img.get("src") or "").strip()
        if src and (src.startswith(PICTURE_PREFIX) or urlsplit(src).scheme in ("http", "https")):
            img.set("src", src)
        else:  # a page's file saved beside it, or an address that goes nowhere: never fetched
            img.drop_tree()
    text = " ".join(element.text_content().split())
    pictures = [img for img in element.iter("img")]
    if tag == "figure" or (pictures and not text):
        blocks = []
        for img in pictures:
            alt = " ".join((img.get("alt") or "").split())
            blocks.append(Block(alt or "picture", f"![{_md_text(alt)}]({img.get('src')})", "picture"))
        caption = element.find(".//figcaption")
        if caption is not None and caption.text_content().strip():
            blocks.append(Block(" ".join(caption.text_content().split()), "", "caption"))
        return blocks
    if not text:
        return []
    if tag == "figcaption":
        return [Block(text, "", "caption")]
    if tag == "h1":
        return [Block(text, "", "title")]
    html = etree.tostring(element, encoding="unicode", with_tail=False)
    kind = "paragraph"
    if tag == "p" and len(element) == 1 and element[0].tag in ("em", "i") and not (element.text or "").strip():
        kind = "italic"  # a caption, when it stands beside a picture
    markdown = to_markdown(html)
    if tag == "p" and not pictures and markdown == _md_text(text):
        markdown = ""  # plain text: the wire rules escape and render it as they do for .txt copy
    return [Block(text, markdown, kind)]


def _md_text(text: str) -> str:
    from .wire import escape_inline

    return escape_inline(text)


def to_markdown(html: str) -> str:
    """Markdown of sanitised HTML, text shown as typed (``*``, ``_`` and ``<`` escaped)."""
    import html_to_markdown

    options = html_to_markdown.ConversionOptions(
        heading_style="atx", bullets="-", escape_asterisks=True, escape_underscores=True, escape_misc=True
    )
    return html_to_markdown.convert(html, options).content.strip()
