"""Writes of registration, one entry point per action; each lives in the module of its entity:
orders.py (carts, orders, membership fees), capacity.py (seats and waitlists), invoices.py (invoices and
credit notes), entitlements.py (access) and catalogue.py (products and vouchers as data)."""

from rostrum.registration.capacity import (
    waitlist_join,
    waitlist_leave,
    waitlist_offer_expire_due,
    waitlist_offer_free_seats,
)
from rostrum.registration.catalogue import product_update_or_create, voucher_update_or_create
from rostrum.registration.entitlements import (
    entitlement_grant,
    entitlement_revoke,
    entitlements_grant_for_order,
    entitlements_revoke_for_order,
)
from rostrum.registration.invoices import credit_note_issue, invoice_issue, invoice_pdf_store
from rostrum.registration.orders import (
    cart_add,
    cart_remove,
    membership_fee_order_place,
    order_cancel,
    order_expire_due,
    order_mark_paid,
    order_place,
    order_refund,
)

__all__ = [
    "cart_add",
    "cart_remove",
    "credit_note_issue",
    "entitlement_grant",
    "entitlement_revoke",
    "entitlements_grant_for_order",
    "entitlements_revoke_for_order",
    "invoice_issue",
    "invoice_pdf_store",
    "membership_fee_order_place",
    "order_cancel",
    "order_expire_due",
    "order_mark_paid",
    "order_place",
    "order_refund",
    "product_update_or_create",
    "voucher_update_or_create",
    "waitlist_join",
    "waitlist_leave",
    "waitlist_offer_expire_due",
    "waitlist_offer_free_seats",
]
