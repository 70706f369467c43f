"""The PDF of an invoice or credit note, rendered with fpdf2 from the Invoice row alone.

Everything printed was copied onto the row at issue (seller, buyer, lines, totals), so the same row always
gives the same document. fpdf2's built-in fonts know Latin-1 only; buyers are called Łukasz, Čech or
Ødegård, so the text is set in Source Sans Pro (SIL Open Font License), which covers Latin, Greek and
Cyrillic and comes from the pinned PyPI package font-source-sans-pro: no system font is needed.
"""

import datetime as dt
from decimal import Decimal
from functools import cache

import font_source_sans_pro
from babel.dates import format_date
from django.conf import settings
from django.utils import timezone
from django_countries import countries
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos
from fpdf.fonts import FontFace

from rostrum.registration.enums import InvoiceKind
from rostrum.registration.models import Invoice, money_display

FONT = "SourceSans"
GREY = (90, 90, 90)
# Printed with a reverse charge line, so the buyer's accountant sees the legal basis.
REVERSE_CHARGE_BASIS = "Article 196 of Council Directive 2006/112/EC"


@cache
def _font_files() -> dict[str, str]:
    files = font_source_sans_pro.font_files_ttf
    return {"": files["SourceSansPro"], "B": files["SourceSansProBold"]}


def _date(value: dt.datetime | str) -> str:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return format_date(timezone.localtime(value).date(), format="long", locale=settings.LANGUAGE_CODE)


def _money(amount, currency: str) -> str:
    return money_display(Decimal(amount), currency)


def _rate(rate: str) -> str:
    return f"{Decimal(rate).normalize():f} %"


def _country(code: str) -> str:
    return str(countries.name(code)) or code if code else ""


def _party_lines(party: dict) -> list[str]:
    lines = [party.get("organisation", ""), *party.get("address", "").splitlines()]
    lines.append(_country(party.get("country", "")))
    if party.get("vat_id"):
        lines.append(f"VAT number: {party['vat_id']}")
    if party.get("email"):
        lines.append(party["email"])
    return [line for line in lines if line.strip()]


def _tax_notes(invoice: Invoice) -> list[str]:
    notes = []
    for line in invoice.lines:
        note = line.get("tax_note", "")
        if note.lower().startswith("reverse charge"):
            note = f"{note} ({REVERSE_CHARGE_BASIS})."
            if invoice.buyer.get("vat_id"):
                note += f" Buyer's VAT number: {invoice.buyer['vat_id']}."
        if note and note not in notes:
            notes.append(note)
    return notes


def _payment_note(invoice: Invoice) -> str:
    buyer, seller = invoice.buyer, invoice.seller
    gross = _money(invoice.gross_total, invoice.currency)
    if invoice.kind == InvoiceKind.CREDIT_NOTE:
        return f"The amount of {_money(-invoice.gross_total, invoice.currency)} is refunded to you."
    if buyer.get("paid_at"):
        return f"Paid on {_date(buyer['paid_at'])}. Thank you."
    return (
        f"Please pay {gross} by bank transfer to {seller.get('name', '')}, {seller.get('bank', '')}, "
        f"quoting the reference {buyer.get('order', '')}."
    )


class _Document(FPDF):
    def __init__(self, invoice: Invoice):
        super().__init__(format="A4")
        self.invoice = invoice
        for style, path in _font_files().items():
            self.add_font(FONT, style, path)
        self.set_margins(20, 20, 20)
        self.set_auto_page_break(auto=True, margin=20)
        self.alias_nb_pages()

    def footer(self):
        self.set_y(-15)
        self.set_font(FONT, "", 8)
        self.set_text_color(*GREY)
        self.cell(0, 5, f"{self.invoice.number} · page {self.page_no()} of {{nb}}", align=Align.C)

    def text_line(self, text: str, *, size: float = 10, style: str = "", height: float = 5):
        self.set_font(FONT, style, size)
        self.multi_cell(0, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def invoice_pdf(invoice: Invoice) -> bytes:
    """The PDF of an issued (numbered) invoice or credit note, as bytes."""
    title = "Credit note" if invoice.kind == InvoiceKind.CREDIT_NOTE else "Invoice"
    seller, buyer = invoice.seller, invoice.buyer
    pdf = _Document(invoice)
    pdf.set_title(f"{title} {invoice.number}")
    pdf.set_author(seller.get("name", ""))
    pdf.set_creator(settings.ROSTRUM_SITE_NAME)
    # The PDF's own dates are the issue date: rendering the same row twice gives the same bytes.
    pdf.set_creation_date(invoice.issued_at)
    pdf.add_page()

    pdf.text_line(seller.get("name", ""), size=13, style="B", height=6)
    pdf.set_text_color(*GREY)
    for line in _party_lines(seller):
        pdf.text_line(line, size=9, height=4.5)
    pdf.set_text_color(0, 0, 0)
    pdf.ln(6)

    pdf.text_line(f"{title} {invoice.number}", size=18, style="B", height=9)
    facts = [f"Date of issue: {_date(invoice.issued_at)}", f"Order: {buyer.get('order', '')}"]
    if invoice.kind == InvoiceKind.CREDIT_NOTE and invoice.credits is not None:
        credited = invoice.credits
        facts.append(f"Corrects invoice {credited.number} of {_date(credited.issued_at)}")
        facts.append(f"Reason: {invoice.reason}")
    for fact in facts:
        pdf.text_line(fact)
    pdf.ln(4)

    pdf.text_line("Billed to", size=9, style="B")
    pdf.text_line(buyer.get("name", ""), style="B")
    for line in _party_lines(buyer):
        pdf.text_line(line)
    pdf.ln(6)

    _lines_table(pdf, invoice)
    pdf.ln(4)
    _totals(pdf, invoice)
    pdf.ln(6)

    notes = _tax_notes(invoice)
    for note in notes:
        pdf.text_line(note, size=9)
    if notes:
        pdf.ln(2)
    pdf.text_line(_payment_note(invoice))
    return bytes(pdf.output())


def _lines_table(pdf: _Document, invoice: Invoice) -> None:
    pdf.set_font(FONT, "", 9)
    currency = invoice.currency
    with pdf.table(
        col_widths=(80, 25, 15, 25, 25),
        text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
        line_height=5,
        headings_style=FontFace(family=FONT, emphasis="BOLD"),
        first_row_as_headings=True,
    ) as table:
        heading = table.row()
        for text in ("Description", "Net", "VAT rate", "VAT", "Amount"):
            heading.cell(text)
        # One tax note for all lines is printed once below the totals; differing ones go on their lines.
        notes_differ = len({line.get("tax_note", "") for line in invoice.lines}) > 1
        for line in invoice.lines:
            description = line["description"]
            extra = [line.get("detail", ""), line.get("tax_note", "") if notes_differ else ""]
            extra = [part for part in extra if part and part != description]
            if extra:
                description += "\n" + " · ".join(extra)
            row = table.row()
            row.cell(description)
            row.cell(_money(line["net"], currency))
            row.cell(_rate(line["vat_rate"]))
            row.cell(_money(line["vat"], currency))
            row.cell(_money(line["amount"], currency))


def _totals(pdf: _Document, invoice: Invoice) -> None:
    currency = invoice.currency
    # The VAT per rate, as an EU invoice must show it when lines are taxed at different rates.
    vat_by_rate: dict[Decimal, Decimal] = {}
    for line in invoice.lines:
        rate = Decimal(line["vat_rate"])
        vat_by_rate[rate] = vat_by_rate.get(rate, Decimal(0)) + Decimal(line["vat"])
    rows = [("Net total", invoice.net_total, "")]
    rows += [(f"VAT {_rate(str(rate))}", vat, "") for rate, vat in sorted(vat_by_rate.items(), reverse=True)]
    if len(vat_by_rate) != 1:
        rows.append(("VAT total", invoice.vat_total, ""))
    rows.append(("Total", invoice.gross_total, "B"))
    for label, amount, style in rows:
        pdf.set_font(FONT, style, 10)
        pdf.cell(110, 6, "")
        pdf.cell(35, 6, label)
        pdf.cell(25, 6, _money(amount, currency), align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
