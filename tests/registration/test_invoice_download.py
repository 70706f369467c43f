import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from rostrum.registration.enums import OrderStatus
from rostrum.registration.invoices import credit_note_issue, invoice_issue
from rostrum.registration.models import Invoice
from tests.factories.accounts import UserFactory
from tests.factories.registration import OrderFactory, OrderItemFactory

AT = dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    # Invoice PDFs are written to private storage; each test gets its own folder.
    settings.ROSTRUM_PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def buyer(db):
    return UserFactory(first_name="Zoë", last_name="Ødegård")


@pytest.fixture
def invoice(buyer, django_capture_on_commit_callbacks):
    order = OrderFactory(buyer=buyer, status=OrderStatus.PAID, paid_at=AT, total=Decimal("120.00"))
    OrderItemFactory(order=order, amount=Decimal("120.00"), vat_rate=Decimal(20), vat_amount=Decimal("20.00"))
    with django_capture_on_commit_callbacks(execute=True):
        issued = invoice_issue(order, at=AT)
    return Invoice.objects.get(pk=issued.pk)


def url(invoice) -> str:
    return f"/account/invoices/{invoice.number}.pdf"


def test_invoice_download_gives_the_buyer_the_pdf(client, buyer, invoice):
    client.force_login(buyer)
    response = client.get(url(invoice))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert 'filename="2026-00001.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_invoice_download_url_is_named(invoice):
    assert reverse("registration:invoice", kwargs={"number": invoice.number}) == url(invoice)


def test_invoice_download_gives_the_buyer_their_credit_note(
    client, buyer, invoice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        credit_note = credit_note_issue(invoice, by=None, reason="Refund", at=AT)
    client.force_login(buyer)
    response = client.get(url(credit_note))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_invoice_download_is_404_for_another_user(client, invoice):
    client.force_login(UserFactory())
    assert client.get(url(invoice)).status_code == 404


def test_invoice_download_is_404_for_staff_without_the_permission(client, invoice):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url(invoice)).status_code == 404


def test_invoice_download_is_404_for_an_unknown_number(client, buyer, invoice):
    client.force_login(buyer)
    assert client.get("/account/invoices/2026-00002.pdf").status_code == 404


def test_invoice_download_sends_anonymous_visitors_to_sign_in(client, invoice):
    response = client.get(url(invoice))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/account/invoices/2026-00001.pdf")


def test_invoice_download_gives_staff_with_the_permission_the_pdf(client, invoice):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(
        Permission.objects.get(codename="view_invoice", content_type__app_label="registration")
    )
    client.force_login(staff)
    response = client.get(url(invoice))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_invoice_download_renders_a_pdf_missing_after_a_failed_run(client, buyer):
    order = OrderFactory(buyer=buyer, status=OrderStatus.PAID, paid_at=AT, total=Decimal("50.00"))
    OrderItemFactory(order=order, amount=Decimal("50.00"))
    invoice = invoice_issue(order, at=AT)  # the after-commit run never happens inside the test transaction
    client.force_login(buyer)
    response = client.get(url(invoice))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert Invoice.objects.get(pk=invoice.pk).pdf.name == "invoices/2026-00001.pdf"


def test_invoice_download_renders_again_a_lost_file(client, buyer, invoice):
    Path(invoice.pdf.path).unlink()
    client.force_login(buyer)
    response = client.get(url(invoice))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_invoice_download_refuses_writes(client, buyer, invoice):
    client.force_login(buyer)
    assert client.post(url(invoice)).status_code == 405
