"""Invoice and credit note downloads: /account/invoices/<number>.pdf, for its buyer and for staff who may
view invoices. Anybody else gets 404, exactly as for a number that does not exist, so numbers reveal nothing.
"""

import io

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.urls import path
from django.views.decorators.http import require_GET

from rostrum.registration.invoice_pdf import invoice_pdf
from rostrum.registration.invoices import invoice_of, invoice_pdf_store


@login_required
@require_GET
def invoice_download(request, number: str):
    invoice = invoice_of(request.user, number)
    if invoice is None:
        raise Http404("No such invoice.")
    if not invoice.pdf:
        # Rendered after the issuing commit; when that run failed, the first download renders it.
        invoice = invoice_pdf_store(invoice)
    try:
        content = invoice.pdf.open("rb")
    except FileNotFoundError:
        # The file was lost (a restored backup without private files): the row holds all it said.
        content = io.BytesIO(invoice_pdf(invoice))
    response = FileResponse(content, filename=f"{invoice.number}.pdf", content_type="application/pdf")
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("account/invoices/<str:number>.pdf", invoice_download, name="invoice"),
]
