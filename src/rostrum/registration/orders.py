"""Carts and orders: checkout, payment, cancellation, refunds and expiry. OWNER: helper A.

CONTRACT STUB: replace the bodies, keep the names and signatures.
"""


def cart_add(*, user, product):
    """Put `product` in the user's cart (once); returns the CartItem. RegistrationError if it cannot be bought."""
    raise NotImplementedError


def cart_remove(*, user, product) -> None:
    raise NotImplementedError


def order_place(
    *,
    buyer,
    products=None,
    voucher_code: str = "",
    payment_provider: str = "",
    buyer_details: dict | None = None,
    at=None,
):
    """Turn the cart (or `products`) into an order, in one transaction; return it.

    Quotes each product (pricing.product_quote), applies the voucher, computes VAT (taxes.tax_for), holds seats
    (capacity.seat_hold; RegistrationError "sold out" otherwise), records a Payment. A total of 0 is paid at
    once (provider "free"); otherwise the order waits for payment until `expires_at`. Paid: invoice
    (invoices.invoice_issue) and entitlements (entitlements.entitlements_grant_for_order), signal order_paid.
    E-mails the buyer. Empties the cart.
    """
    raise NotImplementedError


def order_mark_paid(order, *, by, reference: str = ""):
    """Staff confirm the payment of a pending order (bank transfer): it becomes paid. See order_place."""
    raise NotImplementedError


def order_cancel(order, *, by, reason: str = ""):
    """Cancel a pending order (its buyer or staff): seats are released, nothing is granted."""
    raise NotImplementedError


def order_refund(order, *, by, reason: str):
    """Refund a paid order (staff): credit note, entitlements revoked, seats released, buyer told."""
    raise NotImplementedError


def order_expire_due(*, now=None) -> int:
    """Expire pending orders past `expires_at`; release their seats; tell the buyers; return how many."""
    raise NotImplementedError


def membership_fee_order_place(membership, *, by):
    """Order the fee of a membership pending payment (its member); paying it activates the membership."""
    raise NotImplementedError
