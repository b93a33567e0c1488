"""site_gen: a static site generator for a regional news bulletin.

Modules, each importing only modules above it in this list:

- ``errors``      ContentError (``path:line: message — hint``), BuildFailed
- ``hashing``     the two hash rules: content_hash (from outside), digest (what a build makes)
- ``options``     BuildOptions (what a build is asked) and BuildReport (what it did)
- ``parallel``    worker processes (forked), default job count
- ``cache``       the SQLite cache of incremental builds
- ``sources``     which files are content, their names, reading their text (no parser)
- ``dates``       how dates are read and shown (site time zone)
- ``yamlload``    safe YAML with line numbers
- ``config``      frozen Config from ``site.yaml``
- ``i18n``        the theme's words: gettext catalogues compiled with Babel; ``make messages``
- ``model``       frozen dataclasses: Article, Term, Period, Site; no I/O
- ``urls``        URL, slug and output-path rules
- ``frontmatter`` split front matter from body
- ``markdown``    the configured Markdown renderer (markdown-it-py); the limits checked before it
- ``images``      responsive images: resize with Pillow, cache by content hash
- ``share``       share images (drawn cards, shipped fonts), favicons, raster logo
- ``wire``        wire copy (pasted news text) → front matter + Markdown; pure
- ``load``        ``content/`` → Articles, with all errors gathered
- ``identities``  what a page reads, by name; which names an edit changes
- ``collect``     Articles → Site (publishing, order, taxonomies, archives, related)
- ``metadata``    OpenGraph, Twitter card and schema.org JSON-LD views of a page
- ``feeds``       Atom, RSS and JSON Feed views; stable entry ids
- ``sitemaps``    sitemap (index past the limit), Google News sitemap, robots.txt
- ``plan``        Site → Pages (path + template + plain context)
- ``embargo``     photos in static/images/ that only drafts or scheduled stories use
- ``check``       editors' checks (links, tags, URLs, dates…): problems with a severity
- ``write``       safe, atomic, only-changed writes into the output folder
- ``render``      Jinja2 environment; the one place that knows about escaping
- ``folders``     the output and cache folders a build may use
- ``rendering``   fingerprints; the changed pages rendered, in workers when many
- ``rebuild``     what a build keeps for the next, and the rebuild that plans only what changed
- ``build``       load → collect → plan → render → write
- ``search``      index the built site with Pagefind (``build --search``)
- ``digest``      ``site-gen digest``: the day's stories as an e-mail (HTML, text, .eml)
- ``history``     published URLs at a git commit that the content would lose (``check``)
- ``new``         ``site-gen new``: a new article file
- ``importer``    ``site-gen import``: wire copy files → article files
- ``serve``       live-reload preview
- ``cli``         argument parsing; the only place that prints or exits
"""

__version__ = "0.1.0"
