"""Registration's reactions to lower apps' signals: memberships grant and withdraw access; accounts ask for a
user's registration data (download) and for its removal (account deletion)."""

from django.dispatch import receiver

from rostrum.accounts.services import DELETED_DOMAIN
from rostrum.accounts.signals import account_deleting, personal_data_requested
from rostrum.core.services import activity_log
from rostrum.memberships.signals import membership_activated, membership_ended
from rostrum.registration import capacity, orders
from rostrum.registration.entitlements import (
    entitlements_grant_for_membership,
    entitlements_revoke_for_membership,
)
from rostrum.registration.enums import OPEN_WAITLIST_STATUSES, OrderStatus
from rostrum.registration.models import CartItem, Entitlement, Invoice, Order, WaitlistEntry

DELETED_BUYER_NAME = "Deleted user"


@receiver(membership_activated)
def grant_membership_access(sender, membership, **kwargs):
    """A membership became active or was renewed: grant (or extend) what its type's benefits open."""
    entitlements_grant_for_membership(membership)


@receiver(membership_ended)
def withdraw_membership_access(sender, membership, reason="", **kwargs):
    entitlements_revoke_for_membership(membership, reason=reason)


# The data download ----------------------------------------------------------------------------------------


def _when(value) -> str | None:
    return value.isoformat() if value else None


def _money(value) -> str:
    # Decimal as a string: JSON numbers are floats, and money must not round.
    return str(value)


def _order(order: Order) -> dict:
    return {
        "code": order.code,
        "status": order.status,
        "created": _when(order.created),
        "expires": _when(order.expires_at),
        "paid": _when(order.paid_at),
        "cancelled": _when(order.cancelled_at),
        "refunded": _when(order.refunded_at),
        "reason": order.reason,
        "currency": order.currency,
        "total": _money(order.total),
        "voucher": order.voucher.code if order.voucher else "",
        "payment_provider": order.payment_provider,
        "buyer": {
            "name": order.buyer_name,
            "email": order.buyer_email,
            "organisation": order.buyer_organisation,
            "address": order.buyer_address,
            "country": order.buyer_country,
            "vat_id": order.buyer_vat_id,
        },
        "items": [
            {
                "product": item.product.code,
                "name": item.product.name,
                "price": item.price_label,
                "list_amount": _money(item.list_amount),
                "discount": _money(item.discount),
                "amount": _money(item.amount),
                "vat_rate": _money(item.vat_rate),
                "vat_amount": _money(item.vat_amount),
                "tax_note": item.tax_note,
            }
            for item in order.items.all()
        ],
        "payments": [
            {
                "provider": payment.provider,
                "amount": _money(payment.amount),
                "status": payment.status,
                "reference": payment.reference,
                "created": _when(payment.created),
                "confirmed": _when(payment.confirmed_at),
            }
            for payment in order.payments.all()
        ],
    }


def _invoice(invoice: Invoice) -> dict:
    return {
        "number": invoice.number,
        "kind": invoice.kind,
        "order": invoice.order.code,
        "issued": _when(invoice.issued_at),
        "buyer": invoice.buyer,
        "currency": invoice.currency,
        "net_total": _money(invoice.net_total),
        "vat_total": _money(invoice.vat_total),
        "gross_total": _money(invoice.gross_total),
        "credits": invoice.credits.number if invoice.credits else None,
        "reason": invoice.reason,
    }


def _entitlement(entitlement: Entitlement) -> dict:
    return {
        "scope": entitlement.scope,
        "event": entitlement.event.slug if entitlement.event else None,
        "session_type": entitlement.session_type.code if entitlement.session_type else None,
        "session": (
            f"{entitlement.session.event.slug}/{entitlement.session.slug}" if entitlement.session else None
        ),
        "catalogue": entitlement.catalogue,
        "live": entitlement.live,
        "on_demand": entitlement.on_demand,
        "valid_from": _when(entitlement.valid_from),
        "valid_until": _when(entitlement.valid_until),
        "source": entitlement.source,
        "order": entitlement.order_item.order.code if entitlement.order_item else None,
        "membership": entitlement.membership.membership_type.name if entitlement.membership else None,
        "note": entitlement.note,
        "granted": _when(entitlement.created),
        "revoked": _when(entitlement.revoked_at),
    }


@receiver(personal_data_requested)
def export_registration(sender, user, **kwargs):
    """The user's cart, orders (items, amounts, payments, status, dates), invoices and credit notes (as
    issued), waitlist entries and entitlements, revoked ones included: all of it is about them."""
    user_orders = (
        Order.objects.filter(buyer=user)
        .select_related("voucher")
        .prefetch_related("items__product", "payments")
        .order_by("created", "pk")
    )
    invoices = (
        Invoice.objects.filter(order__buyer=user)
        .select_related("order", "credits")
        .order_by("issued_at", "pk")
    )
    waitlist = WaitlistEntry.objects.filter(user=user).select_related("product").order_by("joined_at", "pk")
    entitlements = (
        Entitlement.objects.filter(user=user)
        .select_related(
            "event", "session_type", "session__event", "order_item__order", "membership__membership_type"
        )
        .order_by("created", "pk")
    )
    return {
        "registration": {
            "cart": [
                {"product": item.product.code, "name": item.product.name, "added": _when(item.added_at)}
                for item in CartItem.objects.filter(user=user).select_related("product")
            ],
            "orders": [_order(order) for order in user_orders],
            "invoices": [_invoice(invoice) for invoice in invoices],
            "waitlist": [
                {
                    "product": entry.product.code,
                    "name": entry.product.name,
                    "status": entry.status,
                    "joined": _when(entry.joined_at),
                    "offered": _when(entry.offered_at),
                    "offer_expires": _when(entry.offer_expires_at),
                }
                for entry in waitlist
            ],
            "entitlements": [_entitlement(entitlement) for entitlement in entitlements],
        }
    }


# Account deletion -----------------------------------------------------------------------------------------


@receiver(account_deleting)
def delete_registration(sender, user, **kwargs):
    """Remove or anonymise the user's registration rows, keeping what the law requires.

    In this order, inside the deletion's transaction:
    - open waitlist entries are left (capacity.waitlist_leave), so a seat offered to the user moves on to the
      next person; leaving first means no seat freed below can be offered to the user;
    - pending orders are cancelled (orders.order_cancel by the user): their seats go back, to the waitlist
      first, and the buyer is told as for any cancellation (the address is still theirs at this point);
    - their waitlist entries (all of them, now closed) and their cart are deleted;
    - entitlements are deleted rather than revoked: the account can never sign in again, and what a person
      could watch is personal data with no reason to stay (the activity log keeps that access was granted);
    - orders with an issued invoice (or credit note) are kept as they are: the invoice copied the buyer's
      details at issue and, with its order, must be kept unchanged for the legally required period;
    - every other order (cancelled, expired, and paid free of charge, which has no invoice) is kept for the
      society's sales figures, with the buyer's name, e-mail, organisation, address and VAT number replaced;
      the country stays, since alone it names nobody and sales are counted per country.
    Paid orders stay paid: a seat they hold stays held until staff refund the order.
    Side effects: logs `registration.account.anonymised` with counts.
    """
    for entry in WaitlistEntry.objects.filter(user=user, status__in=OPEN_WAITLIST_STATUSES).order_by("pk"):
        capacity.waitlist_leave(entry, by=user)
    cancelled = 0
    for order in Order.objects.filter(buyer=user, status=OrderStatus.PENDING).order_by("pk"):
        orders.order_cancel(order, by=user, reason="The buyer deleted their account.")
        cancelled += 1
    waitlist, _ = WaitlistEntry.objects.filter(user=user).delete()
    cart, _ = CartItem.objects.filter(user=user).delete()
    entitlements, _ = Entitlement.objects.filter(user=user).delete()
    anonymised = (
        Order.objects.filter(buyer=user)
        .exclude(invoices__isnull=False)
        .update(
            buyer_name=DELETED_BUYER_NAME,
            buyer_email=f"deleted-{user.pk}@{DELETED_DOMAIN}",
            buyer_organisation="",
            buyer_address="",
            buyer_vat_id="",
        )
    )
    activity_log(
        action="registration.account.anonymised",
        obj=user,
        data={
            "orders_cancelled": cancelled,
            "orders_anonymised": anonymised,
            "waitlist_entries_deleted": waitlist,
            "cart_items_deleted": cart,
            "entitlements_deleted": entitlements,
        },
    )
