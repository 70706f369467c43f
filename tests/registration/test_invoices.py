import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import transaction
from pypdf import PdfReader

from rostrum.core.models import ActivityLog
from rostrum.registration.enums import InvoiceKind, OrderStatus
from rostrum.registration.errors import RegistrationError
from rostrum.registration.invoice_pdf import invoice_pdf
from rostrum.registration.invoices import credit_note_issue, invoice_issue, invoice_pdf_store
from rostrum.registration.models import Invoice, InvoiceSequence
from tests.factories.accounts import UserFactory
from tests.factories.registration import OrderFactory, OrderItemFactory, ProductFactory
from tests.threads import race

AT = dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.UTC)
REVERSE_CHARGE = "Reverse charge: VAT due by the recipient"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    # Invoice PDFs are written to private storage; each test gets its own folder.
    settings.ROSTRUM_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.ROSTRUM_PRIVATE_MEDIA_ROOT


@pytest.fixture
def issue(db, django_capture_on_commit_callbacks):
    """invoice_issue / credit_note_issue with the after-commit work (the PDF) run, as in production."""

    def run(service, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            result = service(*args, **kwargs)
        result.refresh_from_db()
        return result

    return run


def paid_order(*, amount="120.00", vat="20.00", rate="20.00", tax_note="", product=None, **fields):
    fields = {"paid_at": AT, **fields}
    order = OrderFactory(status=OrderStatus.PAID, total=Decimal(amount), **fields)
    OrderItemFactory(
        order=order,
        product=product or ProductFactory(name="ECR 2026 congress registration"),
        price_label="Early, members",
        list_amount=Decimal(amount),
        amount=Decimal(amount),
        vat_rate=Decimal(rate),
        vat_amount=Decimal(vat),
        tax_note=tax_note,
    )
    return order


def pdf_text(invoice: Invoice) -> str:
    with invoice.pdf.open("rb") as pdf:
        reader = PdfReader(io.BytesIO(pdf.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


# ---- Numbers ---------------------------------------------------------------------------------------------
def test_invoice_issue_numbers_run_per_year_without_gaps(db):
    numbers = [invoice_issue(paid_order(), at=AT).number for _ in range(3)]
    next_year = invoice_issue(paid_order(), at=dt.datetime(2027, 1, 1, 0, 0, tzinfo=dt.UTC))
    assert numbers == ["2026-00001", "2026-00002", "2026-00003"]
    assert (next_year.number, next_year.year, next_year.sequence) == ("2027-00001", 2027, 1)
    assert dict(InvoiceSequence.objects.values_list("year", "last_number")) == {2026: 3, 2027: 1}


def test_invoice_issue_year_is_that_of_the_issue_date_in_the_site_zone(db, settings):
    settings.TIME_ZONE = "Europe/Vienna"
    new_year_in_vienna = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)
    assert invoice_issue(paid_order(), at=new_year_in_vienna).number == "2027-00001"


def test_invoice_issue_rolled_back_gives_its_number_back(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        invoice_issue(paid_order(), at=AT)
        raise RuntimeError("the checkout fails after the invoice")
    assert invoice_issue(paid_order(), at=AT).number == "2026-00001"


def test_credit_note_issue_numbers_its_own_series(db):
    first = invoice_issue(paid_order(), at=AT)
    credit_note = credit_note_issue(first, by=None, reason="Cancelled by the buyer", at=AT)
    second = invoice_issue(paid_order(), at=AT)
    assert (credit_note.number, credit_note.kind) == ("CN-2026-00001", InvoiceKind.CREDIT_NOTE)
    assert second.number == "2026-00002"


# ---- Threads racing for numbers (both databases; SQLite in a file, see tests/conftest.py) -----------------
def _checkout(order) -> str:
    with transaction.atomic():
        return invoice_issue(order, at=AT).number


@pytest.mark.django_db(transaction=True)
def test_invoice_issue_concurrent_checkouts_get_numbers_without_gap_or_repeat():
    orders = [paid_order() for _ in range(8)]
    outcome = race(len(orders), lambda i: _checkout(orders[i]))
    assert outcome.errors == []
    assert sorted(outcome.results) == [f"2026-{n:05d}" for n in range(1, 9)]
    assert sorted(Invoice.objects.values_list("sequence", flat=True)) == list(range(1, 9))
    assert InvoiceSequence.objects.get(kind=InvoiceKind.INVOICE, year=2026).last_number == 8


@pytest.mark.django_db(transaction=True)
def test_invoice_issue_concurrent_checkouts_continue_an_existing_series():
    InvoiceSequence.objects.create(kind=InvoiceKind.INVOICE, year=2026, last_number=41)
    orders = [paid_order() for _ in range(6)]
    outcome = race(len(orders), lambda i: _checkout(orders[i]))
    assert outcome.errors == []
    assert sorted(outcome.results) == [f"2026-{n:05d}" for n in range(42, 48)]


@pytest.mark.django_db(transaction=True)
def test_invoice_issue_concurrent_checkouts_that_roll_back_leave_no_gap():
    orders = [paid_order() for _ in range(8)]

    def checkout_failing_for_odd(i: int) -> str:
        with transaction.atomic():
            number = invoice_issue(orders[i], at=AT).number
            if i % 2:
                raise RuntimeError("payment step failed after the invoice")
            return number

    outcome = race(len(orders), checkout_failing_for_odd)
    assert len(outcome.errors) == 4
    assert sorted(outcome.results) == [f"2026-{n:05d}" for n in range(1, 5)]
    assert sorted(Invoice.objects.values_list("sequence", flat=True)) == [1, 2, 3, 4]


@pytest.mark.django_db(transaction=True)
def test_credit_note_issue_concurrent_refunds_get_numbers_without_gap_or_repeat():
    invoices = [invoice_issue(paid_order(), at=AT) for _ in range(6)]

    def refund(i: int) -> str:
        with transaction.atomic():
            return credit_note_issue(invoices[i], by=None, reason="Refund", at=AT).number

    outcome = race(len(invoices), refund)
    assert outcome.errors == []
    assert sorted(outcome.results) == [f"CN-2026-{n:05d}" for n in range(1, 7)]


@pytest.mark.django_db(transaction=True)
def test_invoice_issue_twice_at_once_for_one_order_gives_one_invoice():
    order = paid_order()
    outcome = race(2, lambda i: _checkout(order))
    assert outcome.results == ["2026-00001"]
    assert [type(error) for error in outcome.errors] == [RegistrationError]
    assert list(Invoice.objects.values_list("number", flat=True)) == ["2026-00001"]


# ---- Contents --------------------------------------------------------------------------------------------
def test_invoice_issue_copies_seller_buyer_lines_and_totals(db, settings):
    settings.ROSTRUM_SELLER = {**settings.ROSTRUM_SELLER, "name": "European Society of Radiology"}
    order = paid_order(
        buyer_name="Anna Müller",
        buyer_organisation="Medizinische Universität Wien",
        buyer_address="Spitalgasse 23\n1090 Wien",
        buyer_country="AT",
    )
    invoice = invoice_issue(order, at=AT)
    invoice.refresh_from_db()
    assert invoice.seller["name"] == "European Society of Radiology"
    assert invoice.seller["country"] == "AT"
    assert invoice.buyer == {
        "name": "Anna Müller",
        "email": order.buyer_email,
        "organisation": "Medizinische Universität Wien",
        "address": "Spitalgasse 23\n1090 Wien",
        "country": "AT",
        "vat_id": "",
        "order": order.code,
        "paid_at": AT.isoformat(),
    }
    line = invoice.lines[0]
    assert (line["description"], line["detail"]) == ("ECR 2026 congress registration", "Early, members")
    assert (line["amount"], line["vat_rate"], line["vat"], line["net"]) == (
        "120.00",
        "20.00",
        "20.00",
        "100.00",
    )
    assert (invoice.gross_total, invoice.vat_total, invoice.net_total) == (
        Decimal("120.00"),
        Decimal("20.00"),
        Decimal("100.00"),
    )
    assert (invoice.currency, invoice.issued_at, invoice.order) == ("EUR", AT, order)
    assert ActivityLog.objects.filter(
        action="registration.invoice.issued", object_id=str(invoice.pk)
    ).exists()


def test_invoice_issue_keeps_what_was_copied_when_settings_and_order_change(db, settings):
    order = paid_order(buyer_name="Anna Müller")
    invoice = invoice_issue(order, at=AT)
    settings.ROSTRUM_SELLER = {**settings.ROSTRUM_SELLER, "name": "Renamed Society"}
    order.buyer_name = "Anna Schmidt"
    order.save()
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert (invoice.buyer["name"], invoice.seller["name"]) == ("Anna Müller", "European Society of Radiology")


def test_invoice_issue_sums_several_lines(db):
    order = paid_order(amount="120.00", vat="20.00")
    OrderItemFactory(
        order=order, amount=Decimal("55.00"), vat_rate=Decimal("10.00"), vat_amount=Decimal("5.00")
    )
    invoice = invoice_issue(order, at=AT)
    assert [line["amount"] for line in invoice.lines] == ["120.00", "55.00"]
    assert (invoice.gross_total, invoice.vat_total, invoice.net_total) == (
        Decimal("175.00"),
        Decimal("25.00"),
        Decimal("150.00"),
    )


def test_invoice_issue_refuses_an_unpaid_order(db):
    order = paid_order()
    order.status = OrderStatus.PENDING
    order.save()
    with pytest.raises(RegistrationError, match="not paid"):
        invoice_issue(order, at=AT)
    assert not InvoiceSequence.objects.exists()


def test_invoice_issue_refuses_a_free_order(db):
    with pytest.raises(RegistrationError, match="free order"):
        invoice_issue(paid_order(amount="0.00", vat="0.00"), at=AT)


def test_invoice_issue_refuses_a_second_invoice_for_an_order(db):
    order = paid_order()
    invoice_issue(order, at=AT)
    with pytest.raises(RegistrationError, match="already has its invoice"):
        invoice_issue(order, at=AT)


# ---- Never edited ----------------------------------------------------------------------------------------
def test_invoice_cannot_be_saved_again_after_issue(db):
    invoice = invoice_issue(paid_order(), at=AT)
    invoice.buyer = {**invoice.buyer, "name": "Somebody else"}
    with pytest.raises(ValueError, match="cannot be changed"):
        invoice.save()
    assert Invoice.objects.get(pk=invoice.pk).buyer["name"] != "Somebody else"


# ---- Credit notes ----------------------------------------------------------------------------------------
def test_credit_note_issue_cancels_the_invoice_in_full_with_negative_amounts(db, staff_user):
    invoice = invoice_issue(paid_order(), at=AT)
    credit_note = credit_note_issue(invoice, by=staff_user, reason="Refund: cannot travel", at=AT)
    credit_note.refresh_from_db()
    assert (credit_note.credits, credit_note.order, credit_note.reason) == (
        invoice,
        invoice.order,
        "Refund: cannot travel",
    )
    assert (credit_note.gross_total, credit_note.vat_total, credit_note.net_total) == (
        Decimal("-120.00"),
        Decimal("-20.00"),
        Decimal("-100.00"),
    )
    line = credit_note.lines[0]
    assert (line["amount"], line["vat"], line["net"], line["vat_rate"]) == (
        "-120.00",
        "-20.00",
        "-100.00",
        "20.00",
    )
    assert (credit_note.seller, credit_note.buyer) == (invoice.seller, invoice.buyer)
    assert invoice.gross_total + credit_note.gross_total == 0
    log = ActivityLog.objects.get(action="registration.credit_note.issued")
    assert (log.actor, log.data["credits"]) == (staff_user, invoice.number)


def test_credit_note_issue_refuses_a_second_credit_note(db):
    invoice = invoice_issue(paid_order(), at=AT)
    credit_note_issue(invoice, by=None, reason="Refund", at=AT)
    with pytest.raises(RegistrationError, match="already has its credit note"):
        credit_note_issue(invoice, by=None, reason="Refund again", at=AT)
    assert Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE).count() == 1


def test_credit_note_issue_refuses_to_credit_a_credit_note(db):
    credit_note = credit_note_issue(invoice_issue(paid_order(), at=AT), by=None, reason="Refund", at=AT)
    with pytest.raises(RegistrationError, match="only an invoice can be credited"):
        credit_note_issue(credit_note, by=None, reason="Again", at=AT)


def test_credit_note_issue_refuses_an_invoice_never_issued(db):
    with pytest.raises(RegistrationError, match="Only an issued invoice"):
        credit_note_issue(Invoice(), by=None, reason="Refund", at=AT)


def test_credit_note_issue_needs_a_reason(db):
    invoice = invoice_issue(paid_order(), at=AT)
    with pytest.raises(RegistrationError, match="Say why") as raised:
        credit_note_issue(invoice, by=None, reason="  ", at=AT)
    assert raised.value.field == "reason"


# ---- PDF -------------------------------------------------------------------------------------------------
def test_invoice_pdf_is_stored_in_private_storage_after_commit(issue, private_media):
    invoice = issue(invoice_issue, paid_order(), at=AT)
    assert invoice.pdf.name == "invoices/2026-00001.pdf"
    assert Path(invoice.pdf.path).is_relative_to(Path(private_media).resolve())
    assert invoice.pdf.open("rb").read(5) == b"%PDF-"


def test_invoice_pdf_is_not_written_for_a_rolled_back_issue(
    db, private_media, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        invoice_issue(paid_order(), at=AT)
        raise RuntimeError("the checkout fails after the invoice")
    assert callbacks == []
    assert not Path(private_media).exists() or not any(Path(private_media).rglob("*.pdf"))


def test_invoice_pdf_store_renders_a_missing_pdf_once(db):
    invoice = invoice_issue(paid_order(), at=AT)  # no commit inside the test transaction: no PDF yet
    assert not Invoice.objects.get(pk=invoice.pk).pdf
    stored = invoice_pdf_store(Invoice.objects.get(pk=invoice.pk))
    again = invoice_pdf_store(Invoice.objects.get(pk=invoice.pk))
    assert stored.pdf.name == again.pdf.name == Invoice.objects.get(pk=invoice.pk).pdf.name


def test_invoice_pdf_prints_accented_names_seller_buyer_lines_and_totals(issue):
    order = paid_order(
        buyer_name="Łukasz Müller-Álvarez",
        buyer_organisation="Uniwersytet Medyczny w Łodzi",
        buyer_address="al. Kościuszki 4\n90-419 Łódź",
        buyer_country="PL",
        product=ProductFactory(name="Hands-on workshop: Ultrasound in Kraków"),
    )
    text = pdf_text(issue(invoice_issue, order, at=AT))
    for expected in (
        "Invoice 2026-00001",
        "European Society of Radiology",
        "Am Gestade 1",
        "Łukasz Müller-Álvarez",
        "Uniwersytet Medyczny w Łodzi",
        "90-419 Łódź",
        "Poland",
        "Hands-on workshop: Ultrasound in Kraków",
        "Early, members",
        "March 3, 2026",
        f"Order: {order.code}",
        "Net total",
        "€100.00",
        "€20.00",
        "€120.00",
        "20 %",
        "Paid on March 3, 2026",
    ):
        assert expected in text, expected


def test_invoice_pdf_prints_czech_greek_cyrillic_and_turkish_names(issue):
    names = "Řehoř Dvořák, Παπαδόπουλος, Иванова, Ğüneş İşık"  # noqa: RUF001 - the Turkish dotless i is meant
    text = pdf_text(issue(invoice_issue, paid_order(buyer_name=names), at=AT))
    assert names in text


def test_invoice_pdf_of_a_name_outside_the_font_is_still_issued(issue):
    # Source Sans Pro has no Chinese: the glyph is left out, the invoice is issued all the same.
    invoice = issue(invoice_issue, paid_order(buyer_name="Wang 王"), at=AT)
    assert "Wang" in pdf_text(invoice)


def test_invoice_pdf_prints_reverse_charge_wording_and_vat_numbers(issue):
    order = paid_order(
        amount="100.00",
        vat="0.00",
        rate="0.00",
        tax_note=REVERSE_CHARGE,
        buyer_name="Jürgen Weiß",
        buyer_organisation="Radiologie Köln GmbH",
        buyer_country="DE",
        buyer_vat_id="DE136695976",
    )
    text = " ".join(pdf_text(issue(invoice_issue, order, at=AT)).split())
    assert "Reverse charge: VAT due by the recipient (Article 196 of Council Directive 2006/112/EC)" in text
    assert "VAT number: DE136695976" in text
    assert "Jürgen Weiß" in text and "Radiologie Köln GmbH" in text


def test_invoice_pdf_without_payment_date_asks_for_a_bank_transfer_with_the_order_code(issue, settings):
    settings.ROSTRUM_SELLER = {**settings.ROSTRUM_SELLER, "bank": "IBAN AT12 3456 7890 1234 5678"}
    order = paid_order(paid_at=None)
    text = " ".join(pdf_text(issue(invoice_issue, order, at=AT)).split())
    assert (
        "Please pay €120.00 by bank transfer to European Society of Radiology, "
        f"IBAN AT12 3456 7890 1234 5678, quoting the reference {order.code}."
    ) in text


def test_credit_note_pdf_names_the_invoice_it_corrects_and_why(issue):
    invoice = issue(invoice_issue, paid_order(buyer_name="Zoë Ødegård"), at=AT)
    later = AT + dt.timedelta(days=30)
    credit_note = issue(
        credit_note_issue, invoice, by=None, reason="Workshop cancelled by the society", at=later
    )
    text = " ".join(pdf_text(credit_note).split())
    for expected in (
        "Credit note CN-2026-00001",
        "Corrects invoice 2026-00001 of March 3, 2026",
        "Reason: Workshop cancelled by the society",
        "Date of issue: April 2, 2026",
        "Zoë Ødegård",
        "-€120.00",
        "The amount of €120.00 is refunded to you.",
    ):
        assert expected in text, expected


def test_invoice_pdf_renders_the_same_bytes_from_the_same_row(db):
    invoice = invoice_issue(paid_order(), at=AT)
    assert invoice_pdf(invoice) == invoice_pdf(Invoice.objects.get(pk=invoice.pk))


def test_invoice_issue_leaves_other_buyers_orders_alone(db):
    mine, theirs = paid_order(buyer=UserFactory()), paid_order(buyer=UserFactory())
    invoice = invoice_issue(mine, at=AT)
    assert list(theirs.invoices.all()) == []
    assert invoice.buyer["email"] == mine.buyer_email != theirs.buyer_email
