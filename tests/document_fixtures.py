"""The Word and web page fixture cases, in the wire fixture style.

``tests/fixtures/docx/NAME.md`` is the article the importer must write for the document that
:data:`DOCX` builds with python-docx (tests make the files; none is stored), ``NAME.log`` what
it must report; ``tests/fixtures/html/NAME.html`` is a saved page beside its ``NAME.md`` and
``NAME.log``. After an intended change rewrite them with ``python -m tests.document_fixtures``
and review the diff. All text is original; the people are made up.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from site_gen.importer import ImportOptions, convert_document
from tests.wire_fixtures import TODAY, report

ROOT = Path(__file__).parent / "fixtures"
DOCX_FOLDER = ROOT / "docx"
HTML_FOLDER = ROOT / "html"


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 140, 90)).save(out, "PNG")
    return out.getvalue()


PNG = _png()
"""A small PNG, the picture of the documents that have one."""


def _document(*steps: Callable) -> bytes:
    import docx

    document = docx.Document()
    for step in steps:
        step(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def para(text: str, style: str | None = None, bold: str = "", italic: str = ""):
    """A paragraph; ``bold`` / ``italic`` name a part of ``text`` to format."""

    def add(document):
        paragraph = document.add_paragraph(style=style)
        rest = text
        for part, kind in ((bold, "bold"), (italic, "italic")):
            if part and part in rest:
                before, after = rest.split(part, 1)
                paragraph.add_run(before)
                run = paragraph.add_run(part)
                setattr(run, kind, True)
                rest = after
        paragraph.add_run(rest)

    return add


def title(text: str):
    return para(text, "Title")


def picture(alt: str = ""):
    def add(document):
        from docx.shared import Inches

        document.add_picture(io.BytesIO(PNG), width=Inches(1))
        if alt:
            document.inline_shapes[-1]._inline.docPr.set("descr", alt)

    return add


def table(rows: list[list[str]]):
    def add(document):
        grid = document.add_table(rows=len(rows), cols=len(rows[0]))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value

    return add


def link(before: str, text: str, url: str, after: str):
    def add(document):
        from docx.opc.constants import RELATIONSHIP_TYPE
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        paragraph = document.add_paragraph(before)
        rid = document.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        hyperlink = OxmlElement("w:hyperlink")
        hyperlink.set(qn("r:id"), rid)
        run = OxmlElement("w:r")
        t = OxmlElement("w:t")
        t.text = text
        run.append(t)
        hyperlink.append(run)
        paragraph._p.append(hyperlink)
        paragraph.add_run(after)

    return add


def tracked(kept: str, inserted: str, deleted: str):
    """A paragraph with an unaccepted insertion and deletion."""

    def add(document):
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        paragraph = document.add_paragraph(kept)
        for tag, text in (("w:ins", inserted), ("w:del", deleted)):
            change = OxmlElement(tag)
            change.set(qn("w:id"), "1" if tag == "w:ins" else "2")
            change.set(qn("w:author"), "Desk")
            run = OxmlElement("w:r")
            t = OxmlElement("w:delText" if tag == "w:del" else "w:t")
            t.text = text
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            run.append(t)
            change.append(run)
            paragraph._p.append(change)

    return add


DOCX: dict[str, list[Callable]] = {
    "01-title-byline-dateline": [
        title("Peshawar traders call off strike after talks with district officials"),
        para("By Saima Khattak"),
        para("July 22, 2025"),
        para(
            "PESHAWAR: Traders of Qissa Khwani Bazaar called off their three-day strike on Tuesday after the district administration agreed to delay the new parking fee.",
            bold="PESHAWAR:",
        ),
        para(
            "The president of the traders’ association, Gul Rehman Afridi, said the fee would be discussed again after Muharram."
        ),
        para("Shops reopened by noon, and the bazaar was crowded by the evening."),
    ],
    "02-headings-lists-emphasis": [
        title("What the new Khyber Pakhtunkhwa school calendar changes"),
        para("Web Desk"),
        para("July 23, 2025"),
        para(
            "PESHAWAR: The provincial education department has issued a new calendar for government schools, with a shorter winter break in the south.",
            italic="shorter winter break",
        ),
        para("Summer break", "Heading 1"),
        para("Schools in the plains close on June 1 and reopen on August 14.", "List Bullet"),
        para("Schools in the hills close on July 1 and reopen on September 1.", "List Bullet"),
        para("Steps for parents", "Heading 2"),
        para("Collect the new timetable from the school office.", "List Number"),
        para("Check the examination dates on the notice board.", "List Number"),
        para("The department said the change follows two years of heatwaves in May.", bold="two years of heatwaves"),
    ],
    "03-table-and-photo": [
        title("Wheat procurement targets set for four districts"),
        para("By Arif Jadoon"),
        para("July 24, 2025"),
        picture("Sacks of wheat stacked in a government store"),
        para("Sacks of wheat at the Mardan food store — File photo", "Caption"),
        para(
            "MARDAN: The food department has set procurement targets for the new crop in four districts of the province."
        ),
        table(
            [
                ["District", "Target (tonnes)"],
                ["Mardan", "40,000"],
                ["Charsadda", "32,000"],
                ["Swabi", "28,000"],
                ["Nowshera", "15,000"],
            ]
        ),
        para("The department will buy at the support price announced in April."),
    ],
    "04-urdu": [
        title("ایبٹ آباد میں سیاحوں کے لیے نئی پارکنگ کھول دی گئی"),
        para("ویب ڈیسک"),
        para("24 جولائی 2025"),
        para(
            "ایبٹ آباد: ضلعی انتظامیہ نے شملہ پہاڑی کے قریب سیاحوں کی گاڑیوں کے لیے نئی پارکنگ کھول دی ہے جس میں چار سو گاڑیاں کھڑی ہو سکیں گی۔"
        ),
        para("یہ بھی پڑھیں: گلیات میں ٹریفک کا نیا منصوبہ"),
        para("ڈپٹی کمشنر فرحانہ اعوان نے کہا کہ پارکنگ کی فیس پچاس روپے ہوگی۔"),
        para("پارکنگ سے شملہ پہاڑی تک شٹل بس بھی چلائی جائے گی۔", bold="شٹل بس"),
    ],
    "05-tracked-changes": [
        title("Swat river tourism ban extended for another week"),
        para("Staff Reporter"),
        para("July 25, 2025"),
        para(
            "MINGORA: The district administration has extended the ban on bathing and boating in the Swat river for another week."
        ),
        tracked("The ban was first imposed ", "after the floods of last month.", "on July 1."),
        para("Hotels along the river said bookings had fallen by half."),
    ],
    "06-quote-and-link": [
        title("Kohat tunnel to close at night for repairs"),
        para("By Nadia Bangash"),
        para("July 26, 2025"),
        para(
            "KOHAT: The National Highway Authority will close the Kohat tunnel from 11pm to 5am for two weeks from Monday."
        ),
        para(
            "“The lining of the tunnel needs urgent work, and traffic will use the old road at night,” the authority’s regional manager said.",
            "Quote",
        ),
        link("The full ", "traffic plan", "https://example.org/kohat-traffic-plan", " is on the authority’s website."),
        para("Also Read: Indus Highway repairs to finish by August"),
        para("Transporters asked for the work to be done in daytime instead."),
    ],
    "07-picture-without-alt-and-italic-caption": [
        title("Chitral apricot growers find new buyers in Lahore"),
        para("By Zubair Chitrali"),
        para("July 27, 2025"),
        picture(),
        para("Dried apricots laid out on a roof in Booni", italic="Dried apricots laid out on a roof in Booni"),
        para(
            "CHITRAL: Apricot growers in upper Chitral have sold their first consignment of dried fruit directly to a Lahore wholesaler, cutting out two middlemen."
        ),
        para("The growers’ cooperative said prices were a third higher than last year."),
    ],
    "08-first-paragraph-headline-no-styles": [
        para("Bannu police open a women’s complaint desk"),
        para("Sun Jul 27 2025"),
        para("icon-facebook icon-twitter icon-whatsapp"),
        para(
            "BANNU: The district police have opened a complaint desk run by women officers at the city police station."
        ),
        para("The desk will stay open from 9am to 5pm every day except Sunday."),
        para("Published in The Frontier Bulletin, July 27th, 2025"),
    ],
}


def build_docx(name: str) -> bytes:
    return _document(*DOCX[name])


def html_names() -> list[str]:
    return sorted(p.stem for p in HTML_FOLDER.glob("*.html"))


OPTIONS = ImportOptions(content=Path("/nonexistent/content"), today=TODAY)


def convert_docx_case(name: str):
    return convert_document("docx", build_docx(name), f"{name}.docx", OPTIONS)[0]


def convert_html_case(name: str):
    return convert_document("html", (HTML_FOLDER / f"{name}.html").read_bytes(), f"{name}.html", OPTIONS)[0]


def expected(folder: Path, name: str) -> tuple[str, str]:
    log = folder / f"{name}.log"
    return (folder / f"{name}.md").read_text(encoding="utf-8"), log.read_text(encoding="utf-8") if log.exists() else ""


def zip_of(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def rewrite() -> None:
    for folder, names, convert in (
        (DOCX_FOLDER, sorted(DOCX), convert_docx_case),
        (HTML_FOLDER, html_names(), convert_html_case),
    ):
        folder.mkdir(parents=True, exist_ok=True)
        for name in names:
            result = convert(name)
            (folder / f"{name}.md").write_text(result.document(), encoding="utf-8")
            log = folder / f"{name}.log"
            text = report(result)
            if text:
                log.write_text(text, encoding="utf-8")
            else:
                log.unlink(missing_ok=True)
            print(f"{folder.name}/{name}: {result.front_matter['slug']}")


if __name__ == "__main__":
    rewrite()
