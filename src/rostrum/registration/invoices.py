"""Invoices and credit notes: gap-free numbers per year, contents copied at issue, a PDF, never edited after.

Numbers: invoices run "2026-00001", "2026-00002" … and credit notes "CN-2026-00001" … in a series of their
own, each starting again at 1 on 1 January (the year of the issue date in settings.TIME_ZONE). A number is
taken from the InvoiceSequence row of its series inside the issuing transaction: the UPDATE that adds 1
locks the row until the transaction ends, so concurrent checkouts queue for it and a checkout that rolls
back gives its number back. No number is skipped and none is given twice, on SQLite and on PostgreSQL.

Contents: seller (settings.ROSTRUM_SELLER), buyer (the order's buyer_* fields, its code and payment date),
lines and totals are copied onto the Invoice row when it is issued, so neither a changed profile nor changed
settings alter an issued invoice. The row is never saved again (Invoice.save refuses); a mistake is
corrected by a credit note. The PDF is rendered from that row alone once the issuing transaction has
committed (invoice_pdf_store), outside the lock on the number series; the download renders it when missing.

Reads: invoice_of(user, number) gives an invoice only to its buyer and to staff with registration.view_invoice
(the download at /account/invoices/<number>.pdf, views/invoices.py).

Credit notes cancel an invoice in full: their line amounts and totals are the invoice's, negated, so adding
all invoices and credit notes of a period gives what the society earned. One credit note per invoice.
"""

import datetime as dt
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from rostrum.core.services import activity_log
from rostrum.registration.enums import InvoiceKind, OrderStatus
from rostrum.registration.errors import RegistrationError
from rostrum.registration.invoice_pdf import invoice_pdf
from rostrum.registration.models import Invoice, InvoiceSequence, Order

NUMBER_PREFIX = {InvoiceKind.INVOICE: "", InvoiceKind.CREDIT_NOTE: "CN-"}
ZERO = Decimal("0.00")


def invoice_number(kind: str, year: int, sequence: int) -> str:
    """ "2026-00042" for an invoice, "CN-2026-00003" for a credit note."""
    return f"{NUMBER_PREFIX[kind]}{year}-{sequence:05d}"


def _number_take(kind: str, year: int) -> int:
    """The next number of a series, taken inside the caller's transaction.

    The UPDATE comes first: it locks the series row until the transaction commits or rolls back (a row lock
    on PostgreSQL; on SQLite the write lock, which IMMEDIATE transactions hold from their start), so the
    number read back is ours alone. The first invoice of a year finds no row and creates it (only then a
    second statement); when two checkouts both try, the loser's INSERT fails on the unique constraint inside
    a savepoint, and its UPDATE then queues behind the winner's lock.
    """
    series = InvoiceSequence.objects.filter(kind=kind, year=year)
    if not series.update(last_number=F("last_number") + 1):
        try:
            with transaction.atomic():
                InvoiceSequence.objects.create(kind=kind, year=year, last_number=0)
        except IntegrityError:
            pass  # created meanwhile by a concurrent checkout: its row lock orders us after it
        series.update(last_number=F("last_number") + 1)
    return series.values_list("last_number", flat=True).get()


def _seller() -> dict:
    keys = ("name", "address", "country", "vat_id", "email", "bank")
    return {key: str(settings.ROSTRUM_SELLER.get(key, "")) for key in keys}


def _buyer(order: Order) -> dict:
    return {
        "name": order.buyer_name,
        "email": order.buyer_email,
        "organisation": order.buyer_organisation,
        "address": order.buyer_address,
        "country": order.buyer_country,
        "vat_id": order.buyer_vat_id,
        # What the payment note says: paid on that day, or pay by bank transfer with the order code.
        "order": order.code,
        "paid_at": order.paid_at.isoformat() if order.paid_at else "",
    }


def _lines(order: Order) -> list[dict]:
    lines = []
    for item in order.items.select_related("product").order_by("pk"):
        lines.append(
            {
                "description": item.product.name,
                "detail": item.price_label,
                "product": item.product.code,
                "list_amount": str(item.list_amount),
                "discount": str(item.discount),
                "amount": str(item.amount),
                "vat_rate": str(item.vat_rate),
                "vat": str(item.vat_amount),
                "net": str(item.amount - item.vat_amount),
                "tax_note": item.tax_note,
            }
        )
    return lines


def _issue(invoice: Invoice, *, kind: str, at: dt.datetime) -> Invoice:
    """Number `invoice` and insert it (once: Invoice.save refuses a second save); its PDF follows the commit.

    The series row stays locked until the caller's transaction ends, so nothing slow happens here: rendering
    a PDF takes a good part of a second and would queue every other checkout behind it.
    """
    invoice.kind = kind
    invoice.issued_at = at
    invoice.year = timezone.localtime(at).year
    invoice.sequence = _number_take(kind, invoice.year)
    invoice.number = invoice_number(kind, invoice.year, invoice.sequence)
    invoice.save()
    # robust: the invoice stands even when its PDF cannot be written now; the download renders it then.
    transaction.on_commit(partial(_pdf_store_after_commit, invoice.pk), robust=True)
    return invoice


def _pdf_store_after_commit(pk: int) -> None:
    invoice_pdf_store(Invoice.objects.select_related("credits").get(pk=pk))


def invoice_pdf_store(invoice: Invoice) -> Invoice:
    """Render the PDF of an issued invoice or credit note that has none yet, store it, return the invoice.

    Runs after the issuing transaction commits, and again from the download when that run failed. Side
    effects: writes the file to private storage and sets Invoice.pdf by a conditional UPDATE, the one
    change an issued row ever sees (it adds the rendering of what the row already says); when two runs
    race, the second removes its own file and takes the first one's.
    """
    if invoice.pdf:
        return invoice
    invoice.pdf.save(f"{invoice.number}.pdf", ContentFile(invoice_pdf(invoice)), save=False)
    if not Invoice.objects.filter(pk=invoice.pk, pdf="").update(pdf=invoice.pdf.name):
        invoice.pdf.delete(save=False)
        invoice.pdf = Invoice.objects.values_list("pdf", flat=True).get(pk=invoice.pk)
    return invoice


@transaction.atomic
def invoice_issue(order: Order, *, at: dt.datetime | None = None) -> Invoice:
    """Issue the invoice of a paid order inside the caller's transaction and return it.

    Raises RegistrationError when the order is not paid, costs nothing (a free order needs no invoice) or
    already has its invoice. Side effects: takes the next invoice number of the year (its series stays locked
    until the caller's transaction ends); saves the Invoice with seller, buyer, lines and totals copied from
    settings and the order; logs `registration.invoice.issued`; once the transaction commits, renders the
    PDF into private storage (invoice_pdf_store).
    """
    at = at or timezone.now()
    # Locking the order makes a second, concurrent issue for it wait, then find the first invoice.
    # The order is read again under the lock: what the invoice copies is what the database holds.
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status != OrderStatus.PAID:
        raise RegistrationError(f"Order {order.code} is not paid: it gets its invoice when it is.")
    if Invoice.objects.filter(order=order, kind=InvoiceKind.INVOICE).exists():
        raise RegistrationError(f"Order {order.code} already has its invoice.")
    lines = _lines(order)
    gross = sum((Decimal(line["amount"]) for line in lines), ZERO)
    vat = sum((Decimal(line["vat"]) for line in lines), ZERO)
    if gross <= 0:
        raise RegistrationError(f"Order {order.code} costs nothing: a free order has no invoice.")
    invoice = Invoice(
        order=order,
        seller=_seller(),
        buyer=_buyer(order),
        lines=lines,
        currency=order.currency,
        net_total=gross - vat,
        vat_total=vat,
        gross_total=gross,
    )
    _issue(invoice, kind=InvoiceKind.INVOICE, at=at)
    activity_log(
        action="registration.invoice.issued",
        actor=None,
        obj=invoice,
        data={"number": invoice.number, "order": order.code, "gross_total": str(gross)},
    )
    return invoice


def invoice_of(user, number: str) -> Invoice | None:
    """The invoice or credit note numbered `number` if `user` may read it: its buyer, or staff with the
    registration.view_invoice permission; None otherwise, as for a number that does not exist."""
    if not user.is_authenticated:
        return None
    invoice = Invoice.objects.select_related("order", "credits").filter(number=number).first()
    if invoice is None:
        return None
    if invoice.order.buyer_id == user.pk or user.has_perm("registration.view_invoice"):
        return invoice
    return None


def _negate(value: str) -> str:
    return str(-Decimal(value)) if Decimal(value) else value


@transaction.atomic
def credit_note_issue(invoice: Invoice, *, by, reason: str, at: dt.datetime | None = None) -> Invoice:
    """Issue a credit note cancelling `invoice` in full and return it.

    The credit note copies the invoice's seller, buyer and lines with every amount negated, names the
    invoice it corrects and says why. Raises RegistrationError for an invoice never issued, a credit note
    (only invoices are credited), an invoice that already has its credit note, or an empty reason. Side
    effects: takes the next credit note number of the year; saves it; logs `registration.credit_note.issued`;
    renders its PDF after the commit.
    """
    at = at or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise RegistrationError("Say why the invoice is credited: the buyer reads it.", field="reason")
    # Locking the invoice makes two concurrent refunds queue; the second then finds the first credit note.
    locked = Invoice.objects.select_for_update().filter(pk=invoice.pk).first() if invoice.pk else None
    if locked is None:
        raise RegistrationError("Only an issued invoice can be credited.")
    invoice = locked
    if invoice.kind != InvoiceKind.INVOICE:
        raise RegistrationError(f"{invoice.number} is a credit note: only an invoice can be credited.")
    if Invoice.objects.filter(credits=invoice).exists():
        raise RegistrationError(f"Invoice {invoice.number} already has its credit note.")
    lines = [
        {**line, **{key: _negate(line[key]) for key in ("list_amount", "discount", "amount", "vat", "net")}}
        for line in invoice.lines
    ]
    credit_note = Invoice(
        order=invoice.order,
        credits=invoice,
        reason=reason,
        seller=invoice.seller,
        buyer=invoice.buyer,
        lines=lines,
        currency=invoice.currency,
        net_total=-invoice.net_total,
        vat_total=-invoice.vat_total,
        gross_total=-invoice.gross_total,
    )
    _issue(credit_note, kind=InvoiceKind.CREDIT_NOTE, at=at)
    activity_log(
        action="registration.credit_note.issued",
        actor=by,
        obj=credit_note,
        data={"number": credit_note.number, "credits": invoice.number, "reason": reason},
    )
    return credit_note
