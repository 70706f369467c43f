"""Invoices and credit notes: gap-free numbers per year, PDFs, never edited after issue. OWNER: helper B.

CONTRACT STUB: replace the bodies, keep the names and signatures.
"""


def invoice_issue(order, *, at=None):
    """Issue the invoice of a paid order inside the caller's transaction and return it (number, PDF)."""
    raise NotImplementedError


def credit_note_issue(invoice, *, by, reason: str, at=None):
    """Issue a credit note cancelling `invoice` in full and return it."""
    raise NotImplementedError
